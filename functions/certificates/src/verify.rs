//! Public verification (证书查询, R21): anyone may look a certificate up by
//! number, optionally with the holder's name, and sees only what an employer
//! needs.
//!
//! The name check is an oracle however it answers (a wrong name is
//! refused), so each certificate allows [`NAME_CHECKS_PER_DAY`] of them a
//! day, whoever asks, right names and wrong: a script guessing a holder's
//! name gets that many guesses a day. The number alone (the QR link's
//! answer, with the name masked) is not limited this way.

use axum::Json;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use ticedu_api::caller_limit::{PerCaller, Verifications};
use ticedu_api::{ApiError, ApiResult, AppState, ErrorBody, PathParam};
use ticedu_domain::certificate::answers_query;
use ticedu_store::Refusal;
use ticedu_store::ids::CertificateNo;
use ticedu_store::records::{CertificateStatus, RateKey, ThrottleWindow};
use utoipa::{IntoParams, ToSchema};

use crate::CertificatesStore;
use crate::views::{category_code, status_of, status_text};

pub const VERIFY: &str = "/api/certificates/verify/{no}";

/// How many name checks one certificate answers per (UTC) day: enough for
/// every employer who types the holder's name, far too few to guess it.
pub const NAME_CHECKS_PER_DAY: u32 = 10;
const DAY_SECONDS: i64 = 24 * 60 * 60;

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
    /// `holder`, `new` or `titled`: as the link's signature states it.
    category: String,
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
    responses((status = 200, description = "The certificate's public data and status", body = Verification), (status = 404, description = "No such certificate (or not under this name)", body = ErrorBody), (status = 429, description = "The certificate's name checks for today are used up", body = ErrorBody)))]
pub(crate) async fn verify<S: CertificatesStore>(
    State(state): State<AppState<S>>,
    _caller: PerCaller<Verifications>,
    PathParam(no): PathParam<CertificateNo>,
    Query(filter): Query<NameFilter>,
) -> ApiResult<Json<Verification>> {
    let certificate = state
        .store
        .certificate(&no)
        .await?
        .ok_or(Refusal::UnknownCertificate)?;
    if filter.name.is_some() {
        let now = state.platform.clock.now();
        let window = ThrottleWindow::containing(now, DAY_SECONDS);
        let checks = state
            .store
            .count_use(&RateKey::name_checks(&certificate.no), window)
            .await?;
        if checks > NAME_CHECKS_PER_DAY {
            let mut error = ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "verify.name_checks_exhausted",
                "该证书今日的姓名核对次数已用完：请只输入证书编号查询（结果显示持证人姓名的首字），或扫描证书上的二维码。",
                "This certificate's name checks for today are used up: look it up by number alone (the answer shows the holder's first character), or scan the QR code on the certificate.",
            );
            error.retry_after = Some(
                u64::try_from(window.expires_at.as_second() - now.as_second())
                    .unwrap_or(1)
                    .max(1),
            );
            return Err(error);
        }
    }
    // A wrong name answers exactly like an unknown number.
    if !answers_query(&certificate.name, filter.name.as_deref()) {
        return Err(Refusal::UnknownCertificate.into());
    }
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
        category: category_code(category).to_owned(),
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
