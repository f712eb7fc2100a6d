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

use std::collections::HashMap;

use tera::{Error, Kwargs, State, TeraResult};

use crate::config::Config;
use crate::lookup::Lookup;
use crate::translations;

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

/// `@/blog/post.md` in `fr` → `@/blog/post.fr.md`, as Zola 0.23 names an
/// internal link's translation: the language goes before the last
/// extension, whatever the path holds already (`@/blog/post.fr.md` in `fr`
/// finds nothing, in Zola as here).
fn localised(path: &str, lang: &str, config: &Config) -> String {
    if lang == config.default_language {
        return path.to_owned();
    }
    match path.rsplit_once('.') {
        Some((stem, extension)) => format!("{stem}.{lang}.{extension}"),
        None => format!("{lang}.{path}"),
    }
}

/// What `get_page` and `get_section` answer, as Zola 0.23 finds it: the
/// file `path` names (under `content/`, or absolute as `page.translations`
/// give it), then that file's version in `lang`. A file without a version
/// in `lang` is not found: Zola refuses it rather than answer in another
/// language.
fn version_in<'a, T>(
    found: &'a HashMap<String, T>,
    kind: &str,
    path: &str,
    lang: &str,
    lookup: &Lookup,
) -> TeraResult<&'a T> {
    let named = lookup
        .content_relative(path)
        .filter(|relative| found.contains_key(relative))
        .ok_or_else(|| Error::message(format!("{kind} `{path}` not found.")))?;
    found
        .get(&translations::version_path(&named, lang, &lookup.config))
        .ok_or_else(|| Error::message(format!("{kind} `{path}` not found for language `{lang}`.")))
}

/// `Ok(None)` for what is missing when the template says `allow_missing`.
fn allowing_missing<T>(kwargs: &Kwargs, found: TeraResult<T>) -> TeraResult<Option<T>> {
    match found {
        Ok(value) => Ok(Some(value)),
        Err(_) if kwargs.get::<bool>("allow_missing")?.unwrap_or(false) => Ok(None),
        Err(error) => Err(error),
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
    fn an_internal_link_is_localised_as_zola_does_outside_the_default_language() {
        let (_dir, lookup) = site();
        let config = &lookup.config;
        assert_eq!(
            localised("@/blog/_index.md", "en", config),
            "@/blog/_index.md"
        );
        assert_eq!(
            localised("@/blog/_index.md", "fr", config),
            "@/blog/_index.fr.md"
        );
        assert_eq!(
            localised("@/blog/a.md#part", "fr", config),
            "@/blog/a.fr.md#part"
        );
        assert_eq!(
            localised("@/blog/a.fr.md", "fr", config),
            "@/blog/a.fr.fr.md",
            "Zola finds nothing there"
        );
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
