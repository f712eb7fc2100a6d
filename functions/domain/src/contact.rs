//! How the association reaches a learner: a mainland mobile number and/or an email address.

use std::borrow::Cow;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::rejection::{Rejection, display_as_rejection};

const EMAIL_MAX: usize = 254;

/// A mainland China mobile number: 11 digits starting with 1 and 3–9.
/// A leading `+86` or `86` and spaces or hyphens are accepted and dropped.
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PhoneNumber(String);

impl PhoneNumber {
    pub fn parse(input: &str) -> Result<Self, ContactError> {
        let digits: String = input.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
        let digits = digits
            .strip_prefix("+86")
            .or_else(|| digits.strip_prefix("86").filter(|rest| rest.len() == 11))
            .unwrap_or(&digits);
        let bytes = digits.as_bytes();
        let valid = bytes.len() == 11
            && bytes[0] == b'1'
            && (b'3'..=b'9').contains(&bytes[1])
            && bytes.iter().all(u8::is_ascii_digit);
        if valid {
            Ok(Self(digits.to_owned()))
        } else {
            Err(ContactError::Phone)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// 138****8000: what a screen shows.
    pub fn masked(&self) -> String {
        format!("{}****{}", &self.0[..3], &self.0[7..])
    }
}

/// An email address, checked for shape only (one `@`, a dotted domain, no
/// spaces); whether it receives mail is learnt by writing to it.
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct EmailAddress(String);

impl EmailAddress {
    pub fn parse(input: &str) -> Result<Self, ContactError> {
        let trimmed = input.trim();
        let Some((local, domain)) = trimmed.split_once('@') else {
            return Err(ContactError::Email);
        };
        let valid = !local.is_empty()
            && trimmed.len() <= EMAIL_MAX
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains('@')
            && !trimmed.chars().any(|c| c.is_whitespace() || c.is_control());
        if valid {
            Ok(Self(format!("{local}@{}", domain.to_ascii_lowercase())))
        } else {
            Err(ContactError::Email)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

macro_rules! string_conversions {
    ($ty:ident) => {
        impl TryFrom<String> for $ty {
            type Error = ContactError;
            fn try_from(text: String) -> Result<Self, Self::Error> {
                Self::parse(&text)
            }
        }

        impl From<$ty> for String {
            fn from(value: $ty) -> Self {
                value.0
            }
        }

        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        /// Contact details are personal data: debug output does not show them.
        impl fmt::Debug for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}(<redacted>)", stringify!($ty))
            }
        }
    };
}
string_conversions!(PhoneNumber);
string_conversions!(EmailAddress);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ContactError {
    Phone,
    Email,
}

display_as_rejection!(ContactError);

impl Rejection for ContactError {
    fn code(&self) -> &'static str {
        match self {
            Self::Phone => "contact.phone",
            Self::Email => "contact.email",
        }
    }

    fn message_zh(&self) -> Cow<'static, str> {
        match self {
            Self::Phone => "手机号码应为 11 位中国大陆手机号。".into(),
            Self::Email => "电子邮箱格式不正确。".into(),
        }
    }

    fn message_en(&self) -> Cow<'static, str> {
        match self {
            Self::Phone => "A mobile number has 11 digits and starts with 13–19.".into(),
            Self::Email => "This is not a valid email address.".into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mobile_numbers_are_normalised_and_checked() {
        assert_eq!(
            PhoneNumber::parse("+86 138-0013-8000").unwrap().as_str(),
            "13800138000"
        );
        assert_eq!(
            PhoneNumber::parse("8613800138000").unwrap().as_str(),
            "13800138000"
        );
        assert_eq!(
            PhoneNumber::parse("13800138000").unwrap().masked(),
            "138****8000"
        );
        for bad in [
            "12800138000",
            "1380013800",
            "138001380001",
            "1380013800a",
            "",
        ] {
            assert_eq!(PhoneNumber::parse(bad), Err(ContactError::Phone), "{bad}");
        }
    }

    #[test]
    fn email_addresses_are_checked_for_shape() {
        assert_eq!(
            EmailAddress::parse(" Zhong@Example.CN ").unwrap().as_str(),
            "Zhong@example.cn"
        );
        for bad in [
            "zhong",
            "@example.cn",
            "zhong@localhost",
            "zhong@.cn",
            "zh ong@example.cn",
            "a@b@c.cn",
        ] {
            assert_eq!(EmailAddress::parse(bad), Err(ContactError::Email), "{bad}");
        }
        assert_eq!(
            format!("{:?}", EmailAddress::parse("a@b.cn").unwrap()),
            "EmailAddress(<redacted>)"
        );
    }
}
