//! Reconciliation with WeChat Pay's trade bill (R14): applied payments by
//! their bill's day (written by `apply_payment` in its own transaction), each
//! day's report, and staff's resolutions.

use jiff::civil::Date;
use redb::{TableDefinition, TableError, WriteTransaction};
use ticedu_store::records::*;
use ticedu_store::*;

use crate::EmbeddedStore;
use crate::audit::record;
use crate::rows::{exists, get_json, open, open_read, put_json, rows_of};
use crate::tables::{Json, PerLearner};

/// (bill day `YYYY-MM-DD`, transaction id) → the applied [`PaymentNotice`].
const PAYMENTS_BY_DAY: TableDefinition<PerLearner, Json> = TableDefinition::new("payments_by_day");
/// bill day → [`ReconciliationReport`].
const REPORTS: TableDefinition<&str, Json> = TableDefinition::new("reconciliations");
/// (bill day, order number) → [`Resolution`].
const RESOLUTIONS: TableDefinition<PerLearner, Json> =
    TableDefinition::new("reconciliation_resolutions");

pub(crate) fn create_tables(txn: &WriteTransaction) -> Result<(), TableError> {
    txn.open_table(PAYMENTS_BY_DAY)?;
    txn.open_table(REPORTS)?;
    txn.open_table(RESOLUTIONS)?;
    Ok(())
}

/// Indexes an applied payment under its bill's day, in the transaction that applies it.
pub(crate) fn index_payment(txn: &WriteTransaction, notice: &PaymentNotice) -> Attempt<()> {
    let day = notice.bill_day().to_string();
    put_json(
        &mut open(txn, PAYMENTS_BY_DAY)?,
        (day.as_str(), notice.transaction.as_str()),
        notice,
    )
}

impl ReconciliationStore for EmbeddedStore {
    async fn payments_on(&self, day: Date) -> StoreResult<Vec<PaymentNotice>> {
        self.read("payments_on", move |txn| {
            rows_of(&open_read(txn, PAYMENTS_BY_DAY)?, &day.to_string())
        })
        .await
    }

    async fn save_reconciliation(&self, report: &ReconciliationReport) -> StoreResult<()> {
        let report = report.clone();
        self.write("save_reconciliation", move |txn| {
            put_json(
                &mut open(txn, REPORTS)?,
                report.day.to_string().as_str(),
                &report,
            )
        })
        .await
    }

    async fn reconciliation(&self, day: Date) -> StoreResult<Option<Reconciliation>> {
        self.read("reconciliation", move |txn| {
            let day = day.to_string();
            let Some(report) = get_json(&open_read(txn, REPORTS)?, day.as_str())? else {
                return Ok(None);
            };
            Ok(Some(Reconciliation {
                report,
                resolutions: rows_of(&open_read(txn, RESOLUTIONS)?, &day)?,
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
        let (resolution, audit) = (resolution.clone(), audit.clone());
        self.write("resolve_mismatch", move |txn| {
            let day = day.to_string();
            let mut resolutions = open(txn, RESOLUTIONS)?;
            let key = (day.as_str(), resolution.order.as_str());
            if exists(&resolutions, key)? {
                return Ok(Outcome::AlreadyApplied);
            }
            put_json(&mut resolutions, key, &resolution)?;
            record(txn, &audit)?;
            Ok(Outcome::Applied)
        })
        .await
    }
}
