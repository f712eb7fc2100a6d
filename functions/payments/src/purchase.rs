//! Buying a cart from the 元账户 balance (R13).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Serialize;
use ticedu_api::auth::AuthLearner;
use ticedu_api::ids::new_order_no;
use ticedu_api::{ApiJson, ApiResult, AppState, ErrorBody};
use ticedu_store::Outcome;
use ticedu_store::records::{Order, OrderStatus, PaymentChannel};
use utoipa::ToSchema;

use crate::requests::CartRequest;
use crate::{PaymentsStore, cart};

pub const PURCHASE: &str = "/api/payments/purchase";

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct Purchased {
    order_no: String,
    total_fen: u64,
    hours: Vec<String>,
}

/// Buy a cart from the balance (R13): the balance, the ledger and the hours change together or not at all.
#[utoipa::path(post, path = PURCHASE, tag = "payments", request_body = CartRequest, security(("bearer" = [])),
    responses(
        (status = 201, description = "Bought", body = Purchased),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 409, description = "The balance does not cover the total, an hour was bought meanwhile, or a WeChat Pay order waiting for payment holds one", body = ErrorBody),
        (status = 422, description = "The cart cannot be bought", body = ErrorBody),
    ))]
pub(crate) async fn purchase<S: PaymentsStore>(
    State(state): State<AppState<S>>,
    auth: AuthLearner,
    ApiJson(cart): ApiJson<CartRequest>,
) -> ApiResult<(StatusCode, Json<Purchased>)> {
    let learner = auth.learner(&state.store).await?;
    let quote = cart::price(&state, &learner, &cart.items).await?;
    let now = state.platform.clock.now();
    let order = Order {
        no: new_order_no(now)?,
        learner: auth.id.clone(),
        hours: quote.hours().cloned().collect(),
        amount: quote.total,
        channel: PaymentChannel::Balance,
        status: OrderStatus::Paid {
            at: now,
            transaction: None,
        },
        created_at: now,
        invoice: None,
        cycle: learner.cycle,
        expires_at: None,
        refunds: Vec::new(),
    };
    // Whether the balance covers the total is decided inside the store's transaction, never here.
    if state.store.purchase_with_balance(&order).await? == Outcome::Applied {
        tracing::info!(learner = %auth.id, order = %order.no, total_fen = order.amount.get(), "bought from the balance");
    }
    Ok((
        StatusCode::CREATED,
        Json(Purchased {
            order_no: order.no.to_string(),
            total_fen: order.amount.get(),
            hours: order.hours.iter().map(ToString::to_string).collect(),
        }),
    ))
}
