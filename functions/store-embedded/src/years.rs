//! Yearly settings and calendars staff edit, each save with its audit entry
//! in one write transaction; the version read inside it refuses the second
//! of two concurrent edits.

use redb::ReadableTable;
use ticedu_store::records::{AuditEntry, StoredYear, YearChange};
use ticedu_store::*;

use crate::EmbeddedStore;
use crate::audit::record;
use crate::rows::{exists, get_json, open, open_read, put_json};
use crate::tables::{YEAR_CHANGES, YEARS};

impl YearStore for EmbeddedStore {
    async fn stored_years(&self) -> StoreResult<Vec<StoredYear>> {
        self.read("stored_years", |txn| {
            let mut years = Vec::new();
            for entry in open_read(txn, YEARS)?.iter().or_backend()? {
                let (_, value) = entry.or_backend()?;
                years.push(serde_json::from_slice(value.value()).or_backend()?);
            }
            Ok(years)
        })
        .await
    }

    async fn save_year(
        &self,
        year: &StoredYear,
        change: &YearChange,
        audit: &AuditEntry,
    ) -> StoreResult<()> {
        let (year, change, audit) = (year.clone(), change.clone(), audit.clone());
        self.write("save_year", move |txn| {
            let mut years = open(txn, YEARS)?;
            let key = (year.data.part().as_str(), year.data.year());
            let stored: Option<StoredYear> = get_json(&years, key)?;
            year.check_replaces(stored.as_ref(), &change)?;
            let mut changes = open(txn, YEAR_CHANGES)?;
            let change_key = change.sort_key();
            if exists(&changes, change_key.as_str())? {
                return Err(Refusal::StaleYearVersion.into());
            }
            put_json(&mut years, key, &year)?;
            put_json(&mut changes, change_key.as_str(), &change)?;
            record(txn, &audit)
        })
        .await
    }

    async fn year_changes(&self) -> StoreResult<Vec<YearChange>> {
        self.read("year_changes", |txn| {
            let mut changes = Vec::new();
            for entry in open_read(txn, YEAR_CHANGES)?.iter().or_backend()?.rev() {
                let (_, value) = entry.or_backend()?;
                changes.push(serde_json::from_slice(value.value()).or_backend()?);
            }
            Ok(changes)
        })
        .await
    }
}
