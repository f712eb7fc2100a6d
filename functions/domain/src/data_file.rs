//! What the data files under `site/data/` have in common: TOML parsing,
//! TOML dates, and errors that name the offending entry and field.

use std::fmt;

use jiff::civil::Date;
use serde::{Deserialize, Deserializer, de::DeserializeOwned};

/// The data files shipped inside every binary, so that the hours and prices
/// the site shows are the ones the functions charge: one source of truth.
pub mod bundled {
    pub const CATALOG_TOML: &str = include_str!("../../../site/data/catalog.toml");
    pub const SETTINGS_TOML: &str = include_str!("../../../site/data/settings.toml");
    pub const CALENDAR_TOML: &str = include_str!("../../../site/data/calendar.toml");
}

/// One problem in a data file: where it is and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataError {
    /// `course "sampling-basics"`, `year 2023`, or the file for syntax errors.
    pub entry: String,
    /// The field at fault, empty for syntax errors.
    pub field: &'static str,
    pub problem: String,
}

impl DataError {
    pub(crate) fn new(
        entry: impl Into<String>,
        field: &'static str,
        problem: impl Into<String>,
    ) -> Self {
        Self {
            entry: entry.into(),
            field,
            problem: problem.into(),
        }
    }
}

impl fmt::Display for DataError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.field.is_empty() {
            write!(f, "{}: {}", self.entry, self.problem)
        } else {
            write!(
                f,
                "{}, field `{}`: {}",
                self.entry, self.field, self.problem
            )
        }
    }
}

/// Every problem found in one data file; loading reports them all at once so
/// that whoever edits the file fixes them in one go.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct DataErrors {
    pub file: &'static str,
    pub errors: Vec<DataError>,
}

impl fmt::Display for DataErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} has {} problem(s):", self.file, self.errors.len())?;
        for error in &self.errors {
            write!(f, "\n  - {error}")?;
        }
        Ok(())
    }
}

/// Collects problems while a file is validated.
pub(crate) struct Problems {
    file: &'static str,
    errors: Vec<DataError>,
}

impl Problems {
    pub(crate) fn new(file: &'static str) -> Self {
        Self {
            file,
            errors: Vec::new(),
        }
    }

    pub(crate) fn add(
        &mut self,
        entry: impl Into<String>,
        field: &'static str,
        problem: impl Into<String>,
    ) {
        self.errors.push(DataError::new(entry, field, problem));
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }

    pub(crate) fn finish<T>(self, value: T) -> Result<T, DataErrors> {
        if self.errors.is_empty() {
            Ok(value)
        } else {
            Err(DataErrors {
                file: self.file,
                errors: self.errors,
            })
        }
    }
}

/// Parses a whole file; a syntax or type error names its line and column.
pub(crate) fn parse_toml<T: DeserializeOwned>(
    file: &'static str,
    text: &str,
) -> Result<T, DataErrors> {
    toml::from_str(text).map_err(|error| {
        let entry = match error.span() {
            Some(span) => {
                let line = text[..span.start.min(text.len())].matches('\n').count() + 1;
                format!("line {line}")
            }
            None => "file".to_owned(),
        };
        DataErrors {
            file,
            errors: vec![DataError::new(entry, "", error.message().to_owned())],
        }
    })
}

/// A date written as a bare TOML local date (`2023-07-06`), as Zola users write them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct TomlDate(pub Date);

impl<'de> Deserialize<'de> for TomlDate {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let value = toml::value::Datetime::deserialize(deserializer)?;
        match (value.date, value.time, value.offset) {
            (Some(date), None, None) => {
                Date::new(date.year as i16, date.month as i8, date.day as i8)
                    .map(Self)
                    .map_err(D::Error::custom)
            }
            _ => Err(D::Error::custom(format!(
                "expected a date like 2023-07-06, found {value}"
            ))),
        }
    }
}
