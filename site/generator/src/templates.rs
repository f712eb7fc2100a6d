//! The Tera 2 engine with Zola's global functions (`get_url`, `get_section`,
//! `get_page`, `load_data`, `trans`, `get_hash`), its `markdown` filter, and
//! ours: `get_catalogue`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context;
use base64::Engine;
use sha2::Digest;
use tera::{Error, Kwargs, State, Tera, TeraResult, Value};

use crate::config::Config;
use crate::markdown;
use crate::values::toml_to_value;

/// What the functions look things up in.
pub struct Lookup {
    pub config: Config,
    pub root: PathBuf,
    pub static_dir: PathBuf,
    /// `guide/fees.md` → the page's value.
    pub pages: HashMap<String, Value>,
    /// `guide/_index.md` → the section's value, with and without its pages.
    pub sections: HashMap<String, (Value, Value)>,
    /// Content path → permalink, for `@/` links.
    pub permalinks: HashMap<String, String>,
    /// Per language.
    pub catalogue: HashMap<String, Value>,
}

impl Lookup {
    fn language(&self, kwargs: &Kwargs, state: &State) -> TeraResult<String> {
        if let Some(lang) = kwargs.get::<&str>("lang")? {
            return Ok(lang.to_owned());
        }
        Ok(state
            .get::<String>("lang")?
            .unwrap_or_else(|| self.config.default_language.clone()))
    }

    /// `guide/_index.md` in `en` → `guide/_index.en.md`.
    fn localised(&self, path: &str, lang: &str) -> String {
        if lang == self.config.default_language || path.ends_with(&format!(".{lang}.md")) {
            return path.to_owned();
        }
        match path.strip_suffix(".md") {
            Some(stem) => format!("{stem}.{lang}.md"),
            None => path.to_owned(),
        }
    }
}

/// Builds the engine: functions first (Tera 2 checks names when templates are added), then every template file.
pub fn engine(templates_dir: &Path, lookup: Arc<Lookup>) -> anyhow::Result<Tera> {
    let mut tera = Tera::new();
    tera.autoescape_on(vec![".html", ".htm", ".xml"]);
    register(&mut tera, lookup);
    let mut files = Vec::new();
    collect(templates_dir, templates_dir, &mut files)?;
    tera.add_raw_templates(files)
        .map_err(|error| anyhow::anyhow!("{error}"))
        .context("in templates/")?;
    Ok(tera)
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

fn register(tera: &mut Tera, lookup: Arc<Lookup>) {
    let l = Arc::clone(&lookup);
    tera.register_function(
        "get_url",
        move |kwargs: Kwargs, state: &State| -> TeraResult<String> {
            let path: &str = kwargs.must_get("path")?;
            let lang = l.language(&kwargs, state)?;
            let trailing_slash = kwargs.get::<bool>("trailing_slash")?.unwrap_or(false);
            let cachebust = kwargs.get::<bool>("cachebust")?.unwrap_or(false);
            if let Some(content) = path.strip_prefix("@/") {
                let key = l.localised(content, &lang);
                return l
                    .permalinks
                    .get(&key)
                    .or_else(|| l.permalinks.get(content))
                    .cloned()
                    .ok_or_else(|| Error::message(format!("get_url: no content file {path}")));
            }
            // As in Zola, only `@/` content paths are language-aware; other paths are the site's own.
            let mut url = format!("{}/{}", l.config.base_url, path.trim_start_matches('/'));
            if trailing_slash && !url.ends_with('/') {
                url.push('/');
            }
            if cachebust {
                let bytes = std::fs::read(l.static_dir.join(path.trim_start_matches('/')))
                    .map_err(|e| Error::message(format!("get_url: cannot hash {path}: {e}")))?;
                let hash = sha2::Sha256::digest(&bytes);
                url.push_str(&format!("?h={}", &hex(&hash)[..20]));
            }
            Ok(url)
        },
    );

    let l = Arc::clone(&lookup);
    tera.register_function(
        "get_section",
        move |kwargs: Kwargs, state: &State| -> TeraResult<Value> {
            let path: &str = kwargs.must_get("path")?;
            let lang = l.language(&kwargs, state)?;
            let metadata_only = kwargs.get::<bool>("metadata_only")?.unwrap_or(false);
            let found = l
                .sections
                .get(&l.localised(path, &lang))
                .or_else(|| l.sections.get(path));
            match found {
                Some((full, metadata)) => Ok(if metadata_only {
                    metadata.clone()
                } else {
                    full.clone()
                }),
                None => Err(Error::message(format!("get_section: no section {path}"))),
            }
        },
    );

    let l = Arc::clone(&lookup);
    tera.register_function(
        "get_page",
        move |kwargs: Kwargs, state: &State| -> TeraResult<Value> {
            let path: &str = kwargs.must_get("path")?;
            let lang = l.language(&kwargs, state)?;
            l.pages
                .get(&l.localised(path, &lang))
                .or_else(|| l.pages.get(path))
                .cloned()
                .ok_or_else(|| Error::message(format!("get_page: no page {path}")))
        },
    );

    let l = Arc::clone(&lookup);
    tera.register_function(
        "trans",
        move |kwargs: Kwargs, state: &State| -> TeraResult<String> {
            let key: &str = kwargs.must_get("key")?;
            let lang = l.language(&kwargs, state)?;
            l.config
                .translate(key, &lang)
                .map(str::to_owned)
                .ok_or_else(|| {
                    Error::message(format!("trans: no translation of \"{key}\" for {lang}"))
                })
        },
    );

    let l = Arc::clone(&lookup);
    tera.register_function(
        "load_data",
        move |kwargs: Kwargs, _: &State| -> TeraResult<Value> {
            let path: &str = kwargs.must_get("path")?;
            let required = kwargs.get::<bool>("required")?.unwrap_or(true);
            let full = l.root.join(path);
            let text = match std::fs::read_to_string(&full) {
                Ok(text) => text,
                Err(_) if !required => return Ok(Value::none()),
                Err(e) => {
                    return Err(Error::message(format!(
                        "load_data: cannot read {path}: {e}"
                    )));
                }
            };
            let format = kwargs
                .get::<&str>("format")?
                .map(str::to_owned)
                .unwrap_or_else(|| {
                    full.extension()
                        .and_then(|e| e.to_str())
                        .unwrap_or("plain")
                        .to_owned()
                });
            match format.as_str() {
                "toml" => toml::from_str::<toml::Value>(&text)
                    .map(|v| toml_to_value(&v))
                    .map_err(|e| Error::message(format!("load_data: {path}: {e}"))),
                "json" => serde_json::from_str::<serde_json::Value>(&text)
                    .map(|v| Value::from_serializable(&v))
                    .map_err(|e| Error::message(format!("load_data: {path}: {e}"))),
                "plain" | "txt" | "md" | "html" => Ok(Value::from(text)),
                other => Err(Error::message(format!(
                    "load_data: format \"{other}\" is not supported (toml, json, plain)"
                ))),
            }
        },
    );

    let l = Arc::clone(&lookup);
    tera.register_function(
        "get_hash",
        move |kwargs: Kwargs, _: &State| -> TeraResult<String> {
            let path: &str = kwargs.must_get("path")?;
            let sha_type = kwargs.get::<i64>("sha_type")?.unwrap_or(384);
            let base64 = kwargs.get::<bool>("base64")?.unwrap_or(true);
            let bytes = std::fs::read(l.static_dir.join(path.trim_start_matches('/')))
                .or_else(|_| std::fs::read(l.root.join(path)))
                .map_err(|e| Error::message(format!("get_hash: cannot read {path}: {e}")))?;
            let digest: Vec<u8> = match sha_type {
                256 => sha2::Sha256::digest(&bytes).to_vec(),
                384 => sha2::Sha384::digest(&bytes).to_vec(),
                512 => sha2::Sha512::digest(&bytes).to_vec(),
                other => {
                    return Err(Error::message(format!(
                        "get_hash: sha_type {other} is not 256, 384 or 512"
                    )));
                }
            };
            Ok(if base64 {
                base64::engine::general_purpose::STANDARD.encode(digest)
            } else {
                hex(&digest)
            })
        },
    );

    let l = Arc::clone(&lookup);
    tera.register_function(
        "get_catalogue",
        move |kwargs: Kwargs, state: &State| -> TeraResult<Value> {
            let lang = l.language(&kwargs, state)?;
            l.catalogue
                .get(&lang)
                .or_else(|| l.catalogue.get(&l.config.default_language))
                .cloned()
                .ok_or_else(|| {
                    Error::message("get_catalogue: no catalogue (site/data/catalog.toml)")
                })
        },
    );

    let l = Arc::clone(&lookup);
    tera.register_filter(
        "markdown",
        move |value: &str, kwargs: Kwargs, _: &State| -> TeraResult<String> {
            let inline = kwargs.get::<bool>("inline")?.unwrap_or(false);
            let html = markdown::render(value, &l.permalinks)
                .map_err(|e| Error::message(format!("markdown: {e}")))?;
            Ok(if inline {
                html.trim()
                    .strip_prefix("<p>")
                    .and_then(|h| h.strip_suffix("</p>"))
                    .map_or(html.clone(), str::to_owned)
            } else {
                html
            })
        },
    );
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
