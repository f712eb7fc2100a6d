//! Headings as Zola makes them: an id slugged from the heading's text
//! (`[slugify] anchors`: `on` transliterates, so `学习步骤` becomes
//! `xue-xi-bu-zou`, deunicode's reading, as in Zola; `safe` and `off` keep the text and replace ASCII
//! whitespace with `_`), made unique on the page with `-1`, `-2` …; an
//! anchor link where the section's `insert_anchor_links` says; and the
//! table of contents, `page.toc`: `{level, id, permalink, title, children}`.

use serde::Deserialize;
use tera::Value;

/// `[slugify] anchors` in `config.toml`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SlugStrategy {
    #[default]
    On,
    Safe,
    Off,
}

/// `insert_anchor_links` of a section, or `[markdown]`'s for the whole site.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum InsertAnchor {
    Left,
    Right,
    /// The whole heading is the link, without the template's icon.
    Heading,
    #[default]
    None,
}

pub fn slugify_anchor(text: &str, strategy: SlugStrategy) -> String {
    match strategy {
        SlugStrategy::On => slug::slugify(text),
        SlugStrategy::Safe | SlugStrategy::Off => {
            text.replace(|c: char| c.is_ascii_whitespace(), "_")
        }
    }
}

/// `slug`, or `slug-1`, `slug-2` … when the page already has it.
pub fn unique_id(taken: &[String], slug: String) -> String {
    if !taken.contains(&slug) {
        return slug;
    }
    (1..)
        .map(|n| format!("{slug}-{n}"))
        .find(|id| !taken.contains(id))
        .expect("some suffix is free")
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    pub level: u32,
    pub id: String,
    pub permalink: String,
    pub title: String,
    pub children: Vec<Heading>,
}

impl Heading {
    pub fn to_value(&self) -> Value {
        Value::from_serializable(self)
    }
}

/// Zola's `{level, id, permalink, title, children}`, straight into Tera's
/// map (see [`crate::values::Fields`]): a page has a map per heading, and
/// a list of fields made first was an allocation more each.
impl serde::Serialize for Heading {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut map = serializer.serialize_struct("Heading", 5)?;
        map.serialize_field("level", &i64::from(self.level))?;
        map.serialize_field("id", &self.id)?;
        map.serialize_field("permalink", &self.permalink)?;
        map.serialize_field("title", &self.title)?;
        map.serialize_field("children", &toc_value(&self.children))?;
        map.end()
    }
}

pub fn toc_value(headings: &[Heading]) -> Value {
    thread_local! {
        // Most headings have no children: they share one empty list (an
        // allocation each, eight a page, otherwise).
        static NONE: Value = Value::from(Vec::<Value>::new());
    }
    if headings.is_empty() {
        return NONE.with(Value::clone);
    }
    Value::from(headings.iter().map(Heading::to_value).collect::<Vec<_>>())
}

/// Nests the page's headings in order: each goes under the last heading
/// above it of a smaller level (an `h4` after an `h2` is the `h2`'s child).
pub fn table_of_contents(flat: Vec<Heading>) -> Vec<Heading> {
    let mut toc: Vec<Heading> = Vec::new();
    for heading in flat {
        match toc.last_mut() {
            Some(last) if last.level < heading.level => insert_under(last, heading),
            _ => toc.push(heading),
        }
    }
    toc
}

fn insert_under(parent: &mut Heading, heading: Heading) {
    match parent.children.last_mut() {
        Some(last) if last.level < heading.level => insert_under(last, heading),
        _ => parent.children.push(heading),
    }
}

/// The opening `<a …>` tag of a rendered anchor link, to wrap a heading in.
pub fn opening_a_tag(html: &str) -> Option<&str> {
    let start = html.find("<a")?;
    let end = start + html[start..].find('>')? + 1;
    html[end..].contains("</a>").then(|| &html[start..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn heading(level: u32, id: &str) -> Heading {
        Heading {
            level,
            id: id.to_owned(),
            permalink: format!("https://x/p/#{id}"),
            title: id.to_owned(),
            children: Vec::new(),
        }
    }

    fn shape(toc: &[Heading]) -> String {
        toc.iter()
            .map(|h| {
                if h.children.is_empty() {
                    h.id.clone()
                } else {
                    format!("{}({})", h.id, shape(&h.children))
                }
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn headings_nest_under_the_last_heading_of_a_smaller_level() {
        let flat = [
            (2, "a"),
            (3, "b"),
            (4, "c"),
            (3, "d"),
            (2, "e"),
            (4, "f"),
            (3, "g"),
            (1, "h"),
        ]
        .map(|(level, id)| heading(level, id));
        assert_eq!(
            shape(&table_of_contents(flat.to_vec())),
            "a(b(c) d) e(f g) h"
        );
    }

    #[test]
    fn ids_are_slugged_as_zola_does_chinese_included() {
        assert_eq!(
            slugify_anchor("Fees & Discounts", SlugStrategy::On),
            "fees-discounts"
        );
        assert_eq!(
            slugify_anchor("学习步骤", SlugStrategy::On),
            "xue-xi-bu-zou"
        );
        assert_eq!(slugify_anchor("学习 步骤", SlugStrategy::Safe), "学习_步骤");
        assert_eq!(slugify_anchor("a b", SlugStrategy::Off), "a_b");
    }

    #[test]
    fn a_repeated_id_gets_the_first_free_number() {
        let taken = ["example".to_owned(), "example-1".to_owned()];
        assert_eq!(unique_id(&taken, "example".into()), "example-2");
        assert_eq!(unique_id(&taken, "other".into()), "other");
    }

    #[test]
    fn the_opening_tag_of_an_anchor_link_is_found() {
        let link = r##"<a class="zola-anchor" href="#x">🔗</a>"##;
        assert_eq!(
            opening_a_tag(link),
            Some(r##"<a class="zola-anchor" href="#x">"##)
        );
        assert_eq!(opening_a_tag("<span>#</span>"), None);
    }

    #[test]
    fn a_heading_becomes_zolas_toc_value() {
        let mut parent = heading(2, "a");
        parent.children.push(heading(3, "b"));
        let value = parent.to_value();
        assert_eq!(
            value
                .get_from_path("children.0.permalink")
                .and_then(Value::as_str),
            Some("https://x/p/#b")
        );
        assert_eq!(
            value.get_from_path("level").and_then(Value::as_i64),
            Some(2)
        );
    }
}
