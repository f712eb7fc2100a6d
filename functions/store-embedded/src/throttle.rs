//! Counts per key and window: failed logins per username, and rate limits.
//! Both live in one table: usernames' keys are hex, rate keys name their
//! limit first (`name-check:…`), so they never meet.

use redb::ReadableTable;
use ticedu_domain::identity::UsernameKey;
use ticedu_store::records::{RateKey, ThrottleWindow};
use ticedu_store::*;

use crate::EmbeddedStore;
use crate::rows::{open, open_read};
use crate::tables::THROTTLE;

/// Adds one to the count of `key`'s window and forgets its earlier windows,
/// as DynamoDB's TTL does there.
fn count_one(txn: &redb::WriteTransaction, key: &str, window: ThrottleWindow) -> Attempt<u32> {
    let mut throttle = open(txn, THROTTLE)?;
    let this_window = (key, window.index);
    let count = throttle
        .get(this_window)
        .or_backend()?
        .map_or(0, |count| count.value())
        + 1;
    throttle.insert(this_window, count).or_backend()?;
    let stale: Vec<i64> = throttle
        .range((key, i64::MIN)..this_window)
        .or_backend()?
        .map(|entry| entry.map(|(k, _)| k.value().1))
        .collect::<Result<_, _>>()
        .or_backend()?;
    for index in stale {
        throttle.remove((key, index)).or_backend()?;
    }
    Ok(count)
}

impl RateLimitStore for EmbeddedStore {
    async fn count_use(&self, key: &RateKey, window: ThrottleWindow) -> StoreResult<u32> {
        let key = key.as_str().to_owned();
        self.write("count_use", move |txn| count_one(txn, &key, window))
            .await
    }
}

impl LoginThrottleStore for EmbeddedStore {
    async fn record_login_failure(
        &self,
        key: &UsernameKey,
        window: ThrottleWindow,
    ) -> StoreResult<u32> {
        let key = key.as_str().to_owned();
        self.write("record_login_failure", move |txn| {
            count_one(txn, &key, window)
        })
        .await
    }

    async fn login_failures(&self, key: &UsernameKey, window: ThrottleWindow) -> StoreResult<u32> {
        let key = key.clone();
        self.read("login_failures", move |txn| {
            Ok(open_read(txn, THROTTLE)?
                .get((key.as_str(), window.index))
                .or_backend()?
                .map_or(0, |count| count.value()))
        })
        .await
    }

    async fn clear_login_failures(
        &self,
        key: &UsernameKey,
        window: ThrottleWindow,
    ) -> StoreResult<()> {
        let key = key.clone();
        self.write("clear_login_failures", move |txn| {
            open(txn, THROTTLE)?
                .remove((key.as_str(), window.index))
                .or_backend()?;
            Ok(())
        })
        .await
    }
}
