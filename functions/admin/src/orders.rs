//! Looking up an order and its payment, e.g. from a bank or WeChat Pay statement.

use axum::Json;
use axum::extract::State;
use serde::Serialize;
use ticedu_api::auth::AuthStaff;
use ticedu_api::{ApiError, ApiResult, AppState, ErrorBody, PathParam};
use ticedu_domain::staff::StaffAction;
use ticedu_store::Refusal;
use ticedu_store::ids::OrderNo;
use ticedu_store::records::{Order, OrderStatus, RefundReason, RefundStatus};
use utoipa::ToSchema;

use crate::AdminStore;

pub const ORDER: &str = "/api/staff/orders/{order}";

#[derive(Serialize, ToSchema)]
pub(crate) struct StaffOrder {
    order_no: String,
    learner_id: String,
    total_fen: u64,
    hours: Vec<String>,
    /// `balance` or `we_chat_pay`.
    channel: String,
    paid: bool,
    /// `pending`, `paid`, `cancelled` or `expired`.
    status: &'static str,
    /// WeChat Pay's transaction id, once paid by WeChat Pay.
    transaction_id: Option<String>,
    /// The hours not withdrawn by a refund.
    kept_hours: Vec<String>,
    /// What can still be refunded.
    refundable_fen: u64,
    refunds: Vec<StaffRefund>,
    invoice_id: Option<String>,
    created_at: String,
}

#[derive(Serialize, ToSchema)]
pub(crate) struct StaffRefund {
    refund_no: String,
    hours: Vec<String>,
    amount_fen: u64,
    /// `already_owned` (paid twice) or `staff`.
    reason: &'static str,
    /// Who refunded and why (staff refunds).
    by: Option<String>,
    note: Option<String>,
    /// Hours withdrawn although marked learned, as finance confirmed.
    learned: Vec<String>,
    /// `requested`, `succeeded` or `failed`.
    status: &'static str,
    requested_at: String,
}

impl From<Order> for StaffOrder {
    fn from(order: Order) -> Self {
        let (paid, transaction_id) = match &order.status {
            OrderStatus::Paid { transaction, .. } => {
                (true, transaction.as_ref().map(ToString::to_string))
            }
            OrderStatus::Pending | OrderStatus::Closed { .. } => (false, None),
        };
        let status = match &order.status {
            OrderStatus::Pending => "pending",
            OrderStatus::Paid { .. } => "paid",
            OrderStatus::Closed { reason, .. } => reason.as_str(),
        };
        let names = |hours: &[ticedu_domain::catalogue::HourId]| {
            hours.iter().map(ToString::to_string).collect::<Vec<_>>()
        };
        let refunds = order
            .refunds
            .iter()
            .map(|refund| {
                let (reason, by, note, learned) = match &refund.reason {
                    RefundReason::AlreadyOwned => ("already_owned", None, None, Vec::new()),
                    RefundReason::Staff { by, note, learned } => (
                        "staff",
                        Some(by.to_string()),
                        Some(note.clone()),
                        names(learned),
                    ),
                };
                StaffRefund {
                    refund_no: refund.no.to_string(),
                    hours: names(&refund.hours),
                    amount_fen: refund.amount.get(),
                    reason,
                    by,
                    note,
                    learned,
                    status: match refund.status {
                        RefundStatus::Requested => "requested",
                        RefundStatus::Succeeded { .. } => "succeeded",
                        RefundStatus::Failed { .. } => "failed",
                    },
                    requested_at: refund.requested_at.to_string(),
                }
            })
            .collect();
        Self {
            order_no: order.no.to_string(),
            learner_id: order.learner.to_string(),
            total_fen: order.amount.get(),
            hours: order.hours.iter().map(ToString::to_string).collect(),
            channel: order.channel.as_str().to_owned(),
            paid,
            status,
            transaction_id,
            kept_hours: names(&order.kept_hours()),
            refundable_fen: order.refundable().get(),
            refunds,
            invoice_id: order.invoice.map(|id| id.to_string()),
            created_at: order.created_at.to_string(),
        }
    }
}

/// Look up an order and its payment by number (e.g. from a bank or WeChat Pay statement).
#[utoipa::path(get, path = ORDER, tag = "staff", security(("bearer" = [])),
    params(("order" = String, Path, description = "Order number")),
    responses((status = 200, description = "The order", body = StaffOrder), (status = 403, description = "Not staff", body = ErrorBody), (status = 404, description = "No such order", body = ErrorBody)))]
pub(crate) async fn find_order<S: AdminStore>(
    State(state): State<AppState<S>>,
    staff: AuthStaff,
    PathParam(no): PathParam<OrderNo>,
) -> ApiResult<Json<StaffOrder>> {
    staff.may(StaffAction::Finance)?;
    let order = state
        .store
        .order(&no)
        .await?
        .ok_or_else(|| ApiError::from(Refusal::UnknownOrder))?;
    Ok(Json(order.into()))
}
