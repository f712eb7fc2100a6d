//! TransactWriteItems whose items are named. Each item is added under the
//! part it plays in its operation (a small `enum` per operation), so that a
//! cancelled transaction is explained by asking which part failed its
//! condition, never by the item's position.

use std::sync::Arc;

use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::{
    AttributeValue, CancellationReason, ConditionCheck, Delete, Put,
    ReturnValuesOnConditionCheckFailure, TransactWriteItem, Update,
};
use serde::de::DeserializeOwned;
use ticedu_store::{Attempt, Failure, OrBackend, Refusal};

use crate::DynamoStore;
use crate::keys::{Item, Key};
use crate::request::{EXISTING_ITEM, Expr, NEW_ITEM, from_item, sdk_failure};
use crate::retry::{CONFLICT_ATTEMPTS, backoff};
use crate::write_token::{self, WriteToken};

/// DynamoDB allows 100 items per transaction.
const MAX_TRANSACTION_ITEMS: usize = 100;

/// One TransactWriteItems being built; `P` names the parts of its operation.
/// Every item it puts or updates carries its [`WriteToken`].
pub(crate) struct Transaction<P> {
    table: Arc<str>,
    token: WriteToken,
    parts: Vec<P>,
    items: Vec<TransactWriteItem>,
}

impl<P> Transaction<P> {
    fn add(&mut self, part: P, item: TransactWriteItem) {
        self.parts.push(part);
        self.items.push(item);
    }

    /// A Put of `item` on `condition`; on failure DynamoDB returns the item it found.
    pub(crate) fn put(&mut self, part: P, item: Item, condition: &str, expr: Expr) -> Attempt<()> {
        let put = Put::builder()
            .table_name(&*self.table)
            .set_item(Some(self.token.mark(item)))
            .condition_expression(condition)
            .set_expression_attribute_names(expr.names())
            .set_expression_attribute_values(expr.values())
            .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
            .build()
            .or_backend()?;
        self.add(part, TransactWriteItem::builder().put(put).build());
        Ok(())
    }

    pub(crate) fn put_new(&mut self, part: P, item: Item) -> Attempt<()> {
        self.put(part, item, NEW_ITEM, Expr::default())
    }

    /// A Put without condition: for writes that may repeat with the same content.
    pub(crate) fn put_always(&mut self, part: P, item: Item) -> Attempt<()> {
        let put = Put::builder()
            .table_name(&*self.table)
            .set_item(Some(self.token.mark(item)))
            .build()
            .or_backend()?;
        self.add(part, TransactWriteItem::builder().put(put).build());
        Ok(())
    }

    pub(crate) fn update(
        &mut self,
        part: P,
        key: &Key,
        update: &str,
        condition: &str,
        expr: Expr,
    ) -> Attempt<()> {
        let expr = expr
            .name(write_token::NAME, write_token::ATTRIBUTE)
            .value(write_token::VALUE, self.token.value());
        let update = Update::builder()
            .table_name(&*self.table)
            .set_key(Some(key.item()))
            .update_expression(self.token.mark_update(update))
            .condition_expression(condition)
            .set_expression_attribute_names(expr.names())
            .set_expression_attribute_values(expr.values())
            .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
            .build()
            .or_backend()?;
        self.add(part, TransactWriteItem::builder().update(update).build());
        Ok(())
    }

    /// An Update adding `amount` to a number attribute, created at 0 if
    /// absent; unconditioned, for a counter another part of the transaction guards.
    pub(crate) fn add_to(
        &mut self,
        part: P,
        key: &Key,
        attribute: &str,
        amount: u32,
    ) -> Attempt<()> {
        let update = Update::builder()
            .table_name(&*self.table)
            .set_key(Some(key.item()))
            .update_expression(self.token.mark_update("ADD #attribute :amount"))
            .expression_attribute_names("#attribute", attribute)
            .expression_attribute_names(write_token::NAME, write_token::ATTRIBUTE)
            .expression_attribute_values(":amount", AttributeValue::N(amount.to_string()))
            .expression_attribute_values(write_token::VALUE, self.token.value())
            .build()
            .or_backend()?;
        self.add(part, TransactWriteItem::builder().update(update).build());
        Ok(())
    }

    /// A Delete without condition: for index items whose absence is all that matters.
    pub(crate) fn delete(&mut self, part: P, key: &Key) -> Attempt<()> {
        let delete = Delete::builder()
            .table_name(&*self.table)
            .set_key(Some(key.item()))
            .build()
            .or_backend()?;
        self.add(part, TransactWriteItem::builder().delete(delete).build());
        Ok(())
    }

    /// A Delete on `condition` (which an absent item meets only through `attribute_not_exists`).
    pub(crate) fn delete_if(
        &mut self,
        part: P,
        key: &Key,
        condition: &str,
        expr: Expr,
    ) -> Attempt<()> {
        let delete = Delete::builder()
            .table_name(&*self.table)
            .set_key(Some(key.item()))
            .condition_expression(condition)
            .set_expression_attribute_names(expr.names())
            .set_expression_attribute_values(expr.values())
            .build()
            .or_backend()?;
        self.add(part, TransactWriteItem::builder().delete(delete).build());
        Ok(())
    }

    pub(crate) fn check_exists(&mut self, part: P, key: &Key) -> Attempt<()> {
        self.check(part, key, EXISTING_ITEM, Expr::default())
    }

    /// A ConditionCheck: the item must meet `condition`; nothing is written to it.
    pub(crate) fn check(&mut self, part: P, key: &Key, condition: &str, expr: Expr) -> Attempt<()> {
        let check = ConditionCheck::builder()
            .table_name(&*self.table)
            .set_key(Some(key.item()))
            .condition_expression(condition)
            .set_expression_attribute_names(expr.names())
            .set_expression_attribute_values(expr.values())
            .build()
            .or_backend()?;
        self.add(
            part,
            TransactWriteItem::builder().condition_check(check).build(),
        );
        Ok(())
    }
}

/// One part's fate in a cancelled transaction.
struct Fate<P> {
    part: P,
    condition_failed: bool,
    /// The item as it was, when DynamoDB returned it (`ALL_OLD`).
    found: Option<Item>,
}

/// A transaction DynamoDB cancelled: nothing was written.
pub(crate) struct Cancellation<P> {
    fates: Vec<Fate<P>>,
}

impl<P: Copy + PartialEq> Cancellation<P> {
    fn named(parts: Vec<P>, reasons: &[CancellationReason]) -> Self {
        // DynamoDB answers one reason per item, in the order they were sent.
        let fates = parts
            .into_iter()
            .zip(reasons)
            .map(|(part, reason)| Fate {
                part,
                condition_failed: reason.code() == Some("ConditionalCheckFailed"),
                found: reason.item().filter(|item| !item.is_empty()).cloned(),
            })
            .collect();
        Self { fates }
    }

    fn failures(&self) -> impl Iterator<Item = &Fate<P>> {
        self.fates.iter().filter(|fate| fate.condition_failed)
    }

    /// Whether an item that failed its condition was last written by the
    /// operation of `token`: then that operation's transaction committed.
    fn written_by(&self, token: &WriteToken) -> bool {
        self.failures()
            .filter_map(|fate| fate.found.as_ref())
            .any(|item| token.wrote(item))
    }

    /// Whether (any item of) `part` failed its condition.
    pub(crate) fn failed(&self, part: P) -> bool {
        self.failures().any(|fate| fate.part == part)
    }

    /// The refusal of the first failed part, in the order the parts were
    /// added, that `refusal_of` explains; a cancellation it cannot explain
    /// is a backend failure.
    pub(crate) fn explain(&self, refusal_of: impl Fn(P) -> Option<Refusal>) -> Failure {
        self.failures()
            .find_map(|fate| refusal_of(fate.part))
            .map_or_else(unexplained, Failure::Refused)
    }
}

/// A cancellation no failed condition we know explains.
fn unexplained() -> Failure {
    Failure::backend("transaction cancelled without a failed condition we know")
}

/// Why a transaction wrote nothing.
pub(crate) enum TransactionError<P> {
    Cancelled(Cancellation<P>),
    Failed(Failure),
}

impl<P> From<Failure> for TransactionError<P> {
    fn from(failure: Failure) -> Self {
        Self::Failed(failure)
    }
}

impl<P: Copy + PartialEq> TransactionError<P> {
    /// [`Cancellation::explain`] for a cancellation; any other failure is passed on.
    pub(crate) fn explain(self, refusal_of: impl Fn(P) -> Option<Refusal>) -> Failure {
        match self {
            Self::Cancelled(cancellation) => cancellation.explain(refusal_of),
            Self::Failed(failure) => failure,
        }
    }

    /// The cancellation to explain; any other failure is passed on.
    pub(crate) fn cancellation(self) -> Attempt<Cancellation<P>> {
        match self {
            Self::Cancelled(cancellation) => Ok(cancellation),
            Self::Failed(failure) => Err(failure),
        }
    }
}

impl DynamoStore {
    pub(crate) fn transaction<P>(&self) -> Transaction<P> {
        Transaction {
            table: Arc::clone(&self.table),
            token: WriteToken::new(),
            parts: Vec::new(),
            items: Vec::new(),
        }
    }

    /// Runs one TransactWriteItems. Conflicts with concurrent transactions
    /// are retried, since they too wrote nothing. A cancellation that finds
    /// this transaction's own items (an earlier attempt committed, its answer
    /// was lost, and the SDK retried) is the success it is.
    pub(crate) async fn transact<P: Copy + PartialEq>(
        &self,
        transaction: Transaction<P>,
    ) -> Result<(), TransactionError<P>> {
        let Transaction {
            parts,
            items,
            token,
            ..
        } = transaction;
        if items.len() > MAX_TRANSACTION_ITEMS {
            return Err(Failure::Refused(Refusal::TooLarge).into());
        }
        let mut attempt = 0;
        loop {
            attempt += 1;
            let result = self
                .client
                .transact_write_items()
                .set_transact_items(Some(items.clone()))
                .client_request_token(token.as_str())
                .send()
                .await;
            let error = match result {
                Ok(_) => return Ok(()),
                Err(error) => error.into_service_error(),
            };
            let conflict = match &error {
                TransactWriteItemsError::TransactionCanceledException(cancelled) => {
                    let reasons = cancelled.cancellation_reasons();
                    if !reasons
                        .iter()
                        .any(|reason| reason.code() == Some("TransactionConflict"))
                    {
                        let cancellation = Cancellation::named(parts, reasons);
                        if cancellation.written_by(&token) {
                            return Ok(());
                        }
                        return Err(TransactionError::Cancelled(cancellation));
                    }
                    true
                }
                TransactWriteItemsError::TransactionInProgressException(_) => true,
                _ => false,
            };
            if !conflict || attempt >= CONFLICT_ATTEMPTS {
                return Err(sdk_failure(error).into());
            }
            tokio::time::sleep(backoff(attempt)).await;
        }
    }

    /// The item `part` found when its condition failed: as DynamoDB returned
    /// it with the cancellation, or read now when the server returned none.
    pub(crate) async fn found<P: Copy + PartialEq>(
        &self,
        cancellation: &Cancellation<P>,
        part: P,
        key: &Key,
    ) -> Attempt<Option<Item>> {
        let returned = cancellation
            .failures()
            .find(|fate| fate.part == part)
            .and_then(|fate| fate.found.clone());
        match returned {
            Some(item) => Ok(Some(item)),
            None => self.get(key).await,
        }
    }

    pub(crate) async fn found_record<P: Copy + PartialEq, T: DeserializeOwned>(
        &self,
        cancellation: &Cancellation<P>,
        part: P,
        key: &Key,
    ) -> Attempt<Option<T>> {
        self.found(cancellation, part, key)
            .await?
            .map(from_item)
            .transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Clone, Copy, PartialEq, Debug)]
    enum Part {
        First,
        Second,
        Third,
    }

    fn cancelled(codes: &[&str]) -> Cancellation<Part> {
        let reasons: Vec<CancellationReason> = codes
            .iter()
            .map(|code| CancellationReason::builder().code(*code).build())
            .collect();
        Cancellation::named(vec![Part::First, Part::Second, Part::Third], &reasons)
    }

    fn refusal(failure: Failure) -> Option<Refusal> {
        match failure {
            Failure::Refused(refusal) => Some(refusal),
            Failure::Backend(_) => None,
        }
    }

    #[test]
    fn a_cancellation_is_explained_by_the_first_failed_part_that_has_a_refusal() {
        let cancellation = cancelled(&["None", "ConditionalCheckFailed", "ConditionalCheckFailed"]);
        assert!(!cancellation.failed(Part::First));
        assert!(cancellation.failed(Part::Second));
        let explained = cancellation.explain(|part| match part {
            Part::First => Some(Refusal::AccountExists),
            Part::Second => None,
            Part::Third => Some(Refusal::UsernameTaken),
        });
        assert_eq!(refusal(explained), Some(Refusal::UsernameTaken));
    }

    #[test]
    fn a_cancellation_without_a_known_failed_condition_is_a_backend_failure() {
        let cancellation = cancelled(&["None", "ValidationError", "None"]);
        let explained = cancellation.explain(|_| Some(Refusal::AccountExists));
        assert_eq!(refusal(explained), None);
    }
}
