//! `load_data(path, format?, required?)`: a TOML, JSON or text file of the
//! site as a value, its format taken from the extension unless named.

use std::sync::Arc;

use tera::{Error, Function, Kwargs, State, TeraResult, Value};

use super::files::inside_site;
use crate::lookup::Lookup;
use crate::values::toml_to_value;

pub struct LoadData {
    lookup: Arc<Lookup>,
}

impl LoadData {
    pub fn new(lookup: &Arc<Lookup>) -> Self {
        Self {
            lookup: Arc::clone(lookup),
        }
    }
}

impl Function<TeraResult<Value>> for LoadData {
    fn call(&self, kwargs: Kwargs, _: &State) -> TeraResult<Value> {
        let path: &str = kwargs.must_get("path")?;
        let required = kwargs.get::<bool>("required")?.unwrap_or(true);
        let full = inside_site("load_data", &self.lookup, path)?;
        let text = match std::fs::read_to_string(&full) {
            Ok(text) => text,
            Err(_) if !required => return Ok(Value::none()),
            Err(e) => {
                return Err(Error::message(format!(
                    "load_data: cannot read {path}: {e}"
                )));
            }
        };
        let extension = full.extension().and_then(|e| e.to_str());
        let format = kwargs
            .get::<&str>("format")?
            .unwrap_or(extension.unwrap_or("plain"));
        parse(path, format, text)
    }
}

fn parse(path: &str, format: &str, text: String) -> TeraResult<Value> {
    let invalid = |e: &dyn std::fmt::Display| Error::message(format!("load_data: {path}: {e}"));
    match format {
        "toml" => toml::from_str::<toml::Value>(&text)
            .map(|v| toml_to_value(&v))
            .map_err(|e| invalid(&e)),
        "json" => serde_json::from_str::<serde_json::Value>(&text)
            .map(|v| Value::from_serializable(&v))
            .map_err(|e| invalid(&e)),
        "plain" | "txt" | "md" | "html" => Ok(Value::from(text)),
        other => Err(Error::message(format!(
            "load_data: format \"{other}\" is not supported (toml, json, plain)"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::global_fns::fixture::{call, error, no_args, site, text};

    fn load(lookup: &Arc<Lookup>, kwargs: Kwargs) -> Value {
        call(&LoadData::new(lookup), kwargs, None).unwrap()
    }

    #[test]
    fn toml_and_json_files_become_values_by_their_extension() {
        let (_dir, lookup) = site();
        let toml = load(&lookup, Kwargs::from([("path", "data/people.toml".into())]));
        let json = load(&lookup, Kwargs::from([("path", "data/people.json".into())]));
        assert_eq!(text(&toml, "person.0.name"), Some("Ada"));
        assert_eq!(text(&json, "person.0.name"), Some("Grace"));
    }

    #[test]
    fn text_files_and_named_formats_are_read_as_text() {
        let (_dir, lookup) = site();
        let text = load(&lookup, Kwargs::from([("path", "data/notes.txt".into())]));
        assert_eq!(text, "plain *text*".into());
        let kwargs = Kwargs::from([
            ("path", "data/people.toml".into()),
            ("format", "plain".into()),
        ]);
        assert_eq!(load(&lookup, kwargs), "[[person]]\nname = \"Ada\"\n".into());
    }

    #[test]
    fn a_missing_file_is_none_when_not_required() {
        let (_dir, lookup) = site();
        let kwargs = Kwargs::from([
            ("path", "data/missing.toml".into()),
            ("required", false.into()),
        ]);
        assert!(load(&lookup, kwargs).is_none());
    }

    #[test]
    fn a_missing_required_file_is_an_error() {
        let (_dir, lookup) = site();
        let kwargs = Kwargs::from([("path", "data/missing.toml".into())]);
        let error = error(&LoadData::new(&lookup), kwargs);
        assert!(
            error.starts_with("load_data: cannot read data/missing.toml: "),
            "{error}"
        );
    }

    #[test]
    fn a_file_outside_the_site_is_refused_even_when_not_required() {
        let (_dir, lookup) = site();
        assert!(lookup.root.join("../secret.txt").exists());
        let function = LoadData::new(&lookup);
        for required in [true, false] {
            let kwargs = Kwargs::from([
                ("path", "../secret.txt".into()),
                ("required", required.into()),
            ]);
            assert_eq!(
                error(&function, kwargs),
                "load_data: ../secret.txt is not inside the site's folder"
            );
        }
    }

    #[test]
    fn malformed_data_and_unknown_formats_are_errors() {
        let (_dir, lookup) = site();
        let function = LoadData::new(&lookup);
        let broken = Kwargs::from([("path", "data/broken.toml".into())]);
        assert!(error(&function, broken).starts_with("load_data: data/broken.toml: "));
        let csv = Kwargs::from([("path", "data/table.csv".into())]);
        assert_eq!(
            error(&function, csv),
            "load_data: format \"csv\" is not supported (toml, json, plain)"
        );
    }

    #[test]
    fn path_is_required_and_required_must_be_a_boolean() {
        let (_dir, lookup) = site();
        let function = LoadData::new(&lookup);
        assert_eq!(
            error(&function, no_args()),
            "Missing keyword argument `path`"
        );
        let kwargs = Kwargs::from([("path", "data/notes.txt".into()), ("required", "no".into())]);
        assert!(error(&function, kwargs).contains("expected `bool`"));
    }
}
