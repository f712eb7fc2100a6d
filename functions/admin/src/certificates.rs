//! Revoking a certificate (R21): its public verification page then says
//! revoked. Reissuing one (补发: a lost or mistaken certificate, a name
//! corrected since): a new number stating what the learner's record says
//! now, for the same cycle, hours and validity; the old number is revoked in
//! the same transaction, so that one certificate stands.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Serialize;
use ticedu_api::auth::AuthStaff;
use ticedu_api::{ApiError, ApiJson, ApiResult, AppState, ErrorBody, PathParam};
use ticedu_domain::certificate::{CertificateData, certificate_number};
use ticedu_domain::staff::StaffAction;
use ticedu_store::Refusal;
use ticedu_store::ids::CertificateNo;
use ticedu_store::records::{AuditAction, Certificate};
use utoipa::ToSchema;

use crate::AdminStore;
use crate::requests::Revocation;

pub const REVOKE: &str = "/api/staff/certificates/{no}/revoke";
pub const REISSUE: &str = "/api/staff/certificates/{no}/reissue";

#[derive(Serialize, ToSchema)]
pub(crate) struct Reissued {
    /// The new certificate's number.
    no: String,
    /// The number it replaces, now revoked.
    replaces: String,
}

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

/// Reissue a valid certificate under a new number with the learner's
/// current name (operators); the old number is revoked with the reason.
#[utoipa::path(post, path = REISSUE, tag = "staff", request_body = Revocation, security(("bearer" = [])),
    params(("no" = String, Path, description = "Certificate number")),
    responses(
        (status = 201, description = "Reissued", body = Reissued),
        (status = 403, description = "Not an operator", body = ErrorBody),
        (status = 404, description = "No such certificate", body = ErrorBody),
        (status = 409, description = "Revoked already (or reissued)", body = ErrorBody),
        (status = 422, description = "No reason given", body = ErrorBody),
    ))]
pub(crate) async fn reissue<S: AdminStore>(
    State(state): State<AppState<S>>,
    staff: AuthStaff,
    PathParam(no): PathParam<CertificateNo>,
    ApiJson(request): ApiJson<Revocation>,
) -> ApiResult<(StatusCode, Json<Reissued>)> {
    staff.may(StaffAction::Operate)?;
    let reason = request.parse()?;
    let old = state
        .store
        .certificate(&no)
        .await?
        .ok_or(Refusal::UnknownCertificate)?;
    old.check_revocable()?;
    let learner = state
        .store
        .learner(&old.learner)
        .await?
        .ok_or(Refusal::UnknownLearner)?;
    let random: [u8; 12] = ticedu_api::ids::random_bytes(12)?
        .try_into()
        .map_err(|_| ApiError::unavailable())?;
    let today = state.platform.clock.today();
    let data = CertificateData {
        no: certificate_number(today.year(), old.kind.category(), &random),
        name: learner.registration.name.clone(),
        kind: old.kind.clone(),
        cycle_start: old.cycle_start,
        cycle_end: old.cycle_end,
        hours: old.hours,
        issued_on: today,
        valid_until: old.valid_until,
    };
    let new = Certificate::issue(old.learner.clone(), old.cycle, data)
        .map_err(|_| ApiError::unavailable())?;
    let now = state.platform.clock.now();
    let audit = staff
        .audit(AuditAction::CertificateReissued, now)
        .learner(&old.learner)
        .subject(no.to_string())
        .reason(reason.as_str())
        .change(
            "certificate",
            Some(no.to_string()),
            Some(new.no.to_string()),
        )
        .change(
            "name",
            Some(old.name.to_string()),
            Some(new.name.to_string()),
        );
    let revocation = format!(
        "补发为 {} / reissued as {}: {}",
        new.no,
        new.no,
        reason.as_str()
    );
    state
        .store
        .reissue_certificate(&no, &new, &revocation, now, &audit)
        .await?;
    tracing::info!(staff = %staff.name, certificate = %no, new = %new.no, "certificate reissued");
    Ok((
        StatusCode::CREATED,
        Json(Reissued {
            no: new.no.to_string(),
            replaces: no.to_string(),
        }),
    ))
}
