//! ticedu's storage traits on an embedded [redb] database file.
//!
//! redb gives ACID write transactions with a single writer at a time and
//! durable commits: what was committed before a `kill -9` is there after a
//! restart, and an aborted transaction leaves nothing behind. Each trait
//! operation is one write transaction that reads what it checks, checks it,
//! and writes or aborts, so the conditions DynamoDB evaluates server-side
//! hold here by serialisation. Records are JSON values in typed tables.
//!
//! redb is synchronous: reads run where they are called (a snapshot read
//! from redb's page cache takes microseconds: handing it to tokio's blocking
//! pool and back cost two thread wake-ups, which made most of a 学过了
//! mark's time under load), writes on one writer thread that commits them in groups (`commits.rs`: the
//! operations queued meanwhile share one transaction and one durable commit). Each
//! capability's storage is a module of its own (`learners.rs`, `cards.rs` …);
//! `rows.rs` holds the table reads and writes they share.

mod audit;
mod cards;
mod certificates;
mod commits;
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

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::sync::Arc;

use redb::{Database, ReadTransaction, ReadableDatabase, WriteTransaction};
use ticedu_store::{Attempt, Failure, OrBackend, StoreResult, during};

use crate::commits::Writer;

/// The embedded store. Cheap to clone; clones share the database and its
/// writer thread, which stops when the last clone is dropped.
#[derive(Clone)]
pub struct EmbeddedStore {
    db: Arc<Database>,
    writer: Arc<Writer>,
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
        let db = Arc::new(create().map_err(|failure| failure.during("open"))?);
        let writer = Writer::start(Arc::clone(&db))
            .or_backend()
            .map_err(|failure| failure.during("open"))?;
        Ok(Self {
            db,
            writer: Arc::new(writer),
        })
    }

    /// Runs `work` as `operation` in a write transaction: its writes kept if
    /// it returns `Ok`, none of them if it returns `Err`; answered once the
    /// commit is durable. `work` may run more than once (see `commits.rs`),
    /// so it must not consume what it captured.
    async fn write<T, F>(&self, operation: &'static str, work: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: FnMut(&WriteTransaction) -> Attempt<T> + Send + 'static,
    {
        during(operation, self.writer.write(work)).await
    }

    /// Runs `work` as `operation` on a snapshot of the database. A panic in
    /// `work` (a bug) fails this read only, as a backend failure.
    async fn read<T, F>(&self, operation: &'static str, work: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&ReadTransaction) -> Attempt<T> + Send + 'static,
    {
        let read = || work(&self.db.begin_read().or_backend()?);
        catch_unwind(AssertUnwindSafe(read))
            .unwrap_or_else(|_| Err(Failure::backend("a store read panicked")))
            .map_err(|failure| failure.during(operation))
    }
}
