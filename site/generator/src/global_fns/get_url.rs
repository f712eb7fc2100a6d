//! `get_url(path, lang?, trailing_slash?, cachebust?)`: the permalink of a
//! content file (`@/blog/post.md`, in the page's language when it has a
//! translation) or the URL of any other path of the site.

use std::sync::Arc;

use tera::{Error, Function, Kwargs, State, TeraResult};

use super::files::{read_static, sha256_hex};
use super::{language, localised};
use crate::lookup::Lookup;
use crate::markdown::internal_permalink;

/// Characters of the SHA-256 kept in `?h=`: enough to change with the file, short in the HTML.
const CACHEBUST_DIGITS: usize = 20;

pub struct GetUrl(pub Arc<Lookup>);

impl GetUrl {
    /// An `@/` path's permalink in `lang`: its translation's, or nothing, as
    /// in Zola 0.23 (no falling back to another language's page).
    fn content_permalink(&self, path: &str, lang: &str) -> TeraResult<String> {
        let localised = localised(path, lang, &self.0.config);
        internal_permalink(&localised[2..], &self.0.permalinks).ok_or_else(|| {
            Error::message(format!(
                "`get_url`: could not resolve URL for link `{localised}` not found."
            ))
        })
    }
}

impl Function<TeraResult<String>> for GetUrl {
    fn call(&self, kwargs: Kwargs, state: &State) -> TeraResult<String> {
        let path: &str = kwargs.must_get("path")?;
        let lang = language("get_url", &kwargs, state, &self.0.config)?;
        let trailing_slash = kwargs.get::<bool>("trailing_slash")?.unwrap_or(false);
        let cachebust = kwargs.get::<bool>("cachebust")?.unwrap_or(false);
        if path.starts_with("@/") {
            return self.content_permalink(path, &lang);
        }
        // Another path takes the language's prefix only when `lang` is
        // given (not the page's), unless it already starts with it.
        let config = &self.0.config;
        let explicit = kwargs.get::<&str>("lang")?;
        let with_lang = match explicit {
            Some(lang)
                if lang != config.default_language
                    && (path.is_empty() || !path.get(1..).unwrap_or("").starts_with(lang)) =>
            {
                format!("{lang}/{path}")
            }
            _ => path.to_owned(),
        };
        let mut url = permalink_of(config, &with_lang);
        // Zola's URLs of files end without a slash unless asked, even the home's.
        if !trailing_slash && url.ends_with('/') {
            url.pop();
        } else if trailing_slash && !url.ends_with('/') {
            url.push('/');
        }
        if cachebust {
            let bytes = read_static(&self.0, path)
                .map_err(|e| Error::message(format!("get_url: cannot hash {path}: {e}")))?;
            url.push_str(&format!("?h={}", &sha256_hex(&bytes)[..CACHEBUST_DIGITS]));
        }
        Ok(url)
    }
}

/// A path of the site joined to the base URL as Zola joins it: a slash
/// added after anything but a feed's file name, a fragment or nothing.
fn permalink_of(config: &crate::config::Config, path: &str) -> String {
    let base_url = &config.base_url;
    let trailing = if path.ends_with('/')
        || path.is_empty()
        || path.contains('#')
        || config
            .feed_filenames
            .iter()
            .any(|feed| path.ends_with(feed.as_str()))
    {
        ""
    } else {
        "/"
    };
    match (base_url.ends_with('/'), path.starts_with('/')) {
        _ if path == "/" && base_url.ends_with('/') => base_url.clone(),
        _ if path == "/" => format!("{base_url}/"),
        (true, true) => format!("{base_url}{}{trailing}", &path[1..]),
        (true, false) | (false, true) => format!("{base_url}{path}{trailing}"),
        (false, false) => format!("{base_url}/{path}{trailing}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::global_fns::fixture::{assert_errors, assert_requires_text, call, site, with};

    #[test]
    fn a_content_path_becomes_the_permalink_in_the_asked_or_page_language() {
        let (_dir, lookup) = site();
        let url = |kwargs, page_lang| call(&GetUrl(Arc::clone(&lookup)), kwargs, page_lang);
        let first = || Kwargs::from([("path", "@/blog/first.md".into())]);
        let english = "https://example.org/blog/first/";
        let french = "https://example.org/fr/blog/first/";
        assert_eq!(url(first(), Some("en")).unwrap(), english.into());
        assert_eq!(url(first(), Some("fr")).unwrap(), french.into());
        let asked_in_french = with("@/blog/first.md", "lang", "fr".into());
        assert_eq!(url(asked_in_french, Some("en")).unwrap(), french.into());
        let anchored = Kwargs::from([("path", "@/blog/first.md#part".into())]);
        assert_eq!(
            url(anchored, Some("fr")).unwrap(),
            format!("{french}#part").into()
        );
    }

    #[test]
    fn a_content_path_without_a_version_in_the_language_is_refused_as_zola_does() {
        let (_dir, lookup) = site();
        let in_french = |path: &str| {
            call(
                &GetUrl(Arc::clone(&lookup)),
                Kwargs::from([("path", path.into())]),
                Some("fr"),
            )
        };
        let untranslated = in_french("@/blog/second.md").unwrap_err().to_string();
        assert!(
            untranslated.contains("could not resolve URL for link `@/blog/second.fr.md`"),
            "{untranslated}"
        );
        // Zola adds the language to a path that has one already.
        assert!(in_french("@/blog/first.fr.md").is_err());
    }

    #[test]
    fn other_paths_join_the_base_url_with_an_optional_slash_and_cachebust() {
        let (_dir, lookup) = site();
        let url = |kwargs| call(&GetUrl(Arc::clone(&lookup)), kwargs, Some("fr")).unwrap();
        let logo = Kwargs::from([("path", "/img/logo.png".into())]);
        assert_eq!(url(logo), "https://example.org/img/logo.png".into());
        for path in ["blog", "blog/"] {
            let slashed = url(with(path, "trailing_slash", true.into()));
            assert_eq!(slashed, "https://example.org/blog/".into());
        }
        let busted = url(with("site.css", "cachebust", true.into()));
        let digest = sha256_hex(b"body{}\n");
        let expected = format!("https://example.org/site.css?h={}", &digest[..20]);
        assert_eq!(busted, expected.into());
    }

    #[test]
    fn an_unknown_content_file_a_missing_static_file_or_a_bad_argument_is_an_error() {
        let (_dir, lookup) = site();
        assert_requires_text(&GetUrl(Arc::clone(&lookup)), "path");
        assert_errors(
            &GetUrl(lookup),
            [
                (with("a", "cachebust", "yes".into()), "expected `bool`"),
                (
                    Kwargs::from([("path", "@/gone.md".into())]),
                    "`get_url`: could not resolve URL for link `@/gone.md` not found.",
                ),
                (
                    with("gone.js", "cachebust", true.into()),
                    "get_url: cannot hash gone.js: ",
                ),
            ],
        );
    }
}
