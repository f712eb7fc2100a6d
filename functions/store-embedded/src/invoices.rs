//! Invoice requests (R15): a request and the orders it covers are written in
//! one transaction; staff's queue is an index by status.

use ticedu_store::ids::InvoiceId;
use ticedu_store::records::{AuditEntry, InvoiceRequest, InvoiceStatus, IssuedInvoice, Order};
use ticedu_store::*;

use crate::EmbeddedStore;
use crate::audit::record;
use crate::rows::{exists, get_json, indexed, open, open_read, put_json};
use crate::tables::{INVOICES, INVOICES_BY_STATUS, ORDERS};

impl InvoiceStore for EmbeddedStore {
    async fn request_invoice(&self, request: &InvoiceRequest) -> StoreResult<()> {
        request.check_size()?;
        let request = request.clone();
        self.write("request_invoice", move |txn| {
            let mut invoices = open(txn, INVOICES)?;
            if exists(&invoices, request.id.as_str())? {
                return Err(Refusal::NotInvoiceable.into());
            }
            let mut orders = open(txn, ORDERS)?;
            for no in &request.orders {
                let mut order: Order = get_json(&orders, no.as_str())?
                    .ok_or(Failure::Refused(Refusal::NotInvoiceable))?;
                order.check_invoiceable(&request)?;
                order.invoice = Some(request.id.clone());
                put_json(&mut orders, no.as_str(), &order)?;
            }
            put_json(&mut invoices, request.id.as_str(), &request)?;
            open(txn, INVOICES_BY_STATUS)?
                .insert((request.status.as_str(), request.id.as_str()), ())
                .or_backend()?;
            Ok(())
        })
        .await
    }

    async fn invoice(&self, id: &InvoiceId) -> StoreResult<Option<InvoiceRequest>> {
        let id = id.clone();
        self.read("invoice", move |txn| {
            get_json(&open_read(txn, INVOICES)?, id.as_str())
        })
        .await
    }

    async fn invoices_with_status(
        &self,
        status: InvoiceStatus,
    ) -> StoreResult<Vec<InvoiceRequest>> {
        self.read("invoices_with_status", move |txn| {
            indexed(
                &open_read(txn, INVOICES_BY_STATUS)?,
                &open_read(txn, INVOICES)?,
                status.as_str(),
            )
        })
        .await
    }

    async fn mark_invoice_issued(
        &self,
        id: &InvoiceId,
        issued: &IssuedInvoice,
        audit: &AuditEntry,
    ) -> StoreResult<()> {
        let (id, issued, audit) = (id.clone(), issued.clone(), audit.clone());
        self.write("mark_invoice_issued", move |txn| {
            let mut invoices = open(txn, INVOICES)?;
            let mut invoice: InvoiceRequest = get_json(&invoices, id.as_str())?
                .ok_or(Failure::Refused(Refusal::UnknownInvoice))?;
            invoice.check_issuable()?;
            let mut by_status = open(txn, INVOICES_BY_STATUS)?;
            by_status
                .remove((invoice.status.as_str(), id.as_str()))
                .or_backend()?;
            invoice.status = InvoiceStatus::Issued;
            invoice.issued = Some(issued.clone());
            by_status
                .insert((invoice.status.as_str(), id.as_str()), ())
                .or_backend()?;
            put_json(&mut invoices, id.as_str(), &invoice)?;
            record(txn, &audit)
        })
        .await
    }
}
