//! Failed logins per username and window.

use redb::ReadableTable;
use ticedu_domain::identity::UsernameKey;
use ticedu_store::records::ThrottleWindow;
use ticedu_store::*;

use crate::EmbeddedStore;
use crate::rows::{open, open_read};
use crate::tables::THROTTLE;

impl LoginThrottleStore for EmbeddedStore {
    async fn record_login_failure(
        &self,
        key: &UsernameKey,
        window: ThrottleWindow,
    ) -> StoreResult<u32> {
        let key = key.clone();
        self.write("record_login_failure", move |txn| {
            let mut throttle = open(txn, THROTTLE)?;
            let this_window = (key.as_str(), window.index);
            let count = throttle
                .get(this_window)
                .or_backend()?
                .map_or(0, |count| count.value())
                + 1;
            throttle.insert(this_window, count).or_backend()?;
            // Earlier windows are forgotten, as DynamoDB's TTL does there.
            let stale: Vec<i64> = throttle
                .range((key.as_str(), i64::MIN)..this_window)
                .or_backend()?
                .map(|entry| entry.map(|(k, _)| k.value().1))
                .collect::<Result<_, _>>()
                .or_backend()?;
            for index in stale {
                throttle.remove((key.as_str(), index)).or_backend()?;
            }
            Ok(count)
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
