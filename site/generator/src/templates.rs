//! The Tera 2 engine: every file of `templates/`, with what Zola 0.23
//! registers (its global functions and filters, and the filters, tests and
//! functions it takes from `tera-contrib`), and ours, `get_catalogue`.

use std::path::Path;
use std::sync::Arc;

use anyhow::Context;
use tera::Tera;

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

/// Builds the engine: functions first (Tera 2 checks names when templates are added), then every template file.
pub fn engine(templates_dir: &Path, lookup: Arc<Lookup>) -> anyhow::Result<Tera> {
    let mut tera = Tera::new();
    tera.autoescape_on(vec![".html", ".htm", ".xml"]);
    register_contrib(&mut tera);
    register(&mut tera, &lookup);
    let mut files = Vec::new();
    collect(templates_dir, templates_dir, &mut files)?;
    for (name, text) in BUILTINS {
        if !files.iter().any(|(file, _)| file == name) {
            files.push((name.to_owned(), text.to_owned()));
        }
    }
    tera.add_raw_templates(files)
        .map_err(|error| anyhow::anyhow!("{error}"))
        .context("in templates/")?;
    Ok(tera)
}

/// The engine that renders `anchor-link.html` (the site's, else Zola's)
/// while Markdown is rendered, before there are pages for the site's
/// functions to find: as in Zola, it has the `tera-contrib` filters only.
pub fn anchor_link_engine(templates_dir: &Path) -> anyhow::Result<Tera> {
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
    for (name, builtin) in own_or_builtin {
        let own = templates_dir.join(name);
        let text = if own.exists() {
            std::fs::read_to_string(&own).with_context(|| format!("reading {}", own.display()))?
        } else {
            builtin.to_owned()
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

fn collect(root: &Path, dir: &Path, files: &mut Vec<(String, String)>) -> anyhow::Result<()> {
    if !dir.exists() {
        return Ok(());
    }
    for entry in std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let path = entry?.path();
        if path.is_dir() {
            collect(root, &path, files)?;
        } else {
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
        let tera = engine(&templates, lookup).unwrap();
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
        let tera = engine(&templates, lookup).unwrap();
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
