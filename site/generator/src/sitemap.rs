//! The entries of `sitemap.xml`, as Zola lists them: every rendered page
//! and section once, sorted by permalink; a page's `updated` date (else its
//! `date`) becomes its `lastmod`.

use std::collections::BTreeMap;

use tera::Value;

use crate::values::Fields;

/// Entries by permalink: sorted and without duplicates however they are added.
#[derive(Default)]
pub struct Sitemap(BTreeMap<String, (Option<String>, Value)>);

impl Sitemap {
    /// `updated` as in the front matter (`2023-07-06` or a date-time); `extra` the front matter's.
    pub fn add(&mut self, permalink: String, updated: Option<String>, extra: Value) {
        self.0.insert(permalink, (updated, extra));
    }

    /// The `entries` of each sitemap file: one file below `limit` entries,
    /// else as many as it takes of `limit` each (Zola's limit is 30,000),
    /// listed by a sitemap index.
    pub fn files(&self, limit: usize) -> Vec<Value> {
        if self.0.len() < limit {
            return vec![self.entries()];
        }
        let all: Vec<(&String, &(Option<String>, Value))> = self.0.iter().collect();
        all.chunks(limit)
            .map(|chunk| entries_value(chunk.iter().copied()))
            .collect()
    }

    /// The template's `entries`: `{permalink, updated, extra}` each.
    pub fn entries(&self) -> Value {
        entries_value(self.0.iter())
    }
}

fn entries_value<'a>(
    entries: impl Iterator<Item = (&'a String, &'a (Option<String>, Value))>,
) -> Value {
    let entries: Vec<_> = entries.collect();
    // On every core: one map per page of the site.
    crate::parallel::map(&entries, |(permalink, (updated, extra))| {
        Ok(Fields::with_capacity(3)
            .set("permalink", permalink.as_str())
            .set(
                "updated",
                updated.as_deref().map_or_else(Value::none, Value::from),
            )
            .set("extra", extra.clone())
            .build())
    })
    .expect("a sitemap entry is made without fail")
    .into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_are_sorted_by_permalink_once_each_with_their_date() {
        let mut sitemap = Sitemap::default();
        let extra = || Value::from(tera::Map::new());
        sitemap.add("https://x/b/".into(), Some("2023-07-06".into()), extra());
        sitemap.add("https://x/a/".into(), None, extra());
        sitemap.add("https://x/b/".into(), Some("2023-07-07".into()), extra());
        let entries = sitemap.entries();
        let entries = entries.as_array().unwrap();
        assert_eq!(entries.len(), 2);
        let text = |i: usize, key: &str| {
            entries[i]
                .get_from_path(key)
                .and_then(|v| v.as_str().map(str::to_owned))
        };
        assert_eq!(text(0, "permalink").as_deref(), Some("https://x/a/"));
        assert_eq!(text(0, "updated"), None);
        assert_eq!(text(1, "updated").as_deref(), Some("2023-07-07"));
    }

    #[test]
    fn a_sitemap_of_the_limit_or_more_entries_is_split_in_order() {
        let mut sitemap = Sitemap::default();
        for n in 0..5 {
            sitemap.add(
                format!("https://x/{n}/"),
                None,
                Value::from(tera::Map::new()),
            );
        }
        let sizes = |limit| -> Vec<usize> {
            sitemap
                .files(limit)
                .iter()
                .map(|f| f.as_array().unwrap().len())
                .collect()
        };
        assert_eq!(sizes(6), [5]);
        assert_eq!(sizes(5), [5], "at the limit, one file listed by an index");
        assert_eq!(sizes(2), [2, 2, 1]);
        let files = sitemap.files(2);
        let first = files[1].as_array().unwrap()[0]
            .get_from_path("permalink")
            .unwrap();
        assert_eq!(first.as_str(), Some("https://x/2/"));
    }
}
