//! Identifiers of catalogue entries. They appear in URLs, storage keys and
//! carts, so each is parsed once and valid from then on.

use std::borrow::Cow;
use std::fmt;
use std::num::NonZeroU16;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::rejection::{Rejection, display_as_rejection};

const SLUG_MIN: usize = 3;
const SLUG_MAX: usize = 48;

fn is_slug(text: &str) -> bool {
    (SLUG_MIN..=SLUG_MAX).contains(&text.len())
        && text
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !text.starts_with('-')
        && !text.ends_with('-')
        && !text.contains("--")
}

macro_rules! slug_id {
    ($(#[$doc:meta])* $name:ident, $kind:literal) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(String);

        impl $name {
            pub fn parse(input: &str) -> Result<Self, CatalogueIdError> {
                if is_slug(input) {
                    Ok(Self(input.to_owned()))
                } else {
                    Err(CatalogueIdError::Malformed { kind: $kind })
                }
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl FromStr for $name {
            type Err = CatalogueIdError;
            fn from_str(input: &str) -> Result<Self, Self::Err> {
                Self::parse(input)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(&self.0)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = Cow::<'de, str>::deserialize(deserializer)?;
                Self::parse(&text).map_err(serde::de::Error::custom)
            }
        }
    };
}

slug_id!(
    /// A course: lower-case ASCII letters, digits and single hyphens, 3–48 long.
    CourseId,
    "course"
);
slug_id!(
    /// A certification bundle, spelled like a [`CourseId`].
    BundleId,
    "bundle"
);

/// One class hour (学时, R5): the n-th lesson of a course, counted from 1.
/// Written `course-id/n`, e.g. `inspection-law/3`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct HourId {
    course: CourseId,
    number: NonZeroU16,
}

impl HourId {
    pub fn new(course: CourseId, number: NonZeroU16) -> Self {
        Self { course, number }
    }

    pub fn parse(input: &str) -> Result<Self, CatalogueIdError> {
        let malformed = CatalogueIdError::Malformed { kind: "hour" };
        let (course, number) = input.split_once('/').ok_or(malformed.clone())?;
        // Only canonical numbers: "03" and "+3" would make a second spelling of one hour.
        if number.starts_with(['0', '+']) {
            return Err(malformed);
        }
        let number = number.parse::<NonZeroU16>().map_err(|_| malformed)?;
        Ok(Self {
            course: CourseId::parse(course)?,
            number,
        })
    }

    pub fn course(&self) -> &CourseId {
        &self.course
    }

    pub fn number(&self) -> u16 {
        self.number.get()
    }
}

impl FromStr for HourId {
    type Err = CatalogueIdError;
    fn from_str(input: &str) -> Result<Self, Self::Err> {
        Self::parse(input)
    }
}

impl fmt::Display for HourId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.course, self.number)
    }
}

impl Serialize for HourId {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for HourId {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = Cow::<'de, str>::deserialize(deserializer)?;
        Self::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CatalogueIdError {
    Malformed { kind: &'static str },
}

display_as_rejection!(CatalogueIdError);

impl Rejection for CatalogueIdError {
    fn code(&self) -> &'static str {
        match self {
            Self::Malformed { kind: "course" } => "course_id.malformed",
            Self::Malformed { kind: "bundle" } => "bundle_id.malformed",
            Self::Malformed { .. } => "hour_id.malformed",
        }
    }

    fn message_zh(&self) -> Cow<'static, str> {
        let Self::Malformed { kind } = self;
        match *kind {
            "course" => "课程编号格式不正确。".into(),
            "bundle" => "课程包编号格式不正确。".into(),
            _ => "学时编号格式不正确，应为“课程编号/序号”。".into(),
        }
    }

    fn message_en(&self) -> Cow<'static, str> {
        let Self::Malformed { kind } = self;
        match *kind {
            "course" | "bundle" => {
                format!("Malformed {kind} id: use lower-case letters, digits and hyphens.").into()
            }
            _ => "Malformed hour id: expected course-id/number.".into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_hour_id_round_trips_through_its_text_form() {
        let hour = HourId::parse("inspection-law/3").unwrap();
        assert_eq!(hour.course().as_str(), "inspection-law");
        assert_eq!(hour.number(), 3);
        assert_eq!(hour.to_string(), "inspection-law/3");
    }

    #[test]
    fn hour_ids_have_one_spelling_only() {
        for bad in [
            "inspection-law/0",
            "inspection-law/03",
            "inspection-law/+3",
            "inspection-law",
            "/3",
            "Inspection-Law/3",
            "inspection-law/3/4",
            "inspection-law/70000",
        ] {
            assert!(HourId::parse(bad).is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn slugs_refuse_upper_case_spaces_and_stray_hyphens() {
        for bad in [
            "ab",
            "Law",
            "a b c",
            "-law",
            "law-",
            "la--w",
            &"x".repeat(49),
        ] {
            assert!(CourseId::parse(bad).is_err(), "{bad} should be refused");
        }
        assert!(CourseId::parse("iso-17020").is_ok());
    }
}
