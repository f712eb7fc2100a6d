//! Returning-discount claims (学习优惠, R12) waiting for staff: the earlier
//! renewal's certificate the learner names, checked by staff against the
//! association's records; approving grants the discount in the same write.

use axum::Json;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use serde::Serialize;
use ticedu_api::auth::AuthStaff;
use ticedu_api::{ApiJson, ApiResult, AppState, ErrorBody, PathParam};
use ticedu_domain::cycle::CycleNumber;
use ticedu_domain::staff::StaffAction;
use ticedu_store::ids::LearnerId;
use ticedu_store::records::{AuditAction, FilingKind};
use utoipa::ToSchema;

use crate::AdminStore;
use crate::audit::filing_decided;
use crate::paging::{PageInfo, QueueQuery};
use crate::requests::FilingVerdict;

pub const RETURNING_CLAIMS: &str = "/api/staff/returning-claims";
pub const RETURNING_CLAIM_DECISION: &str = "/api/staff/returning-claims/{learner}/decision";

#[derive(Serialize, ToSchema)]
pub(crate) struct PendingClaim {
    learner_id: String,
    name: String,
    username: String,
    certificate_no: String,
    #[schema(value_type = String, format = Date)]
    expires_on: jiff::civil::Date,
    note: String,
    filed_at: String,
}

#[derive(Serialize, ToSchema)]
pub(crate) struct PendingClaims {
    claims: Vec<PendingClaim>,
    #[serde(flatten)]
    page: PageInfo,
}

/// Returning-discount claims (R12) waiting for staff, oldest first.
#[utoipa::path(get, path = RETURNING_CLAIMS, tag = "staff", params(QueueQuery), security(("bearer" = [])),
    responses((status = 200, description = "Waiting", body = PendingClaims), (status = 403, description = "Not staff", body = ErrorBody)))]
pub(crate) async fn pending_claims<S: AdminStore>(
    State(state): State<AppState<S>>,
    staff: AuthStaff,
    Query(query): Query<QueueQuery>,
) -> ApiResult<Json<PendingClaims>> {
    staff.may(StaffAction::Operate)?;
    let page = query.parse()?;
    let waiting = state.store.pending_returning_claims().await?;
    let (found, page) = page.learners(&state.store, waiting).await?;
    let mut claims = Vec::new();
    for (learner, claim) in found {
        claims.push(PendingClaim {
            learner_id: learner.id().to_string(),
            name: learner.registration.name.to_string(),
            username: learner.registration.username.to_string(),
            certificate_no: claim.certificate_no.to_string(),
            expires_on: claim.expires_on,
            note: claim.note,
            filed_at: claim.filed_at.to_string(),
        });
    }
    Ok(Json(PendingClaims { claims, page }))
}

/// Approve (granting the discount) or reject (with a reason the learner reads) a returning-discount claim (R12).
#[utoipa::path(post, path = RETURNING_CLAIM_DECISION, tag = "staff", request_body = FilingVerdict, security(("bearer" = [])),
    params(("learner" = String, Path, description = "Learner id")),
    responses(
        (status = 204, description = "Recorded (the same verdict again changes nothing)"),
        (status = 403, description = "Not staff", body = ErrorBody),
        (status = 409, description = "No claim waits: none filed, or decided the other way", body = ErrorBody),
        (status = 422, description = "A rejection without a reason", body = ErrorBody),
    ))]
pub(crate) async fn decide_claim<S: AdminStore>(
    State(state): State<AppState<S>>,
    staff: AuthStaff,
    PathParam(learner): PathParam<LearnerId>,
    ApiJson(verdict): ApiJson<FilingVerdict>,
) -> ApiResult<StatusCode> {
    staff.may(StaffAction::Operate)?;
    let (approve, decision) = verdict.decision(staff.name.as_str(), state.platform.clock.now())?;
    // An approved claim grants the discount in the same write.
    let mut audit = filing_decided(
        &staff,
        AuditAction::ReturningClaimDecided,
        &learner,
        approve,
        &decision,
    );
    if approve {
        audit = audit.change("returning", None, Some("true".into()));
    }
    // The same verdict again (a double click, a retry) is the one already given.
    state
        .store
        .decide_filing(
            &learner,
            FilingKind::ReturningClaim,
            CycleNumber::FIRST,
            approve,
            &decision,
            &audit,
        )
        .await?;
    tracing::info!(staff = %staff.name, %learner, approve, "returning claim decided");
    Ok(StatusCode::NO_CONTENT)
}
