//! `get_taxonomy_url(kind, term, lang?, required?)`: the permalink of a
//! term's page. `name` is the older spelling of `term`, still accepted as
//! Zola accepts it.

use std::sync::Arc;

use tera::{Error, Function, Kwargs, State, TeraResult, Value};

use super::language;
use crate::lookup::Lookup;
use crate::taxonomies::slugify_path;

pub struct GetTaxonomyUrl(pub Arc<Lookup>);

impl Function<TeraResult<Value>> for GetTaxonomyUrl {
    fn call(&self, kwargs: Kwargs, state: &State) -> TeraResult<Value> {
        let kind: &str = kwargs.must_get("kind")?;
        let term = match kwargs.get::<&str>("term")? {
            Some(term) => term,
            None => kwargs
                .get::<&str>("name")?
                .ok_or_else(|| Error::message("`get_taxonomy_url` requires a `term` argument"))?,
        };
        let required = kwargs.get::<bool>("required")?.unwrap_or(true);
        let lang = language("get_taxonomy_url", &kwargs, state, &self.0.config)?;
        let Some(taxonomy) = self.0.taxonomy(&lang, kind) else {
            return if required {
                Err(Error::message(format!(
                    "`get_taxonomy_url` received an unknown taxonomy as kind: {kind}"
                )))
            } else {
                Ok(Value::none())
            };
        };
        let slug = slugify_path(term, self.0.config.slugify.taxonomies);
        taxonomy
            .terms
            .get(&slug)
            .and_then(|found| found.get_from_path("permalink"))
            .cloned()
            .ok_or_else(|| {
                Error::message(format!(
                    "`get_taxonomy_url`: couldn't find `{term}` in `{kind}` taxonomy"
                ))
            })
    }

    /// A URL, printed as is (Zola marks it safe too).
    fn is_safe(&self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::global_fns::fixture::{assert_errors, call};
    use crate::global_fns::taxonomy_fixture::tagged_site;

    #[test]
    fn a_terms_url_in_the_pages_language_by_term_or_by_its_older_name_argument() {
        let (_dir, lookup) = tagged_site();
        let url = |argument: &'static str, term: &str, lang| {
            let kwargs = Kwargs::from([("kind", "tags".into()), (argument, term.into())]);
            call(&GetTaxonomyUrl(Arc::clone(&lookup)), kwargs, lang).unwrap()
        };
        assert_eq!(
            url("term", "rust", Some("en")),
            "https://example.org/tags/rust/".into()
        );
        assert_eq!(
            url("name", "Rust", None),
            "https://example.org/tags/rust/".into()
        );
        assert_eq!(
            url("term", "Rouille", Some("fr")),
            "https://example.org/fr/tags/rouille/".into()
        );
    }

    #[test]
    fn an_unknown_term_or_taxonomy_or_no_term_is_an_error() {
        let (_dir, lookup) = tagged_site();
        assert_errors(
            &GetTaxonomyUrl(lookup),
            [
                (
                    Kwargs::from([("kind", "tags".into()), ("term", "go".into())]),
                    "`get_taxonomy_url`: couldn't find `go` in `tags` taxonomy",
                ),
                (
                    Kwargs::from([("kind", "genres".into()), ("term", "go".into())]),
                    "`get_taxonomy_url` received an unknown taxonomy as kind: genres",
                ),
                (
                    Kwargs::from([("kind", "tags".into())]),
                    "`get_taxonomy_url` requires a `term` argument",
                ),
            ],
        );
    }
}
