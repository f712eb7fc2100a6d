//! The ticedu site generator: builds a Zola-style site (`config.toml`,
//! `content/`, `templates/`, `static/`) with Tera 2 and Zola's template
//! conventions, and goes where Zola cannot: pages generated from the course
//! catalogue, and a search index that works for Chinese.
//!
//! The pipeline follows the data: config → content (front matter) →
//! markdown → values (each page serialised once, shared by every listing) →
//! templates → files.

pub mod catalogue;
pub mod config;
pub mod content;
pub mod links;
pub mod markdown;
pub mod search;
pub mod templates;
pub mod values;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, bail};
use tera::{Context as TeraContext, Tera, Value};
use ticedu_domain::catalogue::Catalogue;
use ticedu_domain::settings::Settings;

use config::Config;
use content::Content;
use templates::Lookup;

/// A site's folders.
#[derive(Debug, Clone)]
pub struct SiteDirs {
    pub root: PathBuf,
}

impl SiteDirs {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }
    pub fn config(&self) -> PathBuf {
        self.root.join("config.toml")
    }
    pub fn content(&self) -> PathBuf {
        self.root.join("content")
    }
    pub fn templates(&self) -> PathBuf {
        self.root.join("templates")
    }
    pub fn static_files(&self) -> PathBuf {
        self.root.join("static")
    }
    pub fn data(&self) -> PathBuf {
        self.root.join("data")
    }
}

/// What a build produced.
#[derive(Debug, Default)]
pub struct BuildReport {
    pub pages: usize,
    pub sections: usize,
    pub data_pages: usize,
}

/// One rendered file.
pub struct Rendered {
    pub path: String,
    pub html: String,
}

/// Builds the whole site into `output` (emptied first).
pub fn build(
    dirs: &SiteDirs,
    output: &Path,
    base_url: Option<&str>,
) -> anyhow::Result<BuildReport> {
    let (rendered, report, search) = render_site(dirs, base_url)?;
    if output.exists() {
        std::fs::remove_dir_all(output)
            .with_context(|| format!("emptying {}", output.display()))?;
    }
    std::fs::create_dir_all(output)?;
    copy_dir(&dirs.static_files(), output)?;
    for file in rendered {
        write_page(output, &file.path, &file.html)?;
    }
    for (lang, documents) in search {
        std::fs::write(
            output.join(format!("search_index.{lang}.json")),
            serde_json::to_vec(&documents)?,
        )?;
    }
    Ok(report)
}

/// Writes `html` as `<path>index.html` under `output`.
pub fn write_page(output: &Path, path: &str, html: &str) -> anyhow::Result<()> {
    let folder = output.join(path.trim_start_matches('/'));
    std::fs::create_dir_all(&folder)?;
    std::fs::write(folder.join("index.html"), html)
        .with_context(|| format!("writing {}", folder.display()))
}

fn copy_dir(from: &Path, to: &Path) -> anyhow::Result<()> {
    if !from.exists() {
        return Ok(());
    }
    for entry in std::fs::read_dir(from)? {
        let path = entry?.path();
        let target = to.join(path.file_name().context("a file name")?);
        if path.is_dir() {
            std::fs::create_dir_all(&target)?;
            copy_dir(&path, &target)?;
        } else {
            std::fs::copy(&path, &target).with_context(|| format!("copying {}", path.display()))?;
        }
    }
    Ok(())
}

type SearchIndexes = HashMap<String, Vec<search::Document>>;

/// Renders every page in memory: content pages, sections and data pages.
pub fn render_site(
    dirs: &SiteDirs,
    base_url: Option<&str>,
) -> anyhow::Result<(Vec<Rendered>, BuildReport, SearchIndexes)> {
    let mut config = Config::load(&dirs.config())?;
    if let Some(base_url) = base_url {
        config.base_url = base_url.trim_end_matches('/').to_owned();
    }
    let mut content = content::load(&dirs.content(), &config)?;
    render_markdown(&mut content, &config)?;
    let (lookup, page_values, section_values) = lookup(dirs, config, &content)?;
    let lookup = Arc::new(lookup);
    let tera = templates::engine(&dirs.templates(), Arc::clone(&lookup))?;
    let config = &lookup.config;
    let config_value = config_value(config);
    let mut rendered = Vec::with_capacity(content.pages.len() + content.sections.len());
    let mut search: SearchIndexes = HashMap::new();
    let mut report = BuildReport::default();

    for (page, value) in content.pages.iter().zip(&page_values) {
        if page.front.draft {
            continue;
        }
        let section_template = content
            .sections
            .iter()
            .find(|s| s.relative_path == page.section)
            .and_then(|s| s.front.page_template.clone());
        let template = page
            .front
            .template
            .clone()
            .or(section_template)
            .unwrap_or_else(|| "page.html".to_owned());
        let context =
            base_context(&config_value, config, &page.path, &page.lang).with("page", value.clone());
        let html = render(&tera, &template, &context.0)
            .with_context(|| format!("rendering content/{} with {template}", page.relative_path))?;
        if page.front.in_search_index.unwrap_or(true) {
            search
                .entry(page.lang.clone())
                .or_default()
                .push(search::document(
                    page.path.clone(),
                    page.front.title.as_deref().unwrap_or_default(),
                    &markdown::plain_text(&page.html),
                ));
        }
        rendered.push(Rendered {
            path: page.path.clone(),
            html,
        });
        report.pages += 1;
    }
    for (section, value) in content.sections.iter().zip(&section_values) {
        if section.front.render == Some(false) || section.front.draft {
            continue;
        }
        let default = if section.relative_path.starts_with("_index") {
            "index.html"
        } else {
            "section.html"
        };
        let template = section
            .front
            .template
            .clone()
            .unwrap_or_else(|| default.to_owned());
        let context = base_context(&config_value, config, &section.path, &section.lang)
            .with("section", value.clone());
        let html = render(&tera, &template, &context.0).with_context(|| {
            format!(
                "rendering content/{} with {template}",
                section.relative_path
            )
        })?;
        if section.front.in_search_index.unwrap_or(true) {
            search
                .entry(section.lang.clone())
                .or_default()
                .push(search::document(
                    section.path.clone(),
                    section.front.title.as_deref().unwrap_or_default(),
                    &markdown::plain_text(&section.html),
                ));
        }
        rendered.push(Rendered {
            path: section.path.clone(),
            html,
        });
        report.sections += 1;
    }
    for page in data_pages(dirs, config, &tera)? {
        let value = values::Fields::new()
            .set("title", page.title.as_str())
            .set("description", page.description.as_str())
            .set("path", page.path.as_str())
            .set("permalink", config.permalink(&page.path))
            .set("lang", page.lang.as_str())
            .set("extra", Value::from(tera::Map::new()))
            .build();
        let mut context =
            base_context(&config_value, config, &page.path, &page.lang).with("page", value);
        for (name, variable) in page.variables {
            context = context.with(name, variable);
        }
        let html = render(&tera, page.template, &context.0)
            .with_context(|| format!("rendering {} with {}", page.path, page.template))?;
        search
            .entry(page.lang.clone())
            .or_default()
            .push(search::document(
                page.path.clone(),
                &page.title,
                &page.description,
            ));
        rendered.push(Rendered {
            path: page.path,
            html,
        });
        report.data_pages += 1;
    }
    Ok((rendered, report, search))
}

fn render(tera: &Tera, template: &str, context: &TeraContext) -> anyhow::Result<String> {
    tera.render(template, context)
        .map_err(|error| anyhow::anyhow!("{error}"))
}

struct Ctx(TeraContext);

impl Ctx {
    fn with(mut self, key: &'static str, value: Value) -> Self {
        self.0.insert_value(key, value);
        self
    }
}

fn base_context(config_value: &Value, config: &Config, path: &str, lang: &str) -> Ctx {
    let mut context = TeraContext::new();
    context.insert_value("config", config_value.clone());
    context.insert("current_path", path);
    context.insert("current_url", &config.permalink(path));
    context.insert("lang", lang);
    Ctx(context)
}

fn config_value(config: &Config) -> Value {
    let mut table = config.raw.clone();
    table.insert(
        "base_url".to_owned(),
        toml::Value::String(config.base_url.clone()),
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

fn render_markdown(content: &mut Content, config: &Config) -> anyhow::Result<()> {
    let mut permalinks = HashMap::new();
    for page in &content.pages {
        permalinks.insert(page.relative_path.clone(), config.permalink(&page.path));
    }
    for section in &content.sections {
        permalinks.insert(
            section.relative_path.clone(),
            config.permalink(&section.path),
        );
    }
    for page in &mut content.pages {
        page.html = markdown::render(&page.markdown, &permalinks)
            .with_context(|| format!("in content/{}", page.relative_path))?;
        page.summary = markdown::summary(&page.markdown, &permalinks)?;
    }
    for section in &mut content.sections {
        section.html = markdown::render(&section.markdown, &permalinks)
            .with_context(|| format!("in content/{}", section.relative_path))?;
    }
    Ok(())
}

fn lookup(
    dirs: &SiteDirs,
    config: Config,
    content: &Content,
) -> anyhow::Result<(Lookup, Vec<Value>, Vec<Value>)> {
    let page_values: Vec<Value> = content
        .pages
        .iter()
        .map(|page| values::page_value(page, &config))
        .collect();
    let section_values: Vec<Value> = content
        .sections
        .iter()
        .map(|section| {
            values::section_value(
                section,
                &config,
                section
                    .pages
                    .iter()
                    .map(|&i| page_values[i].clone())
                    .collect(),
            )
        })
        .collect();
    let mut lookup = Lookup {
        root: dirs.root.clone(),
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
            .map(|(s, v)| {
                (
                    s.relative_path.clone(),
                    (v.clone(), values::section_value(s, &config, Vec::new())),
                )
            })
            .collect(),
        permalinks: content
            .pages
            .iter()
            .map(|p| (p.relative_path.clone(), config.permalink(&p.path)))
            .chain(
                content
                    .sections
                    .iter()
                    .map(|s| (s.relative_path.clone(), config.permalink(&s.path))),
            )
            .collect(),
        catalogue: HashMap::new(),
        config,
    };
    if let Some((catalogue, settings)) = catalogue_data(dirs)? {
        let year = settings
            .years()
            .last()
            .context("settings.toml configures no year")?;
        for lang in languages(&lookup.config) {
            let prefix = lookup.config.language_prefix(&lang);
            lookup.catalogue.insert(
                lang.clone(),
                catalogue::catalogue_value(&catalogue, year, &lang, &prefix),
            );
        }
    }
    Ok((lookup, page_values, section_values))
}

fn languages(config: &Config) -> Vec<String> {
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

/// The catalogue and settings, when the site has them in `data/`.
fn catalogue_data(dirs: &SiteDirs) -> anyhow::Result<Option<(Catalogue, Settings)>> {
    let catalog = dirs.data().join("catalog.toml");
    let settings = dirs.data().join("settings.toml");
    if !catalog.exists() || !settings.exists() {
        return Ok(None);
    }
    let catalogue = Catalogue::from_toml(&std::fs::read_to_string(&catalog)?)?;
    let settings = Settings::from_toml(&std::fs::read_to_string(&settings)?)?;
    Ok(Some((catalogue, settings)))
}

fn data_pages(
    dirs: &SiteDirs,
    config: &Config,
    tera: &Tera,
) -> anyhow::Result<Vec<catalogue::DataPage>> {
    let Some((catalogue, settings)) = catalogue_data(dirs)? else {
        return Ok(Vec::new());
    };
    let names: Vec<&str> = tera.get_template_names().collect();
    if !names.contains(&"course.html") || !names.contains(&"hour.html") {
        bail!(
            "site/data/catalog.toml exists but templates/course.html or templates/hour.html is missing"
        );
    }
    let year = settings
        .years()
        .last()
        .context("settings.toml configures no year")?;
    Ok(languages(config)
        .iter()
        .flat_map(|lang| {
            catalogue::data_pages(&catalogue, year, lang, &config.language_prefix(lang))
        })
        .collect())
}
