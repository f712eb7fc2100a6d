//! Invoice requests (R15): a request and the orders it covers are written in
//! one transaction; staff's queue is gsi1 by status.

use ticedu_store::ids::InvoiceId;
use ticedu_store::records::{AuditEntry, InvoiceRequest, InvoiceStatus};
use ticedu_store::*;

use crate::DynamoStore;
use crate::keys;
use crate::request::{Expr, Keys, Sorted, s, to_item, with_gsi1};
use crate::transaction::TransactionError;

/// The items of an invoice request.
#[derive(Clone, Copy, PartialEq)]
enum Requesting {
    Request,
    Order,
}

impl InvoiceStore for DynamoStore {
    async fn request_invoice(&self, request: &InvoiceRequest) -> StoreResult<()> {
        during("request_invoice", async {
            request.check_size()?;
            let item = with_gsi1(
                to_item(request, &keys::invoice(&request.id))?,
                keys::invoices_with_status(request.status.as_str()),
                format!("{}#{}", request.requested_at, request.id),
            );
            let mut transaction = self.transaction();
            transaction.put_new(Requesting::Request, item)?;
            for no in &request.orders {
                // Order::check_invoiceable, as a condition.
                transaction.update(
                    Requesting::Order,
                    &keys::order(no),
                    "SET #invoice = :invoice",
                    "attribute_exists(pk) AND #learner = :learner AND #status.#status = :paid AND attribute_not_exists(#invoice)",
                    Expr::default()
                        .name("#status", "status")
                        .name("#invoice", "invoice")
                        .name("#learner", "learner")
                        .value(":invoice", s(request.id.as_str()))
                        .value(":learner", s(request.learner.as_str()))
                        .value(":paid", s("paid")),
                )?;
            }
            // A request id taken or any order not invoiceable: the request is refused whole.
            self.transact(transaction).await.map_err(|error| match error {
                TransactionError::Cancelled(_) => Refusal::NotInvoiceable.into(),
                TransactionError::Failed(failure) => failure,
            })
        })
        .await
    }

    async fn invoice(&self, id: &InvoiceId) -> StoreResult<Option<InvoiceRequest>> {
        during("invoice", self.get_record(&keys::invoice(id))).await
    }

    async fn invoices_with_status(
        &self,
        status: InvoiceStatus,
    ) -> StoreResult<Vec<InvoiceRequest>> {
        let queue = keys::invoices_with_status(status.as_str());
        during(
            "invoices_with_status",
            self.query_records(&queue, None, Keys::Gsi1, Sorted::Ascending),
        )
        .await
    }

    async fn mark_invoice_issued(&self, id: &InvoiceId, audit: &AuditEntry) -> StoreResult<()> {
        during("mark_invoice_issued", async {
            let key = keys::invoice(id);
            let issued = InvoiceStatus::Issued.as_str();
            let expr = Expr::default()
                .name("#status", "status")
                .value(":issued", s(issued))
                .value(":requested", s(InvoiceStatus::Requested.as_str()))
                .value(":queue", s(keys::invoices_with_status(issued)));
            if self
                .update_audited(
                    &key,
                    "SET #status = :issued, gsi1pk = :queue",
                    "attribute_exists(pk) AND #status = :requested",
                    expr,
                    audit,
                )
                .await?
            {
                return Ok(());
            }
            let stored: Option<InvoiceRequest> = self.get_record(&key).await?;
            Err(match stored {
                None => Refusal::UnknownInvoice,
                Some(stored) => stored
                    .check_issuable()
                    .err()
                    .unwrap_or(Refusal::InvoiceAlreadyIssued),
            }
            .into())
        })
        .await
    }
}
