//! Redeeming a study card (学习卡) into the balance (R13).

use axum::Json;
use axum::extract::State;
use serde::Serialize;
use ticedu_api::auth::AuthLearner;
use ticedu_api::{ApiError, ApiJson, ApiResult, AppState, ErrorBody};
use ticedu_store::Refusal;
use utoipa::ToSchema;

use crate::PaymentsStore;
use crate::requests::RedeemRequest;

pub const REDEEM: &str = "/api/payments/cards/redeem";

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct Redeemed {
    credited_fen: u64,
    balance_fen: u64,
}

/// Redeem a study card (学习卡) into the balance (R13), once.
#[utoipa::path(post, path = REDEEM, tag = "payments", request_body = RedeemRequest, security(("bearer" = [])),
    responses(
        (status = 200, description = "Credited", body = Redeemed),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 404, description = "No such card", body = ErrorBody),
        (status = 409, description = "The card was redeemed already", body = ErrorBody),
        (status = 422, description = "Not a card code", body = ErrorBody),
    ))]
pub(crate) async fn redeem<S: PaymentsStore>(
    State(state): State<AppState<S>>,
    auth: AuthLearner,
    ApiJson(request): ApiJson<RedeemRequest>,
) -> ApiResult<Json<Redeemed>> {
    let code = request.parse()?;
    let card = state
        .store
        .card(&code)
        .await?
        .ok_or_else(|| ApiError::from(Refusal::UnknownCard))?;
    state
        .store
        .redeem_card(&card, &auth.id, state.platform.clock.now())
        .await?;
    let learner = auth.learner(&state.store).await?;
    tracing::info!(learner = %auth.id, credited_fen = card.value.get(), "study card redeemed");
    Ok(Json(Redeemed {
        credited_fen: card.value.get(),
        balance_fen: learner.balance.get(),
    }))
}
