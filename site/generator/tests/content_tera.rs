//! Tera in content (Zola 0.23's components in place of shortcodes): a
//! fixture site whose Markdown calls components and reads its context.

use std::path::Path;

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
        "base_url = \"https://example.org\"\ntitle = \"Fixture\"\nskip_content_templating = [\"docs/*.md\"]\n[extra]\nowner = \"Ada\"\n",
    );
    write(
        root,
        "templates/components.html",
        "{% component note(kind: string) %}<div class=\"note {{ kind }}\">{{ body }}</div>{% endcomponent note %}\
         {% component link(path: string) %}{% set target = get_page(path=path) %}<a href=\"{{ target.permalink }}\">{{ target.title }}</a>{% endcomponent link %}",
    );
    write(
        root,
        "templates/page.html",
        "<main>{{ page.content | safe }}</main><p>{{ page.word_count }}</p>",
    );
    write(
        root,
        "templates/section.html",
        "<main>{{ section.content | safe }}</main>",
    );
    write(
        root,
        "templates/index.html",
        "<main>{{ section.content | safe }}</main>",
    );
    write(
        root,
        "content/blog/_index.md",
        "+++\ntitle = \"Blog\"\n+++\nThe **{{ section.title }}** of {{ config.extra.owner }}.\n",
    );
    write(
        root,
        "content/blog/first.md",
        "+++\ntitle = \"First\"\n[extra]\nmood = \"calm\"\n+++\n# {{ page.title }}\n\nMood: *{{ page.extra.mood }}* in {{ lang }}.\n\n{% <note kind=\"warning\"> %}Mind **this**.{% </note> %}\n\nSee {{ <link path=\"blog/second.md\" /> }}.\n\n{% raw %}Write {{ page.title }} in a template.{% endraw %}\n",
    );
    write(
        root,
        "content/blog/second.md",
        "+++\ntitle = \"Second\"\n+++\nNo Tera here: a {#not-tera} brace.\n",
    );
    write(
        root,
        "content/docs/_index.md",
        "+++\ntitle = \"Docs\"\n+++\n",
    );
    write(
        root,
        "content/docs/tera.md",
        "+++\ntitle = \"Tera\"\n+++\nUse {{ page.title }} in templates.\n",
    );
}

fn built(change: impl FnOnce(&Path)) -> (tempfile::TempDir, Result<std::path::PathBuf, String>) {
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
fn markdown_holding_tera_is_rendered_before_it_becomes_html() {
    let (_dir, output) = built(|_| {});
    let first = read(&output.unwrap(), "blog/first/index.html");
    assert!(first.contains("<h1 id=\"first\">First</h1>"), "{first}");
    assert!(first.contains("Mood: <em>calm</em> in en."), "{first}");
}

#[test]
fn components_of_the_site_templates_render_inside_markdown() {
    let (_dir, output) = built(|_| {});
    let first = read(&output.unwrap(), "blog/first/index.html");
    assert!(
        first.contains("<div class=\"note warning\">Mind **this**.</div>"),
        "an HTML block's text stays as written, as Markdown leaves it: {first}"
    );
    assert!(
        first.contains("See <a href=\"https://example.org/blog/second/\">Second</a>."),
        "{first}"
    );
}

#[test]
fn raw_blocks_keep_tera_as_text() {
    let (_dir, output) = built(|_| {});
    let first = read(&output.unwrap(), "blog/first/index.html");
    assert!(
        first.contains("<p>Write {{ page.title }} in a template.</p>"),
        "{first}"
    );
}

#[test]
fn a_section_sees_itself_and_the_config() {
    let (_dir, output) = built(|_| {});
    let blog = read(&output.unwrap(), "blog/index.html");
    assert!(
        blog.contains("<p>The <strong>Blog</strong> of Ada.</p>"),
        "{blog}"
    );
}

#[test]
fn files_matching_skip_content_templating_and_files_without_tera_are_left_alone() {
    let (_dir, output) = built(|_| {});
    let output = output.unwrap();
    let docs = read(&output, "docs/tera/index.html");
    assert!(
        docs.contains("<p>Use {{ page.title }} in templates.</p>"),
        "{docs}"
    );
    let second = read(&output, "blog/second/index.html");
    assert!(second.contains("a {#not-tera} brace."), "{second}");
}

#[test]
fn word_count_is_the_sources_not_the_rendered_texts() {
    let (_dir, output) = built(|root| {
        write(
            root,
            "content/blog/second.md",
            "+++\ntitle = \"Second\"\n+++\n{% for i in range(end=3) %}word {% endfor %}\n",
        );
    });
    let second = read(&output.unwrap(), "blog/second/index.html");
    assert!(second.contains("<p>word word word</p>"), "{second}");
    assert!(
        second.contains("<p>8</p>"),
        "for, i, in, range, end, 3, word, endfor: {second}"
    );
}

#[test]
fn a_tera_error_in_content_fails_the_build_naming_the_file() {
    let (_dir, result) = built(|root| {
        write(
            root,
            "content/blog/second.md",
            "+++\ntitle = \"Second\"\n+++\n{{ <missing /> }}\n",
        );
    });
    let error = result.unwrap_err();
    assert!(error.contains("content/blog/second.md"), "{error}");
    assert!(error.contains("missing"), "{error}");
}
