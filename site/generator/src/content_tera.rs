//! Tera in content, as Zola 0.23 runs it (its replacement for shortcodes):
//! a page's or section's Markdown that holds `{{` or `{%` is rendered with
//! the site's engine before it becomes HTML, so it can call the site's
//! components (`{{ <lesson course="a" hour={1} lang={lang} /> }}`) and
//! functions; `{% raw %}` keeps Tera text as text, and
//! `skip_content_templating` globs leave whole files alone.
//!
//! The context is Zola's: `lang`, the language's `config`, and `page` (or
//! `section`, without its pages) as it is before its Markdown is rendered:
//! no `content`, `summary` or `toc` yet. As in Zola, no autoescaping: the
//! output is Markdown, escaped when it becomes HTML.

use std::sync::Arc;

use anyhow::Context as _;
use tera::{Context, Tera, Value};

use crate::config::Config;
use crate::content::Content;
use crate::render::Configs;
use crate::{SiteDirs, lookup, templates, values};

/// Whether Tera has anything to do in `text`, checked before building an
/// engine: `{` is rare in Markdown, so it is looked for at memchr's speed
/// (every page of a large site is checked).
pub fn needs_templating(text: &str) -> bool {
    text.match_indices('{')
        .any(|(at, _)| matches!(text.as_bytes().get(at + 1), Some(b'{' | b'%')))
}

/// Renders the Tera of every page and section that holds some into its
/// `templated` Markdown. Nothing is built when no file holds Tera.
pub fn render(content: &mut Content, config: &Config, dirs: &SiteDirs) -> anyhow::Result<()> {
    let skip = &config.skip_content_templating_globs;
    // Every page's Markdown is looked through, on every core.
    let templated = crate::parallel::map(&content.pages, |page| {
        Ok(needs_templating(&page.markdown) && !skip.is_match(&page.relative_path))
    })?;
    let page_jobs: Vec<usize> = (0..content.pages.len()).filter(|&i| templated[i]).collect();
    let section_jobs: Vec<usize> = (0..content.sections.len())
        .filter(|&i| {
            let section = &content.sections[i];
            needs_templating(&section.markdown) && !skip.is_match(&section.relative_path)
        })
        .collect();
    if page_jobs.is_empty() && section_jobs.is_empty() {
        return Ok(());
    }
    // Other pages are there to be found (`get_page`) with what they have
    // before rendering, as the page itself is; taxonomies are not built yet.
    let permalinks = lookup::permalinks(content, config)?;
    let (lookup, _, _) = lookup::build(dirs, config.clone(), content, &[], permalinks)?;
    let lookup = Arc::new(lookup);
    let tera = templates::engine(dirs, Arc::clone(&lookup))?;
    let configs = Configs::new(config);
    let render =
        |text: &str, lang: &str, key: &'static str, value: Value| -> anyhow::Result<String> {
            let mut context = Context::new();
            context.insert("lang", lang);
            context.insert_value("config", configs.get(lang).clone());
            context.insert_value(key, value);
            render_str(&tera, text, &context)
        };
    let pages: Vec<(usize, String)> = page_jobs
        .into_iter()
        .map(|i| {
            let page = &content.pages[i];
            let value = values::page_value(page, config, no_translations());
            render(&page.markdown, &page.lang, "page", value)
                .with_context(|| format!("rendering the Tera of content/{}", page.relative_path))
                .map(|text| (i, text))
        })
        .collect::<anyhow::Result<_>>()?;
    let sections: Vec<(usize, String)> = section_jobs
        .into_iter()
        .map(|i| {
            let section = &content.sections[i];
            let value = values::section_value(section, config, Vec::new(), no_translations());
            render(&section.markdown, &section.lang, "section", value)
                .with_context(|| format!("rendering the Tera of content/{}", section.relative_path))
                .map(|text| (i, text))
        })
        .collect::<anyhow::Result<_>>()?;
    for (i, text) in pages {
        content.pages[i].templated = Some(text);
    }
    for (i, text) in sections {
        content.sections[i].templated = Some(text);
    }
    Ok(())
}

/// Zola renders content against an empty library: no page knows its translations yet.
fn no_translations() -> Value {
    Value::from(Vec::<Value>::new())
}

fn render_str(tera: &Tera, text: &str, context: &Context) -> anyhow::Result<String> {
    tera.render_str(text, context, false)
        .map_err(|error| anyhow::anyhow!("{error}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_tera_delimiters_call_for_templating() {
        assert!(needs_templating("a {{ x }}"));
        assert!(needs_templating("{% raw %}{% endraw %}"));
        assert!(!needs_templating("a { b } {#id} and }}"));
        assert!(!needs_templating("{"));
    }
}
