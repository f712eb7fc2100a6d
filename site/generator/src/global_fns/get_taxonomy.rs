//! `get_taxonomy(kind, lang?, required?)`: a taxonomy of the page's (or the
//! asked) language as `{kind, lang, permalink, items}`, every term with its
//! pages; `none` for an unknown one when `required = false`.

use std::sync::Arc;

use tera::{Error, Function, Kwargs, State, TeraResult, Value};

use super::language;
use crate::lookup::Lookup;

pub struct GetTaxonomy(pub Arc<Lookup>);

impl Function<TeraResult<Value>> for GetTaxonomy {
    fn call(&self, kwargs: Kwargs, state: &State) -> TeraResult<Value> {
        let kind: &str = kwargs.must_get("kind")?;
        let required = kwargs.get::<bool>("required")?.unwrap_or(true);
        let lang = language("get_taxonomy", &kwargs, state, &self.0.config)?;
        match self.0.taxonomy(&lang, kind) {
            Some(taxonomy) => Ok(taxonomy.value.clone()),
            None if !required => Ok(Value::none()),
            None => Err(Error::message(format!(
                "`get_taxonomy` received an unknown taxonomy as kind: {kind}"
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::global_fns::fixture::{assert_errors, assert_requires_text, call, text};
    use crate::global_fns::taxonomy_fixture::tagged_site;

    #[test]
    fn a_taxonomy_comes_in_the_pages_language_unless_one_is_asked_for() {
        let (_dir, lookup) = tagged_site();
        let get = |kwargs, lang| call(&GetTaxonomy(Arc::clone(&lookup)), kwargs, lang).unwrap();
        let tags = || Kwargs::from([("kind", "tags".into())]);
        let english = get(tags(), Some("en"));
        assert_eq!(text(&english, "kind.name"), Some("tags"));
        assert_eq!(
            text(&english, "permalink"),
            Some("https://example.org/tags/")
        );
        assert_eq!(text(&english, "items.0.name"), Some("Rust"));
        assert_eq!(text(&english, "items.0.pages.0.title"), Some("First"));
        let french = get(tags(), Some("fr"));
        assert_eq!(text(&french, "items.0.name"), Some("Rouille"));
        let asked = Kwargs::from([("kind", "tags".into()), ("lang", "en".into())]);
        assert_eq!(text(&get(asked, Some("fr")), "lang"), Some("en"));
    }

    #[test]
    fn an_unknown_taxonomy_is_an_error_unless_not_required() {
        let (_dir, lookup) = tagged_site();
        let optional = Kwargs::from([("kind", "genres".into()), ("required", false.into())]);
        let answer = call(&GetTaxonomy(Arc::clone(&lookup)), optional, None).unwrap();
        assert!(answer.is_none());
        assert_requires_text(&GetTaxonomy(Arc::clone(&lookup)), "kind");
        assert_errors(
            &GetTaxonomy(lookup),
            [(
                Kwargs::from([("kind", "genres".into())]),
                "`get_taxonomy` received an unknown taxonomy as kind: genres",
            )],
        );
    }
}
