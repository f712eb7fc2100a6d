//! The username rule (R2): name + first 6 + last 4 characters of the ID number.

use std::borrow::Cow;
use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::{IdNumber, IdNumberShape, PersonName, PersonNameError};
use crate::rejection::{Rejection, display_as_rejection};

/// The ID-number part of a username: region (6) + last four characters.
const ID_PART_LENGTH: usize = 10;

/// The login name, derived and never typed at registration (R2):
/// 钟检 + 110105199004086789 → `钟检1101056789`.
///
/// It holds 10 of the 18 ID characters, so it is personal data: it never
/// appears on a public page, and `Debug` masks it.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Username(String);

impl Username {
    /// R2 for a validated registration.
    pub fn derive(name: &PersonName, id_number: &IdNumber) -> Self {
        Self::from_shape(name, id_number.shape())
    }

    /// R2 on the bare shape of a number: the notice's own example number fails
    /// its check character, yet the rule must still give the example username.
    pub fn from_shape(name: &PersonName, id_number: &IdNumberShape) -> Self {
        Self(format!(
            "{}{}{}",
            name.as_str(),
            id_number.region(),
            id_number.last_four()
        ))
    }

    /// A username typed at login: a valid name followed by 9 digits and a digit or X.
    pub fn parse(input: &str) -> Result<Self, UsernameError> {
        let trimmed = input.trim();
        let characters: Vec<char> = trimmed.chars().collect();
        let Some(split) = characters.len().checked_sub(ID_PART_LENGTH) else {
            return Err(UsernameError::Shape);
        };
        let (name_part, id_part) = characters.split_at(split);
        let id_part: String = id_part
            .iter()
            .map(|c| if *c == 'x' { 'X' } else { *c })
            .collect();
        let last = ID_PART_LENGTH - 1;
        let well_formed = id_part
            .chars()
            .enumerate()
            .all(|(index, c)| c.is_ascii_digit() || (index == last && c == 'X'));
        if !well_formed {
            return Err(UsernameError::Shape);
        }
        let name = PersonName::parse(&name_part.iter().collect::<String>())
            .map_err(UsernameError::Name)?;
        Ok(Self(format!("{}{id_part}", name.as_str())))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Username {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Username {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Username(<redacted>)")
    }
}

impl Serialize for Username {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Username {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = Cow::<'de, str>::deserialize(deserializer)?;
        Self::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UsernameError {
    /// Not a name followed by the 10 ID characters.
    Shape,
    Name(#[source] PersonNameError),
}

display_as_rejection!(UsernameError);

impl Rejection for UsernameError {
    fn code(&self) -> &'static str {
        match self {
            Self::Shape => "username.shape",
            Self::Name(_) => "username.name",
        }
    }

    fn message_zh(&self) -> Cow<'static, str> {
        match self {
            Self::Shape => {
                "用户名应为“姓名 + 身份证号前 6 位 + 后 4 位”，例如 钟检1101056789。".into()
            }
            Self::Name(error) => format!("用户名中的姓名部分有误：{}", error.message_zh()).into(),
        }
    }

    fn message_en(&self) -> Cow<'static, str> {
        match self {
            Self::Shape => "A username is the name + the first 6 and last 4 characters of the ID number, e.g. 钟检1101056789.".into(),
            Self::Name(error) => format!("The name part of the username is wrong: {}", error.message_en()).into(),
        }
    }
}
