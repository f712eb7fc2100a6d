//! The last stage: static files copied, rendered pages and search indexes
//! written under the output folder.

use std::path::Path;

use anyhow::Context;

use crate::render::{SearchIndexes, render_site};
use crate::{BuildReport, Rendered, SiteDirs};

/// Builds the whole site into `output` (emptied first), rendering on every core.
pub fn build(
    dirs: &SiteDirs,
    output: &Path,
    base_url: Option<&str>,
) -> anyhow::Result<BuildReport> {
    if output.exists() {
        std::fs::remove_dir_all(output)
            .with_context(|| format!("emptying {}", output.display()))?;
    }
    std::fs::create_dir_all(output)?;
    copy_dir(&dirs.static_files(), output)?;
    // Each page is written as soon as it is rendered: a build never holds the whole site in memory.
    let (report, search) = render_site(dirs, base_url, &|file: Rendered| {
        write_page(output, &file.path, &file.html)
    })?;
    write_search_indexes(output, search)?;
    Ok(report)
}

/// Rebuilds into an existing `output` (as `serve` does after an edit):
/// everything is rendered again, but only files whose bytes changed are
/// written, which on a slow disk is most of a build's time. Files of pages
/// that no longer exist stay until the next full build.
pub fn rebuild(dirs: &SiteDirs, output: &Path, base_url: Option<&str>) -> anyhow::Result<usize> {
    let written = std::sync::atomic::AtomicUsize::new(0);
    copy_dir(&dirs.static_files(), output)?;
    let (_, search) = render_site(dirs, base_url, &|file: Rendered| {
        let target = output.join(file.file());
        if std::fs::read(&target).is_ok_and(|old| old == file.html.as_bytes()) {
            return Ok(());
        }
        written.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        write_page(output, &file.path, &file.html)
    })?;
    write_search_indexes(output, search)?;
    Ok(written.into_inner())
}

/// Writes `html` under `output`: a page's path (`/guide/fees/`) as its
/// `index.html`, a file's (`/sitemap.xml`) as is.
pub fn write_page(output: &Path, path: &str, html: &str) -> anyhow::Result<()> {
    let target = output.join(crate::output_file(path));
    if let Some(folder) = target.parent() {
        std::fs::create_dir_all(folder)?;
    }
    std::fs::write(&target, html).with_context(|| format!("writing {}", target.display()))
}

fn copy_dir(from: &Path, to: &Path) -> anyhow::Result<()> {
    if !from.exists() {
        return Ok(());
    }
    for entry in std::fs::read_dir(from)? {
        let path = entry?.path();
        let target = to.join(path.file_name().context("a file name")?);
        if path.is_dir() {
            std::fs::create_dir_all(&target)?;
            copy_dir(&path, &target)?;
        } else {
            std::fs::copy(&path, &target).with_context(|| format!("copying {}", path.display()))?;
        }
    }
    Ok(())
}

fn write_search_indexes(output: &Path, search: SearchIndexes) -> anyhow::Result<()> {
    for (lang, documents) in search {
        std::fs::write(
            output.join(format!("search_index.{lang}.json")),
            serde_json::to_vec(&documents)?,
        )?;
    }
    Ok(())
}
