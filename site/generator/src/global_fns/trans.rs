//! `trans(key, lang?)`: a string from `[translations]` in the page's
//! language, else the default language's.

use std::sync::Arc;

use tera::{Error, Function, Kwargs, State, TeraResult};

use super::language;
use crate::lookup::Lookup;

pub struct Trans {
    lookup: Arc<Lookup>,
}

impl Trans {
    pub fn new(lookup: &Arc<Lookup>) -> Self {
        Self {
            lookup: Arc::clone(lookup),
        }
    }
}

impl Function<TeraResult<String>> for Trans {
    fn call(&self, kwargs: Kwargs, state: &State) -> TeraResult<String> {
        let key: &str = kwargs.must_get("key")?;
        let config = &self.lookup.config;
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
    use crate::global_fns::fixture::{call, error, no_args, site};

    #[test]
    fn a_key_is_translated_into_the_page_language_or_the_lang_argument() {
        let (_dir, lookup) = site();
        let function = Trans::new(&lookup);
        let hello = || Kwargs::from([("key", "hello".into())]);
        let hello_in_french = Kwargs::from([("key", "hello".into()), ("lang", "fr".into())]);
        assert_eq!(call(&function, hello(), None).unwrap(), "Hello".into());
        assert_eq!(
            call(&function, hello(), Some("fr")).unwrap(),
            "Bonjour".into()
        );
        assert_eq!(
            call(&function, hello_in_french, Some("en")).unwrap(),
            "Bonjour".into()
        );
    }

    #[test]
    fn a_key_missing_from_a_language_comes_from_the_default_one() {
        let (_dir, lookup) = site();
        let kwargs = Kwargs::from([("key", "only_english".into())]);
        assert_eq!(
            call(&Trans::new(&lookup), kwargs, Some("fr")).unwrap(),
            "Only in English".into()
        );
    }

    #[test]
    fn an_unknown_key_or_a_missing_key_argument_is_an_error() {
        let (_dir, lookup) = site();
        let function = Trans::new(&lookup);
        let unknown = Kwargs::from([("key", "goodbye".into())]);
        assert_eq!(
            error(&function, unknown),
            "trans: no translation of \"goodbye\" for en"
        );
        assert_eq!(
            error(&function, no_args()),
            "Missing keyword argument `key`"
        );
        assert!(error(&function, Kwargs::from([("key", 1.into())])).contains("expected `&str`"));
    }
}
