//! `get_section(path, lang?)`: a section by its content path, with its
//! pages (Zola 0.23 has no `metadata_only`, and takes it for nothing).

use std::sync::Arc;

use tera::{Error, Function, Kwargs, State, TeraResult, Value};

use super::{language, localised};
use crate::lookup::Lookup;

pub struct GetSection(pub Arc<Lookup>);

impl Function<TeraResult<Value>> for GetSection {
    fn call(&self, kwargs: Kwargs, state: &State) -> TeraResult<Value> {
        let path: &str = kwargs.must_get("path")?;
        let lang = language("get_section", &kwargs, state, &self.0.config)?;
        let sections = &self.0.sections;
        // Zola 0.23 dropped `metadata_only`: the section always has its pages.
        let (full, _) = sections
            .get(&localised(path, &lang, &self.0.config))
            .or_else(|| sections.get(path))
            .ok_or_else(|| Error::message(format!("get_section: no section {path}")))?;
        Ok(full.clone())
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
            call(&GetSection(Arc::clone(&lookup)), kwargs, Some("fr")).unwrap()
        };
        let (full, metadata) = (get_section(false), get_section(true));
        assert_eq!(
            text(&full, "title"),
            Some("Blog"),
            "untranslated: the default language's"
        );
        assert_eq!(text(&full, "pages.0.title"), Some("First"));
        assert_eq!(metadata, full, "Zola 0.23 has no metadata_only");
    }

    #[test]
    fn an_unknown_section_or_a_bad_argument_is_an_error() {
        let (_dir, lookup) = site();
        assert_requires_text(&GetSection(Arc::clone(&lookup)), "path");
        assert_errors(
            &GetSection(lookup),
            [(
                Kwargs::from([("path", "news/_index.md".into())]),
                "get_section: no section news/_index.md",
            )],
        );
    }
}
