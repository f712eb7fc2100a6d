//! Pagination as Zola does it, for a section with `paginate_by` and for the
//! terms of a taxonomy with `paginate_by`: pager 1 is the section (or term)
//! itself, pager N is at `<path><paginate_path>/N/`, and
//! `<path><paginate_path>/1/` redirects to the first. Each pager's template
//! sees `paginator`: `{paginate_by, first, last, total_pages,
//! number_pagers, current_index, pages, previous, next, base_url}`.

use tera::Value;

use crate::config::Config;
use crate::values::Fields;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pager {
    /// From 1.
    pub index: usize,
    pub path: String,
    pub permalink: String,
    /// Indexes into the content's pages.
    pub pages: Vec<usize>,
}

#[derive(Debug, Clone)]
pub struct Paginator {
    paginate_by: usize,
    paginate_path: String,
    /// The section's or term's own.
    path: String,
    permalink: String,
    total_pages: usize,
    pub pagers: Vec<Pager>,
}

impl Paginator {
    /// `pages` in their listing order; `reversed` (a section's
    /// `paginate_reversed`) turns it around before cutting it into pagers.
    /// There is always a first pager, empty when there are no pages.
    pub fn new(
        pages: &[usize],
        paginate_by: usize,
        paginate_path: &str,
        reversed: bool,
        path: &str,
        config: &Config,
    ) -> Self {
        let mut order = pages.to_vec();
        if reversed {
            order.reverse();
        }
        let paginate_by = paginate_by.max(1);
        let mut paginator = Self {
            paginate_by,
            paginate_path: paginate_path.trim_matches('/').to_owned(),
            path: path.to_owned(),
            permalink: config.permalink(path),
            total_pages: order.len(),
            pagers: Vec::new(),
        };
        for (position, chunk) in order.chunks(paginate_by).enumerate() {
            paginator
                .pagers
                .push(paginator.pager(position + 1, chunk.to_vec(), config));
        }
        if paginator.pagers.is_empty() {
            paginator
                .pagers
                .push(paginator.pager(1, Vec::new(), config));
        }
        paginator
    }

    fn pager(&self, index: usize, pages: Vec<usize>, config: &Config) -> Pager {
        let path = if index == 1 {
            self.path.clone()
        } else {
            self.numbered(index)
        };
        Pager {
            index,
            permalink: config.permalink(&path),
            path,
            pages,
        }
    }

    /// `<path><paginate_path>/<index>/` (`<path><index>/` with an empty `paginate_path`).
    fn numbered(&self, index: usize) -> String {
        format!("{}{index}/", self.base_path())
    }

    fn base_path(&self) -> String {
        if self.paginate_path.is_empty() {
            self.path.clone()
        } else {
            format!("{}{}/", self.path, self.paginate_path)
        }
    }

    /// Where Zola writes the redirect to the first pager.
    pub fn redirect_path(&self) -> String {
        self.numbered(1)
    }

    pub fn permalink(&self) -> &str {
        &self.permalink
    }

    /// The paths of every pager holding pages and of the redirect, for
    /// `sitemap.xml` (Zola lists `<paginate_path>/1/` to
    /// `<paginate_path>/N/`, none for a section without pages).
    pub fn numbered_paths(&self) -> impl Iterator<Item = String> + '_ {
        (1..=self.total_pages.div_ceil(self.paginate_by)).map(|index| self.numbered(index))
    }

    /// `paginator` for `pager`; `page_values` are the listing values of the content's pages.
    pub fn context(&self, pager: &Pager, page_values: &[Value]) -> Value {
        let permalink_of = |position: Option<usize>| {
            position
                .and_then(|p| self.pagers.get(p))
                .map_or_else(Value::none, |p| Value::from(p.permalink.as_str()))
        };
        let position = pager.index - 1;
        Fields::new()
            .set("paginate_by", self.paginate_by as i64)
            .set("first", self.pagers[0].permalink.as_str())
            .set("last", permalink_of(Some(self.pagers.len() - 1)))
            .set("total_pages", self.total_pages as i64)
            .set("number_pagers", self.pagers.len() as i64)
            .set("current_index", pager.index as i64)
            .set(
                "pages",
                pager
                    .pages
                    .iter()
                    .map(|&i| page_values[i].clone())
                    .collect::<Vec<_>>(),
            )
            .set("previous", permalink_of(position.checked_sub(1)))
            .set("next", permalink_of(Some(position + 1)))
            .set("base_url", self.base_url())
            .build()
    }

    fn base_url(&self) -> String {
        if self.paginate_path.is_empty() {
            self.permalink.clone()
        } else {
            format!("{}{}/", self.permalink, self.paginate_path)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> Config {
        Config::parse("base_url = \"https://x.org\"").unwrap()
    }

    fn values(n: usize) -> Vec<Value> {
        (0..n)
            .map(|i| Fields::new().set("title", format!("p{i}")).build())
            .collect()
    }

    fn text(value: &Value, path: &str) -> Option<String> {
        value
            .get_from_path(path)
            .and_then(|v| v.as_str().map(str::to_owned))
    }

    #[test]
    fn five_pages_by_two_make_three_pagers_the_first_at_the_sections_own_path() {
        let paginator = Paginator::new(&[0, 1, 2, 3, 4], 2, "page", false, "/posts/", &config());
        let paths: Vec<_> = paginator.pagers.iter().map(|p| p.path.as_str()).collect();
        assert_eq!(paths, ["/posts/", "/posts/page/2/", "/posts/page/3/"]);
        assert_eq!(paginator.pagers[2].pages, [4]);
        assert_eq!(paginator.redirect_path(), "/posts/page/1/");

        let values = values(5);
        let middle = paginator.context(&paginator.pagers[1], &values);
        assert_eq!(text(&middle, "first").unwrap(), "https://x.org/posts/");
        assert_eq!(text(&middle, "previous").unwrap(), "https://x.org/posts/");
        assert_eq!(
            text(&middle, "next").unwrap(),
            "https://x.org/posts/page/3/"
        );
        assert_eq!(
            text(&middle, "last").unwrap(),
            "https://x.org/posts/page/3/"
        );
        assert_eq!(
            text(&middle, "base_url").unwrap(),
            "https://x.org/posts/page/"
        );
        assert_eq!(text(&middle, "pages.0.title").unwrap(), "p2");
        let number = |key: &str| middle.get_from_path(key).and_then(Value::as_i64);
        assert_eq!(
            [
                "paginate_by",
                "current_index",
                "number_pagers",
                "total_pages"
            ]
            .map(number),
            [Some(2), Some(2), Some(3), Some(5)]
        );
        let first = paginator.context(&paginator.pagers[0], &values);
        assert!(first.get_from_path("previous").is_some_and(Value::is_none));
        let last = paginator.context(&paginator.pagers[2], &values);
        assert!(last.get_from_path("next").is_some_and(Value::is_none));
    }

    #[test]
    fn reversed_pagination_starts_from_the_end_and_no_pages_still_make_one_pager() {
        let reversed = Paginator::new(&[0, 1, 2], 2, "page", true, "/", &config());
        assert_eq!(reversed.pagers[0].pages, [2, 1]);
        assert_eq!(reversed.pagers[1].path, "/page/2/");
        let empty = Paginator::new(&[], 2, "page", false, "/en/posts/", &config());
        assert_eq!(empty.pagers.len(), 1);
        assert_eq!(empty.pagers[0].path, "/en/posts/");
    }

    #[test]
    fn an_empty_paginate_path_numbers_pagers_right_under_the_section() {
        let paginator = Paginator::new(&[0, 1, 2], 1, "", false, "/posts/", &config());
        assert_eq!(paginator.pagers[1].path, "/posts/2/");
        let context = paginator.context(&paginator.pagers[0], &values(3));
        assert_eq!(text(&context, "base_url").unwrap(), "https://x.org/posts/");
    }
}
