//! Bringing an order to what WeChat Pay knows: a payment applied however it
//! becomes known (notice, query, bill), an unpaid order closed when it
//! expired or the learner cancels, and refunds asked of WeChat Pay once they
//! are recorded.

use jiff::Timestamp;
use ticedu_api::{ApiError, AppState};
use ticedu_domain::wechat_pay::settles;
use ticedu_store::ids::{OrderNo, TransactionId};
use ticedu_store::records::{
    CloseReason, Order, OrderStatus, PaymentChannel, PaymentNotice, RefundReason, RefundStatus,
};
use ticedu_store::{Outcome, Refusal, StoreError};
use ticedu_wechatpay::{RefundReport, Transaction};

use crate::PaymentsStore;
use crate::wechat::{TradeState, WeChatPay, WeChatPayError};

/// A pending order whose notice has not come this long after it was placed
/// is asked about: notices usually arrive within seconds.
pub(crate) const NOTICE_LATE_AFTER: jiff::SignedDuration = jiff::SignedDuration::from_secs(10);

#[derive(Debug, thiserror::Error)]
pub(crate) enum SettleError {
    #[error("out_trade_no or transaction_id is malformed")]
    MalformedIds,
    #[error("no such order")]
    UnknownOrder,
    #[error("the amount differs from the order's")]
    AmountMismatch { paid_fen: u64, expected_fen: u64 },
    #[error("{0}")]
    Refused(Refusal),
    #[error("temporarily unavailable")]
    Store(StoreError),
}

impl From<SettleError> for ApiError {
    fn from(error: SettleError) -> Self {
        match error {
            SettleError::Refused(refusal) => refusal.into(),
            SettleError::Store(error) => error.into(),
            SettleError::UnknownOrder => Refusal::UnknownOrder.into(),
            error @ (SettleError::MalformedIds | SettleError::AmountMismatch { .. }) => {
                tracing::error!(%error, "WeChat Pay's account of an order differs from ours");
                ApiError::new(
                    axum::http::StatusCode::BAD_GATEWAY,
                    "wechatpay.mismatch",
                    "微信支付的记录与订单不符，请联系协会。",
                    "WeChat Pay's record differs from the order; please contact the association.",
                )
            }
        }
    }
}

impl From<StoreError> for SettleError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::Refused(refusal) => Self::Refused(refusal),
            error => Self::Store(error),
        }
    }
}

/// Applies a successful `transaction` of ours (verified by the caller) to
/// its order, then asks WeChat Pay for any refund that recorded.
pub(crate) async fn apply_transaction<S: PaymentsStore>(
    state: &AppState<S>,
    wechat: &WeChatPay,
    transaction: &Transaction,
) -> Result<(Order, Outcome), SettleError> {
    let (Ok(order_no), Ok(transaction_id)) = (
        OrderNo::parse(&transaction.out_trade_no),
        TransactionId::parse(&transaction.transaction_id),
    ) else {
        return Err(SettleError::MalformedIds);
    };
    let order = state
        .store
        .order(&order_no)
        .await?
        .ok_or(SettleError::UnknownOrder)?;
    let paid = &transaction.amount;
    settles(order.amount, &paid.currency, paid.total).map_err(|_| SettleError::AmountMismatch {
        paid_fen: paid.total,
        expected_fen: order.amount.get(),
    })?;
    let notice = PaymentNotice {
        transaction: transaction_id,
        order: order_no,
        amount: order.amount,
        paid_at: state.platform.clock.now(),
        // The trade bill dates the payment by it (reconciliation).
        success_time: transaction
            .success_time
            .as_deref()
            .and_then(|time| time.parse().ok()),
    };
    let outcome = state.store.apply_payment(&order, &notice).await?;
    if outcome == Outcome::Applied {
        tracing::info!(order = %order.no, learner = %order.learner, "WeChat Pay payment applied");
    }
    let order = request_refunds(state, wechat, &order.no).await?;
    Ok((order, outcome))
}

/// Asks WeChat Pay for every refund of the order still `Requested` (safe to
/// repeat: WeChat Pay refunds one `out_refund_no` once) and records the ends
/// it reports at once; the rest end by refund notice. Returns the order as stored.
pub(crate) async fn request_refunds<S: PaymentsStore>(
    state: &AppState<S>,
    wechat: &WeChatPay,
    order_no: &OrderNo,
) -> Result<Order, SettleError> {
    let order = state
        .store
        .order(order_no)
        .await?
        .ok_or(SettleError::UnknownOrder)?;
    if order.channel != PaymentChannel::WeChatPay {
        return Ok(order);
    }
    let mut changed = false;
    for refund in order
        .refunds
        .iter()
        .filter(|r| r.status == RefundStatus::Requested)
    {
        let reason = match &refund.reason {
            RefundReason::AlreadyOwned => "重复支付退款 Paid twice",
            RefundReason::Staff { .. } => "协会退款 Refund by the association",
        };
        let now = state.platform.clock.now();
        match wechat
            .refund(
                refund.no.as_str(),
                order.no.as_str(),
                refund.amount.get(),
                order.amount.get(),
                reason,
                now.as_second(),
            )
            .await
        {
            Ok(report) => {
                if let Some(status) = refund_end(&report, now) {
                    state.store.settle_refund(&refund.no, &status).await?;
                    changed = true;
                }
                tracing::info!(order = %order.no, refund = %refund.no, state = %report.status, "refund asked of WeChat Pay");
            }
            // Left `Requested`: the next look at the order asks again.
            Err(error) => {
                tracing::error!(order = %order.no, refund = %refund.no, %error, "refund request failed")
            }
        }
    }
    if !changed {
        return Ok(order);
    }
    state
        .store
        .order(order_no)
        .await?
        .ok_or(SettleError::UnknownOrder)
}

/// A refund's end from WeChat Pay's state (dated by its `success_time` when
/// it gives one, else `at`); `None` while it is processing.
pub(crate) fn refund_end(report: &RefundReport, at: Timestamp) -> Option<RefundStatus> {
    let state = report.status.as_str();
    match state {
        "SUCCESS" => Some(RefundStatus::Succeeded {
            at: report
                .success_time
                .as_deref()
                .and_then(|time| time.parse().ok())
                .unwrap_or(at),
        }),
        "CLOSED" | "ABNORMAL" => Some(RefundStatus::Failed {
            at,
            state: state.to_owned(),
        }),
        _ => None,
    }
}

/// A pending WeChat Pay order brought up to date when its notice is late or
/// it expired: asked about, then paid or closed as WeChat Pay says. Anything
/// else (or WeChat Pay not answering) leaves it as it is.
pub(crate) async fn follow_up<S: PaymentsStore>(
    state: &AppState<S>,
    wechat: &WeChatPay,
    order: Order,
) -> Result<Order, ApiError> {
    let now = state.platform.clock.now();
    let late = now >= order.created_at + NOTICE_LATE_AFTER;
    let expired = order.expires_at.is_some_and(|until| now >= until);
    if order.status != OrderStatus::Pending
        || order.channel != PaymentChannel::WeChatPay
        || !(late || expired)
    {
        return Ok(order);
    }
    match wechat.query(order.no.as_str(), now.as_second()).await {
        Ok(Some(TradeState::Paid(transaction))) if ours(wechat, &transaction) => {
            return match apply_transaction(state, wechat, &transaction).await {
                Ok((order, _)) => Ok(order),
                Err(error) => {
                    tracing::error!(order = %order.no, %error, "a paid order found by query was not applied");
                    Ok(order)
                }
            };
        }
        Ok(Some(TradeState::Unpaid(trade_state))) if expired || trade_state == "CLOSED" => {
            // Closing at WeChat Pay too makes sure nobody pays it later.
            if trade_state != "CLOSED"
                && let Err(error) = wechat.close(order.no.as_str(), now.as_second()).await
            {
                tracing::warn!(order = %order.no, %error, "closing an expired order at WeChat Pay failed");
                return Ok(order);
            }
            state
                .store
                .close_order(&order.no, now, CloseReason::Expired)
                .await?;
        }
        Ok(None) if expired => {
            state
                .store
                .close_order(&order.no, now, CloseReason::Expired)
                .await?;
        }
        Ok(_) => return Ok(order),
        Err(error) => {
            tracing::warn!(order = %order.no, %error, "order query failed");
            return Ok(order);
        }
    }
    Ok(state.store.order(&order.no).await?.unwrap_or(order))
}

/// The learner cancels: closed at WeChat Pay first, so that it cannot be paid
/// afterwards; if it was paid meanwhile, the payment is applied instead.
pub(crate) async fn cancel<S: PaymentsStore>(
    state: &AppState<S>,
    wechat: &WeChatPay,
    order: Order,
) -> Result<Order, ApiError> {
    if order.closing()? == Outcome::AlreadyApplied {
        return Ok(order);
    }
    let now = state.platform.clock.now();
    let unavailable = |error: WeChatPayError| {
        tracing::error!(order = %order.no, %error, "cancelling at WeChat Pay failed");
        ApiError::new(
            axum::http::StatusCode::BAD_GATEWAY,
            "wechatpay.request_failed",
            "微信支付暂时无法取消该订单，请稍后重试。",
            "WeChat Pay could not cancel the order now; please try again.",
        )
    };
    match wechat
        .query(order.no.as_str(), now.as_second())
        .await
        .map_err(unavailable)?
    {
        Some(TradeState::Paid(transaction)) if ours(wechat, &transaction) => {
            apply_transaction(state, wechat, &transaction).await?;
            return Err(Refusal::OrderPaid.into());
        }
        Some(TradeState::Unpaid(trade_state)) if trade_state == "USERPAYING" => {
            return Err(ApiError::new(
                axum::http::StatusCode::CONFLICT,
                "order.paying",
                "正在微信中支付该订单，请稍后再取消。",
                "The order is being paid in WeChat right now; cancel it later.",
            ));
        }
        Some(TradeState::Unpaid(trade_state)) if trade_state == "CLOSED" => {}
        _ => wechat
            .close(order.no.as_str(), now.as_second())
            .await
            .map_err(unavailable)?,
    }
    state
        .store
        .close_order(&order.no, now, CloseReason::Cancelled)
        .await?;
    Ok(state.store.order(&order.no).await?.unwrap_or(order))
}

/// A query answer is for this merchant and app (as notices must be).
pub(crate) fn ours(wechat: &WeChatPay, transaction: &Transaction) -> bool {
    transaction.mchid == wechat.merchant.mchid && transaction.appid == wechat.merchant.appid
}
