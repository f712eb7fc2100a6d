//! Rendering: each content page, section and catalogue page becomes a job
//! (template and context), and the jobs are rendered on every core.

mod context;
mod listings;
mod site_files;

use std::collections::HashMap;
use std::sync::Arc;

use anyhow::{Context, bail};
use tera::{Context as TeraContext, Tera, Value};

use crate::config::Config;
use crate::content::{self, Content};
use crate::headings::{InsertAnchor, toc_value};
use crate::lookup::{self, catalogue_data, languages};
use crate::markdown::Headings;
use crate::sitemap::Sitemap;
use crate::{
    BuildReport, Rendered, Sink, SiteDirs, aliases, catalogue, markdown, search, taxonomies,
    templates, values,
};
pub(crate) use context::Configs;
use context::base_context;
use listings::Listings;
use site_files::{SITEMAP_LIMIT, redirect, site_files};

/// Per language, the documents of `search_index.<lang>.json`.
pub type SearchIndexes = HashMap<String, Vec<search::Document>>;

/// One page to render.
struct Job {
    path: String,
    template: String,
    /// Empty for a content page, whose context is made when it is rendered.
    context: TeraContext,
    /// A content page's index: its context and its value (copied to add its
    /// siblings) are made when it is rendered and go with it (made
    /// beforehand, 10,000 pages' value copies held 33 MB at once, their
    /// contexts 8 MB more).
    page: Option<usize>,
    /// Named in errors; empty for a content page (see [`PageJobs`]).
    origin: String,
}

/// What a content page's job needs when it is rendered.
struct PageJobs<'a> {
    content: &'a Content,
    configs: &'a Configs,
    config: &'a Config,
    page_values: &'a [Value],
    siblings: &'a [(Option<usize>, Option<usize>)],
}

impl PageJobs<'_> {
    /// The context of page `i`: the base context and its value with its siblings.
    fn context(&self, i: usize) -> TeraContext {
        let page = &self.content.pages[i];
        let (lower, higher) = self.siblings[i];
        let value = values::with_siblings(
            &self.page_values[i],
            lower.map(|i| &self.page_values[i]),
            higher.map(|i| &self.page_values[i]),
        );
        base_context(self.configs, self.config, &page.path, &page.lang)
            .with("page", value)
            .0
    }

    fn origin(&self, i: usize) -> String {
        format!("content/{}", self.content.pages[i].relative_path)
    }
}

/// Files of `content/` copied as they are: (the output path, the source).
pub type Assets = Vec<(String, std::path::PathBuf)>;

/// Renders every page (content pages, sections and data pages) on all
/// cores, handing each to `sink` as soon as it is rendered.
pub fn render_site(
    dirs: &SiteDirs,
    config: Config,
    sink: Sink<'_>,
) -> anyhow::Result<(BuildReport, SearchIndexes, Assets)> {
    let mut content = content::load(&dirs.content(), &config)?;
    let found = taxonomies::find(&content, &config)?;
    crate::collisions::refuse(&found, &content)?;
    crate::content_tera::render(&mut content, &config, dirs)?;
    // Made once for the Markdown's `@/` links and the lookup's: the Markdown changes no path.
    let permalinks = lookup::permalinks(&content, &config)?;
    render_markdown(&mut content, &config, dirs, &permalinks)?;
    let (lookup, page_values, section_values) =
        lookup::build(dirs, config, &content, &found, permalinks)?;
    let lookup = Arc::new(lookup);
    let tera = templates::engine(dirs, Arc::clone(&lookup))?;
    let config = &lookup.config;
    let configs = Configs::new(config);
    let template_names = templates::names(&tera, config.theme.as_deref());
    let listings = Listings {
        configs: &configs,
        config,
        content: &content,
        page_values: &page_values,
        templates: &template_names,
    };
    let mut jobs = Vec::with_capacity(content.pages.len() + content.sections.len());
    let mut search: SearchIndexes = HashMap::new();
    let mut report = BuildReport::default();
    let mut assets: Assets = Vec::new();
    let content_dir = dirs.content();
    let mut sitemap = Sitemap::default();
    // As in Zola, no search index unless the config asks for one.
    let searchable = config.build_search_index;
    let mut index = |lang: &str, path: &str, title: &str, text: &str| {
        search
            .entry(lang.to_owned())
            .or_default()
            .push(search::document(path.to_owned(), title, text));
    };

    let siblings = values::siblings(&content);
    let page_templates: HashMap<&str, &str> = content
        .sections
        .iter()
        .filter_map(|s| Some((s.relative_path.as_str(), s.front.page_template.as_deref()?)))
        .collect();
    // Zola writes no file, sitemap entry or search entry for a page with
    // `render = false`.
    let listed: Vec<usize> = (0..content.pages.len())
        .filter(|&i| content.pages[i].is_listed())
        .collect();
    // Nor a file for a page its section's sort cannot place (it warns),
    // which stays in the sitemap.
    let ignored: std::collections::HashSet<usize> = content
        .sections
        .iter()
        .flat_map(|s| s.ignored.iter().copied())
        .collect();
    if !ignored.is_empty() {
        eprintln!(
            "warning: {} page(s) ignored (missing date or weight in a sorted section):",
            ignored.len()
        );
        for &i in &ignored {
            eprintln!("warning: - content/{}", content.pages[i].relative_path);
        }
    }
    let rendered: Vec<usize> = listed
        .iter()
        .copied()
        .filter(|i| !ignored.contains(i))
        .collect();
    jobs.extend(crate::parallel::map(&rendered, |&i| {
        let page = &content.pages[i];
        let template = page
            .front
            .template
            .clone()
            .or_else(|| {
                // The nearest section up the page's ancestors that names a page_template, as in Zola.
                let ancestors = page_values[i].get_from_path("ancestors");
                let ancestors = ancestors
                    .as_ref()
                    .and_then(|a| a.as_array())
                    .unwrap_or_default();
                ancestors.iter().rev().find_map(|ancestor| {
                    page_templates
                        .get(ancestor.as_str()?)
                        .map(|t| (*t).to_owned())
                })
            })
            .unwrap_or_else(|| "page.html".to_owned());
        Ok(Job {
            path: page.path.clone(),
            template,
            context: TeraContext::new(),
            page: Some(i),
            origin: String::new(),
        })
    })?);
    // A written page's assets go beside it, keeping their place under its folder.
    for page in rendered.iter().map(|&i| &content.pages[i]) {
        let dir = page
            .relative_path
            .rsplit_once('/')
            .map_or("", |(dir, _)| dir);
        for asset in &page.assets {
            let inside = asset
                .strip_prefix(dir)
                .unwrap_or(asset)
                .trim_start_matches('/');
            let to = format!("{}{inside}", page.path.trim_start_matches('/'));
            assets.push((to, content_dir.join(asset)));
        }
    }
    // The pages' sitemap entries, made on every core: one after the other,
    // reaching into 10,000 page values held nowhere near the cache took
    // the one core as long as the whole site's pages take both.
    let entries = crate::parallel::map(&listed, |&i| {
        let page = &content.pages[i];
        // The page value's `extra`, shared rather than made again.
        let extra = page_values[i].get_from_path("extra").cloned();
        Ok((
            config.permalink(&page.path),
            page.front
                .updated
                .as_ref()
                .or(page.front.date.as_ref())
                .map(content::date_text),
            extra.unwrap_or_else(|| values::table_to_value(&page.front.extra)),
        ))
    })?;
    for (&i, (permalink, updated, extra)) in listed.iter().zip(entries) {
        let page = &content.pages[i];
        sitemap.add(permalink, updated, extra);
        if searchable && page.front.in_search_index.unwrap_or(true) {
            index(
                &page.lang,
                &page.path,
                page.front.title.as_deref().unwrap_or_default(),
                &markdown::plain_text(page.html.as_str().unwrap_or_default()),
            );
        }
        report.pages += 1;
    }
    let page_jobs = jobs.len();
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
        match section.front.paginate_by.filter(|&n| n > 0) {
            _ if section.front.redirect_to.is_some() => {
                let target = section.front.redirect_to.as_deref().unwrap_or_default();
                jobs.push(redirect(
                    section.path.clone(),
                    aliases::redirect_url(target, config),
                    format!("content/{}", section.relative_path),
                ));
            }
            Some(paginate_by) => jobs.extend(listings.section_pagers(
                section,
                value,
                &template,
                paginate_by,
                &mut sitemap,
            )),
            None => {
                // As in Zola, only a section written as one page gets its assets.
                for asset in &section.assets {
                    let name = asset.rsplit('/').next().unwrap_or(asset);
                    let to = format!("{}{name}", section.path.trim_start_matches('/'));
                    assets.push((to, content_dir.join(asset)));
                }
                let context = base_context(&configs, config, &section.path, &section.lang)
                    .with("section", value.clone());
                jobs.push(Job {
                    path: section.path.clone(),
                    template,
                    context: context.0,
                    page: None,
                    origin: format!("content/{}", section.relative_path),
                });
            }
        }
        sitemap.add(
            config.permalink(&section.path),
            None,
            values::table_to_value(&section.front.extra),
        );
        if searchable && section.front.in_search_index.unwrap_or(true) {
            index(
                &section.lang,
                &section.path,
                section.front.title.as_deref().unwrap_or_default(),
                &markdown::plain_text(&section.html),
            );
        }
        report.sections += 1;
    }
    let sections_end = jobs.len();
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
            base_context(&configs, config, &page.path, &page.lang).with("page", value);
        for (name, variable) in page.variables {
            context = context.with(name, variable);
        }
        if searchable {
            index(&page.lang, &page.path, &page.title, &page.description);
        }
        sitemap.add(
            config.permalink(&page.path),
            None,
            Value::from(tera::Map::new()),
        );
        jobs.push(Job {
            origin: page.path.clone(),
            path: page.path,
            template: page.template.to_owned(),
            context: context.0,
            page: None,
        });
        report.data_pages += 1;
    }
    for (path, url) in aliases::aliases(&content, config) {
        jobs.push(redirect(path.clone(), url, format!("the alias {path}")));
    }
    jobs.extend(listings.taxonomy_jobs(&found, &lookup, &mut sitemap)?);
    jobs.extend(listings.feed_jobs_of_site(&section_values)?);
    let files = site_files(
        configs.get(&config.default_language),
        config,
        &sitemap,
        SITEMAP_LIMIT,
    );
    // The sitemap and the sections (a listing each of every page, on a
    // large site) are rendered first, beside the pages: taken last, they
    // were rendered on one core while the other had nothing left to do.
    // Pages and sections never share a path (see `collisions`); a file
    // that an alias also writes stays last, to be written over it as before.
    jobs[..sections_end].rotate_left(page_jobs);
    let (last, first): (Vec<Job>, Vec<Job>) = files
        .into_iter()
        .partition(|file| jobs.iter().any(|job| job.path == file.path));
    jobs.splice(0..0, first);
    jobs.extend(last);
    let pages = PageJobs {
        content: &content,
        configs: &configs,
        config,
        page_values: &page_values,
        siblings: &siblings,
    };
    render_all(&tera, &jobs, &pages, sink)?;
    free_aside((content, page_values, section_values, jobs, tera, lookup));
    Ok((report, search, assets))
}

/// Frees what the rendering held on a thread of its own: taking apart
/// every page's value, HTML and context took an eighth of a 10,000-page
/// build, while the build has only its output folder left to finish (and
/// `ticedu-site build` exits before the thread is done, the kernel taking
/// the memory back at once).
fn free_aside<T: Send + 'static>(held: T) {
    // Without a thread to spare, `spawn` frees them here, with its closure.
    let _ = std::thread::Builder::new()
        .name("free".into())
        .spawn(move || drop(held));
}

/// Renders and writes the jobs on several threads per core, each taking the
/// next job when done (a listing of every page takes as long as hundreds of
/// pages); any failure fails the build.
fn render_all(
    tera: &Tera,
    jobs: &[Job],
    pages: &PageJobs<'_>,
    sink: Sink<'_>,
) -> anyhow::Result<()> {
    // Writing thousands of small files waits on the file system more than on the CPU:
    // more threads than cores keep the disk busy while others render.
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()) * 4;
    let next = std::sync::atomic::AtomicUsize::new(0);
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads.min(jobs.len().max(1)))
            .map(|_| {
                scope.spawn(|| -> anyhow::Result<()> {
                    loop {
                        let taken = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(job) = jobs.get(taken) else {
                            return Ok(());
                        };
                        let page_context = job.page.map(|i| pages.context(i));
                        let context = page_context.as_ref().unwrap_or(&job.context);
                        // Bytes for the file: no UTF-8 check of what Tera wrote as
                        // text, and room for a page without growing the buffer.
                        let mut html = Vec::with_capacity(16 * 1024);
                        tera.render_to(&job.template, context, &mut html)
                            .map_err(|error| anyhow::anyhow!("{error}"))
                            .with_context(|| {
                                let origin = job.page.map(|i| pages.origin(i));
                                let origin = origin.as_ref().unwrap_or(&job.origin);
                                format!("rendering {origin} with {}", job.template)
                            })?;
                        sink(Rendered {
                            path: job.path.clone(),
                            html,
                        })?;
                    }
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

fn render_markdown(
    content: &mut Content,
    config: &Config,
    dirs: &SiteDirs,
    permalinks: &HashMap<String, String>,
) -> anyhow::Result<()> {
    let anchors = templates::anchor_link_engine(dirs, config.theme.as_deref())?;
    let insert_anchor: HashMap<&str, InsertAnchor> = content
        .sections
        .iter()
        .map(|s| {
            let own = s.front.insert_anchor_links;
            let insert = own.unwrap_or(config.markdown.insert_anchor_links);
            (s.relative_path.as_str(), insert)
        })
        .collect();
    let headings = |permalink: &str, lang: &str, insert: InsertAnchor| {
        let lang = lang.to_owned();
        let anchors = &anchors;
        let link = move |id: &str, level: u32| {
            let mut context = TeraContext::new();
            context.insert("id", id);
            context.insert("level", &level);
            context.insert("lang", &lang);
            render(anchors, "anchor-link.html", &context)
        };
        (permalink.to_owned(), insert, link)
    };
    // Each page's source is freed as soon as its HTML is made: its memory
    // goes to the next pages' HTML and headings rather than being held to
    // the end of the stage (a fifth of a large build's peak).
    crate::parallel::map_mut(&mut content.pages, |page| {
        // A page takes its section's anchor links; Zola's site-wide `[markdown]` setting otherwise.
        let insert = insert_anchor
            .get(page.section.as_str())
            .copied()
            .unwrap_or(config.markdown.insert_anchor_links);
        let (permalink, insert_anchor, anchor_link) =
            headings(&config.permalink(&page.path), &page.lang, insert);
        let options = Headings {
            permalink: &permalink,
            slugs: config.slugify.anchors,
            insert_anchor,
            anchor_link: &anchor_link,
            external_links: &config.markdown.external_links,
            options: config.markdown.parser_options(),
            emoji: config.markdown.render_emoji,
            lazy_images: config.markdown.lazy_async_image,
        };
        let in_page = || format!("in content/{}", page.relative_path);
        // The source is not read again (it was counted when parsed).
        let (source, templated) = (std::mem::take(&mut page.markdown), page.templated.take());
        let text = templated.as_deref().unwrap_or(&source);
        let body = markdown::render(text, permalinks, &options).with_context(in_page)?;
        drop((source, templated));
        let summary = body
            .summary
            .map(|summary| {
                summary.with_cutoff(|html| {
                    let mut context = TeraContext::new();
                    context.insert("summary", html);
                    context.insert("lang", &page.lang);
                    render(&anchors, "summary-cutoff.html", &context)
                })
            })
            .transpose()
            .with_context(in_page)?;
        // Made the value every listing shares at once, so the HTML is not held twice.
        page.html = tera::Value::safe_string(&body.html);
        page.toc = toc_value(&body.toc);
        page.summary = summary;
        Ok(())
    })?;
    let mut rendered_sections = Vec::with_capacity(content.sections.len());
    for section in &content.sections {
        let (permalink, insert_anchor, anchor_link) = headings(
            &config.permalink(&section.path),
            &section.lang,
            insert_anchor[section.relative_path.as_str()],
        );
        let options = Headings {
            permalink: &permalink,
            slugs: config.slugify.anchors,
            insert_anchor,
            anchor_link: &anchor_link,
            external_links: &config.markdown.external_links,
            options: config.markdown.parser_options(),
            emoji: config.markdown.render_emoji,
            lazy_images: config.markdown.lazy_async_image,
        };
        rendered_sections.push(
            markdown::render(
                section.templated.as_deref().unwrap_or(&section.markdown),
                permalinks,
                &options,
            )
            .with_context(|| format!("in content/{}", section.relative_path))?,
        );
    }
    for (section, body) in content.sections.iter_mut().zip(rendered_sections) {
        section.html = body.html;
        section.toc = toc_value(&body.toc);
        section.markdown = String::new();
        section.templated = None;
    }
    Ok(())
}

fn data_pages(
    dirs: &SiteDirs,
    config: &Config,
    tera: &Tera,
) -> anyhow::Result<Vec<catalogue::DataPage>> {
    let Some((catalogue, settings)) = catalogue_data(dirs)? else {
        return Ok(Vec::new());
    };
    let names = templates::names(tera, config.theme.as_deref());
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
