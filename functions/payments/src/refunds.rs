//! Finance refunds an order, wholly or in part: the hours are withdrawn in
//! the same write that records the refund, the money goes back to the
//! balance at once or through WeChat Pay's refund API, and the refund is
//! audited. Hours marked 学过了 are withdrawn only when finance confirms it.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::{Extension, Json};
use serde::Deserialize;
use ticedu_api::auth::AuthStaff;
use ticedu_api::{ApiError, ApiJson, ApiResult, AppState, ErrorBody};
use ticedu_domain::catalogue::HourId;
use ticedu_domain::learner::ShortText;
use ticedu_domain::money::Fen;
use ticedu_domain::staff::StaffAction;
use ticedu_store::ids::{OrderNo, RefundNo};
use ticedu_store::records::{AuditAction, PaymentChannel, Refund, RefundReason, RefundStatus};
use ticedu_store::{Outcome, Refusal};
use utoipa::ToSchema;

use crate::PaymentsStore;
use crate::orders::OrderView;
use crate::settle;
use crate::wechat::WeChatPay;

pub const REFUNDS: &str = "/api/payments/orders/{order_no}/refunds";

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RefundRequest {
    /// The hours to withdraw (none: money only, e.g. a goodwill refund).
    #[serde(default)]
    hours: Vec<String>,
    /// Fen to give back; by default the hours' share of the order's price.
    amount_fen: Option<u64>,
    /// Why (for the audit trail and the learner's record).
    note: String,
    /// Withdraw hours even though the learner marked them 学过了.
    #[serde(default)]
    withdraw_learned: bool,
}

fn invalid(code: &'static str, zh: &'static str, en: &'static str) -> ApiError {
    ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, code, zh, en)
}

/// Refund an order wholly or in part (finance).
#[utoipa::path(post, path = REFUNDS, tag = "payments", request_body = RefundRequest, security(("bearer" = [])),
    params(("order_no" = String, Path, description = "The order number")),
    responses(
        (status = 201, description = "Refunded (balance) or asked of WeChat Pay", body = OrderView),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 403, description = "Not finance staff", body = ErrorBody),
        (status = 404, description = "No such order", body = ErrorBody),
        (status = 409, description = "Not refundable, or hours marked learned without confirmation", body = ErrorBody),
        (status = 422, description = "Malformed hours, amount or note", body = ErrorBody),
        (status = 503, description = "A WeChat Pay order while WeChat Pay is not configured", body = ErrorBody),
    ))]
pub(crate) async fn refund_order<S: PaymentsStore>(
    State(state): State<AppState<S>>,
    Extension(wechat): Extension<Option<Arc<WeChatPay>>>,
    staff: AuthStaff,
    Path(order_no): Path<String>,
    ApiJson(body): ApiJson<RefundRequest>,
) -> ApiResult<(StatusCode, Json<OrderView>)> {
    staff.may(StaffAction::Finance)?;
    let no = OrderNo::parse(&order_no).map_err(|_| Refusal::UnknownOrder)?;
    let hours = body
        .hours
        .iter()
        .map(|hour| hour.parse::<HourId>())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|_| {
            invalid(
                "refund.hours",
                "要退的学时格式不正确。",
                "An hour to refund is malformed.",
            )
        })?;
    let note = ShortText::parse(&body.note).map_err(|e| ApiError::invalid(&e))?;
    let order = state.store.order(&no).await?.ok_or(Refusal::UnknownOrder)?;
    let wechat = match order.channel {
        PaymentChannel::WeChatPay => Some(wechat.ok_or_else(crate::wechat_orders::unavailable)?),
        PaymentChannel::Balance => None,
    };
    let amount = match body.amount_fen {
        Some(fen) => Fen::new(fen),
        None => order.share_of(hours.len()),
    };
    if amount.get() == 0 {
        return Err(invalid(
            "refund.amount",
            "退款金额应大于 0。",
            "The amount to refund must be more than 0.",
        ));
    }
    let learned = if body.withdraw_learned {
        let marks = state.store.marks(&order.learner).await?;
        hours
            .iter()
            .filter(|hour| {
                marks
                    .iter()
                    .any(|m| &m.hour == *hour && m.cycle >= order.cycle)
            })
            .cloned()
            .collect()
    } else {
        Vec::new()
    };
    let now = state.platform.clock.now();
    let refund = Refund {
        no: RefundNo::nth(&order.no, order.refunds.len() + 1)
            .map_err(|_| Refusal::NotRefundable)?,
        hours,
        amount,
        reason: RefundReason::Staff {
            by: staff.name.clone(),
            note: note.as_str().to_owned(),
            learned: learned.clone(),
        },
        requested_at: now,
        status: match order.channel {
            PaymentChannel::Balance => RefundStatus::Succeeded { at: now },
            PaymentChannel::WeChatPay => RefundStatus::Requested,
        },
    };
    let list = |hours: &[HourId]| {
        hours
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(" ")
    };
    let mut audit = staff
        .audit(AuditAction::OrderRefunded, now)
        .learner(&order.learner)
        .subject(refund.no.to_string())
        .reason(note.as_str())
        .change("refund_fen", None, Some(amount.get().to_string()))
        .change("hours_withdrawn", None, Some(list(&refund.hours)));
    if !learned.is_empty() {
        audit = audit.change("learned_hours_withdrawn", None, Some(list(&learned)));
    }
    if state
        .store
        .refund_order(&order, &refund, Some(&audit))
        .await?
        == Outcome::Applied
    {
        tracing::info!(order = %order.no, refund = %refund.no, amount_fen = amount.get(), by = %staff.name, "order refunded");
    }
    let order = match wechat {
        Some(wechat) => settle::request_refunds(&state, &wechat, &order.no).await?,
        None => state
            .store
            .order(&order.no)
            .await?
            .ok_or(Refusal::UnknownOrder)?,
    };
    Ok((StatusCode::CREATED, Json(OrderView::of(&order, now))))
}
