//! Retrying writes a concurrent transaction held off. DynamoDB wrote nothing
//! for them, so they are safe to send again; the SDK retries throttles and
//! server errors itself but not these, which it cannot tell from refusals.

use std::future::Future;
use std::time::Duration;

use aws_sdk_dynamodb::error::{ProvideErrorMetadata, SdkError};
use jiff::Timestamp;

/// Attempts of a write held off by conflicting transactions.
pub(crate) const CONFLICT_ATTEMPTS: u32 = 12;

/// Exponential backoff with jitter from the clock, capped at about a second.
pub(crate) fn backoff(attempt: u32) -> Duration {
    let base = 10u64 << attempt.min(7);
    let jitter = u64::from(Timestamp::now().subsec_nanosecond().unsigned_abs()) % base.max(1);
    Duration::from_millis(base / 2 + jitter / 2)
}

/// Sends a single-item write, and again while a transaction holds its item
/// (`TransactionConflictException`).
pub(crate) async fn single_write<T, E, R, F, Fut>(mut send: F) -> Result<T, SdkError<E, R>>
where
    E: ProvideErrorMetadata,
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, SdkError<E, R>>>,
{
    let mut attempt = 0;
    loop {
        attempt += 1;
        match send().await {
            Err(error) if attempt < CONFLICT_ATTEMPTS && held_off(&error) => {
                tokio::time::sleep(backoff(attempt)).await;
            }
            result => return result,
        }
    }
}

fn held_off<E: ProvideErrorMetadata, R>(error: &SdkError<E, R>) -> bool {
    error
        .as_service_error()
        .and_then(ProvideErrorMetadata::code)
        == Some("TransactionConflictException")
}
