//! Access tokens: short-lived HS256 JWTs signed with the active key of a key
//! ring. Each token names its key (`kid`), so keys rotate without logging
//! anyone out: add the new key, make it active, drop the old one after the
//! token lifetime.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use axum::extract::{FromRef, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use jiff::Timestamp;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use ticedu_domain::staff::{DisplayName, StaffAction, StaffName, StaffRoles};
use ticedu_store::ids::LearnerId;
use ticedu_store::records::{AuditAction, AuditEntry, Learner};
use ticedu_store::{LearnerStore, Refusal, StaffStore};

use crate::config::Platform;
use crate::error::ApiError;
use crate::state::AppState;

const ISSUER: &str = "ticedu";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Learner,
    /// Association staff (协会), logged in with password and TOTP code.
    Staff,
    /// A staff member who gave the right password but has yet to enrol an
    /// authenticator app: this token opens the enrolment and nothing else.
    StaffEnrolment,
}

/// What a token says. `sub` is a random account id, never personal data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    pub sub: String,
    pub role: Role,
    pub iss: String,
    pub iat: i64,
    pub exp: i64,
}

/// A signing secret; `Debug` never prints it.
#[derive(Clone)]
pub struct Secret(Vec<u8>);

impl Secret {
    /// At least 32 bytes: HS256 is as strong as its key.
    pub fn new(bytes: Vec<u8>) -> Option<Self> {
        (bytes.len() >= 32).then_some(Self(bytes))
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

#[derive(Clone)]
pub struct TokenKeys {
    active_kid: String,
    encoding: EncodingKey,
    decoding: HashMap<String, DecodingKey>,
    lifetime_seconds: i64,
}

impl fmt::Debug for TokenKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenKeys")
            .field("active_kid", &self.active_kid)
            .field("kids", &self.decoding.keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    #[error("no token")]
    Missing,
    #[error("token expired")]
    Expired,
    #[error("token invalid")]
    Invalid,
}

impl TokenKeys {
    /// `keys` maps key ids to secrets; `active_kid` signs new tokens.
    pub fn new(
        keys: HashMap<String, Secret>,
        active_kid: &str,
        lifetime_seconds: i64,
    ) -> Option<Self> {
        let active = keys.get(active_kid)?;
        Some(Self {
            active_kid: active_kid.to_owned(),
            encoding: EncodingKey::from_secret(&active.0),
            decoding: keys
                .iter()
                .map(|(kid, secret)| (kid.clone(), DecodingKey::from_secret(&secret.0)))
                .collect(),
            lifetime_seconds,
        })
    }

    pub fn lifetime_seconds(&self) -> i64 {
        self.lifetime_seconds
    }

    /// A token of the configured lifetime.
    pub fn issue(&self, subject: &str, role: Role, now: Timestamp) -> String {
        self.issue_for(subject, role, now, self.lifetime_seconds)
    }

    /// A token lasting `lifetime_seconds`: staff sessions are shorter.
    pub fn issue_for(
        &self,
        subject: &str,
        role: Role,
        now: Timestamp,
        lifetime_seconds: i64,
    ) -> String {
        let mut header = Header::new(Algorithm::HS256);
        header.kid = Some(self.active_kid.clone());
        let claims = Claims {
            sub: subject.to_owned(),
            role,
            iss: ISSUER.to_owned(),
            iat: now.as_second(),
            exp: now.as_second() + lifetime_seconds,
        };
        jsonwebtoken::encode(&header, &claims, &self.encoding)
            .expect("HS256 signing with a byte key cannot fail")
    }

    /// Checks signature, algorithm (HS256 only: `none` and others are refused),
    /// key id, issuer and expiry against `now` (the platform's clock, which
    /// tests and demos may fix).
    pub fn verify(&self, token: &str, now: Timestamp) -> Result<Claims, TokenError> {
        let header = jsonwebtoken::decode_header(token).map_err(|_| TokenError::Invalid)?;
        if header.alg != Algorithm::HS256 {
            return Err(TokenError::Invalid);
        }
        let key = header
            .kid
            .as_deref()
            .and_then(|kid| self.decoding.get(kid))
            .ok_or(TokenError::Invalid)?;
        let mut validation = Validation::new(Algorithm::HS256);
        validation.validate_exp = false;
        validation.set_issuer(&[ISSUER]);
        validation.set_required_spec_claims(&["exp", "iss", "sub"]);
        let claims = jsonwebtoken::decode::<Claims>(token, key, &validation)
            .map_err(|_| TokenError::Invalid)?
            .claims;
        if claims.exp <= now.as_second() {
            return Err(TokenError::Expired);
        }
        Ok(claims)
    }
}

fn bearer(parts: &Parts) -> Result<&str, TokenError> {
    let value = parts
        .headers
        .get(header::AUTHORIZATION)
        .ok_or(TokenError::Missing)?;
    let value = value.to_str().map_err(|_| TokenError::Invalid)?;
    match value.split_once(' ') {
        Some((scheme, token))
            if scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty() =>
        {
            Ok(token.trim())
        }
        _ => Err(TokenError::Invalid),
    }
}

impl From<TokenError> for ApiError {
    fn from(error: TokenError) -> Self {
        let (code, zh, en) = match error {
            TokenError::Missing => ("auth.missing_token", "请先登录。", "Please log in."),
            TokenError::Expired => (
                "auth.token_expired",
                "登录已过期，请重新登录。",
                "Your session expired; please log in again.",
            ),
            TokenError::Invalid => (
                "auth.invalid_token",
                "登录凭证无效，请重新登录。",
                "The access token is invalid; please log in again.",
            ),
        };
        let mut error = ApiError::new(StatusCode::UNAUTHORIZED, code, zh, en);
        error.retry_after = None;
        error
    }
}

/// The verified claims of the request's bearer token, whatever its role.
pub fn claims<S>(parts: &Parts, state: &S) -> Result<Claims, ApiError>
where
    Arc<Platform>: FromRef<S>,
{
    let platform = Arc::<Platform>::from_ref(state);
    Ok(platform
        .tokens
        .verify(bearer(parts)?, platform.clock.now())?)
}

/// A request made by a logged-in learner.
#[derive(Debug, Clone)]
pub struct AuthLearner {
    pub id: LearnerId,
}

impl<S: Send + Sync> FromRequestParts<S> for AuthLearner
where
    Arc<Platform>: FromRef<S>,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let claims = claims(parts, state)?;
        if claims.role != Role::Learner {
            return Err(forbidden());
        }
        let id = LearnerId::parse(&claims.sub).map_err(|_| ApiError::from(TokenError::Invalid))?;
        Ok(Self { id })
    }
}

impl AuthLearner {
    /// The logged-in learner's record: `account.not_found` if the account is
    /// gone although its token is still valid.
    pub async fn learner<S: LearnerStore>(&self, store: &S) -> Result<Learner, ApiError> {
        store
            .learner(&self.id)
            .await?
            .ok_or_else(|| ApiError::from(Refusal::UnknownLearner))
    }
}

/// A request made by a logged-in member of the association's staff, whose
/// account is still enabled: read from the store on every request, so that
/// disabling an account or changing its roles takes effect at once.
#[derive(Debug, Clone)]
pub struct AuthStaff {
    pub name: StaffName,
    pub display_name: DisplayName,
    pub roles: StaffRoles,
}

impl<S: StaffStore> FromRequestParts<AppState<S>> for AuthStaff {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState<S>) -> Result<Self, ApiError> {
        let claims = claims(parts, state)?;
        if claims.role != Role::Staff {
            return Err(forbidden());
        }
        let name =
            StaffName::parse(&claims.sub).map_err(|_| ApiError::from(TokenError::Invalid))?;
        let account = state.store.staff_account(&name).await?;
        match account {
            Some(account) if !account.disabled && account.totp.is_active() => Ok(Self {
                name: account.name,
                display_name: account.display_name,
                roles: account.roles,
            }),
            _ => Err(ApiError::from(TokenError::Invalid)),
        }
    }
}

impl AuthStaff {
    /// Refused with `auth.forbidden` unless one of this account's roles may do `action`.
    pub fn may(&self, action: StaffAction) -> Result<(), ApiError> {
        if action.allowed_to(&self.roles) {
            Ok(())
        } else {
            Err(forbidden())
        }
    }

    /// An audit entry of `action` by this staff member, at `at`.
    pub fn audit(&self, action: AuditAction, at: Timestamp) -> AuditEntry {
        AuditEntry::new(&self.name, action, at)
    }
}

/// 403 `auth.forbidden`.
pub fn forbidden() -> ApiError {
    ApiError::new(
        StatusCode::FORBIDDEN,
        "auth.forbidden",
        "您没有权限进行此操作。",
        "You may not do this.",
    )
}

#[cfg(test)]
mod tests {
    use base64::Engine;

    use super::*;

    fn keys(kids: &[(&str, u8)], active: &str) -> TokenKeys {
        let keys = kids
            .iter()
            .map(|(kid, byte)| ((*kid).to_owned(), Secret::new(vec![*byte; 32]).unwrap()))
            .collect();
        TokenKeys::new(keys, active, 3600).unwrap()
    }

    fn now() -> Timestamp {
        Timestamp::from_second(1_800_000_000).unwrap()
    }

    #[test]
    fn a_token_verifies_until_it_expires() {
        let keys = keys(&[("k1", 1)], "k1");
        let token = keys.issue("a".repeat(32).as_str(), Role::Learner, now());
        assert_eq!(keys.verify(&token, now()).unwrap().role, Role::Learner);
        let later = Timestamp::from_second(now().as_second() + 3600).unwrap();
        assert_eq!(keys.verify(&token, later), Err(TokenError::Expired));
    }

    #[test]
    fn tokens_of_a_rotated_out_key_or_another_secret_are_refused() {
        let old = keys(&[("k1", 1)], "k1");
        let token = old.issue("x", Role::Learner, now());
        let rotated = keys(&[("k1", 1), ("k2", 2)], "k2");
        assert!(
            rotated.verify(&token, now()).is_ok(),
            "old tokens stay valid while their key is in the ring"
        );
        let dropped = keys(&[("k2", 2)], "k2");
        assert_eq!(dropped.verify(&token, now()), Err(TokenError::Invalid));
        let forged = keys(&[("k1", 9)], "k1");
        assert_eq!(forged.verify(&token, now()), Err(TokenError::Invalid));
    }

    #[test]
    fn a_tampered_payload_and_alg_none_are_refused() {
        let keys = keys(&[("k1", 1)], "k1");
        let token = keys.issue("x", Role::Learner, now());
        let engine = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let mut parts: Vec<String> = token.split('.').map(str::to_owned).collect();
        let payload = String::from_utf8(engine.decode(&parts[1]).unwrap())
            .unwrap()
            .replace("learner", "staff");
        parts[1] = engine.encode(payload);
        assert_eq!(
            keys.verify(&parts.join("."), now()),
            Err(TokenError::Invalid)
        );
        let none_header = engine.encode(r#"{"alg":"none","typ":"JWT","kid":"k1"}"#);
        assert_eq!(
            keys.verify(&format!("{none_header}.{}.", parts[1]), now()),
            Err(TokenError::Invalid)
        );
    }
}
