//! 超期换证 (R20): a holder who finishes the cycle's hours after their
//! certificate expired files its number and expiry (the hours learned late
//! count); staff accept it, which issues the certificate, or reject it with a
//! reason the learner reads.

use axum::extract::State;
use axum::http::StatusCode;
use ticedu_api::auth::AuthLearner;
use ticedu_api::views::progress_of;
use ticedu_api::{ApiError, ApiJson, ApiResult, AppState, ErrorBody};
use ticedu_domain::certificate::overdue_renewal;
use ticedu_store::records::{FilingStatus, RenewalRegistration};

use crate::CertificatesStore;
use crate::requests::OverdueRenewalRequest;

pub const OVERDUE: &str = "/api/certificates/overdue-renewal";

/// File an overdue renewal (R20): a holder whose certificate expired before they finished; staff handle it.
#[utoipa::path(post, path = OVERDUE, tag = "certificates", request_body = OverdueRenewalRequest, security(("bearer" = [])),
    responses(
        (status = 204, description = "Filed; staff will handle it"),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 409, description = "Accepted by staff already", body = ErrorBody),
        (status = 422, description = "Not a holder, a bad certificate number, an expiry other than the account's, the certificate has not expired, the hours are not complete, or they were completed before the expiry", body = ErrorBody),
    ))]
pub(crate) async fn file_overdue<S: CertificatesStore>(
    State(state): State<AppState<S>>,
    auth: AuthLearner,
    ApiJson(request): ApiJson<OverdueRenewalRequest>,
) -> ApiResult<StatusCode> {
    let learner = auth.learner(&state.store).await?;
    let claim = request.parse()?;
    let marks = state.store.marks(&auth.id).await?;
    let progress = progress_of(&learner, &marks);
    let details = overdue_renewal(
        &learner.registration.kind,
        &progress,
        claim,
        state.platform.clock.today(),
    )
    .map_err(|e| ApiError::refused(&e))?;
    let registration = RenewalRegistration {
        details,
        filed_at: state.platform.clock.now(),
        status: FilingStatus::Filed,
        overdue: true,
        cycle: learner.cycle,
        decision: None,
    };
    state.store.file_renewal(&auth.id, &registration).await?;
    tracing::info!(learner = %auth.id, cycle = %learner.cycle, "overdue renewal filed");
    Ok(StatusCode::NO_CONTENT)
}
