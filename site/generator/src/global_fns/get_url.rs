//! `get_url(path, lang?, trailing_slash?, cachebust?)`: the permalink of a
//! content file (`@/blog/post.md`, in the page's language when it has a
//! translation) or the URL of any other path of the site.

use std::sync::Arc;

use tera::{Error, Function, Kwargs, State, TeraResult};

use super::files::{read_static, sha256_hex};
use super::{language, localised};
use crate::lookup::Lookup;

/// Characters of the SHA-256 kept in `?h=`: enough to change with the file, short in the HTML.
const CACHEBUST_DIGITS: usize = 20;

pub struct GetUrl {
    lookup: Arc<Lookup>,
}

impl GetUrl {
    pub fn new(lookup: &Arc<Lookup>) -> Self {
        Self {
            lookup: Arc::clone(lookup),
        }
    }

    fn content_permalink(&self, path: &str, content: &str, lang: &str) -> TeraResult<String> {
        let permalinks = &self.lookup.permalinks;
        permalinks
            .get(&localised(content, lang, &self.lookup.config))
            .or_else(|| permalinks.get(content))
            .cloned()
            .ok_or_else(|| Error::message(format!("get_url: no content file {path}")))
    }
}

impl Function<TeraResult<String>> for GetUrl {
    fn call(&self, kwargs: Kwargs, state: &State) -> TeraResult<String> {
        let path: &str = kwargs.must_get("path")?;
        let lang = language("get_url", &kwargs, state, &self.lookup.config)?;
        let trailing_slash = kwargs.get::<bool>("trailing_slash")?.unwrap_or(false);
        let cachebust = kwargs.get::<bool>("cachebust")?.unwrap_or(false);
        if let Some(content) = path.strip_prefix("@/") {
            return self.content_permalink(path, content, &lang);
        }
        // As in Zola, only `@/` content paths are language-aware; other paths are the site's own.
        let base_url = &self.lookup.config.base_url;
        let mut url = format!("{base_url}/{}", path.trim_start_matches('/'));
        if trailing_slash && !url.ends_with('/') {
            url.push('/');
        }
        if cachebust {
            let bytes = read_static(&self.lookup, path)
                .map_err(|e| Error::message(format!("get_url: cannot hash {path}: {e}")))?;
            url.push_str(&format!("?h={}", &sha256_hex(&bytes)[..CACHEBUST_DIGITS]));
        }
        Ok(url)
    }
}

#[cfg(test)]
mod tests {
    use tera::Value;

    use super::*;
    use crate::global_fns::fixture::{call, error, no_args, site};

    fn url(lookup: &Arc<Lookup>, kwargs: Kwargs, lang: Option<&str>) -> Value {
        call(&GetUrl::new(lookup), kwargs, lang).unwrap()
    }

    #[test]
    fn a_content_path_becomes_the_permalink_in_the_page_language() {
        let (_dir, lookup) = site();
        let kwargs = || Kwargs::from([("path", "@/blog/first.md".into())]);
        assert_eq!(
            url(&lookup, kwargs(), Some("en")),
            "https://example.org/blog/first/".into()
        );
        assert_eq!(
            url(&lookup, kwargs(), Some("fr")),
            "https://example.org/fr/blog/first/".into()
        );
    }

    #[test]
    fn a_lang_argument_chooses_the_translation() {
        let (_dir, lookup) = site();
        let kwargs = Kwargs::from([("path", "@/blog/first.md".into()), ("lang", "fr".into())]);
        assert_eq!(
            url(&lookup, kwargs, Some("en")),
            "https://example.org/fr/blog/first/".into()
        );
    }

    #[test]
    fn other_paths_are_joined_to_the_base_url_whatever_the_language() {
        let (_dir, lookup) = site();
        let kwargs = Kwargs::from([("path", "/img/logo.png".into())]);
        assert_eq!(
            url(&lookup, kwargs, Some("fr")),
            "https://example.org/img/logo.png".into()
        );
    }

    #[test]
    fn trailing_slash_adds_one_slash_only() {
        let (_dir, lookup) = site();
        for path in ["blog", "blog/"] {
            let kwargs = Kwargs::from([("path", path.into()), ("trailing_slash", true.into())]);
            assert_eq!(
                url(&lookup, kwargs, None),
                "https://example.org/blog/".into()
            );
        }
    }

    #[test]
    fn cachebust_appends_the_start_of_the_static_files_sha256() {
        let (_dir, lookup) = site();
        let kwargs = Kwargs::from([("path", "site.css".into()), ("cachebust", true.into())]);
        let expected = format!(
            "https://example.org/site.css?h={}",
            &sha256_hex(b"body{}\n")[..20]
        );
        assert_eq!(url(&lookup, kwargs, None), expected.into());
    }

    #[test]
    fn an_unknown_content_file_is_an_error() {
        let (_dir, lookup) = site();
        let kwargs = Kwargs::from([("path", "@/blog/missing.md".into())]);
        assert_eq!(
            error(&GetUrl::new(&lookup), kwargs),
            "get_url: no content file @/blog/missing.md"
        );
    }

    #[test]
    fn cachebusting_a_missing_static_file_is_an_error() {
        let (_dir, lookup) = site();
        let kwargs = Kwargs::from([("path", "missing.js".into()), ("cachebust", true.into())]);
        let error = error(&GetUrl::new(&lookup), kwargs);
        assert!(
            error.starts_with("get_url: cannot hash missing.js: "),
            "{error}"
        );
    }

    #[test]
    fn path_is_required_and_flags_must_be_booleans() {
        let (_dir, lookup) = site();
        let function = GetUrl::new(&lookup);
        assert_eq!(
            error(&function, no_args()),
            "Missing keyword argument `path`"
        );
        assert!(error(&function, Kwargs::from([("path", 3.into())])).contains("expected `&str`"));
        let kwargs = Kwargs::from([("path", "a".into()), ("cachebust", "yes".into())]);
        assert!(error(&function, kwargs).contains("expected `bool`"));
    }
}
