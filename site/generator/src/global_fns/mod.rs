//! Zola's global functions (`get_url`, `get_section`, `get_page`,
//! `get_taxonomy`, `get_taxonomy_term`, `get_taxonomy_url`, `load_data`,
//! `trans`, `text_direction`, `get_hash`, `get_image_metadata`, `now`) and ours (`get_catalogue`), each a type
//! implementing `tera::Function` over the build's [`Lookup`], so that each
//! can be called and tested without rendering a template.

mod files;
mod get_catalogue;
mod get_hash;
mod get_image_metadata;
mod get_page;
mod get_section;
mod get_taxonomy;
mod get_taxonomy_term;
mod get_taxonomy_url;
mod get_url;
mod load_data;
mod now;
mod text_direction;
mod trans;

#[cfg(test)]
pub(crate) mod fixture;
#[cfg(test)]
mod taxonomy_fixture;

pub use get_catalogue::GetCatalogue;
pub use get_hash::GetHash;
pub use get_image_metadata::GetImageMetadata;
pub use get_page::GetPage;
pub use get_section::GetSection;
pub use get_taxonomy::GetTaxonomy;
pub use get_taxonomy_term::GetTaxonomyTerm;
pub use get_taxonomy_url::GetTaxonomyUrl;
pub use get_url::GetUrl;
pub use load_data::LoadData;
pub use now::Now;
pub use text_direction::TextDirection;
pub use trans::Trans;

use tera::{Error, Kwargs, State, TeraResult};

use crate::config::Config;

/// The `lang` argument, else the language of the page being rendered, else
/// the site's default. A `lang` the site does not configure is refused, as
/// Zola does, rather than silently answered in the default language.
fn language(function: &str, kwargs: &Kwargs, state: &State, config: &Config) -> TeraResult<String> {
    if let Some(lang) = kwargs.get::<&str>("lang")? {
        if !config.is_language(lang) {
            return Err(Error::message(format!(
                "{function}: the site has no language \"{lang}\""
            )));
        }
        return Ok(lang.to_owned());
    }
    Ok(state
        .get::<String>("lang")?
        .unwrap_or_else(|| config.default_language.clone()))
}

/// `guide/_index.md` in `en` → `guide/_index.en.md`.
fn localised(path: &str, lang: &str, config: &Config) -> String {
    if lang == config.default_language || path.ends_with(&format!(".{lang}.md")) {
        return path.to_owned();
    }
    match path.strip_suffix(".md") {
        Some(stem) => format!("{stem}.{lang}.md"),
        None => path.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::fixture::{self, call, no_args, site};
    use super::*;

    #[test]
    fn a_lang_argument_wins_over_the_page_being_rendered() {
        let (_dir, lookup) = site();
        let kwargs = Kwargs::from([("lang", "fr".into())]);
        let context = fixture::context(Some("en"));
        let lang = language("f", &kwargs, &State::new(&context), &lookup.config);
        assert_eq!(lang.unwrap(), "fr");
    }

    #[test]
    fn without_a_lang_argument_the_page_language_then_the_default_is_used() {
        let (_dir, lookup) = site();
        let on_french_page = fixture::context(Some("fr"));
        let nowhere = fixture::context(None);
        let none = no_args();
        let config = &lookup.config;
        assert_eq!(
            language("f", &none, &State::new(&on_french_page), config).unwrap(),
            "fr"
        );
        assert_eq!(
            language("f", &none, &State::new(&nowhere), config).unwrap(),
            "en"
        );
    }

    #[test]
    fn a_content_path_is_localised_only_outside_the_default_language() {
        let (_dir, lookup) = site();
        let config = &lookup.config;
        assert_eq!(localised("blog/_index.md", "en", config), "blog/_index.md");
        assert_eq!(
            localised("blog/_index.md", "fr", config),
            "blog/_index.fr.md"
        );
        assert_eq!(localised("blog/a.fr.md", "fr", config), "blog/a.fr.md");
        assert_eq!(localised("blog/", "fr", config), "blog/");
    }

    #[test]
    fn every_function_with_a_lang_refuses_a_language_the_site_does_not_have() {
        let (_dir, lookup) = site();
        let in_german = |name: &'static str, value: &str| {
            Kwargs::from([(name, value.into()), ("lang", "de".into())])
        };
        let results = [
            call(
                &GetUrl(Arc::clone(&lookup)),
                in_german("path", "@/blog/first.md"),
                None,
            ),
            call(
                &GetPage(Arc::clone(&lookup)),
                in_german("path", "blog/first.md"),
                None,
            ),
            call(
                &GetSection(Arc::clone(&lookup)),
                in_german("path", "blog/_index.md"),
                None,
            ),
            call(&Trans(Arc::clone(&lookup)), in_german("key", "hello"), None),
            call(
                &GetCatalogue(Arc::clone(&lookup)),
                Kwargs::from([("lang", "de".into())]),
                None,
            ),
        ];
        for result in results {
            let error = result.unwrap_err().to_string();
            assert!(
                error.ends_with(": the site has no language \"de\""),
                "{error}"
            );
        }
    }
}
