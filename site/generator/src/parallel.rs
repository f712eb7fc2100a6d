//! Work spread over every core with scoped threads, results in input order:
//! the stages before rendering (reading content, Markdown) are as
//! independent per file as rendering is.

use std::sync::atomic::{AtomicUsize, Ordering};

/// Items a thread takes at a time: few enough that a thread slowed by the
/// rest of the machine leaves its share to the others (halves fixed in
/// advance waited on the slower one), many enough to count for little.
const BATCH: usize = 32;

/// `f` of every item, computed on all cores; the first error (in the
/// items' order) wins.
pub fn map<T: Sync, R: Send>(
    items: &[T],
    f: impl Fn(&T) -> anyhow::Result<R> + Sync,
) -> anyhow::Result<Vec<R>> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    if threads == 1 || items.len() < 64 {
        return items.iter().map(&f).collect();
    }
    let next = AtomicUsize::new(0);
    let (f, next) = (&f, &next);
    // Each thread's batches, by where they start; a thread stops at its first error.
    let work = move || {
        let mut done: Vec<(usize, anyhow::Result<Vec<R>>)> = Vec::new();
        loop {
            let start = next.fetch_add(BATCH, Ordering::Relaxed);
            let Some(batch) = items.get(start..(start + BATCH).min(items.len())) else {
                return done;
            };
            let results = batch.iter().map(f).collect::<anyhow::Result<Vec<R>>>();
            let failed = results.is_err();
            done.push((start, results));
            if failed {
                return done;
            }
        }
    };
    let mut batches = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads).map(|_| scope.spawn(work)).collect();
        let mut batches = Vec::new();
        for worker in workers {
            batches.extend(
                worker
                    .join()
                    .map_err(|_| anyhow::anyhow!("a worker thread panicked"))?,
            );
        }
        anyhow::Ok(batches)
    })?;
    batches.sort_unstable_by_key(|(start, _)| *start);
    let mut all = Vec::with_capacity(items.len());
    for (_, results) in batches {
        all.extend(results?);
    }
    Ok(all)
}

#[cfg(test)]
mod tests {
    #[test]
    fn results_keep_the_order_of_the_items_and_errors_come_through() {
        let items: Vec<usize> = (0..1000).collect();
        let doubled = super::map(&items, |n| Ok(n * 2)).unwrap();
        assert_eq!(doubled, items.iter().map(|n| n * 2).collect::<Vec<_>>());
        let failed = super::map(&items, |n| {
            if *n == 700 {
                anyhow::bail!("seven hundred")
            }
            Ok(*n)
        });
        assert_eq!(failed.unwrap_err().to_string(), "seven hundred");
    }
}
