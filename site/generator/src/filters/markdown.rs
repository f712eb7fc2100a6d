//! Zola's `markdown(inline?)` filter, rendering with the build's `@/` links.

use std::sync::Arc;

use tera::{Error, Filter, Kwargs, State, TeraResult};

use crate::lookup::Lookup;
use crate::markdown::{self, Headings};

pub struct Markdown(pub Arc<Lookup>);

impl Filter<&str, TeraResult<String>> for Markdown {
    fn call(&self, value: &str, kwargs: Kwargs, _: &State) -> TeraResult<String> {
        let inline = kwargs.get::<bool>("inline")?.unwrap_or(false);
        // The site's `[markdown]` options apply here too, as in Zola.
        let config = &self.0.config;
        let headings = Headings {
            external_links: &config.markdown.external_links,
            options: config.markdown.parser_options(),
            emoji: config.markdown.render_emoji,
            lazy_images: config.markdown.lazy_async_image,
            ..Headings::ids_only(config.slugify.anchors)
        };
        let html = markdown::render(value, &self.0.permalinks, &headings)
            .map_err(|e| Error::message(format!("markdown: {e}")))?
            .html;
        if !inline {
            return Ok(html);
        }
        // Inline text goes inside an element of the template's own, where a paragraph is not allowed.
        Ok(html
            .trim()
            .strip_prefix("<p>")
            .and_then(|h| h.strip_suffix("</p>"))
            .map_or(html.clone(), str::to_owned))
    }
}

#[cfg(test)]
mod tests {
    use tera::Context;

    use super::*;
    use crate::global_fns::fixture::{no_args, site};

    fn render(text: &str, kwargs: Kwargs) -> TeraResult<String> {
        let (_dir, lookup) = site();
        let context = Context::new();
        Markdown(Arc::clone(&lookup)).call(text, kwargs, &State::new(&context))
    }

    fn inline() -> Kwargs {
        Kwargs::from([("inline", true.into())])
    }

    #[test]
    fn markdown_becomes_html_with_content_links_resolved() {
        let html = render("See [first](@/blog/first.md).", no_args()).unwrap();
        assert_eq!(
            html,
            "<p>See <a href=\"https://example.org/blog/first/\">first</a>.</p>\n"
        );
    }

    #[test]
    fn inline_drops_the_paragraph_around_the_text() {
        assert_eq!(render("**md**", inline()).unwrap(), "<strong>md</strong>");
        assert_eq!(
            render("# Title", inline()).unwrap(),
            "<h1 id=\"title\">Title</h1>\n",
            "headings get Zola's ids, and no anchor link, as in Zola's filter"
        );
    }

    #[test]
    fn a_link_to_no_content_file_or_a_bad_inline_is_an_error() {
        let error = render("[x](@/missing.md)", no_args()).unwrap_err();
        assert_eq!(
            error.to_string(),
            "markdown: the internal link @/missing.md points to no content file"
        );
        let error = render("x", Kwargs::from([("inline", "yes".into())])).unwrap_err();
        assert!(error.to_string().contains("expected `bool`"));
    }
}
