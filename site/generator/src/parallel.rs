//! Work spread over every core with scoped threads, results in input order:
//! the stages before rendering (reading content, Markdown) are as
//! independent per file as rendering is.

use std::sync::Mutex;

/// Items a thread takes at a time: few enough that a thread slowed by the
/// rest of the machine leaves its share to the others (halves fixed in
/// advance waited on the slower one), many enough to count for little.
const BATCH: usize = 32;

fn threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// `f` of every item, computed on all cores; the first error (in the
/// items' order) wins.
pub fn map<T: Sync, R: Send>(
    items: &[T],
    f: impl Fn(&T) -> anyhow::Result<R> + Sync,
) -> anyhow::Result<Vec<R>> {
    if threads() == 1 || items.len() < 64 {
        return items.iter().map(&f).collect();
    }
    in_batches(items.chunks(BATCH), items.len(), |batch| {
        batch.iter().map(&f).collect()
    })
}

/// As [`map`], `f` given each item to change: what a stage is done with
/// (a page's Markdown) is freed there, on every core, and its memory taken
/// again by what the stage makes, rather than held to the end of it.
pub fn map_mut<T: Send, R: Send>(
    items: &mut [T],
    f: impl Fn(&mut T) -> anyhow::Result<R> + Sync,
) -> anyhow::Result<Vec<R>> {
    if threads() == 1 || items.len() < 64 {
        return items.iter_mut().map(&f).collect();
    }
    let len = items.len();
    in_batches(items.chunks_mut(BATCH), len, |batch| {
        batch.iter_mut().map(&f).collect()
    })
}

/// Each batch's results, batches taken in order by every core in turn; a
/// thread stops at its first error.
fn in_batches<B: Send, R: Send>(
    batches: impl Iterator<Item = B> + Send,
    len: usize,
    work: impl Fn(B) -> anyhow::Result<Vec<R>> + Sync,
) -> anyhow::Result<Vec<R>> {
    let batches = Mutex::new(batches.enumerate());
    let (batches, work) = (&batches, &work);
    let worker = move || {
        let mut done: Vec<(usize, anyhow::Result<Vec<R>>)> = Vec::new();
        loop {
            let next = batches.lock().map(|mut batches| batches.next());
            let Ok(Some((number, batch))) = next else {
                return done;
            };
            let results = work(batch);
            let failed = results.is_err();
            done.push((number, results));
            if failed {
                return done;
            }
        }
    };
    let mut done = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads()).map(|_| scope.spawn(worker)).collect();
        let mut done = Vec::new();
        for worker in workers {
            done.extend(
                worker
                    .join()
                    .map_err(|_| anyhow::anyhow!("a worker thread panicked"))?,
            );
        }
        anyhow::Ok(done)
    })?;
    // Batches are taken in order: the first error comes before any batch not taken.
    done.sort_unstable_by_key(|(number, _)| *number);
    let mut all = Vec::with_capacity(len);
    for (_, results) in done {
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

    #[test]
    fn items_are_changed_in_place_with_results_in_order() {
        let mut items: Vec<usize> = (0..1000).collect();
        let old = super::map_mut(&mut items, |n| {
            let old = *n;
            *n += 1;
            Ok(old)
        })
        .unwrap();
        assert_eq!(old, (0..1000).collect::<Vec<_>>());
        assert_eq!(items, (1..1001).collect::<Vec<_>>());
        let failed = super::map_mut(&mut items, |n| {
            if *n % 300 == 0 {
                anyhow::bail!("{n}")
            }
            Ok(())
        });
        assert_eq!(failed.unwrap_err().to_string(), "300");
    }
}
