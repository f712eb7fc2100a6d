//! Progress in the current cycle against the learner's requirement (R7–R9),
//! and what happens next: every state a learner can be in answers, in
//! Chinese first, what to do or wait for.

use axum::Json;
use axum::extract::State;
use jiff::civil::Date;
use serde::Serialize;
use ticedu_api::auth::AuthLearner;
use ticedu_api::standing::{NextStep, Standing};
use ticedu_api::views::ProgressView;
use ticedu_api::{ApiResult, AppState, ErrorBody};
use utoipa::ToSchema;

use crate::LearningStore;

pub const PROGRESS: &str = "/api/learning/progress";

/// The current cycle: its hours, the certificate it renews, the next step.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct CycleStanding {
    #[serde(flatten)]
    progress: ProgressView,
    /// The expiry of the certificate this cycle renews (none in a new or
    /// titled learner's first cycle).
    #[schema(value_type = Option<String>, format = Date)]
    renews_certificate_expiring_on: Option<Date>,
    next_step: NextStep,
}

/// Progress in the current cycle against the requirement (R7–R9), per part, and the next step.
#[utoipa::path(get, path = PROGRESS, tag = "learning", security(("bearer" = [])),
    responses((status = 200, description = "Progress", body = CycleStanding), (status = 401, description = "Not logged in", body = ErrorBody)))]
pub(crate) async fn progress<S: LearningStore>(
    State(state): State<AppState<S>>,
    auth: AuthLearner,
) -> ApiResult<Json<CycleStanding>> {
    let platform = &state.platform;
    let learner = auth.learner(&state.store).await?;
    let standing = Standing::of(&state.store, learner).await?;
    let today = platform.clock.today();
    let years = ticedu_api::years::effective(&state.store, platform)
        .await?
        .years;
    Ok(Json(CycleStanding {
        progress: ProgressView::from(&standing.progress),
        renews_certificate_expiring_on: standing.cycle.renews,
        next_step: standing.next_step(today, &years.settings, &years.calendar),
    }))
}
