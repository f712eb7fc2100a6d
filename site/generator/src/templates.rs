//! The Tera 2 engine: every file of `templates/`, with what Zola 0.23
//! registers (its global functions and filters, and the filters, tests and
//! functions it takes from `tera-contrib`), and ours, `get_catalogue`.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, bail};
use tera::Tera;

use crate::SiteDirs;
use crate::filters::{Markdown, NumFormat};
use crate::global_fns::{
    GetCatalogue, GetHash, GetImageMetadata, GetPage, GetSection, GetTaxonomy, GetTaxonomyTerm,
    GetTaxonomyUrl, GetUrl, LoadData, Now, TextDirection, Trans,
};
use crate::lookup::Lookup;

/// Zola's built-in templates, each used unless `templates/` has a file of its name.
const BUILTINS: [(&str, &str); 9] = [
    ("atom.xml", include_str!("builtins/atom.xml")),
    ("rss.xml", include_str!("builtins/rss.xml")),
    (
        "internal/alias.html",
        include_str!("builtins/internal/alias.html"),
    ),
    ("sitemap.xml", include_str!("builtins/sitemap.xml")),
    (
        "split_sitemap_index.xml",
        include_str!("builtins/split_sitemap_index.xml"),
    ),
    ("robots.txt", include_str!("builtins/robots.txt")),
    ("404.html", include_str!("builtins/404.html")),
    (
        "anchor-link.html",
        include_str!("builtins/anchor-link.html"),
    ),
    (
        "summary-cutoff.html",
        include_str!("builtins/summary-cutoff.html"),
    ),
];

/// Builds the engine: functions first (Tera 2 checks names when templates
/// are added), then every template file: the site's, its theme's (as
/// `<theme>/templates/<name>`, which Tera falls back to for a name the site
/// does not have, as in Zola), and Zola's built-ins where neither has one.
pub fn engine(dirs: &SiteDirs, lookup: Arc<Lookup>) -> anyhow::Result<Tera> {
    let mut tera = Tera::new();
    tera.autoescape_on(vec![".html", ".htm", ".xml"]);
    register_contrib(&mut tera);
    register(&mut tera, &lookup);
    let templates_dir = dirs.templates();
    let mut files = Vec::new();
    collect(&templates_dir, &templates_dir, &mut files)?;
    let theme_prefix = lookup.config.theme.as_deref().map(theme_prefix);
    if let Some(theme) = &lookup.config.theme {
        let prefix = theme_prefix.clone().unwrap_or_default();
        tera.set_fallback_prefixes([prefix.clone()])
            .map_err(|error| anyhow::anyhow!("{error}"))?;
        let theme_templates = theme_templates(dirs, theme)?;
        let mut theme_files = Vec::new();
        collect(&theme_templates, &theme_templates, &mut theme_files)?;
        files.extend(
            theme_files
                .into_iter()
                .map(|(name, text)| (format!("{prefix}{name}"), text)),
        );
    }
    // Zola's Tera 2.0 ignores what a child template holds outside its blocks; ours would refuse it.
    for (_, text) in &mut files {
        if let std::borrow::Cow::Owned(cleaned) =
            crate::child_templates::without_ignored_top_level(text)
        {
            *text = cleaned;
        }
    }
    for (name, text) in BUILTINS {
        let found = |file: &str| {
            file == name || theme_prefix.as_deref().and_then(|p| file.strip_prefix(p)) == Some(name)
        };
        if !files.iter().any(|(file, _)| found(file)) {
            files.push((name.to_owned(), text.to_owned()));
        }
    }
    tera.add_raw_templates(files)
        .map_err(|error| anyhow::anyhow!("{error}"))
        .context("in templates/")?;
    Ok(tera)
}

/// What a theme's templates are named in the engine.
fn theme_prefix(theme: &str) -> String {
    format!("{theme}/templates/")
}

/// The names a template can be rendered by: the site's and the built-ins',
/// and the theme's without their prefix.
pub fn names<'a>(tera: &'a Tera, theme: Option<&str>) -> Vec<&'a str> {
    let prefix = theme.map(theme_prefix);
    let mut names: Vec<&str> = tera
        .get_template_names()
        .map(|name| {
            prefix
                .as_deref()
                .and_then(|p| name.strip_prefix(p))
                .unwrap_or(name)
        })
        .collect();
    names.sort_unstable();
    names.dedup();
    names
}

/// `themes/<theme>/templates`, which a theme must have (as in Zola).
fn theme_templates(dirs: &SiteDirs, theme: &str) -> anyhow::Result<PathBuf> {
    let folder = dirs.theme(theme).join("templates");
    if !folder.is_dir() {
        bail!("Theme `{theme}` is missing a templates folder");
    }
    Ok(folder)
}

/// The engine that renders `anchor-link.html` (the site's, else its
/// theme's, else Zola's) while Markdown is rendered, before there are pages
/// for the site's functions to find: as in Zola, it has the `tera-contrib`
/// filters only.
pub fn anchor_link_engine(dirs: &SiteDirs, theme: Option<&str>) -> anyhow::Result<Tera> {
    let mut tera = Tera::new();
    tera.autoescape_on(vec![".html"]);
    register_contrib(&mut tera);
    // Rendered while Markdown becomes HTML, before the site's engine exists.
    let own_or_builtin = [
        (
            "anchor-link.html",
            include_str!("builtins/anchor-link.html"),
        ),
        (
            "summary-cutoff.html",
            include_str!("builtins/summary-cutoff.html"),
        ),
    ];
    let mut folders = vec![dirs.templates()];
    if let Some(theme) = theme {
        folders.push(theme_templates(dirs, theme)?);
    }
    for (name, builtin) in own_or_builtin {
        let own = folders
            .iter()
            .map(|folder| folder.join(name))
            .find(|own| own.exists());
        let text = match own {
            Some(own) => std::fs::read_to_string(&own)
                .with_context(|| format!("reading {}", own.display()))?,
            None => builtin.to_owned(),
        };
        tera.add_raw_template(name, &text)
            .map_err(|error| anyhow::anyhow!("{error}"))
            .with_context(|| format!("in templates/{name}"))?;
    }
    Ok(tera)
}

fn register(tera: &mut Tera, lookup: &Arc<Lookup>) {
    tera.register_function("get_url", GetUrl(Arc::clone(lookup)));
    tera.register_function("get_section", GetSection(Arc::clone(lookup)));
    tera.register_function("get_page", GetPage(Arc::clone(lookup)));
    tera.register_function("get_taxonomy", GetTaxonomy(Arc::clone(lookup)));
    tera.register_function("get_taxonomy_term", GetTaxonomyTerm(Arc::clone(lookup)));
    tera.register_function("get_taxonomy_url", GetTaxonomyUrl(Arc::clone(lookup)));
    tera.register_function("trans", Trans(Arc::clone(lookup)));
    tera.register_function("text_direction", TextDirection(Arc::clone(lookup)));
    tera.register_function("load_data", LoadData(Arc::clone(lookup)));
    tera.register_function("get_hash", GetHash(Arc::clone(lookup)));
    tera.register_function(
        "get_image_metadata",
        GetImageMetadata::new(Arc::clone(lookup)),
    );
    tera.register_function("get_catalogue", GetCatalogue(Arc::clone(lookup)));
    tera.register_function("now", Now::at_build_start());
    tera.register_filter("markdown", Markdown(Arc::clone(lookup)));
    tera.register_filter(
        "num_format",
        NumFormat::new(&lookup.config.default_language),
    );
}

/// Under the names Zola 0.23 gives them (`slugify`, not tera-contrib's `slug`).
fn register_contrib(tera: &mut Tera) {
    use tera_contrib::{
        base64, dates, filesize_format, format, json, rand, regex, slug, urlencode,
    };
    tera.register_filter("base64_encode", base64::b64_encode);
    tera.register_filter("base64_decode", base64::b64_decode);
    tera.register_filter("regex_replace", regex::RegexReplace::default());
    tera.register_filter("striptags", regex::striptags);
    tera.register_filter("spaceless", regex::spaceless);
    tera.register_filter("urlencode", urlencode::urlencode);
    tera.register_filter("urlencode_strict", urlencode::urlencode_strict);
    tera.register_filter("json_encode", json::json_encode);
    tera.register_filter("filesizeformat", filesize_format::filesize_format);
    tera.register_filter("format", format::format);
    tera.register_filter("slugify", slug::slug);
    tera.register_filter("date", dates::date);
    tera.register_filter("shuffle", rand::shuffle);
    tera.register_function("get_random", rand::get_random);
    tera.register_test("matching", regex::Matching::default());
    tera.register_test("before", dates::is_before);
    tera.register_test("after", dates::is_after);
}

/// The files Zola 0.23 loads from a templates folder; others (a stray
/// README or image) are not templates.
fn is_template(path: &Path) -> bool {
    const EXTENSIONS: [&str; 6] = ["html", "xml", "md", "txt", "json", "ics"];
    path.extension()
        .and_then(|extension| extension.to_str())
        .is_some_and(|extension| EXTENSIONS.contains(&extension))
}

fn collect(root: &Path, dir: &Path, files: &mut Vec<(String, String)>) -> anyhow::Result<()> {
    if !dir.exists() {
        return Ok(());
    }
    for entry in std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let path = entry?.path();
        if path.is_dir() {
            collect(root, &path, files)?;
        } else if is_template(&path) {
            let name = path
                .strip_prefix(root)?
                .to_string_lossy()
                .replace('\\', "/");
            files.push((
                name,
                std::fs::read_to_string(&path)
                    .with_context(|| format!("reading {}", path.display()))?,
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use tera::Context;

    use super::*;
    use crate::global_fns::fixture::site;

    /// Renders `template` with the engine a build makes, on the fixture site.
    fn render(template: &str) -> String {
        let (dir, lookup) = site();
        let templates = dir.path().join("templates");
        std::fs::create_dir_all(&templates).unwrap();
        std::fs::write(templates.join("t.html"), template).unwrap();
        let tera = engine(&SiteDirs::new(dir.path()), lookup).unwrap();
        let mut context = Context::new();
        context.insert("date", "2023-07-06");
        tera.render("t.html", &context)
            .unwrap_or_else(|e| panic!("{template}: {e:?}"))
    }

    #[test]
    fn zolas_date_filter_and_before_after_tests_work_on_front_matter_dates() {
        assert_eq!(
            render(r#"{{ date | date(format="%Y年%m月%d日") }}"#),
            "2023年07月06日"
        );
        assert_eq!(render("{{ 1482720453 | date }}"), "2016-12-26");
        assert_eq!(
            render(
                r#"{{ date is before(other="2024-01-01") }} {{ date is after(other="2024-01-01") }}"#
            ),
            "true false"
        );
    }

    #[test]
    fn zolas_text_filters_are_registered_under_zolas_names() {
        let cases = [
            (r#"{{ "Hello World" | slugify }}"#, "hello-world"),
            (r#"{{ "a b/c?d" | urlencode }}"#, "a%20b/c%3Fd"),
            (r#"{{ "a b/c" | urlencode_strict }}"#, "a%20b%2Fc"),
            (r#"{{ "<p>Hi <b>you</b></p>" | striptags }}"#, "Hi you"),
            (
                "{{ \"<p> </p>\n <b>x</b>\" | spaceless | safe }}",
                "<p></p><b>x</b>",
            ),
            (
                r#"{{ "2023-07-06" | regex_replace(pattern="([0-9]+)-([0-9]+)-([0-9]+)", rep="$3/$2/$1") }}"#,
                "06/07/2023",
            ),
            (
                r#"{{ {"a": [1, 2]} | json_encode | safe }}"#,
                r#"{"a":[1,2]}"#,
            ),
            ("{{ 1536000 | filesizeformat }}", "1.46 MiB"),
            ("{{ 1234567 | num_format }}", "1,234,567"),
            (r#"{{ "ticedu" | base64_encode }}"#, "dGljZWR1"),
            (r#"{{ "dGljZWR1" | base64_decode }}"#, "ticedu"),
            (r#"{{ "ab12" is matching(pat="^[a-z]+[0-9]+$") }}"#, "true"),
            ("{{ [1] | shuffle | first }}", "1"),
            ("{{ get_random(start=4, end=5) }}", "4"),
        ];
        for (template, expected) in cases {
            assert_eq!(render(template), expected, "{template}");
        }
    }

    #[test]
    fn a_site_template_overrides_zolas_builtin_of_the_same_name() {
        assert_eq!(
            render("{% include \"404.html\" %}"),
            "<!doctype html>\n<title>404 Not Found</title>\n<h1>404 Not Found</h1>\n"
        );
        let (dir, lookup) = site();
        let templates = dir.path().join("templates");
        std::fs::create_dir_all(&templates).unwrap();
        std::fs::write(templates.join("robots.txt"), "User-agent: *\nDisallow: /").unwrap();
        let tera = engine(&SiteDirs::new(dir.path()), lookup).unwrap();
        let robots = tera.render("robots.txt", &Context::new()).unwrap();
        assert_eq!(robots, "User-agent: *\nDisallow: /");
        let mut no_entries = Context::new();
        no_entries.insert("entries", &Vec::<String>::new());
        let sitemap = tera.render("sitemap.xml", &no_entries).unwrap();
        assert!(sitemap.contains("<urlset"), "{sitemap}");
    }

    #[test]
    fn now_prints_the_same_instant_on_every_call_of_a_build() {
        let html = render("{{ now() }}|{{ now() }}|{{ now(timestamp=true) }}");
        let parts: Vec<&str> = html.split('|').collect();
        assert_eq!(parts[0], parts[1]);
        let instant: jiff::Timestamp = parts[0].parse().unwrap();
        assert_eq!(instant.as_second().to_string(), parts[2]);
    }
}
