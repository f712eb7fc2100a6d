//! Per-caller limits on the public routes (log-in, registration, password recovery,
//! verification, WeChat Pay's notices): the HTTP API's throttles are totals
//! shared by everyone, so one script could crowd everybody else out. Each
//! request of a limited route counts one use of its caller's address in the
//! current window, in one store write ([`RateLimitStore::count_use`]), so
//! the limit holds across Lambda instances; past the limit the caller gets
//! 429 until the window ends.
//!
//! The caller is the viewer address CloudFront passes (`CloudFront-Viewer-Address`).
//! A request without it is not limited here: only the local server and the
//! tests send none (in Lambda the origin secret makes every request come
//! through CloudFront, whose origin request policy forwards the header).

use std::marker::PhantomData;

use axum::extract::FromRequestParts;
use axum::http::StatusCode;
use axum::http::request::Parts;
use ticedu_store::RateLimitStore;
use ticedu_store::records::{RateKey, ThrottleWindow};

use crate::error::ApiError;
use crate::origin::viewer;
use crate::state::AppState;

/// A limit per caller: `USES` requests per `WINDOW_SECONDS`.
pub trait CallerLimit: Send + Sync + 'static {
    /// Names the limit in its counters.
    const NAME: &'static str;
    const USES: u32;
    const WINDOW_SECONDS: i64;
}

/// Learners' and staff's log-ins: the per-account throttle stops guessing
/// one password; this stops one caller trying many accounts.
pub struct LogIns;
impl CallerLimit for LogIns {
    const NAME: &'static str = "login";
    const USES: u32 = 30;
    const WINDOW_SECONDS: i64 = 5 * 60;
}

/// Registrations: a family or an office registering together fits easily.
pub struct Registrations;
impl CallerLimit for Registrations {
    const NAME: &'static str = "register";
    const USES: u32 = 20;
    const WINDOW_SECONDS: i64 = 60 * 60;
}

/// Password recovery, asking for a code and using one: a learner needs a
/// few; the per-code and per-account limits stop guessing, this stops one
/// caller sweeping many accounts.
pub struct Recoveries;
impl CallerLimit for Recoveries {
    const NAME: &'static str = "recovery";
    const USES: u32 = 20;
    const WINDOW_SECONDS: i64 = 15 * 60;
}

/// Public verification: an employer checking a stack of certificates fits.
pub struct Verifications;
impl CallerLimit for Verifications {
    const NAME: &'static str = "verify";
    const USES: u32 = 120;
    const WINDOW_SECONDS: i64 = 5 * 60;
}

/// WeChat Pay's payment and refund notices: WeChat Pay sends every notice
/// from a few addresses, so its limit is high; a flood from anywhere else
/// is cut off before it crowds the real notices out.
pub struct WeChatPayNotices;
impl CallerLimit for WeChatPayNotices {
    const NAME: &'static str = "wechatpay-notice";
    const USES: u32 = 1200;
    const WINDOW_SECONDS: i64 = 60;
}

/// An extractor that counts the request against its caller's `L` and
/// refuses it past the limit. Put it before the body extractor.
pub struct PerCaller<L>(PhantomData<L>);

impl<L> PerCaller<L> {
    /// A caller without an address, as the extractor lets through (for a
    /// handler called directly, outside HTTP).
    pub fn unknown() -> Self {
        Self(PhantomData)
    }
}

impl<S, L> FromRequestParts<AppState<S>> for PerCaller<L>
where
    S: RateLimitStore,
    L: CallerLimit,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState<S>) -> Result<Self, ApiError> {
        let Some(address) = viewer(&parts.headers) else {
            return Ok(Self(PhantomData));
        };
        let now = state.platform.clock.now();
        let window = ThrottleWindow::containing(now, L::WINDOW_SECONDS);
        let uses = state
            .store
            .count_use(&RateKey::caller(L::NAME, address), window)
            .await?;
        if uses <= L::USES {
            return Ok(Self(PhantomData));
        }
        tracing::warn!(limit = L::NAME, uses, "caller over the limit");
        let mut error = ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "rate.limited",
            "请求过于频繁，请稍后再试。",
            "Too many requests; please try again later.",
        );
        error.retry_after = Some(
            u64::try_from(window.expires_at.as_second() - now.as_second())
                .unwrap_or(1)
                .max(1),
        );
        Err(error)
    }
}
