//! Progress in the current cycle against the learner's requirement (R7–R9),
//! and what happens next: every state a learner can be in answers, in
//! Chinese first, what to do or wait for; and the bought hours seen against
//! the requirement, so that the page says which would not count and which
//! lesson to take next.

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
use crate::plan::{PlanView, plan_of};

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
    #[serde(flatten)]
    plan: PlanView,
}

/// Progress in the current cycle against the requirement (R7–R9), per part, the next step, the bought hours that would not count and the next lesson.
#[utoipa::path(get, path = PROGRESS, tag = "learning", security(("bearer" = [])),
    responses((status = 200, description = "Progress", body = CycleStanding), (status = 401, description = "Not logged in", body = ErrorBody)))]
pub(crate) async fn progress<S: LearningStore>(
    State(state): State<AppState<S>>,
    auth: AuthLearner,
) -> ApiResult<Json<CycleStanding>> {
    let platform = &state.platform;
    let learner = auth.learner(&state.store).await?;
    let standing = Standing::of(&state.store, learner).await?;
    let enrollments = state.store.enrollments(&auth.id).await?;
    let open = state.store.open_lesson_of(&auth.id).await?;
    let plan = plan_of(
        &platform.catalogue,
        &standing.learner,
        &standing.progress,
        &enrollments,
        &standing.marks,
        open.as_ref(),
    );
    let today = platform.clock.today();
    let years = ticedu_api::years::effective(&state.store, platform)
        .await?
        .years;
    Ok(Json(CycleStanding {
        progress: ProgressView::from(&standing.progress),
        renews_certificate_expiring_on: standing.cycle.renews,
        next_step: standing.next_step(today, &years.settings, &years.calendar),
        plan: PlanView::of(&platform.catalogue, &standing.progress, &plan),
    }))
}
