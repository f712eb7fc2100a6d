//! Checking titled learners' details (R18): their certificate shows the
//! title only once staff have confirmed it.

use axum::Json;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use serde::Serialize;
use ticedu_api::auth::AuthStaff;
use ticedu_api::{ApiError, ApiJson, ApiResult, AppState, ErrorBody, PathParam};
use ticedu_domain::learner::{LearnerCategory, LearnerKind, TitleCheck};
use ticedu_domain::staff::StaffAction;
use ticedu_store::Refusal;
use ticedu_store::ids::LearnerId;
use ticedu_store::records::AuditAction;
use utoipa::ToSchema;

use crate::AdminStore;
use crate::audit::label;
use crate::paging::{PageInfo, QueueQuery};
use crate::requests::Decision;

pub const TITLE_CHECKS: &str = "/api/staff/title-checks";
pub const TITLE_CHECK: &str = "/api/staff/title-checks/{learner}";

#[derive(Serialize, ToSchema)]
pub(crate) struct PendingTitle {
    learner_id: String,
    name: String,
    /// The title details to check (R18).
    #[schema(value_type = Object)]
    kind: LearnerKind,
}

#[derive(Serialize, ToSchema)]
pub(crate) struct PendingTitles {
    learners: Vec<PendingTitle>,
    #[serde(flatten)]
    page: PageInfo,
}

/// Titled learners whose details wait for a check (R18).
#[utoipa::path(get, path = TITLE_CHECKS, tag = "staff", params(QueueQuery), security(("bearer" = [])),
    responses((status = 200, description = "Waiting", body = PendingTitles), (status = 403, description = "Not staff", body = ErrorBody)))]
pub(crate) async fn pending_title_checks<S: AdminStore>(
    State(state): State<AppState<S>>,
    staff: AuthStaff,
    Query(query): Query<QueueQuery>,
) -> ApiResult<Json<PendingTitles>> {
    staff.may(StaffAction::Operate)?;
    let page = query.parse()?;
    let waiting = state.store.pending_title_checks().await?;
    let entries = waiting.into_iter().map(|id| (id, ())).collect();
    let (found, page) = page.learners(&state.store, entries).await?;
    let learners = found
        .into_iter()
        .map(|(learner, ())| PendingTitle {
            learner_id: learner.id().to_string(),
            name: learner.registration.name.to_string(),
            kind: learner.registration.kind,
        })
        .collect();
    Ok(Json(PendingTitles { learners, page }))
}

/// Confirm or reject a titled learner's details (R18).
#[utoipa::path(post, path = TITLE_CHECK, tag = "staff", request_body = Decision, security(("bearer" = [])),
    params(("learner" = String, Path, description = "Learner id")),
    responses((status = 204, description = "Recorded (the same decision again changes nothing)"), (status = 403, description = "Not staff", body = ErrorBody), (status = 404, description = "No such learner", body = ErrorBody), (status = 422, description = "Not a titled learner, or not a decision", body = ErrorBody)))]
pub(crate) async fn decide_title_check<S: AdminStore>(
    State(state): State<AppState<S>>,
    staff: AuthStaff,
    PathParam(learner): PathParam<LearnerId>,
    ApiJson(request): ApiJson<Decision>,
) -> ApiResult<StatusCode> {
    staff.may(StaffAction::Operate)?;
    let stored = state
        .store
        .learner(&learner)
        .await?
        .ok_or(Refusal::UnknownLearner)?;
    // Only a titled learner has a title to check (R18); and staff decide, they do not re-queue.
    if stored.category() != LearnerCategory::Titled || request.decision == TitleCheck::Pending {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "title_check.not_applicable",
            "只能对职称人员的职称信息作出“通过”或“不通过”的审核决定。",
            "Only a titled learner's title can be confirmed or rejected.",
        ));
    }
    // The same decision again (a double click, a retry) changes nothing and is not recorded again.
    if stored.title_check == Some(request.decision) {
        return Ok(StatusCode::NO_CONTENT);
    }
    let audit = staff
        .audit(AuditAction::TitleCheckDecided, state.platform.clock.now())
        .learner(&learner)
        .change(
            "title_check",
            stored.title_check.map(label),
            Some(label(request.decision)),
        );
    state
        .store
        .set_title_check(&learner, request.decision, &audit)
        .await?;
    tracing::info!(staff = %staff.name, %learner, decision = ?request.decision, "title check");
    Ok(StatusCode::NO_CONTENT)
}
