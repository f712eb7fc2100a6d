//! The ticedu site generator: builds a Zola-style site (`config.toml`,
//! `content/`, `templates/`, `static/`) with Tera 2 and Zola's template
//! conventions, and goes where Zola cannot: pages generated from the course
//! catalogue, and a search index that works for Chinese.
//!
//! The pipeline follows the data: config → content (front matter) →
//! taxonomies (only when configured) → Tera in content (only where some is)
//! → markdown → values (each page
//! serialised once, shared by every listing) → lookup (what template
//! functions find) → templates → render (pages and sections, then pagers,
//! taxonomy pages and feeds) → output.

pub mod aliases;
pub mod catalogue;
mod child_templates;
pub mod collisions;
pub mod config;
pub mod content;
pub mod content_tera;
pub mod feeds;
pub mod filters;
mod front_matter;
pub mod global_fns;
pub mod headings;
pub mod lessons;
pub mod links;
pub mod lookup;
pub mod markdown;
mod output;
pub mod pagination;
mod parallel;
pub mod reading;
mod render;
pub mod search;
pub mod sitemap;
pub mod taxonomies;
pub mod templates;
pub mod translations;
pub mod values;

use std::path::PathBuf;

pub use output::{Changes, build, rebuild};
pub use render::{SearchIndexes, render_site};

/// A site's folders.
#[derive(Debug, Clone)]
pub struct SiteDirs {
    pub root: PathBuf,
}

impl SiteDirs {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }
    /// `zola.toml`, else `config.toml`, as Zola 0.23 looks for them.
    pub fn config(&self) -> PathBuf {
        let zola = self.root.join("zola.toml");
        if zola.is_file() {
            zola
        } else {
            self.root.join("config.toml")
        }
    }
    pub fn content(&self) -> PathBuf {
        self.root.join("content")
    }
    pub fn templates(&self) -> PathBuf {
        self.root.join("templates")
    }
    pub fn static_files(&self) -> PathBuf {
        self.root.join("static")
    }
    pub fn data(&self) -> PathBuf {
        self.root.join("data")
    }
    /// `themes/<theme>`: a theme's templates, static files and `theme.toml`.
    pub fn theme(&self, theme: &str) -> PathBuf {
        self.root.join("themes").join(theme)
    }
}

/// What a build produced.
#[derive(Debug, Default)]
pub struct BuildReport {
    pub pages: usize,
    pub sections: usize,
    pub data_pages: usize,
    /// Files written, left as they were and removed in the output folder.
    pub changes: Changes,
}

/// One rendered file.
pub struct Rendered {
    /// The URL path: a page's `/guide/fees/` (written as its `index.html`)
    /// or a file's own, `/sitemap.xml`.
    pub path: String,
    pub html: Vec<u8>,
}

impl Rendered {
    /// Where it goes under the output folder: `guide/fees/index.html`, `sitemap.xml`.
    pub fn file(&self) -> String {
        output_file(&self.path)
    }
}

fn output_file(path: &str) -> String {
    let path = path.trim_start_matches('/');
    if path.is_empty() || path.ends_with('/') {
        format!("{path}index.html")
    } else {
        path.to_owned()
    }
}

/// Where rendered pages go: a folder, or memory in tests.
pub type Sink<'a> = &'a (dyn Fn(Rendered) -> anyhow::Result<()> + Sync);

#[cfg(test)]
mod tests {
    use super::output_file;

    #[test]
    fn a_page_is_written_as_its_index_html_and_a_file_as_itself() {
        assert_eq!(output_file("/"), "index.html");
        assert_eq!(output_file("/guide/fees/"), "guide/fees/index.html");
        assert_eq!(output_file("/sitemap.xml"), "sitemap.xml");
        assert_eq!(output_file("/404.html"), "404.html");
    }
}
