//! What the template functions look things up in: every page and section as
//! a value, the permalinks behind `@/` paths and the catalogue per language,
//! built once per build after the values stage.

use std::collections::HashMap;
use std::path::PathBuf;

use anyhow::Context;
use tera::Value;
use ticedu_domain::calendar::{WorkCalendar, certificate_available_from};
use ticedu_domain::catalogue::Catalogue;
use ticedu_domain::settings::Settings;

use crate::config::Config;
use crate::content::Content;
use crate::taxonomies::{self, Taxonomy};
use crate::values::Fields;
use crate::{SiteDirs, catalogue, translations, values};

pub struct Lookup {
    pub config: Config,
    pub root: PathBuf,
    /// `content/`, as `page.translations` give its files' paths.
    pub content_dir: PathBuf,
    pub static_dir: PathBuf,
    /// `guide/fees.md` → the page's value.
    pub pages: HashMap<String, Value>,
    /// `guide/_index.md` → the section's value, with its pages.
    pub sections: HashMap<String, Value>,
    /// Content path → permalink, for `@/` links.
    pub permalinks: HashMap<String, String>,
    /// Per language.
    pub catalogue: HashMap<String, Value>,
    /// Per language, its taxonomies (none unless the config has some).
    pub taxonomies: HashMap<String, Vec<TaxonomyEntry>>,
}

/// A taxonomy as the taxonomy functions answer it.
pub struct TaxonomyEntry {
    pub name: String,
    pub slug: String,
    /// `{kind, lang, permalink, items}`.
    pub value: Value,
    /// Term slug → `{name, slug, path, permalink, pages, page_count}`.
    pub terms: HashMap<String, Value>,
}

impl Lookup {
    /// A content path as templates give it (`blog/a.md`, `./blog/a.md`, or
    /// absolute under `content/`) as the pages and sections are keyed.
    pub fn content_relative(&self, path: &str) -> Option<String> {
        let full = self.content_dir.join(path);
        let relative = full.strip_prefix(&self.content_dir).ok()?;
        let parts: Option<Vec<&str>> = relative
            .components()
            .map(|c| c.as_os_str().to_str())
            .collect();
        Some(parts?.join("/"))
    }

    /// A taxonomy of `lang` by its `kind`: the name, as Zola 0.22 keys it, or
    /// the slug, as 0.23 does (they differ for names that slug differently).
    pub fn taxonomy(&self, lang: &str, kind: &str) -> Option<&TaxonomyEntry> {
        let entries = self.taxonomies.get(lang)?;
        entries
            .iter()
            .find(|t| t.name == kind)
            .or_else(|| entries.iter().find(|t| t.slug == kind))
    }
}

/// Content path (`guide/fees.md`) → permalink, of every page and section:
/// what `@/` links resolve to, in the Markdown and in the lookup alike.
pub fn permalinks(content: &Content, config: &Config) -> anyhow::Result<HashMap<String, String>> {
    // The pages' permalinks written on every core, gathered on one.
    Ok(crate::parallel::map(&content.pages, |p| {
        Ok((p.relative_path.clone(), config.permalink(&p.path)))
    })?
    .into_iter()
    .chain(
        content
            .sections
            .iter()
            .map(|s| (s.relative_path.clone(), config.permalink(&s.path))),
    )
    .collect())
}

/// The lookup, and each page's and section's value in `content`'s order
/// (the render stage gives them to the templates as `page` and `section`);
/// `permalinks` as [`permalinks`] makes them for `content`.
pub fn build(
    dirs: &SiteDirs,
    config: Config,
    content: &Content,
    found: &[Taxonomy],
    permalinks: HashMap<String, String>,
) -> anyhow::Result<(Lookup, Vec<Value>, Vec<Value>)> {
    let content_dir = std::fs::canonicalize(dirs.content()).unwrap_or_else(|_| dirs.content());
    let (page_translations, section_translations) =
        translations::find(content, &config, &content_dir);
    let pages: Vec<(&crate::content::Page, Value)> = content
        .pages
        .iter()
        .map(|page| &**page)
        .zip(page_translations)
        .collect();
    let page_values = crate::parallel::map(&pages, |(page, translations)| {
        Ok(values::page_value(page, &config, translations.clone()))
    })?;
    let section_values: Vec<Value> = content
        .sections
        .iter()
        .zip(&section_translations)
        .map(|(section, translations)| {
            values::section_value(
                section,
                &config,
                section
                    .pages
                    .iter()
                    .map(|&i| page_values[i].clone())
                    .collect(),
                translations.clone(),
            )
        })
        .collect();
    let mut lookup = Lookup {
        root: dirs.root.clone(),
        content_dir,
        static_dir: dirs.static_files(),
        pages: content
            .pages
            .iter()
            .zip(&page_values)
            .map(|(p, v)| (p.relative_path.clone(), v.clone()))
            .collect(),
        sections: content
            .sections
            .iter()
            .zip(&section_values)
            .map(|(s, v)| (s.relative_path.clone(), v.clone()))
            .collect(),
        permalinks,
        catalogue: HashMap::new(),
        taxonomies: taxonomy_entries(found, &page_values),
        config,
    };
    if let Some((catalogue, settings)) = catalogue_data(dirs)? {
        let year = settings
            .years()
            .last()
            .context("settings.toml configures no year")?;
        let downloads = downloads_value(dirs, &settings, year.year)?;
        for lang in languages(&lookup.config) {
            let prefix = lookup.config.language_prefix(&lang);
            lookup.catalogue.insert(
                lang.clone(),
                catalogue::catalogue_value(&catalogue, year, &downloads, &lang, &prefix),
            );
        }
    }
    Ok((lookup, page_values, section_values))
}

pub(crate) fn taxonomy_entries(
    found: &[Taxonomy],
    page_values: &[Value],
) -> HashMap<String, Vec<TaxonomyEntry>> {
    let mut entries: HashMap<String, Vec<TaxonomyEntry>> = HashMap::new();
    for taxonomy in found {
        let terms: Vec<(String, Value)> = taxonomy
            .terms
            .iter()
            .map(|t| (t.slug.clone(), taxonomies::term_value(t, page_values)))
            .collect();
        let value =
            taxonomies::taxonomy_value(taxonomy, terms.iter().map(|(_, v)| v.clone()).collect());
        entries
            .entry(taxonomy.lang.clone())
            .or_default()
            .push(TaxonomyEntry {
                name: taxonomy.kind.name.clone(),
                slug: taxonomy.kind.slug.clone(),
                value,
                terms: terms.into_iter().collect(),
            });
    }
    entries
}

/// The default language first, then the others in the config's order.
pub(crate) fn languages(config: &Config) -> Vec<String> {
    std::iter::once(config.default_language.clone())
        .chain(
            config
                .languages
                .keys()
                .filter(|l| **l != config.default_language)
                .cloned(),
        )
        .collect()
}

/// `year`'s batches, each `{batch_date, available_from}` (`none` while the
/// calendar of a year its download window reaches is not in `calendar.toml`).
fn downloads_value(dirs: &SiteDirs, settings: &Settings, year: i16) -> anyhow::Result<Value> {
    let path = dirs.data().join("calendar.toml");
    let Some(settings_year) = settings.year(year) else {
        return Ok(Value::from(Vec::<Value>::new()));
    };
    let calendar = if path.exists() {
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("reading {}", path.display()))?;
        Some(WorkCalendar::from_toml(&text)?)
    } else {
        None
    };
    let downloads: Vec<Value> = settings_year
        .batch_expiry_dates
        .iter()
        .map(|&batch| {
            let available = calendar.as_ref().and_then(|calendar| {
                certificate_available_from(batch, settings_year, calendar).ok()
            });
            Fields::new()
                .set("batch_date", batch.to_string())
                .set(
                    "available_from",
                    available.map_or_else(Value::none, |day| Value::from(day.to_string())),
                )
                .build()
        })
        .collect();
    Ok(Value::from(downloads))
}

/// The catalogue and settings, when the site has them in `data/`.
pub(crate) fn catalogue_data(dirs: &SiteDirs) -> anyhow::Result<Option<(Catalogue, Settings)>> {
    let catalog = dirs.data().join("catalog.toml");
    let settings = dirs.data().join("settings.toml");
    if !catalog.exists() || !settings.exists() {
        return Ok(None);
    }
    let catalogue = Catalogue::from_toml(&std::fs::read_to_string(&catalog)?)?;
    let settings = Settings::from_toml(&std::fs::read_to_string(&settings)?)?;
    Ok(Some((catalogue, settings)))
}
