//! Group commit: one writer thread runs every write operation, and the
//! operations that queued up while the last batch was being flushed share
//! one write transaction and one `fsync`.
//!
//! A durable redb commit costs an `fsync`, a few hundred microseconds on a
//! good disk: one commit per operation caps every write (a 学过了 mark, a
//! purchase) at the disk's flush rate, whatever the CPU could do. Even a
//! non-durable commit per operation cost a fifth of the writer's time and
//! ~20 KB of freshly copied B-tree pages per 学过了 mark under load, so a
//! batch runs in one transaction, committed durably once, and only then is
//! any operation of the batch answered: an answer still means "on disk", and
//! a SIGKILL loses only operations nobody was told about.
//!
//! A refused operation must leave nothing behind, but redb cannot roll back
//! part of a transaction (savepoints only exist in a clean one). So the
//! operations are re-runnable closures: when one is refused, the batch's
//! transaction is aborted, the operations before it run again in a fresh
//! transaction and commit, and the refused one's answer (computed against
//! exactly that state) stands. The rest of that batch then runs one
//! transaction per operation, so a stream of refusals costs at most twice
//! the work, never a re-run per refusal.
//!
//! Refusals wait for the flush as well, since what they saw may include a
//! commit of the same batch. Readers may see a batch's writes a fraction of
//! a millisecond before they are durable; a crash in between loses them as
//! if they had never been made, and no write that depended on them can have
//! been acknowledged.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::thread::JoinHandle;

use redb::{Database, Durability, WriteTransaction};
use ticedu_store::{Attempt, Failure};

/// Operations flushed together at most: bounds how long the first of a
/// batch waits behind the others (each a few tens of microseconds of work).
const MAX_BATCH: usize = 64;

/// One queued write operation, as the writer thread sees it.
trait Pending: Send {
    /// Runs the operation in `txn`; `true` if its writes are to be kept.
    /// May run more than once, each time against the same database state.
    fn attempt(&mut self, txn: &WriteTransaction) -> bool;
    /// The transaction holding the last attempt could not be committed.
    fn fail(&mut self, message: &str);
    /// Sends the caller the last attempt's outcome.
    fn answer(self: Box<Self>);
}

struct Operation<T, F> {
    work: F,
    outcome: Attempt<T>,
    reply: tokio::sync::oneshot::Sender<Attempt<T>>,
}

impl<T, F> Pending for Operation<T, F>
where
    T: Send,
    F: FnMut(&WriteTransaction) -> Attempt<T> + Send,
{
    fn attempt(&mut self, txn: &WriteTransaction) -> bool {
        // A panic (a bug) fails this operation only, as a backend failure.
        self.outcome = catch_unwind(AssertUnwindSafe(|| (self.work)(txn)))
            .unwrap_or_else(|_| Err(Failure::backend("a store write panicked")));
        self.outcome.is_ok()
    }

    fn fail(&mut self, message: &str) {
        self.outcome = Err(Failure::Backend(message.to_owned()));
    }

    fn answer(self: Box<Self>) {
        // The caller may have stopped waiting (a dropped request): nothing to tell.
        let _ = self.reply.send(self.outcome);
    }
}

type Job = Box<dyn Pending>;

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

    /// Runs `work` in a write transaction: its writes kept if it returns
    /// `Ok`, none of them if it returns `Err`; answered once durable. `work`
    /// may run more than once and must do the same each time (it reads and
    /// writes only through `txn` and what it captured).
    pub(crate) async fn write<T, F>(&self, work: F) -> Attempt<T>
    where
        T: Send + 'static,
        F: FnMut(&WriteTransaction) -> Attempt<T> + Send + 'static,
    {
        let (reply, answered) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(Operation {
            work,
            outcome: Err(Failure::backend("the store writer did not run this write")),
            reply,
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
/// meanwhile, runs them, answers them all once durable.
fn write_batches(db: &Database, queue: &Receiver<Job>) {
    while let Ok(first) = queue.recv() {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match queue.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        write_batch(db, &mut batch);
        for job in batch {
            job.answer();
        }
    }
}

/// Runs a batch's operations in as few transactions as their refusals
/// allow, the last commit durable.
fn write_batch(db: &Database, batch: &mut [Job]) {
    let len = batch.len();
    let (mut start, mut end) = (0, len);
    // After a refusal, one transaction per operation (see the module's docs).
    let mut one_by_one = false;
    let mut unflushed = false;
    while start < len {
        let durable = end == len;
        match run_group(db, &mut batch[start..end], durable) {
            Ok(Group::Committed) => {
                unflushed = !durable;
                start = end;
            }
            Ok(Group::Refused { at: 0 }) => {
                // Attempted against the state committed so far, and nothing of it kept.
                start += 1;
                one_by_one = true;
            }
            Ok(Group::Refused { at }) => {
                // Those before it again, committed; then it, alone.
                end = start + at;
                one_by_one = true;
                continue;
            }
            Err(message) => {
                for job in &mut batch[start..end] {
                    job.fail(&message);
                }
                start = end;
            }
        }
        end = if one_by_one {
            (start + 1).min(len)
        } else {
            len
        };
    }
    if unflushed && let Err(message) = flush(db) {
        for job in batch.iter_mut() {
            job.fail(&message);
        }
    }
}

enum Group {
    Committed,
    /// The operation at this index of the group was refused; the group's
    /// transaction was aborted.
    Refused {
        at: usize,
    },
}

/// Runs `jobs` in one transaction, committed if every one of them succeeds.
fn run_group(db: &Database, jobs: &mut [Job], durable: bool) -> Result<Group, String> {
    let mut txn = db.begin_write().map_err(|e| e.to_string())?;
    let durability = if durable {
        Durability::Immediate
    } else {
        Durability::None
    };
    txn.set_durability(durability).map_err(|e| e.to_string())?;
    for (at, job) in jobs.iter_mut().enumerate() {
        if !job.attempt(&txn) {
            txn.abort().map_err(|e| e.to_string())?;
            return Ok(Group::Refused { at });
        }
    }
    txn.commit().map_err(|e| e.to_string())?;
    Ok(Group::Committed)
}

/// An empty durable commit: makes every non-durable commit before it durable.
fn flush(db: &Database) -> Result<(), String> {
    let txn = db.begin_write().map_err(|e| e.to_string())?;
    txn.commit().map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use redb::backends::InMemoryBackend;
    use redb::{ReadableDatabase, ReadableTable, TableDefinition};
    use ticedu_store::Refusal;
    use tokio::sync::oneshot::Receiver;

    use super::*;

    const ROWS: TableDefinition<&str, u64> = TableDefinition::new("rows");

    fn database() -> Database {
        Database::builder()
            .create_with_backend(InMemoryBackend::new())
            .unwrap()
    }

    /// A queued operation, with how many times it ran and what it was told.
    struct Queued {
        runs: Arc<AtomicUsize>,
        answered: Receiver<Attempt<()>>,
    }

    fn queue(
        batch: &mut Vec<Job>,
        mut work: impl FnMut(&WriteTransaction) -> Attempt<()> + Send + 'static,
    ) -> Queued {
        let runs = Arc::new(AtomicUsize::new(0));
        let (reply, answered) = tokio::sync::oneshot::channel();
        let counted = Arc::clone(&runs);
        batch.push(Box::new(Operation {
            work: move |txn: &WriteTransaction| {
                counted.fetch_add(1, Ordering::SeqCst);
                work(txn)
            },
            outcome: Err(Failure::backend("not run")),
            reply,
        }));
        Queued { runs, answered }
    }

    fn put(key: &'static str, value: u64) -> impl FnMut(&WriteTransaction) -> Attempt<()> {
        move |txn| {
            txn.open_table(ROWS).unwrap().insert(key, value).unwrap();
            Ok(())
        }
    }

    fn run(db: &Database, mut batch: Vec<Job>) {
        write_batch(db, &mut batch);
        for job in batch {
            job.answer();
        }
    }

    fn answer(queued: &mut Queued) -> Attempt<()> {
        queued.answered.try_recv().expect("answered")
    }

    fn stored(db: &Database) -> Vec<(String, u64)> {
        let txn = db.begin_read().unwrap();
        let Ok(table) = txn.open_table(ROWS) else {
            return Vec::new();
        };
        table
            .iter()
            .unwrap()
            .map(|row| {
                let (key, value) = row.unwrap();
                (key.value().to_owned(), value.value())
            })
            .collect()
    }

    #[test]
    fn a_batch_without_refusals_runs_each_operation_once() {
        let db = database();
        let mut batch = Vec::new();
        let mut queued: Vec<_> = (0..5)
            .map(|i| {
                queue(&mut batch, move |txn: &WriteTransaction| {
                    let mut rows = txn.open_table(ROWS).unwrap();
                    // Each sees the one before it, as if committed alone.
                    let before = rows.get("n").unwrap().map_or(0, |n| n.value());
                    assert_eq!(before, i);
                    rows.insert("n", before + 1).unwrap();
                    Ok(())
                })
            })
            .collect();
        run(&db, batch);
        for queued in &mut queued {
            assert!(answer(queued).is_ok());
            assert_eq!(queued.runs.load(Ordering::SeqCst), 1);
        }
        assert_eq!(stored(&db), [("n".to_owned(), 5)]);
    }

    #[test]
    fn a_refused_operation_leaves_nothing_and_takes_nothing_from_the_others() {
        let db = database();
        let mut batch = Vec::new();
        let mut first = queue(&mut batch, put("a", 1));
        let mut second = queue(&mut batch, |txn: &WriteTransaction| {
            let mut rows = txn.open_table(ROWS).unwrap();
            let a = rows.get("a").unwrap().expect("the first's write").value();
            rows.insert("b", a + 1).unwrap();
            Ok(())
        });
        // Writes, then is refused: its write must not survive.
        let mut refused_after_writing = queue(&mut batch, |txn: &WriteTransaction| {
            txn.open_table(ROWS).unwrap().insert("c", 3).unwrap();
            Err(Refusal::HourNotBought.into())
        });
        let mut third = queue(&mut batch, |txn: &WriteTransaction| {
            let mut rows = txn.open_table(ROWS).unwrap();
            assert!(rows.get("c").unwrap().is_none(), "a refused write seen");
            let b = rows.get("b").unwrap().expect("the second's write").value();
            rows.insert("d", b + 1).unwrap();
            Ok(())
        });
        let mut refused = queue(&mut batch, |_: &WriteTransaction| {
            Err(Refusal::HourNotBought.into())
        });
        let mut panicked = queue(&mut batch, |txn: &WriteTransaction| {
            txn.open_table(ROWS).unwrap().insert("p", 0).unwrap();
            panic!("a bug in one operation")
        });
        let mut last = queue(&mut batch, put("e", 5));
        run(&db, batch);

        for kept in [&mut first, &mut second, &mut third, &mut last] {
            assert!(answer(kept).is_ok());
        }
        for refusal in [&mut refused_after_writing, &mut refused] {
            assert!(matches!(
                answer(refusal),
                Err(Failure::Refused(Refusal::HourNotBought))
            ));
        }
        assert!(matches!(answer(&mut panicked), Err(Failure::Backend(_))));
        let expected = [("a", 1), ("b", 2), ("d", 3), ("e", 5)];
        let expected: Vec<_> = expected.map(|(k, v)| (k.to_owned(), v)).into();
        assert_eq!(stored(&db), expected);
        // Those before the first refusal ran again, it ran again alone, the
        // rest one transaction each: nobody more than twice.
        let runs = |queued: &Queued| queued.runs.load(Ordering::SeqCst);
        assert_eq!(runs(&first), 2);
        assert_eq!(runs(&second), 2);
        assert_eq!(runs(&refused_after_writing), 2);
        for once in [&third, &refused, &panicked, &last] {
            assert_eq!(runs(once), 1);
        }
    }

    #[test]
    fn a_batch_ending_in_a_refusal_keeps_the_writes_before_it() {
        let db = database();
        let mut batch = Vec::new();
        let mut kept = queue(&mut batch, put("a", 1));
        let mut refused = queue(&mut batch, |_: &WriteTransaction| {
            Err(Refusal::HourNotBought.into())
        });
        run(&db, batch);
        assert!(answer(&mut kept).is_ok());
        assert!(answer(&mut refused).is_err());
        assert_eq!(stored(&db), [("a".to_owned(), 1)]);
    }
}
