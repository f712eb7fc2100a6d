//! The learner's orders.

use axum::Json;
use axum::extract::State;
use serde::Serialize;
use ticedu_api::auth::AuthLearner;
use ticedu_api::{ApiResult, AppState, ErrorBody};
use ticedu_store::records::{Order, OrderStatus};
use utoipa::ToSchema;

use crate::PaymentsStore;

pub const ORDERS: &str = "/api/payments/orders";

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct OrderView {
    order_no: String,
    total_fen: u64,
    hours: Vec<String>,
    /// `balance` or `we_chat_pay`.
    channel: String,
    paid: bool,
    /// An invoice was requested for this order (R15).
    invoiced: bool,
    created_at: String,
}

impl From<Order> for OrderView {
    fn from(order: Order) -> Self {
        Self {
            order_no: order.no.to_string(),
            total_fen: order.amount.get(),
            hours: order.hours.iter().map(ToString::to_string).collect(),
            channel: order.channel.as_str().to_owned(),
            paid: matches!(order.status, OrderStatus::Paid { .. }),
            invoiced: order.invoice.is_some(),
            created_at: order.created_at.to_string(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct MyOrders {
    orders: Vec<OrderView>,
}

/// The learner's orders, newest first.
#[utoipa::path(get, path = ORDERS, tag = "payments", security(("bearer" = [])),
    responses((status = 200, description = "My orders", body = MyOrders), (status = 401, description = "Not logged in", body = ErrorBody)))]
pub(crate) async fn orders<S: PaymentsStore>(
    State(state): State<AppState<S>>,
    auth: AuthLearner,
) -> ApiResult<Json<MyOrders>> {
    let orders = state.store.orders_of(&auth.id).await?;
    Ok(Json(MyOrders {
        orders: orders.into_iter().map(OrderView::from).collect(),
    }))
}
