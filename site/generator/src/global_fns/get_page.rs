//! `get_page(path, lang?)`: a page by its content path, in the page
//! language's translation when there is one.

use std::sync::Arc;

use tera::{Error, Function, Kwargs, State, TeraResult, Value};

use super::{language, localised};
use crate::lookup::Lookup;

pub struct GetPage {
    lookup: Arc<Lookup>,
}

impl GetPage {
    pub fn new(lookup: &Arc<Lookup>) -> Self {
        Self {
            lookup: Arc::clone(lookup),
        }
    }
}

impl Function<TeraResult<Value>> for GetPage {
    fn call(&self, kwargs: Kwargs, state: &State) -> TeraResult<Value> {
        let path: &str = kwargs.must_get("path")?;
        let lang = language("get_page", &kwargs, state, &self.lookup.config)?;
        let pages = &self.lookup.pages;
        pages
            .get(&localised(path, &lang, &self.lookup.config))
            .or_else(|| pages.get(path))
            .cloned()
            .ok_or_else(|| Error::message(format!("get_page: no page {path}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::global_fns::fixture::{call, error, no_args, site, text};

    fn title(page: Value) -> Option<String> {
        text(&page, "title").map(str::to_owned)
    }

    #[test]
    fn a_page_is_found_by_its_content_path() {
        let (_dir, lookup) = site();
        let kwargs = Kwargs::from([("path", "blog/first.md".into())]);
        let page = call(&GetPage::new(&lookup), kwargs, None).unwrap();
        assert_eq!(title(page), Some("First".into()));
    }

    #[test]
    fn the_translation_is_found_for_the_page_language_or_the_lang_argument() {
        let (_dir, lookup) = site();
        let function = GetPage::new(&lookup);
        let on_french_page = Kwargs::from([("path", "blog/first.md".into())]);
        let asked_in_french =
            Kwargs::from([("path", "blog/first.md".into()), ("lang", "fr".into())]);
        assert_eq!(
            title(call(&function, on_french_page, Some("fr")).unwrap()),
            Some("Premier".into())
        );
        assert_eq!(
            title(call(&function, asked_in_french, Some("en")).unwrap()),
            Some("Premier".into())
        );
    }

    #[test]
    fn an_untranslated_page_falls_back_to_the_default_language() {
        let (_dir, lookup) = site();
        let kwargs = Kwargs::from([("path", "blog/second.md".into())]);
        let page = call(&GetPage::new(&lookup), kwargs, Some("fr")).unwrap();
        assert_eq!(title(page), Some("Second".into()));
    }

    #[test]
    fn an_unknown_page_or_a_missing_path_is_an_error() {
        let (_dir, lookup) = site();
        let function = GetPage::new(&lookup);
        let unknown = Kwargs::from([("path", "blog/missing.md".into())]);
        assert_eq!(
            error(&function, unknown),
            "get_page: no page blog/missing.md"
        );
        assert_eq!(
            error(&function, no_args()),
            "Missing keyword argument `path`"
        );
        let not_text = Kwargs::from([("path", true.into())]);
        assert!(error(&function, not_text).contains("expected `&str`"));
    }
}
