//! Work spread over every core with scoped threads, results in input order:
//! the stages before rendering (reading content, Markdown) are as
//! independent per file as rendering is.

/// `f` of every item, computed on all cores; the first error wins.
pub fn map<T: Sync, R: Send>(
    items: &[T],
    f: impl Fn(&T) -> anyhow::Result<R> + Sync,
) -> anyhow::Result<Vec<R>> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    if threads == 1 || items.len() < 64 {
        return items.iter().map(&f).collect();
    }
    let chunk = items.len().div_ceil(threads);
    let f = &f;
    std::thread::scope(|scope| {
        let workers: Vec<_> = items
            .chunks(chunk)
            .map(|part| scope.spawn(move || part.iter().map(f).collect::<anyhow::Result<Vec<R>>>()))
            .collect();
        let mut all = Vec::with_capacity(items.len());
        for worker in workers {
            let part = worker
                .join()
                .map_err(|_| anyhow::anyhow!("a worker thread panicked"))??;
            all.extend(part);
        }
        Ok(all)
    })
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
