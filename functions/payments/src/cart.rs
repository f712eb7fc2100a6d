//! What the use cases that sell a cart share: its price for this learner and
//! a number for its order.

use std::collections::BTreeSet;

use axum::http::StatusCode;
use ticedu_api::{ApiError, ApiResult, AppState};
use ticedu_domain::pricing::{Buyer, CartItem, Quote, quote};
use ticedu_store::records::{Enrollment, Learner};

use crate::PaymentsStore;

/// Prices `items` for this learner against this year's settings and what
/// they own: the facts are gathered here, the price is the domain's (R11, R12).
pub(crate) async fn price<S: PaymentsStore>(
    state: &AppState<S>,
    learner: &Learner,
    items: &[CartItem],
) -> ApiResult<Quote> {
    let platform = &state.platform;
    let years = ticedu_api::years::effective(&state.store, platform)
        .await?
        .years;
    let settings = years
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
    // An hour is owned in this cycle if bought in it, or bought earlier and
    // not learned since: the learner learns it without paying again.
    let enrollments = state.store.enrollments(learner.id()).await?;
    let marks = state.store.marks(learner.id()).await?;
    let owned: BTreeSet<_> = enrollments
        .iter()
        .filter(|e| Enrollment::usable_for(&e.hour, learner.cycle, &enrollments, &marks).is_some())
        .map(|e| e.hour.clone())
        .collect();
    let buyer = Buyer {
        category: learner.category(),
        returning: learner.returning,
    };
    quote(&platform.catalogue, settings, buyer, items, &owned).map_err(|e| ApiError::invalid(&e))
}
