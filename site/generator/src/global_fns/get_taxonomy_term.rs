//! `get_taxonomy_term(kind, term, lang?, required?)`: one term, found by
//! its name slugged as the config says, as `{name, slug, path, permalink,
//! pages, page_count}`.

use std::sync::Arc;

use tera::{Error, Function, Kwargs, State, TeraResult, Value};

use super::language;
use crate::lookup::Lookup;
use crate::taxonomies::slugify_path;

pub struct GetTaxonomyTerm(pub Arc<Lookup>);

impl Function<TeraResult<Value>> for GetTaxonomyTerm {
    fn call(&self, kwargs: Kwargs, state: &State) -> TeraResult<Value> {
        let kind: &str = kwargs.must_get("kind")?;
        let term: &str = kwargs.must_get("term")?;
        let required = kwargs.get::<bool>("required")?.unwrap_or(true);
        let lang = language("get_taxonomy_term", &kwargs, state, &self.0.config)?;
        let Some(taxonomy) = self.0.taxonomy(&lang, kind) else {
            return if required {
                Err(Error::message(format!(
                    "`get_taxonomy_term` received an unknown taxonomy as kind: {kind}"
                )))
            } else {
                Ok(Value::none())
            };
        };
        let slug = slugify_path(term, self.0.config.slugify.taxonomies);
        match taxonomy.terms.get(&slug) {
            Some(found) => Ok(found.clone()),
            None if !required => Ok(Value::none()),
            None => Err(Error::message(format!(
                "`get_taxonomy_term` received an unknown term: {term}"
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::global_fns::fixture::{assert_errors, call, text};
    use crate::global_fns::taxonomy_fixture::tagged_site;

    fn kwargs(kind: &str, term: &str) -> Kwargs {
        Kwargs::from([("kind", kind.into()), ("term", term.into())])
    }

    #[test]
    fn a_term_is_found_by_any_name_that_slugs_to_it() {
        let (_dir, lookup) = tagged_site();
        for name in ["Rust", "rust", "RUST"] {
            let term = call(
                &GetTaxonomyTerm(Arc::clone(&lookup)),
                kwargs("tags", name),
                Some("en"),
            )
            .unwrap();
            assert_eq!(text(&term, "name"), Some("Rust"));
            assert_eq!(text(&term, "path"), Some("/tags/rust/"));
            assert_eq!(
                term.get_from_path("page_count").and_then(Value::as_i64),
                Some(1)
            );
        }
    }

    #[test]
    fn an_unknown_taxonomy_or_term_is_an_error_unless_not_required() {
        let (_dir, lookup) = tagged_site();
        let optional = Kwargs::from([
            ("kind", "tags".into()),
            ("term", "go".into()),
            ("required", false.into()),
        ]);
        let answer = call(&GetTaxonomyTerm(Arc::clone(&lookup)), optional, None);
        assert!(answer.unwrap().is_none());
        assert_errors(
            &GetTaxonomyTerm(lookup),
            [
                (
                    kwargs("genres", "x"),
                    "`get_taxonomy_term` received an unknown taxonomy as kind: genres",
                ),
                (
                    kwargs("tags", "go"),
                    "`get_taxonomy_term` received an unknown term: go",
                ),
                (
                    Kwargs::from([("kind", "tags".into())]),
                    "Missing keyword argument `term`",
                ),
            ],
        );
    }
}
