//! WeChat Pay's payment notice (R14): verified, decrypted, checked against
//! the order, applied exactly once however often it is delivered.
//!
//! WeChat Pay reads only the status and retries on anything but 2xx, so
//! every refusal below picks its status with care: a 5xx means "try again
//! later", a 4xx means "this notice will never be accepted".

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use serde::Serialize;
use ticedu_api::AppState;
use ticedu_api::ErrorBody;
use ticedu_api::caller_limit::{PerCaller, WeChatPayNotices};
use ticedu_store::ids::OrderNo;
use ticedu_store::{Refusal, StoreError};
use ticedu_wechatpay::{Notice, NoticeError, NoticeHeaders, Transaction};
use utoipa::ToSchema;

use crate::PaymentsStore;
use crate::settle::{SettleError, apply_transaction};
use crate::wechat::WeChatPay;

pub const WECHAT_NOTIFY: &str = "/api/payments/wechat/notify";

/// WeChat Pay's answer format for notices: `{"code": "FAIL", "message": …}` makes it retry.
#[derive(Debug, Serialize, ToSchema)]
pub struct WeChatAnswer {
    code: &'static str,
    message: String,
}

/// Why a notice was not applied. Messages go to WeChat Pay, never to a person.
#[derive(Debug, thiserror::Error)]
pub(crate) enum NotifyError {
    #[error("WeChat Pay is not configured")]
    NotConfigured,
    /// A missing header, a stale timestamp, an unknown key or a bad signature.
    #[error(transparent)]
    Unverified(NoticeError),
    /// Signed by WeChat Pay, but not a notice we can read.
    #[error(transparent)]
    Unreadable(NoticeError),
    #[error("the notice is for another merchant")]
    OtherMerchant,
    #[error("out_trade_no or transaction_id is malformed")]
    MalformedIds,
    #[error("no such order")]
    UnknownOrder,
    #[error("the amount differs from the order's")]
    AmountMismatch {
        order: OrderNo,
        paid_fen: u64,
        expected_fen: u64,
    },
    #[error("{refusal}")]
    Refused { order: OrderNo, refusal: Refusal },
    #[error("temporarily unavailable")]
    Store(StoreError),
}

impl NotifyError {
    fn status(&self) -> StatusCode {
        match self {
            Self::NotConfigured => StatusCode::SERVICE_UNAVAILABLE,
            Self::Unverified(_) => StatusCode::UNAUTHORIZED,
            Self::Unreadable(_)
            | Self::OtherMerchant
            | Self::MalformedIds
            | Self::AmountMismatch { .. }
            | Self::Refused { .. } => StatusCode::BAD_REQUEST,
            Self::UnknownOrder => StatusCode::NOT_FOUND,
            // WeChat Pay retries: the payment is applied once the store is back.
            Self::Store(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn log(&self) {
        match self {
            Self::Unverified(NoticeError::MissingHeader) => {}
            Self::Unverified(error) => tracing::warn!(%error, "payment notice refused"),
            Self::AmountMismatch {
                order,
                paid_fen,
                expected_fen,
            } => {
                tracing::error!(%order, paid_fen, expected_fen, "payment notice amount differs from the order");
            }
            Self::Refused { order, refusal } => {
                tracing::error!(%order, %refusal, "payment notice refused by the store");
            }
            Self::Store(error) => tracing::error!(%error, "payment notice not applied"),
            _ => {}
        }
    }
}

impl IntoResponse for NotifyError {
    fn into_response(self) -> Response {
        self.log();
        let answer = WeChatAnswer {
            code: "FAIL",
            message: self.to_string(),
        };
        (self.status(), Json(answer)).into_response()
    }
}

/// The payment notice (R14): verified, decrypted, checked against the order, applied exactly once.
#[utoipa::path(post, path = WECHAT_NOTIFY, tag = "payments",
    responses(
        (status = 204, description = "Applied (or applied before)"),
        (status = 400, description = "Unreadable notice or a mismatch with the order", body = WeChatAnswer),
        (status = 401, description = "Signature, timestamp or key refused", body = WeChatAnswer),
        (status = 404, description = "No such order", body = WeChatAnswer),
        (status = 429, description = "Too many requests from this caller (not WeChat Pay's rate); WeChat Pay retries", body = ErrorBody),
        (status = 500, description = "Not stored; WeChat Pay retries", body = WeChatAnswer),
        (status = 503, description = "WeChat Pay is not configured", body = WeChatAnswer),
    ))]
pub(crate) async fn wechat_notify<S: PaymentsStore>(
    State(state): State<AppState<S>>,
    _caller: PerCaller<WeChatPayNotices>,
    Extension(wechat): Extension<Option<Arc<WeChatPay>>>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<StatusCode, NotifyError> {
    let wechat = wechat.ok_or(NotifyError::NotConfigured)?;
    let now = state.platform.clock.now();
    let transaction: Transaction = open(&wechat, &headers, &body, now.as_second())?;
    // Genuinely from WeChat Pay and for our key, yet possibly for another
    // merchant or app of ours: such money is not this order's payment.
    if !crate::settle::ours(&wechat, &transaction) {
        return Err(NotifyError::OtherMerchant);
    }
    if transaction.trade_state != "SUCCESS" {
        tracing::info!(order = %transaction.out_trade_no, state = %transaction.trade_state, "payment notice without success: nothing to apply");
        return Ok(StatusCode::NO_CONTENT);
    }
    let order = transaction.out_trade_no.clone();
    match apply_transaction(&state, &wechat, &transaction).await {
        Ok(_) => Ok(StatusCode::NO_CONTENT),
        Err(error) => Err(NotifyError::settling(order, error)),
    }
}

impl NotifyError {
    fn settling(order: String, error: SettleError) -> Self {
        let order = || OrderNo::parse(&order).ok();
        match error {
            SettleError::MalformedIds => Self::MalformedIds,
            SettleError::UnknownOrder => Self::UnknownOrder,
            SettleError::AmountMismatch {
                paid_fen,
                expected_fen,
            } => match order() {
                Some(order) => Self::AmountMismatch {
                    order,
                    paid_fen,
                    expected_fen,
                },
                None => Self::MalformedIds,
            },
            SettleError::Refused(refusal) => match order() {
                Some(order) => Self::Refused { order, refusal },
                None => Self::MalformedIds,
            },
            SettleError::Store(error) => Self::Store(error),
        }
    }
}

/// What a notice that WeChat Pay signed carries (a transaction, a refund),
/// decrypted with our API v3 key.
pub(crate) fn open<T: serde::de::DeserializeOwned>(
    wechat: &WeChatPay,
    headers: &HeaderMap,
    body: &[u8],
    now: i64,
) -> Result<T, NotifyError> {
    let header = |name: &str| headers.get(name).and_then(|value| value.to_str().ok());
    let (Some(timestamp), Some(nonce), Some(signature), Some(serial)) = (
        header("Wechatpay-Timestamp"),
        header("Wechatpay-Nonce"),
        header("Wechatpay-Signature"),
        header("Wechatpay-Serial"),
    ) else {
        return Err(NotifyError::Unverified(NoticeError::MissingHeader));
    };
    let signed = NoticeHeaders {
        timestamp,
        nonce,
        signature,
        serial,
    };
    wechat
        .keys
        .verify(&signed, body, now)
        .map_err(NotifyError::Unverified)?;
    let notice = serde_json::from_slice::<Notice>(body)
        .map_err(|_| NotifyError::Unreadable(NoticeError::Body))?;
    wechat
        .merchant
        .decrypt_as(&notice.resource)
        .map_err(NotifyError::Unreadable)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_store_outage_asks_wechat_pay_to_retry_soon() {
        let order = OrderNo::parse("TIC20230706ABCDEF1234").unwrap();
        let refusals = [
            (NotifyError::NotConfigured, StatusCode::SERVICE_UNAVAILABLE),
            (
                NotifyError::Unverified(NoticeError::Signature),
                StatusCode::UNAUTHORIZED,
            ),
            (
                NotifyError::Unreadable(NoticeError::Body),
                StatusCode::BAD_REQUEST,
            ),
            (NotifyError::OtherMerchant, StatusCode::BAD_REQUEST),
            (NotifyError::MalformedIds, StatusCode::BAD_REQUEST),
            (NotifyError::UnknownOrder, StatusCode::NOT_FOUND),
            (
                NotifyError::AmountMismatch {
                    order: order.clone(),
                    paid_fen: 1,
                    expected_fen: 2,
                },
                StatusCode::BAD_REQUEST,
            ),
            (
                NotifyError::Refused {
                    order,
                    refusal: Refusal::NoticeMismatch,
                },
                StatusCode::BAD_REQUEST,
            ),
            (
                NotifyError::Store(StoreError::Unavailable {
                    operation: "order",
                    message: "timeout".to_owned(),
                }),
                StatusCode::INTERNAL_SERVER_ERROR,
            ),
        ];
        for (error, status) in refusals {
            assert_eq!(error.status(), status, "{error}");
        }
    }

    #[test]
    fn a_store_outage_is_not_described_to_the_caller() {
        let error = NotifyError::Store(StoreError::Unavailable {
            operation: "order",
            message: "connection to 10.0.0.7 refused".to_owned(),
        });
        assert_eq!(error.to_string(), "temporarily unavailable");
    }
}
