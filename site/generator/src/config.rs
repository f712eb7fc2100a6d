//! `config.toml`, as Zola reads it (the keys this generator uses; the rest
//! is passed to templates untouched as `config`).

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context, bail};
use serde::Deserialize;

use crate::headings::{InsertAnchor, SlugStrategy};

#[derive(Debug, Clone, Deserialize)]
pub struct Config {
    pub base_url: String,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default = "default_language")]
    pub default_language: String,
    #[serde(default)]
    pub languages: BTreeMap<String, LanguageConfig>,
    /// Translations of the default language (`trans`).
    #[serde(default)]
    pub translations: BTreeMap<String, String>,
    #[serde(default)]
    pub extra: toml::Table,
    /// Zola writes `sitemap.xml` and `robots.txt` unless told not to.
    #[serde(default = "yes")]
    pub generate_sitemap: bool,
    #[serde(default = "yes")]
    pub generate_robots_txt: bool,
    #[serde(default)]
    pub slugify: SlugifyConfig,
    #[serde(default)]
    pub markdown: MarkdownConfig,
    /// The whole file, for templates.
    #[serde(skip)]
    pub raw: toml::Table,
}

/// `[slugify]`: how heading ids are slugged (Zola's `paths` and
/// `taxonomies` keys are accepted and not used).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct SlugifyConfig {
    #[serde(default)]
    pub anchors: SlugStrategy,
}

/// `[markdown]`: the anchor links of sections that do not choose.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct MarkdownConfig {
    #[serde(default)]
    pub insert_anchor_links: InsertAnchor,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct LanguageConfig {
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub translations: BTreeMap<String, String>,
}

fn yes() -> bool {
    true
}

fn default_language() -> String {
    "en".to_owned()
}

impl Config {
    pub fn load(path: &Path) -> anyhow::Result<Self> {
        let text =
            std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        Self::parse(&text).with_context(|| format!("in {}", path.display()))
    }

    pub fn parse(text: &str) -> anyhow::Result<Self> {
        let raw: toml::Table = toml::from_str(text)?;
        let mut config: Config = toml::from_str(text)?;
        if !config.base_url.starts_with("http://")
            && !config.base_url.starts_with("https://")
            && !config.base_url.starts_with('/')
        {
            bail!("base_url must be an absolute URL or start with /");
        }
        config.base_url = config.base_url.trim_end_matches('/').to_owned();
        config.raw = raw;
        Ok(config)
    }

    pub fn is_language(&self, lang: &str) -> bool {
        lang == self.default_language || self.languages.contains_key(lang)
    }

    /// `trans(key, lang)`: the language's own table, then the default's.
    pub fn translate(&self, key: &str, lang: &str) -> Option<&str> {
        let own = if lang == self.default_language {
            None
        } else {
            self.languages
                .get(lang)
                .and_then(|l| l.translations.get(key))
        };
        own.or_else(|| self.translations.get(key))
            .map(String::as_str)
    }

    /// `/en` for a non-default language, empty for the default one.
    pub fn language_prefix(&self, lang: &str) -> String {
        if lang == self.default_language {
            String::new()
        } else {
            format!("/{lang}")
        }
    }

    pub fn permalink(&self, path: &str) -> String {
        format!("{}{}", self.base_url, path)
    }
}
