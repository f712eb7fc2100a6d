//! ticedu's storage traits on one DynamoDB table.
//!
//! # The single-table design
//!
//! Key schema: `pk` (partition) and `sk` (sort), both strings; one global
//! secondary index `gsi1` (`gsi1pk`, `gsi1sk`, all attributes projected);
//! TTL on `expires_at`. The definition lives in [`table`]; keys in `keys.rs`.
//!
//! | item | pk | sk | gsi1pk / gsi1sk |
//! |---|---|---|---|
//! | learner profile (balance, marked hours) | `LEARNER#<id>` | `PROFILE` | `TITLECHECK#pending` / `<id>` while a title check waits |
//! | one account per ID number (R3) | `ACCOUNT#<hmac of ID number>` | `ACCOUNT` | |
//! | one account per username | `USERNAME#<hmac of username>` | `USERNAME` | |
//! | ledger entry | `LEARNER#<id>` | `LEDGER#CARD#<code>` / `LEDGER#ORDER#<no>` | |
//! | enrollment (an hour bought) | `LEARNER#<id>` | `HOUR#<course>/<n>` | |
//! | progress mark (学过了) | `LEARNER#<id>` | `MARK#<course>/<n>` | |
//! | renewal registration / application | `LEARNER#<id>` | `RENEWAL` / `APPLICATION` | `RENEWAL#overdue` / `<filed ms>#<id>` while an overdue renewal (R20) waits |
//! | study card | `CARD#<code>` | `CARD` | `CARDS` / `<issued at>#<code>` |
//! | order | `ORDER#<no>` | `ORDER` | `LEARNER#<id>` / `ORDER#<created ns>#<no>` |
//! | applied payment notice | `NOTICE#<transaction id>` | `NOTICE` | |
//! | certificate | `CERT#<no>` | `CERT` | `LEARNER#<id>` / `CERT#<no>` |
//! | invoice request | `INVOICE#<id>` | `INVOICE` | `INVOICES#<status>` / `<requested at>#<id>` |
//! | failed logins in one window | `THROTTLE#<hmac of username>#<window>` | `THROTTLE` | (TTL `expires_at`) |
//!
//! Neither an ID number nor a username ever appears in a key: both are HMACs.
//!
//! # Access patterns and the request that serves each
//!
//! | operation | request |
//! |---|---|
//! | register | TransactWriteItems: Put account, Put username, Put profile, each `attribute_not_exists(pk)` |
//! | learner by id / by username | GetItem profile / GetItem username then GetItem profile |
//! | change password, set returning | UpdateItem profile, `attribute_exists(pk)` |
//! | ledger, enrollments, marks | Query `pk = LEARNER#<id>`, `begins_with(sk, …)` |
//! | issue cards, list cards | TransactWriteItems: Put each card, `attribute_not_exists(pk)` / Query gsi1 `CARDS` |
//! | void card | UpdateItem, not redeemed nor voided |
//! | redeem card | TransactWriteItems: Update card (not redeemed, same value), Update balance, Put ledger entry |
//! | buy from balance | TransactWriteItems: Put order (new), Update balance (`balance >= :amount`), Put ledger entry, Put each enrollment (new) |
//! | create WeChat order | TransactWriteItems: Put order (new), ConditionCheck profile |
//! | apply payment notice | TransactWriteItems: Update order (pending, same amount), Put notice (new), Put each enrollment |
//! | a learner's orders / certificates | Query gsi1 `gsi1pk = LEARNER#<id>`, `begins_with(gsi1sk, ORDER#/CERT#)` |
//! | mark learned | TransactWriteItems: ConditionCheck enrollment, Put mark (new), Update profile `marked_hours + 1` |
//! | file renewal / application | TransactWriteItems: ConditionCheck profile, Put filing (new or not accepted) |
//! | overdue renewals, staff queue | Query gsi1 `RENEWAL#overdue` |
//! | title check, staff queue | UpdateItem profile (sets or removes gsi1 keys) / Query gsi1 `TITLECHECK#pending` |
//! | issue certificate | TransactWriteItems: Put certificate (new), ConditionCheck profile |
//! | revoke certificate | UpdateItem, `#status.#status = valid` |
//! | request invoice | TransactWriteItems: Put request (new), Update each order (own, paid, not invoiced) |
//! | invoices by status, mark issued | Query gsi1 `INVOICES#<status>` / UpdateItem (`requested`) |
//! | login failure, count, clear | UpdateItem `ADD failures`, GetItem, DeleteItem |
//!
//! Every write is one request, conditional, and safe to repeat: a repeat
//! fails its condition and is reported as [`Outcome::AlreadyApplied`] or as
//! a [`Refusal`]. When a refused write must be explained (was this order
//! applied before, or is it another order with the same number?), the item
//! DynamoDB returns with the cancellation (`ALL_OLD`) is used, and read when
//! the server returns none. Transactions cancelled by a conflicting
//! transaction are retried with backoff; nothing was written by them.

mod keys;
mod metrics;
pub mod table;

use std::collections::HashMap;
use std::fmt::Display;
use std::sync::Arc;
use std::time::Duration;

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::error::DisplayErrorContext;
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::{
    AttributeValue, ConditionCheck, Put, ReturnValue, ReturnValuesOnConditionCheckFailure,
    TransactWriteItem, Update,
};
use jiff::Timestamp;
use serde::Serialize;
use serde::de::DeserializeOwned;
use ticedu_domain::identity::UsernameKey;
use ticedu_domain::learner::{LearnerCategory, TitleCheck};
use ticedu_domain::money::Fen;
use ticedu_domain::requirement::LearnedHour;
use ticedu_store::ids::{CardCode, CertificateNo, InvoiceId, LearnerId, OrderNo};
use ticedu_store::records::*;
use ticedu_store::*;

use keys::{Item, Key};
pub use metrics::RequestCounter;
use table::{GSI1, GSI1_PARTITION_KEY, GSI1_SORT_KEY, PARTITION_KEY, TTL_ATTRIBUTE};

/// Which key a query reads: the table's or the gsi1 index's (eventually consistent).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Keys {
    Table,
    Gsi1,
}

/// The order of a query's results by sort key.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Sorted {
    Ascending,
    Descending,
}

/// DynamoDB allows 100 items per transaction.
const MAX_TRANSACTION_ITEMS: usize = 100;
/// Attempts of a transaction cancelled by conflicting transactions.
const CONFLICT_ATTEMPTS: u32 = 12;

/// The DynamoDB store. Cheap to clone; clones share the client.
#[derive(Clone)]
pub struct DynamoStore {
    client: Client,
    table: Arc<str>,
}

impl DynamoStore {
    pub fn new(client: Client, table: impl Into<String>) -> Self {
        Self {
            client,
            table: table.into().into(),
        }
    }

    pub fn client(&self) -> &Client {
        &self.client
    }

    pub fn table_name(&self) -> &str {
        &self.table
    }
}

/// One item's fate in a cancelled transaction.
struct Reason {
    condition_failed: bool,
    /// The item as it was, when DynamoDB returned it (`ALL_OLD`).
    old: Option<Item>,
}

fn unavailable(operation: &'static str, error: impl Display) -> StoreError {
    StoreError::unavailable(operation, error)
}

fn to_item<T: Serialize>(value: &T, key: &Key, operation: &'static str) -> StoreResult<Item> {
    let mut item: Item = serde_dynamo::to_item(value).map_err(|e| unavailable(operation, e))?;
    item.extend(key.item());
    Ok(item)
}

fn from_item<T: DeserializeOwned>(item: Item, operation: &'static str) -> StoreResult<T> {
    serde_dynamo::from_item(item).map_err(|e| unavailable(operation, e))
}

fn to_value<T: Serialize>(value: &T, operation: &'static str) -> StoreResult<AttributeValue> {
    serde_dynamo::to_attribute_value(value).map_err(|e| unavailable(operation, e))
}

fn s(text: impl Into<String>) -> AttributeValue {
    AttributeValue::S(text.into())
}

fn n(number: impl Display) -> AttributeValue {
    AttributeValue::N(number.to_string())
}

/// Names and values of one expression. DynamoDB refuses empty maps, so an
/// empty one becomes `None`.
#[derive(Default)]
struct Expr {
    names: HashMap<String, String>,
    values: HashMap<String, AttributeValue>,
}

impl Expr {
    fn name(mut self, placeholder: &str, name: &str) -> Self {
        self.names.insert(placeholder.to_owned(), name.to_owned());
        self
    }

    fn value(mut self, placeholder: &str, value: AttributeValue) -> Self {
        self.values.insert(placeholder.to_owned(), value);
        self
    }

    fn names(&self) -> Option<HashMap<String, String>> {
        (!self.names.is_empty()).then(|| self.names.clone())
    }

    fn values(&self) -> Option<HashMap<String, AttributeValue>> {
        (!self.values.is_empty()).then(|| self.values.clone())
    }
}

const NEW_ITEM: &str = "attribute_not_exists(pk)";
const EXISTING_ITEM: &str = "attribute_exists(pk)";

impl DynamoStore {
    fn put(
        &self,
        item: Item,
        condition: &str,
        expr: Expr,
        operation: &'static str,
    ) -> StoreResult<TransactWriteItem> {
        let put = Put::builder()
            .table_name(&*self.table)
            .set_item(Some(item))
            .condition_expression(condition)
            .set_expression_attribute_names(expr.names())
            .set_expression_attribute_values(expr.values())
            .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
            .build()
            .map_err(|e| unavailable(operation, e))?;
        Ok(TransactWriteItem::builder().put(put).build())
    }

    fn put_new(&self, item: Item, operation: &'static str) -> StoreResult<TransactWriteItem> {
        self.put(item, NEW_ITEM, Expr::default(), operation)
    }

    /// A Put without condition: for writes that may repeat with the same content.
    fn put_always(&self, item: Item, operation: &'static str) -> StoreResult<TransactWriteItem> {
        let put = Put::builder()
            .table_name(&*self.table)
            .set_item(Some(item))
            .build()
            .map_err(|e| unavailable(operation, e))?;
        Ok(TransactWriteItem::builder().put(put).build())
    }

    fn update(
        &self,
        key: &Key,
        update: &str,
        condition: &str,
        expr: Expr,
        operation: &'static str,
    ) -> StoreResult<TransactWriteItem> {
        let update = Update::builder()
            .table_name(&*self.table)
            .set_key(Some(key.item()))
            .update_expression(update)
            .condition_expression(condition)
            .set_expression_attribute_names(expr.names())
            .set_expression_attribute_values(expr.values())
            .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
            .build()
            .map_err(|e| unavailable(operation, e))?;
        Ok(TransactWriteItem::builder().update(update).build())
    }

    fn check_exists(&self, key: &Key, operation: &'static str) -> StoreResult<TransactWriteItem> {
        let check = ConditionCheck::builder()
            .table_name(&*self.table)
            .set_key(Some(key.item()))
            .condition_expression(EXISTING_ITEM)
            .build()
            .map_err(|e| unavailable(operation, e))?;
        Ok(TransactWriteItem::builder().condition_check(check).build())
    }

    /// Runs one TransactWriteItems. `Ok(Err(reasons))` when a condition
    /// failed: nothing was written. Conflicts with concurrent transactions
    /// are retried, since they too wrote nothing.
    async fn transact(
        &self,
        operation: &'static str,
        items: Vec<TransactWriteItem>,
    ) -> StoreResult<Result<(), Vec<Reason>>> {
        if items.len() > MAX_TRANSACTION_ITEMS {
            return Err(Refusal::TooLarge.into());
        }
        let mut attempt = 0;
        loop {
            attempt += 1;
            let result = self
                .client
                .transact_write_items()
                .set_transact_items(Some(items.clone()))
                .send()
                .await;
            let error = match result {
                Ok(_) => return Ok(Ok(())),
                Err(error) => error.into_service_error(),
            };
            let conflict = match &error {
                TransactWriteItemsError::TransactionCanceledException(cancelled) => {
                    let reasons = cancelled.cancellation_reasons();
                    let conflict = reasons
                        .iter()
                        .any(|reason| reason.code() == Some("TransactionConflict"));
                    if !conflict {
                        return Ok(Err(reasons
                            .iter()
                            .map(|reason| Reason {
                                condition_failed: reason.code() == Some("ConditionalCheckFailed"),
                                old: reason.item().filter(|item| !item.is_empty()).cloned(),
                            })
                            .collect()));
                    }
                    true
                }
                TransactWriteItemsError::TransactionInProgressException(_) => true,
                _ => false,
            };
            if !conflict || attempt >= CONFLICT_ATTEMPTS {
                return Err(unavailable(operation, DisplayErrorContext(&error)));
            }
            tokio::time::sleep(backoff(attempt)).await;
        }
    }

    async fn get(&self, key: &Key, operation: &'static str) -> StoreResult<Option<Item>> {
        let output = self
            .client
            .get_item()
            .table_name(&*self.table)
            .set_key(Some(key.item()))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| unavailable(operation, DisplayErrorContext(&e)))?;
        Ok(output.item.filter(|item| !item.is_empty()))
    }

    async fn get_record<T: DeserializeOwned>(
        &self,
        key: &Key,
        operation: &'static str,
    ) -> StoreResult<Option<T>> {
        match self.get(key, operation).await? {
            Some(item) => from_item(item, operation).map(Some),
            None => Ok(None),
        }
    }

    /// The item a cancelled write found: from the cancellation if DynamoDB
    /// returned it, otherwise read.
    async fn old_item(
        &self,
        reason: &Reason,
        key: &Key,
        operation: &'static str,
    ) -> StoreResult<Option<Item>> {
        match &reason.old {
            Some(item) => Ok(Some(item.clone())),
            None => self.get(key, operation).await,
        }
    }

    /// All items of a partition whose sort key starts with `prefix`, or of a
    /// gsi1 partition when `index` is set; newest first when `descending`.
    async fn query(
        &self,
        partition: &str,
        prefix: Option<&str>,
        keys: Keys,
        sorted: Sorted,
        operation: &'static str,
    ) -> StoreResult<Vec<Item>> {
        let index = keys == Keys::Gsi1;
        let descending = sorted == Sorted::Descending;
        let (pk, sk) = if index {
            (GSI1_PARTITION_KEY, GSI1_SORT_KEY)
        } else {
            (PARTITION_KEY, table::SORT_KEY)
        };
        let condition = match prefix {
            Some(_) => format!("{pk} = :pk AND begins_with({sk}, :prefix)"),
            None => format!("{pk} = :pk"),
        };
        let mut items = Vec::new();
        let mut start = None;
        loop {
            let mut request = self
                .client
                .query()
                .table_name(&*self.table)
                .key_condition_expression(&condition)
                .expression_attribute_values(":pk", s(partition))
                .scan_index_forward(!descending)
                .set_exclusive_start_key(start.take());
            if let Some(prefix) = prefix {
                request = request.expression_attribute_values(":prefix", s(prefix));
            }
            request = if index {
                request.index_name(GSI1)
            } else {
                request.consistent_read(true)
            };
            let output = request
                .send()
                .await
                .map_err(|e| unavailable(operation, DisplayErrorContext(&e)))?;
            items.extend(output.items.unwrap_or_default());
            match output.last_evaluated_key {
                Some(key) if !key.is_empty() => start = Some(key),
                _ => return Ok(items),
            }
        }
    }

    async fn query_records<T: DeserializeOwned>(
        &self,
        partition: &str,
        prefix: Option<&str>,
        keys: Keys,
        sorted: Sorted,
        operation: &'static str,
    ) -> StoreResult<Vec<T>> {
        self.query(partition, prefix, keys, sorted, operation)
            .await?
            .into_iter()
            .map(|item| from_item(item, operation))
            .collect()
    }

    /// One UpdateItem with a condition; `Ok(false)` when the condition failed.
    async fn update_item(
        &self,
        key: &Key,
        update: &str,
        condition: &str,
        expr: Expr,
        operation: &'static str,
    ) -> StoreResult<bool> {
        let result = self
            .client
            .update_item()
            .table_name(&*self.table)
            .set_key(Some(key.item()))
            .update_expression(update)
            .condition_expression(condition)
            .set_expression_attribute_names(expr.names())
            .set_expression_attribute_values(expr.values())
            .send()
            .await;
        match result {
            Ok(_) => Ok(true),
            Err(error)
                if error
                    .as_service_error()
                    .is_some_and(|e| e.is_conditional_check_failed_exception()) =>
            {
                Ok(false)
            }
            Err(error) => Err(unavailable(operation, DisplayErrorContext(&error))),
        }
    }

    fn ledger_entry(
        &self,
        learner: &LearnerId,
        reason: LedgerReason,
        change_fen: i64,
        at: Timestamp,
        operation: &'static str,
    ) -> StoreResult<TransactWriteItem> {
        let key = keys::ledger(learner, &LedgerEntry::entry_id(&reason));
        let entry = LedgerEntry {
            reason,
            change_fen,
            at,
        };
        self.put_new(to_item(&entry, &key, operation)?, operation)
    }

    fn enrollments_of(
        &self,
        order: &Order,
        exclusive: bool,
        operation: &'static str,
    ) -> StoreResult<Vec<TransactWriteItem>> {
        order
            .hours
            .iter()
            .map(|hour| {
                let enrollment = Enrollment {
                    hour: hour.clone(),
                    order: order.no.clone(),
                };
                let item = to_item(
                    &enrollment,
                    &keys::enrollment(&order.learner, hour),
                    operation,
                )?;
                if exclusive {
                    self.put_new(item, operation)
                } else {
                    self.put_always(item, operation)
                }
            })
            .collect()
    }

    fn order_item(&self, order: &Order, operation: &'static str) -> StoreResult<Item> {
        let mut item = to_item(order, &keys::order(&order.no), operation)?;
        item.insert(
            GSI1_PARTITION_KEY.to_owned(),
            s(keys::learner_partition(&order.learner)),
        );
        item.insert(
            GSI1_SORT_KEY.to_owned(),
            s(format!(
                "{}{:020}#{}",
                keys::GSI1_ORDER_PREFIX,
                order.created_at.as_nanosecond(),
                order.no
            )),
        );
        Ok(item)
    }
}

/// Exponential backoff with jitter from the clock, capped at about a second.
fn backoff(attempt: u32) -> Duration {
    let base = 10u64 << attempt.min(7);
    let jitter = u64::from(Timestamp::now().subsec_nanosecond().unsigned_abs()) % base.max(1);
    Duration::from_millis(base / 2 + jitter / 2)
}

fn reason(reasons: &[Reason], index: usize) -> bool {
    reasons
        .get(index)
        .is_some_and(|reason| reason.condition_failed)
}

/// Unexpected cancellation: no known condition explains it.
fn unexplained(operation: &'static str) -> StoreError {
    unavailable(
        operation,
        "transaction cancelled without a failed condition we know",
    )
}

impl DynamoStore {
    /// Puts a new item that belongs to an existing learner, in one
    /// transaction: refused with `taken` if the item exists, or with
    /// [`Refusal::UnknownLearner`].
    async fn put_new_for_learner(
        &self,
        item: Item,
        learner: &LearnerId,
        taken: Refusal,
        operation: &'static str,
    ) -> StoreResult<()> {
        let items = vec![
            self.put_new(item, operation)?,
            self.check_exists(&keys::profile(learner), operation)?,
        ];
        match self.transact(operation, items).await? {
            Ok(()) => Ok(()),
            Err(reasons) if reason(&reasons, 0) => Err(taken.into()),
            Err(reasons) if reason(&reasons, 1) => Err(Refusal::UnknownLearner.into()),
            Err(_) => Err(unexplained(operation)),
        }
    }
}

impl LearnerStore for DynamoStore {
    async fn create_learner(&self, learner: &NewLearner) -> StoreResult<()> {
        const OP: &str = "create_learner";
        let pointer = |key: &Key| -> StoreResult<Item> {
            let mut item = key.item();
            item.insert("learner".to_owned(), s(learner.id.as_str()));
            Ok(item)
        };
        let title_check =
            (learner.kind.category() == LearnerCategory::Titled).then_some(TitleCheck::Pending);
        let stored = Learner {
            registration: learner.clone(),
            balance: Fen::ZERO,
            marked_hours: 0,
            returning: false,
            title_check,
        };
        let mut profile = to_item(&stored, &keys::profile(&learner.id), OP)?;
        if title_check.is_some() {
            profile.insert(GSI1_PARTITION_KEY.to_owned(), s(keys::PENDING_TITLE_CHECKS));
            profile.insert(GSI1_SORT_KEY.to_owned(), s(learner.id.as_str()));
        }
        let items = vec![
            self.put_new(pointer(&keys::account(&learner.account_key))?, OP)?,
            self.put_new(pointer(&keys::username(&learner.username_key))?, OP)?,
            self.put_new(profile, OP)?,
        ];
        match self.transact(OP, items).await? {
            Ok(()) => Ok(()),
            Err(reasons) if reason(&reasons, 0) => Err(Refusal::AccountExists.into()),
            Err(reasons) if reason(&reasons, 1) => Err(Refusal::UsernameTaken.into()),
            Err(_) => Err(unexplained(OP)),
        }
    }

    async fn learner(&self, id: &LearnerId) -> StoreResult<Option<Learner>> {
        self.get_record(&keys::profile(id), "learner").await
    }

    async fn learner_by_username(&self, key: &UsernameKey) -> StoreResult<Option<Learner>> {
        const OP: &str = "learner_by_username";
        let Some(pointer) = self.get(&keys::username(key), OP).await? else {
            return Ok(None);
        };
        let Some(AttributeValue::S(id)) = pointer.get("learner") else {
            return Err(unavailable(OP, "username item without a learner"));
        };
        let id = LearnerId::parse(id).map_err(|e| unavailable(OP, e))?;
        self.get_record(&keys::profile(&id), OP).await
    }

    async fn set_password_hash(&self, id: &LearnerId, hash: &str) -> StoreResult<()> {
        const OP: &str = "set_password_hash";
        let expr = Expr::default().value(":hash", s(hash));
        match self
            .update_item(
                &keys::profile(id),
                "SET #hash = :hash",
                EXISTING_ITEM,
                expr.name("#hash", "password_hash"),
                OP,
            )
            .await?
        {
            true => Ok(()),
            false => Err(Refusal::UnknownLearner.into()),
        }
    }

    async fn set_returning(&self, id: &LearnerId, returning: bool) -> StoreResult<()> {
        const OP: &str = "set_returning";
        let expr = Expr::default().value(":returning", AttributeValue::Bool(returning));
        match self
            .update_item(
                &keys::profile(id),
                "SET #returning = :returning",
                EXISTING_ITEM,
                expr.name("#returning", "returning"),
                OP,
            )
            .await?
        {
            true => Ok(()),
            false => Err(Refusal::UnknownLearner.into()),
        }
    }
}

impl LedgerStore for DynamoStore {
    async fn ledger(&self, learner: &LearnerId) -> StoreResult<Vec<LedgerEntry>> {
        let mut entries: Vec<LedgerEntry> = self
            .query_records(
                &keys::learner_partition(learner),
                Some(keys::LEDGER_PREFIX),
                Keys::Table,
                Sorted::Ascending,
                "ledger",
            )
            .await?;
        entries.sort_by_key(|entry| entry.at);
        Ok(entries)
    }
}

impl CardStore for DynamoStore {
    async fn issue_cards(&self, cards: &[StudyCard]) -> StoreResult<()> {
        const OP: &str = "issue_cards";
        if cards.len() > MAX_CARDS_PER_BATCH {
            return Err(Refusal::TooLarge.into());
        }
        if cards.is_empty() {
            return Ok(());
        }
        let items = cards
            .iter()
            .map(|card| {
                let mut item = to_item(card, &keys::card(&card.code), OP)?;
                item.insert(GSI1_PARTITION_KEY.to_owned(), s(keys::CARDS));
                item.insert(
                    GSI1_SORT_KEY.to_owned(),
                    s(format!("{}#{}", card.issued_at, card.code)),
                );
                self.put_new(item, OP)
            })
            .collect::<StoreResult<Vec<_>>>()?;
        match self.transact(OP, items).await? {
            Ok(()) => Ok(()),
            Err(_) => Err(Refusal::CardExists.into()),
        }
    }

    async fn card(&self, code: &CardCode) -> StoreResult<Option<StudyCard>> {
        self.get_record(&keys::card(code), "card").await
    }

    async fn cards(&self) -> StoreResult<Vec<StudyCard>> {
        self.query_records(keys::CARDS, None, Keys::Gsi1, Sorted::Descending, "cards")
            .await
    }

    async fn void_card(&self, code: &CardCode, at: Timestamp) -> StoreResult<()> {
        const OP: &str = "void_card";
        let key = keys::card(code);
        let expr = Expr::default()
            .name("#redeemed", "redeemed")
            .name("#voided", "voided")
            .value(":at", to_value(&at, OP)?);
        if self.update_item(&key, "SET #voided = :at", "attribute_exists(pk) AND attribute_not_exists(#redeemed) AND attribute_not_exists(#voided)", expr, OP).await? {
            return Ok(());
        }
        let card: Option<StudyCard> = self.get_record(&key, OP).await?;
        Err(match card {
            None => Refusal::UnknownCard,
            Some(card) if card.redeemed.is_some() => Refusal::CardAlreadyRedeemed,
            Some(_) => Refusal::CardVoided,
        }
        .into())
    }

    async fn redeem_card(
        &self,
        card: &StudyCard,
        learner: &LearnerId,
        at: Timestamp,
    ) -> StoreResult<()> {
        const OP: &str = "redeem_card";
        let card_key = keys::card(&card.code);
        let redemption = Redemption {
            by: learner.clone(),
            at,
        };
        let items = vec![
            self.update(
                &card_key,
                "SET #redeemed = :redemption",
                "attribute_exists(pk) AND attribute_not_exists(#redeemed) AND attribute_not_exists(voided) AND #value = :value",
                Expr::default()
                    .name("#redeemed", "redeemed")
                    .name("#value", "value")
                    .value(":redemption", to_value(&redemption, OP)?)
                    .value(":value", n(card.value.get())),
                OP,
            )?,
            self.update(
                &keys::profile(learner),
                "SET #balance = #balance + :value",
                EXISTING_ITEM,
                Expr::default()
                    .name("#balance", "balance")
                    .value(":value", n(card.value.get())),
                OP,
            )?,
            self.ledger_entry(
                learner,
                LedgerReason::CardRedeemed {
                    card: card.code.clone(),
                },
                i64::try_from(card.value.get()).map_err(|e| unavailable(OP, e))?,
                at,
                OP,
            )?,
        ];
        let reasons = match self.transact(OP, items).await? {
            Ok(()) => return Ok(()),
            Err(reasons) => reasons,
        };
        if reason(&reasons, 0) {
            let stored: Option<StudyCard> = match self.old_item(&reasons[0], &card_key, OP).await? {
                Some(item) => Some(from_item(item, OP)?),
                None => None,
            };
            return Err(match stored {
                Some(stored) if stored.value == card.value && stored.voided.is_some() => {
                    Refusal::CardVoided
                }
                Some(stored) if stored.value == card.value && stored.redeemed.is_some() => {
                    Refusal::CardAlreadyRedeemed
                }
                _ => Refusal::UnknownCard,
            }
            .into());
        }
        if reason(&reasons, 1) {
            return Err(Refusal::UnknownLearner.into());
        }
        if reason(&reasons, 2) {
            return Err(Refusal::CardAlreadyRedeemed.into());
        }
        Err(unexplained(OP))
    }
}

impl OrderStore for DynamoStore {
    async fn purchase_with_balance(&self, order: &Order) -> StoreResult<Outcome> {
        const OP: &str = "purchase_with_balance";
        if order.hours.len() > MAX_HOURS_PER_ORDER {
            return Err(Refusal::TooLarge.into());
        }
        let order_key = keys::order(&order.no);
        let at = match &order.status {
            OrderStatus::Paid { at, .. } => *at,
            OrderStatus::Pending => order.created_at,
        };
        let debit = i64::try_from(order.amount.get()).map_err(|e| unavailable(OP, e))?;
        let mut items = vec![
            self.put_new(self.order_item(order, OP)?, OP)?,
            self.update(
                &keys::profile(&order.learner),
                "SET #balance = #balance - :amount",
                "attribute_exists(pk) AND #balance >= :amount",
                Expr::default()
                    .name("#balance", "balance")
                    .value(":amount", n(order.amount.get())),
                OP,
            )?,
            self.ledger_entry(
                &order.learner,
                LedgerReason::Purchase {
                    order: order.no.clone(),
                },
                -debit,
                at,
                OP,
            )?,
        ];
        items.extend(self.enrollments_of(order, true, OP)?);
        let reasons = match self.transact(OP, items).await? {
            Ok(()) => return Ok(Outcome::Applied),
            Err(reasons) => reasons,
        };
        if reason(&reasons, 0) {
            let existing: Option<Order> = match self.old_item(&reasons[0], &order_key, OP).await? {
                Some(item) => Some(from_item(item, OP)?),
                None => None,
            };
            return match existing {
                Some(existing) if existing == *order => Ok(Outcome::AlreadyApplied),
                _ => Err(Refusal::OrderExists.into()),
            };
        }
        if reason(&reasons, 1) {
            let profile = self
                .old_item(&reasons[1], &keys::profile(&order.learner), OP)
                .await?;
            return Err(if profile.is_some() {
                Refusal::InsufficientBalance
            } else {
                Refusal::UnknownLearner
            }
            .into());
        }
        if reasons.iter().skip(3).any(|reason| reason.condition_failed) {
            return Err(Refusal::AlreadyOwned.into());
        }
        Err(unexplained(OP))
    }

    async fn create_order(&self, order: &Order) -> StoreResult<()> {
        const OP: &str = "create_order";
        if order.hours.len() > MAX_HOURS_PER_ORDER {
            return Err(Refusal::TooLarge.into());
        }
        self.put_new_for_learner(
            self.order_item(order, OP)?,
            &order.learner,
            Refusal::OrderExists,
            OP,
        )
        .await
    }

    async fn order(&self, no: &OrderNo) -> StoreResult<Option<Order>> {
        self.get_record(&keys::order(no), "order").await
    }

    async fn orders_of(&self, learner: &LearnerId) -> StoreResult<Vec<Order>> {
        self.query_records(
            &keys::learner_partition(learner),
            Some(keys::GSI1_ORDER_PREFIX),
            Keys::Gsi1,
            Sorted::Descending,
            "orders_of",
        )
        .await
    }

    async fn apply_payment(&self, order: &Order, notice: &PaymentNotice) -> StoreResult<Outcome> {
        const OP: &str = "apply_payment";
        if notice.order != order.no
            || notice.amount != order.amount
            || order.channel != PaymentChannel::WeChatPay
        {
            return Err(Refusal::NoticeMismatch.into());
        }
        let order_key = keys::order(&order.no);
        let paid = OrderStatus::Paid {
            at: notice.paid_at,
            transaction: Some(notice.transaction.clone()),
        };
        let mut items = vec![
            self.update(
                &order_key,
                "SET #status = :paid",
                "attribute_exists(pk) AND #status.#status = :pending AND #amount = :amount AND #channel = :channel",
                Expr::default()
                    .name("#status", "status")
                    .name("#amount", "amount")
                    .name("#channel", "channel")
                    .value(":paid", to_value(&paid, OP)?)
                    .value(":pending", s("pending"))
                    .value(":amount", n(notice.amount.get()))
                    .value(":channel", to_value(&PaymentChannel::WeChatPay, OP)?),
                OP,
            )?,
            self.put_new(to_item(notice, &keys::notice(&notice.transaction), OP)?, OP)?,
        ];
        // Paid money always buys: an hour bought meanwhile from the balance stays bought.
        items.extend(self.enrollments_of(order, false, OP)?);
        let reasons = match self.transact(OP, items).await? {
            Ok(()) => return Ok(Outcome::Applied),
            Err(reasons) => reasons,
        };
        if reason(&reasons, 0) {
            let stored: Option<Order> = match self.old_item(&reasons[0], &order_key, OP).await? {
                Some(item) => Some(from_item(item, OP)?),
                None => None,
            };
            return match stored {
                None => Err(Refusal::UnknownOrder.into()),
                Some(Order {
                    status:
                        OrderStatus::Paid {
                            transaction: Some(transaction),
                            ..
                        },
                    ..
                }) if transaction == notice.transaction => Ok(Outcome::AlreadyApplied),
                Some(_) => Err(Refusal::NoticeMismatch.into()),
            };
        }
        if reason(&reasons, 1) {
            // This transaction was applied to another order.
            return Err(Refusal::NoticeMismatch.into());
        }
        Err(unexplained(OP))
    }

    async fn enrollments(&self, learner: &LearnerId) -> StoreResult<Vec<Enrollment>> {
        self.query_records(
            &keys::learner_partition(learner),
            Some(keys::ENROLLMENT_PREFIX),
            Keys::Table,
            Sorted::Ascending,
            "enrollments",
        )
        .await
    }
}

impl ProgressStore for DynamoStore {
    async fn mark_learned(&self, learner: &LearnerId, mark: &LearnedHour) -> StoreResult<Outcome> {
        const OP: &str = "mark_learned";
        let items = vec![
            self.check_exists(&keys::enrollment(learner, &mark.hour), OP)?,
            self.put_new(to_item(mark, &keys::mark(learner, &mark.hour), OP)?, OP)?,
            self.update(
                &keys::profile(learner),
                "SET #marked = #marked + :one",
                EXISTING_ITEM,
                Expr::default()
                    .name("#marked", "marked_hours")
                    .value(":one", n(1)),
                OP,
            )?,
        ];
        match self.transact(OP, items).await? {
            Ok(()) => Ok(Outcome::Applied),
            Err(reasons) if reason(&reasons, 0) => Err(Refusal::HourNotBought.into()),
            Err(reasons) if reason(&reasons, 1) => Ok(Outcome::AlreadyApplied),
            Err(reasons) if reason(&reasons, 2) => Err(Refusal::UnknownLearner.into()),
            Err(_) => Err(unexplained(OP)),
        }
    }

    async fn marks(&self, learner: &LearnerId) -> StoreResult<Vec<LearnedHour>> {
        self.query_records(
            &keys::learner_partition(learner),
            Some(keys::MARK_PREFIX),
            Keys::Table,
            Sorted::Ascending,
            "marks",
        )
        .await
    }
}

impl DynamoStore {
    /// Files (or corrects) a filing unless staff accepted the one on record.
    /// Files (or corrects) a filing; `queue` puts it on a staff queue of the
    /// index (sorted by when it was filed), and a correction without one takes it off.
    async fn file<T: Serialize>(
        &self,
        learner: &LearnerId,
        key: Key,
        filing: &T,
        queue: Option<(&str, String)>,
        operation: &'static str,
    ) -> StoreResult<()> {
        let mut item = to_item(filing, &key, operation)?;
        if let Some((partition, sort)) = queue {
            item.insert(GSI1_PARTITION_KEY.to_owned(), s(partition));
            item.insert(GSI1_SORT_KEY.to_owned(), s(sort));
        }
        let items = vec![
            self.check_exists(&keys::profile(learner), operation)?,
            self.put(
                item,
                "attribute_not_exists(pk) OR #status <> :accepted",
                Expr::default()
                    .name("#status", "status")
                    .value(":accepted", to_value(&FilingStatus::Accepted, operation)?),
                operation,
            )?,
        ];
        match self.transact(operation, items).await? {
            Ok(()) => Ok(()),
            Err(reasons) if reason(&reasons, 0) => Err(Refusal::UnknownLearner.into()),
            Err(reasons) if reason(&reasons, 1) => Err(Refusal::FilingClosed.into()),
            Err(_) => Err(unexplained(operation)),
        }
    }
}

impl FilingStore for DynamoStore {
    async fn file_renewal(
        &self,
        learner: &LearnerId,
        registration: &RenewalRegistration,
    ) -> StoreResult<()> {
        let queue = registration.overdue.then(|| {
            (
                keys::OVERDUE_RENEWALS,
                format!("{}#{learner}", registration.filed_at.as_millisecond()),
            )
        });
        self.file(
            learner,
            keys::renewal(learner),
            registration,
            queue,
            "file_renewal",
        )
        .await
    }

    async fn renewal(&self, learner: &LearnerId) -> StoreResult<Option<RenewalRegistration>> {
        self.get_record(&keys::renewal(learner), "renewal").await
    }

    async fn file_application(
        &self,
        learner: &LearnerId,
        application: &CertificateApplication,
    ) -> StoreResult<()> {
        self.file(
            learner,
            keys::application(learner),
            application,
            None,
            "file_application",
        )
        .await
    }

    async fn application(
        &self,
        learner: &LearnerId,
    ) -> StoreResult<Option<CertificateApplication>> {
        self.get_record(&keys::application(learner), "application")
            .await
    }

    async fn set_title_check(&self, learner: &LearnerId, check: TitleCheck) -> StoreResult<()> {
        const OP: &str = "set_title_check";
        let mut expr = Expr::default()
            .name("#check", "title_check")
            .value(":check", to_value(&check, OP)?);
        let update = if check == TitleCheck::Pending {
            expr = expr
                .value(":queue", s(keys::PENDING_TITLE_CHECKS))
                .value(":id", s(learner.as_str()));
            "SET #check = :check, gsi1pk = :queue, gsi1sk = :id"
        } else {
            "SET #check = :check REMOVE gsi1pk, gsi1sk"
        };
        match self
            .update_item(&keys::profile(learner), update, EXISTING_ITEM, expr, OP)
            .await?
        {
            true => Ok(()),
            false => Err(Refusal::UnknownLearner.into()),
        }
    }

    async fn pending_title_checks(&self) -> StoreResult<Vec<LearnerId>> {
        let learners: Vec<Learner> = self
            .query_records(
                keys::PENDING_TITLE_CHECKS,
                None,
                Keys::Gsi1,
                Sorted::Ascending,
                "pending_title_checks",
            )
            .await?;
        Ok(learners
            .into_iter()
            .map(|learner| learner.registration.id)
            .collect())
    }

    async fn overdue_renewals(&self) -> StoreResult<Vec<(LearnerId, RenewalRegistration)>> {
        const OP: &str = "overdue_renewals";
        self.query(
            keys::OVERDUE_RENEWALS,
            None,
            Keys::Gsi1,
            Sorted::Ascending,
            OP,
        )
        .await?
        .into_iter()
        .map(|item| {
            let learner = item
                .get(PARTITION_KEY)
                .and_then(|pk| pk.as_s().ok())
                .and_then(|pk| pk.strip_prefix("LEARNER#"))
                .and_then(|id| LearnerId::parse(id).ok())
                .ok_or_else(|| unavailable(OP, "a queued renewal without a learner key"))?;
            Ok((learner, from_item(item, OP)?))
        })
        .collect()
    }
}

impl CertificateStore for DynamoStore {
    async fn issue_certificate(&self, certificate: &Certificate) -> StoreResult<()> {
        const OP: &str = "issue_certificate";
        let mut item = to_item(certificate, &keys::certificate(&certificate.no), OP)?;
        item.insert(
            GSI1_PARTITION_KEY.to_owned(),
            s(keys::learner_partition(&certificate.learner)),
        );
        item.insert(
            GSI1_SORT_KEY.to_owned(),
            s(format!(
                "{}{}",
                keys::GSI1_CERTIFICATE_PREFIX,
                certificate.no
            )),
        );
        self.put_new_for_learner(item, &certificate.learner, Refusal::CertificateExists, OP)
            .await
    }

    async fn certificate(&self, no: &CertificateNo) -> StoreResult<Option<Certificate>> {
        self.get_record(&keys::certificate(no), "certificate").await
    }

    async fn certificates_of(&self, learner: &LearnerId) -> StoreResult<Vec<Certificate>> {
        self.query_records(
            &keys::learner_partition(learner),
            Some(keys::GSI1_CERTIFICATE_PREFIX),
            Keys::Gsi1,
            Sorted::Ascending,
            "certificates_of",
        )
        .await
    }

    async fn revoke_certificate(
        &self,
        no: &CertificateNo,
        reason: &str,
        at: Timestamp,
    ) -> StoreResult<()> {
        const OP: &str = "revoke_certificate";
        let key = keys::certificate(no);
        let revoked = CertificateStatus::Revoked {
            reason: reason.to_owned(),
            at,
        };
        let expr = Expr::default()
            .name("#status", "status")
            .value(":revoked", to_value(&revoked, OP)?)
            .value(":valid", s("valid"));
        if self
            .update_item(
                &key,
                "SET #status = :revoked",
                "attribute_exists(pk) AND #status.#status = :valid",
                expr,
                OP,
            )
            .await?
        {
            return Ok(());
        }
        match self.get(&key, OP).await? {
            None => Err(Refusal::UnknownCertificate.into()),
            Some(_) => Err(Refusal::AlreadyRevoked.into()),
        }
    }
}

impl InvoiceStore for DynamoStore {
    async fn request_invoice(&self, request: &InvoiceRequest) -> StoreResult<()> {
        const OP: &str = "request_invoice";
        if request.orders.len() > MAX_ORDERS_PER_INVOICE {
            return Err(Refusal::TooLarge.into());
        }
        let mut item = to_item(request, &keys::invoice(&request.id), OP)?;
        item.insert(
            GSI1_PARTITION_KEY.to_owned(),
            s(keys::invoices_with_status(request.status.as_str())),
        );
        item.insert(
            GSI1_SORT_KEY.to_owned(),
            s(format!("{}#{}", request.requested_at, request.id)),
        );
        let mut items = vec![self.put_new(item, OP)?];
        for no in &request.orders {
            items.push(self.update(
                &keys::order(no),
                "SET #invoice = :invoice",
                "attribute_exists(pk) AND #learner = :learner AND #status.#status = :paid AND attribute_not_exists(#invoice)",
                Expr::default()
                    .name("#status", "status")
                    .name("#invoice", "invoice")
                    .name("#learner", "learner")
                    .value(":invoice", s(request.id.as_str()))
                    .value(":learner", s(request.learner.as_str()))
                    .value(":paid", s("paid")),
                OP,
            )?);
        }
        match self.transact(OP, items).await? {
            Ok(()) => Ok(()),
            Err(_) => Err(Refusal::NotInvoiceable.into()),
        }
    }

    async fn invoice(&self, id: &InvoiceId) -> StoreResult<Option<InvoiceRequest>> {
        self.get_record(&keys::invoice(id), "invoice").await
    }

    async fn invoices_with_status(
        &self,
        status: InvoiceStatus,
    ) -> StoreResult<Vec<InvoiceRequest>> {
        self.query_records(
            &keys::invoices_with_status(status.as_str()),
            None,
            Keys::Gsi1,
            Sorted::Ascending,
            "invoices_with_status",
        )
        .await
    }

    async fn mark_invoice_issued(&self, id: &InvoiceId) -> StoreResult<()> {
        const OP: &str = "mark_invoice_issued";
        let key = keys::invoice(id);
        let expr = Expr::default()
            .name("#status", "status")
            .value(":issued", s(InvoiceStatus::Issued.as_str()))
            .value(":requested", s(InvoiceStatus::Requested.as_str()))
            .value(
                ":queue",
                s(keys::invoices_with_status(InvoiceStatus::Issued.as_str())),
            );
        if self
            .update_item(
                &key,
                "SET #status = :issued, gsi1pk = :queue",
                "attribute_exists(pk) AND #status = :requested",
                expr,
                OP,
            )
            .await?
        {
            return Ok(());
        }
        match self.get(&key, OP).await? {
            None => Err(Refusal::UnknownInvoice.into()),
            Some(_) => Err(Refusal::InvoiceAlreadyIssued.into()),
        }
    }
}

impl LoginThrottleStore for DynamoStore {
    async fn record_login_failure(
        &self,
        key: &UsernameKey,
        window: ThrottleWindow,
    ) -> StoreResult<u32> {
        const OP: &str = "record_login_failure";
        let output = self
            .client
            .update_item()
            .table_name(&*self.table)
            .set_key(Some(keys::throttle(key, window.index).item()))
            .update_expression("ADD #failures :one SET #expires = :expires")
            .expression_attribute_names("#failures", "failures")
            .expression_attribute_names("#expires", TTL_ATTRIBUTE)
            .expression_attribute_values(":one", n(1))
            .expression_attribute_values(":expires", n(window.expires_at.as_second()))
            .return_values(ReturnValue::UpdatedNew)
            .send()
            .await
            .map_err(|e| unavailable(OP, DisplayErrorContext(&e)))?;
        failures(output.attributes.as_ref(), OP)
    }

    async fn login_failures(&self, key: &UsernameKey, window: ThrottleWindow) -> StoreResult<u32> {
        const OP: &str = "login_failures";
        let item = self.get(&keys::throttle(key, window.index), OP).await?;
        match item {
            Some(item) => failures(Some(&item), OP),
            None => Ok(0),
        }
    }

    async fn clear_login_failures(
        &self,
        key: &UsernameKey,
        window: ThrottleWindow,
    ) -> StoreResult<()> {
        const OP: &str = "clear_login_failures";
        self.client
            .delete_item()
            .table_name(&*self.table)
            .set_key(Some(keys::throttle(key, window.index).item()))
            .send()
            .await
            .map_err(|e| unavailable(OP, DisplayErrorContext(&e)))?;
        Ok(())
    }
}

fn failures(item: Option<&Item>, operation: &'static str) -> StoreResult<u32> {
    match item.and_then(|item| item.get("failures")) {
        Some(AttributeValue::N(count)) => count.parse().map_err(|e| unavailable(operation, e)),
        _ => Err(unavailable(
            operation,
            "throttle item without a failure count",
        )),
    }
}

/// The table name, from `TICEDU_TABLE`.
pub const TABLE_NAME: &str = "TICEDU_TABLE";

#[derive(Debug)]
pub struct MissingTable;

impl std::fmt::Display for MissingTable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "environment variable {TABLE_NAME} is not set")
    }
}

impl std::error::Error for MissingTable {}

impl DynamoStore {
    /// The store of a deployed function: region, credentials and endpoint
    /// from the standard AWS environment (`AWS_ENDPOINT_URL` points it at a
    /// local server), the table from `TICEDU_TABLE`.
    pub async fn from_env() -> Result<Self, MissingTable> {
        let table = std::env::var(TABLE_NAME).map_err(|_| MissingTable)?;
        let config = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
        Ok(Self::new(Client::new(&config), table))
    }
}
