//! Password logins under a throttle, for learners and staff alike. Each
//! attempt is counted as a failure *before* its password is checked, in one
//! atomic increment, and only a right password takes the count back: so a
//! burst of concurrent guesses gets no more checks than the limit, however
//! they interleave with the (slow, by design) password hashing. An attempt
//! counted past the limit is refused without a check.

use std::future::Future;

use axum::http::StatusCode;
use ticedu_domain::identity::UsernameKey;
use ticedu_store::LoginThrottleStore;
use ticedu_store::records::ThrottleWindow;

use crate::config::Platform;
use crate::error::{ApiError, ApiResult};

/// Runs `check` (`Some` on the right password) under the throttle of `key`.
pub async fn throttled_login<S, T>(
    store: &S,
    platform: &Platform,
    key: &UsernameKey,
    check: impl Future<Output = ApiResult<Option<T>>>,
) -> ApiResult<T>
where
    S: LoginThrottleStore,
{
    let now = platform.clock.now();
    let policy = platform.throttle;
    let window = ThrottleWindow::containing(now, policy.window_seconds);
    let throttled = || {
        let mut error = ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "auth.throttled",
            "密码错误次数过多，请稍后再试。",
            "Too many wrong passwords; please try again later.",
        );
        error.retry_after = Some(
            u64::try_from(window.expires_at.as_second() - now.as_second())
                .unwrap_or(1)
                .max(1),
        );
        error
    };
    // The count includes this attempt: the reservation is what holds under concurrency.
    let failures = store.record_login_failure(key, window).await?;
    if failures > policy.max_failures {
        return Err(throttled());
    }
    match check.await? {
        Some(value) => {
            store.clear_login_failures(key, window).await?;
            Ok(value)
        }
        None => {
            tracing::info!(failures, "login failed");
            Err(if failures >= policy.max_failures {
                throttled()
            } else {
                ApiError::new(
                    StatusCode::UNAUTHORIZED,
                    "auth.invalid_credentials",
                    "用户名或密码错误。",
                    "Wrong username or password.",
                )
            })
        }
    }
}
