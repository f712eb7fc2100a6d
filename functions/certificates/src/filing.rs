//! 续证学习登记 (holders, R16) and 新学员证书申请 (new learners, R19): the
//! filing each kind makes in each cycle before its certificate; it can be
//! corrected until staff accept it (the store refuses a change after that),
//! and filed again after staff rejected it. An application waits for staff's
//! approval (R19: 协会审核).

use axum::extract::State;
use axum::http::StatusCode;
use ticedu_api::auth::AuthLearner;
use ticedu_api::{ApiError, ApiJson, ApiResult, AppState, ErrorBody};
use ticedu_domain::certificate::{Filing, filing_for};
use ticedu_store::records::{CertificateApplication, FilingStatus, RenewalRegistration};

use crate::CertificatesStore;
use crate::requests::FilingRequest;

pub const FILING: &str = "/api/certificates/filing";

/// File the renewal registration (holders, R16) or the certificate application (new learners, R19); it can be corrected until staff accept it.
#[utoipa::path(post, path = FILING, tag = "certificates", request_body = FilingRequest, security(("bearer" = [])),
    responses(
        (status = 204, description = "Filed"),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 409, description = "Accepted by staff already", body = ErrorBody),
        (status = 422, description = "Titled learners file nothing (staff check their title), or an application lacks the employer or a phone number", body = ErrorBody),
    ))]
pub(crate) async fn file<S: CertificatesStore>(
    State(state): State<AppState<S>>,
    auth: AuthLearner,
    ApiJson(request): ApiJson<FilingRequest>,
) -> ApiResult<StatusCode> {
    let learner = auth.learner(&state.store).await?;
    let command = request.parse()?;
    let now = state.platform.clock.now();
    match filing_for(&learner.registration.kind).map_err(|e| ApiError::refused(&e))? {
        Filing::RenewalRegistration(details) => {
            let registration = RenewalRegistration {
                details: details.clone(),
                filed_at: now,
                status: FilingStatus::Filed,
                overdue: false,
                cycle: learner.cycle,
                decision: None,
            };
            state.store.file_renewal(&auth.id, &registration).await?;
        }
        Filing::Application {
            learning_started_on,
        } => {
            let note = command.note.as_ref().map(ToString::to_string);
            let form = command.form(learner.registration.phone.as_ref())?;
            let application = CertificateApplication {
                learning_started_on,
                // The store keeps the note as text; it was checked as a ShortText above.
                note: note.unwrap_or_default(),
                filed_at: now,
                status: FilingStatus::Filed,
                form: Some(form),
                cycle: learner.cycle,
                decision: None,
            };
            state.store.file_application(&auth.id, &application).await?;
        }
    }
    tracing::info!(learner = %auth.id, cycle = %learner.cycle, "certificate filing");
    Ok(StatusCode::NO_CONTENT)
}
