//! The audit trail of staff actions: one row per entry in time order, and an
//! index of the entries about each learner. A change's method writes its
//! entry with [`record`] inside its own write transaction.

use redb::WriteTransaction;
use ticedu_store::ids::LearnerId;
use ticedu_store::records::{AuditEntry, AuditPage, AuditQuery};
use ticedu_store::*;

use crate::EmbeddedStore;
use crate::rows::{LAST, exists, get_json, open, open_read, put_json};
use crate::tables::{AUDIT, LEARNER_AUDIT};

/// Writes `entry` in the transaction of the change it records.
pub(crate) fn record(txn: &WriteTransaction, entry: &AuditEntry) -> Attempt<()> {
    let key = entry.sort_key();
    let mut trail = open(txn, AUDIT)?;
    // Time and a random nonce: a clash means the caller wrote one entry twice.
    if exists(&trail, key.as_str())? {
        return Err(Failure::backend("an audit entry with this sort key exists"));
    }
    put_json(&mut trail, key.as_str(), entry)?;
    if let Some(learner) = &entry.learner {
        open(txn, LEARNER_AUDIT)?
            .insert((learner.as_str(), key.as_str()), ())
            .or_backend()?;
    }
    Ok(())
}

impl AuditStore for EmbeddedStore {
    async fn record_audit(&self, entry: &AuditEntry) -> StoreResult<()> {
        let entry = entry.clone();
        self.write("record_audit", move |txn| record(txn, &entry))
            .await
    }

    async fn audit_trail(&self, query: &AuditQuery) -> StoreResult<AuditPage> {
        let (before, size) = (query.before.clone(), query.page_size());
        self.read("audit_trail", move |txn| {
            let trail = open_read(txn, AUDIT)?;
            let rows = match &before {
                Some(cursor) => trail.range(..cursor.as_str()).or_backend()?,
                None => trail.range::<&str>(..).or_backend()?,
            };
            // One more than the page holds tells whether another page follows.
            let mut entries = Vec::with_capacity(size + 1);
            for row in rows.rev().take(size + 1) {
                let (_, value) = row.or_backend()?;
                entries.push(serde_json::from_slice(value.value()).or_backend()?);
            }
            Ok(AuditPage::of(entries, size))
        })
        .await
    }

    async fn learner_audit_trail(&self, learner: &LearnerId) -> StoreResult<Vec<AuditEntry>> {
        let learner = learner.clone();
        self.read("learner_audit_trail", move |txn| {
            let index = open_read(txn, LEARNER_AUDIT)?;
            let trail = open_read(txn, AUDIT)?;
            let mut entries = Vec::new();
            let first = learner.as_str();
            for row in index.range((first, "")..=(first, LAST)).or_backend()?.rev() {
                let (key, _) = row.or_backend()?;
                if let Some(entry) = get_json(&trail, key.value().1)? {
                    entries.push(entry);
                }
            }
            Ok(entries)
        })
        .await
    }
}
