//! `tests/fixtures/zola-content/`: Tera in content, translations, aliases
//! and `redirect_to` on one Zola 0.23 site, built into a temp dir.

mod common;

use std::path::Path;

use common::read;

fn files(root: &Path, dir: &Path, found: &mut Vec<String>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files(root, &path, found);
        } else {
            found.push(
                path.strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/"),
            );
        }
    }
}

#[test]
fn the_build_writes_zolas_set_of_files_redirects_included() {
    let (_dir, output) = common::built("zola-content");
    let mut found = Vec::new();
    files(&output, &output, &mut found);
    found.sort();
    assert_eq!(
        found,
        [
            "404.html",
            "blog/first/index.html",
            "blog/index.html",
            "blog/second/index.html",
            "blog/spaced/index.html",
            "docs/index.html",
            "docs/tera/index.html",
            "fr/blog/first/index.html",
            "fr/blog/index.html",
            "fr/index.html",
            "index.html",
            "legacy/first.html",
            "moved/index.html",
            "news/index.html",
            "old/first/index.html",
            "robots.txt",
            "sitemap.xml",
        ]
    );
}

#[test]
fn a_page_renders_its_tera_components_and_raw_text_then_its_markdown() {
    let (_dir, output) = common::built("zola-content");
    let first = read(&output, "blog/first/index.html");
    for expected in [
        "<h1 id=\"first\">First</h1>",
        "<p>Mood: <em>calm</em>.</p>",
        "<div class=\"note warning\">Mind this.</div>",
        "<p>Count: <span class=\"badge\">posts: 2</span>.</p>",
        "<p>item 3</p>",
        "<p>Write {{ page.title }} in a template.</p>",
        "<p class=\"counts\">42 words, 1 min</p>",
        "<li lang=\"fr\"><a href=\"https://example.org/fr/blog/first/\">Premier</a></li>",
    ] {
        assert!(first.contains(expected), "{expected}\n{first}");
    }
    let french = read(&output, "fr/blog/first/index.html");
    assert!(french.contains("<p>Bonjour de Contenu.</p>"), "{french}");
    let docs = read(&output, "docs/tera/index.html");
    assert!(
        docs.contains("<p>Use {{ page.title }} in templates.</p>"),
        "{docs}"
    );
}

#[test]
fn aliases_and_redirect_to_send_to_the_page() {
    let (_dir, output) = common::built("zola-content");
    for file in [
        "old/first/index.html",
        "legacy/first.html",
        "moved/index.html",
    ] {
        let html = read(&output, file);
        assert!(
            html.contains("url=https://example.org/blog/first/\">"),
            "{file}: {html}"
        );
    }
    let news = read(&output, "news/index.html");
    assert!(news.contains("url=https://example.org/blog/\">"), "{news}");
}

#[test]
fn a_component_the_site_does_not_define_fails_the_build_naming_the_file() {
    let (_dir, result) = common::built_changed("zola-content", |site| {
        std::fs::write(
            site.join("content/blog/second.md"),
            "+++\ntitle = \"Second\"\n+++\n{{ <gallery /> }}\n",
        )
        .unwrap();
    });
    let error = result.unwrap_err();
    assert!(error.contains("content/blog/second.md"), "{error}");
    assert!(error.contains("gallery"), "{error}");
}
