//! Access tokens: short-lived EdDSA (Ed25519) JWTs. Only the functions that
//! log people in (accounts for learners, admin for staff) hold a signing key
//! ([`TokenSigner`]); every function checks tokens against a ring of public
//! keys by `kid` ([`TokenVerifier`]). A flaw in a function that only checks
//! tokens therefore cannot mint one, and a new signing key leaves the old
//! key's tokens valid while its public key stays in the ring.
//!
//! Each token carries a stamp of the account's password hash
//! ([`PasswordStamp`]): a new password (a new hash, with a new salt) makes
//! every token issued before it stale, which is how a password change or a
//! recovery ends a learner's other sessions in one write (the hash), with no
//! search for their sessions. A learner's token also names its session
//! (`sid`, a record in the store): log-out ends that one session.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use ed25519_dalek::pkcs8::DecodePrivateKey;
use jiff::Timestamp;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

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

/// What a token says. `sub` is a random account id (or a staff login name),
/// never personal data; `pwv` is the [`PasswordStamp`] it was issued under;
/// `sid` the learner's session (staff tokens have none).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    pub sub: String,
    pub role: Role,
    pub pwv: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sid: Option<String>,
    pub iss: String,
    pub iat: i64,
    pub exp: i64,
}

/// A short digest of an account's password hash (SHA-256 of its PHC string,
/// 96 bits, base64url). The PHC string holds a random salt, so the stamp
/// tells nothing about the password, yet it changes with every new password.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasswordStamp(String);

impl PasswordStamp {
    pub fn of(password_hash: &str) -> Self {
        let digest = Sha256::digest(password_hash.as_bytes());
        Self(URL_SAFE_NO_PAD.encode(&digest[..12]))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The stamp `claims` were issued under.
    pub fn from_claims(claims: &Claims) -> Self {
        Self(claims.pwv.clone())
    }

    /// Whether `claims` were issued under this stamp.
    pub fn admits(&self, claims: &Claims) -> bool {
        claims.pwv == self.0
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
    /// The account's password changed after the token was issued.
    #[error("password changed since the token was issued")]
    PasswordChanged,
    /// The learner logged out of the token's session (or it is gone).
    #[error("the session ended")]
    SessionEnded,
    /// A cookie-authenticated request that changes something, without the
    /// header only the site's own pages send (`crate::session`).
    #[error("no CSRF header")]
    CrossSite,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenKeyError {
    #[error("the token signing key is not an Ed25519 PKCS#8 PEM key")]
    SigningKey,
    #[error("expected kid:base64-raw-Ed25519-public-key[,…]")]
    PublicKeys,
    #[error("the key id {0:?} appears twice")]
    DuplicateKid(String),
    #[error("no public key")]
    Empty,
}

/// An Ed25519 public key's raw 32 bytes.
pub type PublicKey = [u8; 32];

/// The private key that signs access tokens, and its key id; `Debug` names
/// only the key id.
pub struct TokenSigner {
    kid: String,
    encoding: EncodingKey,
    public: PublicKey,
}

impl fmt::Debug for TokenSigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TokenSigner({})", self.kid)
    }
}

impl TokenSigner {
    pub fn from_pem(kid: &str, pem: &str) -> Result<Self, TokenKeyError> {
        let key = ed25519_dalek::SigningKey::from_pkcs8_pem(pem)
            .map_err(|_| TokenKeyError::SigningKey)?;
        let encoding =
            EncodingKey::from_ed_pem(pem.as_bytes()).map_err(|_| TokenKeyError::SigningKey)?;
        Ok(Self {
            kid: kid.trim().to_owned(),
            encoding,
            public: key.verifying_key().to_bytes(),
        })
    }

    pub fn kid(&self) -> &str {
        &self.kid
    }

    pub fn public_key(&self) -> PublicKey {
        self.public
    }

    /// A token for `subject` in `role`, stamped with `stamp`, lasting
    /// `lifetime_seconds` from `now`.
    pub fn issue(
        &self,
        subject: &str,
        role: Role,
        stamp: &PasswordStamp,
        now: Timestamp,
        lifetime_seconds: i64,
    ) -> String {
        self.sign(&Claims {
            sub: subject.to_owned(),
            role,
            pwv: stamp.as_str().to_owned(),
            sid: None,
            iss: ISSUER.to_owned(),
            iat: now.as_second(),
            exp: now.as_second() + lifetime_seconds,
        })
    }

    /// A learner's token for `session`, stamped with `stamp`, ending with
    /// the session at `ends_at`.
    pub fn issue_for_session(
        &self,
        learner: &str,
        session: &str,
        stamp: &PasswordStamp,
        now: Timestamp,
        ends_at: Timestamp,
    ) -> String {
        self.sign(&Claims {
            sub: learner.to_owned(),
            role: Role::Learner,
            pwv: stamp.as_str().to_owned(),
            sid: Some(session.to_owned()),
            iss: ISSUER.to_owned(),
            iat: now.as_second(),
            exp: ends_at.as_second(),
        })
    }

    fn sign(&self, claims: &Claims) -> String {
        let mut header = Header::new(Algorithm::EdDSA);
        header.kid = Some(self.kid.clone());
        jsonwebtoken::encode(&header, claims, &self.encoding)
            .expect("EdDSA signing of serialisable claims")
    }
}

/// The public keys tokens are checked against, by key id.
#[derive(Clone)]
pub struct TokenVerifier {
    keys: BTreeMap<String, (PublicKey, DecodingKey)>,
    /// Tokens whose signature this ring already checked, by their exact
    /// text: a learner's page sends the same token with every call, and an
    /// Ed25519 check was a fifth of a 学过了 mark's server time under load.
    /// The ring never changes, so a token that verified once verifies
    /// again; its expiry is still checked at every call.
    verified: Arc<Mutex<HashMap<Box<str>, Claims>>>,
}

/// Verified tokens remembered at most; the memory is emptied when full
/// (a few hundred bytes a token, so well under a megabyte).
const VERIFIED_TOKENS: usize = 2_048;

impl fmt::Debug for TokenVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenVerifier")
            .field("kids", &self.keys.keys().collect::<Vec<_>>())
            .finish()
    }
}

impl std::str::FromStr for TokenVerifier {
    type Err = TokenKeyError;

    /// `kid:base64(raw public key)[,kid:…]` (standard base64, as
    /// `infra/keys.sh` prints it; base64url is read too).
    fn from_str(text: &str) -> Result<Self, TokenKeyError> {
        let keys = text
            .split(',')
            .map(str::trim)
            .filter(|entry| !entry.is_empty())
            .map(|entry| {
                let (kid, key) = entry.split_once(':').ok_or(TokenKeyError::PublicKeys)?;
                let key = key.trim();
                let bytes = STANDARD
                    .decode(key)
                    .or_else(|_| URL_SAFE_NO_PAD.decode(key))
                    .map_err(|_| TokenKeyError::PublicKeys)?;
                let key =
                    PublicKey::try_from(bytes.as_slice()).map_err(|_| TokenKeyError::PublicKeys)?;
                Ok((kid.trim().to_owned(), key))
            })
            .collect::<Result<Vec<_>, _>>()?;
        Self::new(keys)
    }
}

impl TokenVerifier {
    pub fn new(keys: impl IntoIterator<Item = (String, PublicKey)>) -> Result<Self, TokenKeyError> {
        let mut ring = BTreeMap::new();
        for (kid, key) in keys {
            if kid.is_empty() || ed25519_dalek::VerifyingKey::from_bytes(&key).is_err() {
                return Err(TokenKeyError::PublicKeys);
            }
            let decoding = DecodingKey::from_ed_components(&URL_SAFE_NO_PAD.encode(key))
                .map_err(|_| TokenKeyError::PublicKeys)?;
            if ring.insert(kid.clone(), (key, decoding)).is_some() {
                return Err(TokenKeyError::DuplicateKid(kid));
            }
        }
        if ring.is_empty() {
            return Err(TokenKeyError::Empty);
        }
        Ok(Self {
            keys: ring,
            verified: Arc::default(),
        })
    }

    /// Whether the ring holds `signer`'s public key under its key id: a
    /// signer whose tokens the other functions would refuse is misconfigured.
    pub fn trusts(&self, signer: &TokenSigner) -> bool {
        self.keys
            .get(signer.kid())
            .is_some_and(|(key, _)| *key == signer.public_key())
    }

    /// Checks the signature (EdDSA only: `alg` is pinned, so neither `none`
    /// nor an HMAC over a public key passes), the key id, the issuer and the
    /// expiry against `now` (the platform's clock, which tests may fix).
    pub fn verify(&self, token: &str, now: Timestamp) -> Result<Claims, TokenError> {
        let remembered = self.verified().get(token).cloned();
        let claims = match remembered {
            Some(claims) => claims,
            None => {
                let claims = self.check_signature(token)?;
                let mut verified = self.verified();
                if verified.len() >= VERIFIED_TOKENS {
                    verified.clear();
                }
                verified.insert(token.into(), claims.clone());
                claims
            }
        };
        if claims.exp <= now.as_second() {
            return Err(TokenError::Expired);
        }
        Ok(claims)
    }

    fn verified(&self) -> std::sync::MutexGuard<'_, HashMap<Box<str>, Claims>> {
        // The map is whole after any panic (one insert or clear at a time).
        self.verified.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The claims of a token signed by a key of the ring, before its expiry is checked.
    fn check_signature(&self, token: &str) -> Result<Claims, TokenError> {
        let header = jsonwebtoken::decode_header(token).map_err(|_| TokenError::Invalid)?;
        if header.alg != Algorithm::EdDSA {
            return Err(TokenError::Invalid);
        }
        let (_, key) = header
            .kid
            .as_deref()
            .and_then(|kid| self.keys.get(kid))
            .ok_or(TokenError::Invalid)?;
        let mut validation = Validation::new(Algorithm::EdDSA);
        validation.validate_exp = false;
        validation.set_issuer(&[ISSUER]);
        validation.set_required_spec_claims(&["exp", "iss", "sub"]);
        jsonwebtoken::decode::<Claims>(token, key, &validation)
            .map(|data| data.claims)
            .map_err(|_| TokenError::Invalid)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An Ed25519 key from a fixed seed, as PKCS#8 PEM.
    fn signer(kid: &str, seed: u8) -> TokenSigner {
        use ed25519_dalek::pkcs8::EncodePrivateKey;
        let key = ed25519_dalek::SigningKey::from_bytes(&[seed; 32]);
        let pem = key
            .to_pkcs8_pem(ed25519_dalek::pkcs8::spki::der::pem::LineEnding::LF)
            .unwrap();
        TokenSigner::from_pem(kid, &pem).unwrap()
    }

    fn ring(signers: &[&TokenSigner]) -> TokenVerifier {
        TokenVerifier::new(signers.iter().map(|s| (s.kid().to_owned(), s.public_key()))).unwrap()
    }

    fn now() -> Timestamp {
        Timestamp::from_second(1_800_000_000).unwrap()
    }

    fn stamp() -> PasswordStamp {
        PasswordStamp::of("$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA")
    }

    #[test]
    fn a_token_verifies_until_it_expires() {
        let signer = signer("k1", 1);
        let token = signer.issue("a", Role::Learner, &stamp(), now(), 3600);
        let claims = ring(&[&signer]).verify(&token, now()).unwrap();
        assert_eq!(claims.role, Role::Learner);
        assert!(stamp().admits(&claims));
        let later = Timestamp::from_second(now().as_second() + 3600).unwrap();
        assert_eq!(
            ring(&[&signer]).verify(&token, later),
            Err(TokenError::Expired)
        );
    }

    #[test]
    fn a_remembered_token_still_expires_and_remembers_nothing_for_its_look_alikes() {
        let signer = signer("k1", 1);
        let ring = ring(&[&signer]);
        let token = signer.issue("a", Role::Learner, &stamp(), now(), 3600);
        let claims = ring.verify(&token, now()).unwrap();
        assert_eq!(
            ring.verify(&token, now()),
            Ok(claims.clone()),
            "again, remembered"
        );
        let later = Timestamp::from_second(now().as_second() + 3600).unwrap();
        assert_eq!(ring.verify(&token, later), Err(TokenError::Expired));
        // Same header and signature, another payload: not the remembered text.
        let mut parts: Vec<&str> = token.split('.').collect();
        let staff = URL_SAFE_NO_PAD.encode(
            serde_json::to_vec(&Claims {
                role: Role::Staff,
                ..claims.clone()
            })
            .unwrap(),
        );
        parts[1] = &staff;
        assert_eq!(
            ring.verify(&parts.join("."), now()),
            Err(TokenError::Invalid)
        );
        // More tokens than it remembers: the memory empties, tokens still verify.
        let many: Vec<String> = (0..VERIFIED_TOKENS + 10)
            .map(|i| signer.issue(&format!("l{i}"), Role::Learner, &stamp(), now(), 3600))
            .collect();
        for token in &many {
            assert!(ring.verify(token, now()).is_ok());
        }
        assert!(ring.verified().len() <= VERIFIED_TOKENS);
        assert_eq!(ring.verify(&token, now()), Ok(claims));
    }

    #[test]
    fn tokens_of_a_retired_key_verify_until_its_public_key_leaves_the_ring() {
        let (old, new) = (signer("k1", 1), signer("k2", 2));
        let token = old.issue("x", Role::Learner, &stamp(), now(), 3600);
        assert!(ring(&[&old, &new]).verify(&token, now()).is_ok());
        assert_eq!(
            ring(&[&new]).verify(&token, now()),
            Err(TokenError::Invalid)
        );
        let impostor = signer("k1", 9);
        assert_eq!(
            ring(&[&impostor]).verify(&token, now()),
            Err(TokenError::Invalid),
            "another key under the same kid"
        );
        assert!(ring(&[&old, &new]).trusts(&new));
        assert!(!ring(&[&impostor]).trusts(&old));
    }

    #[test]
    fn a_tampered_payload_alg_none_and_hs256_over_the_public_key_are_refused() {
        let signer = signer("k1", 1);
        let ring = ring(&[&signer]);
        let token = signer.issue("x", Role::Learner, &stamp(), now(), 3600);
        let mut parts: Vec<String> = token.split('.').map(str::to_owned).collect();
        let payload = String::from_utf8(URL_SAFE_NO_PAD.decode(&parts[1]).unwrap())
            .unwrap()
            .replace("learner", "staff");
        parts[1] = URL_SAFE_NO_PAD.encode(&payload);
        assert_eq!(
            ring.verify(&parts.join("."), now()),
            Err(TokenError::Invalid)
        );
        let none = URL_SAFE_NO_PAD.encode(r#"{"alg":"none","typ":"JWT","kid":"k1"}"#);
        assert_eq!(
            ring.verify(&format!("{none}.{}.", parts[1]), now()),
            Err(TokenError::Invalid)
        );
        let mut header = Header::new(Algorithm::HS256);
        header.kid = Some("k1".to_owned());
        let claims: Claims = serde_json::from_str(&payload).unwrap();
        let hmac = jsonwebtoken::encode(
            &header,
            &claims,
            &EncodingKey::from_secret(&signer.public_key()),
        )
        .unwrap();
        assert_eq!(ring.verify(&hmac, now()), Err(TokenError::Invalid));
    }

    #[test]
    fn public_keys_are_read_from_kid_colon_base64() {
        let (a, b) = (signer("a", 1), signer("b", 2));
        let text = format!(
            "a:{}, b:{}",
            STANDARD.encode(a.public_key()),
            URL_SAFE_NO_PAD.encode(b.public_key())
        );
        let ring: TokenVerifier = text.parse().unwrap();
        assert!(ring.trusts(&a) && ring.trusts(&b));
        assert_eq!(
            "a:not-a-key".parse::<TokenVerifier>().unwrap_err(),
            TokenKeyError::PublicKeys
        );
        assert_eq!(
            "".parse::<TokenVerifier>().unwrap_err(),
            TokenKeyError::Empty
        );
        let twice = format!("a:{0},a:{0}", STANDARD.encode(a.public_key()));
        assert_eq!(
            twice.parse::<TokenVerifier>().unwrap_err(),
            TokenKeyError::DuplicateKid("a".to_owned())
        );
    }

    #[test]
    fn a_new_password_hash_gives_a_new_stamp() {
        let first = PasswordStamp::of("$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA");
        let second = PasswordStamp::of("$argon2id$v=19$m=19456,t=2,p=1$c2FsdDI$aGFzaA");
        assert_ne!(first, second);
        assert_eq!(first.as_str().len(), 16);
    }
}
