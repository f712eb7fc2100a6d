//! Requesting an invoice for paid orders (开具发票, R15).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Serialize;
use ticedu_api::auth::AuthLearner;
use ticedu_api::{ApiError, ApiJson, ApiResult, AppState, ErrorBody};
use ticedu_domain::invoice::{Delivery, InvoiceDetails, invoiceable};
use ticedu_domain::money::Fen;
use ticedu_store::Refusal;
use ticedu_store::ids::{InvoiceId, LearnerId};
use ticedu_store::records::{InvoiceDelivery, InvoiceRequest, InvoiceStatus};
use utoipa::ToSchema;

use crate::PaymentsStore;
use crate::requests::{InvoiceCommand, InvoiceRequestBody};

pub const INVOICES: &str = "/api/payments/invoices";

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct InvoiceRequested {
    invoice_id: String,
    amount_fen: u64,
}

/// Request an invoice for paid orders (开具发票, R15): personal (a name) or a company's (name and unified social credit code), electronic or on paper by courier. Each order can be invoiced once; nothing is invoiced for ¥0.
#[utoipa::path(post, path = INVOICES, tag = "payments", request_body = InvoiceRequestBody, security(("bearer" = [])),
    responses(
        (status = 201, description = "Requested", body = InvoiceRequested),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 409, description = "An order is unpaid, someone else's or invoiced already", body = ErrorBody),
        (status = 422, description = "Invalid buyer name, taxpayer id, email, recipient, phone or address; or nothing was paid", body = ErrorBody),
    ))]
pub(crate) async fn request_invoice<S: PaymentsStore>(
    State(state): State<AppState<S>>,
    auth: AuthLearner,
    ApiJson(body): ApiJson<InvoiceRequestBody>,
) -> ApiResult<(StatusCode, Json<InvoiceRequested>)> {
    let InvoiceCommand { orders, details } = body.parse()?;
    // The amount is what the orders cost; whether each is paid and not
    // invoiced yet is checked again by the store, in the same transaction.
    let mut amount = Fen::ZERO;
    for no in orders.as_slice() {
        let order = state
            .store
            .order(no)
            .await?
            .filter(|order| order.learner == auth.id)
            .ok_or_else(|| ApiError::from(Refusal::NotInvoiceable))?;
        amount = amount + order.amount;
    }
    let amount = invoiceable(amount).map_err(|e| ApiError::invalid(&e))?;
    let request = record(
        new_invoice_id()?,
        auth.id.clone(),
        orders.into_vec(),
        amount,
        details,
        state.platform.clock.now(),
    );
    state.store.request_invoice(&request).await?;
    tracing::info!(learner = %auth.id, invoice = %request.id, amount_fen = amount.get(), "invoice requested");
    Ok((
        StatusCode::CREATED,
        Json(InvoiceRequested {
            invoice_id: request.id.to_string(),
            amount_fen: amount.get(),
        }),
    ))
}

fn new_invoice_id() -> ApiResult<InvoiceId> {
    InvoiceId::parse(&ticedu_api::ids::random_hex(16)?).map_err(|_| ApiError::unavailable())
}

/// The store keeps text where the domain has parsed types; they are only
/// unwrapped here, at the last moment.
fn record(
    id: InvoiceId,
    learner: LearnerId,
    orders: Vec<ticedu_store::ids::OrderNo>,
    amount: Fen,
    details: InvoiceDetails,
    requested_at: jiff::Timestamp,
) -> InvoiceRequest {
    InvoiceRequest {
        id,
        learner,
        orders,
        amount,
        buyer_name: details.buyer.name().to_string(),
        taxpayer_id: details.buyer.taxpayer_id().cloned(),
        email: details.email,
        delivery: match details.delivery {
            Delivery::Electronic => InvoiceDelivery::Electronic,
            Delivery::Paper {
                recipient,
                phone,
                address,
            } => InvoiceDelivery::Paper {
                address: address.to_string(),
                recipient: Some(recipient.to_string()),
                phone: Some(phone.as_str().to_owned()),
            },
        },
        requested_at,
        status: InvoiceStatus::Requested,
        issued: None,
    }
}
