//! Group commit: one writer thread runs every write operation, and the
//! operations that queued up while the last batch was being flushed share
//! one `fsync`.
//!
//! A durable redb commit costs an `fsync`, a few hundred microseconds on a
//! good disk: one commit per operation caps every write (a 学过了 mark, a
//! purchase) at the disk's flush rate, whatever the CPU could do. Here each
//! operation still runs in its own write transaction — so a refusal aborts
//! that operation alone, as before — but committed with
//! [`Durability::None`]; the batch ends with one [`Durability::Immediate`]
//! commit, which makes every commit before it durable too (redb's
//! ordering), and only then is any operation of the batch answered. An
//! answer therefore still means "on disk": a SIGKILL loses only operations
//! nobody was told about. Refusals wait for the flush as well, since what
//! they saw may include a commit of the same batch.
//!
//! Readers may see a batch's writes a fraction of a millisecond before they
//! are durable; a crash in between loses them as if they had never been
//! made, and no write that depended on them can have been acknowledged.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::thread::JoinHandle;

use redb::{Database, Durability, WriteTransaction};
use ticedu_store::{Attempt, Failure, OrBackend};

/// Operations flushed together at most: bounds how long the first of a
/// batch waits behind the others (each a few tens of microseconds of work).
const MAX_BATCH: usize = 64;

/// The answer to one operation, given the outcome of its batch's flush.
type Answer = Box<dyn FnOnce(&Result<(), String>) + Send>;
/// One operation: runs its transaction and says whether it committed.
type Job = Box<dyn FnOnce(&Database, Durability) -> (Committed, Answer) + Send>;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Committed {
    Yes,
    No,
}

/// The writer thread and the queue to it. Dropped with the last store
/// handle: the thread finishes the queue and closes the database, so the
/// same file can be opened again at once.
pub(crate) struct Writer {
    jobs: Option<Sender<Job>>,
    thread: Option<JoinHandle<()>>,
}

impl Writer {
    pub(crate) fn start(db: Arc<Database>) -> std::io::Result<Self> {
        let (jobs, queue) = channel();
        let thread = std::thread::Builder::new()
            .name("ticedu-store-writer".to_owned())
            .spawn(move || write_batches(&db, &queue))?;
        Ok(Self {
            jobs: Some(jobs),
            thread: Some(thread),
        })
    }

    /// Runs `work` in a write transaction of its own: committed if it
    /// returns `Ok`, aborted if it returns `Err`; answered once durable.
    pub(crate) async fn write<T, F>(&self, work: F) -> Attempt<T>
    where
        T: Send + 'static,
        F: FnOnce(&WriteTransaction) -> Attempt<T> + Send + 'static,
    {
        let (answer, answered) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move |db, durability| {
            let outcome = run(db, durability, work);
            let committed = if outcome.is_ok() {
                Committed::Yes
            } else {
                Committed::No
            };
            let reply: Answer = Box::new(move |flushed: &Result<(), String>| {
                let result = match flushed {
                    Ok(()) => outcome,
                    Err(message) => Err(Failure::Backend(message.clone())),
                };
                // The caller may have stopped waiting (a dropped request): nothing to tell.
                let _ = answer.send(result);
            });
            (committed, reply)
        });
        let sent = self
            .jobs
            .as_ref()
            .is_some_and(|jobs| jobs.send(job).is_ok());
        if !sent {
            return Err(Failure::backend("the store writer has stopped"));
        }
        answered
            .await
            .map_err(|_| Failure::backend("the store writer stopped before answering"))?
    }
}

impl Drop for Writer {
    fn drop(&mut self) {
        self.jobs.take();
        if let Some(thread) = self.thread.take()
            && thread.thread().id() != std::thread::current().id()
        {
            let _ = thread.join();
        }
    }
}

/// The writer thread: waits for an operation, takes whatever else queued
/// meanwhile, runs them in order, flushes once, answers them all.
fn write_batches(db: &Database, queue: &Receiver<Job>) {
    while let Ok(first) = queue.recv() {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match queue.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        let last = batch.len() - 1;
        let mut unflushed = false;
        let mut answers = Vec::with_capacity(batch.len());
        for (i, job) in batch.into_iter().enumerate() {
            // The last of the batch commits durably itself: under a light
            // load (a batch of one) that is the only commit, as before.
            let durability = if i == last {
                Durability::Immediate
            } else {
                Durability::None
            };
            let (committed, answer) = job(db, durability);
            unflushed = match (committed, durability) {
                (Committed::Yes, Durability::Immediate) => false,
                (Committed::Yes, _) => true,
                (Committed::No, _) => unflushed,
            };
            answers.push(answer);
        }
        let flushed = if unflushed { flush(db) } else { Ok(()) };
        for answer in answers {
            answer(&flushed);
        }
    }
}

/// One operation's transaction. A panic in `work` (a bug) aborts this
/// operation only and is reported as a backend failure.
fn run<T>(
    db: &Database,
    durability: Durability,
    work: impl FnOnce(&WriteTransaction) -> Attempt<T>,
) -> Attempt<T> {
    catch_unwind(AssertUnwindSafe(|| {
        let mut txn = db.begin_write().or_backend()?;
        txn.set_durability(durability).or_backend()?;
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
    }))
    .unwrap_or_else(|_| Err(Failure::backend("a store write panicked")))
}

/// An empty durable commit: makes every non-durable commit before it durable.
fn flush(db: &Database) -> Result<(), String> {
    let txn = db.begin_write().map_err(|e| e.to_string())?;
    txn.commit().map_err(|e| e.to_string())
}
