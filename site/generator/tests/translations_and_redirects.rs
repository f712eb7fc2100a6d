//! `page.translations`, `aliases` and `redirect_to` on a small bilingual
//! fixture site, as Zola 0.23 renders them.

use std::path::{Path, PathBuf};

use ticedu_site::{SiteDirs, build};

fn write(root: &Path, path: &str, text: &str) {
    let path = root.join(path);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn site(root: &Path) {
    write(
        root,
        "config.toml",
        "base_url = \"https://example.org\"\ndefault_language = \"en\"\n[languages.fr]\ntitle = \"FR\"\n",
    );
    let list = "{% for t in TARGET.translations %}[{{ t.lang }} {{ t.permalink }} {{ t.title }} {{ t.path is ending_with(pat=\".md\") }}]{% endfor %}";
    write(
        root,
        "templates/page.html",
        &format!("<p>{}</p>", list.replace("TARGET", "page")),
    );
    write(
        root,
        "templates/section.html",
        &format!("<p>{}</p>", list.replace("TARGET", "section")),
    );
    write(
        root,
        "templates/index.html",
        &format!("<p>{}</p>", list.replace("TARGET", "section")),
    );
    write(root, "content/_index.md", "+++\ntitle = \"Home\"\n+++\n");
    write(
        root,
        "content/blog/_index.md",
        "+++\ntitle = \"Blog\"\naliases = [\"/news/\"]\n+++\n",
    );
    write(
        root,
        "content/blog/_index.fr.md",
        "+++\ntitle = \"Blogue\"\n+++\n",
    );
    write(
        root,
        "content/blog/a.md",
        "+++\ntitle = \"A\"\naliases = [\"/old/a/\", \"legacy/a.html\"]\n+++\n",
    );
    write(root, "content/blog/a.fr.md", "+++\ntitle = \"A fr\"\n+++\n");
    write(root, "content/blog/b.md", "+++\ntitle = \"B\"\n+++\n");
    write(
        root,
        "content/blog/c.fr.md",
        "+++\ntitle = \"C brouillon\"\ndraft = true\n+++\n",
    );
    write(
        root,
        "content/moved/_index.md",
        "+++\ntitle = \"Moved\"\nredirect_to = \"blog/a\"\n+++\n",
    );
    write(
        root,
        "content/away/_index.md",
        "+++\ntitle = \"Away\"\nredirect_to = \"https://elsewhere.org/x\"\n+++\n",
    );
}

fn built(change: impl FnOnce(&Path)) -> (tempfile::TempDir, Result<PathBuf, String>) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    site(&root);
    change(&root);
    let output = dir.path().join("public");
    let result = build(&SiteDirs::new(&root), &output, None)
        .map(|_| output)
        .map_err(|e| format!("{e:#}"));
    (dir, result)
}

fn read(output: &Path, path: &str) -> String {
    std::fs::read_to_string(output.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn every_version_of_a_file_lists_all_versions_default_language_first() {
    let (_dir, output) = built(|_| {});
    let output = output.unwrap();
    let both = "<p>[en https://example.org/blog/a/ A true][fr https://example.org/fr/blog/a/ A fr true]</p>";
    assert_eq!(read(&output, "blog/a/index.html"), both);
    assert_eq!(read(&output, "fr/blog/a/index.html"), both);
    assert_eq!(
        read(&output, "blog/b/index.html"),
        "<p>[en https://example.org/blog/b/ B true]</p>",
        "a file without translation lists itself"
    );
    assert_eq!(
        read(&output, "fr/blog/index.html"),
        "<p>[en https://example.org/blog/ Blog true][fr https://example.org/fr/blog/ Blogue true]</p>"
    );
}

#[test]
fn a_languages_home_without_its_own_index_file_is_a_version_of_the_other_homes() {
    let (_dir, output) = built(|_| {});
    let output = output.unwrap();
    let both = "<p>[en https://example.org/ Home true][fr https://example.org/fr/  true]</p>";
    assert_eq!(read(&output, "fr/index.html"), both);
    assert_eq!(read(&output, "index.html"), both);
}

#[test]
fn aliases_of_pages_and_sections_redirect_to_their_permalinks() {
    let (_dir, output) = built(|_| {});
    let output = output.unwrap();
    for (file, target) in [
        ("old/a/index.html", "https://example.org/blog/a/"),
        ("legacy/a.html", "https://example.org/blog/a/"),
        ("news/index.html", "https://example.org/blog/"),
    ] {
        let html = read(&output, file);
        assert!(
            html.contains(&format!("const target = \"{target}\";"))
                && html.contains(&format!("url={target}\">")),
            "{file}: {html}"
        );
    }
}

#[test]
fn a_section_with_redirect_to_is_a_redirect_to_that_path_or_url() {
    let (_dir, output) = built(|_| {});
    let output = output.unwrap();
    let moved = read(&output, "moved/index.html");
    assert!(
        moved.contains("url=https://example.org/blog/a/\">"),
        "{moved}"
    );
    let away = read(&output, "away/index.html");
    assert!(away.contains("url=https://elsewhere.org/x\">"), "{away}");
}

#[test]
fn an_alias_taking_another_pages_path_is_refused() {
    let (_dir, result) = built(|root| {
        write(
            root,
            "content/blog/b.md",
            "+++\ntitle = \"B\"\naliases = [\"/blog/a/\"]\n+++\n",
        );
    });
    let error = result.unwrap_err();
    assert!(
        error.contains(
            "Found path collisions:\n- `/blog/a/` from files [\"content/blog/a.md\", \"content/blog/b.md\"]"
        ),
        "{error}"
    );
}
