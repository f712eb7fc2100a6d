//! What every template's context starts with: `config` as Zola serialises
//! it for the language being rendered, `current_path`, `current_url` and
//! `lang`.

use std::collections::HashMap;

use tera::{Context as TeraContext, Map, Value};

use crate::config::Config;
use crate::lookup::languages;
use crate::values;

/// `config` per language, made once per build.
pub(crate) struct Configs(HashMap<String, Value>);

impl Configs {
    pub(crate) fn new(config: &Config) -> Self {
        let base = base_value(config);
        Self(
            languages(config)
                .into_iter()
                .map(|lang| {
                    let value = for_language(&base, config, &lang);
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

fn base_value(config: &Config) -> Value {
    let mut table = config.raw.clone();
    table.insert(
        "base_url".to_owned(),
        toml::Value::String(config.base_url_as_written.clone()),
    );
    table.insert(
        "default_language".to_owned(),
        toml::Value::String(config.default_language.clone()),
    );
    table
        .entry("extra")
        .or_insert_with(|| toml::Value::Table(toml::Table::new()));
    values::table_to_value(&table)
}

/// As Zola's `config.serialize(lang)`: the language's own title,
/// description, feeds and taxonomies in place of the default language's.
fn for_language(base: &Value, config: &Config, lang: &str) -> Value {
    let mut map: Map = base.as_map().cloned().unwrap_or_default();
    let options = config.options(lang);
    if lang != config.default_language {
        let own = config.languages.get(lang);
        let text = |t: Option<&String>| t.map_or_else(Value::none, |t| Value::from(t.as_str()));
        map.insert("title".into(), text(own.and_then(|l| l.title.as_ref())));
        map.insert(
            "description".into(),
            text(own.and_then(|l| l.description.as_ref())),
        );
    }
    map.insert("generate_feeds".into(), Value::from(options.generate_feeds));
    map.insert(
        "feed_filenames".into(),
        Value::from(
            options
                .feed_filenames
                .iter()
                .map(|f| Value::from(f.as_str()))
                .collect::<Vec<_>>(),
        ),
    );
    map.insert(
        "taxonomies".into(),
        Value::from(
            options
                .taxonomies
                .iter()
                .map(|t| t.value())
                .collect::<Vec<_>>(),
        ),
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
