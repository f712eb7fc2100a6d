//! Reconciliation with WeChat Pay's trade bill (R14): each applied notice
//! carries its bill day in gsi1 (`PAID#<day>`), written by `apply_payment`
//! with the notice itself; a day's report and staff's resolutions share the
//! partition `RECON#<day>`.

use jiff::civil::Date;
use ticedu_store::records::*;
use ticedu_store::*;

use crate::DynamoStore;
use crate::keys::{self, Item};
use crate::request::{Keys, Sorted, from_item, to_item, with_gsi1};
use crate::table::SORT_KEY;

/// The applied notice, found by its bill's day.
pub(crate) fn notice_item(notice: &PaymentNotice) -> Attempt<Item> {
    Ok(with_gsi1(
        to_item(notice, &keys::notice(&notice.transaction))?,
        keys::paid_on(notice.bill_day()),
        notice.transaction.to_string(),
    ))
}

/// The items of saving a report.
#[derive(Clone, Copy, PartialEq)]
enum Save {
    Report,
}

/// The items of resolving a mismatch.
#[derive(Clone, Copy, PartialEq)]
enum Resolve {
    Resolution,
    Audit,
}

impl ReconciliationStore for DynamoStore {
    async fn payments_on(&self, day: Date) -> StoreResult<Vec<PaymentNotice>> {
        during(
            "payments_on",
            self.query_records(&keys::paid_on(day), None, Keys::Gsi1, Sorted::Ascending),
        )
        .await
    }

    async fn save_reconciliation(&self, report: &ReconciliationReport) -> StoreResult<()> {
        during("save_reconciliation", async {
            let mut transaction = self.transaction();
            transaction.put_always(
                Save::Report,
                to_item(report, &keys::reconciliation_report(report.day))?,
            )?;
            self.transact(transaction)
                .await
                .map_err(|error| error.explain(|_| None))
        })
        .await
    }

    async fn reconciliation(&self, day: Date) -> StoreResult<Option<Reconciliation>> {
        during("reconciliation", async {
            let items = self
                .query(
                    &keys::reconciliation_partition(day),
                    None,
                    Keys::Table,
                    Sorted::Ascending,
                )
                .await?;
            let mut report = None;
            let mut resolutions = Vec::new();
            for item in items {
                let sort_key = item.get(SORT_KEY).and_then(|v| v.as_s().ok()).cloned();
                match sort_key.as_deref() {
                    Some(keys::RECONCILIATION_REPORT) => report = Some(from_item(item)?),
                    Some(sk) if sk.starts_with(keys::RESOLUTION_PREFIX) => {
                        resolutions.push(from_item(item)?);
                    }
                    _ => {}
                }
            }
            Ok(report.map(|report| Reconciliation {
                report,
                resolutions,
            }))
        })
        .await
    }

    async fn resolve_mismatch(
        &self,
        day: Date,
        resolution: &Resolution,
        audit: &AuditEntry,
    ) -> StoreResult<Outcome> {
        during("resolve_mismatch", async {
            let mut transaction = self.transaction();
            transaction.put_new(
                Resolve::Resolution,
                to_item(resolution, &keys::resolution(day, &resolution.order))?,
            )?;
            transaction.put_audit(Resolve::Audit, audit)?;
            let cancellation = match self.transact(transaction).await {
                Ok(()) => return Ok(Outcome::Applied),
                Err(error) => error.cancellation()?,
            };
            if cancellation.failed(Resolve::Resolution) {
                return Ok(Outcome::AlreadyApplied);
            }
            Err(cancellation.explain(|_| None))
        })
        .await
    }
}
