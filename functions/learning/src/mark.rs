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
use ticedu_store::Outcome;
use utoipa::ToSchema;

use crate::LearningStore;
use crate::lessons::BoughtLesson;

pub const MARK: &str = "/api/learning/hours/{course}/{number}/learned";

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct Marked {
    hour: String,
    /// False when the hour was marked before: marking is idempotent.
    newly_marked: bool,
    /// Seconds the learner studied in the hour's lesson, counted on the
    /// server (0 for an hour marked before lessons were timed).
    studied_seconds: u32,
    progress: ProgressView,
}

/// Mark one bought hour learned (学过了, R10) in the current cycle, once its lesson was open for the hour's study length. Marking it again in the same cycle changes nothing.
#[utoipa::path(post, path = MARK, tag = "learning", security(("bearer" = [])),
    params(("course" = String, Path, description = "Course id"), ("number" = u16, Path, description = "Hour number, from 1")),
    responses(
        (status = 200, description = "Marked", body = Marked),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 403, description = "The hour was not bought", body = ErrorBody),
        (status = 404, description = "No such hour in the catalogue", body = ErrorBody),
        (status = 409, description = "Studied too briefly (learning.too_early, with Retry-After) or another lesson was opened meanwhile", body = ErrorBody),
    ))]
pub(crate) async fn mark_learned<S: LearningStore>(
    State(state): State<AppState<S>>,
    auth: AuthLearner,
    PathParam(hour): PathParam<HourId>,
) -> ApiResult<Json<Marked>> {
    let BoughtLesson {
        lesson: _,
        learner,
        bought_in,
        length_seconds,
        mut marks,
    } = BoughtLesson::gather(&state, &auth, &hour).await?;
    let now = state.platform.clock.now();
    let earlier = marks
        .iter()
        .find(|m| m.hour == hour && m.cycle == learner.cycle)
        .cloned();
    let studied_seconds = match &earlier {
        Some(mark) => mark.studied_seconds,
        // What the store counts too, in the same write as the mark.
        None => Some(
            state
                .store
                .lesson_time(&auth.id, &hour, learner.cycle)
                .await?
                .studied_at(now),
        ),
    };
    let mark = LearnedHour {
        hour: hour.clone(),
        group: state
            .platform
            .catalogue
            .group_of(&hour)
            .ok_or_else(unknown_hour)?,
        learned_on: state.platform.clock.today(),
        learned_at: Some(now),
        cycle: learner.cycle,
        studied_seconds,
    };
    // Marked before in this cycle: nothing to write, however long ago the
    // lesson closed. Otherwise the store checks the purchase and the time
    // studied again, in the same write as the mark.
    let outcome = if earlier.is_some() {
        Outcome::AlreadyApplied
    } else {
        state
            .store
            .mark_learned(&auth.id, &mark, bought_in, length_seconds, now)
            .await?
    };
    if outcome == Outcome::Applied {
        tracing::info!(learner = %auth.id, %hour, studied_seconds = studied_seconds.unwrap_or(0), "hour learned");
    }
    // The marks as stored now, without reading them again: this one is among
    // them whether it was written now or (concurrently) just before.
    if earlier.is_none() {
        marks.push(mark);
    }
    Ok(Json(Marked {
        hour: hour.to_string(),
        newly_marked: outcome == Outcome::Applied,
        studied_seconds: studied_seconds.unwrap_or(0),
        progress: ProgressView::from(&progress_of(&learner, &marks)),
    }))
}
