//! `get_page(path, lang?)`: a page by its content path, in the page
//! language's translation when there is one.

use std::sync::Arc;

use tera::{Error, Function, Kwargs, State, TeraResult, Value};

use super::{language, localised};
use crate::lookup::Lookup;

pub struct GetPage(pub Arc<Lookup>);

impl Function<TeraResult<Value>> for GetPage {
    fn call(&self, kwargs: Kwargs, state: &State) -> TeraResult<Value> {
        let path: &str = kwargs.must_get("path")?;
        let lang = language("get_page", &kwargs, state, &self.0.config)?;
        let pages = &self.0.pages;
        pages
            .get(&localised(path, &lang, &self.0.config))
            .or_else(|| pages.get(path))
            .cloned()
            .ok_or_else(|| Error::message(format!("get_page: no page {path}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::global_fns::fixture::{assert_errors, assert_requires_text, call, site, text};

    #[test]
    fn a_page_is_found_in_the_asked_or_page_language_else_the_default_one() {
        let (_dir, lookup) = site();
        let title = |kwargs: Kwargs, page_lang: Option<&str>| {
            let page = call(&GetPage(Arc::clone(&lookup)), kwargs, page_lang).unwrap();
            text(&page, "title").map(str::to_owned)
        };
        let first = || Kwargs::from([("path", "blog/first.md".into())]);
        let first_in_french =
            Kwargs::from([("path", "blog/first.md".into()), ("lang", "fr".into())]);
        let second = Kwargs::from([("path", "blog/second.md".into())]);
        assert_eq!(title(first(), None).as_deref(), Some("First"));
        assert_eq!(title(first(), Some("fr")).as_deref(), Some("Premier"));
        assert_eq!(
            title(first_in_french, Some("en")).as_deref(),
            Some("Premier")
        );
        assert_eq!(
            title(second, Some("fr")).as_deref(),
            Some("Second"),
            "untranslated"
        );
    }

    #[test]
    fn an_unknown_page_or_a_bad_path_is_an_error() {
        let (_dir, lookup) = site();
        assert_requires_text(&GetPage(Arc::clone(&lookup)), "path");
        assert_errors(
            &GetPage(lookup),
            [(
                Kwargs::from([("path", "blog/gone.md".into())]),
                "get_page: no page blog/gone.md",
            )],
        );
    }
}
