//! Feeds as Zola writes them: one file per name in the language's
//! `feed_filenames` (`atom.xml` by default; Zola ships `atom.xml` and
//! `rss.xml`, a site's template of the same name wins), for the whole site
//! of a language with `generate_feeds`, for a section with
//! `generate_feeds = true`, and for each term of a taxonomy with `feed =
//! true`. Only dated pages are in a feed, newest first.

use tera::Value;

use crate::config::Config;
use crate::content::{Page, date_text};

/// The pages of one feed and its `last_updated`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedPages {
    /// Indexes into the content's pages, newest first, at most `feed_limit`.
    pub pages: Vec<usize>,
    /// The latest `updated` of the feed's pages, or its newest `date` when
    /// that is later, as text: Zola compares the front matter's strings.
    pub last_updated: Option<String>,
}

/// Picks the dated pages among `candidates` (drafts never), newest first
/// (the same date: by permalink), `last_updated` from all of them before
/// `feed_limit` cuts the list.
pub fn select(
    pages: &[Box<Page>],
    candidates: impl IntoIterator<Item = usize>,
    config: &Config,
) -> FeedPages {
    let date = |i: usize| pages[i].front.date.as_ref().map(date_text);
    let mut dated: Vec<(String, String, usize)> = candidates
        .into_iter()
        .filter(|&i| pages[i].is_listed())
        .filter_map(|i| Some((date(i)?, config.permalink(&pages[i].path), i)))
        .collect();
    dated.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    let last_updated = dated
        .iter()
        .filter_map(|(_, _, i)| pages[*i].front.updated.as_ref().map(date_text))
        .chain(dated.first().map(|(date, _, _)| date.clone()))
        .max();
    let limit = config.feed_limit.unwrap_or(dated.len());
    FeedPages {
        pages: dated.into_iter().take(limit).map(|(_, _, i)| i).collect(),
        last_updated,
    }
}

/// The URL path of a feed file: `dir` is where the feed belongs (`/`,
/// `/en/`, `/notices/`, `/tags/rust/`).
pub fn feed_path(dir: &str, filename: &str) -> String {
    format!("{dir}{filename}")
}

/// `pages` of a feed's context: the listing values of its pages.
pub fn pages_value(feed: &FeedPages, page_values: &[Value]) -> Value {
    Value::from(
        feed.pages
            .iter()
            .map(|&i| page_values[i].clone())
            .collect::<Vec<_>>(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::{self, Content};

    fn pages(config: &Config) -> Content {
        let mut content = Content::default();
        for (name, front) in [
            ("a", "date = 2023-01-01\nupdated = 2023-09-01"),
            ("b", "date = 2023-06-01"),
            ("c", ""),
            ("d", "date = 2024-01-01\ndraft = true"),
            ("e", "date = 2023-06-01"),
        ] {
            let text = format!("+++\n{front}\n+++\n");
            content::read_one(&mut content, config, &format!("{name}.md"), &text).unwrap();
        }
        content
    }

    #[test]
    fn dated_pages_newest_first_with_the_latest_update_and_no_drafts() {
        let config = Config::parse("base_url = \"https://x.org\"").unwrap();
        let feed = select(&pages(&config).pages, 0..5, &config);
        assert_eq!(feed.pages, [1, 4, 0], "b and e share a date: by permalink");
        assert_eq!(feed.last_updated.as_deref(), Some("2023-09-01"));
    }

    #[test]
    fn feed_limit_keeps_the_newest_and_last_updated_sees_them_all() {
        let config = Config::parse("base_url = \"https://x.org\"\nfeed_limit = 1").unwrap();
        let feed = select(&pages(&config).pages, 0..5, &config);
        assert_eq!(feed.pages, [1]);
        assert_eq!(feed.last_updated.as_deref(), Some("2023-09-01"));
        assert_eq!(feed_path("/tags/rust/", "rss.xml"), "/tags/rust/rss.xml");
    }
}
