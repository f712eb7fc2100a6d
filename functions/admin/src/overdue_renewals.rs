//! Overdue renewals (超期换证, R20) waiting for staff, with everything the
//! notice asks the holder to submit.

use axum::Json;
use axum::extract::State;
use serde::Serialize;
use ticedu_api::auth::AuthStaff;
use ticedu_api::{ApiResult, AppState, ErrorBody};
use ticedu_domain::learner::HolderDetails;
use utoipa::ToSchema;

use crate::AdminStore;

pub const OVERDUE_RENEWALS: &str = "/api/staff/overdue-renewals";

/// An overdue renewal (R20) as staff handle it: everything the notice asks
/// the holder to submit. Staff may read the ID number (PIPL: owner and staff only).
#[derive(Serialize, ToSchema)]
pub(crate) struct OverdueRenewal {
    learner_id: String,
    name: String,
    id_number: String,
    username: String,
    /// 原证书类别, 编号 and 到期日 as submitted.
    #[schema(value_type = Object)]
    certificate: HolderDetails,
    filed_at: String,
}

#[derive(Serialize, ToSchema)]
pub(crate) struct OverdueRenewals {
    renewals: Vec<OverdueRenewal>,
}

/// Overdue renewals (超期换证, R20) waiting for staff, oldest first.
#[utoipa::path(get, path = OVERDUE_RENEWALS, tag = "staff", security(("bearer" = [])),
    responses((status = 200, description = "Waiting", body = OverdueRenewals), (status = 403, description = "Not staff", body = ErrorBody)))]
pub(crate) async fn overdue_renewals<S: AdminStore>(
    State(state): State<AppState<S>>,
    staff: AuthStaff,
) -> ApiResult<Json<OverdueRenewals>> {
    let mut renewals = Vec::new();
    for (id, renewal) in state.store.overdue_renewals().await? {
        if let Some(learner) = state.store.learner(&id).await? {
            let registration = learner.registration;
            renewals.push(OverdueRenewal {
                learner_id: id.to_string(),
                name: registration.name.to_string(),
                id_number: registration.id_number.expose().to_owned(),
                username: registration.username.to_string(),
                certificate: renewal.details,
                filed_at: renewal.filed_at.to_string(),
            });
        }
    }
    // Who read which ID numbers, without them: PIPL asks for an access trail.
    tracing::info!(staff = %staff.staff, count = renewals.len(), "overdue renewals read");
    Ok(Json(OverdueRenewals { renewals }))
}
