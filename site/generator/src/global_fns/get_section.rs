//! `get_section(path, lang?, allow_missing?)`: a section by its content
//! path, in the asked language or the page being rendered's, with its
//! pages (Zola 0.23 has no `metadata_only`, and takes it for nothing).

use std::sync::Arc;

use tera::{Function, Kwargs, State, TeraResult, Value};

use super::{allowing_missing, language, version_in};
use crate::lookup::Lookup;

pub struct GetSection(pub Arc<Lookup>);

impl Function<TeraResult<Value>> for GetSection {
    fn call(&self, kwargs: Kwargs, state: &State) -> TeraResult<Value> {
        let path: &str = kwargs.must_get("path")?;
        let lang = language("get_section", &kwargs, state, &self.0.config)?;
        // Zola 0.23 dropped `metadata_only`: the section always has its pages.
        let found = version_in(&self.0.sections, "Section", path, &lang, &self.0);
        Ok(allowing_missing(&kwargs, found)?.map_or_else(Value::none, Value::clone))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::global_fns::fixture::{assert_errors, assert_requires_text, call, site, text};

    #[test]
    fn a_section_comes_with_its_pages_even_when_only_its_metadata_is_asked_for() {
        let (_dir, lookup) = site();
        let get_section = |metadata_only: bool| {
            let kwargs = Kwargs::from([
                ("path", "blog/_index.md".into()),
                ("metadata_only", metadata_only.into()),
            ]);
            call(&GetSection(Arc::clone(&lookup)), kwargs, Some("en")).unwrap()
        };
        let (full, metadata) = (get_section(false), get_section(true));
        assert_eq!(text(&full, "title"), Some("Blog"));
        assert_eq!(text(&full, "pages.0.title"), Some("First"));
        assert_eq!(metadata, full, "Zola 0.23 has no metadata_only");
    }

    #[test]
    fn a_section_without_a_version_in_the_language_is_refused_unless_it_may_be_missing() {
        let (_dir, lookup) = site();
        let get = |kwargs| call(&GetSection(Arc::clone(&lookup)), kwargs, Some("fr"));
        let refused = get(Kwargs::from([("path", "blog/_index.md".into())])).unwrap_err();
        assert!(
            refused
                .to_string()
                .contains("Section `blog/_index.md` not found for language `fr`."),
            "{refused}"
        );
        let allowed = get(Kwargs::from([
            ("path", "blog/_index.md".into()),
            ("allow_missing", true.into()),
        ]));
        assert_eq!(allowed.unwrap(), Value::none());
    }

    #[test]
    fn an_unknown_section_or_a_bad_argument_is_an_error() {
        let (_dir, lookup) = site();
        assert_requires_text(&GetSection(Arc::clone(&lookup)), "path");
        assert_errors(
            &GetSection(lookup),
            [(
                Kwargs::from([("path", "news/_index.md".into())]),
                "Section `news/_index.md` not found.",
            )],
        );
    }
}
