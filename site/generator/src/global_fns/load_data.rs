//! `load_data(path, format?, required?)`: a TOML, JSON, CSV or text file of
//! the site as a value, its format taken from the extension unless named. A
//! CSV file becomes Zola's `{headers: [...], records: [[...], ...]}`.

use std::sync::Arc;

use tera::{Error, Function, Kwargs, State, TeraResult, Value};

use super::files::inside_site;
use crate::lookup::Lookup;
use crate::values::{Fields, toml_to_value};

pub struct LoadData(pub Arc<Lookup>);

impl Function<TeraResult<Value>> for LoadData {
    fn call(&self, kwargs: Kwargs, _: &State) -> TeraResult<Value> {
        let path: &str = kwargs.must_get("path")?;
        let required = kwargs.get::<bool>("required")?.unwrap_or(true);
        let full = inside_site("load_data", &self.0, path)?;
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
        "csv" => csv_value(&text).map_err(|e| invalid(&e)),
        "plain" | "txt" | "md" | "html" => Ok(Value::from(text)),
        other => Err(Error::message(format!(
            "load_data: format \"{other}\" is not supported (toml, json, csv, plain)"
        ))),
    }
}

fn csv_value(text: &str) -> Result<Value, csv::Error> {
    let row = |record: &csv::StringRecord| {
        Value::from(record.iter().map(Value::from).collect::<Vec<_>>())
    };
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers = row(reader.headers()?);
    let records = reader
        .records()
        .map(|record| record.map(|r| row(&r)))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Fields::new()
        .set("headers", headers)
        .set("records", records)
        .build())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::global_fns::fixture::{assert_errors, assert_requires_text, call, site, text, with};

    #[test]
    fn files_are_read_in_the_format_of_their_extension_or_the_one_named() {
        let (_dir, lookup) = site();
        let load = |kwargs| call(&LoadData(Arc::clone(&lookup)), kwargs, None).unwrap();
        let toml = load(Kwargs::from([("path", "data/people.toml".into())]));
        let json = load(Kwargs::from([("path", "data/people.json".into())]));
        assert_eq!(text(&toml, "person.0.name"), Some("Ada"));
        assert_eq!(text(&json, "person.0.name"), Some("Grace"));
        let notes = load(Kwargs::from([("path", "data/notes.txt".into())]));
        assert_eq!(notes, "plain *text*".into());
        let raw = load(with("data/people.toml", "format", "plain".into()));
        assert_eq!(raw, "[[person]]\nname = \"Ada\"\n".into());
        let table = load(Kwargs::from([("path", "data/table.csv".into())]));
        assert_eq!(text(&table, "headers.1"), Some("b"));
        assert_eq!(text(&table, "records.0.1"), Some("2, with a comma"));
        assert_eq!(text(&table, "records.1.0"), Some("3"));
        let optional = load(with("data/gone.toml", "required", false.into()));
        assert!(optional.is_none());
    }

    #[test]
    fn a_file_outside_the_site_is_refused_even_when_not_required() {
        let (_dir, lookup) = site();
        assert!(lookup.root.join("../secret.txt").exists());
        let outside = "load_data: ../secret.txt is not inside the site's folder";
        assert_requires_text(&LoadData(Arc::clone(&lookup)), "path");
        assert_errors(
            &LoadData(lookup),
            [
                (Kwargs::from([("path", "../secret.txt".into())]), outside),
                (with("../secret.txt", "required", false.into()), outside),
            ],
        );
    }

    #[test]
    fn missing_or_malformed_files_unknown_formats_and_bad_arguments_are_errors() {
        let (_dir, lookup) = site();
        let path = |path: &str| Kwargs::from([("path", path.into())]);
        assert_errors(
            &LoadData(lookup),
            [
                (
                    with("data/notes.txt", "required", "no".into()),
                    "expected `bool`",
                ),
                (
                    path("data/gone.toml"),
                    "load_data: cannot read data/gone.toml: ",
                ),
                (path("data/broken.toml"), "load_data: data/broken.toml: "),
                (
                    with("data/table.csv", "format", "yaml".into()),
                    "format \"yaml\" is not supported (toml, json, csv, plain)",
                ),
                (path("data/ragged.csv"), "load_data: data/ragged.csv: "),
            ],
        );
    }
}
