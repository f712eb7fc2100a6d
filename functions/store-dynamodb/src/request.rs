//! Reads, single-item writes and the mapping between records and items,
//! shared by every capability. Helpers return [`Attempt`]: the trait method
//! that calls them names its operation once.

use std::collections::HashMap;
use std::fmt::Display;

use aws_sdk_dynamodb::error::DisplayErrorContext;
use aws_sdk_dynamodb::operation::update_item::UpdateItemError;
use aws_sdk_dynamodb::types::{AttributeValue, ReturnValuesOnConditionCheckFailure};
use serde::Serialize;
use serde::de::DeserializeOwned;
use ticedu_store::{Attempt, Failure, OrBackend};

use crate::DynamoStore;
use crate::keys::{Item, Key};
use crate::retry::single_write;
use crate::table::{GSI1, GSI1_PARTITION_KEY, GSI1_SORT_KEY, PARTITION_KEY, SORT_KEY};
use crate::write_token::{self, WriteToken};

pub(crate) const NEW_ITEM: &str = "attribute_not_exists(pk)";
pub(crate) const EXISTING_ITEM: &str = "attribute_exists(pk)";

/// Which key a query reads: the table's or the gsi1 index's (eventually consistent).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Keys {
    Table,
    Gsi1,
}

/// The order of a query's results by sort key.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Sorted {
    Ascending,
    Descending,
}

/// An SDK error with its whole chain of causes: the top level alone says
/// only "service error".
pub(crate) fn sdk_failure(error: impl std::error::Error) -> Failure {
    Failure::backend(DisplayErrorContext(error))
}

pub(crate) fn to_item<T: Serialize>(value: &T, key: &Key) -> Attempt<Item> {
    let mut item: Item = serde_dynamo::to_item(value).or_backend()?;
    item.extend(key.item());
    Ok(item)
}

pub(crate) fn from_item<T: DeserializeOwned>(item: Item) -> Attempt<T> {
    serde_dynamo::from_item(item).or_backend()
}

pub(crate) fn to_value<T: Serialize>(value: &T) -> Attempt<AttributeValue> {
    serde_dynamo::to_attribute_value(value).or_backend()
}

pub(crate) fn s(text: impl Into<String>) -> AttributeValue {
    AttributeValue::S(text.into())
}

pub(crate) fn n(number: impl Display) -> AttributeValue {
    AttributeValue::N(number.to_string())
}

/// Puts `item` in a gsi1 partition, sorted by `sort`.
pub(crate) fn with_gsi1(mut item: Item, partition: impl Into<String>, sort: String) -> Item {
    item.insert(GSI1_PARTITION_KEY.to_owned(), s(partition));
    item.insert(GSI1_SORT_KEY.to_owned(), s(sort));
    item
}

/// Names and values of one expression. DynamoDB refuses empty maps, so an
/// empty one becomes `None`.
#[derive(Default)]
pub(crate) struct Expr {
    names: HashMap<String, String>,
    values: HashMap<String, AttributeValue>,
}

impl Expr {
    pub(crate) fn name(mut self, placeholder: &str, name: &str) -> Self {
        self.names.insert(placeholder.to_owned(), name.to_owned());
        self
    }

    pub(crate) fn value(mut self, placeholder: &str, value: AttributeValue) -> Self {
        self.values.insert(placeholder.to_owned(), value);
        self
    }

    pub(crate) fn names(&self) -> Option<HashMap<String, String>> {
        (!self.names.is_empty()).then(|| self.names.clone())
    }

    pub(crate) fn values(&self) -> Option<HashMap<String, AttributeValue>> {
        (!self.values.is_empty()).then(|| self.values.clone())
    }
}

impl DynamoStore {
    pub(crate) async fn get(&self, key: &Key) -> Attempt<Option<Item>> {
        let output = self
            .client
            .get_item()
            .table_name(&*self.table)
            .set_key(Some(key.item()))
            .consistent_read(true)
            .send()
            .await
            .map_err(sdk_failure)?;
        Ok(output.item.filter(|item| !item.is_empty()))
    }

    pub(crate) async fn get_record<T: DeserializeOwned>(&self, key: &Key) -> Attempt<Option<T>> {
        self.get(key).await?.map(from_item).transpose()
    }

    /// All items of a partition whose sort key starts with `prefix`, of the
    /// table or of gsi1, every page.
    pub(crate) async fn query(
        &self,
        partition: &str,
        prefix: Option<&str>,
        keys: Keys,
        sorted: Sorted,
    ) -> Attempt<Vec<Item>> {
        let (pk, sk) = match keys {
            Keys::Gsi1 => (GSI1_PARTITION_KEY, GSI1_SORT_KEY),
            Keys::Table => (PARTITION_KEY, SORT_KEY),
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
                .scan_index_forward(sorted == Sorted::Ascending)
                .set_exclusive_start_key(start.take());
            if let Some(prefix) = prefix {
                request = request.expression_attribute_values(":prefix", s(prefix));
            }
            request = match keys {
                Keys::Gsi1 => request.index_name(GSI1),
                Keys::Table => request.consistent_read(true),
            };
            let output = request.send().await.map_err(sdk_failure)?;
            items.extend(output.items.unwrap_or_default());
            match output.last_evaluated_key {
                Some(key) if !key.is_empty() => start = Some(key),
                _ => return Ok(items),
            }
        }
    }

    pub(crate) async fn query_records<T: DeserializeOwned>(
        &self,
        partition: &str,
        prefix: Option<&str>,
        keys: Keys,
        sorted: Sorted,
    ) -> Attempt<Vec<T>> {
        self.query(partition, prefix, keys, sorted)
            .await?
            .into_iter()
            .map(from_item)
            .collect()
    }

    /// One UpdateItem with a condition; `Ok(false)` when the condition
    /// failed. The update carries a [`WriteToken`], so that an SDK retry
    /// failing the condition on this call's own committed write (its answer
    /// was lost) reports it written.
    pub(crate) async fn update_item(
        &self,
        key: &Key,
        update: &str,
        condition: &str,
        expr: Expr,
    ) -> Attempt<bool> {
        let token = WriteToken::new();
        let expr = expr
            .name(write_token::NAME, write_token::ATTRIBUTE)
            .value(write_token::VALUE, token.value());
        let request = self
            .client
            .update_item()
            .table_name(&*self.table)
            .set_key(Some(key.item()))
            .update_expression(token.mark_update(update))
            .condition_expression(condition)
            .set_expression_attribute_names(expr.names())
            .set_expression_attribute_values(expr.values())
            .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld);
        let failed = match single_write(|| request.clone().send()).await {
            Ok(_) => return Ok(true),
            Err(error) => match error.into_service_error() {
                UpdateItemError::ConditionalCheckFailedException(failed) => failed,
                error => return Err(sdk_failure(error)),
            },
        };
        // DynamoDB returns the item whenever there is one; none is not ours.
        Ok(failed.item.is_some_and(|item| token.wrote(&item)))
    }
}
