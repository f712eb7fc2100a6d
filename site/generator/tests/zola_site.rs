//! A small Zola 0.23 site (`tests/fixtures/zola-site/`) using the template
//! features an everyday Zola site needs, built into a temp dir and asserted on.

use std::path::{Path, PathBuf};

use ticedu_site::{SiteDirs, build};

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/zola-site")
}

/// The fixture built into a fresh folder, kept alive by the returned temp dir.
fn built() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let output = dir.path().join("public");
    build(&SiteDirs::new(fixture()), &output, None).unwrap();
    (dir, output)
}

fn read(output: &Path, path: &str) -> String {
    std::fs::read_to_string(output.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
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
