//! What waits for staff, counted: the console's first screen.

use axum::Json;
use axum::extract::State;
use serde::Serialize;
use ticedu_api::auth::AuthStaff;
use ticedu_api::{ApiResult, AppState, ErrorBody};
use ticedu_domain::staff::StaffAction;
use ticedu_store::records::InvoiceStatus;
use utoipa::ToSchema;

use crate::AdminStore;

pub const QUEUES: &str = "/api/staff/queues";

#[derive(Serialize, ToSchema)]
pub(crate) struct QueueCounts {
    /// Titled learners' details to check (R18).
    title_checks: usize,
    /// New learners' applications (R19).
    applications: usize,
    /// Overdue renewals (R20).
    overdue_renewals: usize,
    /// Returning-discount claims (R12).
    returning_claims: usize,
    /// Invoice requests not yet issued (R15).
    invoices: usize,
}

/// How many items wait in each queue.
#[utoipa::path(get, path = QUEUES, tag = "staff", security(("bearer" = [])),
    responses((status = 200, description = "The counts", body = QueueCounts), (status = 401, description = "Not logged in as staff", body = ErrorBody)))]
pub(crate) async fn queue_counts<S: AdminStore>(
    State(state): State<AppState<S>>,
    staff: AuthStaff,
) -> ApiResult<Json<QueueCounts>> {
    staff.may(StaffAction::ReadLearners)?;
    let store = &state.store;
    Ok(Json(QueueCounts {
        title_checks: store.pending_title_checks().await?.len(),
        applications: store.pending_applications().await?.len(),
        overdue_renewals: store.overdue_renewals().await?.len(),
        returning_claims: store.pending_returning_claims().await?.len(),
        invoices: store
            .invoices_with_status(InvoiceStatus::Requested)
            .await?
            .len(),
    }))
}
