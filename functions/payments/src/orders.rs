//! The learner's orders: listed, followed while WeChat Pay's notice is
//! awaited, and cancelled while unpaid.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::{Extension, Json};
use jiff::Timestamp;
use serde::Serialize;
use ticedu_api::auth::AuthLearner;
use ticedu_api::{ApiError, ApiResult, AppState, ErrorBody};
use ticedu_store::Refusal;
use ticedu_store::ids::OrderNo;
use ticedu_store::records::{Order, OrderStatus, Refund, RefundReason, RefundStatus};
use utoipa::ToSchema;

use crate::PaymentsStore;
use crate::settle;
use crate::wechat::WeChatPay;

pub const ORDERS: &str = "/api/payments/orders";
pub const ORDER: &str = "/api/payments/orders/{order_no}";
pub const CANCEL_ORDER: &str = "/api/payments/orders/{order_no}/cancel";

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct OrderView {
    order_no: String,
    total_fen: u64,
    hours: Vec<String>,
    /// `balance` or `we_chat_pay`.
    channel: String,
    /// `pending` (waiting for WeChat Pay, until `expires_at`), `paid`,
    /// `expired` (not paid in time) or `cancelled`.
    status: &'static str,
    paid: bool,
    /// WeChat Pay orders: until when it can be paid.
    expires_at: Option<String>,
    /// Given back so far (refunds asked for or made).
    refunded_fen: u64,
    refunds: Vec<RefundView>,
    /// An invoice was requested for this order (R15).
    invoiced: bool,
    created_at: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct RefundView {
    refund_no: String,
    hours: Vec<String>,
    amount_fen: u64,
    /// `already_owned` (paid twice: given back by the platform) or `staff`.
    reason: &'static str,
    /// `requested`, `succeeded` or `failed`.
    status: &'static str,
    requested_at: String,
}

impl From<&Refund> for RefundView {
    fn from(refund: &Refund) -> Self {
        Self {
            refund_no: refund.no.to_string(),
            hours: refund.hours.iter().map(ToString::to_string).collect(),
            amount_fen: refund.amount.get(),
            reason: match refund.reason {
                RefundReason::AlreadyOwned => "already_owned",
                RefundReason::Staff { .. } => "staff",
            },
            status: match refund.status {
                RefundStatus::Requested => "requested",
                RefundStatus::Succeeded { .. } => "succeeded",
                RefundStatus::Failed { .. } => "failed",
            },
            requested_at: refund.requested_at.to_string(),
        }
    }
}

impl OrderView {
    /// The order as its learner sees it at `now`: a pending order past its
    /// expiry is `expired`, whether or not it was closed in the store yet.
    pub(crate) fn of(order: &Order, now: Timestamp) -> Self {
        let status = match &order.status {
            OrderStatus::Paid { .. } => "paid",
            OrderStatus::Closed { reason, .. } => reason.as_str(),
            OrderStatus::Pending if order.expires_at.is_some_and(|until| now >= until) => "expired",
            OrderStatus::Pending => "pending",
        };
        Self {
            order_no: order.no.to_string(),
            total_fen: order.amount.get(),
            hours: order.hours.iter().map(ToString::to_string).collect(),
            channel: order.channel.as_str().to_owned(),
            status,
            paid: matches!(order.status, OrderStatus::Paid { .. }),
            expires_at: order.expires_at.map(|at| at.to_string()),
            refunded_fen: order.amount.get() - order.refundable().get(),
            refunds: order.refunds.iter().map(RefundView::from).collect(),
            invoiced: order.invoice.is_some(),
            created_at: order.created_at.to_string(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct MyOrders {
    orders: Vec<OrderView>,
}

/// The learner's orders, newest first. A WeChat Pay order still pending
/// whose notice is late is asked about first (as [`order`] does), so that
/// the list never calls an order unpaid or expired that WeChat Pay took money for.
#[utoipa::path(get, path = ORDERS, tag = "payments", security(("bearer" = [])),
    responses((status = 200, description = "My orders", body = MyOrders), (status = 401, description = "Not logged in", body = ErrorBody)))]
pub(crate) async fn orders<S: PaymentsStore>(
    State(state): State<AppState<S>>,
    Extension(wechat): Extension<Option<Arc<WeChatPay>>>,
    auth: AuthLearner,
) -> ApiResult<Json<MyOrders>> {
    let mut orders = state.store.orders_of(&auth.id).await?;
    if let Some(wechat) = wechat {
        // Pending orders are few (each holds its hours), and a follow-up settles them.
        for order in orders
            .iter_mut()
            .filter(|o| o.status == OrderStatus::Pending)
        {
            *order = settle::follow_up(&state, &wechat, order.clone()).await?;
        }
    }
    let now = state.platform.clock.now();
    Ok(Json(MyOrders {
        orders: orders
            .iter()
            .map(|order| OrderView::of(order, now))
            .collect(),
    }))
}

/// The learner's own order, or 404 (never another learner's, not even whether it exists).
async fn own_order<S: PaymentsStore>(
    state: &AppState<S>,
    auth: &AuthLearner,
    order_no: &str,
) -> Result<Order, ApiError> {
    let no = OrderNo::parse(order_no).map_err(|_| Refusal::UnknownOrder)?;
    match state.store.order(&no).await? {
        Some(order) if order.learner == auth.id => Ok(order),
        _ => Err(Refusal::UnknownOrder.into()),
    }
}

/// One of the learner's orders, as the pay page follows it: a WeChat Pay
/// order whose notice is late is asked about first (query by
/// `out_trade_no`), and one past its expiry is closed.
#[utoipa::path(get, path = ORDER, tag = "payments", security(("bearer" = [])),
    params(("order_no" = String, Path, description = "The order number")),
    responses(
        (status = 200, description = "The order", body = OrderView),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 404, description = "No such order of this learner", body = ErrorBody),
    ))]
pub(crate) async fn order<S: PaymentsStore>(
    State(state): State<AppState<S>>,
    Extension(wechat): Extension<Option<Arc<WeChatPay>>>,
    auth: AuthLearner,
    Path(order_no): Path<String>,
) -> ApiResult<Json<OrderView>> {
    let mut order = own_order(&state, &auth, &order_no).await?;
    if let Some(wechat) = wechat {
        order = settle::follow_up(&state, &wechat, order).await?;
    }
    Ok(Json(OrderView::of(&order, state.platform.clock.now())))
}

/// Cancel an unpaid WeChat Pay order: closed at WeChat Pay, its hours free at once.
#[utoipa::path(post, path = CANCEL_ORDER, tag = "payments", security(("bearer" = [])),
    params(("order_no" = String, Path, description = "The order number")),
    responses(
        (status = 200, description = "Cancelled (or closed before)", body = OrderView),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 404, description = "No such order of this learner", body = ErrorBody),
        (status = 409, description = "Paid (meanwhile), or being paid right now", body = ErrorBody),
        (status = 502, description = "WeChat Pay did not answer", body = ErrorBody),
        (status = 503, description = "WeChat Pay is not configured", body = ErrorBody),
    ))]
pub(crate) async fn cancel_order<S: PaymentsStore>(
    State(state): State<AppState<S>>,
    Extension(wechat): Extension<Option<Arc<WeChatPay>>>,
    auth: AuthLearner,
    Path(order_no): Path<String>,
) -> ApiResult<Json<OrderView>> {
    let order = own_order(&state, &auth, &order_no).await?;
    let wechat = wechat.ok_or_else(crate::wechat_orders::unavailable)?;
    let order = settle::cancel(&state, &wechat, order).await?;
    tracing::info!(learner = %auth.id, order = %order.no, "order cancelled");
    Ok(Json(OrderView::of(&order, state.platform.clock.now())))
}
