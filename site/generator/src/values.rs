//! Pages and sections as Tera values, built once per build: a listing (a
//! section's `pages`, `get_section`) shares them instead of serialising each
//! page again, which is where Zola spends its time on large sites.

use tera::{Map, Value};

use crate::config::Config;
use crate::content::{Page, Section, date_text};

pub fn toml_to_value(value: &toml::Value) -> Value {
    match value {
        toml::Value::String(text) => Value::from(text.as_str()),
        toml::Value::Integer(number) => Value::from(*number),
        toml::Value::Float(number) => Value::from(*number),
        toml::Value::Boolean(flag) => Value::from(*flag),
        toml::Value::Datetime(datetime) => Value::from(datetime.to_string()),
        toml::Value::Array(items) => {
            Value::from(items.iter().map(toml_to_value).collect::<Vec<_>>())
        }
        toml::Value::Table(table) => table_to_value(table),
    }
}

pub fn table_to_value(table: &toml::Table) -> Value {
    /// The table through Tera's serializer, as [`Fields`] makes a map: each
    /// key hashed and the map allocated once (made first and handed to
    /// `Value::from`, it was made twice, for every page's `extra`).
    struct Table<'a>(&'a toml::Table);
    impl serde::Serialize for Table<'_> {
        fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            use serde::ser::SerializeMap;
            let mut map = serializer.serialize_map(Some(self.0.len()))?;
            for (key, value) in self.0 {
                map.serialize_entry(key.as_str(), &toml_to_value(value))?;
            }
            map.end()
        }
    }
    Value::from_serializable(&Table(table))
}

/// An empty list, shared: most pages have no authors, assets or backlinks
/// (an allocation each otherwise).
fn empty_list() -> Value {
    thread_local! {
        static EMPTY: Value = Value::from(Vec::<Value>::new());
    }
    EMPTY.with(Value::clone)
}

fn list(items: Vec<Value>) -> Value {
    if items.is_empty() {
        empty_list()
    } else {
        Value::from(items)
    }
}

/// A map from string keys, in insertion order, made in one go: Tera's
/// serializer puts each field straight into the map it returns, one hash
/// a key (a map handed to `Value::from` is built again key by key, so a
/// map made beforehand hashed each key twice and was allocated twice: a
/// tenth of a 10,000-page build, which makes a map per page and per
/// heading). A key set twice keeps its first place and takes the last
/// value, as a map's `insert` does.
pub struct Fields(Vec<(&'static str, Value)>);

impl Fields {
    pub fn new() -> Self {
        Self(Vec::new())
    }

    /// For `fields` keys: a page's ~30 fields are set without regrowing.
    pub fn with_capacity(fields: usize) -> Self {
        Self(Vec::with_capacity(fields))
    }

    pub fn set(mut self, key: &'static str, value: impl Into<Value>) -> Self {
        self.0.push((key, value.into()));
        self
    }

    pub fn build(self) -> Value {
        struct_value(self.0.iter().map(|(key, value)| (*key, value)))
    }
}

impl Default for Fields {
    fn default() -> Self {
        Self::new()
    }
}

/// A map value of `fields`, made by Tera's serializer (see [`Fields`]):
/// each value is shared with the map, not copied.
fn struct_value<'a>(fields: impl Iterator<Item = (&'static str, &'a Value)> + Clone) -> Value {
    struct Struct<I>(I);
    impl<'a, I: Iterator<Item = (&'static str, &'a Value)> + Clone> serde::Serialize for Struct<I> {
        fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            use serde::ser::SerializeStruct;
            let mut map = serializer.serialize_struct("", self.0.clone().count())?;
            for (key, value) in self.0.clone() {
                map.serialize_field(key, value)?;
            }
            map.end()
        }
    }
    Value::from_serializable(&Struct(fields))
}

fn optional(text: Option<&String>) -> Value {
    text.map_or_else(Value::none, |t| Value::from(t.as_str()))
}

fn ancestors(relative_path: &str, lang_suffix: &str) -> Vec<Value> {
    let mut found = vec![Value::from(format!("_index{lang_suffix}.md"))];
    let mut parts: Vec<&str> = relative_path.split('/').collect();
    parts.pop();
    let file = relative_path.rsplit('/').next().unwrap_or_default();
    // A section's own folder is not its ancestor, nor a page bundle's
    // (`blog/post/index.md`) a section; a page's own folder is its section.
    if file.starts_with("_index") || file.starts_with("index.") || file == "index.md" {
        parts.pop();
    }
    for depth in 1..=parts.len() {
        found.push(Value::from(format!(
            "{}/_index{lang_suffix}.md",
            parts[..depth].join("/")
        )));
    }
    found
}

/// A page in a transparent section has the ancestors of the section it is
/// listed in, that section last, as in Zola.
fn page_ancestors(page: &Page, lang_suffix: &str) -> Vec<Value> {
    if page.listed_in.is_empty() {
        return Vec::new();
    }
    if page.listed_in == page.section {
        return ancestors(&page.relative_path, lang_suffix);
    }
    let mut found = ancestors(&page.listed_in, lang_suffix);
    found.push(Value::from(page.listed_in.as_str()));
    found
}

/// `translations` as [`crate::translations::find`] gives them.
pub fn page_value(page: &Page, config: &Config, translations: Value) -> Value {
    let (words, minutes) = page.reading;
    let date = page.front.date.as_ref().map(date_text);
    let (year, month, day) = date
        .as_deref()
        .map(split_date)
        .unwrap_or((None, None, None));
    let suffix = if page.lang == config.default_language {
        String::new()
    } else {
        format!(".{}", page.lang)
    };
    Fields::with_capacity(32)
        .set("relative_path", page.relative_path.as_str())
        .set("colocated_path", colocated_path(page))
        .set("content", page.html.clone())
        .set("permalink", config.permalink(&page.path))
        .set("slug", page.slug.as_str())
        .set("ancestors", page_ancestors(page, &suffix))
        .set("title", optional(page.front.title.as_ref()))
        .set("description", optional(page.front.description.as_ref()))
        .set(
            "updated",
            page.front
                .updated
                .as_ref()
                .map_or_else(Value::none, |d| Value::from(date_text(d))),
        )
        .set("date", date.map_or_else(Value::none, Value::from))
        .set("year", year.map_or_else(Value::none, Value::from))
        .set("month", month.map_or_else(Value::none, Value::from))
        .set("day", day.map_or_else(Value::none, Value::from))
        .set("taxonomies", taxonomies_value(&page.front.taxonomies))
        .set(
            "authors",
            list(
                page.front
                    .authors
                    .iter()
                    .map(|a| Value::from(a.as_str()))
                    .collect(),
            ),
        )
        .set("extra", table_to_value(&page.front.extra))
        .set("path", page.path.as_str())
        .set("components", components(&page.path))
        .set(
            "summary",
            page.summary
                .as_deref()
                .map_or_else(Value::none, Value::safe_string),
        )
        .set("toc", page.toc.clone())
        .set("word_count", words as i64)
        .set("reading_time", minutes as i64)
        .set(
            "assets",
            list(
                page.assets
                    .iter()
                    .map(|asset| Value::from(format!("/{asset}")))
                    .collect(),
            ),
        )
        .set("draft", page.front.draft)
        .set("lang", page.lang.as_str())
        .set("lower", Value::none())
        .set("higher", Value::none())
        .set("translations", translations)
        .set("backlinks", empty_list())
        .build()
}

/// A page bundle's folder (`blog/post/`), where its assets are.
fn colocated_path(page: &Page) -> Value {
    match page.relative_path.rsplit_once('/') {
        Some((dir, file)) if file.starts_with("index.") => Value::from(format!("{dir}/")),
        _ => Value::none(),
    }
}

/// The parts of a page's or section's path, its language's prefix included, as Zola gives them.
fn components(path: &str) -> Vec<Value> {
    path.split('/')
        .filter(|part| !part.is_empty())
        .map(Value::from)
        .collect()
}

/// `page.taxonomies`: each taxonomy's terms as the front matter names them.
fn taxonomies_value(taxonomies: &std::collections::BTreeMap<String, Vec<String>>) -> Value {
    thread_local! {
        // Shared, as [`empty_list`]: most pages have no terms.
        static NONE: Value = Value::from(Map::new());
    }
    if taxonomies.is_empty() {
        return NONE.with(Value::clone);
    }
    let mut map = Map::new();
    for (name, terms) in taxonomies {
        let terms: Vec<Value> = terms.iter().map(|t| Value::from(t.as_str())).collect();
        map.insert(name.clone().into(), Value::from(terms));
    }
    Value::from(map)
}

/// A page's value as its own template sees it: with `lower` and `higher`,
/// the pages before and after it in its section's order (listings leave
/// them out, as Zola does, so that a page does not hold the whole chain).
pub fn with_siblings(page: &Value, lower: Option<&Value>, higher: Option<&Value>) -> Value {
    let Some(fields) = page.as_map() else {
        return page.clone();
    };
    let none = Value::none();
    let (lower, higher) = (lower.unwrap_or(&none), higher.unwrap_or(&none));
    // A page's own keys are static and include both (see `page_value`):
    // the copy is made in one go, as `Fields` makes a map.
    let keyed = fields.iter().map(|(key, value)| match key {
        tera::value::Key::Str(name) => Some((*name, value)),
        _ => None,
    });
    let has = |sibling: &str| fields.keys().any(|key| key.as_str() == Some(sibling));
    if keyed.clone().all(|field| field.is_some()) && has("lower") && has("higher") {
        return struct_value(keyed.flatten().map(|(name, value)| match name {
            "lower" => (name, lower),
            "higher" => (name, higher),
            _ => (name, value),
        }));
    }
    let mut fields = fields.clone();
    fields.insert("lower".into(), lower.clone());
    fields.insert("higher".into(), higher.clone());
    Value::from(fields)
}

/// Per page, the indexes of its `lower` and `higher` siblings: the pages
/// before and after it in a section sorted by `sort_by` (none in an
/// unsorted or transparent section).
pub fn siblings(content: &crate::content::Content) -> Vec<(Option<usize>, Option<usize>)> {
    let mut found = vec![(None, None); content.pages.len()];
    for section in &content.sections {
        let sorted = !matches!(section.front.sort_by.as_deref(), None | Some("none"));
        if !sorted || section.front.transparent {
            continue;
        }
        for (position, &page) in section.pages.iter().enumerate() {
            let lower = position.checked_sub(1).map(|p| section.pages[p]);
            let higher = section.pages.get(position + 1).copied();
            found[page] = (lower, higher);
        }
    }
    found
}

fn split_date(date: &str) -> (Option<i64>, Option<i64>, Option<i64>) {
    let mut parts = date
        .get(..10)
        .unwrap_or(date)
        .split('-')
        .map(|p| p.parse::<i64>().ok());
    (
        parts.next().flatten(),
        parts.next().flatten(),
        parts.next().flatten(),
    )
}

/// A section's value; `pages` are the already-built page values (cheap clones).
pub fn section_value(
    section: &Section,
    config: &Config,
    pages: Vec<Value>,
    translations: Value,
) -> Value {
    let (words, minutes) = section.reading;
    let suffix = if section.lang == config.default_language {
        String::new()
    } else {
        format!(".{}", section.lang)
    };
    let ancestors = if section.relative_path.starts_with("_index") {
        Vec::new()
    } else {
        ancestors(&section.relative_path, &suffix)
    };
    Fields::with_capacity(32)
        .set("relative_path", section.relative_path.as_str())
        .set("content", Value::safe_string(&section.html))
        .set("permalink", config.permalink(&section.path))
        .set("ancestors", ancestors)
        .set("title", optional(section.front.title.as_ref()))
        .set("description", optional(section.front.description.as_ref()))
        .set("path", section.path.as_str())
        .set("components", components(&section.path))
        .set("colocated_path", Value::none())
        .set("toc", section.toc.clone())
        .set("word_count", words as i64)
        .set("reading_time", minutes as i64)
        .set("lang", section.lang.as_str())
        .set(
            "assets",
            section
                .assets
                .iter()
                .map(|asset| {
                    let name = asset.rsplit('/').next().unwrap_or(asset);
                    Value::from(format!("{}{name}", section.path))
                })
                .collect::<Vec<_>>(),
        )
        .set("draft", section.front.draft)
        .set("pages", pages)
        .set(
            "subsections",
            section
                .subsections
                .iter()
                .map(|s| Value::from(s.as_str()))
                .collect::<Vec<_>>(),
        )
        .set("translations", translations)
        .set("backlinks", empty_list())
        .set("generate_feeds", section.front.generate_feeds)
        .set("transparent", section.front.transparent)
        .set(
            "paginate_by",
            section
                .front
                .paginate_by
                .map_or_else(Value::none, |n| Value::from(n as i64)),
        )
        .set("paginate_reversed", section.front.paginate_reversed)
        .set("extra", table_to_value(&section.front.extra))
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::{self, Content};

    fn site(sort_by: &str, transparent: bool) -> Content {
        let config = Config::parse("base_url = \"https://x\"").unwrap();
        let mut content = Content::default();
        let section = format!("+++\nsort_by = \"{sort_by}\"\ntransparent = {transparent}\n+++\n");
        content::read_one(&mut content, &config, "blog/_index.md", &section).unwrap();
        for (name, weight) in [("b", 2), ("a", 1), ("c", 3)] {
            let page = format!("+++\ntitle = \"{name}\"\nweight = {weight}\n+++\n");
            content::read_one(&mut content, &config, &format!("blog/{name}.md"), &page).unwrap();
        }
        content::link_sections(&mut content, &config).unwrap();
        content
    }

    #[test]
    fn lower_and_higher_are_the_neighbours_in_the_sections_order() {
        // Pages are read as b, a, c; by weight they are a, b, c.
        let siblings = siblings(&site("weight", false));
        assert_eq!(
            siblings,
            [(Some(1), Some(2)), (None, Some(0)), (Some(0), None)]
        );
    }

    #[test]
    fn an_unsorted_or_transparent_section_gives_no_siblings() {
        assert!(
            siblings(&site("none", false))
                .iter()
                .all(|s| *s == (None, None))
        );
        assert!(
            siblings(&site("weight", true))
                .iter()
                .all(|s| *s == (None, None))
        );
    }

    #[test]
    fn a_page_sees_its_siblings_and_nothing_else_changes() {
        let page = Fields::new()
            .set("title", "b")
            .set("lower", Value::none())
            .build();
        let lower = Fields::new().set("title", "a").build();
        let seen = with_siblings(&page, Some(&lower), None);
        assert_eq!(
            seen.get_from_path("lower.title").and_then(Value::as_str),
            Some("a")
        );
        assert!(seen.get_from_path("higher").is_some_and(Value::is_none));
        assert_eq!(
            seen.get_from_path("title").and_then(Value::as_str),
            Some("b")
        );
    }
}
