//! Markdown to HTML with pulldown-cmark, Zola's way: tables, footnotes,
//! strikethrough, task lists and `{#id .class}` heading attributes; `@/path.md`
//! links resolved to permalinks; every heading given an id (and an anchor
//! link where asked) and collected into the table of contents; the summary
//! is what precedes `<!-- more -->`.

use std::collections::HashMap;

use anyhow::bail;
use pulldown_cmark::{CowStr, Event, LinkType, Options, Parser, Tag, TagEnd, html};

use crate::config::{DEFAULT_EXTERNAL_LINKS, ExternalLinks};
use crate::headings::{
    Heading, InsertAnchor, SlugStrategy, opening_a_tag, slugify_anchor, table_of_contents,
    unique_id,
};

/// Renders an anchor link (the `anchor-link.html` template) for a heading's id and level.
pub type AnchorLink<'a> = &'a (dyn Fn(&str, u32) -> anyhow::Result<String> + Sync);

/// How the headings of one document are rendered.
pub struct Headings<'a> {
    /// The document's permalink, before `#id` in the table of contents.
    pub permalink: &'a str,
    pub slugs: SlugStrategy,
    pub insert_anchor: InsertAnchor,
    pub anchor_link: AnchorLink<'a>,
    /// What links to `http(s):` addresses carry.
    pub external_links: &'a ExternalLinks,
    /// The extensions `[markdown]` turns on.
    pub options: Options,
    /// `[markdown] render_emoji`.
    pub emoji: bool,
    /// `[markdown] lazy_async_image`.
    pub lazy_images: bool,
}

impl Headings<'static> {
    /// Ids only, no anchor links: Markdown outside a page (the `markdown` filter).
    pub fn ids_only(slugs: SlugStrategy) -> Self {
        Headings {
            permalink: "",
            slugs,
            insert_anchor: InsertAnchor::None,
            anchor_link: &|_, _| Ok(String::new()),
            external_links: &DEFAULT_EXTERNAL_LINKS,
            options: crate::config::MarkdownConfig::default().parser_options(),
            emoji: false,
            lazy_images: false,
        }
    }
}

pub struct Rendered {
    pub html: String,
    pub toc: Vec<Heading>,
    /// What precedes `<!-- more -->`, if the document has one.
    pub summary: Option<Summary>,
}

/// A summary as Zola 0.23 cuts it: the HTML of the events before the
/// divider, trailing whitespace and footnote references dropped; when the
/// divider falls inside an element (a paragraph, a list), `closing` ends
/// what is still open and the `summary-cutoff.html` template goes between.
pub struct Summary {
    pub html: String,
    pub closing: Option<String>,
}

impl Summary {
    /// The summary's HTML, with `cutoff` (the rendered `summary-cutoff.html`) where it is due.
    pub fn with_cutoff(
        self,
        cutoff: impl FnOnce(&str) -> anyhow::Result<String>,
    ) -> anyhow::Result<String> {
        match self.closing {
            None => Ok(self.html),
            Some(closing) => {
                let cut = cutoff(&self.html)?;
                Ok(format!("{}{cut}{closing}", self.html))
            }
        }
    }
}

/// Where Zola puts the `<!-- more -->` divider, for links to the rest.
const CONTINUE_READING: &str = "<span id=\"continue-reading\"></span>";

/// Zola's divider: `<!--`, `more` in any case, `-->`, spaces allowed between.
fn is_more_divider(html: &str) -> bool {
    html.match_indices("<!--").any(|(at, open)| {
        let rest = html[at + open.len()..].trim_start();
        rest.get(..4)
            .is_some_and(|word| word.eq_ignore_ascii_case("more"))
            && rest[4..].trim_start().starts_with("-->")
    })
}

fn summary_of(events: &[Event<'_>]) -> Summary {
    let mut open: Vec<TagEnd> = Vec::new();
    for event in events {
        match event {
            Event::Start(Tag::HtmlBlock) | Event::End(TagEnd::HtmlBlock) => {}
            Event::Start(tag) => open.push(tag.to_end()),
            Event::End(tag) => open.truncate(open.iter().rposition(|t| t == tag).unwrap_or(0)),
            _ => {}
        }
    }
    let mut html = String::new();
    html::push_html(&mut html, events.iter().cloned());
    let mut html = without_footnote_references(&html);
    html.truncate(html.trim_end().len());
    let closing = (!open.is_empty()).then(|| {
        let mut closing = String::new();
        html::push_html(&mut closing, open.into_iter().rev().map(Event::End));
        closing
    });
    Summary { html, closing }
}

/// A summary shows no footnote references, as their notes are not in it.
fn without_footnote_references(html: &str) -> String {
    const START: &str = "<sup class=\"footnote-reference\"";
    const END: &str = "</sup>";
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(at) = rest.find(START) {
        let Some(end) = rest[at..].find(END) else {
            break;
        };
        out.push_str(&rest[..at]);
        rest = &rest[at + end + END.len()..];
    }
    out.push_str(rest);
    out
}

/// The URL an internal link (`blog/a.md#part`, after `@/`) goes to, as Zola
/// resolves it: the permalink of the file (its path percent-decoded, for
/// file names that are not slugs) and the first anchor after it.
pub(crate) fn internal_permalink(
    target: &str,
    permalinks: &HashMap<String, String>,
) -> Option<String> {
    let mut parts = target.split('#');
    let file = percent_encoding::percent_decode_str(parts.next()?).decode_utf8_lossy();
    let url = permalinks.get(file.as_ref())?;
    Some(match parts.next() {
        Some(anchor) => format!("{url}#{anchor}"),
        None => url.clone(),
    })
}

/// Renders `markdown`; `permalinks` maps content paths (`guide/fees.md`) to URLs.
pub fn render(
    markdown: &str,
    permalinks: &HashMap<String, String>,
    headings: &Headings<'_>,
) -> anyhow::Result<Rendered> {
    let mut missing = None;
    let events = Parser::new_ext(markdown, headings.options).map(|event| match event {
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) if dest_url.starts_with("@/") => {
            let url = internal_permalink(&dest_url[2..], permalinks).unwrap_or_else(|| {
                missing.get_or_insert_with(|| dest_url[2..].to_owned());
                String::new()
            });
            Event::Start(Tag::Link {
                link_type,
                dest_url: CowStr::from(url),
                title,
                id,
            })
        }
        // A link to a file beside the page (or to one of its headings) is
        // made absolute from the page's permalink, as Zola 0.23 does.
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) if link_type != LinkType::Email
            && dest_url.as_ref() != "#"
            && (is_colocated(&dest_url) || dest_url.starts_with('#')) =>
        {
            Event::Start(Tag::Link {
                link_type,
                dest_url: format!("{}{dest_url}", headings.permalink).into(),
                title,
                id,
            })
        }
        Event::Start(Tag::Link {
            ref dest_url,
            ref title,
            ..
        }) if dest_url.starts_with("http:") || dest_url.starts_with("https:") => {
            match headings.external_links.opening_tag(dest_url, title) {
                Some(tag) => Event::InlineHtml(tag.into()),
                None => event,
            }
        }
        other => other,
    });
    let mut events: Vec<Event<'_>> = images(
        plain_code_blocks(events.collect()),
        headings.lazy_images,
        headings.permalink,
    );
    if headings.emoji {
        // After code blocks became HTML, so that their text keeps its colons.
        let emoji = gh_emoji::Replacer::new();
        for event in &mut events {
            if let Event::Text(text) = event {
                if let std::borrow::Cow::Owned(replaced) = emoji.replace_all(text) {
                    *text = replaced.into();
                }
            }
        }
    }
    let (mut events, flat) = with_heading_ids(events, headings)?;
    let divider = events.iter().position(|event| match event {
        Event::Html(html) | Event::InlineHtml(html) => is_more_divider(html),
        _ => false,
    });
    let summary = divider.map(|at| {
        events[at] = Event::Html(CONTINUE_READING.into());
        summary_of(&events[..at])
    });
    let mut out = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut out, events.into_iter());
    if let Some(target) = missing {
        bail!("the internal link @/{target} points to no content file");
    }
    Ok(Rendered {
        html: out,
        toc: table_of_contents(flat),
        summary,
    })
}

/// Code blocks as Zola 0.23 writes them when `[markdown.highlighting]` is
/// not set: the fence's language (its first bare word) in `data-lang`, no
/// class; none for an indented block, an empty fence or `plain`.
fn plain_code_blocks(events: Vec<Event<'_>>) -> Vec<Event<'_>> {
    let mut out = Vec::with_capacity(events.len());
    let mut block: Option<(String, String)> = None;
    for event in events {
        match (event, &mut block) {
            (Event::Start(Tag::CodeBlock(kind)), _) => {
                let lang = match kind {
                    pulldown_cmark::CodeBlockKind::Fenced(info) => fence_language(&info),
                    pulldown_cmark::CodeBlockKind::Indented => None,
                };
                let attribute = match lang {
                    Some(lang) if lang != "plain" => format!(" data-lang=\"{lang}\""),
                    _ => String::new(),
                };
                block = Some((attribute, String::new()));
            }
            (Event::Text(text), Some((_, code))) => code.push_str(&text),
            (Event::End(TagEnd::CodeBlock), Some(_)) => {
                let (attribute, code) = block.take().unwrap_or_default();
                let mut html = format!("<pre><code{attribute}>");
                pulldown_cmark_escape::escape_html(&mut html, &code).ok();
                html.push_str("</code></pre>\n");
                out.push(Event::Html(html.into()));
            }
            (event, _) => out.push(event),
        }
    }
    out
}

/// Images as Zola 0.23 writes them: the alt text is the image's text
/// alone, and `lazy_async_image` asks the browser to load them lazily.
/// Whether a link or image source names a file beside the page, as Zola
/// tells: not absolute, not climbing out, not an anchor, no scheme.
fn is_colocated(link: &str) -> bool {
    let has_scheme = link.split_once(':').is_some_and(|(scheme, _)| {
        !scheme.is_empty()
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-')
    });
    !link.starts_with('/') && !link.starts_with("..") && !link.starts_with('#') && !has_scheme
}

fn images<'a>(events: Vec<Event<'a>>, lazy: bool, permalink: &str) -> Vec<Event<'a>> {
    let mut out = Vec::with_capacity(events.len());
    let mut image: Option<(String, String, String)> = None;
    for event in events {
        match (event, &mut image) {
            (
                Event::Start(Tag::Image {
                    dest_url, title, ..
                }),
                None,
            ) => {
                let url = if is_colocated(&dest_url) {
                    format!("{permalink}{dest_url}")
                } else {
                    dest_url.to_string()
                };
                image = Some((url, title.to_string(), String::new()));
            }
            (Event::Text(text) | Event::Code(text), Some((_, _, alt))) => alt.push_str(&text),
            (Event::End(TagEnd::Image), Some(_)) => {
                let (url, title, alt) = image.take().unwrap_or_default();
                let mut html = String::from("<img src=\"");
                pulldown_cmark_escape::escape_href(&mut html, &url).ok();
                html.push_str("\" alt=\"");
                pulldown_cmark_escape::escape_html(&mut html, &alt).ok();
                html.push('"');
                if !title.is_empty() {
                    html.push_str(" title=\"");
                    pulldown_cmark_escape::escape_html(&mut html, &title).ok();
                    html.push('"');
                }
                if lazy {
                    html.push_str(" loading=\"lazy\" decoding=\"async\"");
                }
                html.push_str(" />");
                out.push(Event::InlineHtml(html.into()));
            }
            (_, Some(_)) => {}
            (event, None) => out.push(event),
        }
    }
    out
}

/// The language of a fence's info string (`rust,linenos,hl_lines=2`): its
/// first token that is neither an option nor `key=value`; `Some("")` when
/// the fence names options only, as Zola then writes an empty `data-lang`.
fn fence_language(info: &str) -> Option<String> {
    if info.trim().is_empty() {
        return None;
    }
    let lang = info
        .split(',')
        .map(str::trim)
        .filter(|token| !token.is_empty() && !token.contains('='))
        .find(|token| {
            !matches!(
                *token,
                "linenos" | "linenostart" | "hl_lines" | "hide_lines"
            )
        });
    Some(lang.unwrap_or_default().to_owned())
}

/// Replaces each heading's opening and closing tags with HTML carrying its
/// id (explicit `{#id}` ids are reserved first, so a slug never takes one)
/// and its anchor link; returns the headings in order.
fn with_heading_ids<'e>(
    events: Vec<Event<'e>>,
    headings: &Headings<'_>,
) -> anyhow::Result<(Vec<Event<'e>>, Vec<Heading>)> {
    let mut taken: Vec<String> = events
        .iter()
        .filter_map(|event| match event {
            Event::Start(Tag::Heading { id: Some(id), .. }) => Some(id.to_string()),
            _ => None,
        })
        .collect();
    let mut out = Vec::with_capacity(events.len());
    let mut flat = Vec::new();
    let mut events = events.into_iter();
    while let Some(event) = events.next() {
        let Event::Start(Tag::Heading {
            level, id, classes, ..
        }) = event
        else {
            out.push(event);
            continue;
        };
        let level = level as u32;
        let inner: Vec<Event<'e>> = events
            .by_ref()
            .take_while(|e| !matches!(e, Event::End(TagEnd::Heading(_))))
            .collect();
        let title: String = inner
            .iter()
            .filter_map(|e| match e {
                Event::Text(text) | Event::Code(text) => Some(text.as_ref()),
                _ => None,
            })
            .collect();
        let id = match id {
            Some(id) => id.to_string(),
            None => {
                let id = unique_id(&taken, slugify_anchor(&title, headings.slugs));
                taken.push(id.clone());
                id
            }
        };
        let class = if classes.is_empty() {
            String::new()
        } else {
            let names: Vec<&str> = classes.iter().map(|c| c.as_ref()).collect();
            format!(" class=\"{}\"", escape(&names.join(" ")))
        };
        out.push(Event::Html(
            format!("<h{level} id=\"{}\"{class}>", escape(&id)).into(),
        ));
        let anchor = match headings.insert_anchor {
            InsertAnchor::None => String::new(),
            _ => (headings.anchor_link)(&id, level)?,
        };
        match headings.insert_anchor {
            InsertAnchor::Left => {
                out.push(Event::InlineHtml(anchor.into()));
                out.extend(inner);
            }
            InsertAnchor::Right => {
                out.extend(inner);
                out.push(Event::InlineHtml(anchor.into()));
            }
            InsertAnchor::Heading => match opening_a_tag(&anchor) {
                Some(tag) => {
                    out.push(Event::InlineHtml(tag.to_owned().into()));
                    out.extend(inner);
                    out.push(Event::InlineHtml("</a>".into()));
                }
                None => out.extend(inner),
            },
            InsertAnchor::None => out.extend(inner),
        }
        out.push(Event::Html(format!("</h{level}>\n").into()));
        flat.push(Heading {
            level,
            permalink: format!("{}#{id}", headings.permalink),
            id,
            title,
            children: Vec::new(),
        });
    }
    Ok((out, flat))
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
    out
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

#[cfg(test)]
mod tests {
    use super::*;

    fn plain() -> Headings<'static> {
        Headings::ids_only(SlugStrategy::On)
    }

    fn page(insert_anchor: InsertAnchor) -> Headings<'static> {
        Headings {
            permalink: "https://x/guide/",
            slugs: SlugStrategy::On,
            insert_anchor,
            anchor_link: &|id, level| Ok(format!("<a class=\"a{level}\" href=\"#{id}\">#</a>")),
            external_links: &crate::config::DEFAULT_EXTERNAL_LINKS,
            options: crate::config::MarkdownConfig::default().parser_options(),
            emoji: false,
            lazy_images: false,
        }
    }

    fn html(markdown: &str, headings: &Headings<'_>) -> String {
        render(markdown, &HashMap::new(), headings).unwrap().html
    }

    #[test]
    fn headings_get_unique_slugged_ids_and_explicit_ones_are_kept() {
        let markdown = "# Fees\n\n## Fees\n\n## 学习 *步骤*\n\n### Own {#fees-1 .wide}\n";
        assert_eq!(
            html(markdown, &plain()),
            "<h1 id=\"fees\">Fees</h1>\n<h2 id=\"fees-2\">Fees</h2>\n\
             <h2 id=\"xue-xi-bu-zou\">学习 <em>步骤</em></h2>\n\
             <h3 id=\"fees-1\" class=\"wide\">Own</h3>\n"
        );
        let safe = Headings::ids_only(SlugStrategy::Safe);
        assert_eq!(
            html("## 学习 步骤", &safe),
            "<h2 id=\"学习_步骤\">学习 步骤</h2>\n"
        );
    }

    #[test]
    fn anchor_links_go_left_right_or_around_the_heading() {
        let markdown = "## Pay `now`";
        assert_eq!(
            html(markdown, &page(InsertAnchor::Left)),
            "<h2 id=\"pay-now\"><a class=\"a2\" href=\"#pay-now\">#</a>Pay <code>now</code></h2>\n"
        );
        assert_eq!(
            html(markdown, &page(InsertAnchor::Right)),
            "<h2 id=\"pay-now\">Pay <code>now</code><a class=\"a2\" href=\"#pay-now\">#</a></h2>\n"
        );
        assert_eq!(
            html(markdown, &page(InsertAnchor::Heading)),
            "<h2 id=\"pay-now\"><a class=\"a2\" href=\"#pay-now\">Pay <code>now</code></a></h2>\n"
        );
        assert_eq!(
            html(markdown, &page(InsertAnchor::None)),
            "<h2 id=\"pay-now\">Pay <code>now</code></h2>\n"
        );
    }

    #[test]
    fn the_toc_nests_headings_with_their_permalinks_and_plain_titles() {
        let rendered = render(
            "# Guide\n\n## Pay **by card**\n\n### Refunds\n\n## Learn\n",
            &HashMap::new(),
            &page(InsertAnchor::Right),
        )
        .unwrap();
        let toc = &rendered.toc;
        assert_eq!(toc.len(), 1);
        let children: Vec<&str> = toc[0].children.iter().map(|h| h.title.as_str()).collect();
        assert_eq!(children, ["Pay by card", "Learn"]);
        let refunds = &toc[0].children[0].children[0];
        assert_eq!((refunds.level, refunds.id.as_str()), (3, "refunds"));
        assert_eq!(refunds.permalink, "https://x/guide/#refunds");
    }

    #[test]
    fn internal_links_become_permalinks_and_unknown_ones_fail() {
        let permalinks = HashMap::from([(
            "guide/fees.md".to_owned(),
            "https://x/guide/fees/".to_owned(),
        )]);
        let html = render("[fees](@/guide/fees.md#discount)", &permalinks, &plain())
            .unwrap()
            .html;
        assert_eq!(
            html,
            "<p><a href=\"https://x/guide/fees/#discount\">fees</a></p>\n"
        );
        assert!(render("[x](@/nowhere.md)", &permalinks, &plain()).is_err());
    }

    #[test]
    fn tables_and_summaries_render() {
        let html = render(
            "| a | b |\n|---|---|\n| 1 | 2 |\n",
            &HashMap::new(),
            &plain(),
        )
        .unwrap()
        .html;
        assert!(html.contains("<table>"));
        let rendered = render(
            "First[^1].\n\n<!-- more -->\n\nRest.\n\n[^1]: A note.",
            &HashMap::new(),
            &plain(),
        )
        .unwrap();
        assert!(
            rendered
                .html
                .contains("<span id=\"continue-reading\"></span>")
        );
        let summary = rendered.summary.unwrap();
        assert_eq!(
            (summary.html.as_str(), summary.closing),
            ("<p>First.</p>", None)
        );
        let inline = render("Intro <!--MORE--> rest.", &HashMap::new(), &plain())
            .unwrap()
            .summary
            .unwrap()
            .with_cutoff(|_| Ok("…".to_owned()))
            .unwrap();
        assert_eq!(
            inline, "<p>Intro…</p>\n",
            "the cutoff, then what was open is closed"
        );
        assert_eq!(
            plain_text("<p>学习 <b>指南</b> &amp; more</p>"),
            "学习 指南 & more"
        );
    }
}
