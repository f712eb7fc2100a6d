//! A small Zola 0.23 site (`tests/fixtures/zola-site/`) using the template
//! features an everyday Zola site needs, built into a temp dir and asserted on.

mod common;

use std::path::PathBuf;

use common::{built_changed, read};

fn built() -> (tempfile::TempDir, PathBuf) {
    common::built("zola-site")
}

#[test]
fn zolas_tera_contrib_filters_and_tests_format_a_page() {
    let (_dir, output) = built();
    let page = read(&output, "notes/first/index.html");
    assert!(page.contains(r#"data-slug="first-note""#), "{page}");
    assert!(
        page.contains(r#"<p class="date">2023-01-02 (first half)</p>"#),
        "{page}"
    );
    assert!(
        page.contains("share?u=https%3A%2F%2Fexample%2Eorg%2Fnotes%2Ffirst%2F"),
        "urlencode_strict: {page}"
    );
    assert!(
        page.contains(r#"<p class="words">The first note.</p>"#),
        "{page}"
    );
    assert!(page.contains(r#"<script type="application/json">{}</script>"#));
    assert!(page.contains(r#"<p class="views">1,234,567</p>"#));

    let second = read(&output, "notes/second/index.html");
    assert!(
        second.contains(r#"<p class="date">2023-07-06</p>"#),
        "a date-time with an offset is formatted in its own offset: {second}"
    );
    let notes = read(&output, "notes/index.html");
    assert!(
        notes.contains(r#"<time datetime="2023-01-02">2023-01-02</time>"#),
        "{notes}"
    );
    let home = read(&output, "index.html");
    let year = jiff::Timestamp::now().to_string()[..4].to_owned();
    assert!(
        home.contains(&format!(r#"<p class="built">{year}</p>"#)),
        "{home}"
    );
}

#[test]
fn sitemap_and_robots_are_written_with_zolas_builtin_templates() {
    let (_dir, output) = built();
    let sitemap = read(&output, "sitemap.xml");
    assert_eq!(
        sitemap,
        r#"<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
    <url>
        <loc>https://example.org/</loc>
    </url>
    <url>
        <loc>https://example.org/docs/</loc>
    </url>
    <url>
        <loc>https://example.org/docs/setup/</loc>
    </url>
    <url>
        <loc>https://example.org/notes/</loc>
    </url>
    <url>
        <loc>https://example.org/notes/first/</loc>
        <lastmod>2023-01-02</lastmod>
    </url>
    <url>
        <loc>https://example.org/notes/second/</loc>
        <lastmod>2023-08-01</lastmod>
    </url>
</urlset>
"#,
        "every section and page once, sorted; updated wins over date"
    );
    assert_eq!(
        read(&output, "robots.txt"),
        "User-agent: *\nDisallow:\nAllow: /\nSitemap: https://example.org/sitemap.xml\n"
    );
}

#[test]
fn not_found_is_rendered_from_the_sites_404_template_with_zolas_minimal_context() {
    let (_dir, output) = built();
    let not_found = read(&output, "404.html");
    assert!(
        not_found.contains(r#"<html lang="en"><title>Not found · Notes</title>"#),
        "config and lang: {not_found}"
    );
}

#[test]
fn switching_sitemap_and_robots_off_in_the_config_leaves_them_out() {
    let (_dir, output) = built_changed("zola-site", |site| {
        let config = std::fs::read_to_string(site.join("config.toml")).unwrap();
        std::fs::write(
            site.join("config.toml"),
            format!("generate_sitemap = false\ngenerate_robots_txt = false\n{config}"),
        )
        .unwrap();
        std::fs::remove_file(site.join("templates/404.html")).unwrap();
    });
    let output = output.unwrap();
    assert!(!output.join("sitemap.xml").exists());
    assert!(!output.join("robots.txt").exists());
    assert_eq!(
        read(&output, "404.html"),
        "<!doctype html>\n<title>404 Not Found</title>\n<h1>404 Not Found</h1>\n",
        "Zola's own 404 page when the site has none"
    );
}

#[test]
fn headings_get_zolas_ids_anchor_links_and_a_table_of_contents() {
    let (_dir, output) = built();
    let setup = read(&output, "docs/setup/index.html");
    let anchor = |id: &str| {
        format!(
            r##"<a class="zola-anchor" href="#{id}" aria-label="Anchor link for: {id}">🔗</a>"##
        )
    };
    for (level, id, title) in [
        (2, "install", "Install"),
        (3, "on-linux", "On Linux"),
        (3, "on-linux-1", "On Linux"),
        (2, "xue-xi-bu-zou", "学习步骤"),
        (2, "own-id", "Custom"),
    ] {
        let heading = format!(r#"<h{level} id="{id}">{}{title}</h{level}>"#, anchor(id));
        assert!(setup.contains(&heading), "{heading} in {setup}");
    }
    assert!(
        setup.contains(
            "<nav class=\"toc\">\n<a href=\"https://example.org/docs/setup/#install\" data-level=\"2\">Install</a>\n  \
             <a href=\"#on-linux\" data-level=\"3\">On Linux</a>\n  <a href=\"#on-linux-1\" data-level=\"3\">On Linux</a>\n\
             <a href=\"https://example.org/docs/setup/#xue-xi-bu-zou\" data-level=\"2\">学习步骤</a>\n\
             <a href=\"https://example.org/docs/setup/#own-id\" data-level=\"2\">Custom</a>\n</nav>"
        ),
        "{setup}"
    );
    let note = read(&output, "notes/first/index.html");
    assert!(
        !note.contains("class=\"toc\""),
        "a page without headings has an empty toc"
    );
}

#[test]
fn a_page_links_to_its_lower_and_higher_siblings_in_its_sections_order() {
    let (_dir, output) = built();
    // Sorted by date, newest first: the second note, then the first.
    let second = read(&output, "notes/second/index.html");
    assert!(
        second.contains(r#"<nav class="siblings"><a rel="next" href="https://example.org/notes/first/">First note</a></nav>"#),
        "{second}"
    );
    let first = read(&output, "notes/first/index.html");
    assert!(
        first.contains(r#"<nav class="siblings"><a rel="prev" href="https://example.org/notes/second/">Second note</a></nav>"#),
        "{first}"
    );
    let alone = read(&output, "docs/setup/index.html");
    assert!(alone.contains(r#"<nav class="siblings"></nav>"#), "{alone}");
}

#[test]
fn load_data_reads_a_csv_file_as_headers_and_records() {
    let (_dir, output) = built();
    let home = read(&output, "index.html");
    assert!(
        home.contains(
            "<table><tr><th>course</th><th>hours</th></tr><tr><td>Sampling</td><td>4</td></tr>\
             <tr><td>Draft survey, basics</td><td>2</td></tr></table>"
        ),
        "{home}"
    );
}
