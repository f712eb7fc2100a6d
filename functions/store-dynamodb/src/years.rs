//! Yearly settings and calendars staff edit, each save with its audit entry
//! in one transaction; the version condition refuses the second of two
//! concurrent edits.

use ticedu_store::records::{AuditEntry, StoredYear, YearChange};
use ticedu_store::*;

use crate::DynamoStore;
use crate::keys;
use crate::request::{Expr, Keys, NEW_ITEM, Sorted, n, to_item};

/// The items of a save.
#[derive(Clone, Copy, PartialEq)]
enum Saving {
    Year,
    Change,
    Audit,
}

impl YearStore for DynamoStore {
    async fn stored_years(&self) -> StoreResult<Vec<StoredYear>> {
        during(
            "stored_years",
            self.query_records(keys::YEARS, None, Keys::Table, Sorted::Ascending),
        )
        .await
    }

    async fn save_year(
        &self,
        year: &StoredYear,
        change: &YearChange,
        audit: &AuditEntry,
    ) -> StoreResult<()> {
        during("save_year", async {
            let expected = year.expected_version(change)?;
            let key = keys::stored_year(year.data.part(), year.data.year());
            let (condition, expr) = match expected {
                0 => (NEW_ITEM, Expr::default()),
                read => (
                    "#version = :read",
                    Expr::default()
                        .name("#version", "version")
                        .value(":read", n(read)),
                ),
            };
            let mut transaction = self.transaction();
            transaction.put(Saving::Year, to_item(year, &key)?, condition, expr)?;
            transaction.put_new(Saving::Change, to_item(change, &keys::year_change(change))?)?;
            transaction.put_audit(Saving::Audit, audit)?;
            // The year or its change failing means another save of this version came first.
            self.transact(transaction).await.map_err(|error| {
                error.explain(|part| (part != Saving::Audit).then_some(Refusal::StaleYearVersion))
            })
        })
        .await
    }

    async fn year_changes(&self) -> StoreResult<Vec<YearChange>> {
        during(
            "year_changes",
            self.query_records(keys::YEAR_CHANGES, None, Keys::Table, Sorted::Descending),
        )
        .await
    }
}
