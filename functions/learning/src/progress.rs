//! Progress in the current cycle against the learner's requirement (R7–R9).

use axum::Json;
use axum::extract::State;
use ticedu_api::auth::AuthLearner;
use ticedu_api::views::{ProgressView, progress_of};
use ticedu_api::{ApiResult, AppState, ErrorBody};

use crate::LearningStore;

pub const PROGRESS: &str = "/api/learning/progress";

/// Progress in the current cycle against the requirement (R7–R9), per part.
#[utoipa::path(get, path = PROGRESS, tag = "learning", security(("bearer" = [])),
    responses((status = 200, description = "Progress", body = ProgressView), (status = 401, description = "Not logged in", body = ErrorBody)))]
pub(crate) async fn progress<S: LearningStore>(
    State(state): State<AppState<S>>,
    auth: AuthLearner,
) -> ApiResult<Json<ProgressView>> {
    let learner = auth.learner(&state.store).await?;
    let marks = state.store.marks(&auth.id).await?;
    Ok(Json(ProgressView::from(&progress_of(&learner, &marks))))
}
