//! Markdown to HTML with pulldown-cmark, Zola's way: tables, footnotes,
//! strikethrough and task lists; `@/path.md` links resolved to permalinks;
//! the summary is what precedes `<!-- more -->`.

use std::collections::HashMap;

use anyhow::bail;
use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, html};

const MORE: &str = "<!-- more -->";

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
}

/// Renders `markdown`; `permalinks` maps content paths (`guide/fees.md`) to URLs.
pub fn render(markdown: &str, permalinks: &HashMap<String, String>) -> anyhow::Result<String> {
    let mut missing = None;
    let events = Parser::new_ext(markdown, options()).map(|event| match event {
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) if dest_url.starts_with("@/") => {
            let (target, anchor) = dest_url[2..]
                .split_once('#')
                .map_or((&dest_url[2..], None), |(t, a)| (t, Some(a)));
            let url = match permalinks.get(target) {
                Some(url) => match anchor {
                    Some(anchor) => format!("{url}#{anchor}"),
                    None => url.clone(),
                },
                None => {
                    missing.get_or_insert_with(|| target.to_owned());
                    String::new()
                }
            };
            Event::Start(Tag::Link {
                link_type,
                dest_url: CowStr::from(url),
                title,
                id,
            })
        }
        other => other,
    });
    let mut out = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut out, events);
    if let Some(target) = missing {
        bail!("the internal link @/{target} points to no content file");
    }
    Ok(out)
}

/// The rendered part before `<!-- more -->`, if the page has one.
pub fn summary(
    markdown: &str,
    permalinks: &HashMap<String, String>,
) -> anyhow::Result<Option<String>> {
    match markdown.find(MORE) {
        Some(end) => render(&markdown[..end], permalinks).map(Some),
        None => Ok(None),
    }
}

/// The text of some HTML, tags dropped and whitespace collapsed: for word
/// counts and the search index.
pub fn plain_text(html: &str) -> String {
    let mut text = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                text.push(' ');
            }
            _ if !in_tag => text.push(c),
            _ => {}
        }
    }
    let text = text
        .replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'");
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Words as Zola counts them: in the page's Markdown source, by Unicode
/// word boundaries (approximated: runs of letters and digits, joined by a
/// `.` or `'` between two of them; every Han character is a word).
pub fn word_count(text: &str) -> usize {
    let characters: Vec<char> = text.chars().collect();
    let is_han = |c: char| ('\u{4e00}'..='\u{9fff}').contains(&c);
    let mut words = 0;
    let mut in_word = false;
    for (index, &c) in characters.iter().enumerate() {
        if is_han(c) {
            words += 1;
            in_word = false;
        } else if c.is_alphanumeric() {
            if !in_word {
                words += 1;
                in_word = true;
            }
        } else if in_word
            && matches!(c, '.' | '\'')
            && characters
                .get(index + 1)
                .is_some_and(|n| n.is_alphanumeric() && !is_han(*n))
        {
            // "second.md", "don't": one word.
        } else {
            in_word = false;
        }
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_links_become_permalinks_and_unknown_ones_fail() {
        let permalinks = HashMap::from([(
            "guide/fees.md".to_owned(),
            "https://x/guide/fees/".to_owned(),
        )]);
        let html = render("[fees](@/guide/fees.md#discount)", &permalinks).unwrap();
        assert_eq!(
            html,
            "<p><a href=\"https://x/guide/fees/#discount\">fees</a></p>\n"
        );
        assert!(render("[x](@/nowhere.md)", &permalinks).is_err());
    }

    #[test]
    fn tables_and_summaries_render() {
        let html = render("| a | b |\n|---|---|\n| 1 | 2 |\n", &HashMap::new()).unwrap();
        assert!(html.contains("<table>"));
        let summary = summary("First.\n\n<!-- more -->\n\nRest.", &HashMap::new())
            .unwrap()
            .unwrap();
        assert_eq!(summary, "<p>First.</p>\n");
        assert_eq!(
            plain_text("<p>学习 <b>指南</b> &amp; more</p>"),
            "学习 指南 & more"
        );
        assert_eq!(word_count("学习指南 and more ."), 6);
        assert_eq!(
            word_count("Intro.\n\n<!-- more -->\n\nSee [the second](@/blog/second.md)."),
            7
        );
    }
}
