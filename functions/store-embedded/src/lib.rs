//! ticedu's storage traits on an embedded [redb] database file.
//!
//! redb gives ACID write transactions with a single writer at a time and
//! durable commits: what was committed before a `kill -9` is there after a
//! restart, and an aborted transaction leaves nothing behind. Each trait
//! operation is one write transaction that reads what it checks, checks it,
//! and writes or aborts, so the conditions DynamoDB evaluates server-side
//! hold here by serialisation. Records are JSON values in typed tables.
//!
//! redb is synchronous; every operation runs on tokio's blocking pool. Each
//! capability's storage is a module of its own (`learners.rs`, `cards.rs` …);
//! `rows.rs` holds the table reads and writes they share.

mod audit;
mod cards;
mod certificates;
mod filings;
mod imports;
mod invoices;
mod learners;
mod ledger;
mod lookups;
mod orders;
mod progress;
mod reconciliation;
mod rows;
mod sessions;
mod staff;
mod tables;
mod throttle;
mod years;

use std::path::Path;
use std::sync::Arc;

use redb::{Database, ReadTransaction, ReadableDatabase, WriteTransaction};
use ticedu_store::{Attempt, OrBackend, StoreResult, during};

/// The embedded store. Cheap to clone; clones share the database.
#[derive(Clone)]
pub struct EmbeddedStore {
    db: Arc<Database>,
}

impl EmbeddedStore {
    /// Opens the database file at `path`, creating it (and its tables) if needed.
    pub fn open(path: impl AsRef<Path>) -> StoreResult<Self> {
        let create = || -> Attempt<Database> {
            let db = Database::create(path).or_backend()?;
            let txn = db.begin_write().or_backend()?;
            tables::create_all_tables(&txn).or_backend()?;
            txn.commit().or_backend()?;
            Ok(db)
        };
        let db = create().map_err(|failure| failure.during("open"))?;
        Ok(Self { db: Arc::new(db) })
    }

    /// Runs `work` as `operation` in one write transaction: committed if it
    /// returns `Ok`, aborted (nothing written) if it returns `Err`.
    async fn write<T, F>(&self, operation: &'static str, work: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&WriteTransaction) -> Attempt<T> + Send + 'static,
    {
        let db = Arc::clone(&self.db);
        blocking(operation, move || {
            let txn = db.begin_write().or_backend()?;
            match work(&txn) {
                Ok(value) => {
                    txn.commit().or_backend()?;
                    Ok(value)
                }
                Err(failure) => {
                    txn.abort().or_backend()?;
                    Err(failure)
                }
            }
        })
        .await
    }

    /// Runs `work` as `operation` on a snapshot of the database.
    async fn read<T, F>(&self, operation: &'static str, work: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&ReadTransaction) -> Attempt<T> + Send + 'static,
    {
        let db = Arc::clone(&self.db);
        blocking(operation, move || work(&db.begin_read().or_backend()?)).await
    }
}

/// Runs `run` on tokio's blocking pool, where redb's synchronous calls may wait.
async fn blocking<T: Send + 'static>(
    operation: &'static str,
    run: impl FnOnce() -> Attempt<T> + Send + 'static,
) -> StoreResult<T> {
    during(operation, async {
        tokio::task::spawn_blocking(run).await.or_backend()?
    })
    .await
}
