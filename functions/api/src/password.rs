//! Passwords: a policy for new ones, and argon2id hashing off the async threads.

use std::borrow::Cow;
use std::fmt;
use std::sync::LazyLock;

use argon2::Argon2;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use ticedu_domain::Rejection;

use crate::error::ApiError;

const MIN: usize = 8;
const MAX: usize = 128;

/// A password as typed. `Debug` never prints it.
pub struct Password(String);

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(<redacted>)")
    }
}

impl Password {
    /// A password being set: 8–128 characters with a letter and a digit.
    pub fn new_password(input: String) -> Result<Self, PasswordError> {
        let length = input.chars().count();
        if length < MIN {
            return Err(PasswordError::TooShort);
        }
        if length > MAX {
            return Err(PasswordError::TooLong);
        }
        if !input.chars().any(char::is_alphabetic) || !input.chars().any(|c| c.is_ascii_digit()) {
            return Err(PasswordError::TooSimple);
        }
        Ok(Self(input))
    }

    /// A password being checked: anything up to the length limit.
    pub fn attempt(input: String) -> Result<Self, PasswordError> {
        if input.chars().count() > MAX {
            Err(PasswordError::TooLong)
        } else {
            Ok(Self(input))
        }
    }

    /// argon2id (19 MiB, 2 passes), on the blocking pool: it takes tens of milliseconds.
    pub async fn hash(self) -> Result<String, ApiError> {
        tokio::task::spawn_blocking(move || {
            let salt = SaltString::generate(&mut OsRng);
            Argon2::default()
                .hash_password(self.0.as_bytes(), &salt)
                .map(|hash| hash.to_string())
        })
        .await
        .map_err(|_| ApiError::unavailable())?
        .map_err(|error| {
            tracing::error!(%error, "password hashing failed");
            ApiError::unavailable()
        })
    }

    /// Whether this is the password of `hash`. With no account (`None`) a
    /// dummy hash is checked, so that unknown usernames take as long as known ones.
    pub async fn verify(self, hash: Option<String>) -> bool {
        tokio::task::spawn_blocking(move || {
            let hash = hash.unwrap_or_else(|| DUMMY_HASH.clone());
            let Ok(parsed) = PasswordHash::new(&hash) else {
                return false;
            };
            Argon2::default()
                .verify_password(self.0.as_bytes(), &parsed)
                .is_ok()
        })
        .await
        .unwrap_or(false)
    }
}

/// The hash of a random password nobody knows, made once per process.
static DUMMY_HASH: LazyLock<String> = LazyLock::new(|| {
    let salt = SaltString::generate(&mut OsRng);
    let unknown = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(unknown.as_str().as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .unwrap_or_default()
});

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    TooShort,
    TooLong,
    TooSimple,
}

impl fmt::Display for PasswordError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl Rejection for PasswordError {
    fn code(&self) -> &'static str {
        match self {
            Self::TooShort => "password.too_short",
            Self::TooLong => "password.too_long",
            Self::TooSimple => "password.too_simple",
        }
    }

    fn message_zh(&self) -> Cow<'static, str> {
        match self {
            Self::TooShort => format!("密码至少 {MIN} 位。").into(),
            Self::TooLong => format!("密码不能超过 {MAX} 位。").into(),
            Self::TooSimple => "密码需同时包含字母和数字。".into(),
        }
    }

    fn message_en(&self) -> Cow<'static, str> {
        match self {
            Self::TooShort => format!("A password has at least {MIN} characters.").into(),
            Self::TooLong => format!("A password has at most {MAX} characters.").into(),
            Self::TooSimple => "A password needs both letters and digits.".into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_passwords_follow_the_policy() {
        assert_eq!(
            Password::new_password("short1".into()).unwrap_err(),
            PasswordError::TooShort
        );
        assert_eq!(
            Password::new_password("onlyletters".into()).unwrap_err(),
            PasswordError::TooSimple
        );
        assert_eq!(
            Password::new_password("1234567890".into()).unwrap_err(),
            PasswordError::TooSimple
        );
        assert_eq!(
            Password::new_password("a1".repeat(65)).unwrap_err(),
            PasswordError::TooLong
        );
        assert!(Password::new_password("学习使我快乐2023".into()).is_ok());
        assert_eq!(
            format!("{:?}", Password::attempt("secret".into()).unwrap()),
            "Password(<redacted>)"
        );
    }

    #[tokio::test]
    async fn a_hash_verifies_its_password_only() {
        let hash = Password::new_password("correct horse 1".into())
            .unwrap()
            .hash()
            .await
            .unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(
            Password::attempt("correct horse 1".into())
                .unwrap()
                .verify(Some(hash.clone()))
                .await
        );
        assert!(
            !Password::attempt("correct horse 2".into())
                .unwrap()
                .verify(Some(hash))
                .await
        );
        assert!(
            !Password::attempt("anything".into())
                .unwrap()
                .verify(None)
                .await
        );
    }
}
