//! The balance's history (R13). Entries are written by the transactions that
//! move the balance (`cards`, `orders`); their key is derived from the cause,
//! so that one cause can never move the balance twice.

use ticedu_store::ids::LearnerId;
use ticedu_store::records::LedgerEntry;
use ticedu_store::*;

use crate::DynamoStore;
use crate::keys::{self, Item};
use crate::request::{Keys, Sorted, to_item};

/// The item of `entry` in `learner`'s ledger.
pub(crate) fn ledger_item(learner: &LearnerId, entry: &LedgerEntry) -> Attempt<Item> {
    to_item(
        entry,
        &keys::ledger(learner, &LedgerEntry::entry_id(&entry.reason)),
    )
}

impl LedgerStore for DynamoStore {
    async fn ledger(&self, learner: &LearnerId) -> StoreResult<Vec<LedgerEntry>> {
        let mut entries: Vec<LedgerEntry> = during(
            "ledger",
            self.query_records(
                &keys::learner_partition(learner),
                Some(keys::LEDGER_PREFIX),
                Keys::Table,
                Sorted::Ascending,
            ),
        )
        .await?;
        entries.sort_by_key(|entry| entry.at);
        Ok(entries)
    }
}
