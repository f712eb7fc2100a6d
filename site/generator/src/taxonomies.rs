//! Taxonomies as Zola builds them: each language's `[[taxonomies]]` (in
//! `config.toml`, or `[languages.<code>] taxonomies`), filled from the
//! `[taxonomies]` of that language's pages. A taxonomy lives at
//! `/<slug>/` (`/<lang>/<slug>/` in another language, under
//! `taxonomy_root` when set), each term at `/<slug>/<term-slug>/`; terms
//! whose slugs meet are one term, named by the first name in byte order.

use std::collections::BTreeMap;

use anyhow::bail;
use serde::Deserialize;
use tera::Value;

use crate::config::Config;
use crate::content::{Content, Page, date_text};
use crate::headings::SlugStrategy;
use crate::lookup::languages;
use crate::values::Fields;

/// One `[[taxonomies]]` entry: what templates see as `taxonomy`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct TaxonomyConfig {
    pub name: String,
    /// Made from `name` by `[slugify] taxonomies` when the config is read.
    pub slug: String,
    pub paginate_by: Option<usize>,
    pub paginate_path: Option<String>,
    pub render: bool,
    pub feed: bool,
}

impl Default for TaxonomyConfig {
    fn default() -> Self {
        Self {
            name: String::new(),
            slug: String::new(),
            paginate_by: None,
            paginate_path: None,
            render: true,
            feed: false,
        }
    }
}

impl TaxonomyConfig {
    /// `paginate_by = 0` is no pagination, as in Zola.
    pub fn paginate_by(&self) -> Option<usize> {
        self.paginate_by.filter(|&n| n > 0)
    }

    pub fn paginate_path(&self) -> &str {
        self.paginate_path.as_deref().unwrap_or("page")
    }

    pub fn value(&self) -> Value {
        let number = |n: Option<usize>| n.map_or_else(Value::none, |n| Value::from(n as i64));
        Fields::new()
            .set("name", self.name.as_str())
            .set("slug", self.slug.as_str())
            .set("paginate_by", number(self.paginate_by))
            .set(
                "paginate_path",
                self.paginate_path
                    .as_deref()
                    .map_or_else(Value::none, Value::from),
            )
            .set("render", self.render)
            .set("feed", self.feed)
            .build()
    }
}

/// Zola's `slugify_paths`: `on` transliterates, `safe` only drops what a
/// file name cannot hold, `off` keeps the text.
pub fn slugify_path(text: &str, strategy: SlugStrategy) -> String {
    match strategy {
        SlugStrategy::On => slug::slugify(text),
        SlugStrategy::Safe => text
            .trim_end_matches([' ', '.'])
            .chars()
            .filter(|c| !r#"<>:"/\|?*"#.contains(*c))
            .collect(),
        SlugStrategy::Off => text.to_owned(),
    }
}

#[derive(Debug, Clone)]
pub struct Term {
    pub name: String,
    pub slug: String,
    pub path: String,
    pub permalink: String,
    /// Indexes into the content's pages: dated ones newest first, then the undated.
    pub pages: Vec<usize>,
}

#[derive(Debug, Clone)]
pub struct Taxonomy {
    pub kind: TaxonomyConfig,
    pub lang: String,
    pub path: String,
    pub permalink: String,
    /// Sorted by slug.
    pub terms: Vec<Term>,
}

/// `/<lang>/<root>/<slug>/`, each part only when it applies.
fn taxonomy_path(config: &Config, lang: &str, kind: &TaxonomyConfig) -> String {
    let mut path = config.language_prefix(lang);
    if let Some(root) = &config.taxonomy_root {
        path.push('/');
        path.push_str(root.trim_matches('/'));
    }
    format!("{path}/{}/", kind.slug)
}

/// Every configured taxonomy of every language (empty ones too, for the
/// functions), with the pages that name its terms. A page naming a
/// taxonomy its language does not configure, or an empty term, is refused.
pub fn find(content: &Content, config: &Config) -> anyhow::Result<Vec<Taxonomy>> {
    for page in &content.pages {
        check(page, config)?;
    }
    if !config.has_taxonomies() {
        return Ok(Vec::new());
    }
    let mut found = Vec::new();
    for lang in languages(config) {
        for kind in config.options(&lang).taxonomies {
            found.push(collect(content, config, &lang, kind));
        }
    }
    Ok(found)
}

fn check(page: &Page, config: &Config) -> anyhow::Result<()> {
    let configured = config.options(&page.lang).taxonomies;
    for (name, terms) in &page.front.taxonomies {
        if !configured.iter().any(|t| &t.name == name) {
            bail!(
                "Page `content/{}` has taxonomy `{name}` which is not defined in config.toml",
                page.relative_path
            );
        }
        if terms.iter().any(String::is_empty) {
            bail!(
                "content/{}: a taxonomy term cannot be an empty string",
                page.relative_path
            );
        }
    }
    Ok(())
}

fn collect(content: &Content, config: &Config, lang: &str, kind: &TaxonomyConfig) -> Taxonomy {
    // slug → name → pages: names sharing a slug are merged in name order.
    let mut by_slug: BTreeMap<String, BTreeMap<&str, Vec<usize>>> = BTreeMap::new();
    for (index, page) in content.pages.iter().enumerate() {
        if !page.is_listed() || page.lang != lang {
            continue;
        }
        for name in page.front.taxonomies.get(&kind.name).into_iter().flatten() {
            by_slug
                .entry(slugify_path(name, config.slugify.taxonomies))
                .or_default()
                .entry(name.as_str())
                .or_default()
                .push(index);
        }
    }
    let path = taxonomy_path(config, lang, kind);
    let terms = by_slug
        .into_iter()
        .map(|(slug, names)| {
            let name = names.keys().next().copied().unwrap_or_default().to_owned();
            let pages = names
                .into_values()
                .flat_map(|pages| by_date(&content.pages, pages, config))
                .collect();
            let term_path = format!("{path}{slug}/");
            Term {
                name,
                permalink: config.permalink(&term_path),
                path: term_path,
                slug,
                pages,
            }
        })
        .collect();
    Taxonomy {
        kind: kind.clone(),
        lang: lang.to_owned(),
        permalink: config.permalink(&path),
        path,
        terms,
    }
}

/// Zola sorts a term's pages by date, newest first (ties by permalink), and
/// keeps the undated after them in the order they were read.
fn by_date(pages: &[Box<Page>], mut found: Vec<usize>, config: &Config) -> Vec<usize> {
    let date = |i: usize| pages[i].front.date.as_ref().map(date_text);
    let (mut dated, undated): (Vec<usize>, Vec<usize>) =
        found.drain(..).partition(|&i| date(i).is_some());
    dated.sort_by(|&a, &b| {
        date(b).cmp(&date(a)).then_with(|| {
            config
                .permalink(&pages[a].path)
                .cmp(&config.permalink(&pages[b].path))
        })
    });
    dated.extend(undated);
    dated
}

/// A term as templates see it: `{name, slug, path, permalink, pages,
/// page_count}`; `pages` are the listing values of its pages.
pub fn term_value(term: &Term, page_values: &[Value]) -> Value {
    Fields::new()
        .set("name", term.name.as_str())
        .set("slug", term.slug.as_str())
        .set("path", term.path.as_str())
        .set("permalink", term.permalink.as_str())
        .set(
            "pages",
            term.pages
                .iter()
                .map(|&i| page_values[i].clone())
                .collect::<Vec<_>>(),
        )
        .set("page_count", term.pages.len() as i64)
        .build()
}

/// `get_taxonomy`'s answer: `{kind, lang, permalink, items}`.
pub fn taxonomy_value(taxonomy: &Taxonomy, terms: Vec<Value>) -> Value {
    Fields::new()
        .set("kind", taxonomy.kind.value())
        .set("lang", taxonomy.lang.as_str())
        .set("permalink", taxonomy.permalink.as_str())
        .set("items", terms)
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::{self, Content};

    const CONFIG: &str = r#"
base_url = "https://example.org"
default_language = "en"
taxonomies = [{ name = "tags" }]
[languages.fr]
taxonomies = [{ name = "étiquettes", paginate_by = 2 }]
"#;

    fn site(pages: &[(&str, &str)]) -> (Config, Content) {
        let config = Config::parse(CONFIG).unwrap();
        let mut content = Content::default();
        for (path, front) in pages {
            let text = format!("+++\n{front}\n+++\n");
            content::read_one(&mut content, &config, path, &text).unwrap();
        }
        (config, content)
    }

    #[test]
    fn terms_are_slugged_merged_by_slug_and_list_their_pages_newest_first() {
        let (config, content) = site(&[
            ("a.md", "date = 2023-01-01\n[taxonomies]\ntags = [\"Rust\"]"),
            (
                "b.md",
                "date = 2023-06-01\n[taxonomies]\ntags = [\"rust\", \"检验\"]",
            ),
            ("c.md", "[taxonomies]\ntags = [\"Rust\"]"),
            (
                "d.md",
                "date = 2024-01-01\ndraft = true\n[taxonomies]\ntags = [\"Rust\"]",
            ),
        ]);
        let found = find(&content, &config).unwrap();
        let tags = &found[0];
        assert_eq!((tags.lang.as_str(), tags.path.as_str()), ("en", "/tags/"));
        let terms: Vec<_> = tags
            .terms
            .iter()
            .map(|t| (t.name.as_str(), t.slug.as_str(), t.path.as_str()))
            .collect();
        assert_eq!(
            terms,
            [
                ("检验", "jian-yan", "/tags/jian-yan/"),
                ("Rust", "rust", "/tags/rust/")
            ]
        );
        assert_eq!(
            tags.terms[1].pages,
            [0, 2, 1],
            "Rust's pages (a dated, c undated), then rust's (b): the draft is left out"
        );
        let french = &found[1];
        assert_eq!(french.path, "/fr/etiquettes/");
        assert!(french.terms.is_empty());
    }

    #[test]
    fn a_taxonomy_the_pages_language_does_not_configure_is_refused() {
        let (config, content) = site(&[("a.fr.md", "[taxonomies]\ntags = [\"x\"]")]);
        let error = find(&content, &config).unwrap_err().to_string();
        assert_eq!(
            error,
            "Page `content/a.fr.md` has taxonomy `tags` which is not defined in config.toml"
        );
        let (config, content) = site(&[("a.md", "[taxonomies]\ntags = [\"\"]")]);
        let error = find(&content, &config).unwrap_err().to_string();
        assert!(error.contains("cannot be an empty string"), "{error}");
    }

    #[test]
    fn paths_slug_the_way_the_config_says() {
        assert_eq!(slugify_path("日本 Tag", SlugStrategy::On), "ri-ben-tag");
        assert_eq!(slugify_path("a/b: c. ", SlugStrategy::Safe), "ab c");
        assert_eq!(slugify_path("a/b ", SlugStrategy::Off), "a/b ");
    }

    #[test]
    fn a_taxonomy_root_prefixes_every_path() {
        let config = Config::parse(&format!("taxonomy_root = \"blog\"\n{CONFIG}")).unwrap();
        let kind = &config.taxonomies[0];
        assert_eq!(taxonomy_path(&config, "en", kind), "/blog/tags/");
        assert_eq!(taxonomy_path(&config, "fr", kind), "/fr/blog/tags/");
    }
}
