//! R3: one account per person, keyed without the ID number itself; and the
//! login look-up, keyed without the username (it holds 10 ID characters).

use std::fmt;

use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use super::{IdNumber, PersonName, Username};
use crate::contact::{EmailAddress, PhoneNumber};

/// The secret that keys [`AccountKey`]s. Loaded once from configuration;
/// `Debug` never prints it.
#[derive(Clone)]
pub struct AccountKeySecret(Vec<u8>);

impl AccountKeySecret {
    /// At least 32 bytes: the key space of ID numbers is small (about 10^10
    /// plausible numbers), so the secret is what stops a brute-force reversal.
    pub fn new(bytes: Vec<u8>) -> Option<Self> {
        (bytes.len() >= 32).then_some(Self(bytes))
    }
}

impl fmt::Debug for AccountKeySecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AccountKeySecret(<redacted>)")
    }
}

/// R3: the same ID number always gives the same key, so a store that makes
/// this key unique holds at most one account per person. It is an HMAC, not
/// the number, so storage keys, indexes and access logs never carry an ID number.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Debug, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct AccountKey(String);

impl TryFrom<String> for AccountKey {
    type Error = &'static str;
    fn try_from(text: String) -> Result<Self, Self::Error> {
        is_key(&text)
            .then_some(Self(text))
            .ok_or("expected 64 lower-case hex characters")
    }
}

impl From<AccountKey> for String {
    fn from(key: AccountKey) -> Self {
        key.0
    }
}

impl AccountKey {
    pub fn of(id_number: &IdNumber, secret: &AccountKeySecret) -> Self {
        Self(keyed_hash(secret, b"id-number:", id_number.expose()))
    }

    /// 64 lower-case hex characters.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The storage key under which a login finds its account: an HMAC of the
/// username, for the same reason as [`AccountKey`]. Unique, so that two
/// people whose names and ID fragments coincide cannot share a login.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Debug, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct UsernameKey(String);

impl TryFrom<String> for UsernameKey {
    type Error = &'static str;
    fn try_from(text: String) -> Result<Self, Self::Error> {
        is_key(&text)
            .then_some(Self(text))
            .ok_or("expected 64 lower-case hex characters")
    }
}

impl From<UsernameKey> for String {
    fn from(key: UsernameKey) -> Self {
        key.0
    }
}

impl UsernameKey {
    pub fn of(username: &Username, secret: &AccountKeySecret) -> Self {
        Self(keyed_hash(secret, b"username:", username.as_str()))
    }

    /// The key under which a staff login's failures are counted.
    pub fn of_staff(name: &str, secret: &AccountKeySecret) -> Self {
        Self(keyed_hash(secret, b"staff:", name))
    }

    /// 64 lower-case hex characters.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// What staff find a learner by besides the username: their name, phone
/// number or e-mail address, keyed like [`AccountKey`] so that storage keys
/// and indexes hold no personal data. Not unique: two learners may share a
/// name, or a company's phone.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Debug, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct LookupKey(String);

impl TryFrom<String> for LookupKey {
    type Error = &'static str;
    fn try_from(text: String) -> Result<Self, Self::Error> {
        is_key(&text)
            .then_some(Self(text))
            .ok_or("expected 64 lower-case hex characters")
    }
}

impl From<LookupKey> for String {
    fn from(key: LookupKey) -> Self {
        key.0
    }
}

impl LookupKey {
    pub fn of_name(name: &PersonName, secret: &AccountKeySecret) -> Self {
        Self(keyed_hash(secret, b"name:", name.as_str()))
    }

    pub fn of_phone(phone: &PhoneNumber, secret: &AccountKeySecret) -> Self {
        Self(keyed_hash(secret, b"phone:", phone.as_str()))
    }

    /// Case does not matter in an address as people type it.
    pub fn of_email(email: &EmailAddress, secret: &AccountKeySecret) -> Self {
        Self(keyed_hash(
            secret,
            b"email:",
            &email.as_str().to_lowercase(),
        ))
    }

    /// The keys of a learner's name and, where given, phone and e-mail.
    pub fn all_of(
        name: &PersonName,
        phone: Option<&PhoneNumber>,
        email: Option<&EmailAddress>,
        secret: &AccountKeySecret,
    ) -> Vec<Self> {
        let mut keys = vec![Self::of_name(name, secret)];
        keys.extend(phone.map(|phone| Self::of_phone(phone, secret)));
        keys.extend(email.map(|email| Self::of_email(email, secret)));
        keys
    }

    /// 64 lower-case hex characters.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn is_key(text: &str) -> bool {
    text.len() == 64
        && text
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// HMAC-SHA-256 with a domain prefix, so that the two kinds of key never collide.
/// A password-recovery code as the store keeps it: an HMAC of the learner's
/// id and the code. A million six-digit codes are tried in no time against a
/// plain hash; without the secret a copy of the table gives none back.
pub fn recovery_digest(learner: &str, code: &str, secret: &AccountKeySecret) -> String {
    keyed_hash(secret, b"recovery-code:", &format!("{learner}:{code}"))
}

fn keyed_hash(secret: &AccountKeySecret, domain: &[u8], value: &str) -> String {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(&secret.0).expect("HMAC accepts keys of any length");
    mac.update(domain);
    mac.update(value.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;

    use super::*;

    fn secret(byte: u8) -> AccountKeySecret {
        AccountKeySecret::new(vec![byte; 32]).unwrap()
    }

    fn id(text: &str) -> IdNumber {
        IdNumber::parse(text, date(2026, 11, 27)).unwrap()
    }

    #[test]
    fn the_same_person_always_gets_the_same_key_whatever_the_spelling() {
        let typed_lower = id("11010519491231002x");
        let typed_upper = id("11010519491231002X");
        assert_eq!(
            AccountKey::of(&typed_lower, &secret(7)),
            AccountKey::of(&typed_upper, &secret(7))
        );
    }

    #[test]
    fn different_people_or_secrets_get_different_keys_that_hide_the_number() {
        let first = AccountKey::of(&id("110105199004086782"), &secret(7));
        let second = AccountKey::of(&id("11010519491231002X"), &secret(7));
        assert_ne!(first, second);
        assert_ne!(first, AccountKey::of(&id("110105199004086782"), &secret(8)));
        assert_eq!(first.as_str().len(), 64);
        assert!(!first.as_str().contains("110105"));
    }

    #[test]
    fn a_username_key_is_stable_and_differs_from_the_account_key() {
        let number = id("110105199004086782");
        let username = Username::derive(
            &crate::identity::PersonName::parse("钟检").unwrap(),
            &number,
        );
        let typed = Username::parse("钟检1101056782").unwrap();
        assert_eq!(
            UsernameKey::of(&username, &secret(7)),
            UsernameKey::of(&typed, &secret(7))
        );
        assert_ne!(
            UsernameKey::of(&username, &secret(7)).as_str(),
            AccountKey::of(&number, &secret(7)).as_str()
        );
    }

    #[test]
    fn a_short_secret_is_refused_and_a_secret_never_prints() {
        assert!(AccountKeySecret::new(vec![1; 31]).is_none());
        assert_eq!(format!("{:?}", secret(9)), "AccountKeySecret(<redacted>)");
    }
}
