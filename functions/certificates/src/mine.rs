//! The learner's own certificates.

use axum::Json;
use axum::extract::State;
use serde::Serialize;
use ticedu_api::auth::AuthLearner;
use ticedu_api::{ApiResult, AppState, ErrorBody};
use utoipa::ToSchema;

use crate::CertificatesStore;
use crate::views::MyCertificate;

pub const MINE: &str = "/api/certificates/mine";

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct MyCertificates {
    certificates: Vec<MyCertificate>,
}

/// The learner's certificates.
#[utoipa::path(get, path = MINE, tag = "certificates", security(("bearer" = [])),
    responses((status = 200, description = "Mine", body = MyCertificates), (status = 401, description = "Not logged in", body = ErrorBody)))]
pub(crate) async fn mine<S: CertificatesStore>(
    State(state): State<AppState<S>>,
    auth: AuthLearner,
) -> ApiResult<Json<MyCertificates>> {
    let today = state.platform.clock.today();
    let signer = state.platform.certificate_signer()?;
    let certificates = state
        .store
        .certificates_of(&auth.id)
        .await?
        .into_iter()
        .map(|c| MyCertificate::of(c, today, signer))
        .collect();
    Ok(Json(MyCertificates { certificates }))
}
