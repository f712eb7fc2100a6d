//! The store contract on the embedded store, each test on its own database file.

use std::ops::Deref;

use tempfile::TempDir;
use ticedu_store_embedded::EmbeddedStore;

struct Fresh {
    store: EmbeddedStore,
    _dir: TempDir,
}

impl Deref for Fresh {
    type Target = EmbeddedStore;
    fn deref(&self) -> &EmbeddedStore {
        &self.store
    }
}

async fn fresh() -> Fresh {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = EmbeddedStore::open(dir.path().join("ticedu.redb")).expect("open");
    Fresh { store, _dir: dir }
}

crate::store_contract::store_contract_tests!(fresh);

/// What the platform stored before cycles existed: the same rows without
/// `cycle` (learners, orders, enrollments, marks, filings).
#[tokio::test]
async fn records_stored_before_cycles_read_as_the_first_cycle() {
    use redb::{ReadableTable, TableDefinition};

    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("ticedu.redb");
    let legacy = {
        let store = EmbeddedStore::open(&path).expect("open");
        crate::store_contract::seed_legacy(&store).await
    };

    // Back to the old format: no row carries a cycle.
    fn strip(json: &[u8]) -> Vec<u8> {
        let mut value: serde_json::Value = serde_json::from_slice(json).unwrap();
        value.as_object_mut().unwrap().remove("cycle");
        serde_json::to_vec(&value).unwrap()
    }
    let database = redb::Database::open(&path).expect("the database file");
    let txn = database.begin_write().unwrap();
    for name in ["learners", "orders", "renewals"] {
        let mut table = txn
            .open_table(TableDefinition::<&str, &[u8]>::new(name))
            .unwrap();
        let rows: Vec<(String, Vec<u8>)> = table
            .iter()
            .unwrap()
            .map(|row| {
                let (key, value) = row.unwrap();
                (key.value().to_owned(), strip(value.value()))
            })
            .collect();
        for (key, value) in rows {
            table.insert(key.as_str(), value.as_slice()).unwrap();
        }
    }
    for name in ["enrollments", "marks"] {
        let mut table = txn
            .open_table(TableDefinition::<(&str, &str), &[u8]>::new(name))
            .unwrap();
        let rows: Vec<((String, String), Vec<u8>)> = table
            .iter()
            .unwrap()
            .map(|row| {
                let (key, value) = row.unwrap();
                let (first, second) = key.value();
                ((first.to_owned(), second.to_owned()), strip(value.value()))
            })
            .collect();
        for ((first, second), value) in rows {
            table
                .insert((first.as_str(), second.as_str()), value.as_slice())
                .unwrap();
        }
    }
    txn.commit().unwrap();
    drop(database);

    let store = EmbeddedStore::open(&path).expect("open");
    crate::store_contract::legacy_records_read_as_the_first_cycle(&store, &legacy).await;
}
