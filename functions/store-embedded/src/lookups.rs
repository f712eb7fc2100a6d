//! Learners found by name, phone or e-mail: `(lookup key, learner id)` rows,
//! written with the registration and replaced by `index_lookups`.

use redb::{ReadableTable, WriteTransaction};
use ticedu_domain::identity::LookupKey;
use ticedu_store::ids::LearnerId;
use ticedu_store::records::Learner;
use ticedu_store::*;

use crate::EmbeddedStore;
use crate::learners::existing_learner;
use crate::rows::{LAST, open, open_read, put_json};
use crate::tables::{LEARNERS, LOOKUPS};

/// Indexes `keys` for `learner` (registration and re-indexing alike).
pub(crate) fn index(
    txn: &WriteTransaction,
    learner: &LearnerId,
    keys: &[LookupKey],
) -> Attempt<()> {
    let mut lookups = open(txn, LOOKUPS)?;
    for key in keys {
        lookups
            .insert((key.as_str(), learner.as_str()), ())
            .or_backend()?;
    }
    Ok(())
}

impl LookupStore for EmbeddedStore {
    async fn learners_by_lookup(
        &self,
        key: &LookupKey,
        limit: usize,
    ) -> StoreResult<Vec<LearnerId>> {
        let key = key.clone();
        self.read("learners_by_lookup", move |txn| {
            let lookups = open_read(txn, LOOKUPS)?;
            let mut found = Vec::new();
            for row in lookups
                .range((key.as_str(), "")..=(key.as_str(), LAST))
                .or_backend()?
                .take(limit)
            {
                let (row, _) = row.or_backend()?;
                found.push(LearnerId::parse(row.value().1).or_backend()?);
            }
            Ok(found)
        })
        .await
    }

    async fn index_lookups(&self, learner: &LearnerId, keys: &[LookupKey]) -> StoreResult<()> {
        let (learner, keys) = (learner.clone(), keys.to_vec());
        self.write("index_lookups", move |txn| {
            let mut learners = open(txn, LEARNERS)?;
            let mut stored = existing_learner(&learners, &learner)?;
            {
                let mut lookups = open(txn, LOOKUPS)?;
                for old in stored
                    .registration
                    .lookups
                    .iter()
                    .filter(|old| !keys.contains(old))
                {
                    lookups
                        .remove((old.as_str(), learner.as_str()))
                        .or_backend()?;
                }
            }
            index(txn, &learner, &keys)?;
            stored.registration.lookups = keys.clone();
            put_json(&mut learners, learner.as_str(), &stored)
        })
        .await
    }

    async fn unindexed_learners(&self, limit: usize) -> StoreResult<Vec<Learner>> {
        self.read("unindexed_learners", move |txn| {
            let learners = open_read(txn, LEARNERS)?;
            let mut found = Vec::new();
            for row in learners.iter().or_backend()? {
                if found.len() == limit {
                    break;
                }
                let (_, value) = row.or_backend()?;
                let learner: Learner = serde_json::from_slice(value.value()).or_backend()?;
                if learner.registration.lookups.is_empty() {
                    found.push(learner);
                }
            }
            Ok(found)
        })
        .await
    }
}
