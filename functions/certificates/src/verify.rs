//! Public verification (证书查询, R21): anyone may look a certificate up by
//! number, optionally with the holder's name, and sees only what an employer
//! needs.

use axum::Json;
use axum::extract::{Query, State};
use serde::{Deserialize, Serialize};
use ticedu_api::{ApiResult, AppState, ErrorBody, PathParam};
use ticedu_domain::certificate::answers_query;
use ticedu_store::Refusal;
use ticedu_store::ids::CertificateNo;
use ticedu_store::records::CertificateStatus;
use utoipa::{IntoParams, ToSchema};

use crate::CertificatesStore;
use crate::views::{status_of, status_text};

pub const VERIFY: &str = "/api/certificates/verify/{no}";

#[derive(Deserialize, IntoParams)]
pub(crate) struct NameFilter {
    /// The holder's name, for the query form (证书查询): the certificate is shown only if it matches.
    name: Option<String>,
}

/// What anyone may see of a certificate: the name masked, no ID fragment, no username.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct Verification {
    no: String,
    /// e.g. 钟*
    name: String,
    /// 持证人员 / 新入行及其他学员 / 职称人员
    kind: String,
    kind_en: String,
    hours: u32,
    cycle_start: String,
    cycle_end: String,
    issued_on: String,
    valid_until: String,
    /// `valid`, `expired`, `revoked` or `tampered`.
    status: String,
    /// When staff revoked it. Why is between staff and the holder: an
    /// employer learns that it is void, not the holder's affairs.
    revoked_on: Option<String>,
}

/// Public verification (R21): by number, optionally with the name (the query form).
#[utoipa::path(get, path = VERIFY, tag = "certificates", params(("no" = String, Path, description = "Certificate number"), NameFilter),
    responses((status = 200, description = "The certificate's public data and status", body = Verification), (status = 404, description = "No such certificate (or not under this name)", body = ErrorBody)))]
pub(crate) async fn verify<S: CertificatesStore>(
    State(state): State<AppState<S>>,
    PathParam(no): PathParam<CertificateNo>,
    Query(filter): Query<NameFilter>,
) -> ApiResult<Json<Verification>> {
    // A wrong name answers exactly like an unknown number: the form cannot test names.
    let certificate = state
        .store
        .certificate(&no)
        .await?
        .filter(|c| answers_query(&c.name, filter.name.as_deref()))
        .ok_or(Refusal::UnknownCertificate)?;
    let status = status_of(&certificate, state.platform.clock.today());
    let category = certificate.kind.category();
    let revoked_at = match &certificate.status {
        CertificateStatus::Revoked { at, .. } => Some(*at),
        CertificateStatus::Valid => None,
    };
    Ok(Json(Verification {
        no: certificate.no.to_string(),
        name: certificate.name.masked(),
        kind: category.label_zh().to_owned(),
        kind_en: category.label_en().to_owned(),
        hours: certificate.hours,
        cycle_start: certificate.cycle_start.to_string(),
        cycle_end: certificate.cycle_end.to_string(),
        issued_on: certificate.issued_on.to_string(),
        valid_until: certificate.valid_until.to_string(),
        status: status_text(status),
        // Staff and learners read dates in China's time.
        revoked_on: revoked_at.map(|at| jiff::tz::offset(8).to_datetime(at).date().to_string()),
    }))
}
