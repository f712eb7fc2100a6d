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

/// Builds the whole site into `output` (emptied first), rendering on every core.
pub fn build(
    dirs: &SiteDirs,
    output: &Path,
    base_url: Option<&str>,
) -> anyhow::Result<BuildReport> {
    if output.exists() {
        std::fs::remove_dir_all(output)
            .with_context(|| format!("emptying {}", output.display()))?;
    }
    std::fs::create_dir_all(output)?;
    copy_dir(&dirs.static_files(), output)?;
    // Each page is written as soon as it is rendered: a build never holds the whole site in memory.
    let (report, search) = render_site(dirs, base_url, &|file: Rendered| {
        write_page(output, &file.path, &file.html)
    })?;
    for (lang, documents) in search {
        std::fs::write(
            output.join(format!("search_index.{lang}.json")),
            serde_json::to_vec(&documents)?,
        )?;
    }
    Ok(report)
}

/// Rebuilds into an existing `output` (as `serve` does after an edit):
/// everything is rendered again, but only files whose bytes changed are
/// written, which on a slow disk is most of a build's time. Files of pages
/// that no longer exist stay until the next full build.
pub fn rebuild(dirs: &SiteDirs, output: &Path, base_url: Option<&str>) -> anyhow::Result<usize> {
    let written = std::sync::atomic::AtomicUsize::new(0);
    copy_dir(&dirs.static_files(), output)?;
    let (_, search) = render_site(dirs, base_url, &|file: Rendered| {
        let target = output
            .join(file.path.trim_start_matches('/'))
            .join("index.html");
        if std::fs::read(&target).is_ok_and(|old| old == file.html.as_bytes()) {
            return Ok(());
        }
        written.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        write_page(output, &file.path, &file.html)
    })?;
    for (lang, documents) in search {
        std::fs::write(
            output.join(format!("search_index.{lang}.json")),
            serde_json::to_vec(&documents)?,
        )?;
    }
    Ok(written.into_inner())
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

/// Where rendered pages go: a folder, or memory in tests.
pub type Sink<'a> = &'a (dyn Fn(Rendered) -> anyhow::Result<()> + Sync);

/// One page to render.
struct Job {
    path: String,
    template: String,
    context: TeraContext,
    /// Named in errors.
    origin: String,
}

/// Renders every page (content pages, sections and data pages) on all
/// cores, handing each to `sink` as soon as it is rendered.
pub fn render_site(
    dirs: &SiteDirs,
    base_url: Option<&str>,
    sink: Sink<'_>,
) -> anyhow::Result<(BuildReport, SearchIndexes)> {
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
    let mut jobs = Vec::with_capacity(content.pages.len() + content.sections.len());
    let mut search: SearchIndexes = HashMap::new();
    let mut report = BuildReport::default();
    let mut index = |lang: &str, path: &str, title: &str, text: &str| {
        search
            .entry(lang.to_owned())
            .or_default()
            .push(search::document(path.to_owned(), title, text));
    };

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
        jobs.push(Job {
            path: page.path.clone(),
            template,
            context: context.0,
            origin: format!("content/{}", page.relative_path),
        });
        if page.front.in_search_index.unwrap_or(true) {
            index(
                &page.lang,
                &page.path,
                page.front.title.as_deref().unwrap_or_default(),
                &markdown::plain_text(&page.html),
            );
        }
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
        jobs.push(Job {
            path: section.path.clone(),
            template,
            context: context.0,
            origin: format!("content/{}", section.relative_path),
        });
        if section.front.in_search_index.unwrap_or(true) {
            index(
                &section.lang,
                &section.path,
                section.front.title.as_deref().unwrap_or_default(),
                &markdown::plain_text(&section.html),
            );
        }
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
        index(&page.lang, &page.path, &page.title, &page.description);
        jobs.push(Job {
            origin: page.path.clone(),
            path: page.path,
            template: page.template.to_owned(),
            context: context.0,
        });
        report.data_pages += 1;
    }
    render_all(&tera, &jobs, sink)?;
    Ok((report, search))
}

/// Renders and writes the jobs on several threads per core; any failure fails the build.
fn render_all(tera: &Tera, jobs: &[Job], sink: Sink<'_>) -> anyhow::Result<()> {
    // Writing thousands of small files waits on the file system more than on the CPU:
    // more threads than cores keep the disk busy while others render.
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()) * 4;
    let chunk = jobs.len().div_ceil(threads).max(1);
    std::thread::scope(|scope| {
        let workers: Vec<_> = jobs
            .chunks(chunk)
            .map(|jobs| {
                scope.spawn(move || -> anyhow::Result<()> {
                    for job in jobs {
                        let html =
                            render(tera, &job.template, &job.context).with_context(|| {
                                format!("rendering {} with {}", job.origin, job.template)
                            })?;
                        sink(Rendered {
                            path: job.path.clone(),
                            html,
                        })?;
                    }
                    Ok(())
                })
            })
            .collect();
        workers.into_iter().try_for_each(|worker| {
            worker
                .join()
                .map_err(|_| anyhow::anyhow!("a rendering thread panicked"))?
        })
    })
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
