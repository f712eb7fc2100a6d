//! The Tera 2 engine: every file of `templates/`, with Zola's global
//! functions and `markdown` filter, and ours, `get_catalogue`.

use std::path::Path;
use std::sync::Arc;

use anyhow::Context;
use tera::Tera;

use crate::filters::Markdown;
use crate::global_fns::{GetCatalogue, GetHash, GetPage, GetSection, GetUrl, LoadData, Trans};
use crate::lookup::Lookup;

/// Builds the engine: functions first (Tera 2 checks names when templates are added), then every template file.
pub fn engine(templates_dir: &Path, lookup: Arc<Lookup>) -> anyhow::Result<Tera> {
    let mut tera = Tera::new();
    tera.autoescape_on(vec![".html", ".htm", ".xml"]);
    register(&mut tera, &lookup);
    let mut files = Vec::new();
    collect(templates_dir, templates_dir, &mut files)?;
    tera.add_raw_templates(files)
        .map_err(|error| anyhow::anyhow!("{error}"))
        .context("in templates/")?;
    Ok(tera)
}

fn register(tera: &mut Tera, lookup: &Arc<Lookup>) {
    tera.register_function("get_url", GetUrl(Arc::clone(lookup)));
    tera.register_function("get_section", GetSection(Arc::clone(lookup)));
    tera.register_function("get_page", GetPage(Arc::clone(lookup)));
    tera.register_function("trans", Trans(Arc::clone(lookup)));
    tera.register_function("load_data", LoadData(Arc::clone(lookup)));
    tera.register_function("get_hash", GetHash(Arc::clone(lookup)));
    tera.register_function("get_catalogue", GetCatalogue(Arc::clone(lookup)));
    tera.register_filter("markdown", Markdown(Arc::clone(lookup)));
}

fn collect(root: &Path, dir: &Path, files: &mut Vec<(String, String)>) -> anyhow::Result<()> {
    if !dir.exists() {
        return Ok(());
    }
    for entry in std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let path = entry?.path();
        if path.is_dir() {
            collect(root, &path, files)?;
        } else {
            let name = path
                .strip_prefix(root)?
                .to_string_lossy()
                .replace('\\', "/");
            files.push((
                name,
                std::fs::read_to_string(&path)
                    .with_context(|| format!("reading {}", path.display()))?,
            ));
        }
    }
    Ok(())
}
