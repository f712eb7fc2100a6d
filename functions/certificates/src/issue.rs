//! Issuing this cycle's certificate (R17, R18): the handler gathers the
//! facts, the domain decides ([`decide_issue`]), and asking again answers the
//! certificate issued before.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use ticedu_api::auth::AuthLearner;
use ticedu_api::views::progress_of;
use ticedu_api::{ApiError, ApiResult, AppState, ErrorBody};
use ticedu_domain::certificate::{CertificateData, Filed, IssueFacts, decide_issue};
use ticedu_domain::learner::LearnerCategory;
use ticedu_store::ids::LearnerId;
use ticedu_store::records::Certificate;
use ticedu_store::{FilingStore, StoreError};

use crate::CertificatesStore;
use crate::views::MyCertificate;

pub const ISSUE: &str = "/api/certificates/issue";

/// Issue the learner's certificate for the current cycle (R17, R18); asking again returns the same certificate.
#[utoipa::path(post, path = ISSUE, tag = "certificates", security(("bearer" = [])),
    responses(
        (status = 201, description = "Issued", body = MyCertificate),
        (status = 200, description = "Issued before", body = MyCertificate),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 422, description = "Not yet: hours missing, before the batch's download day, title not confirmed…", body = ErrorBody),
    ))]
pub(crate) async fn issue<S: CertificatesStore>(
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
            Json(MyCertificate::of(
                existing,
                today,
                &platform.certificate_signer,
            )),
        ));
    }
    let kind = &learner.registration.kind;
    let facts = IssueFacts {
        kind,
        progress: &progress,
        title_check: learner.title_check,
        filed: filed(&state.store, &auth.id, learner.category()).await?,
        today,
    };
    decide_issue(&facts, &platform.settings, &platform.calendar)
        .map_err(|e| ApiError::refused(&e))?;
    let random: [u8; 12] = ticedu_api::ids::random_bytes(12)?
        .try_into()
        .map_err(|_| ApiError::unavailable())?;
    let data = CertificateData::issue(
        learner.registration.name.clone(),
        kind.clone(),
        &progress,
        today,
        &random,
    );
    let certificate =
        Certificate::issue(auth.id.clone(), data).map_err(|_| ApiError::unavailable())?;
    state.store.issue_certificate(&certificate).await?;
    tracing::info!(learner = %auth.id, certificate = %certificate.no, "certificate issued");
    Ok((
        StatusCode::CREATED,
        Json(MyCertificate::of(
            certificate,
            today,
            &platform.certificate_signer,
        )),
    ))
}

/// What the learner has filed, read only where their kind files anything.
async fn filed<S: FilingStore>(
    store: &S,
    learner: &LearnerId,
    category: LearnerCategory,
) -> Result<Filed, StoreError> {
    Ok(match category {
        LearnerCategory::Holder => match store.renewal(learner).await? {
            None => Filed::Nothing,
            Some(renewal) if renewal.overdue => Filed::OverdueRenewal,
            Some(_) => Filed::Filing,
        },
        LearnerCategory::New => match store.application(learner).await? {
            None => Filed::Nothing,
            Some(_) => Filed::Filing,
        },
        LearnerCategory::Titled => Filed::Nothing,
    })
}
