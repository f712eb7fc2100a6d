//! The functions' fixture site with a `tags` taxonomy in both languages,
//! built by the content and taxonomy stages themselves.

use std::sync::Arc;

use crate::config::Config;
use crate::content::{self, Content};
use crate::lookup::{Lookup, taxonomy_entries};
use crate::{taxonomies, values};

const CONFIG: &str = r#"
base_url = "https://example.org"
default_language = "en"
taxonomies = [{ name = "tags", feed = true }]
[languages.fr]
taxonomies = [{ name = "tags" }]
"#;

pub fn tagged_site() -> (tempfile::TempDir, Arc<Lookup>) {
    let config = Config::parse(CONFIG).expect("the tagged config parses");
    let mut content = Content::default();
    for (path, title, tag) in [
        ("blog/first.md", "First", "Rust"),
        ("blog/first.fr.md", "Premier", "Rouille"),
    ] {
        let text = format!("+++\ntitle = \"{title}\"\n[taxonomies]\ntags = [\"{tag}\"]\n+++\n");
        content::read_one(&mut content, &config, path, &text).expect("a tagged page");
    }
    let found = taxonomies::find(&content, &config).expect("the taxonomies");
    let page_values: Vec<_> = content
        .pages
        .iter()
        .map(|page| values::page_value(page, &config, tera::Value::from(Vec::<tera::Value>::new())))
        .collect();
    super::fixture::site_with(|lookup| {
        lookup.taxonomies = taxonomy_entries(&found, &page_values);
        lookup.config = config;
    })
}
