//! A Zola 0.23 site with taxonomies (one paginated, one with feeds, one not
//! rendered, one in French), a paginated section with its own feeds and
//! the site's Atom and RSS feeds (`tests/fixtures/zola-listings/`), built
//! into a temp dir and asserted on.

mod common;

use std::path::Path;

use common::{built_changed, read};

fn built() -> (tempfile::TempDir, std::path::PathBuf) {
    common::built("zola-listings")
}

fn line<'a>(html: &'a str, class: &str) -> &'a str {
    let start = format!("<p class=\"{class}\">");
    let from = html
        .find(&start)
        .unwrap_or_else(|| panic!("{start} in {html}"));
    let rest = &html[from + start.len()..];
    &rest[..rest.find("</p>").unwrap()]
}

#[test]
fn each_taxonomy_has_its_list_and_term_pages_from_its_own_or_the_generic_templates() {
    let (_dir, output) = built();
    let tags = read(&output, "tags/index.html");
    assert!(
        tags.starts_with("<h1>All tags (en)</h1>"),
        "tags/list.html: {tags}"
    );
    assert_eq!(line(&tags, "where"), "/tags/ https://example.org/tags/");
    assert!(
        tags.contains(
            r#"<li><a href="https://example.org/tags/rust/" data-path="/tags/rust/" data-slug="rust">Rust</a> 3</li><li><a href="https://example.org/tags/web/" data-path="/tags/web/" data-slug="web">Web</a> 1</li><li><a href="https://example.org/tags/zola/" data-path="/tags/zola/" data-slug="zola">Zola</a> 1</li>"#
        ),
        "terms by slug; Rust and rust are one term, named Rust; the draft's tag is not there: {tags}"
    );
    let rust = read(&output, "tags/rust/index.html");
    assert_eq!(
        rust,
        "<h1>tags: Rust</h1>\n<p class=\"where\">/tags/rust/ https://example.org/tags/rust/ en</p>\n\
         <ol><li>Alpha</li><li>Delta</li><li>Beta</li></ol>\n\
         <p class=\"kind\">feed=true render=true paginate_by= slug=tags</p>\n",
        "taxonomy_single.html; each name's pages by date, undated last, then merged as Zola merges them"
    );
    assert_eq!(
        read(&output, "categories/index.html"),
        "<h1>Generic list of categories</h1>\n<ul><li>Dev 2</li></ul>\n"
    );
    assert!(!output.join("tags/drafts").exists(), "drafts name no terms");
    assert!(!output.join("hidden").exists(), "render = false");
    let page = read(&output, "posts/a/index.html");
    assert_eq!(
        line(&page, "taxonomies"),
        "categories: Dev; tags: Rust, Web; "
    );
}

#[test]
fn another_language_has_its_own_taxonomies_under_its_prefix() {
    let (_dir, output) = built();
    let rouille = read(&output, "fr/tags/rouille/index.html");
    assert_eq!(
        line(&rouille, "where"),
        "/fr/tags/rouille/ https://example.org/fr/tags/rouille/ fr"
    );
    assert!(rouille.contains("<ol><li>Alpha FR</li></ol>"), "{rouille}");
    assert!(read(&output, "fr/tags/index.html").contains("Rouille</a> 1"));
    assert!(!output.join("fr/categories").exists());
}

#[test]
fn the_taxonomy_functions_answer_in_the_pages_language_or_the_asked_one() {
    let (_dir, output) = built();
    let home = read(&output, "index.html");
    assert_eq!(
        line(&home, "tags"),
        "tags en https://example.org/tags/: Rust=3 Web=1 Zola=1"
    );
    assert_eq!(line(&home, "term"), "Rust /tags/rust/: Alpha,Delta,Beta,");
    assert_eq!(
        line(&home, "url"),
        "https://example.org/tags/zola/ https://example.org/fr/tags/rouille/"
    );
    assert_eq!(
        line(&home, "hidden"),
        "1 true",
        "a taxonomy not rendered is still there"
    );
    let french = read(&output, "fr/index.html");
    assert_eq!(
        line(&french, "tags"),
        "tags fr https://example.org/fr/tags/: Rouille=1"
    );
}

#[test]
fn a_paginated_section_has_pagers_under_page_and_page_1_redirects_to_it() {
    let (_dir, output) = built();
    let first = read(&output, "posts/index.html");
    assert_eq!(line(&first, "where"), "/posts/ https://example.org/posts/");
    assert_eq!(
        line(&first, "paginator"),
        "1/2 by 2 of 4; first https://example.org/posts/ last https://example.org/posts/page/2/ \
         previous  next https://example.org/posts/page/2/ base https://example.org/posts/page/",
        "the undated Delta cannot be sorted by date: Zola leaves it out"
    );
    assert!(
        first.contains("<ul><li>Zeta</li><li>Gamma</li></ul>"),
        "{first}"
    );
    let second = read(&output, "posts/page/2/index.html");
    assert_eq!(
        line(&second, "where"),
        "/posts/page/2/ https://example.org/posts/page/2/"
    );
    assert!(
        line(&second, "paginator").contains("previous https://example.org/posts/ next  base"),
        "{second}"
    );
    assert!(second.contains("<ul><li>Beta</li><li>Alpha</li></ul>"));
    assert!(
        !output.join("posts/d/index.html").exists(),
        "Zola writes no file for a page its section's sort cannot place"
    );
    let redirect = read(&output, "posts/page/1/index.html");
    assert!(
        redirect
            .contains(r#"<meta http-equiv="refresh" content="0; url=https://example.org/posts/">"#),
        "Zola's internal/alias.html: {redirect}"
    );
    assert!(!output.join("posts/page/3").exists());
}

#[test]
fn a_taxonomy_with_paginate_by_paginates_its_terms_under_its_paginate_path() {
    let (_dir, output) = built();
    let dev = read(&output, "categories/dev/index.html");
    assert_eq!(
        line(&dev, "paginator"),
        "1/2 base https://example.org/categories/dev/p/ previous  next https://example.org/categories/dev/p/2/: Beta"
    );
    let second = read(&output, "categories/dev/p/2/index.html");
    assert_eq!(line(&second, "where"), "/categories/dev/p/2/");
    assert!(
        read(&output, "categories/dev/p/1/index.html")
            .contains("url=https://example.org/categories/dev/")
    );
}

#[test]
fn the_sitemap_lists_taxonomies_terms_and_every_pager() {
    let (_dir, output) = built();
    let sitemap = read(&output, "sitemap.xml");
    for path in [
        "tags/",
        "tags/rust/",
        "fr/tags/rouille/",
        "categories/dev/p/1/",
        "categories/dev/p/2/",
        "posts/page/1/",
        "posts/page/2/",
    ] {
        let loc = format!("<loc>https://example.org/{path}</loc>");
        assert!(sitemap.contains(&loc), "{loc} in {sitemap}");
    }
    assert!(!sitemap.contains("hidden"));
}

#[test]
fn the_site_a_section_and_a_terms_feeds_are_written_with_zolas_templates() {
    let (_dir, output) = built();
    let atom = read(&output, "tags/rust/atom.xml");
    assert_eq!(
        atom,
        r#"<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">
    <title>Notes - Rust</title>
    <subtitle>Short notes</subtitle>
    <link rel="self" type="application/atom+xml" href="https://example.org/tags/rust/atom.xml"/>
    <link rel="alternate" type="text/html" href="https://example.org"/>
    <generator uri="https://www.getzola.org/">Zola</generator>
    <updated>2023-03-01T00:00:00+00:00</updated>
    <id>https://example.org/tags/rust/atom.xml</id>
    <entry xml:lang="en">
        <title>Beta</title>
        <published>2023-02-01T00:00:00+00:00</published>
        <updated>2023-03-01T00:00:00+00:00</updated>
        
        <author>
          <name>
            Ada
          </name>
        </author>
        
        <link rel="alternate" type="text/html" href="https://example.org/posts/b/"/>
        <id>https://example.org/posts/b/</id>
        
        <summary type="html">&lt;p&gt;Beta intro.&lt;/p&gt;</summary>
        
    </entry>
    <entry xml:lang="en">
        <title>Alpha</title>
        <published>2023-01-01T00:00:00+00:00</published>
        <updated>2023-01-01T00:00:00+00:00</updated>
        
        <author>
          <name>The editors</name>
        </author>
        
        <link rel="alternate" type="text/html" href="https://example.org/posts/a/"/>
        <id>https://example.org/posts/a/</id>
        
        <content type="html" xml:base="https://example.org/posts/a/">&lt;p&gt;Alpha &amp;amp; &lt;b&gt;bold&lt;/b&gt;.&lt;/p&gt;
</content>
        
    </entry>
</feed>
"#,
        "dated pages only, newest first; the summary when there is one; the page's author, else config.author"
    );
    let rss = read(&output, "posts/rss.xml");
    assert!(
        rss.contains("<title>Notes - Posts</title>\n      <link>https://example.org/posts/</link>"),
        "{rss}"
    );
    assert!(rss.contains("<lastBuildDate>Mon, 01 May 2023 00:00:00 +0000</lastBuildDate>"));
    assert!(
        rss.contains("<pubDate>Sat, 01 Apr 2023 10:00:00 +0800</pubDate>"),
        "{rss}"
    );
    let titles: Vec<&str> = rss
        .match_indices("<title>")
        .map(|(i, _)| &rss[i + 7..i + 12])
        .collect();
    assert_eq!(titles, ["Notes", "Zeta<", "Gamma", "Beta<", "Alpha"]);
    assert!(
        !output.join("atom.xml").exists() && !output.join("rss.xml").exists(),
        "no site feed: the fixture's generate_feeds is false (against_zola.rs covers the site's)"
    );
    assert!(output.join("posts/atom.xml").exists());
    assert!(
        !output.join("fr/atom.xml").exists(),
        "French has no generate_feeds"
    );
    assert!(
        !output.join("categories/dev/atom.xml").exists(),
        "categories has no feed"
    );
}

#[test]
fn a_sites_feed_template_wins_over_zolas_and_another_language_gets_its_own_feed() {
    let (_dir, output) = built_changed("zola-listings", |site| {
        write(
            site,
            "templates/rss.xml",
            "{{ lang }} {{ feed_url }} {{ pages | length }} {{ last_updated }}",
        );
        let config = std::fs::read_to_string(site.join("config.toml")).unwrap();
        // Zola's built-in rss.xml fails on a site feed; this site has its own.
        let config = config.replace("generate_feeds = false", "generate_feeds = true");
        let config = config.replace(
            "title = \"Notes FR\"",
            "title = \"Notes FR\"\ngenerate_feeds = true\nfeed_filenames = [\"rss.xml\"]",
        );
        write(site, "config.toml", &config);
    });
    let output = output.unwrap();
    assert_eq!(
        read(&output, "fr/rss.xml"),
        "fr https://example.org/fr/rss.xml 1 2023-01-01"
    );
    assert!(
        !output.join("fr/atom.xml").exists(),
        "French names only rss.xml"
    );
    assert_eq!(
        read(&output, "rss.xml"),
        "en https://example.org/rss.xml 4 2023-05-01"
    );
}

fn write(site: &Path, path: &str, text: &str) {
    let path = site.join(path);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

#[test]
fn a_taxonomy_the_config_lacks_a_missing_template_or_feed_template_fails_the_build() {
    let refused = |change: &dyn Fn(&Path)| built_changed("zola-listings", change).1.unwrap_err();
    let error = refused(&|site| {
        write(
            site,
            "content/posts/g.md",
            "+++\ntitle = \"G\"\n[taxonomies]\ngenres = [\"x\"]\n+++\n",
        );
    });
    assert!(
        error.contains(
            "Page `content/posts/g.md` has taxonomy `genres` which is not defined in config.toml"
        ),
        "{error}"
    );
    let error = refused(&|site| {
        std::fs::remove_file(site.join("templates/taxonomy_list.html")).unwrap();
    });
    assert!(
        error.contains("the taxonomy `categories` is rendered but templates/ has neither categories/list.html nor taxonomy_list.html"),
        "{error}"
    );
    let error = refused(&|site| {
        let config = std::fs::read_to_string(site.join("config.toml")).unwrap();
        write(
            site,
            "config.toml",
            &config.replace("\"rss.xml\"]", "\"feed.json\"]"),
        );
    });
    assert!(
        error.contains("feed_filenames names feed.json, but templates/ has no feed.json"),
        "{error}"
    );
}
