//! The audit trail of staff actions. Each entry is one item in the `AUDIT`
//! partition, sorted by time; an entry about a learner is also on gsi1 under
//! `LEARNER#<id>` beside their orders and certificates. One item, not a
//! second copy per learner: a change's transaction gains a single Put (a
//! batch of 99 cards stays within DynamoDB's 100 items), and the learner's
//! trail is a staff screen, where gsi1's eventual consistency (well under a
//! second) is acceptable as it is for staff's queues.

use ticedu_store::ids::LearnerId;
use ticedu_store::records::{AuditEntry, AuditPage, AuditQuery};
use ticedu_store::*;

use crate::DynamoStore;
use crate::keys::{self, Item, Key};
use crate::request::{Expr, Keys, Sorted, from_item, s, sdk_failure, to_item, with_gsi1};
use crate::transaction::Transaction;

/// The item of `entry`, for the transaction of the change it records
/// (added with `put_new`: time and a random nonce are unique).
pub(crate) fn audit_item(entry: &AuditEntry) -> Attempt<Item> {
    let item = to_item(entry, &keys::audit_entry(entry))?;
    Ok(match &entry.learner {
        Some(learner) => with_gsi1(
            item,
            keys::learner_partition(learner),
            format!("{}{}", keys::GSI1_AUDIT_PREFIX, entry.sort_key()),
        ),
        None => item,
    })
}

/// The part an audit entry plays in a record-only transaction.
#[derive(Clone, Copy, PartialEq)]
enum Recording {
    Entry,
}

impl DynamoStore {
    /// Up to `size + 1` entries older than `before`, newest first: the extra
    /// one tells whether another page follows.
    async fn older_entries(&self, before: Option<&str>, size: usize) -> Attempt<Vec<Item>> {
        let wanted = size + 1;
        let condition = match before {
            Some(_) => "pk = :pk AND sk < :before",
            None => "pk = :pk",
        };
        let mut items = Vec::with_capacity(wanted);
        let mut start = None;
        loop {
            let remaining = i32::try_from(wanted - items.len()).or_backend()?;
            let output = self
                .client
                .query()
                .table_name(&*self.table)
                .key_condition_expression(condition)
                .expression_attribute_values(":pk", s(keys::AUDIT))
                .set_exclusive_start_key(start.take())
                .scan_index_forward(false)
                .consistent_read(true)
                .limit(remaining);
            let output = match before {
                Some(before) => output.expression_attribute_values(":before", s(before)),
                None => output,
            }
            .send()
            .await
            .map_err(sdk_failure)?;
            items.extend(output.items.unwrap_or_default());
            match output.last_evaluated_key {
                Some(key) if !key.is_empty() && items.len() < wanted => start = Some(key),
                _ => return Ok(items),
            }
        }
    }
}

impl AuditStore for DynamoStore {
    async fn record_audit(&self, entry: &AuditEntry) -> StoreResult<()> {
        during("record_audit", async {
            let mut transaction = self.transaction();
            transaction.put_new(Recording::Entry, audit_item(entry)?)?;
            self.transact(transaction)
                .await
                .map_err(|error| error.explain(|_| None))
        })
        .await
    }

    async fn audit_trail(&self, query: &AuditQuery) -> StoreResult<AuditPage> {
        during("audit_trail", async {
            let size = query.page_size();
            let entries = self
                .older_entries(query.before.as_deref(), size)
                .await?
                .into_iter()
                .map(from_item)
                .collect::<Attempt<Vec<AuditEntry>>>()?;
            Ok(AuditPage::of(entries, size))
        })
        .await
    }

    async fn learner_audit_trail(&self, learner: &LearnerId) -> StoreResult<Vec<AuditEntry>> {
        during(
            "learner_audit_trail",
            self.query_records(
                &keys::learner_partition(learner),
                Some(keys::GSI1_AUDIT_PREFIX),
                Keys::Gsi1,
                Sorted::Descending,
            ),
        )
        .await
    }
}

impl<P> Transaction<P> {
    /// Adds the audit entry of the staff action this transaction is.
    pub(crate) fn put_audit(&mut self, part: P, entry: &AuditEntry) -> Attempt<()> {
        self.put_new(part, audit_item(entry)?)
    }
}

/// The items of a staff change that is one update.
#[derive(Clone, Copy, PartialEq)]
enum Audited {
    Change,
    Entry,
}

impl DynamoStore {
    /// One conditional update and the audit entry of the staff action it is,
    /// in one TransactWriteItems; `Ok(false)` (nothing written) when the
    /// update's condition failed.
    pub(crate) async fn update_audited(
        &self,
        key: &Key,
        update: &str,
        condition: &str,
        expr: Expr,
        audit: &AuditEntry,
    ) -> Attempt<bool> {
        let mut transaction = self.transaction();
        transaction.update(Audited::Change, key, update, condition, expr)?;
        transaction.put_audit(Audited::Entry, audit)?;
        let cancellation = match self.transact(transaction).await {
            Ok(()) => return Ok(true),
            Err(error) => error.cancellation()?,
        };
        if cancellation.failed(Audited::Change) {
            return Ok(false);
        }
        Err(cancellation.explain(|_| None))
    }
}
