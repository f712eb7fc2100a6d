//! Granting (or withdrawing) the returning learner's discount (R12) once
//! staff have checked the earlier renewal: the discount itself is priced by
//! `ticedu_domain::pricing`.

use axum::extract::State;
use axum::http::StatusCode;
use ticedu_api::auth::AuthStaff;
use ticedu_api::{ApiJson, ApiResult, AppState, ErrorBody, PathParam};
use ticedu_domain::staff::StaffAction;
use ticedu_store::Refusal;
use ticedu_store::ids::LearnerId;
use ticedu_store::records::AuditAction;

use crate::AdminStore;
use crate::requests::Returning;

pub const RETURNING: &str = "/api/staff/learners/{learner}/returning";

/// Grant (or withdraw) the returning learner's discount (R12) after checking their earlier renewal.
#[utoipa::path(post, path = RETURNING, tag = "staff", request_body = Returning, security(("bearer" = [])),
    params(("learner" = String, Path, description = "Learner id")),
    responses((status = 204, description = "Recorded"), (status = 403, description = "Not staff", body = ErrorBody), (status = 404, description = "No such learner", body = ErrorBody)))]
pub(crate) async fn set_returning<S: AdminStore>(
    State(state): State<AppState<S>>,
    staff: AuthStaff,
    PathParam(learner): PathParam<LearnerId>,
    ApiJson(request): ApiJson<Returning>,
) -> ApiResult<StatusCode> {
    staff.may(StaffAction::Operate)?;
    let stored = state
        .store
        .learner(&learner)
        .await?
        .ok_or(Refusal::UnknownLearner)?;
    // Granting what is granted (a double click, a retry) changes nothing and is not recorded again.
    if stored.returning == request.returning {
        return Ok(StatusCode::NO_CONTENT);
    }
    let audit = staff
        .audit(AuditAction::ReturningSet, state.platform.clock.now())
        .learner(&learner)
        .change(
            "returning",
            Some(stored.returning.to_string()),
            Some(request.returning.to_string()),
        );
    state
        .store
        .set_returning(&learner, request.returning, &audit)
        .await?;
    tracing::info!(staff = %staff.name, %learner, returning = request.returning, "discount");
    Ok(StatusCode::NO_CONTENT)
}
