//! The balance's history (R13). Only [`post_to_ledger`] moves a balance, so
//! that a balance always equals the sum of its ledger.

use redb::WriteTransaction;
use ticedu_store::ids::LearnerId;
use ticedu_store::records::LedgerEntry;
use ticedu_store::*;

use crate::EmbeddedStore;
use crate::learners::existing_learner;
use crate::rows::{open, open_read, put_json, rows_of};
use crate::tables::{LEARNERS, LEDGER};

/// Moves a learner's balance by the entry's change and writes the entry,
/// inside the caller's transaction. Refuses a debit the balance does not cover.
pub(crate) fn post_to_ledger(
    txn: &WriteTransaction,
    learner_id: &LearnerId,
    entry: &LedgerEntry,
) -> Attempt<()> {
    let mut learners = open(txn, LEARNERS)?;
    let mut learner = existing_learner(&learners, learner_id)?;
    let balance = i128::from(learner.balance.get()) + i128::from(entry.change_fen);
    let balance = u64::try_from(balance).map_err(|_| Refusal::InsufficientBalance)?;
    learner.balance = ticedu_domain::money::Fen::new(balance);
    put_json(&mut learners, learner_id.as_str(), &learner)?;
    let entry_id = LedgerEntry::entry_id(&entry.reason);
    put_json(
        &mut open(txn, LEDGER)?,
        (learner_id.as_str(), entry_id.as_str()),
        entry,
    )
}

impl LedgerStore for EmbeddedStore {
    async fn ledger(&self, learner: &LearnerId) -> StoreResult<Vec<LedgerEntry>> {
        let learner = learner.clone();
        self.read("ledger", move |txn| {
            let mut entries: Vec<LedgerEntry> =
                rows_of(&open_read(txn, LEDGER)?, learner.as_str())?;
            entries.sort_by_key(|entry| entry.at);
            Ok(entries)
        })
        .await
    }
}
