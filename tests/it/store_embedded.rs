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
