//! What a cart costs this learner (R11, R12), in fen.

use axum::Json;
use axum::extract::State;
use serde::Serialize;
use ticedu_api::auth::AuthLearner;
use ticedu_api::{ApiJson, ApiResult, AppState, ErrorBody};
use ticedu_domain::pricing::{CartItem, Quote};
use utoipa::ToSchema;

use crate::requests::CartRequest;
use crate::{PaymentsStore, cart};

pub const QUOTE: &str = "/api/payments/quote";

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct QuoteLineView {
    #[schema(value_type = Object)]
    item: CartItem,
    hours: u32,
    gross_fen: u64,
    /// R12: the returning learner's free mandatory hours.
    discount_fen: u64,
    net_fen: u64,
}

/// Prices in integer fen (分).
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct QuoteView {
    price_per_hour_fen: u64,
    lines: Vec<QuoteLineView>,
    gross_fen: u64,
    discount_fen: u64,
    total_fen: u64,
    /// The learner's balance, to compare with the total.
    balance_fen: u64,
}

impl QuoteView {
    fn new(quote: &Quote, balance: u64) -> Self {
        Self {
            price_per_hour_fen: quote.price_per_hour.get(),
            lines: quote
                .lines
                .iter()
                .map(|line| QuoteLineView {
                    item: line.item.clone(),
                    hours: line.hours.len() as u32,
                    gross_fen: line.gross.get(),
                    discount_fen: line.discount.get(),
                    net_fen: line.net.get(),
                })
                .collect(),
            gross_fen: quote.gross.get(),
            discount_fen: quote.discount.get(),
            total_fen: quote.total.get(),
            balance_fen: balance,
        }
    }
}

/// What a cart costs this learner (R11, R12), in fen.
#[utoipa::path(post, path = QUOTE, tag = "payments", request_body = CartRequest, security(("bearer" = [])),
    responses(
        (status = 200, description = "The quote", body = QuoteView),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 422, description = "Empty cart, unknown item, bundle for another kind of learner, hour bought already…", body = ErrorBody),
    ))]
pub(crate) async fn quote_cart<S: PaymentsStore>(
    State(state): State<AppState<S>>,
    auth: AuthLearner,
    ApiJson(cart): ApiJson<CartRequest>,
) -> ApiResult<Json<QuoteView>> {
    let learner = auth.learner(&state.store).await?;
    let quote = cart::price(&state, &learner, &cart.items).await?;
    Ok(Json(QuoteView::new(&quote, learner.balance.get())))
}
