//! WeChat Pay's refund notice: verified and decrypted like a payment notice,
//! checked against the refund we asked for, its end recorded exactly once.

use std::sync::Arc;

use axum::Extension;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use ticedu_api::AppState;
use ticedu_api::ErrorBody;
use ticedu_api::caller_limit::{PerCaller, WeChatPayNotices};
use ticedu_store::ids::RefundNo;
use ticedu_store::{Refusal, StoreError};
use ticedu_wechatpay::RefundReport;

use crate::PaymentsStore;
use crate::settle::refund_end;
use crate::wechat::WeChatPay;
use crate::wechat_notify::{NotifyError, WeChatAnswer, open};

pub const WECHAT_REFUND_NOTIFY: &str = "/api/payments/wechat/refund-notify";

/// The refund notice: verified, decrypted, checked against the refund, applied exactly once.
#[utoipa::path(post, path = WECHAT_REFUND_NOTIFY, tag = "payments",
    responses(
        (status = 204, description = "Recorded (or recorded before), or still processing"),
        (status = 400, description = "Unreadable notice or a mismatch with the refund", body = WeChatAnswer),
        (status = 401, description = "Signature, timestamp or key refused", body = WeChatAnswer),
        (status = 404, description = "No such refund", body = WeChatAnswer),
        (status = 429, description = "Too many requests from this caller (not WeChat Pay's rate); WeChat Pay retries", body = ErrorBody),
        (status = 500, description = "Not stored; WeChat Pay retries", body = WeChatAnswer),
        (status = 503, description = "WeChat Pay is not configured", body = WeChatAnswer),
    ))]
pub(crate) async fn wechat_refund_notify<S: PaymentsStore>(
    State(state): State<AppState<S>>,
    _caller: PerCaller<WeChatPayNotices>,
    Extension(wechat): Extension<Option<Arc<WeChatPay>>>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<StatusCode, NotifyError> {
    let wechat = wechat.ok_or(NotifyError::NotConfigured)?;
    let now = state.platform.clock.now();
    let report: RefundReport = open(&wechat, &headers, &body, now.as_second())?;
    // Refund notices carry the merchant only (no appid).
    if report.mchid.as_deref() != Some(wechat.merchant.mchid.as_str()) {
        return Err(NotifyError::OtherMerchant);
    }
    let refund_no =
        RefundNo::parse(&report.out_refund_no).map_err(|_| NotifyError::MalformedIds)?;
    let order = state
        .store
        .order(&refund_no.order())
        .await
        .map_err(NotifyError::Store)?
        .ok_or(NotifyError::UnknownOrder)?;
    let refund = order.refund(&refund_no).ok_or(NotifyError::UnknownOrder)?;
    if report.out_trade_no != order.no.as_str()
        || report.amount.refund != refund.amount.get()
        || report.amount.total != order.amount.get()
    {
        return Err(NotifyError::AmountMismatch {
            order: order.no.clone(),
            paid_fen: report.amount.refund,
            expected_fen: refund.amount.get(),
        });
    }
    let Some(status) = refund_end(&report, now) else {
        return Ok(StatusCode::NO_CONTENT);
    };
    match state.store.settle_refund(&refund_no, &status).await {
        Ok(_) => {
            tracing::info!(order = %order.no, refund = %refund_no, state = %report.status, "refund notice applied");
            Ok(StatusCode::NO_CONTENT)
        }
        Err(StoreError::Refused(refusal @ (Refusal::NoticeMismatch | Refusal::UnknownRefund))) => {
            Err(NotifyError::Refused {
                order: order.no.clone(),
                refusal,
            })
        }
        Err(error) => Err(NotifyError::Store(error)),
    }
}
