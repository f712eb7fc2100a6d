//! `check`: every internal link and asset reference in the built site resolves to a file.

use std::path::{Path, PathBuf};

use anyhow::Context;

#[derive(Debug, PartialEq, Eq)]
pub struct BrokenLink {
    pub page: String,
    pub target: String,
}

/// Internal `href`/`src` targets (site-absolute, or under `base_url`) that
/// point to no file in `output`.
pub fn broken_links(output: &Path, base_url: &str) -> anyhow::Result<Vec<BrokenLink>> {
    let mut pages = Vec::new();
    collect_html(output, &mut pages)?;
    let mut broken = Vec::new();
    for page in pages {
        let html = std::fs::read_to_string(&page)
            .with_context(|| format!("reading {}", page.display()))?;
        for target in references(&html) {
            let local = match target.strip_prefix(base_url) {
                Some(rest) if !base_url.is_empty() => rest.to_owned(),
                _ if target.starts_with('/') && !target.starts_with("//") => target.clone(),
                _ => continue,
            };
            let local = local.split(['#', '?']).next().unwrap_or_default();
            if local.is_empty() || local.starts_with("/api/") || exists(output, local) {
                continue;
            }
            broken.push(BrokenLink {
                page: page.strip_prefix(output)?.to_string_lossy().into_owned(),
                target,
            });
        }
    }
    Ok(broken)
}

fn exists(output: &Path, local: &str) -> bool {
    let relative = local.trim_start_matches('/');
    let candidate = output.join(relative);
    candidate.is_file() || candidate.join("index.html").is_file()
}

fn collect_html(dir: &Path, pages: &mut Vec<PathBuf>) -> anyhow::Result<()> {
    for entry in std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let path = entry?.path();
        if path.is_dir() {
            collect_html(&path, pages)?;
        } else if path.extension().is_some_and(|e| e == "html") {
            pages.push(path);
        }
    }
    Ok(())
}

/// The values of `href="…"` and `src="…"` attributes.
fn references(html: &str) -> Vec<String> {
    let mut found = Vec::new();
    for attribute in ["href=\"", "src=\""] {
        let mut rest = html;
        while let Some(start) = rest.find(attribute) {
            rest = &rest[start + attribute.len()..];
            if let Some(end) = rest.find('"') {
                found.push(rest[..end].replace("&amp;", "&"));
                rest = &rest[end..];
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_internal_targets_are_reported_and_external_ones_ignored() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("guide")).unwrap();
        std::fs::write(dir.path().join("guide/index.html"), "").unwrap();
        std::fs::write(dir.path().join("style.css"), "").unwrap();
        let page = r#"<a href="/guide/">ok</a><a href="/guide/#x">ok</a><link href="/style.css?h=1"><a href="/nowhere/">bad</a>
            <a href="https://example.com/x">external</a><a href="https://site.test/gone/">bad too</a><img src="/missing.png"><a href="/api/accounts/me">api</a>"#;
        std::fs::write(dir.path().join("index.html"), page).unwrap();
        let broken: Vec<String> = broken_links(dir.path(), "https://site.test")
            .unwrap()
            .into_iter()
            .map(|b| b.target)
            .collect();
        assert_eq!(
            broken,
            ["/nowhere/", "https://site.test/gone/", "/missing.png"]
        );
    }
}
