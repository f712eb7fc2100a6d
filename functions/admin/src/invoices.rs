//! Working through invoice requests (R15): listing them by status and
//! marking one issued.

use axum::Json;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use serde::Serialize;
use ticedu_api::auth::AuthStaff;
use ticedu_api::{ApiResult, AppState, ErrorBody, PathParam};
use ticedu_domain::staff::StaffAction;
use ticedu_store::Refusal;
use ticedu_store::ids::InvoiceId;
use ticedu_store::records::{AuditAction, InvoiceDelivery, InvoiceRequest, InvoiceStatus};
use utoipa::ToSchema;

use crate::AdminStore;
use crate::requests::InvoiceFilter;

pub const INVOICES: &str = "/api/staff/invoices";
pub const INVOICE_ISSUED: &str = "/api/staff/invoices/{invoice}/issued";

#[derive(Serialize, ToSchema)]
pub(crate) struct InvoiceView {
    id: String,
    orders: Vec<String>,
    amount_fen: u64,
    buyer_name: String,
    taxpayer_id: String,
    email: String,
    /// `electronic`, or the postal address of a paper invoice (sent cash on delivery).
    delivery: String,
    requested_at: String,
    status: String,
}

impl From<InvoiceRequest> for InvoiceView {
    fn from(invoice: InvoiceRequest) -> Self {
        Self {
            id: invoice.id.to_string(),
            orders: invoice.orders.iter().map(ToString::to_string).collect(),
            amount_fen: invoice.amount.get(),
            buyer_name: invoice.buyer_name,
            taxpayer_id: invoice.taxpayer_id.to_string(),
            email: invoice.email.to_string(),
            delivery: match invoice.delivery {
                InvoiceDelivery::Electronic => "electronic".to_owned(),
                InvoiceDelivery::Paper { address } => address,
            },
            requested_at: invoice.requested_at.to_string(),
            status: invoice.status.as_str().to_owned(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub(crate) struct InvoiceList {
    invoices: Vec<InvoiceView>,
}

/// Invoice requests by status (R15).
#[utoipa::path(get, path = INVOICES, tag = "staff", params(InvoiceFilter), security(("bearer" = [])),
    responses((status = 200, description = "Requests", body = InvoiceList), (status = 403, description = "Not staff", body = ErrorBody), (status = 422, description = "Unknown status", body = ErrorBody)))]
pub(crate) async fn invoices<S: AdminStore>(
    State(state): State<AppState<S>>,
    staff: AuthStaff,
    Query(filter): Query<InvoiceFilter>,
) -> ApiResult<Json<InvoiceList>> {
    staff.may(StaffAction::Finance)?;
    let status = filter.parse()?;
    let invoices = state.store.invoices_with_status(status).await?;
    Ok(Json(InvoiceList {
        invoices: invoices.into_iter().map(InvoiceView::from).collect(),
    }))
}

/// Mark an invoice request issued.
#[utoipa::path(post, path = INVOICE_ISSUED, tag = "staff", security(("bearer" = [])),
    params(("invoice" = String, Path, description = "Invoice request id")),
    responses((status = 204, description = "Marked"), (status = 403, description = "Not staff", body = ErrorBody), (status = 404, description = "No such request", body = ErrorBody), (status = 409, description = "Issued already", body = ErrorBody)))]
pub(crate) async fn invoice_issued<S: AdminStore>(
    State(state): State<AppState<S>>,
    staff: AuthStaff,
    PathParam(id): PathParam<InvoiceId>,
) -> ApiResult<StatusCode> {
    staff.may(StaffAction::Finance)?;
    let invoice = state
        .store
        .invoice(&id)
        .await?
        .ok_or(Refusal::UnknownInvoice)?;
    let audit = staff
        .audit(AuditAction::InvoiceIssued, state.platform.clock.now())
        .learner(&invoice.learner)
        .subject(id.to_string())
        .change(
            "status",
            Some(invoice.status.as_str().to_owned()),
            Some(InvoiceStatus::Issued.as_str().to_owned()),
        );
    state.store.mark_invoice_issued(&id, &audit).await?;
    tracing::info!(staff = %staff.name, invoice = %id, "invoice issued");
    Ok(StatusCode::NO_CONTENT)
}
