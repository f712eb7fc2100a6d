//! `config.toml`, as Zola reads it (the keys this generator uses; templates
//! see `config` as Zola 0.23 serialises it, `render/context.rs`). As in Zola, the top-level
//! `taxonomies`, `generate_feeds` and `feed_filenames` are the default
//! language's, and `[languages.<code>]` holds each other language's own.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context, bail};
use serde::Deserialize;

use crate::headings::{InsertAnchor, SlugStrategy};
pub use crate::taxonomies::{TaxonomyConfig, slugify_path};

#[derive(Debug, Clone, Deserialize)]
pub struct Config {
    pub base_url: String,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    /// A folder of `themes/` whose templates and static files the site
    /// takes where it has none of its own, and whose `theme.toml` `[extra]`
    /// fills what the site's leaves out.
    #[serde(default)]
    pub theme: Option<String>,
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
    /// The default language's taxonomies (`[[taxonomies]]`).
    #[serde(default)]
    pub taxonomies: Vec<TaxonomyConfig>,
    /// `taxonomy_root`: a folder every taxonomy's URLs go under.
    #[serde(default)]
    pub taxonomy_root: Option<String>,
    /// The default language's site feed.
    #[serde(default)]
    pub generate_feeds: bool,
    #[serde(default = "default_feed_filenames")]
    pub feed_filenames: Vec<String>,
    /// At most this many pages in each feed (all when absent).
    #[serde(default)]
    pub feed_limit: Option<usize>,
    /// The feeds' author of pages that name none.
    #[serde(default)]
    pub author: Option<String>,
    /// `"all"` leaves the pagers (`/page/N/`) out of `sitemap.xml`.
    #[serde(default)]
    pub exclude_paginated_pages_in_sitemap: ExcludePaginated,
    #[serde(default)]
    pub slugify: SlugifyConfig,
    #[serde(default)]
    pub markdown: MarkdownConfig,
    /// Whether to write `search_index.<lang>.json` (ours, searched by
    /// substring; Zola writes its elasticlunr or fuse index instead).
    #[serde(default)]
    pub build_search_index: bool,
    /// Globs of content files (`blog/*.md`) whose Tera is left as text.
    #[serde(default)]
    pub skip_content_templating: Vec<String>,
    #[serde(skip)]
    pub skip_content_templating_globs: globset::GlobSet,
    /// `base_url` as the config writes it, a final `/` kept: what templates
    /// see as `config.base_url`, as in Zola (`base_url` has it trimmed, for
    /// joining paths).
    #[serde(skip)]
    pub base_url_as_written: String,
    /// Globs of content files (Markdown or assets) the build leaves out.
    #[serde(default)]
    pub ignored_content: Vec<String>,
    #[serde(skip)]
    pub ignored_content_globs: globset::GlobSet,
    /// Globs of `static/` files (relative to it) that are not copied.
    #[serde(default)]
    pub ignored_static: Vec<String>,
    #[serde(skip)]
    pub ignored_static_globs: globset::GlobSet,
    /// The whole file, for templates.
    #[serde(skip)]
    pub raw: toml::Table,
}

/// `[slugify]`: how heading ids, taxonomy terms and page paths are slugged.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct SlugifyConfig {
    #[serde(default)]
    pub anchors: SlugStrategy,
    #[serde(default)]
    pub taxonomies: SlugStrategy,
    /// How a page's file name or `slug` becomes the last part of its path.
    #[serde(default)]
    pub paths: SlugStrategy,
    /// Keeps a file name's leading date in the slug.
    #[serde(default)]
    pub paths_keep_dates: bool,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ExcludePaginated {
    #[default]
    None,
    All,
}

/// `[markdown]`: the anchor links of sections that do not choose.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct MarkdownConfig {
    #[serde(default)]
    pub insert_anchor_links: InsertAnchor,
    #[serde(flatten)]
    pub external_links: ExternalLinks,
    #[serde(default)]
    pub smart_punctuation: bool,
    #[serde(default)]
    pub definition_list: bool,
    #[serde(default)]
    pub github_alerts: bool,
    #[serde(default)]
    pub render_emoji: bool,
    #[serde(default)]
    pub lazy_async_image: bool,
}

impl MarkdownConfig {
    /// pulldown-cmark's extensions as Zola 0.23 turns them on.
    pub fn parser_options(&self) -> pulldown_cmark::Options {
        use pulldown_cmark::Options;
        let mut options = Options::ENABLE_TABLES
            | Options::ENABLE_FOOTNOTES
            | Options::ENABLE_STRIKETHROUGH
            | Options::ENABLE_TASKLISTS
            | Options::ENABLE_HEADING_ATTRIBUTES;
        options.set(Options::ENABLE_SMART_PUNCTUATION, self.smart_punctuation);
        options.set(Options::ENABLE_DEFINITION_LIST, self.definition_list);
        options.set(Options::ENABLE_GFM, self.github_alerts);
        options
    }
}

/// `[markdown] external_links_*`: what Zola adds to a link to `http(s):`.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct ExternalLinks {
    #[serde(rename = "external_links_class")]
    pub class: Option<String>,
    #[serde(rename = "external_links_target_blank")]
    pub target_blank: bool,
    #[serde(rename = "external_links_no_follow")]
    pub no_follow: bool,
    #[serde(rename = "external_links_no_referrer")]
    pub no_referrer: bool,
    #[serde(rename = "external_links_external")]
    pub external: bool,
}

/// Zola 0.23 marks external links `rel="external"` unless told not to.
pub const DEFAULT_EXTERNAL_LINKS: ExternalLinks = ExternalLinks {
    class: None,
    target_blank: false,
    no_follow: false,
    no_referrer: false,
    external: true,
};

impl Default for ExternalLinks {
    fn default() -> Self {
        DEFAULT_EXTERNAL_LINKS
    }
}

impl ExternalLinks {
    /// The opening tag of a link to `url`, or `None` when nothing is added to it.
    pub fn opening_tag(&self, url: &str, title: &str) -> Option<String> {
        let mut rel = Vec::new();
        if self.target_blank {
            // A page opened in a new tab must not reach back to this one.
            rel.push("noopener");
        }
        if self.no_follow {
            rel.push("nofollow");
        }
        if self.no_referrer {
            rel.push("noreferrer");
        }
        if self.external {
            rel.push("external");
        }
        if rel.is_empty() && self.class.is_none() {
            return None;
        }
        let mut href = String::new();
        pulldown_cmark_escape::escape_href(&mut href, url).ok()?;
        let class = self
            .class
            .as_ref()
            .map(|c| format!("class=\"{c}\" "))
            .unwrap_or_default();
        let rel = if rel.is_empty() {
            String::new()
        } else {
            format!("rel=\"{}\" ", rel.join(" "))
        };
        let target = if self.target_blank {
            "target=\"_blank\" "
        } else {
            ""
        };
        // The title goes in as written, as Zola puts it.
        let title = if title.is_empty() {
            String::new()
        } else {
            format!("title=\"{title}\" ")
        };
        Some(format!("<a {class}{rel}{target}{title}href=\"{href}\">"))
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct LanguageConfig {
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub translations: BTreeMap<String, String>,
    #[serde(default)]
    pub taxonomies: Vec<TaxonomyConfig>,
    #[serde(default)]
    pub generate_feeds: bool,
    #[serde(default = "default_feed_filenames")]
    pub feed_filenames: Vec<String>,
}

/// What a language has of taxonomies and feeds: the top level's for the
/// default language, its `[languages.<code>]` table's for the others.
#[derive(Debug, Clone, Copy)]
pub struct LanguageOptions<'a> {
    pub taxonomies: &'a [TaxonomyConfig],
    pub generate_feeds: bool,
    pub feed_filenames: &'a [String],
}

fn default_feed_filenames() -> Vec<String> {
    vec!["atom.xml".to_owned()]
}

fn yes() -> bool {
    true
}

fn default_language() -> String {
    "en".to_owned()
}

/// As Zola compiles its globs: `*` also matches `/`.
fn glob_set(patterns: &[String]) -> anyhow::Result<globset::GlobSet> {
    let mut set = globset::GlobSetBuilder::new();
    for pattern in patterns {
        set.add(globset::Glob::new(pattern).with_context(|| format!("the glob {pattern}"))?);
    }
    Ok(set.build()?)
}

/// What `from` has and `into` lacks, added to `into` (tables merged key by
/// key, the site's value kept wherever both have one), as Zola merges a
/// theme's `[extra]` into the site's.
fn fill_in(into: &mut toml::Table, from: &toml::Table) -> anyhow::Result<()> {
    for (key, value) in from {
        match (into.get_mut(key), value) {
            (None, _) => {
                into.insert(key.clone(), value.clone());
            }
            (Some(toml::Value::Table(own)), toml::Value::Table(theirs)) => fill_in(own, theirs)?,
            (Some(toml::Value::Table(_)), _) | (Some(_), toml::Value::Table(_)) => {
                bail!("`{key}` is a table in one file and not in the other")
            }
            (Some(_), _) => {}
        }
    }
    Ok(())
}

impl Config {
    pub fn load(path: &Path) -> anyhow::Result<Self> {
        let text =
            std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        let mut config = Self::parse(&text).with_context(|| format!("in {}", path.display()))?;
        if let Some(theme) = &config.theme {
            let root = path.parent().unwrap_or(Path::new("."));
            let file = crate::SiteDirs::new(root).theme(theme).join("theme.toml");
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("theme `{theme}`: reading {}", file.display()))?;
            let theme_config: toml::Table =
                toml::from_str(&text).with_context(|| format!("in {}", file.display()))?;
            if let Some(toml::Value::Table(extra)) = theme_config.get("extra") {
                fill_in(&mut config.extra, extra)
                    .with_context(|| format!("merging the [extra] of {}", file.display()))?;
            }
        }
        Ok(config)
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
        config.base_url_as_written.clone_from(&config.base_url);
        config.base_url = config.base_url.trim_end_matches('/').to_owned();
        let strategy = config.slugify.taxonomies;
        let slug_all = |taxonomies: &mut Vec<TaxonomyConfig>| {
            for taxonomy in taxonomies {
                taxonomy.slug = slugify_path(&taxonomy.name, strategy);
            }
        };
        slug_all(&mut config.taxonomies);
        for language in config.languages.values_mut() {
            slug_all(&mut language.taxonomies);
        }
        config.skip_content_templating_globs =
            glob_set(&config.skip_content_templating).context("in skip_content_templating")?;
        config.ignored_content_globs =
            glob_set(&config.ignored_content).context("in ignored_content")?;
        config.ignored_static_globs =
            glob_set(&config.ignored_static).context("in ignored_static")?;
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

    /// The language's taxonomies and feed settings.
    pub fn options(&self, lang: &str) -> LanguageOptions<'_> {
        match self.languages.get(lang) {
            Some(own) if lang != self.default_language => LanguageOptions {
                taxonomies: &own.taxonomies,
                generate_feeds: own.generate_feeds,
                feed_filenames: &own.feed_filenames,
            },
            _ => LanguageOptions {
                taxonomies: &self.taxonomies,
                generate_feeds: self.generate_feeds,
                feed_filenames: &self.feed_filenames,
            },
        }
    }

    /// Whether any language configures a taxonomy: when none does, the
    /// build skips the taxonomy stage altogether.
    pub fn has_taxonomies(&self) -> bool {
        !self.taxonomies.is_empty() || self.languages.values().any(|l| !l.taxonomies.is_empty())
    }

    pub fn permalink(&self, path: &str) -> String {
        format!("{}{}", self.base_url, path)
    }
}
