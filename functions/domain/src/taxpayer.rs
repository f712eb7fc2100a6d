//! R15: the buyer's taxpayer id on an invoice — the 18-character unified
//! social credit code (统一社会信用代码, GB 32100-2015).

use std::borrow::Cow;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::rejection::{Rejection, display_as_rejection};

/// The code's alphabet: digits and upper-case letters without I, O, S, V, Z.
const ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
/// GB 32100-2015 weights: 3^(i) mod 31 for the first 17 characters.
const WEIGHTS: [usize; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];
const LENGTH: usize = 18;

/// A unified social credit code with a valid check character; lower case is accepted and upper-cased.
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct TaxpayerId(String);

/// The GB 32100-2015 check character of the first 17 characters, or `None`
/// if one of them is outside the code's alphabet.
pub fn credit_code_check_character(first_seventeen: &[u8; 17]) -> Option<char> {
    let mut sum = 0;
    for (character, weight) in first_seventeen.iter().zip(WEIGHTS) {
        sum += ALPHABET.iter().position(|a| a == character)? * weight;
    }
    let check = (31 - sum % 31) % 31;
    Some(char::from(ALPHABET[check]))
}

impl TaxpayerId {
    pub fn parse(input: &str) -> Result<Self, TaxpayerIdError> {
        let code = input.trim().to_ascii_uppercase();
        if code.chars().count() != LENGTH {
            return Err(TaxpayerIdError::Length);
        }
        let bytes = code.as_bytes();
        if !bytes.iter().all(|b| ALPHABET.contains(b)) {
            return Err(TaxpayerIdError::Characters);
        }
        let first: [u8; 17] = std::array::from_fn(|i| bytes[i]);
        if credit_code_check_character(&first) != Some(char::from(bytes[17])) {
            return Err(TaxpayerIdError::CheckCharacter);
        }
        Ok(Self(code))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for TaxpayerId {
    type Error = TaxpayerIdError;
    fn try_from(text: String) -> Result<Self, Self::Error> {
        Self::parse(&text)
    }
}

impl From<TaxpayerId> for String {
    fn from(id: TaxpayerId) -> Self {
        id.0
    }
}

impl fmt::Display for TaxpayerId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for TaxpayerId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TaxpayerId({})", self.0)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TaxpayerIdError {
    Length,
    Characters,
    CheckCharacter,
}

display_as_rejection!(TaxpayerIdError);

impl Rejection for TaxpayerIdError {
    fn code(&self) -> &'static str {
        match self {
            Self::Length => "taxpayer_id.length",
            Self::Characters => "taxpayer_id.characters",
            Self::CheckCharacter => "taxpayer_id.check_character",
        }
    }

    fn message_zh(&self) -> Cow<'static, str> {
        match self {
            Self::Length => "纳税人识别号（统一社会信用代码）应为 18 位。".into(),
            Self::Characters => "统一社会信用代码只含数字和大写字母（不含 I、O、S、V、Z）。".into(),
            Self::CheckCharacter => "统一社会信用代码校验位不正确，请与单位财务核对。".into(),
        }
    }

    fn message_en(&self) -> Cow<'static, str> {
        match self {
            Self::Length => "A taxpayer id (unified social credit code) has 18 characters.".into(),
            Self::Characters => "A unified social credit code has digits and capital letters except I, O, S, V and Z.".into(),
            Self::CheckCharacter => "The check character of this unified social credit code is wrong; please check it with your finance department.".into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn published_codes_are_accepted_and_normalised() {
        assert_eq!(
            TaxpayerId::parse(" 91350100m000100y43 ").unwrap().as_str(),
            "91350100M000100Y43"
        );
        assert!(TaxpayerId::parse("91440300708461136T").is_ok());
    }

    #[test]
    fn each_broken_rule_has_its_own_code() {
        assert_eq!(
            TaxpayerId::parse("91350100M000100Y4").unwrap_err().code(),
            "taxpayer_id.length"
        );
        assert_eq!(
            TaxpayerId::parse("91350100M000100I43").unwrap_err().code(),
            "taxpayer_id.characters"
        );
        assert_eq!(
            TaxpayerId::parse("91350100M000100Y44").unwrap_err().code(),
            "taxpayer_id.check_character"
        );
    }

    proptest! {
        #[test]
        fn every_code_with_its_computed_check_character_is_accepted_and_any_single_change_caught(
            first in proptest::collection::vec(proptest::sample::select(ALPHABET.to_vec()), 17),
            position in 0usize..17,
            shift in 1usize..31,
        ) {
            let first: [u8; 17] = first.try_into().unwrap();
            let check = credit_code_check_character(&first).unwrap();
            let code = format!("{}{check}", String::from_utf8(first.to_vec()).unwrap());
            prop_assert!(TaxpayerId::parse(&code).is_ok());
            let mut changed = first;
            let index = ALPHABET.iter().position(|a| *a == changed[position]).unwrap();
            changed[position] = ALPHABET[(index + shift) % 31];
            let tampered = format!("{}{check}", String::from_utf8(changed.to_vec()).unwrap());
            // 31 is prime and no weight is 0 mod 31, so one changed character always changes the check.
            prop_assert!(TaxpayerId::parse(&tampered).is_err());
        }
    }
}
