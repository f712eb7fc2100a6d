//! Fixture sites built into a temp dir and asserted on, and the real site.

use std::path::Path;

use ticedu_site::{SiteDirs, build, links};

fn write(root: &Path, path: &str, text: &str) {
    let path = root.join(path);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// A small Zola site using the conventions we support.
fn zola_fixture(root: &Path) {
    write(
        root,
        "config.toml",
        r#"
base_url = "https://example.org"
title = "Fixture"
default_language = "en"
[languages.fr]
title = "Fixture FR"
[translations]
hello = "Hello"
[languages.fr.translations]
hello = "Bonjour"
[extra]
tagline = "A fixture"
"#,
    );
    write(
        root,
        "content/_index.md",
        "+++\ntitle = \"Home\"\n+++\nWelcome *home*.\n",
    );
    write(
        root,
        "content/blog/_index.md",
        "+++\ntitle = \"Blog\"\nsort_by = \"date\"\n+++\nAll posts.\n",
    );
    write(
        root,
        "content/blog/first.md",
        "+++\ntitle = \"First\"\ndate = 2023-01-02\ndescription = \"The first post\"\n[extra]\nmood = \"calm\"\n+++\nIntro.\n\n<!-- more -->\n\nSee [the second](@/blog/second.md).\n",
    );
    write(
        root,
        "content/blog/second.md",
        "+++\ntitle = \"Second\"\ndate = 2023-03-04\n+++\n| a | b |\n|---|---|\n| 1 | 2 |\n",
    );
    write(
        root,
        "content/blog/draft.md",
        "+++\ntitle = \"Draft\"\ndraft = true\n+++\nHidden.\n",
    );
    write(
        root,
        "content/about/index.md",
        "+++\ntitle = \"About\"\npath = \"about-us\"\n+++\nAbout us.\n",
    );
    write(
        root,
        "content/about.fr.md",
        "+++\ntitle = \"À propos\"\n+++\nEn français.\n",
    );
    write(root, "data/people.toml", "[[person]]\nname = \"Ada\"\n");
    write(root, "static/site.css", "body{}\n");
    write(
        root,
        "templates/base.html",
        "<html lang=\"{{ lang }}\"><head><link href=\"{{ get_url(path=\"site.css\") }}\" integrity=\"sha384-{{ get_hash(path=\"site.css\") }}\"></head><body>{% block content %}{% endblock content %}<footer>{{ trans(key=\"hello\") }} {{ config.extra.tagline }} {{ current_path }}</footer></body></html>",
    );
    write(
        root,
        "templates/index.html",
        "{% extends \"base.html\" %}{% block content %}<h1>{{ section.title }}</h1>{{ section.content | safe }}{% set blog = get_section(path=\"blog/_index.md\", lang=\"en\") %}<ul>{% for p in blog.pages %}<li><a href=\"{{ p.permalink }}\">{{ p.title }}</a> {{ p.date }}</li>{% endfor %}</ul>{% set people = load_data(path=\"data/people.toml\") %}{% for person in people.person %}<p>{{ person.name }}</p>{% endfor %}{{ \"**md**\" | markdown(inline=true) | safe }}{% endblock content %}",
    );
    write(
        root,
        "templates/section.html",
        "{% extends \"base.html\" %}{% block content %}<h1>{{ section.title }}</h1>{% for p in section.pages %}<article>{{ p.title }}|{{ p.year }}|{{ p.summary | default(value=\"\") | safe }}</article>{% endfor %}{% endblock content %}",
    );
    write(
        root,
        "templates/page.html",
        "{% extends \"base.html\" %}{% block content %}<h1>{{ page.title }}</h1>{{ page.content | safe }}<p>{{ page.extra.mood | default(value=\"-\") }} {{ page.word_count }} {% set second = get_page(path=\"blog/second.md\", lang=\"en\") %}{{ second.title }} <a href=\"{{ get_url(path=\"@/blog/first.md\", lang=\"en\") }}\">first</a></p>{% endblock content %}",
    );
}

fn read(output: &Path, path: &str) -> String {
    std::fs::read_to_string(output.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn a_zola_site_builds_with_zolas_context_functions_and_filters() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    let output = dir.path().join("public");
    zola_fixture(&site);
    let report = build(&SiteDirs::new(&site), &output, None).unwrap();
    assert_eq!(
        (report.pages, report.sections, report.data_pages),
        (4, 3, 0),
        "every page but the draft; the French home section exists implicitly, as in Zola"
    );

    let home = read(&output, "index.html");
    let newest_first = home.find("Second").unwrap() < home.find("First").unwrap();
    assert!(
        newest_first,
        "sort_by = date lists the newest first: {home}"
    );
    assert!(
        home.contains("<a href=\"https://example.org/blog/first/\">First</a> 2023-01-02"),
        "{home}"
    );
    assert!(home.contains("<p>Ada</p>"), "load_data: {home}");
    assert!(
        home.contains("<strong>md</strong>") && !home.contains("<p><strong>md"),
        "inline markdown filter: {home}"
    );
    assert!(home.contains("<p>Welcome <em>home</em>.</p>"));
    assert!(
        home.contains("<footer>Hello A fixture /</footer>"),
        "trans, config.extra, current_path: {home}"
    );
    assert!(
        home.contains("href=\"https://example.org/site.css\" integrity=\"sha384-"),
        "get_url and get_hash: {home}"
    );

    let first = read(&output, "blog/first/index.html");
    assert!(
        first.contains("<a href=\"https://example.org/blog/second/\">the second</a>"),
        "@/ links: {first}"
    );
    assert!(
        first.contains("calm 7 Second"),
        "extra, word_count, get_page: {first}"
    );
    assert!(
        first.contains("<a href=\"https://example.org/blog/first/\">first</a>"),
        "get_url with @/: {first}"
    );

    let blog = read(&output, "blog/index.html");
    assert!(
        blog.contains("First|2023|<p>Intro.</p>"),
        "summary and year: {blog}"
    );
    assert!(read(&output, "blog/second/index.html").contains("<table>"));
    assert!(
        read(&output, "about-us/index.html").contains("About us."),
        "path in front matter"
    );
    let french = read(&output, "fr/about/index.html");
    assert!(
        french.contains("lang=\"fr\"") && french.contains("Bonjour"),
        "a translated page: {french}"
    );
    assert!(!output.join("blog/draft").exists());
    assert!(
        read(&output, "fr/index.html").contains("Bonjour"),
        "the implicit French home"
    );
    assert!(output.join("site.css").is_file(), "static files are copied");
    assert!(
        links::broken_links(&output, "https://example.org")
            .unwrap()
            .is_empty()
    );
}

#[test]
fn mistakes_in_a_site_are_reported_with_their_file() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    zola_fixture(&site);
    write(
        &site,
        "content/blog/third.md",
        "+++\ntitle = \"Third\"\n+++\n[dead](@/blog/nowhere.md)\n",
    );
    let error = format!(
        "{:#}",
        build(&SiteDirs::new(&site), &dir.path().join("out"), None).unwrap_err()
    );
    assert!(
        error.contains("content/blog/third.md") && error.contains("@/blog/nowhere.md"),
        "{error}"
    );

    zola_fixture(&site);
    std::fs::remove_file(site.join("content/blog/third.md")).unwrap();
    write(
        &site,
        "templates/page.html",
        "{% extends \"base.html\" %}{% block content %}{{ undefined_thing }}{% endblock content %}",
    );
    let error = format!(
        "{:#}",
        build(&SiteDirs::new(&site), &dir.path().join("out"), None).unwrap_err()
    );
    assert!(
        error.contains("page.html") && error.contains("undefined_thing"),
        "{error}"
    );
}

#[test]
fn the_real_site_builds_every_catalogue_page_without_broken_links() {
    let dir = tempfile::tempdir().unwrap();
    let site = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let report = build(&SiteDirs::new(&site), dir.path(), Some("")).unwrap();
    let catalogue = ticedu_domain::catalogue::Catalogue::bundled().unwrap();
    let hours: usize = catalogue.courses().iter().map(|c| c.lessons.len()).sum();
    assert_eq!(
        report.data_pages,
        2 * (catalogue.courses().len() + hours),
        "a page per course and per hour, in Chinese and English"
    );
    let broken = links::broken_links(dir.path(), "").unwrap();
    assert!(broken.is_empty(), "{broken:?}");

    let course = read(
        dir.path(),
        "courses/acceptance-sampling-gbt-2828-1/index.html",
    );
    assert!(course.contains("lang=\"zh-CN\""));
    assert!(
        course.contains("¥"),
        "the price from settings.toml: {course}"
    );
    let english = read(
        dir.path(),
        "en/courses/acceptance-sampling-gbt-2828-1/index.html",
    );
    assert!(english.contains("lang=\"en\""));
    let learning = read(dir.path(), "guide/learning/index.html");
    assert!(
        learning.contains(r##"<nav class="toc" aria-label="本页目录"><ol>"##)
            && learning.contains(r##"<li><a href="#xue-xi-bu-zou">学习步骤</a></li>"##)
            && learning.contains(r##"<h2 id="xue-xi-bu-zou">学习步骤<a class="anchor" href="#xue-xi-bu-zou" aria-label="本节链接">#</a></h2>"##),
        "a long guide page has a table of contents and anchor links: {learning}"
    );
    let sitemap = read(dir.path(), "sitemap.xml");
    assert!(
        sitemap.contains("<loc>/en/courses/acceptance-sampling-gbt-2828-1/</loc>")
            && sitemap.contains("<loc>/guide/fees/</loc>"),
        "catalogue and content pages are in the sitemap"
    );
    let index: Vec<serde_json::Value> =
        serde_json::from_str(&read(dir.path(), "search_index.zh.json")).unwrap();
    assert!(
        index
            .iter()
            .any(|d| d["title"].as_str().unwrap().contains("水尺计重")),
        "Chinese titles are searchable"
    );
}

#[test]
fn the_real_sites_notices_start_with_the_2023_notice_and_have_feeds_in_both_languages() {
    let dir = tempfile::tempdir().unwrap();
    let site = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    build(&SiteDirs::new(&site), dir.path(), Some("")).unwrap();
    let notices = read(dir.path(), "notices/index.html");
    let list = notices
        .split(r#"<ul class="list notices">"#)
        .nth(1)
        .expect("the list of notices");
    let first = list.split("<li>").nth(1).expect("a notice in the list");
    assert!(
        first.starts_with(r#"<a href="/notices/2023-continuing-education/">关于2023年检验鉴定人员继续教育学习的通知</a>"#)
            && first.contains("中检协〔2023〕24号 · 2023年"),
        "{notices}"
    );
    let notice = read(dir.path(), "notices/2023-continuing-education/index.html");
    assert!(
        notice.contains("户名：中国出入境检验检疫协会<br />"),
        "{notice}"
    );
    for (feed, language) in [
        ("notices/atom.xml", r#"xml:lang="zh""#),
        ("en/notices/atom.xml", r#"xml:lang="en""#),
        ("notices/rss.xml", "<language>zh</language>"),
        ("en/notices/rss.xml", "<language>en</language>"),
    ] {
        let text = read(dir.path(), feed);
        assert!(text.contains(language), "{feed}: {text}");
        assert!(
            text.contains("/notices/2023-continuing-education/"),
            "{feed}"
        );
    }
    let redirect = read(dir.path(), "en/notices/page/1/index.html");
    assert!(
        redirect.contains(r#"<html lang="en">"#)
            && redirect.contains(r#"<main id="main"><p><a href="/en/notices/">"#),
        "the site's own internal/alias.html: {redirect}"
    );
}

#[test]
fn a_rebuild_after_an_edit_rewrites_only_the_changed_page() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    let output = dir.path().join("public");
    zola_fixture(&site);
    let dirs = SiteDirs::new(&site);
    build(&dirs, &output, None).unwrap();
    assert_eq!(
        ticedu_site::rebuild(&dirs, &output, None).unwrap(),
        0,
        "nothing changed"
    );
    write(
        &site,
        "content/about/index.md",
        "+++\ntitle = \"About\"\npath = \"about-us\"\n+++\nAbout us, edited.\n",
    );
    assert_eq!(
        ticedu_site::rebuild(&dirs, &output, None).unwrap(),
        1,
        "the page alone: the fixture builds no search index"
    );
    assert!(read(&output, "about-us/index.html").contains("About us, edited."));
}

#[test]
fn a_build_into_an_existing_folder_removes_the_files_of_pages_that_are_gone() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    let output = dir.path().join("public");
    zola_fixture(&site);
    let dirs = SiteDirs::new(&site);
    build(&dirs, &output, None).unwrap();
    assert!(output.join("about-us/index.html").exists());
    std::fs::write(output.join("stray.txt"), "not the build's").unwrap();
    std::fs::remove_file(site.join("content/about/index.md")).unwrap();
    let report = build(&dirs, &output, None).unwrap();
    assert!(!output.join("about-us").exists());
    assert!(!output.join("stray.txt").exists());
    assert_eq!(report.changes.removed, 2);
    assert!(output.join("blog/first/index.html").exists());
}

/// Exact HTML where it matters: a generated course page and a class-hour
/// page of the real site (their markup is what phones download).
#[test]
fn course_and_hour_pages_render_exactly_as_reviewed() {
    let dir = tempfile::tempdir().unwrap();
    let site = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    build(&SiteDirs::new(&site), dir.path(), Some("")).unwrap();
    // Cache-busting hashes change with every CSS or JS edit; they are not what these snapshots review.
    let stable = |path: &str| {
        unhash(
            &unhash(&read(dir.path(), path), "/style.css?h="),
            "/app.js?h=",
        )
    };
    insta::assert_snapshot!("course_page", stable("courses/draft-survey/index.html"));
    insta::assert_snapshot!(
        "hour_page_en",
        stable("en/courses/draft-survey/2/index.html")
    );
    // An hour with a lecture and courseware: the page names them and keeps
    // them locked; the files themselves are never in the public site.
    insta::assert_snapshot!(
        "hour_page_with_a_lesson",
        stable("courses/acceptance-sampling-gbt-2828-1/1/index.html")
    );
    let published: Vec<String> = walk(dir.path());
    assert!(
        !published
            .iter()
            .any(|file| file.ends_with(".mp4") || file.contains("courseware")),
        "lesson files in the public site: {published:?}"
    );
}

/// Every file under `folder`, as paths relative to it.
fn walk(folder: &Path) -> Vec<String> {
    let mut files = Vec::new();
    let mut folders = vec![folder.to_path_buf()];
    while let Some(next) = folders.pop() {
        for entry in std::fs::read_dir(&next).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                folders.push(path);
            } else {
                files.push(path.strip_prefix(folder).unwrap().display().to_string());
            }
        }
    }
    files
}

/// `html` with the 20 hash characters after `marker` replaced by `HASH`.
fn unhash(html: &str, marker: &str) -> String {
    match html.find(marker).map(|i| i + marker.len()) {
        Some(start) if html.len() >= start + 20 => {
            format!("{}HASH{}", &html[..start], &html[start + 20..])
        }
        _ => html.to_owned(),
    }
}
