//! Content files of the site generator: `+++` TOML front matter, then Markdown.
//!
//! The input is one file's text, read as a page and as a section under several
//! paths (default and English language, page bundle), then linked, rendered,
//! summarised and turned into template values: nothing may panic. Properties:
//! - the split returns the front matter and a suffix of the file as the body,
//!   the front matter followed in the file by its closing `+++`;
//! - a file written as `+++\n<front>+++\n<body>` splits back into exactly
//!   `<front>` and `<body>` but for the body's leading blank lines, which Zola
//!   drops too (the generator's documented format);
//! - Markdown with no `@/` link always renders, and the summary is a
//!   rendering of a prefix of the source;
//! - `plain_text` has no surrounding or doubled whitespace and `word_count`
//!   never exceeds the number of characters.

#![no_main]

use std::collections::HashMap;
use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use ticedu_site::config::Config;
use ticedu_site::content::{self, Content};
use ticedu_site::{markdown, reading, values};

static CONFIG: LazyLock<Config> = LazyLock::new(|| {
    Config::parse(
        "base_url = \"https://example.org\"\ndefault_language = \"zh\"\n[languages.en]\ntitle = \"x\"\n",
    )
    .expect("the fuzz config parses")
});

/// Where the file is read from: sections and pages, both languages, a bundle.
const PATHS: [&str; 6] = [
    "_index.md",
    "guide/_index.md",
    "guide/fees.md",
    "guide/fees.en.md",
    "guide/bundle/index.md",
    "_index.en.md",
];

fuzz_target!(|text: &str| {
    split_properties(text);
    composed_split_round_trips(text);
    markdown_properties(text);

    let config = &*CONFIG;
    let mut content = Content::default();
    for path in PATHS {
        let _ = content::read_one(&mut content, config, path, text);
    }
    // Sections the pages above need, so linking reaches the sorting code.
    for path in ["_index.md", "guide/_index.md", "_index.en.md"] {
        if !content.sections.iter().any(|s| s.relative_path == path) {
            let _ = content::read_one(&mut content, config, path, "+++\n+++\n");
        }
    }
    if content::link_sections(&mut content, config).is_ok() {
        for section in &content.sections {
            for &page in &section.pages {
                assert!(page < content.pages.len());
            }
        }
    }
    let permalinks: HashMap<String, String> = content
        .pages
        .iter()
        .map(|p| (p.relative_path.clone(), config.permalink(&p.path)))
        .chain(
            content
                .sections
                .iter()
                .map(|s| (s.relative_path.clone(), config.permalink(&s.path))),
        )
        .collect();
    let headings = markdown::Headings::ids_only(config.slugify.anchors);
    for page in &mut content.pages {
        if let Ok(rendered) = markdown::render(&page.markdown, &permalinks, &headings) {
            page.html = tera::Value::safe_string(&rendered.html);
            page.summary = rendered
                .summary
                .and_then(|summary| summary.with_cutoff(|_| Ok("&hellip;".into())).ok());
        }
        // No other languages here: an empty list of translations.
        let _ = values::page_value(page, config, no_translations());
    }
    for section in &content.sections {
        let _ = values::section_value(section, config, Vec::new(), no_translations());
    }
});

fn no_translations() -> tera::Value {
    tera::Value::from(Vec::<tera::Value>::new())
}

fn split_properties(text: &str) {
    if let Ok((front, body)) = content::split_front_matter(text) {
        assert!(text.ends_with(body), "the body is the end of the file");
        assert!(text.contains(&format!("{front}+++")), "the front matter is closed by +++");
    }
}

/// Cuts the input into a front matter without a `+++` line and a body, writes
/// them as a content file and splits it again.
fn composed_split_round_trips(text: &str) {
    let (front, body) = text.split_once('\u{0}').unwrap_or((text, ""));
    let mut front: String = front
        .lines()
        .filter(|line| !line.contains("+++"))
        .map(|line| format!("{line}\n"))
        .collect();
    if front.trim().is_empty() {
        front.clear();
    }
    // Written as Zola writes it: the body follows the closing line.
    let file = format!("+++\n{front}+++\n{body}");
    let (split_front, split_body) =
        content::split_front_matter(&file).expect("a composed file splits");
    assert_eq!(split_front, front.as_str());
    // The body, less the blank space up to its first line with something else.
    assert!(body.ends_with(split_body));
    // Blank as `[[:space:]]` in Zola's pattern: ASCII only.
    let blank = |c: char| matches!(c, ' ' | '\t' | '\n' | '\r' | '\x0b' | '\x0c');
    let dropped = &body[..body.len() - split_body.len()];
    assert!(dropped.chars().all(blank), "only blank space is dropped: {dropped:?}");
    let kept_blank = &split_body[..split_body.len() - split_body.trim_start_matches(blank).len()];
    assert!(
        kept_blank.len() == split_body.len() || !kept_blank.contains('\n'),
        "no blank line is kept at the start of the body"
    );
}

fn markdown_properties(text: &str) {
    let no_permalinks = HashMap::new();
    let headings = markdown::Headings::ids_only(Default::default());
    if !text.contains("@/") {
        let rendered =
            markdown::render(text, &no_permalinks, &headings).expect("renders without internal links");
        let plain = markdown::plain_text(&rendered.html);
        assert_eq!(plain.trim(), plain);
        assert!(!plain.contains("  "));
        if let Some(summary) = rendered.summary {
            // Where the divider was, the body has Zola's anchor for "continue reading".
            assert!(rendered.html.contains("<span id=\"continue-reading\"></span>"));
            assert_eq!(summary.html.trim_end(), summary.html);
        }
    }
    let (words, _minutes) = reading::reading_analytics(text, "en");
    assert!(words <= text.chars().count());
}
