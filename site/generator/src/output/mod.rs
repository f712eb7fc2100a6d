//! The last stage: static files and rendered pages put into the output
//! folder, which ends up holding exactly the build's files. A build into
//! an existing folder writes only what changed (see [`folder`]).

mod folder;

use std::path::Path;

use anyhow::Context;

pub use folder::Changes;
use folder::Folder;

use crate::render::{SearchIndexes, render_site};
use crate::{BuildReport, Rendered, SiteDirs};

/// Builds the whole site into `output`, rendering on every core; what is
/// already there and identical is not written again.
pub fn build(
    dirs: &SiteDirs,
    output: &Path,
    base_url: Option<&str>,
) -> anyhow::Result<BuildReport> {
    let folder = Folder::open(output)?;
    let mut config = crate::config::Config::load(&dirs.config())?;
    if let Some(base_url) = base_url {
        config.base_url = base_url.trim_end_matches('/').to_owned();
        base_url.clone_into(&mut config.base_url_as_written);
    }
    let ignored = &config.ignored_static_globs;
    // The theme's first: a file of the site's own of the same name replaces it.
    if let Some(theme) = &config.theme {
        put_static(&folder, &dirs.theme(theme).join("static"), "", ignored)?;
    }
    put_static(&folder, &dirs.static_files(), "", ignored)?;
    // Each page is put as soon as it is rendered: a build never holds the whole site in memory.
    let (mut report, search, assets) = render_site(dirs, config, &|file: Rendered| {
        folder.put(&file.file(), &file.html)
    })?;
    for (to, from) in assets {
        let bytes = std::fs::read(&from).with_context(|| format!("reading {}", from.display()))?;
        folder.put(&to, &bytes)?;
    }
    put_search_indexes(&folder, search)?;
    report.changes = folder.finish()?;
    Ok(report)
}

/// A build into the existing `output` (as `serve` does after an edit); the
/// number of files it wrote.
pub fn rebuild(dirs: &SiteDirs, output: &Path, base_url: Option<&str>) -> anyhow::Result<usize> {
    build(dirs, output, base_url).map(|report| report.changes.written)
}

/// `static/` copied as it is, but for the files `ignored_static` names
/// (matched, as Zola matches them, on the path under `static/`).
fn put_static(
    folder: &Folder,
    from: &Path,
    under: &str,
    ignored: &globset::GlobSet,
) -> anyhow::Result<()> {
    if !from.exists() {
        return Ok(());
    }
    for entry in std::fs::read_dir(from).with_context(|| format!("reading {}", from.display()))? {
        let entry = entry?;
        let name = entry.file_name();
        let relative = format!("{under}{}", name.to_string_lossy());
        if entry.file_type()?.is_dir() {
            put_static(folder, &entry.path(), &format!("{relative}/"), ignored)?;
        } else if !ignored.is_match(&relative) {
            let bytes = std::fs::read(entry.path())
                .with_context(|| format!("reading {}", entry.path().display()))?;
            folder.put(&relative, &bytes)?;
        }
    }
    Ok(())
}

fn put_search_indexes(folder: &Folder, search: SearchIndexes) -> anyhow::Result<()> {
    for (lang, documents) in search {
        folder.put(
            &format!("search_index.{lang}.json"),
            &serde_json::to_vec(&documents)?,
        )?;
    }
    Ok(())
}
