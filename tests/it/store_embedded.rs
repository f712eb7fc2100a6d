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
/// `cycle` (learners, orders, enrollments, marks, filings). They read as the
/// first cycle, and that cycle closes as any other.
#[tokio::test]
async fn records_stored_before_cycles_read_as_the_first_cycle() {
    use redb::{ReadableTable, TableDefinition};
    use ticedu_domain::cycle::CycleNumber;
    use ticedu_domain::learner::LearnerKind;
    use ticedu_domain::money::Fen;
    use ticedu_store::records::*;
    use ticedu_store::*;
    use ticedu_tests::fixtures::*;

    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("ticedu.redb");
    let learner = new_learner_with(id_number_seed(), LearnerKind::Holder(holder_details()));
    let bought = balance_order(&learner.id, vec![hour("sampling", 1)]);
    let registration = RenewalRegistration {
        details: holder_details(),
        filed_at: now(),
        status: FilingStatus::Filed,
        overdue: false,
        cycle: CycleNumber::FIRST,
        decision: None,
    };
    {
        let store = EmbeddedStore::open(&path).expect("open");
        store.create_learner(&learner).await.unwrap();
        let card = card(Fen::from_yuan(15));
        store
            .issue_cards(std::slice::from_ref(&card))
            .await
            .unwrap();
        store.redeem_card(&card, &learner.id, now()).await.unwrap();
        store.purchase_with_balance(&bought).await.unwrap();
        store
            .mark_learned(&learner.id, &mark(&bought.hours[0]), CycleNumber::FIRST)
            .await
            .unwrap();
        store
            .file_renewal(&learner.id, &registration)
            .await
            .unwrap();
    }

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
    let stored = store.learner(&learner.id).await.unwrap().unwrap();
    assert_eq!((stored.cycle, stored.marked_hours), (CycleNumber::FIRST, 1));
    assert_eq!(
        store.marks(&learner.id).await.unwrap()[0].cycle,
        CycleNumber::FIRST
    );
    assert_eq!(
        store.enrollments(&learner.id).await.unwrap()[0].cycle,
        CycleNumber::FIRST
    );
    assert_eq!(store.order(&bought.no).await.unwrap().unwrap(), bought);
    assert_eq!(
        store
            .renewal(&learner.id, CycleNumber::FIRST)
            .await
            .unwrap()
            .unwrap(),
        registration
    );
    let certificate = certificate_for(&learner);
    let closing = CycleClosing::of(&stored, &certificate).accepting(FilingKind::Renewal, None);
    store
        .issue_certificate(&certificate, &closing)
        .await
        .unwrap();
    assert_eq!(
        store.learner(&learner.id).await.unwrap().unwrap().cycle,
        CycleNumber::FIRST.next()
    );
}
