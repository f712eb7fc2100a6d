//! The certificates function: a learner's certificate once the cycle's
//! requirement is met (and, for holders, from the batch's availability day,
//! R17), with the kind-specific data of R18; and public verification by
//! number (+ name) that shows only what an employer needs (R21).

pub mod printing;

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Json, Router};
use printing::Printer;
use serde::{Deserialize, Serialize};
use ticedu_api::auth::AuthLearner;
use ticedu_api::certificate_signing::CertificateSigner;
use ticedu_api::views::progress_of;
use ticedu_api::{ApiError, ApiResult, AppState, ErrorBody};
use ticedu_certificate_pdf::RenderError;
use ticedu_domain::certificate::{
    CertificateData, PublicStatus, certificate_number, may_issue, public_status, valid_until,
};
use ticedu_domain::identity::PersonName;
use ticedu_domain::learner::LearnerCategory;
use ticedu_store::ids::CertificateNo;
use ticedu_store::records::{Certificate, CertificateStatus};
use ticedu_store::records::{CertificateApplication, FilingStatus, RenewalRegistration};
use ticedu_store::{CertificateStore, FilingStore, LearnerStore, ProgressStore, Refusal};
use utoipa::{IntoParams, OpenApi, ToSchema};

/// What the certificates function needs of a store.
pub trait CertificatesStore:
    LearnerStore + ProgressStore + CertificateStore + FilingStore + Clone + 'static
{
}
impl<T> CertificatesStore for T where
    T: LearnerStore + ProgressStore + CertificateStore + FilingStore + Clone + 'static
{
}

pub const ISSUE: &str = "/api/certificates/issue";
pub const MINE: &str = "/api/certificates/mine";
pub const VERIFY: &str = "/api/certificates/verify/{no}";
pub const FILING: &str = "/api/certificates/filing";
pub const PDF: &str = "/api/certificates/{no}/pdf";
pub const OVERDUE: &str = "/api/certificates/overdue-renewal";

pub fn router<S: CertificatesStore>(state: AppState<S>, printer: Arc<Printer>) -> Router {
    Router::new()
        .route(FILING, post(file::<S>))
        .route(OVERDUE, post(file_overdue::<S>))
        .route(ISSUE, post(issue::<S>))
        .route(MINE, get(mine::<S>))
        .route(PDF, get(pdf::<S>))
        .route(VERIFY, get(verify::<S>))
        .layer(Extension(printer))
        .with_state(state)
}

#[derive(OpenApi)]
#[openapi(paths(file, file_overdue, issue, mine, pdf, verify), components(schemas(FilingRequest, OverdueRenewalRequest, MyCertificate, MyCertificates, Verification, ErrorBody)), tags((name = "certificates", description = "证书 Certificates (R17, R18, R21)")))]
pub struct CertificatesApi;

/// The data a certificate states, as stored.
fn data_of(certificate: &Certificate) -> CertificateData {
    CertificateData {
        no: certificate.no.to_string(),
        name: certificate.name.clone(),
        kind: certificate.kind.clone(),
        cycle_start: certificate.cycle_start,
        cycle_end: certificate.cycle_end,
        hours: certificate.hours,
        issued_on: certificate.issued_on,
        valid_until: certificate.valid_until,
    }
}

/// A certificate as its owner sees it.
#[derive(Debug, Serialize, ToSchema)]
pub struct MyCertificate {
    pub no: String,
    pub name: String,
    #[schema(value_type = Object)]
    pub kind: ticedu_domain::learner::LearnerKind,
    pub hours: u32,
    pub cycle_start: String,
    pub cycle_end: String,
    pub issued_on: String,
    pub valid_until: String,
    /// `valid`, `expired`, `revoked` or `tampered`.
    pub status: String,
    /// The public verification page of this certificate, with its signed token (what the QR code holds).
    pub verify_path: String,
    /// EdDSA JWT over the public fields; verifiable offline with `/.well-known/jwks.json`.
    pub token: String,
}

/// What the signed token states: the public fields only. It travels in the
/// QR code, so it carries nothing more: every byte makes the code denser.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedCertificate {
    pub iss: String,
    /// The certificate number.
    pub sub: String,
    /// Masked, as on the public page.
    pub name: String,
    pub category: String,
    pub hours: u32,
    pub cycle_start: String,
    pub cycle_end: String,
    pub issued_on: String,
    pub valid_until: String,
}

fn signed(certificate: &Certificate, signer: &CertificateSigner) -> String {
    let category = match certificate.kind.category() {
        LearnerCategory::Holder => "holder",
        LearnerCategory::New => "new",
        LearnerCategory::Titled => "titled",
    };
    signer.sign(&SignedCertificate {
        iss: "ticedu".to_owned(),
        sub: certificate.no.to_string(),
        name: certificate.name.masked(),
        category: category.to_owned(),
        hours: certificate.hours,
        cycle_start: certificate.cycle_start.to_string(),
        cycle_end: certificate.cycle_end.to_string(),
        issued_on: certificate.issued_on.to_string(),
        valid_until: certificate.valid_until.to_string(),
    })
}

/// The verification page of a certificate, with its signed token: what the QR code links to.
fn verify_path(no: &CertificateNo, token: &str) -> String {
    format!("/verify/?no={no}&t={token}")
}

fn status_of(certificate: &Certificate, today: jiff::civil::Date) -> PublicStatus {
    public_status(
        &data_of(certificate),
        &certificate.data_hash,
        matches!(certificate.status, CertificateStatus::Revoked { .. }),
        today,
    )
}

fn status_text(status: PublicStatus) -> String {
    match status {
        PublicStatus::Valid => "valid",
        PublicStatus::Expired => "expired",
        PublicStatus::Revoked => "revoked",
        PublicStatus::Tampered => "tampered",
    }
    .to_owned()
}

fn mine_view(
    certificate: Certificate,
    today: jiff::civil::Date,
    signer: &CertificateSigner,
) -> MyCertificate {
    let token = signed(&certificate, signer);
    let status = status_of(&certificate, today);
    MyCertificate {
        verify_path: verify_path(&certificate.no, &token),
        token,
        no: certificate.no.to_string(),
        name: certificate.name.to_string(),
        kind: certificate.kind,
        hours: certificate.hours,
        cycle_start: certificate.cycle_start.to_string(),
        cycle_end: certificate.cycle_end.to_string(),
        issued_on: certificate.issued_on.to_string(),
        valid_until: certificate.valid_until.to_string(),
        status: status_text(status),
    }
}

/// Issue the learner's certificate for the current cycle (R17, R18); asking again returns the same certificate.
#[utoipa::path(post, path = "/api/certificates/issue", tag = "certificates", security(("bearer" = [])),
    responses(
        (status = 201, description = "Issued", body = MyCertificate),
        (status = 200, description = "Issued before", body = MyCertificate),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 422, description = "Not yet: hours missing, before the batch's download day, title not confirmed…", body = ErrorBody),
    ))]
pub async fn issue<S: CertificatesStore>(
    State(state): State<AppState<S>>,
    auth: AuthLearner,
) -> ApiResult<(StatusCode, Json<MyCertificate>)> {
    let platform = &state.platform;
    let today = platform.clock.today();
    let learner = auth.learner(&state.store).await?;
    let progress = progress_of(&learner, &state.store.marks(&auth.id).await?);
    if let Some(existing) = state
        .store
        .certificates_of(&auth.id)
        .await?
        .into_iter()
        .find(|c| c.cycle_start == progress.cycle.start())
    {
        return Ok((
            StatusCode::OK,
            Json(mine_view(existing, today, &platform.certificate_signer)),
        ));
    }
    // R20: an overdue holder's renewal is with staff; the cycle's rules no longer apply.
    let renewal = match learner.category() {
        LearnerCategory::Holder => state.store.renewal(&auth.id).await?,
        LearnerCategory::New | LearnerCategory::Titled => None,
    };
    if renewal.as_ref().is_some_and(|renewal| renewal.overdue) {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "certificate.overdue_with_staff",
            "您已提交超期换证申请，由协会办理，办结后证书会出现在“我的证书”中。",
            "Your overdue renewal is with the association; the certificate appears under My certificates once done.",
        ));
    }
    let kind = &learner.registration.kind;
    may_issue(
        kind,
        &progress,
        learner.title_check,
        today,
        &platform.settings,
        &platform.calendar,
    )
    .map_err(|e| ApiError::invalid(&e))?;
    // R16, R19: holders file the renewal registration, new learners the application, first.
    let filed = match learner.category() {
        LearnerCategory::Holder => renewal.is_some(),
        LearnerCategory::New => state.store.application(&auth.id).await?.is_some(),
        LearnerCategory::Titled => true,
    };
    if !filed {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "certificate.not_filed",
            "请先提交续证学习登记（持证人员）或新学员证书申请。",
            "File the renewal registration (holders) or the certificate application (new learners) first.",
        ));
    }
    let random: [u8; 12] = ticedu_api::ids::random_bytes(12)?
        .try_into()
        .map_err(|_| ApiError::unavailable())?;
    let data = CertificateData {
        no: certificate_number(today.year(), learner.category(), &random),
        name: learner.registration.name.clone(),
        kind: kind.clone(),
        cycle_start: progress.cycle.start(),
        cycle_end: progress.cycle.end(),
        hours: progress.counted_towards_requirement(),
        issued_on: today,
        valid_until: valid_until(kind, today),
    };
    let certificate = Certificate {
        no: CertificateNo::parse(&data.no).map_err(|_| ApiError::unavailable())?,
        learner: auth.id.clone(),
        name: data.name.clone(),
        kind: data.kind.clone(),
        cycle_start: data.cycle_start,
        cycle_end: data.cycle_end,
        hours: data.hours,
        issued_on: data.issued_on,
        valid_until: data.valid_until,
        data_hash: data.hash(),
        status: CertificateStatus::Valid,
    };
    state.store.issue_certificate(&certificate).await?;
    tracing::info!(learner = %auth.id, certificate = %certificate.no, "certificate issued");
    Ok((
        StatusCode::CREATED,
        Json(mine_view(certificate, today, &platform.certificate_signer)),
    ))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MyCertificates {
    pub certificates: Vec<MyCertificate>,
}

/// The learner's certificates.
#[utoipa::path(get, path = "/api/certificates/mine", tag = "certificates", security(("bearer" = [])),
    responses((status = 200, description = "Mine", body = MyCertificates), (status = 401, description = "Not logged in", body = ErrorBody)))]
pub async fn mine<S: CertificatesStore>(
    State(state): State<AppState<S>>,
    auth: AuthLearner,
) -> ApiResult<Json<MyCertificates>> {
    let today = state.platform.clock.today();
    let certificates = state
        .store
        .certificates_of(&auth.id)
        .await?
        .into_iter()
        .map(|c| mine_view(c, today, &state.platform.certificate_signer))
        .collect();
    Ok(Json(MyCertificates { certificates }))
}

/// The certificate as a PDF to print (A4 landscape), its QR code linking to the verification page.
#[utoipa::path(get, path = "/api/certificates/{no}/pdf", tag = "certificates", security(("bearer" = [])),
    params(("no" = String, Path, description = "Certificate number")),
    responses(
        (status = 200, description = "The PDF", content_type = "application/pdf", body = Vec<u8>),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 404, description = "No such certificate of this learner", body = ErrorBody),
        (status = 409, description = "Revoked or altered: not printable", body = ErrorBody),
        (status = 503, description = "Printing unavailable", body = ErrorBody),
    ))]
pub async fn pdf<S: CertificatesStore>(
    State(state): State<AppState<S>>,
    Extension(printer): Extension<Arc<Printer>>,
    auth: AuthLearner,
    Path(no): Path<String>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let not_found = || ApiError::from(Refusal::UnknownCertificate);
    let no = CertificateNo::parse(no.trim()).map_err(|_| not_found())?;
    // Someone else's certificate answers like an unknown one.
    let certificate = state
        .store
        .certificate(&no)
        .await?
        .filter(|c| c.learner == auth.id)
        .ok_or_else(not_found)?;
    if matches!(
        status_of(&certificate, state.platform.clock.today()),
        PublicStatus::Revoked | PublicStatus::Tampered
    ) {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "certificate.not_printable",
            "该证书已撤销或数据异常，不能打印；请联系协会。",
            "This certificate was revoked or altered and cannot be printed; please contact the association.",
        ));
    }
    let link = format!(
        "{}{}",
        printer.site_url(&headers)?,
        verify_path(
            &no,
            &signed(&certificate, &state.platform.certificate_signer)
        )
    );
    let data = data_of(&certificate);
    // Drawing and subsetting take milliseconds of CPU: off the async workers.
    let pdf = tokio::task::spawn_blocking(move || {
        let font = printer.font()?;
        ticedu_certificate_pdf::render(font, &data, &link).map_err(|error| match error {
            RenderError::NotPrintable(field) => {
                tracing::warn!(%field, "certificate field outside the font");
                ApiError::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "certificate.unprintable_character",
                    "证书中有字体无法显示的字，请联系协会打印。",
                    "The certificate has a character the font cannot show; please ask the association to print it.",
                )
            }
            RenderError::LinkTooLong => {
                tracing::error!("verification link too long for a QR code");
                ApiError::unavailable()
            }
        })
    })
    .await
    .map_err(|_| ApiError::unavailable())??;
    tracing::info!(learner = %auth.id, certificate = %no, bytes = pdf.len(), "certificate printed");
    let disposition = format!("attachment; filename=\"certificate-{no}.pdf\"");
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/pdf"),
            ),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&disposition).map_err(|_| ApiError::unavailable())?,
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("private, no-store"),
            ),
        ],
        pdf,
    )
        .into_response())
}

#[derive(Deserialize, IntoParams)]
pub struct NameFilter {
    /// The holder's name, for the query form (证书查询): the certificate is shown only if it matches.
    pub name: Option<String>,
}

/// What anyone may see of a certificate: the name masked, no ID fragment, no username.
#[derive(Debug, Serialize, ToSchema)]
pub struct Verification {
    pub no: String,
    /// e.g. 钟*
    pub name: String,
    /// 持证人员 / 新入行及其他学员 / 职称人员
    pub kind: String,
    pub kind_en: String,
    pub hours: u32,
    pub cycle_start: String,
    pub cycle_end: String,
    pub issued_on: String,
    pub valid_until: String,
    /// `valid`, `expired`, `revoked` or `tampered`.
    pub status: String,
    /// Why staff revoked it (shown on the verification page), when revoked.
    pub revocation_reason: Option<String>,
    pub revoked_on: Option<String>,
}

/// Public verification (R21): by number, optionally with the name (the query form).
#[utoipa::path(get, path = "/api/certificates/verify/{no}", tag = "certificates", params(("no" = String, Path, description = "Certificate number"), NameFilter),
    responses((status = 200, description = "The certificate's public data and status", body = Verification), (status = 404, description = "No such certificate (or not under this name)", body = ErrorBody)))]
pub async fn verify<S: CertificatesStore>(
    State(state): State<AppState<S>>,
    Path(no): Path<String>,
    Query(filter): Query<NameFilter>,
) -> ApiResult<Json<Verification>> {
    let not_found = || ApiError::from(Refusal::UnknownCertificate);
    let no = CertificateNo::parse(no.trim()).map_err(|_| not_found())?;
    let certificate = state.store.certificate(&no).await?.ok_or_else(not_found)?;
    // A wrong name answers exactly like an unknown number: the form cannot test names.
    if let Some(name) = filter.name.as_deref() {
        if PersonName::parse(name).ok().as_ref() != Some(&certificate.name) {
            return Err(not_found());
        }
    }
    let status = status_of(&certificate, state.platform.clock.today());
    let category: LearnerCategory = certificate.kind.category();
    let revocation = match &certificate.status {
        CertificateStatus::Revoked { reason, at } => Some((reason, at)),
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
        revocation_reason: revocation.map(|(reason, _)| reason.clone()),
        revoked_on: revocation
            .map(|(_, at)| jiff::tz::offset(8).to_datetime(*at).date().to_string()),
    }))
}

/// 续证学习登记 (R16, holders) or 新学员证书申请 (R19, new learners): the
/// data on record is confirmed; a note may add what staff should know.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FilingRequest {
    pub note: Option<String>,
}

/// File the renewal registration (holders, R16) or the certificate application (new learners, R19); it can be corrected until staff accept it.
#[utoipa::path(post, path = "/api/certificates/filing", tag = "certificates", request_body = FilingRequest, security(("bearer" = [])),
    responses(
        (status = 204, description = "Filed"),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 409, description = "Accepted by staff already", body = ErrorBody),
        (status = 422, description = "Titled learners file nothing: staff check their title", body = ErrorBody),
    ))]
pub async fn file<S: CertificatesStore>(
    State(state): State<AppState<S>>,
    auth: AuthLearner,
    ticedu_api::ApiJson(request): ticedu_api::ApiJson<FilingRequest>,
) -> ApiResult<StatusCode> {
    let learner = auth.learner(&state.store).await?;
    let note = match request
        .note
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
    {
        Some(note) => ticedu_domain::learner::ShortText::parse(note)
            .map_err(|e| ApiError::invalid(&e))?
            .to_string(),
        None => String::new(),
    };
    let now = state.platform.clock.now();
    match &learner.registration.kind {
        ticedu_domain::learner::LearnerKind::Holder(details) => {
            state
                .store
                .file_renewal(
                    &auth.id,
                    &RenewalRegistration {
                        details: details.clone(),
                        filed_at: now,
                        status: FilingStatus::Filed,
                        overdue: false,
                    },
                )
                .await?;
        }
        ticedu_domain::learner::LearnerKind::New(details) => {
            state
                .store
                .file_application(
                    &auth.id,
                    &CertificateApplication {
                        learning_started_on: details.learning_started_on,
                        note,
                        filed_at: now,
                        status: FilingStatus::Filed,
                    },
                )
                .await?;
        }
        ticedu_domain::learner::LearnerKind::Titled(_) => {
            return Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "certificate.nothing_to_file",
                "职称人员无需提交，由协会审核职称信息。",
                "Titled learners file nothing; the association checks the title.",
            ));
        }
    }
    tracing::info!(learner = %auth.id, "certificate filing");
    Ok(StatusCode::NO_CONTENT)
}

/// 超期换证 (R20): what an overdue holder submits besides what the account
/// already holds (name, ID number, username).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OverdueRenewalRequest {
    /// 原证书编号
    pub original_certificate_no: String,
    /// 证书到期日, `YYYY-MM-DD`; must be in the past.
    #[schema(value_type = String, format = Date)]
    pub expires_on: jiff::civil::Date,
}

/// File an overdue renewal (R20): a holder whose certificate expired before they finished; staff handle it.
#[utoipa::path(post, path = "/api/certificates/overdue-renewal", tag = "certificates", request_body = OverdueRenewalRequest, security(("bearer" = [])),
    responses(
        (status = 204, description = "Filed; staff will handle it"),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 409, description = "Accepted by staff already", body = ErrorBody),
        (status = 422, description = "Not a holder, a bad certificate number, or the certificate has not expired", body = ErrorBody),
    ))]
pub async fn file_overdue<S: CertificatesStore>(
    State(state): State<AppState<S>>,
    auth: AuthLearner,
    ticedu_api::ApiJson(request): ticedu_api::ApiJson<OverdueRenewalRequest>,
) -> ApiResult<StatusCode> {
    let learner = auth.learner(&state.store).await?;
    let ticedu_domain::learner::LearnerKind::Holder(details) = &learner.registration.kind else {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "certificate.not_a_holder",
            "超期换证只适用于持证人员。",
            "Overdue renewal is for certificate holders only.",
        ));
    };
    let original_certificate_no =
        ticedu_domain::learner::DocumentNumber::parse(request.original_certificate_no.trim())
            .map_err(|e| ApiError::invalid(&e))?;
    let today = state.platform.clock.today();
    if request.expires_on >= today {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "certificate.not_overdue",
            "证书尚未到期，请提交普通的续证学习登记。",
            "The certificate has not expired: file the ordinary renewal registration.",
        ));
    }
    let registration = RenewalRegistration {
        details: ticedu_domain::learner::HolderDetails {
            certificate_kind: details.certificate_kind,
            original_certificate_no,
            expires_on: request.expires_on,
        },
        filed_at: state.platform.clock.now(),
        status: FilingStatus::Filed,
        overdue: true,
    };
    state.store.file_renewal(&auth.id, &registration).await?;
    tracing::info!(learner = %auth.id, "overdue renewal filed");
    Ok(StatusCode::NO_CONTENT)
}
