//! Each fixture site built by our generator gives the same files, byte for
//! byte, as the real Zola 0.23 gave for it (`tests/zola-0.23-output/`, see
//! its README for the version and how to regenerate it), but for the
//! differences of `KNOWN_DIFFERENCES`. No output is normalised: the
//! fixtures use no `now()` and every date they show comes from front matter.
//! Only files are compared: Zola also leaves empty folders (a `static/`
//! folder whose files are all ignored), which no URL can tell apart.

// Only `built`, `fixture` and `copy` are used here; the other fixture tests use the rest.
#[allow(dead_code)]
mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::built;

/// Where we deliberately differ from Zola 0.23, as (fixture, file, Zola's
/// text, ours): each is replaced in Zola's output before comparing, so any
/// other difference in the same file still fails.
const KNOWN_DIFFERENCES: &[(&str, &str, &str, &str)] = &[
    // Zola gives another language's site feed the default language's feed
    // URL as its own (`rel="self"` and `<id>` name a different feed); ours
    // names the feed it is.
    (
        "zola-features",
        "fr/atom.xml",
        r#"href="https://example.org/atom.xml"/>"#,
        r#"href="https://example.org/fr/atom.xml"/>"#,
    ),
    (
        "zola-features",
        "fr/atom.xml",
        "<id>https://example.org/atom.xml</id>",
        "<id>https://example.org/fr/atom.xml</id>",
    ),
    (
        "zola-other-default",
        "en/atom.xml",
        r#"href="https://example.org/atom.xml"/>"#,
        r#"href="https://example.org/en/atom.xml"/>"#,
    ),
    (
        "zola-other-default",
        "en/atom.xml",
        "<id>https://example.org/atom.xml</id>",
        "<id>https://example.org/en/atom.xml</id>",
    ),
    // Zola drops the language from the current_path of another language's
    // home pagers (page 1 keeps it), though current_url has it; ours is the
    // path of the URL, as on every other page.
    (
        "zola-other-default",
        "en/page/2/index.html",
        "/page/2/ https://example.org/en/page/2/",
        "/en/page/2/ https://example.org/en/page/2/",
    ),
];

fn files(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut found = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let relative = path.strip_prefix(root).unwrap();
                let name = relative.to_string_lossy().replace('\\', "/");
                found.insert(name, std::fs::read(&path).unwrap());
            }
        }
    }
    found
}

fn same_as_zola(fixture: &str) {
    let (_dir, ours) = built(fixture);
    let expected = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/zola-0.23-output")
        .join(fixture);
    let zola = files(&expected);
    let ours = files(&ours);
    let names = |files: &BTreeMap<String, Vec<u8>>| files.keys().cloned().collect::<Vec<_>>();
    assert_eq!(names(&ours), names(&zola), "{fixture}: the set of files");
    for (name, zola_bytes) in &zola {
        // Images and other binary files: the same bytes.
        let Ok(mut zola_text) = String::from_utf8(zola_bytes.clone()) else {
            assert!(ours[name] == *zola_bytes, "{fixture}/{name}: other bytes");
            continue;
        };
        for &(_, _, theirs, our) in KNOWN_DIFFERENCES
            .iter()
            .filter(|d| d.0 == fixture && d.1 == name)
        {
            assert!(
                zola_text.contains(theirs),
                "{fixture}/{name}: the known difference {theirs:?} is gone from Zola's output"
            );
            zola_text = zola_text.replace(theirs, our);
        }
        let our_text = String::from_utf8_lossy(&ours[name]);
        assert_eq!(our_text, zola_text, "{fixture}/{name}");
    }
}

#[test]
fn the_zola_site_fixture_builds_as_zola_builds_it() {
    same_as_zola("zola-site");
}

#[test]
fn the_listings_fixture_builds_as_zola_builds_it() {
    same_as_zola("zola-listings");
}

#[test]
fn the_content_fixture_builds_as_zola_builds_it() {
    same_as_zola("zola-content");
}

#[test]
fn the_features_fixture_builds_as_zola_builds_it() {
    same_as_zola("zola-features");
}

#[test]
fn the_markdown_fixture_builds_as_zola_builds_it() {
    same_as_zola("zola-markdown");
}

#[test]
fn a_site_whose_default_language_is_not_english_builds_as_zola_builds_it() {
    same_as_zola("zola-other-default");
}

#[test]
fn the_slugs_fixture_builds_as_zola_builds_it() {
    same_as_zola("zola-slugs");
}

#[test]
fn the_markdown_extras_fixture_builds_as_zola_builds_it() {
    same_as_zola("zola-markdown-extras");
}

#[test]
fn the_functions_fixture_builds_as_zola_builds_it() {
    same_as_zola("zola-functions");
}

#[test]
fn the_orphans_fixture_builds_as_zola_builds_it() {
    same_as_zola("zola-orphans");
}

#[test]
fn the_assets_fixture_builds_as_zola_builds_it() {
    same_as_zola("zola-assets");
}

#[test]
fn the_multilingual_fixture_builds_as_zola_builds_it() {
    same_as_zola("zola-multilingual");
}

#[test]
fn the_summaries_fixture_builds_as_zola_builds_it() {
    same_as_zola("zola-summaries");
}

#[test]
fn the_headings_fixture_builds_as_zola_builds_it() {
    same_as_zola("zola-headings");
}

#[test]
fn the_dates_fixture_builds_as_zola_builds_it() {
    same_as_zola("zola-dates");
}

#[test]
fn the_sorting_fixture_builds_as_zola_builds_it() {
    same_as_zola("zola-sorting");
}

#[test]
fn the_drafts_fixture_builds_as_zola_builds_it() {
    same_as_zola("zola-drafts");
}

#[test]
fn the_images_fixture_builds_as_zola_builds_it() {
    same_as_zola("zola-images");
}

#[test]
fn the_lookups_fixture_builds_as_zola_builds_it() {
    same_as_zola("zola-lookups");
}

#[test]
fn the_theme_fixture_builds_as_zola_builds_it() {
    same_as_zola("zola-theme");
}

/// As a Zola user runs it: from a folder inside the site, whose config is
/// `zola.toml`, with Zola's name for the output option.
#[test]
fn the_command_finds_a_site_as_zola_does_and_builds_it_as_zola_does() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    common::copy(&common::fixture("zola-lookups"), &site);
    std::fs::rename(site.join("config.toml"), site.join("zola.toml")).unwrap();
    let output = dir.path().join("out");
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_ticedu-site"))
        .current_dir(site.join("content/blog"))
        .args(["build", "--force", "--output-dir"])
        .arg(&output)
        .status()
        .unwrap();
    assert!(status.success());
    let expected =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/zola-0.23-output/zola-lookups");
    assert_eq!(files(&output), files(&expected));
}
