//! A person's real name as on the ID card (R1).

use std::borrow::Cow;
use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::rejection::{Rejection, display_as_rejection};

/// Minority names on ID cards separate their parts with a middle dot. People
/// type it as any of these look-alikes; all become U+00B7.
const MIDDLE_DOTS: [char; 5] = ['·', '•', '・', '‧', '∙'];
const MIDDLE_DOT: char = '·';
const MIN_CHARACTERS: usize = 2;
/// Transliterated minority names reach about 30 characters; 40 leaves room.
const MAX_CHINESE_CHARACTERS: usize = 40;
const MAX_LATIN_CHARACTERS: usize = 60;

/// A real name: either Chinese characters (with middle dots between the parts
/// of a minority name, e.g. 买买提·艾力) or a Latin-script name (letters,
/// single spaces, hyphens, apostrophes). Trimmed and normalised when parsed.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct PersonName(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Script {
    Chinese,
    Latin,
}

impl PersonName {
    pub fn parse(input: &str) -> Result<Self, PersonNameError> {
        let collapsed = input.split_whitespace().collect::<Vec<_>>().join(" ");
        if collapsed.is_empty() {
            return Err(PersonNameError::Empty);
        }
        let script = if collapsed.chars().any(|c| c.is_ascii_alphabetic()) {
            Script::Latin
        } else {
            Script::Chinese
        };
        let normalised: String = match script {
            Script::Chinese => collapsed
                .chars()
                .filter(|c| *c != ' ')
                .map(|c| {
                    if MIDDLE_DOTS.contains(&c) {
                        MIDDLE_DOT
                    } else {
                        c
                    }
                })
                .collect(),
            Script::Latin => collapsed,
        };
        for character in normalised.chars() {
            let allowed = match script {
                Script::Chinese => is_han(character) || character == MIDDLE_DOT,
                Script::Latin => {
                    character.is_alphabetic() && !is_han(character)
                        || matches!(character, ' ' | '-' | '\'' | '.')
                }
            };
            if !allowed {
                return Err(if script == Script::Latin && is_han(character) {
                    PersonNameError::MixedScripts
                } else {
                    PersonNameError::Characters
                });
            }
        }
        let separators: &[char] = match script {
            Script::Chinese => &[MIDDLE_DOT],
            Script::Latin => &[' ', '-', '\''],
        };
        let misplaced = normalised.starts_with(separators)
            || normalised.ends_with(separators)
            || normalised
                .chars()
                .zip(normalised.chars().skip(1))
                .any(|(a, b)| separators.contains(&a) && separators.contains(&b));
        if misplaced {
            return Err(PersonNameError::MisplacedSeparator);
        }
        let length = normalised.chars().count();
        let max = match script {
            Script::Chinese => MAX_CHINESE_CHARACTERS,
            Script::Latin => MAX_LATIN_CHARACTERS,
        };
        if length < MIN_CHARACTERS {
            return Err(PersonNameError::TooShort);
        }
        if length > max {
            return Err(PersonNameError::TooLong { max });
        }
        Ok(Self(normalised))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The name as public pages may show it: the first character kept, every
    /// other letter replaced by `*` (separators kept): 钟检 → 钟*, 买买提·艾力 → 买**·**.
    pub fn masked(&self) -> String {
        let mut characters = self.0.chars();
        let first = characters.next().into_iter();
        first
            .chain(characters.map(|c| if c.is_alphabetic() { '*' } else { c }))
            .collect()
    }
}

/// Han ideographs of the Unified block and its extensions: rare characters in
/// names (e.g. 𬌗 in Extension B+) must be accepted.
fn is_han(character: char) -> bool {
    matches!(character,
        '\u{3400}'..='\u{4DBF}'
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{20000}'..='\u{3134F}')
}

impl fmt::Display for PersonName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Names are personal data too: debug output (and so any `?` field in a log) is masked.
impl fmt::Debug for PersonName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PersonName({})", self.masked())
    }
}

impl Serialize for PersonName {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for PersonName {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = Cow::<'de, str>::deserialize(deserializer)?;
        Self::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PersonNameError {
    Empty,
    TooShort,
    TooLong { max: usize },
    Characters,
    MixedScripts,
    MisplacedSeparator,
}

display_as_rejection!(PersonNameError);

impl Rejection for PersonNameError {
    fn code(&self) -> &'static str {
        match self {
            Self::Empty => "name.empty",
            Self::TooShort => "name.too_short",
            Self::TooLong { .. } => "name.too_long",
            Self::Characters => "name.characters",
            Self::MixedScripts => "name.mixed_scripts",
            Self::MisplacedSeparator => "name.misplaced_separator",
        }
    }

    fn message_zh(&self) -> Cow<'static, str> {
        match self {
            Self::Empty => "请填写与身份证一致的姓名。".into(),
            Self::TooShort => "姓名至少 2 个字。".into(),
            Self::TooLong { max } => format!("姓名不能超过 {max} 个字符。").into(),
            Self::Characters => {
                "姓名只能包含汉字和间隔号“·”，或拉丁字母、空格、连字符和撇号。".into()
            }
            Self::MixedScripts => "姓名不能同时包含汉字和拉丁字母。".into(),
            Self::MisplacedSeparator => "间隔号、空格或连字符不能位于开头、结尾或连续出现。".into(),
        }
    }

    fn message_en(&self) -> Cow<'static, str> {
        match self {
            Self::Empty => "Please enter your name as on your ID card.".into(),
            Self::TooShort => "A name has at least 2 characters.".into(),
            Self::TooLong { max } => format!("A name has at most {max} characters.").into(),
            Self::Characters => "A name has Chinese characters and the middle dot '·', or Latin letters, spaces, hyphens and apostrophes.".into(),
            Self::MixedScripts => "A name cannot mix Chinese characters and Latin letters.".into(),
            Self::MisplacedSeparator => {
                "A middle dot, space or hyphen cannot start or end a name, nor follow another.".into()
            }
        }
    }
}
