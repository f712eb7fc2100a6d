//! `page.translations` and `section.translations`, as Zola 0.23 fills them
//! on a multilingual site: every version of the file (itself included), one
//! per language, each `{lang, permalink, title, path}` with `path` the
//! Markdown file's. Versions share the file's name without its language
//! (`fees.md`, `fees.en.md`); a language's home without an `_index` file
//! is a version of the other homes. Zola leaves the order to a hash set; here it is
//! the default language, then the others as the config sorts them.

use std::collections::HashMap;
use std::path::Path;

use tera::Value;

use crate::config::Config;
use crate::content::Content;
use crate::lookup::languages;
use crate::values::Fields;

/// Per page and per section, in `content`'s order, its translations.
pub fn find(content: &Content, config: &Config, content_dir: &Path) -> (Vec<Value>, Vec<Value>) {
    let multilingual = config
        .languages
        .keys()
        .any(|l| *l != config.default_language);
    if !multilingual {
        let none = || Value::from(Vec::<Value>::new());
        return (
            content.pages.iter().map(|_| none()).collect(),
            content.sections.iter().map(|_| none()).collect(),
        );
    }
    let order = languages(config);
    let rank = |lang: &str| order.iter().position(|l| l == lang).unwrap_or(usize::MAX);
    let entry = |lang: &str, path: &str, title: Option<&String>, relative: &str| {
        (
            rank(lang),
            Fields::new()
                .set("lang", lang)
                .set("permalink", config.permalink(path))
                .set(
                    "title",
                    title.map_or_else(Value::none, |t| Value::from(t.as_str())),
                )
                .set(
                    "path",
                    content_dir.join(relative).to_string_lossy().as_ref(),
                )
                .build(),
        )
    };
    let mut versions: HashMap<String, Vec<(usize, Value)>> = HashMap::new();
    let pages: Vec<String> = content
        .pages
        .iter()
        .map(|page| {
            let key = canonical(&page.relative_path, &page.lang, config);
            if page.is_listed() {
                let version = entry(
                    &page.lang,
                    &page.path,
                    page.front.title.as_ref(),
                    &page.relative_path,
                );
                versions.entry(key.clone()).or_default().push(version);
            }
            key
        })
        .collect();
    let sections: Vec<String> = content
        .sections
        .iter()
        .map(|section| {
            // A home Zola makes up for a language without an `_index` file is
            // named as if it had one, so it is a version of the other homes.
            let key = format!(
                "§{}",
                canonical(&section.relative_path, &section.lang, config)
            );
            if !section.front.draft {
                let version = entry(
                    &section.lang,
                    &section.path,
                    section.front.title.as_ref(),
                    &section.relative_path,
                );
                versions.entry(key.clone()).or_default().push(version);
            }
            key
        })
        .collect();
    for found in versions.values_mut() {
        found.sort_by_key(|(rank, _)| *rank);
    }
    let value = |key: &String| {
        Value::from(
            versions
                .get(key)
                .map(|found| found.iter().map(|(_, v)| v.clone()).collect::<Vec<_>>())
                .unwrap_or_default(),
        )
    };
    (
        pages.iter().map(value).collect(),
        sections.iter().map(value).collect(),
    )
}

/// The path of `relative`'s version in `lang`, whichever language
/// `relative` is in: `blog/a.fr.md` in `en` (the default) → `blog/a.md`,
/// `blog/a.md` in `fr` → `blog/a.fr.md`.
pub(crate) fn version_path(relative: &str, lang: &str, config: &Config) -> String {
    let stem = relative.strip_suffix(".md").unwrap_or(relative);
    let stem = config
        .languages
        .keys()
        .filter(|other| **other != config.default_language)
        .find_map(|other| stem.strip_suffix(&format!(".{other}")))
        .unwrap_or(stem);
    if lang == config.default_language {
        format!("{stem}.md")
    } else {
        format!("{stem}.{lang}.md")
    }
}

/// `guide/fees.en.md` → `guide/fees`.
fn canonical(relative: &str, lang: &str, config: &Config) -> String {
    let stem = relative.strip_suffix(".md").unwrap_or(relative);
    if lang == config.default_language {
        return stem.to_owned();
    }
    stem.strip_suffix(&format!(".{lang}"))
        .unwrap_or(stem)
        .to_owned()
}
