//! The jobs of what lists pages beyond a section's own page: the pagers of
//! a paginated section, the taxonomy and term pages, and the feeds. Each is
//! made only for what the site configures, so a site without them pays
//! nothing.

use anyhow::bail;
use tera::{Context as TeraContext, Value};

use super::Job;
use super::context::{Configs, base_context};
use crate::config::{Config, ExcludePaginated};
use crate::content::{Content, Section};
use crate::feeds::{self, FeedPages};
use crate::lookup::{Lookup, languages};
use crate::pagination::Paginator;
use crate::sitemap::Sitemap;
use crate::taxonomies::Taxonomy;
use crate::values::Fields;

/// Zola's redirect page, used for `<paginate_path>/1/`.
const REDIRECT: &str = "internal/alias.html";

pub(super) struct Listings<'a> {
    pub configs: &'a Configs,
    pub config: &'a Config,
    pub content: &'a Content,
    /// Listing values of the content's pages.
    pub page_values: &'a [Value],
    pub templates: &'a [&'a str],
}

impl Listings<'_> {
    fn has_template(&self, name: &str) -> bool {
        self.templates.contains(&name)
    }

    fn in_sitemap(&self, sitemap: &mut Sitemap, paginator: &Paginator) {
        if self.config.exclude_paginated_pages_in_sitemap == ExcludePaginated::All {
            return;
        }
        for path in paginator.numbered_paths() {
            sitemap.add(
                self.config.permalink(&path),
                None,
                Value::from(tera::Map::new()),
            );
        }
    }

    /// One job per pager of a section with `paginate_by`, each seeing the
    /// section (with all its pages) and `paginator`, and the redirect.
    pub(super) fn section_pagers(
        &self,
        section: &Section,
        value: &Value,
        template: &str,
        paginate_by: usize,
        sitemap: &mut Sitemap,
    ) -> Vec<Job> {
        let paginator = Paginator::new(
            &section.pages,
            paginate_by,
            section.front.paginate_path.as_deref().unwrap_or("page"),
            section.front.paginate_reversed,
            &section.path,
            self.config,
        );
        self.in_sitemap(sitemap, &paginator);
        let origin = format!("content/{}", section.relative_path);
        self.pager_jobs(&paginator, template, &origin, |context| {
            base_context(self.configs, self.config, "", &section.lang)
                .with("section", value.clone())
                .with("paginator", context)
        })
    }

    fn pager_jobs(
        &self,
        paginator: &Paginator,
        template: &str,
        origin: &str,
        context: impl Fn(Value) -> super::context::Ctx,
    ) -> Vec<Job> {
        let mut jobs: Vec<Job> = paginator
            .pagers
            .iter()
            .map(|pager| {
                let mut ctx = context(paginator.context(pager, self.page_values)).0;
                ctx.insert("current_path", &pager.path);
                ctx.insert("current_url", &pager.permalink);
                Job {
                    path: pager.path.clone(),
                    template: template.to_owned(),
                    context: ctx,
                    page: None,
                    origin: format!("{origin} (pager {})", pager.index),
                }
            })
            .collect();
        jobs.push(redirect(paginator.redirect_path(), paginator.permalink()));
        jobs
    }

    /// Each rendered taxonomy with terms: its list page, each term's page
    /// (or pagers), and each term's feeds when the taxonomy has `feed`.
    pub(super) fn taxonomy_jobs(
        &self,
        found: &[Taxonomy],
        lookup: &Lookup,
        sitemap: &mut Sitemap,
    ) -> anyhow::Result<Vec<Job>> {
        let mut jobs = Vec::new();
        for taxonomy in found {
            if !taxonomy.kind.render || taxonomy.terms.is_empty() {
                continue;
            }
            let name = &taxonomy.kind.name;
            let entry = lookup
                .taxonomy(&taxonomy.lang, &taxonomy.kind.slug)
                .expect("every taxonomy found is in the lookup");
            let list = self.taxonomy_template(name, "list.html", "taxonomy_list.html")?;
            let single = self.taxonomy_template(name, "single.html", "taxonomy_single.html")?;
            let kind = taxonomy.kind.value();
            let items = entry
                .value
                .get_from_path("items")
                .cloned()
                .unwrap_or_else(Value::none);
            let context = base_context(self.configs, self.config, &taxonomy.path, &taxonomy.lang)
                .with("terms", items)
                .with("taxonomy", kind.clone());
            jobs.push(Job {
                path: taxonomy.path.clone(),
                template: list,
                context: context.0,
                page: None,
                origin: format!("the taxonomy {name} ({})", taxonomy.lang),
            });
            sitemap.add(
                taxonomy.permalink.clone(),
                None,
                Value::from(tera::Map::new()),
            );
            for term in &taxonomy.terms {
                let term_value = entry.terms[&term.slug].clone();
                let origin = format!("the term {} of {name} ({})", term.name, taxonomy.lang);
                sitemap.add(term.permalink.clone(), None, Value::from(tera::Map::new()));
                let with_term = |path: &str| {
                    base_context(self.configs, self.config, path, &taxonomy.lang)
                        .with("term", term_value.clone())
                        .with("taxonomy", kind.clone())
                };
                match taxonomy.kind.paginate_by() {
                    Some(paginate_by) => {
                        let paginator = Paginator::new(
                            &term.pages,
                            paginate_by,
                            taxonomy.kind.paginate_path(),
                            false,
                            &term.path,
                            self.config,
                        );
                        self.in_sitemap(sitemap, &paginator);
                        jobs.extend(self.pager_jobs(&paginator, &single, &origin, |context| {
                            with_term(&term.path).with("paginator", context)
                        }));
                    }
                    None => jobs.push(Job {
                        path: term.path.clone(),
                        template: single.clone(),
                        context: with_term(&term.path).0,
                        page: None,
                        origin,
                    }),
                }
                if taxonomy.kind.feed {
                    let feed =
                        feeds::select(&self.content.pages, term.pages.iter().copied(), self.config);
                    let summary = Fields::new()
                        .set("name", term.name.as_str())
                        .set("slug", term.slug.as_str())
                        .set("permalink", term.permalink.as_str())
                        .build();
                    let extra = [("taxonomy", kind.clone()), ("term", summary)];
                    jobs.extend(self.feed_jobs(&term.path, &taxonomy.lang, &feed, &extra)?);
                }
            }
        }
        Ok(jobs)
    }

    /// `<name>/<own>` when the site has it, else the generic template,
    /// which the site must then have (Zola has no built-in one).
    fn taxonomy_template(&self, name: &str, own: &str, generic: &str) -> anyhow::Result<String> {
        let specific = format!("{name}/{own}");
        if self.has_template(&specific) {
            Ok(specific)
        } else if self.has_template(generic) {
            Ok(generic.to_owned())
        } else {
            bail!(
                "the taxonomy `{name}` is rendered but templates/ has neither {specific} nor {generic}"
            )
        }
    }

    /// The whole-site feeds of each language with `generate_feeds`, and the
    /// feeds of each section with `generate_feeds = true`.
    pub(super) fn feed_jobs_of_site(&self, section_values: &[Value]) -> anyhow::Result<Vec<Job>> {
        let mut jobs = Vec::new();
        for lang in languages(self.config) {
            if !self.config.options(&lang).generate_feeds {
                continue;
            }
            let pages = &self.content.pages;
            let own = (0..pages.len()).filter(|&i| pages[i].lang == lang);
            let feed = feeds::select(pages, own, self.config);
            let dir = format!("{}/", self.config.language_prefix(&lang));
            jobs.extend(self.feed_jobs(&dir, &lang, &feed, &[])?);
        }
        for (section, value) in self.content.sections.iter().zip(section_values) {
            if !section.front.generate_feeds || section.front.draft {
                continue;
            }
            let feed = feeds::select(
                &self.content.pages,
                section.pages.iter().copied(),
                self.config,
            );
            let extra = [("section", value.clone())];
            jobs.extend(self.feed_jobs(&section.path, &section.lang, &feed, &extra)?);
        }
        Ok(jobs)
    }

    /// One job per feed file name of the language, in the folder `dir`.
    fn feed_jobs(
        &self,
        dir: &str,
        lang: &str,
        feed: &FeedPages,
        extra: &[(&'static str, Value)],
    ) -> anyhow::Result<Vec<Job>> {
        let pages = feeds::pages_value(feed, self.page_values);
        self.config
            .options(lang)
            .feed_filenames
            .iter()
            .map(|filename| {
                if !self.has_template(filename) {
                    bail!("feed_filenames names {filename}, but templates/ has no {filename} (Zola has atom.xml and rss.xml built in)");
                }
                let path = feeds::feed_path(dir, filename);
                let mut context = TeraContext::new();
                context.insert_value("config", self.configs.get(lang).clone());
                context.insert("lang", lang);
                context.insert("feed_url", &self.config.permalink(&path));
                context.insert_value("pages", pages.clone());
                if let Some(updated) = &feed.last_updated {
                    context.insert("last_updated", updated);
                }
                for (key, value) in extra {
                    context.insert_value(*key, value.clone());
                }
                Ok(Job {
                    origin: format!("the feed {path}"),
                    path,
                    template: filename.clone(),
                    context,
                    page: None,
                })
            })
            .collect()
    }
}

/// Zola's redirect page at `from`, with only `url` in its context.
pub(super) fn redirect(from: String, url: &str) -> Job {
    let mut context = TeraContext::new();
    context.insert("url", url);
    Job {
        origin: format!("the redirect {from}"),
        path: from,
        template: REDIRECT.to_owned(),
        context,
        page: None,
    }
}
