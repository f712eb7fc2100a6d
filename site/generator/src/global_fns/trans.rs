//! `trans(key, lang?)`: a string from `[translations]` in the page's
//! language, else the default language's.

use std::sync::Arc;

use tera::{Error, Function, Kwargs, State, TeraResult};

use super::language;
use crate::lookup::Lookup;

pub struct Trans(pub Arc<Lookup>);

impl Function<TeraResult<String>> for Trans {
    fn call(&self, kwargs: Kwargs, state: &State) -> TeraResult<String> {
        let key: &str = kwargs.must_get("key")?;
        let config = &self.0.config;
        let lang = language("trans", &kwargs, state, config)?;
        config
            .translate(key, &lang)
            .map(str::to_owned)
            .ok_or_else(|| Error::message(format!("trans: no translation of \"{key}\" for {lang}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::global_fns::fixture::{assert_errors, assert_requires_text, call, site};

    #[test]
    fn a_key_is_translated_into_the_asked_or_page_language_else_the_default_one() {
        let (_dir, lookup) = site();
        let trans = |key: &str, lang: &str, page_lang: Option<&str>| {
            let kwargs = Kwargs::from([("key", key.into()), ("lang", lang.into())]);
            call(&Trans(Arc::clone(&lookup)), kwargs, page_lang).unwrap()
        };
        assert_eq!(trans("hello", "en", Some("fr")), "Hello".into());
        assert_eq!(trans("hello", "fr", Some("en")), "Bonjour".into());
        assert_eq!(trans("only_english", "fr", None), "Only in English".into());
        let on_french_page = Kwargs::from([("key", "hello".into())]);
        let hello = call(&Trans(Arc::clone(&lookup)), on_french_page, Some("fr"));
        assert_eq!(hello.unwrap(), "Bonjour".into());
    }

    #[test]
    fn an_unknown_key_or_a_bad_key_argument_is_an_error() {
        let (_dir, lookup) = site();
        assert_requires_text(&Trans(Arc::clone(&lookup)), "key");
        assert_errors(
            &Trans(lookup),
            [(
                Kwargs::from([("key", "bye".into())]),
                "trans: no translation of \"bye\" for en",
            )],
        );
    }
}
