//! `get_section(path, lang?, metadata_only?)`: a section by its content
//! path, with its pages unless only its metadata is asked for.

use std::sync::Arc;

use tera::{Error, Function, Kwargs, State, TeraResult, Value};

use super::{language, localised};
use crate::lookup::Lookup;

pub struct GetSection {
    lookup: Arc<Lookup>,
}

impl GetSection {
    pub fn new(lookup: &Arc<Lookup>) -> Self {
        Self {
            lookup: Arc::clone(lookup),
        }
    }
}

impl Function<TeraResult<Value>> for GetSection {
    fn call(&self, kwargs: Kwargs, state: &State) -> TeraResult<Value> {
        let path: &str = kwargs.must_get("path")?;
        let lang = language("get_section", &kwargs, state, &self.lookup.config)?;
        let metadata_only = kwargs.get::<bool>("metadata_only")?.unwrap_or(false);
        let sections = &self.lookup.sections;
        let (full, metadata) = sections
            .get(&localised(path, &lang, &self.lookup.config))
            .or_else(|| sections.get(path))
            .ok_or_else(|| Error::message(format!("get_section: no section {path}")))?;
        Ok(if metadata_only { metadata } else { full }.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::global_fns::fixture::{call, error, no_args, site, text};

    fn section(lookup: &Arc<Lookup>, kwargs: Kwargs, lang: Option<&str>) -> Value {
        call(&GetSection::new(lookup), kwargs, lang).unwrap()
    }

    #[test]
    fn a_section_comes_with_its_pages() {
        let (_dir, lookup) = site();
        let blog = section(
            &lookup,
            Kwargs::from([("path", "blog/_index.md".into())]),
            None,
        );
        assert_eq!(text(&blog, "title"), Some("Blog"));
        assert_eq!(text(&blog, "pages.0.title"), Some("First"));
    }

    #[test]
    fn metadata_only_leaves_the_pages_out() {
        let (_dir, lookup) = site();
        let kwargs = Kwargs::from([
            ("path", "blog/_index.md".into()),
            ("metadata_only", true.into()),
        ]);
        let blog = section(&lookup, kwargs, None);
        assert_eq!(text(&blog, "title"), Some("Blog"));
        assert!(blog.get_from_path("pages").is_none());
    }

    #[test]
    fn an_untranslated_section_falls_back_to_the_default_language() {
        let (_dir, lookup) = site();
        let kwargs = Kwargs::from([("path", "blog/_index.md".into()), ("lang", "fr".into())]);
        assert_eq!(text(&section(&lookup, kwargs, None), "title"), Some("Blog"));
    }

    #[test]
    fn an_unknown_section_or_a_bad_argument_is_an_error() {
        let (_dir, lookup) = site();
        let function = GetSection::new(&lookup);
        let unknown = Kwargs::from([("path", "news/_index.md".into())]);
        assert_eq!(
            error(&function, unknown),
            "get_section: no section news/_index.md"
        );
        assert_eq!(
            error(&function, no_args()),
            "Missing keyword argument `path`"
        );
        let kwargs = Kwargs::from([
            ("path", "blog/_index.md".into()),
            ("metadata_only", "yes".into()),
        ]);
        assert!(error(&function, kwargs).contains("expected `bool`"));
    }
}
