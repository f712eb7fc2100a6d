//! Reading and writing rows, shared by every capability. Helpers return
//! [`Attempt`]: the operation is named once, by the transaction that runs them.

use redb::{
    ReadOnlyTable, ReadTransaction, ReadableTable, Table, TableDefinition, WriteTransaction,
};
use serde::Serialize;
use serde::de::DeserializeOwned;
use ticedu_store::ids::LearnerId;
use ticedu_store::{Attempt, OrBackend};

use crate::tables::{Json, PerLearner};

/// The highest key's second half: `(first, "")..=(first, LAST)` is every row of `first`.
pub(crate) const LAST: &str = "\u{10FFFF}";

/// Reads and decodes one JSON record.
pub(crate) fn get_json<K, T>(
    table: &impl ReadableTable<K, Json>,
    key: K::SelfType<'_>,
) -> Attempt<Option<T>>
where
    K: redb::Key + 'static,
    T: DeserializeOwned,
{
    match table.get(key).or_backend()? {
        Some(bytes) => serde_json::from_slice(bytes.value()).or_backend().map(Some),
        None => Ok(None),
    }
}

pub(crate) fn put_json<K, T>(
    table: &mut Table<'_, K, Json>,
    key: K::SelfType<'_>,
    value: &T,
) -> Attempt<()>
where
    K: redb::Key + 'static,
    T: Serialize,
{
    let bytes = serde_json::to_vec(value).or_backend()?;
    table.insert(key, bytes.as_slice()).or_backend()?;
    Ok(())
}

pub(crate) fn exists<K, V>(table: &impl ReadableTable<K, V>, key: K::SelfType<'_>) -> Attempt<bool>
where
    K: redb::Key + 'static,
    V: redb::Value + 'static,
{
    Ok(table.get(key).or_backend()?.is_some())
}

pub(crate) fn open<'txn, K: redb::Key + 'static, V: redb::Value + 'static>(
    txn: &'txn WriteTransaction,
    definition: TableDefinition<K, V>,
) -> Attempt<Table<'txn, K, V>> {
    txn.open_table(definition).or_backend()
}

pub(crate) fn open_read<K: redb::Key + 'static, V: redb::Value + 'static>(
    txn: &ReadTransaction,
    definition: TableDefinition<K, V>,
) -> Attempt<ReadOnlyTable<K, V>> {
    txn.open_table(definition).or_backend()
}

/// Every value of a `(first, second)` table whose first key is `first`, in key order.
pub(crate) fn rows_of<T: DeserializeOwned>(
    table: &impl ReadableTable<PerLearner, Json>,
    first: &str,
) -> Attempt<Vec<T>> {
    let mut rows = Vec::new();
    for entry in table.range((first, "")..=(first, LAST)).or_backend()? {
        let (_, value) = entry.or_backend()?;
        rows.push(serde_json::from_slice(value.value()).or_backend()?);
    }
    Ok(rows)
}

/// The records an index `(first, record key)` lists under `first`, in key order.
pub(crate) fn indexed<T: DeserializeOwned, V: redb::Value + 'static>(
    index: &ReadOnlyTable<PerLearner, V>,
    records: &ReadOnlyTable<&'static str, Json>,
    first: &str,
) -> Attempt<Vec<T>> {
    let mut found = Vec::new();
    for entry in index.range((first, "")..=(first, LAST)).or_backend()? {
        let (key, _) = entry.or_backend()?;
        if let Some(record) = get_json(records, key.value().1)? {
            found.push(record);
        }
    }
    Ok(found)
}

/// The learners on a staff queue, in key order.
pub(crate) fn queued(queue: &ReadOnlyTable<&'static str, ()>) -> Attempt<Vec<LearnerId>> {
    let mut ids = Vec::new();
    for entry in queue.iter().or_backend()? {
        let (id, _) = entry.or_backend()?;
        ids.push(LearnerId::parse(id.value()).or_backend()?);
    }
    Ok(ids)
}
