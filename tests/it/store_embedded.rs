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

/// Writes that queue up together share one durable commit, yet each is
/// still its own transaction: a refused one among them leaves nothing and
/// takes nothing from the others, and every acknowledged one is in the file
/// the moment the last handle is dropped (the writer thread has closed it).
#[tokio::test]
async fn writes_committed_together_are_each_kept_or_refused_alone() {
    use ticedu_domain::cycle::CycleNumber;
    use ticedu_domain::money::Fen;
    use ticedu_store::records::AuditAction;
    use ticedu_store::{CardStore, LearnerStore, OrderStore, ProgressStore, Refusal, StoreError};
    use ticedu_tests::fixtures::*;

    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("ticedu.redb");
    let store = EmbeddedStore::open(&path).expect("open");
    let mut learners = Vec::new();
    for i in 0..24 {
        let learner = new_learner();
        store.create_learner(&learner).await.unwrap();
        let bought = i % 2 == 0;
        if bought {
            let card = card(Fen::new(3000));
            store
                .issue_cards(
                    std::slice::from_ref(&card),
                    &audit(AuditAction::CardsIssued),
                )
                .await
                .unwrap();
            store.redeem_card(&card, &learner.id, now()).await.unwrap();
            let order = balance_order(&learner.id, vec![hour("sampling", 1)]);
            store.purchase_with_balance(&order).await.unwrap();
        }
        learners.push((learner.id, bought));
    }
    let mut marks = tokio::task::JoinSet::new();
    for (learner, bought) in learners.clone() {
        let store = store.clone();
        marks.spawn(async move {
            let marked = store
                .mark_learned(
                    &learner,
                    &mark(&hour("sampling", 1)),
                    CycleNumber::FIRST,
                    0,
                    now(),
                )
                .await;
            (bought, marked)
        });
    }
    while let Some(done) = marks.join_next().await {
        match done.unwrap() {
            (true, marked) => assert!(marked.is_ok(), "{marked:?}"),
            (false, marked) => assert!(
                matches!(marked, Err(StoreError::Refused(Refusal::HourNotBought))),
                "{marked:?}"
            ),
        }
    }
    drop(store);

    let store = EmbeddedStore::open(&path).expect("the file is free again at once");
    for (learner, bought) in learners {
        let stored = store.learner(&learner).await.unwrap().unwrap();
        assert_eq!(stored.marked_hours, u32::from(bought));
    }
}
