//! The 18-character resident identity number (公民身份号码, GB 11643-1999).

use std::borrow::Cow;
use std::fmt;

use jiff::civil::Date;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::rejection::{Rejection, display_as_rejection};

const LENGTH: usize = 18;
/// GB 11643-1999 weights: 2^(17-i) mod 11 for the first 17 characters.
const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
/// The check character for each remainder of the weighted sum mod 11.
const CHECK_CHARACTERS: [u8; 11] = *b"10X98765432";
/// Provinces, autonomous regions and municipalities (GB/T 2260), plus 71 Taiwan,
/// 81 Hong Kong, 82 Macao and 83 (residence permits of Taiwan residents).
const PROVINCE_CODES: [&[u8; 2]; 35] = [
    b"11", b"12", b"13", b"14", b"15", b"21", b"22", b"23", b"31", b"32", b"33", b"34", b"35",
    b"36", b"37", b"41", b"42", b"43", b"44", b"45", b"46", b"50", b"51", b"52", b"53", b"54",
    b"61", b"62", b"63", b"64", b"65", b"71", b"81", b"82", b"83",
];

/// The shape of an ID number: 17 digits and a final digit or `X`, nothing more
/// checked. The username rule (R2) is defined on this shape, so it can be
/// applied even to a number that fails validation, such as the notice's example.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct IdNumberShape([u8; LENGTH]);

impl IdNumberShape {
    /// Accepts surrounding whitespace and a lower-case `x`, which is normalised to `X`.
    pub fn parse(input: &str) -> Result<Self, IdNumberError> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(IdNumberError::Empty);
        }
        let length = trimmed.chars().count();
        if length != LENGTH {
            return Err(IdNumberError::Length { length });
        }
        let mut bytes = [0u8; LENGTH];
        for (slot, character) in bytes.iter_mut().zip(trimmed.chars()) {
            *slot = match character {
                '0'..='9' => character as u8,
                'x' | 'X' => b'X',
                _ => return Err(IdNumberError::Characters),
            };
        }
        if bytes[..LENGTH - 1].contains(&b'X') {
            return Err(IdNumberError::Characters);
        }
        Ok(Self(bytes))
    }

    /// The first six characters: the region of first registration.
    pub fn region(&self) -> &str {
        self.as_str().get(..6).unwrap_or_default()
    }

    /// The last four characters: end of the sequence code and the check character.
    pub fn last_four(&self) -> &str {
        self.as_str().get(LENGTH - 4..).unwrap_or_default()
    }

    fn as_str(&self) -> &str {
        // Only ASCII digits and `X` are ever stored.
        std::str::from_utf8(&self.0).unwrap_or_default()
    }

    fn check_character(&self) -> char {
        char::from(self.0[LENGTH - 1])
    }

    fn first_seventeen(&self) -> [u8; 17] {
        std::array::from_fn(|i| self.0[i])
    }
}

/// The GB 11643-1999 check character for the first 17 digits of an ID number.
///
/// ```
/// # use ticedu_domain::identity::check_character;
/// assert_eq!(check_character(b"11010519900408678"), '2');
/// ```
pub fn check_character(first_seventeen: &[u8; 17]) -> char {
    let sum: u32 = first_seventeen
        .iter()
        .zip(WEIGHTS)
        .map(|(digit, weight)| u32::from(digit.wrapping_sub(b'0')) * weight)
        .sum();
    char::from(CHECK_CHARACTERS[(sum % 11) as usize])
}

/// A resident ID number that passed every check (R1): 18 characters, a known
/// province code, a real birth date not in the future, and the right check character.
///
/// It is personal information: `Debug` masks it, there is no `Display`, and the
/// full value is only reachable through [`IdNumber::expose`], whose name makes
/// every use visible in review.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct IdNumber {
    shape: IdNumberShape,
    birth_date: Date,
}

impl IdNumber {
    /// Validates an ID number typed by a person, as of `today` (for the birth date).
    pub fn parse(input: &str, today: Date) -> Result<Self, IdNumberError> {
        let number = Self::parse_stored(input)?;
        if number.birth_date() > today {
            return Err(IdNumberError::BirthDateInFuture);
        }
        Ok(number)
    }

    /// Validates a number that was already accepted once (read back from storage):
    /// every check but the one that depends on the day it is read.
    pub fn parse_stored(input: &str) -> Result<Self, IdNumberError> {
        let shape = IdNumberShape::parse(input)?;
        if !PROVINCE_CODES.contains(&&[shape.0[0], shape.0[1]]) {
            return Err(IdNumberError::Region);
        }
        let birth_date = birth_date_of(&shape).ok_or(IdNumberError::BirthDate)?;
        if check_character(&shape.first_seventeen()) != shape.check_character() {
            return Err(IdNumberError::CheckCharacter);
        }
        Ok(Self { shape, birth_date })
    }

    pub fn shape(&self) -> &IdNumberShape {
        &self.shape
    }

    pub fn birth_date(&self) -> Date {
        self.birth_date
    }

    /// For the owner and staff only: first and last character, the rest hidden.
    /// Public pages show no part of the number at all (see requirements.md).
    pub fn masked(&self) -> String {
        let text = self.shape.as_str();
        let mut masked = String::with_capacity(LENGTH);
        masked.push_str(&text[..1]);
        masked.push_str(&"*".repeat(LENGTH - 2));
        masked.push_str(&text[LENGTH - 1..]);
        masked
    }

    /// The full number, for storage and for its owner. Never log or display it.
    pub fn expose(&self) -> &str {
        self.shape.as_str()
    }
}

fn birth_date_of(shape: &IdNumberShape) -> Option<Date> {
    let text = shape.as_str();
    let year: i16 = text.get(6..10)?.parse().ok()?;
    let month: i8 = text.get(10..12)?.parse().ok()?;
    let day: i8 = text.get(12..14)?.parse().ok()?;
    if year < 1900 {
        return None;
    }
    Date::new(year, month, day).ok()
}

impl fmt::Debug for IdNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "IdNumber({})", self.masked())
    }
}

impl fmt::Debug for IdNumberShape {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("IdNumberShape(<redacted>)")
    }
}

impl Serialize for IdNumber {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.expose())
    }
}

impl<'de> Deserialize<'de> for IdNumber {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = Cow::<'de, str>::deserialize(deserializer)?;
        // The error names the rule broken, never the value.
        Self::parse_stored(&text).map_err(serde::de::Error::custom)
    }
}

/// Why an ID number was refused. The rejected number is never part of the error.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdNumberError {
    Empty,
    Length { length: usize },
    Characters,
    Region,
    BirthDate,
    BirthDateInFuture,
    CheckCharacter,
}

display_as_rejection!(IdNumberError);

impl Rejection for IdNumberError {
    fn code(&self) -> &'static str {
        match self {
            Self::Empty => "id_number.empty",
            Self::Length { .. } => "id_number.length",
            Self::Characters => "id_number.characters",
            Self::Region => "id_number.region",
            Self::BirthDate => "id_number.birth_date",
            Self::BirthDateInFuture => "id_number.birth_date_in_future",
            Self::CheckCharacter => "id_number.check_character",
        }
    }

    fn message_zh(&self) -> Cow<'static, str> {
        match self {
            Self::Empty => "请填写身份证号码。".into(),
            Self::Length { length } => {
                format!("身份证号码应为 18 位，您填写了 {length} 位。").into()
            }
            Self::Characters => "身份证号码前 17 位应为数字，最后一位为数字或 X。".into(),
            Self::Region => "身份证号码前两位不是有效的省级行政区划代码。".into(),
            Self::BirthDate => "身份证号码中的出生日期（第 7–14 位）不是有效日期。".into(),
            Self::BirthDateInFuture => "身份证号码中的出生日期晚于今天。".into(),
            Self::CheckCharacter => "身份证号码校验位不正确，请核对每一位数字。".into(),
        }
    }

    fn message_en(&self) -> Cow<'static, str> {
        match self {
            Self::Empty => "Please enter the ID number.".into(),
            Self::Length { length } => {
                format!("An ID number has 18 characters; {length} were entered.").into()
            }
            Self::Characters => {
                "The first 17 characters must be digits and the last a digit or X.".into()
            }
            Self::Region => "The first two digits are not a valid province code.".into(),
            Self::BirthDate => "The birth date (characters 7–14) is not a valid date.".into(),
            Self::BirthDateInFuture => "The birth date lies in the future.".into(),
            Self::CheckCharacter => {
                "The check character does not match; please check every digit.".into()
            }
        }
    }
}
