//! 学时证明: the learner's printable record of a cycle's hours, and its
//! public verification.
//!
//! Stateless: printing stores nothing. The QR link carries the record's
//! public fields and the certificate key's detached signature over them
//! ([`RecordSeal::signed_text`]); verifying checks that signature against
//! the current key and the retired ones, as the JWKS publishes them. A
//! record states what was learned up to its issue day, so there is nothing
//! to revoke and nothing for the verifier to look up.

use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::{Extension, Json};
use serde::Serialize;
use ticedu_api::auth::AuthLearner;
use ticedu_api::caller_limit::{PerCaller, Verifications};
use ticedu_api::{ApiError, ApiResult, AppState, ErrorBody};
use ticedu_certificate_pdf::RenderError;
use ticedu_domain::cycle::{Cycle, CycleNumber, LearnerCycle};
use ticedu_domain::learning_record::{
    LearningRecord, RecordFacts, RecordLink, RecordSeal, Unverifiable,
};
use ticedu_store::CertificateStore;
use ticedu_store::records::Learner;
use utoipa::{IntoParams, ToSchema};

use crate::CertificatesStore;
use crate::printing::Printer;

pub const RECORD: &str = "/api/certificates/learning-record";
pub const RECORD_VERIFY: &str = "/api/certificates/learning-record/verify";

/// The query, as documented. Handlers read the query as pairs instead
/// ([`Params`]): a repeated parameter then reads as its first, not as
/// axum's plain-text 400.
#[allow(dead_code)]
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct CycleChoice {
    /// Which of the learner's cycles (1 is the first); the current one if left out.
    cycle: Option<String>,
}

/// The learner's learning record of a cycle (学时证明) as a PDF to print: every hour marked learned with the time it was marked (China time), the hours counted against the requirement, and a QR code linking to its verification.
#[utoipa::path(get, path = RECORD, tag = "certificates", security(("bearer" = [])),
    params(CycleChoice),
    responses(
        (status = 200, description = "The PDF", content_type = "application/pdf", body = Vec<u8>),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 404, description = "No such cycle of this learner (`record.unknown_cycle`)", body = ErrorBody),
        (status = 409, description = "No hour learned in the cycle yet (`record.empty`)", body = ErrorBody),
        (status = 422, description = "A name or course title the font cannot print, or a malformed cycle", body = ErrorBody),
        (status = 503, description = "Printing unavailable", body = ErrorBody),
    ))]
pub(crate) async fn record<S: CertificatesStore>(
    State(state): State<AppState<S>>,
    Extension(printer): Extension<Arc<Printer>>,
    auth: AuthLearner,
    Query(query): Query<Params>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let learner = auth.record();
    let number = match param(&query, "cycle") {
        None | Some("") => learner.cycle,
        Some(text) => parse_cycle(text)?,
    };
    let (cycle, start, end) = cycle_of(&state.store, learner, number).await?;
    let marks = state.store.marks(learner.id()).await?;
    let catalogue = &state.platform.catalogue;
    let record = LearningRecord::compile(
        RecordFacts {
            learner: learner.id().as_str(),
            // Named as the learner is now (after any correction), as a paper printed today would be.
            name: &learner.registration.name,
            category: learner.category(),
            cycle: &cycle,
            cycle_start: start,
            cycle_end: end,
            marks: &marks,
            issued_on: state.platform.clock.today(),
        },
        |hour| {
            catalogue
                .course(hour.course())
                .map(|course| course.title.zh.clone())
        },
    )
    .map_err(|e| ApiError::refused(&e))?;
    let seal = record.seal();
    let signature = state
        .platform
        .certificate_signer()?
        .sign_detached(seal.signed_text().as_bytes());
    let link = format!(
        "{}/verify/?{}",
        printer.site_url(&headers)?,
        seal.link_query(&signature)
    );
    let no = record.no.clone();
    let hours = record.hours.len();
    // Drawing and subsetting take milliseconds of CPU: off the async workers.
    let pdf = tokio::task::spawn_blocking(move || {
        let font = printer.font()?;
        ticedu_certificate_pdf::render_record(font, &record, &link).map_err(render_error)
    })
    .await
    .map_err(|_| ApiError::unavailable())??;
    tracing::info!(learner = %auth.id, record = %no, cycle = %number, hours, bytes = pdf.len(), "learning record printed");
    crate::pdf::pdf_attachment(&format!("learning-record-{no}.pdf"), pdf)
}

/// A query's parameters in order, percent-decoded.
type Params = Vec<(String, String)>;

fn param<'a>(query: &'a Params, name: &str) -> Option<&'a str> {
    query
        .iter()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.as_str())
}

fn parse_cycle(text: &str) -> Result<CycleNumber, ApiError> {
    // Canonical numbers only, as a path parameter would be.
    text.parse::<u32>()
        .ok()
        .filter(|_| !text.starts_with(['0', '+']))
        .and_then(CycleNumber::new)
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "record.cycle",
                "学习周期应为从 1 开始的数字。",
                "The cycle is a number from 1.",
            )
        })
}

fn unknown_cycle() -> ApiError {
    ApiError::not_found(
        "record.unknown_cycle",
        "没有这个学习周期。",
        "You have no such cycle.",
    )
}

/// The cycle `number` of `learner` and its dates as the learner knows them:
/// the current one's from the learner's record, a past one's from the
/// certificate that closed it (its dates are what the learner was shown).
async fn cycle_of<S: CertificateStore>(
    store: &S,
    learner: &Learner,
    number: CycleNumber,
) -> Result<(LearnerCycle, jiff::civil::Date, jiff::civil::Date), ApiError> {
    if number == learner.cycle {
        let current = learner.current_cycle();
        return Ok((current, current.cycle.start(), current.cycle.end()));
    }
    if number > learner.cycle {
        return Err(unknown_cycle());
    }
    let closing = store
        .certificates_of(learner.id())
        .await?
        .into_iter()
        .find(|c| c.cycle == number)
        .ok_or_else(unknown_cycle)?;
    let cycle = LearnerCycle {
        number,
        cycle: Cycle::ending_on(closing.cycle_end),
        renews: None,
    };
    Ok((cycle, closing.cycle_start, closing.cycle_end))
}

/// A name or title outside the font is the association's to print by hand;
/// a link too long for a QR code is our fault, not the learner's.
fn render_error(error: RenderError) -> ApiError {
    match error {
        RenderError::NotPrintable(field) => {
            tracing::warn!(%field, "learning record field outside the font");
            ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "record.unprintable_character",
                "学时证明中有字体无法显示的字，请联系协会出具。",
                "The record has a character the font cannot show; please ask the association to issue it.",
            )
        }
        RenderError::LinkTooLong => {
            tracing::error!("learning record link too long for a QR code");
            ApiError::unavailable()
        }
        RenderError::Subset(error) => {
            tracing::error!(%error, "learning record font subset");
            ApiError::unavailable()
        }
    }
}

/// The fields of a record's link, as the verification page passes them on.
#[allow(dead_code)]
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct RecordLinkQuery {
    /// The record number (`XS20261202-…`).
    r: Option<String>,
    /// The name, masked (钟*).
    n: Option<String>,
    /// The cycle, `start~end`.
    c: Option<String>,
    /// Hours counted against the requirement.
    h: Option<String>,
    /// Hours the cycle requires.
    q: Option<String>,
    /// The issue day.
    d: Option<String>,
    /// The association's Ed25519 signature over the fields (base64url, 86 characters).
    s: Option<String>,
}

/// What a verified record states: all of it from the link, now known to be the association's.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct RecordVerification {
    /// Always `verified`: a record that is not answers 422 `record.unverifiable`.
    status: String,
    no: String,
    /// e.g. 钟*
    name: String,
    cycle_start: String,
    cycle_end: String,
    counted_hours: u32,
    required_hours: u32,
    issued_on: String,
}

/// Public verification of a learning record's link (学时证明核验): the association's signature over the fields the link states, checked against the current and the retired certificate keys.
#[utoipa::path(get, path = RECORD_VERIFY, tag = "certificates", params(RecordLinkQuery),
    responses(
        (status = 200, description = "Signed by the association", body = RecordVerification),
        (status = 422, description = "Malformed, altered or forged (`record.unverifiable`)", body = ErrorBody),
    ))]
pub(crate) async fn verify_record<S: CertificatesStore>(
    State(state): State<AppState<S>>,
    _caller: PerCaller<Verifications>,
    Query(query): Query<Params>,
) -> ApiResult<Json<RecordVerification>> {
    let seal = RecordSeal::parse(RecordLink {
        no: param(&query, "r"),
        name: param(&query, "n"),
        cycle: param(&query, "c"),
        hours: param(&query, "h"),
        required: param(&query, "q"),
        issued_on: param(&query, "d"),
    })
    .map_err(|e| ApiError::refused(&e))?;
    let signer = state.platform.certificate_signer()?;
    let signed = param(&query, "s")
        .is_some_and(|signature| signer.verify_detached(seal.signed_text().as_bytes(), signature));
    if !signed {
        return Err(ApiError::refused(&Unverifiable));
    }
    Ok(Json(RecordVerification {
        status: "verified".to_owned(),
        no: seal.no.to_string(),
        name: seal.name,
        cycle_start: seal.cycle_start.to_string(),
        cycle_end: seal.cycle_end.to_string(),
        counted_hours: seal.counted_hours,
        required_hours: seal.required_hours,
        issued_on: seal.issued_on.to_string(),
    }))
}
