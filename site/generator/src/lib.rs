//! The ticedu site generator: builds a Zola-style site (`config.toml`,
//! `content/`, `templates/`, `static/`) with Tera 2 and Zola's template
//! conventions, and goes where Zola cannot: pages generated from the course
//! catalogue, and a search index that works for Chinese.
//!
//! The pipeline follows the data: config → content (front matter) →
//! markdown → values (each page serialised once, shared by every listing) →
//! lookup (what template functions find) → templates → render → output.

pub mod catalogue;
pub mod config;
pub mod content;
pub mod filters;
pub mod global_fns;
pub mod links;
pub mod lookup;
pub mod markdown;
mod output;
mod render;
pub mod search;
pub mod templates;
pub mod values;

use std::path::PathBuf;

pub use output::{build, rebuild, write_page};
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
    pub fn config(&self) -> PathBuf {
        self.root.join("config.toml")
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
}

/// What a build produced.
#[derive(Debug, Default)]
pub struct BuildReport {
    pub pages: usize,
    pub sections: usize,
    pub data_pages: usize,
}

/// One rendered file.
pub struct Rendered {
    pub path: String,
    pub html: String,
}

/// Where rendered pages go: a folder, or memory in tests.
pub type Sink<'a> = &'a (dyn Fn(Rendered) -> anyhow::Result<()> + Sync);
