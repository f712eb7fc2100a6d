//! Learners found by name, phone or e-mail: an item per (lookup key,
//! learner), written in the registration's transaction; `index_lookups`
//! replaces a learner's set in one transaction with their record's list.

use ticedu_domain::identity::LookupKey;
use ticedu_store::ids::LearnerId;
use ticedu_store::records::Learner;
use ticedu_store::*;

use crate::DynamoStore;
use crate::keys::{self, Item};
use crate::request::{EXISTING_ITEM, Expr, from_item, s, sdk_failure, to_value};
use crate::transaction::Transaction;

/// The parts of a re-indexing.
#[derive(Clone, Copy, PartialEq)]
enum Indexing {
    Profile,
    Entry,
}

/// Adds the index items of `keys` to a transaction (registration or re-indexing).
pub(crate) fn index<P: Copy + PartialEq>(
    transaction: &mut Transaction<P>,
    part: P,
    learner: &LearnerId,
    keys: &[LookupKey],
) -> Attempt<()> {
    for key in keys {
        let mut item: Item = keys::lookup(key, learner).item();
        item.insert("learner".to_owned(), s(learner.as_str()));
        // Repeating a registration's or an indexing's item changes nothing.
        transaction.put_always(part, item)?;
    }
    Ok(())
}

impl LookupStore for DynamoStore {
    async fn learners_by_lookup(
        &self,
        key: &LookupKey,
        limit: usize,
    ) -> StoreResult<Vec<LearnerId>> {
        during("learners_by_lookup", async {
            let output = self
                .client
                .query()
                .table_name(&*self.table)
                .key_condition_expression("pk = :pk")
                .expression_attribute_values(":pk", s(keys::lookup_partition(key)))
                .limit(i32::try_from(limit).or_backend()?)
                .consistent_read(true)
                .send()
                .await
                .map_err(sdk_failure)?;
            output
                .items
                .unwrap_or_default()
                .iter()
                .filter_map(|item| item.get("learner")?.as_s().ok())
                .map(|id| LearnerId::parse(id).or_backend())
                .collect()
        })
        .await
    }

    async fn index_lookups(&self, learner: &LearnerId, keys: &[LookupKey]) -> StoreResult<()> {
        during("index_lookups", async {
            let stored: Learner = self
                .get_record(&keys::profile(learner))
                .await?
                .ok_or(Failure::Refused(Refusal::UnknownLearner))?;
            let mut transaction = self.transaction();
            transaction.update(
                Indexing::Profile,
                &keys::profile(learner),
                "SET #lookups = :lookups",
                EXISTING_ITEM,
                Expr::default()
                    .name("#lookups", "lookups")
                    .value(":lookups", to_value(&keys)?),
            )?;
            for old in stored
                .registration
                .lookups
                .iter()
                .filter(|old| !keys.contains(old))
            {
                transaction.delete(Indexing::Entry, &keys::lookup(old, learner))?;
            }
            index(&mut transaction, Indexing::Entry, learner, keys)?;
            self.transact(transaction).await.map_err(|error| {
                error.explain(|part| (part == Indexing::Profile).then_some(Refusal::UnknownLearner))
            })
        })
        .await
    }

    async fn unindexed_learners(&self, limit: usize) -> StoreResult<Vec<Learner>> {
        during("unindexed_learners", async {
            // A Scan: this runs once per deployment that has records from
            // before the index, page by page, from an administrator's screen.
            let mut found = Vec::new();
            let mut start = None;
            loop {
                let output = self
                    .client
                    .scan()
                    .table_name(&*self.table)
                    .filter_expression("sk = :profile AND attribute_not_exists(#lookups)")
                    .expression_attribute_names("#lookups", "lookups")
                    .expression_attribute_values(":profile", s("PROFILE"))
                    .consistent_read(true)
                    .set_exclusive_start_key(start.take())
                    .send()
                    .await
                    .map_err(sdk_failure)?;
                for item in output.items.unwrap_or_default() {
                    if found.len() == limit {
                        return Ok(found);
                    }
                    found.push(from_item(item)?);
                }
                match output.last_evaluated_key {
                    Some(key) if !key.is_empty() => start = Some(key),
                    _ => return Ok(found),
                }
            }
        })
        .await
    }
}
