//! Revoking a certificate (R21): its public verification page then says revoked.

use axum::extract::State;
use axum::http::StatusCode;
use ticedu_api::auth::AuthStaff;
use ticedu_api::{ApiJson, ApiResult, AppState, ErrorBody, PathParam};
use ticedu_domain::staff::StaffAction;
use ticedu_store::Refusal;
use ticedu_store::ids::CertificateNo;
use ticedu_store::records::AuditAction;

use crate::AdminStore;
use crate::requests::Revocation;

pub const REVOKE: &str = "/api/staff/certificates/{no}/revoke";

/// Revoke a certificate: its verification page then says revoked.
#[utoipa::path(post, path = REVOKE, tag = "staff", request_body = Revocation, security(("bearer" = [])),
    params(("no" = String, Path, description = "Certificate number")),
    responses((status = 204, description = "Revoked"), (status = 403, description = "Not staff", body = ErrorBody), (status = 404, description = "No such certificate", body = ErrorBody), (status = 409, description = "Revoked already", body = ErrorBody), (status = 422, description = "No reason given", body = ErrorBody)))]
pub(crate) async fn revoke<S: AdminStore>(
    State(state): State<AppState<S>>,
    staff: AuthStaff,
    PathParam(no): PathParam<CertificateNo>,
    ApiJson(request): ApiJson<Revocation>,
) -> ApiResult<StatusCode> {
    staff.may(StaffAction::Operate)?;
    let reason = request.parse()?;
    let certificate = state
        .store
        .certificate(&no)
        .await?
        .ok_or(Refusal::UnknownCertificate)?;
    let now = state.platform.clock.now();
    let audit = staff
        .audit(AuditAction::CertificateRevoked, now)
        .learner(&certificate.learner)
        .subject(no.to_string())
        .reason(reason.as_str())
        .change("status", Some("valid".into()), Some("revoked".into()));
    state
        .store
        .revoke_certificate(&no, reason.as_str(), now, &audit)
        .await?;
    tracing::info!(staff = %staff.name, certificate = %no, "certificate revoked");
    Ok(StatusCode::NO_CONTENT)
}
