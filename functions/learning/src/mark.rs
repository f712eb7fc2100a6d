//! 学过了 (R10): an hour counts only once the learner marks it learned.

use axum::Json;
use axum::extract::State;
use serde::Serialize;
use ticedu_api::auth::AuthLearner;
use ticedu_api::path::unknown_hour;
use ticedu_api::views::{ProgressView, progress_of};
use ticedu_api::{ApiResult, AppState, ErrorBody, PathParam};
use ticedu_domain::catalogue::HourId;
use ticedu_domain::requirement::LearnedHour;
use ticedu_store::records::Enrollment;
use ticedu_store::{Outcome, Refusal};
use utoipa::ToSchema;

use crate::LearningStore;

pub const MARK: &str = "/api/learning/hours/{course}/{number}/learned";

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct Marked {
    hour: String,
    /// False when the hour was marked before: marking is idempotent.
    newly_marked: bool,
    progress: ProgressView,
}

/// Mark one bought hour learned (学过了, R10) in the current cycle. Marking it again in the same cycle changes nothing.
#[utoipa::path(post, path = MARK, tag = "learning", security(("bearer" = [])),
    params(("course" = String, Path, description = "Course id"), ("number" = u16, Path, description = "Hour number, from 1")),
    responses(
        (status = 200, description = "Marked", body = Marked),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 403, description = "The hour was not bought", body = ErrorBody),
        (status = 404, description = "No such hour in the catalogue", body = ErrorBody),
    ))]
pub(crate) async fn mark_learned<S: LearningStore>(
    State(state): State<AppState<S>>,
    auth: AuthLearner,
    PathParam(hour): PathParam<HourId>,
) -> ApiResult<Json<Marked>> {
    let group = state
        .platform
        .catalogue
        .group_of(&hour)
        .ok_or_else(unknown_hour)?;
    let learner = auth.learner(&state.store).await?;
    let mark = LearnedHour {
        hour: hour.clone(),
        group,
        learned_on: state.platform.clock.today(),
        cycle: learner.cycle,
        studied_seconds: None,
    };
    let enrollments = state.store.enrollments(&auth.id).await?;
    let mut marks = state.store.marks(&auth.id).await?;
    let bought_in = Enrollment::usable_for(&hour, learner.cycle, &enrollments, &marks)
        .ok_or(Refusal::HourNotBought)?;
    // The store checks that purchase again, in the same write as the mark.
    let outcome = state
        .store
        .mark_learned(&auth.id, &mark, bought_in, 0, state.platform.clock.now())
        .await?;
    if outcome == Outcome::Applied {
        tracing::info!(learner = %auth.id, %hour, "hour learned");
    }
    // The marks as stored now, without reading them again: this one is among
    // them whether it was written now or (concurrently) just before.
    if !marks
        .iter()
        .any(|m| m.hour == mark.hour && m.cycle == mark.cycle)
    {
        marks.push(mark);
    }
    Ok(Json(Marked {
        hour: hour.to_string(),
        newly_marked: outcome == Outcome::Applied,
        progress: ProgressView::from(&progress_of(&learner, &marks)),
    }))
}
