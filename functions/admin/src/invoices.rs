//! Working through invoice requests (R15): listing them by status (JSON, or
//! a CSV for the tax system's batch entry), and marking one issued with the
//! invoice's number. Marking it again with the same number is the same
//! marking; with another number it is refused.

use axum::Json;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use ticedu_api::auth::AuthStaff;
use ticedu_api::{ApiError, ApiJson, ApiResult, AppState, ErrorBody, PathParam};
use ticedu_domain::invoice::FapiaoNumber;
use ticedu_domain::staff::StaffAction;
use ticedu_store::Refusal;
use ticedu_store::ids::InvoiceId;
use ticedu_store::records::{
    AuditAction, InvoiceDelivery, InvoiceRequest, InvoiceStatus, IssuedInvoice,
};
use utoipa::ToSchema;

use crate::AdminStore;
use crate::paging::{PageInfo, QueueQuery};
use crate::requests::InvoiceFilter;
use crate::spreadsheet::{csv_download, yuan};

pub const INVOICES: &str = "/api/staff/invoices";
pub const INVOICE_ISSUED: &str = "/api/staff/invoices/{invoice}/issued";

#[derive(Serialize, ToSchema)]
pub(crate) struct InvoiceView {
    id: String,
    orders: Vec<String>,
    amount_fen: u64,
    buyer_name: String,
    /// `person` (个人: a name only) or `company` (单位: with its taxpayer id).
    buyer_kind: &'static str,
    /// A company's unified social credit code; none on a personal invoice.
    taxpayer_id: Option<String>,
    email: String,
    /// `electronic`, or the postal address of a paper invoice (sent cash on delivery).
    delivery: String,
    /// Whom a paper invoice is sent to, and their phone, for the courier.
    recipient: Option<String>,
    phone: Option<String>,
    requested_at: String,
    status: String,
    /// 发票号码, once issued.
    invoice_number: Option<String>,
    issued_at: Option<String>,
    issued_by: Option<String>,
}

impl From<InvoiceRequest> for InvoiceView {
    fn from(invoice: InvoiceRequest) -> Self {
        let (delivery, recipient, phone) = match invoice.delivery {
            InvoiceDelivery::Electronic => ("electronic".to_owned(), None, None),
            InvoiceDelivery::Paper {
                address,
                recipient,
                phone,
            } => (address, recipient, phone),
        };
        Self {
            id: invoice.id.to_string(),
            orders: invoice.orders.iter().map(ToString::to_string).collect(),
            amount_fen: invoice.amount.get(),
            buyer_name: invoice.buyer_name,
            buyer_kind: if invoice.taxpayer_id.is_some() {
                "company"
            } else {
                "person"
            },
            taxpayer_id: invoice.taxpayer_id.map(|id| id.to_string()),
            email: invoice.email.to_string(),
            delivery,
            recipient,
            phone,
            requested_at: invoice.requested_at.to_string(),
            status: invoice.status.as_str().to_owned(),
            invoice_number: invoice
                .issued
                .as_ref()
                .map(|issued| issued.number.as_str().to_owned()),
            issued_at: invoice
                .issued
                .as_ref()
                .map(|issued| issued.issued_at.to_string()),
            issued_by: invoice.issued.map(|issued| issued.by.to_string()),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub(crate) struct InvoiceList {
    invoices: Vec<InvoiceView>,
    #[serde(flatten)]
    page: PageInfo,
}

/// Invoice requests by status (R15), as JSON or (`format=csv`) a spreadsheet.
#[utoipa::path(get, path = INVOICES, tag = "staff", params(InvoiceFilter, QueueQuery), security(("bearer" = [])),
    responses((status = 200, description = "Requests (JSON, or text/csv)", body = InvoiceList), (status = 403, description = "Not finance", body = ErrorBody), (status = 422, description = "Unknown status or format", body = ErrorBody)))]
pub(crate) async fn invoices<S: AdminStore>(
    State(state): State<AppState<S>>,
    staff: AuthStaff,
    Query(filter): Query<InvoiceFilter>,
    Query(query): Query<QueueQuery>,
) -> ApiResult<Response> {
    staff.may(StaffAction::Finance)?;
    let (status, csv) = filter.parse()?;
    // The name narrows to a buyer; the CSV is the whole (narrowed) list, not a page.
    let page = query.parse()?;
    let invoices: Vec<InvoiceView> = state
        .store
        .invoices_with_status(status)
        .await?
        .into_iter()
        .map(InvoiceView::from)
        .filter(|invoice| page.matches(&invoice.buyer_name))
        .collect();
    if !csv {
        let (invoices, page) = page.window(invoices);
        return Ok(Json(InvoiceList { invoices, page }).into_response());
    }
    let rows = invoices.into_iter().map(|invoice| {
        vec![
            invoice.id,
            invoice.requested_at,
            invoice.buyer_name,
            invoice.taxpayer_id.unwrap_or_default(),
            yuan(invoice.amount_fen),
            invoice.email,
            invoice.delivery,
            invoice.orders.join(" "),
            invoice.status,
            invoice.invoice_number.unwrap_or_default(),
            invoice.buyer_kind.to_owned(),
            invoice.recipient.unwrap_or_default(),
            invoice.phone.unwrap_or_default(),
        ]
    });
    Ok(csv_download(
        &format!("invoices-{}.csv", status.as_str()),
        &[
            "request",
            "requested_at",
            "buyer",
            "taxpayer_id",
            "amount_yuan",
            "email",
            "delivery",
            "orders",
            "status",
            "invoice_number",
            "buyer_kind",
            "recipient",
            "phone",
        ],
        rows,
    ))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct IssuedRequest {
    /// 发票号码: 8 digits (paper, older electronic) or 20 (fully digital).
    number: String,
}

/// Mark an invoice request issued, with the invoice's number.
#[utoipa::path(post, path = INVOICE_ISSUED, tag = "staff", request_body = IssuedRequest, security(("bearer" = [])),
    params(("invoice" = String, Path, description = "Invoice request id")),
    responses((status = 204, description = "Marked (the same number again changes nothing)"), (status = 403, description = "Not finance", body = ErrorBody), (status = 404, description = "No such request", body = ErrorBody), (status = 409, description = "Issued already with another number", body = ErrorBody), (status = 422, description = "Not an invoice number", body = ErrorBody)))]
pub(crate) async fn invoice_issued<S: AdminStore>(
    State(state): State<AppState<S>>,
    staff: AuthStaff,
    PathParam(id): PathParam<InvoiceId>,
    ApiJson(request): ApiJson<IssuedRequest>,
) -> ApiResult<StatusCode> {
    staff.may(StaffAction::Finance)?;
    let number = FapiaoNumber::parse(&request.number).map_err(|e| ApiError::invalid(&e))?;
    let invoice = state
        .store
        .invoice(&id)
        .await?
        .ok_or(Refusal::UnknownInvoice)?;
    // A double click or a retry: the invoice is the one already recorded.
    if invoice
        .issued
        .as_ref()
        .is_some_and(|issued| issued.number == number)
    {
        return Ok(StatusCode::NO_CONTENT);
    }
    let now = state.platform.clock.now();
    let audit = staff
        .audit(AuditAction::InvoiceIssued, now)
        .learner(&invoice.learner)
        .subject(id.to_string())
        .change(
            "status",
            Some(invoice.status.as_str().to_owned()),
            Some(InvoiceStatus::Issued.as_str().to_owned()),
        )
        .change("invoice_number", None, Some(number.as_str().to_owned()));
    let issued = IssuedInvoice {
        number,
        issued_at: now,
        by: staff.name.clone(),
    };
    state
        .store
        .mark_invoice_issued(&id, &issued, &audit)
        .await?;
    tracing::info!(staff = %staff.name, invoice = %id, "invoice issued");
    Ok(StatusCode::NO_CONTENT)
}
