//! The files every build writes besides pages: `404.html`, `sitemap.xml`
//! (split past Zola's limit) and `robots.txt`, and the redirects of
//! `aliases` and `redirect_to`.

use tera::{Context as TeraContext, Value};

use super::Job;
use crate::config::Config;
use crate::sitemap::Sitemap;

/// Zola's: a sitemap of this many entries or more becomes `sitemap1.xml`,
/// `sitemap2.xml` … of this many each, listed by `sitemap.xml`.
pub(super) const SITEMAP_LIMIT: usize = 30_000;

/// A redirect page, from `internal/alias.html` with `url` alone, as Zola renders one.
pub(super) fn redirect(path: String, url: String, origin: String) -> Job {
    let mut context = TeraContext::new();
    context.insert("url", &url);
    Job {
        path,
        template: "internal/alias.html".to_owned(),
        context,
        page: None,
        origin,
    }
}

/// `404.html` always, `sitemap.xml` and `robots.txt` unless the config turns
/// them off: each with the minimal context Zola gives it (`config`, and
/// `lang` or the sitemap's `entries`), so a site's own template of that
/// name sees what it would see under Zola.
pub(super) fn site_files(
    config_value: &Value,
    config: &Config,
    sitemap: &Sitemap,
    sitemap_limit: usize,
) -> Vec<Job> {
    let job = |name: &str, extra: Option<(&'static str, Value)>| {
        let mut context = TeraContext::new();
        context.insert_value("config", config_value.clone());
        match extra {
            Some((key, value)) => context.insert_value(key, value),
            None => context.insert("lang", &config.default_language),
        }
        Job {
            path: format!("/{name}"),
            template: name.to_owned(),
            context,
            page: None,
            origin: name.to_owned(),
        }
    };
    let mut jobs = vec![job("404.html", None)];
    if config.generate_sitemap {
        let mut files = sitemap.files(sitemap_limit);
        if files.len() == 1 {
            jobs.push(job("sitemap.xml", Some(("entries", files.remove(0)))));
        } else {
            let mut urls = Vec::new();
            for (n, entries) in files.into_iter().enumerate() {
                let name = format!("sitemap{}.xml", n + 1);
                urls.push(Value::from(config.permalink(&format!("/{name}"))));
                let mut part = job("sitemap.xml", Some(("entries", entries)));
                part.path = format!("/{name}");
                part.origin = name;
                jobs.push(part);
            }
            jobs.push(Job {
                path: "/sitemap.xml".to_owned(),
                origin: "sitemap.xml".to_owned(),
                ..job(
                    "split_sitemap_index.xml",
                    Some(("sitemaps", Value::from(urls))),
                )
            });
        }
    }
    if config.generate_robots_txt {
        jobs.push(job("robots.txt", None));
    }
    jobs
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::global_fns::fixture::site;
    use crate::templates;

    #[test]
    fn a_sitemap_past_the_limit_is_split_and_indexed_by_sitemap_xml() {
        let (dir, lookup) = site();
        let config = &lookup.config;
        let mut sitemap = Sitemap::default();
        for n in 0..3 {
            sitemap.add(
                config.permalink(&format!("/{n}/")),
                None,
                Value::from(tera::Map::new()),
            );
        }
        let jobs = site_files(&Value::from(tera::Map::new()), config, &sitemap, 2);
        let paths: Vec<&str> = jobs.iter().map(|j| j.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "/404.html",
                "/sitemap1.xml",
                "/sitemap2.xml",
                "/sitemap.xml",
                "/robots.txt"
            ]
        );
        let tera =
            templates::engine(&crate::SiteDirs::new(dir.path()), Arc::clone(&lookup)).unwrap();
        let index = tera.render(&jobs[3].template, &jobs[3].context).unwrap();
        let base = &config.base_url;
        assert!(
            index.contains(&format!("<loc>{base}/sitemap1.xml</loc>"))
                && index.contains(&format!("<loc>{base}/sitemap2.xml</loc>"))
                && index.contains("<sitemapindex"),
            "{index}"
        );
        let second = tera.render(&jobs[2].template, &jobs[2].context).unwrap();
        assert!(
            second.contains(&format!("<loc>{base}/2/</loc>")),
            "{second}"
        );
        assert!(
            !second.contains(&format!("<loc>{base}/0/</loc>")),
            "{second}"
        );
    }
}
