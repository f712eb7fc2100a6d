//! What every template's context starts with: `config` as Zola serialises
//! it for the language being rendered, `current_path`, `current_url` and
//! `lang`.

use std::collections::HashMap;

use tera::{Context as TeraContext, Map, Value};

use crate::config::{Config, ExcludePaginated};
use crate::lookup::languages;
use crate::values;

/// `config` per language, made once per build.
pub(crate) struct Configs(HashMap<String, Value>);

impl Configs {
    pub(crate) fn new(config: &Config) -> Self {
        Self(
            languages(config)
                .into_iter()
                .map(|lang| {
                    let value = for_language(config, &lang);
                    (lang, value)
                })
                .collect(),
        )
    }

    /// The language's, else the default language's.
    pub(crate) fn get(&self, lang: &str) -> &Value {
        self.0
            .get(lang)
            .or_else(|| self.0.values().next())
            .expect("a site has its default language")
    }
}

/// Zola 0.23's `[markdown]` as templates see it when the config sets nothing.
const MARKDOWN_DEFAULTS: &str = r#"
highlighting = {}
render_emoji = false
external_links_target_blank = false
external_links_no_follow = false
external_links_no_referrer = false
external_links_class = {}
external_links_external = true
smart_punctuation = false
definition_list = false
bottom_footnotes = false
lazy_async_image = false
insert_anchor_links = "none"
github_alerts = false
"#;

/// Zola 0.23's `[search]` when the config sets nothing.
const SEARCH_DEFAULTS: &str = r#"
include_title = true
include_content = true
include_description = false
include_date = false
include_path = false
truncate_content_length = {}
index_format = "elasticlunr_javascript"
"#;

/// `defaults` with the keys `table` sets replaced; Zola's `null`s (absent
/// options) are the empty tables of the defaults.
fn overlaid(defaults: &str, table: Option<&toml::Value>) -> Map {
    let mut merged: toml::Table = defaults.parse().expect("the built-in defaults parse");
    if let Some(toml::Value::Table(set)) = table {
        merged.extend(set.clone());
    }
    let mut map = Map::new();
    for (key, value) in merged {
        let value = match value {
            toml::Value::Table(empty) if empty.is_empty() => Value::none(),
            other => values::toml_to_value(&other),
        };
        map.insert(key.into(), value);
    }
    map
}

fn text(text: Option<&String>) -> Value {
    text.map_or_else(Value::none, |t| Value::from(t.as_str()))
}

fn strings(strings: &[String]) -> Value {
    Value::from(
        strings
            .iter()
            .map(|s| Value::from(s.as_str()))
            .collect::<Vec<_>>(),
    )
}

/// A language's own table of the config: the top level for the default
/// language, `[languages.<lang>]` for the others.
fn raw_options<'a>(config: &'a Config, lang: &str) -> &'a toml::Table {
    if lang == config.default_language {
        return &config.raw;
    }
    config
        .raw
        .get("languages")
        .and_then(|languages| languages.get(lang))
        .and_then(toml::Value::as_table)
        .unwrap_or(&config.raw)
}

/// The language's title and description, as Zola gives them.
fn described(config: &Config, lang: &str) -> (Value, Value) {
    if lang == config.default_language {
        return (
            text(config.title.as_ref()),
            text(config.description.as_ref()),
        );
    }
    let own = config.languages.get(lang);
    (
        text(own.and_then(|l| l.title.as_ref())),
        text(own.and_then(|l| l.description.as_ref())),
    )
}

fn search_index_built(config: &Config, lang: &str) -> bool {
    raw_options(config, lang)
        .get("build_search_index")
        .and_then(toml::Value::as_bool)
        .unwrap_or(false)
}

/// One entry of `config.languages`: Zola's `LanguageOptions`.
fn language_options(config: &Config, lang: &str) -> Value {
    let options = config.options(lang);
    let (title, description) = described(config, lang);
    let translations = if lang == config.default_language {
        &config.translations
    } else {
        &config.languages[lang].translations
    };
    let translations: Map = translations
        .iter()
        .map(|(key, value)| (key.clone().into(), Value::from(value.as_str())))
        .collect();
    let raw = raw_options(config, lang);
    let search = overlaid(SEARCH_DEFAULTS, raw.get("search"));
    let mut map = Map::new();
    map.insert("title".into(), title);
    map.insert("description".into(), description);
    map.insert("generate_feeds".into(), Value::from(options.generate_feeds));
    map.insert("feed_filenames".into(), strings(options.feed_filenames));
    map.insert("taxonomies".into(), taxonomies(options.taxonomies));
    map.insert(
        "build_search_index".into(),
        Value::from(search_index_built(config, lang)),
    );
    map.insert("search".into(), Value::from(search));
    map.insert("translations".into(), Value::from(translations));
    Value::from(map)
}

fn taxonomies(taxonomies: &[crate::config::TaxonomyConfig]) -> Value {
    Value::from(taxonomies.iter().map(|t| t.value()).collect::<Vec<_>>())
}

/// As Zola 0.23's `config.serialize(lang)`: its fields and only those, each
/// present (`null` for what the config leaves out), the language's own
/// title, description, feeds, taxonomies and search settings, and the other
/// languages' options under `languages`.
fn for_language(config: &Config, lang: &str) -> Value {
    let options = config.options(lang);
    let (title, description) = described(config, lang);
    let index_format = raw_options(config, lang)
        .get("search")
        .and_then(|search| search.get("index_format"))
        .and_then(toml::Value::as_str)
        .unwrap_or("elasticlunr_javascript");
    let mut search = Map::new();
    search.insert("index_format".into(), Value::from(index_format));
    let others: Map = languages(config)
        .into_iter()
        .filter(|other| other != lang)
        .map(|other| {
            let value = language_options(config, &other);
            (other.into(), value)
        })
        .collect();
    let exclude_pagers = match config.exclude_paginated_pages_in_sitemap {
        ExcludePaginated::None => "none",
        ExcludePaginated::All => "all",
    };
    let mut map = Map::new();
    map.insert(
        "base_url".into(),
        Value::from(config.base_url_as_written.as_str()),
    );
    map.insert("mode".into(), Value::from("build"));
    map.insert("title".into(), title);
    map.insert("description".into(), description);
    map.insert("languages".into(), Value::from(others));
    map.insert(
        "default_language".into(),
        Value::from(config.default_language.as_str()),
    );
    map.insert("generate_feed".into(), Value::from(options.generate_feeds));
    map.insert("generate_feeds".into(), Value::from(options.generate_feeds));
    map.insert("feed_filenames".into(), strings(options.feed_filenames));
    map.insert("taxonomies".into(), taxonomies(options.taxonomies));
    map.insert("author".into(), text(config.author.as_ref()));
    map.insert(
        "build_search_index".into(),
        Value::from(search_index_built(config, lang)),
    );
    map.insert("extra".into(), values::table_to_value(&config.extra));
    map.insert(
        "markdown".into(),
        Value::from(overlaid(MARKDOWN_DEFAULTS, config.raw.get("markdown"))),
    );
    map.insert("search".into(), Value::from(search));
    map.insert(
        "generate_sitemap".into(),
        Value::from(config.generate_sitemap),
    );
    map.insert(
        "generate_robots_txt".into(),
        Value::from(config.generate_robots_txt),
    );
    map.insert(
        "exclude_paginated_pages_in_sitemap".into(),
        Value::from(exclude_pagers),
    );
    Value::from(map)
}

pub(super) struct Ctx(pub(super) TeraContext);

impl Ctx {
    pub(super) fn with(mut self, key: &'static str, value: Value) -> Self {
        self.0.insert_value(key, value);
        self
    }
}

pub(super) fn base_context(configs: &Configs, config: &Config, path: &str, lang: &str) -> Ctx {
    let mut context = TeraContext::new();
    context.insert_value("config", configs.get(lang).clone());
    context.insert("current_path", path);
    context.insert("current_url", &config.permalink(path));
    context.insert("lang", lang);
    Ctx(context)
}
