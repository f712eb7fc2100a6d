//! `get_catalogue(lang?)`, ours: the course catalogue of `data/catalog.toml`
//! in the page's language, so that templates list courses from the same
//! data the API sells them from.

use std::sync::Arc;

use tera::{Error, Function, Kwargs, State, TeraResult, Value};

use super::language;
use crate::lookup::Lookup;

pub struct GetCatalogue(pub Arc<Lookup>);

impl Function<TeraResult<Value>> for GetCatalogue {
    fn call(&self, kwargs: Kwargs, state: &State) -> TeraResult<Value> {
        let config = &self.0.config;
        let lang = language("get_catalogue", &kwargs, state, config)?;
        let catalogue = &self.0.catalogue;
        catalogue
            .get(&lang)
            .or_else(|| catalogue.get(&config.default_language))
            .cloned()
            .ok_or_else(|| Error::message("get_catalogue: no catalogue (site/data/catalog.toml)"))
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;
    use crate::global_fns::fixture::{assert_errors, call, no_args, site, site_with, text};

    #[test]
    fn the_catalogue_of_the_page_language_falls_back_to_the_default_one() {
        let (_dir, lookup) = site();
        for lang in [None, Some("en"), Some("fr")] {
            let catalogue = call(&GetCatalogue(Arc::clone(&lookup)), no_args(), lang).unwrap();
            assert_eq!(text(&catalogue, "title"), Some("Courses"));
        }
    }

    #[test]
    fn a_site_without_catalogue_data_is_an_error() {
        let (_dir, lookup) = site_with(|lookup| lookup.catalogue = HashMap::new());
        let missing = "get_catalogue: no catalogue (site/data/catalog.toml)";
        assert_errors(&GetCatalogue(lookup), [(no_args(), missing)]);
    }
}
