//! As Zola, two things at one URL path are refused before anything is
//! rendered: one would silently overwrite the other. A page's or a
//! section's path and each of its `aliases` are claimed by its file, and a
//! rendered taxonomy or term page may not take a claimed path.

use std::collections::BTreeMap;

use anyhow::bail;

use crate::content::Content;
use crate::taxonomies::Taxonomy;

pub fn refuse(found: &[Taxonomy], content: &Content) -> anyhow::Result<()> {
    // Paths are compared as written, as Zola compares them.
    // Files by their path under `content/`, named in full only in the error.
    let mut claims: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    let pages = content.pages.iter().filter(|p| !p.front.draft);
    for page in pages {
        for path in std::iter::once(&page.path).chain(&page.front.aliases) {
            claims.entry(path).or_default().push(&page.relative_path);
        }
    }
    let sections = content
        .sections
        .iter()
        .filter(|s| s.front.render != Some(false) && !s.front.draft);
    for section in sections {
        for path in std::iter::once(&section.path).chain(&section.front.aliases) {
            claims.entry(path).or_default().push(&section.relative_path);
        }
    }
    let files = |relative: &[&str]| -> Vec<String> {
        relative.iter().map(|r| format!("content/{r}")).collect()
    };
    let mut found_collisions: Vec<String> = claims
        .iter()
        .filter(|(_, files)| files.len() > 1)
        .map(|(path, claimed)| format!("- `{path}` from files {:?}", files(claimed)))
        .collect();
    for taxonomy in found.iter().filter(|t| t.kind.render) {
        let name = &taxonomy.kind.name;
        if let Some(claimed) = claims.get(taxonomy.path.as_str()) {
            found_collisions.push(format!(
                "- `{}` with taxonomy {name} and files {:?}",
                taxonomy.path,
                files(claimed)
            ));
        }
        for term in &taxonomy.terms {
            if let Some(claimed) = claims.get(term.path.as_str()) {
                found_collisions.push(format!(
                    "- `{}` with taxonomy {name} and term {} and files {:?}",
                    term.path,
                    term.name,
                    files(claimed)
                ));
            }
        }
    }
    if found_collisions.is_empty() {
        Ok(())
    } else {
        bail!("Found path collisions:\n{}", found_collisions.join("\n"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::{content, taxonomies};

    const CONFIG: &str =
        "base_url = \"https://x\"\ndefault_language = \"en\"\ntaxonomies = [{name = \"tags\"}]";

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
    fn a_page_at_a_taxonomys_or_terms_path_is_refused() {
        let (config, content) = site(&[
            ("tags.md", ""),
            (
                "b.md",
                "path = \"tags/rust\"\n[taxonomies]\ntags = [\"Rust\"]",
            ),
        ]);
        let found = taxonomies::find(&content, &config).unwrap();
        let error = refuse(&found, &content).unwrap_err().to_string();
        assert_eq!(
            error,
            "Found path collisions:\n- `/tags/` with taxonomy tags and files [\"content/tags.md\"]\n\
             - `/tags/rust/` with taxonomy tags and term Rust and files [\"content/b.md\"]"
        );
    }

    #[test]
    fn an_alias_at_another_files_path_is_refused_and_a_drafts_is_not() {
        let (_, content) = site(&[
            ("a.md", ""),
            ("b.md", "aliases = [\"/a/\", \"/old-b/\"]"),
            ("c.md", "draft = true\naliases = [\"/a/\"]"),
        ]);
        let error = refuse(&[], &content).unwrap_err().to_string();
        assert_eq!(
            error,
            "Found path collisions:\n- `/a/` from files [\"content/a.md\", \"content/b.md\"]"
        );
        let (_, content) = site(&[("a.md", "aliases = [\"a\"]"), ("b.md", "")]);
        assert!(
            refuse(&[], &content).is_ok(),
            "paths compare as written: `a` is not `/a/`"
        );
    }
}
