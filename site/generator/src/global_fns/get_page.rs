//! `get_page(path, lang?, allow_missing?)`: a page by its content path, in
//! the asked language or the page being rendered's.

use std::sync::Arc;

use tera::{Function, Kwargs, State, TeraResult, Value};

use super::{allowing_missing, language, version_in};
use crate::lookup::Lookup;

pub struct GetPage(pub Arc<Lookup>);

impl Function<TeraResult<Value>> for GetPage {
    fn call(&self, kwargs: Kwargs, state: &State) -> TeraResult<Value> {
        let path: &str = kwargs.must_get("path")?;
        let lang = language("get_page", &kwargs, state, &self.0.config)?;
        let found = version_in(&self.0.pages, "Page", path, &lang, &self.0);
        Ok(allowing_missing(&kwargs, found)?.map_or_else(Value::none, Value::clone))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::global_fns::fixture::{assert_errors, assert_requires_text, call, site, text};

    #[test]
    fn a_page_is_found_in_the_asked_or_page_language_whichever_version_is_named() {
        let (_dir, lookup) = site();
        let title = |kwargs: Kwargs, page_lang: Option<&str>| {
            let page = call(&GetPage(Arc::clone(&lookup)), kwargs, page_lang).unwrap();
            text(&page, "title").map(str::to_owned)
        };
        let path = |path: &str| Kwargs::from([("path", path.into())]);
        let in_lang =
            |path: &str, lang: &str| Kwargs::from([("path", path.into()), ("lang", lang.into())]);
        assert_eq!(title(path("blog/first.md"), None).as_deref(), Some("First"));
        assert_eq!(
            title(path("blog/first.md"), Some("fr")).as_deref(),
            Some("Premier")
        );
        assert_eq!(
            title(in_lang("blog/first.md", "fr"), Some("en")).as_deref(),
            Some("Premier")
        );
        assert_eq!(
            title(in_lang("blog/first.fr.md", "en"), Some("fr")).as_deref(),
            Some("First")
        );
        assert_eq!(
            title(path("./blog/first.md"), None).as_deref(),
            Some("First")
        );
        // As `page.translations` give the versions' paths.
        let absolute = lookup.content_dir.join("blog/first.fr.md");
        assert_eq!(
            title(path(absolute.to_str().unwrap()), Some("en")).as_deref(),
            Some("First")
        );
    }

    #[test]
    fn a_page_without_a_version_in_the_language_is_refused_unless_it_may_be_missing() {
        let (_dir, lookup) = site();
        let get = |kwargs| call(&GetPage(Arc::clone(&lookup)), kwargs, Some("fr"));
        let refused = get(Kwargs::from([("path", "blog/second.md".into())])).unwrap_err();
        assert!(
            refused
                .to_string()
                .contains("Page `blog/second.md` not found for language `fr`."),
            "{refused}"
        );
        let allowed = get(Kwargs::from([
            ("path", "blog/second.md".into()),
            ("allow_missing", true.into()),
        ]));
        assert_eq!(allowed.unwrap(), Value::none());
        let gone = get(Kwargs::from([
            ("path", "blog/gone.md".into()),
            ("allow_missing", true.into()),
        ]));
        assert_eq!(gone.unwrap(), Value::none());
    }

    #[test]
    fn an_unknown_page_or_a_bad_path_is_an_error() {
        let (_dir, lookup) = site();
        assert_requires_text(&GetPage(Arc::clone(&lookup)), "path");
        assert_errors(
            &GetPage(lookup),
            [
                (
                    Kwargs::from([("path", "blog/gone.md".into())]),
                    "Page `blog/gone.md` not found.",
                ),
                (
                    Kwargs::from([("path", "/blog/first.md".into())]),
                    "Page `/blog/first.md` not found.",
                ),
                (
                    Kwargs::from([("path", "../site/content/blog/first.md".into())]),
                    "not found.",
                ),
            ],
        );
    }
}
