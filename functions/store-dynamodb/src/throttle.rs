//! Counts per key and window: failed logins per username, and rate limits
//! (`RateLimitStore`). A window's item expires with it through the table's
//! TTL, so nothing here deletes old windows.

use aws_sdk_dynamodb::types::{AttributeValue, ReturnValue};
use ticedu_domain::identity::UsernameKey;
use ticedu_store::records::{RateKey, ThrottleWindow};
use ticedu_store::*;

use crate::DynamoStore;
use crate::keys::{self, Item, Key};
use crate::request::{n, sdk_failure};
use crate::retry::single_write;
use crate::table::TTL_ATTRIBUTE;
use crate::write_token::{self, WriteToken};

fn failures(item: Option<&Item>) -> Attempt<u32> {
    match item.and_then(|item| item.get("failures")) {
        Some(AttributeValue::N(count)) => count.parse().or_backend(),
        _ => Err(Failure::backend("throttle item without a failure count")),
    }
}

impl DynamoStore {
    /// Adds one to the count of `key`'s window, which expires with the window.
    async fn count_one(&self, key: Key, window: ThrottleWindow) -> Attempt<u32> {
        // A counter is no condition that a repeat fails: the call's token
        // is, so that an SDK retry meeting its own count does not count twice.
        let token = WriteToken::new();
        let request = self
            .client
            .update_item()
            .table_name(&*self.table)
            .set_key(Some(key.item()))
            .update_expression(token.mark_update("ADD #failures :one SET #expires = :expires"))
            .condition_expression(format!(
                "attribute_not_exists({NAME}) OR {NAME} <> {VALUE}",
                NAME = write_token::NAME,
                VALUE = write_token::VALUE
            ))
            .expression_attribute_names("#failures", "failures")
            .expression_attribute_names("#expires", TTL_ATTRIBUTE)
            .expression_attribute_names(write_token::NAME, write_token::ATTRIBUTE)
            .expression_attribute_values(":one", n(1))
            .expression_attribute_values(":expires", n(window.expires_at.as_second()))
            .expression_attribute_values(write_token::VALUE, token.value())
            .return_values(ReturnValue::UpdatedNew);
        match single_write(|| request.clone().send()).await {
            Ok(output) => failures(output.attributes.as_ref()),
            Err(error)
                if error
                    .as_service_error()
                    .is_some_and(|e| e.is_conditional_check_failed_exception()) =>
            {
                failures(self.get(&key).await?.as_ref())
            }
            Err(error) => Err(sdk_failure(error)),
        }
    }
}

impl RateLimitStore for DynamoStore {
    async fn count_use(&self, key: &RateKey, window: ThrottleWindow) -> StoreResult<u32> {
        during(
            "count_use",
            self.count_one(keys::rate_limit(key, window.index), window),
        )
        .await
    }
}

impl LoginThrottleStore for DynamoStore {
    async fn record_login_failure(
        &self,
        key: &UsernameKey,
        window: ThrottleWindow,
    ) -> StoreResult<u32> {
        during(
            "record_login_failure",
            self.count_one(keys::throttle(key, window.index), window),
        )
        .await
    }

    async fn login_failures(&self, key: &UsernameKey, window: ThrottleWindow) -> StoreResult<u32> {
        during("login_failures", async {
            match self.get(&keys::throttle(key, window.index)).await? {
                Some(item) => failures(Some(&item)),
                None => Ok(0),
            }
        })
        .await
    }

    async fn clear_login_failures(
        &self,
        key: &UsernameKey,
        window: ThrottleWindow,
    ) -> StoreResult<()> {
        during("clear_login_failures", async {
            let request = self
                .client
                .delete_item()
                .table_name(&*self.table)
                .set_key(Some(keys::throttle(key, window.index).item()));
            single_write(|| request.clone().send())
                .await
                .map_err(sdk_failure)?;
            Ok(())
        })
        .await
    }
}
