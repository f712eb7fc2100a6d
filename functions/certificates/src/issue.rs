//! Issuing this cycle's certificate (R17, R18): the handler gathers the
//! facts ([`Standing`]), the domain decides, the certificate closes the cycle
//! and opens the next, and asking again the same day answers it.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use jiff::civil::Date;
use ticedu_api::auth::AuthLearner;
use ticedu_api::standing::{Standing, issue_certificate};
use ticedu_api::{ApiError, ApiResult, AppState, ErrorBody};
use ticedu_store::records::{Certificate, Learner};
use ticedu_store::{CertificateStore, StoreError};

use crate::CertificatesStore;
use crate::views::MyCertificate;

pub const ISSUE: &str = "/api/certificates/issue";

/// Issue the learner's certificate for the current cycle (R17, R18), which opens the next cycle; asking again the same day returns the same certificate.
#[utoipa::path(post, path = ISSUE, tag = "certificates", security(("bearer" = [])),
    responses(
        (status = 201, description = "Issued", body = MyCertificate),
        (status = 200, description = "Issued before", body = MyCertificate),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 409, description = "Issued meanwhile by another request", body = ErrorBody),
        (status = 422, description = "Not yet, and what comes next: hours missing, filing or staff's review outstanding, before the batch's download day…", body = ErrorBody),
    ))]
pub(crate) async fn issue<S: CertificatesStore>(
    State(state): State<AppState<S>>,
    auth: AuthLearner,
) -> ApiResult<(StatusCode, Json<MyCertificate>)> {
    let platform = &state.platform;
    let today = platform.clock.today();
    let learner = auth.learner(&state.store).await?;
    if let Some(existing) = issued_just_before(&state.store, &learner, today).await? {
        let view = MyCertificate::of(existing, today, platform.certificate_signer()?);
        return Ok((StatusCode::OK, Json(view)));
    }
    let standing = Standing::of(&state.store, learner).await?;
    let years = ticedu_api::years::effective(&state.store, platform)
        .await?
        .years;
    standing
        .decide(today, &years.settings, &years.calendar)
        .map_err(|e| ApiError::refused(&e))?;
    let certificate = match issue_certificate(&state.store, &standing, today, None).await {
        Ok(certificate) => certificate,
        // A concurrent request issued it first: answer that one.
        Err(error) if error.code() == "certificate.cycle_closed" => {
            let learner = auth.learner(&state.store).await?;
            issued_just_before(&state.store, &learner, today)
                .await?
                .ok_or(error)?
        }
        Err(error) => return Err(error),
    };
    Ok((
        StatusCode::CREATED,
        Json(MyCertificate::of(
            certificate,
            today,
            platform.certificate_signer()?,
        )),
    ))
}

/// The certificate that closed the learner's previous cycle today: asking
/// again (a retry, a double tap) answers it rather than the new cycle's
/// "40 hours to learn".
async fn issued_just_before<S: CertificateStore>(
    store: &S,
    learner: &Learner,
    today: Date,
) -> Result<Option<Certificate>, StoreError> {
    if learner.cycle.is_first() {
        return Ok(None);
    }
    Ok(store
        .certificates_of(learner.id())
        .await?
        .into_iter()
        .find(|c| c.cycle.next() == learner.cycle && c.issued_on == today))
}
