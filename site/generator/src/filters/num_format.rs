//! Zola's `num_format(locale?)` filter: an integer with the grouping of a
//! locale (`1,000,000` in `en`, `10,00,000` in `en-IN`), the site's default
//! language unless `locale` names another.

use num_format::{Locale, ToFormattedString};
use tera::{Error, Filter, Kwargs, State, TeraResult};

pub struct NumFormat {
    default_locale: String,
}

impl NumFormat {
    pub fn new(default_language: &str) -> Self {
        Self {
            default_locale: default_language.to_owned(),
        }
    }
}

impl Filter<i128, TeraResult<String>> for NumFormat {
    fn call(&self, value: i128, kwargs: Kwargs, _: &State) -> TeraResult<String> {
        let name = kwargs
            .get::<&str>("locale")?
            .unwrap_or(&self.default_locale);
        let locale = Locale::from_name(name).map_err(|_| {
            Error::message(format!("num_format: \"{name}\" is not a locale it knows"))
        })?;
        Ok(value.to_formatted_string(&locale))
    }
}

#[cfg(test)]
mod tests {
    use tera::Context;

    use super::*;
    use crate::global_fns::fixture::no_args;

    fn format(value: i128, kwargs: Kwargs) -> TeraResult<String> {
        let context = Context::new();
        NumFormat::new("zh").call(value, kwargs, &State::new(&context))
    }

    fn in_locale(locale: &str) -> Kwargs {
        Kwargs::from([("locale", locale.into())])
    }

    #[test]
    fn numbers_are_grouped_as_the_default_language_groups_them() {
        assert_eq!(format(1_234_567, no_args()).unwrap(), "1,234,567");
        assert_eq!(format(-980, no_args()).unwrap(), "-980");
    }

    #[test]
    fn a_locale_argument_chooses_another_grouping() {
        assert_eq!(format(1_000_000, in_locale("en-IN")).unwrap(), "10,00,000");
        assert_eq!(
            format(1_000_000, in_locale("fr")).unwrap(),
            "1\u{202f}000\u{202f}000"
        );
    }

    #[test]
    fn an_unknown_locale_is_an_error_naming_it() {
        let error = format(1, in_locale("xx-YY")).unwrap_err().to_string();
        assert!(
            error.contains("num_format: \"xx-YY\" is not a locale it knows"),
            "{error}"
        );
    }
}
