//! What the use cases that sell a cart share: its price for this learner and
//! a number for its order.

use std::collections::BTreeSet;

use axum::http::StatusCode;
use ticedu_api::{ApiError, ApiResult, AppState};
use ticedu_domain::pricing::{Buyer, CartItem, Quote, quote};
use ticedu_store::records::Learner;

use crate::PaymentsStore;

/// Prices `items` for this learner against this year's settings and what
/// they own: the facts are gathered here, the price is the domain's (R11, R12).
pub(crate) async fn price<S: PaymentsStore>(
    state: &AppState<S>,
    learner: &Learner,
    items: &[CartItem],
) -> ApiResult<Quote> {
    let platform = &state.platform;
    let settings = platform
        .settings
        .in_force_on(platform.clock.today())
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "settings.none",
                "本年度收费标准尚未配置。",
                "This year's fees are not configured yet.",
            )
        })?;
    let owned: BTreeSet<_> = state
        .store
        .enrollments(learner.id())
        .await?
        .into_iter()
        .map(|e| e.hour)
        .collect();
    let buyer = Buyer {
        category: learner.category(),
        returning: learner.returning,
    };
    quote(&platform.catalogue, settings, buyer, items, &owned).map_err(|e| ApiError::invalid(&e))
}
