//! `text_direction(lang?)`, Zola 0.23's: `rtl` or `ltr` for the `dir`
//! attribute, of the `lang` argument, else the page's language, else the
//! site's default. Any valid language tag is answered, configured or not;
//! a vertical script reads as `ltr`, `dir` having no vertical value.

use std::sync::Arc;

use tera::{Error, Function, Kwargs, State, TeraResult};
use unic_langid::{CharacterDirection, LanguageIdentifier};

use crate::lookup::Lookup;

pub struct TextDirection(pub Arc<Lookup>);

impl Function<TeraResult<String>> for TextDirection {
    fn call(&self, kwargs: Kwargs, state: &State) -> TeraResult<String> {
        let lang: String = match kwargs.get::<String>("lang")? {
            Some(lang) => lang,
            None => state
                .get::<String>("lang")?
                .unwrap_or_else(|| self.0.config.default_language.clone()),
        };
        let tag: LanguageIdentifier = lang.parse().map_err(|_| {
            Error::message(format!(
                "`text_direction`: Language `{lang}` is not a valid Unicode Language Identifier (see http://unicode.org/reports/tr35/#Unicode_language_identifier)"
            ))
        })?;
        Ok(match tag.character_direction() {
            CharacterDirection::RTL => "rtl",
            CharacterDirection::LTR | CharacterDirection::TTB => "ltr",
        }
        .to_owned())
    }
}

#[cfg(test)]
mod tests {
    use tera::Value;

    use super::*;
    use crate::global_fns::fixture::{call, no_args, site};

    #[test]
    fn the_argument_then_the_page_then_the_default_language_decide() {
        let (_dir, lookup) = site();
        let function = TextDirection(Arc::clone(&lookup));
        let direction = |kwargs, lang| {
            call(&function, kwargs, lang).map(|v: Value| v.as_str().unwrap_or_default().to_owned())
        };
        assert_eq!(direction(no_args(), None).unwrap(), "ltr");
        let arabic = Kwargs::from([("lang", Value::from("ar"))]);
        assert_eq!(direction(arabic, Some("en")).unwrap(), "rtl");
        assert_eq!(direction(no_args(), Some("he")).unwrap(), "rtl");
        let mongolian = Kwargs::from([("lang", Value::from("mn-Mong"))]);
        assert_eq!(direction(mongolian, None).unwrap(), "ltr");
        let invalid = Kwargs::from([("lang", Value::from("not a tag"))]);
        let error = direction(invalid, None).unwrap_err().to_string();
        assert!(
            error.contains("not a valid Unicode Language Identifier"),
            "{error}"
        );
    }
}
