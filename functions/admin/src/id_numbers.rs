//! A learner's full ID number, for the operator who needs it (a learner on
//! the phone proving who they are): shown on request, one learner at a
//! time, each showing recorded in the audit trail before it is answered.

use axum::Json;
use axum::extract::State;
use serde::Serialize;
use ticedu_api::auth::AuthStaff;
use ticedu_api::{ApiError, ApiResult, AppState, ErrorBody, PathParam};
use ticedu_domain::staff::StaffAction;
use ticedu_store::Refusal;
use ticedu_store::ids::LearnerId;
use ticedu_store::records::AuditAction;
use utoipa::ToSchema;

use crate::AdminStore;

pub const ID_NUMBER: &str = "/api/staff/learners/{learner}/id-number";

#[derive(Serialize, ToSchema)]
pub(crate) struct IdNumberView {
    id_number: String,
}

/// The learner's full ID number (operators only; audited). POST: it is an
/// act staff answer for, and answers are never cached.
#[utoipa::path(post, path = ID_NUMBER, tag = "staff", security(("bearer" = [])),
    params(("learner" = String, Path, description = "Learner id")),
    responses(
        (status = 200, description = "The ID number", body = IdNumberView),
        (status = 403, description = "Not an operator", body = ErrorBody),
        (status = 404, description = "No such learner", body = ErrorBody),
    ))]
pub(crate) async fn reveal<S: AdminStore>(
    State(state): State<AppState<S>>,
    staff: AuthStaff,
    PathParam(learner): PathParam<LearnerId>,
) -> ApiResult<Json<IdNumberView>> {
    staff.may(StaffAction::RevealIdNumber)?;
    let stored = state
        .store
        .learner(&learner)
        .await?
        .ok_or_else(|| ApiError::from(Refusal::UnknownLearner))?;
    let audit = staff
        .audit(AuditAction::IdNumberRevealed, state.platform.clock.now())
        .learner(&learner);
    // Recorded first: no record, no ID number.
    state.store.record_audit(&audit).await?;
    tracing::info!(staff = %staff.name, %learner, "ID number shown to staff");
    Ok(Json(IdNumberView {
        id_number: stored.registration.id_number.expose().to_owned(),
    }))
}
