//! Signed access to lesson media (issue 17): CloudFront signed URLs with a
//! custom policy. One signature covers one class hour's folder
//! (`{base}/lessons/{course}/{n}/*`) for a short while, so the same query
//! opens the hour's video, courseware and figures, and nothing else.
//!
//! CloudFront checks these at the edge with the public key in the
//! distribution's key group; the local server checks them with
//! [`MediaVerifier`], the same rule, so a test of the local platform tells
//! what a deployment does. The signature is RSA over SHA-1 of the policy
//! JSON: the algorithm every CloudFront partition (China's included)
//! accepts. SHA-1 signs a policy we wrote ourselves, where its collision
//! weakness buys an attacker nothing.

use std::fmt;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use jiff::{SignedDuration, Timestamp};
use rsa::pkcs1::{DecodeRsaPrivateKey, DecodeRsaPublicKey};
use rsa::pkcs8::{DecodePrivateKey, DecodePublicKey};
use rsa::{Pkcs1v15Sign, RsaPrivateKey, RsaPublicKey};
use serde::{Deserialize, Serialize};
use sha1::{Digest, Sha1};

/// How long a grant lasts: a lesson sitting, with room to pause. The page
/// asks for a new one when a link has expired; nothing else is needed to
/// revoke access, since every grant expires by itself.
pub const GRANT_LIFETIME: SignedDuration = SignedDuration::from_hours(2);

#[derive(Debug, thiserror::Error)]
pub enum MediaKeyError {
    #[error("the media key is not an RSA private key in PEM (PKCS#8 or PKCS#1)")]
    PrivateKey,
    #[error("the media base URL must not be empty or end with '/'")]
    BaseUrl,
}

/// Signs access to lesson folders; `Debug` shows the key id only.
pub struct MediaSigner {
    base_url: String,
    key_id: String,
    key: RsaPrivateKey,
}

impl fmt::Debug for MediaSigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "MediaSigner({} at {})", self.key_id, self.base_url)
    }
}

/// Access to one folder of media until `expires_at`: append `?{query}` to
/// any file URL under `folder_url`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaGrant {
    /// `{base}/{folder}/`, ending with a slash.
    pub folder_url: String,
    pub query: String,
    pub expires_at: Timestamp,
}

impl MediaGrant {
    /// The signed URL of `file` in the folder.
    pub fn url(&self, file: &str) -> String {
        format!("{}{file}?{}", self.folder_url, self.query)
    }
}

impl MediaSigner {
    /// `base_url`: where the media root is served (`https://…/media`, or
    /// `/media` on the local server); `key_id`: the CloudFront public key's ID.
    pub fn from_pem(base_url: &str, key_id: &str, pem: &str) -> Result<Self, MediaKeyError> {
        if base_url.is_empty() || base_url.ends_with('/') {
            return Err(MediaKeyError::BaseUrl);
        }
        let key = RsaPrivateKey::from_pkcs8_pem(pem)
            .or_else(|_| RsaPrivateKey::from_pkcs1_pem(pem))
            .map_err(|_| MediaKeyError::PrivateKey)?;
        Ok(Self {
            base_url: base_url.to_owned(),
            key_id: key_id.to_owned(),
            key,
        })
    }

    /// Access to `folder` (e.g. `lessons/draft-survey/3`) from `now` for
    /// [`GRANT_LIFETIME`].
    pub fn grant(&self, folder: &str, now: Timestamp) -> MediaGrant {
        let folder_url = format!("{}/{folder}/", self.base_url);
        let expires_at = now.saturating_add(GRANT_LIFETIME).expect("an hour ahead");
        let policy = Policy::for_resource(format!("{folder_url}*"), expires_at);
        let policy = serde_json::to_string(&policy).expect("a policy serialises");
        let signature = self
            .key
            .sign(
                Pkcs1v15Sign::new::<Sha1>(),
                &Sha1::digest(policy.as_bytes()),
            )
            .expect("an RSA key signs a SHA-1 digest");
        MediaGrant {
            query: format!(
                "Policy={}&Signature={}&Key-Pair-Id={}",
                url_safe(policy.as_bytes()),
                url_safe(&signature),
                self.key_id
            ),
            folder_url,
            expires_at,
        }
    }

    /// What checks this signer's grants: the public half, as CloudFront's key group holds it.
    pub fn verifier(&self) -> MediaVerifier {
        MediaVerifier {
            base_url: self.base_url.clone(),
            key_id: self.key_id.clone(),
            key: self.key.to_public_key(),
        }
    }
}

/// CloudFront's base64 for URLs: `+ = /` become `- _ ~`.
fn url_safe(bytes: &[u8]) -> String {
    STANDARD
        .encode(bytes)
        .chars()
        .map(|c| match c {
            '+' => '-',
            '=' => '_',
            '/' => '~',
            c => c,
        })
        .collect()
}

fn from_url_safe(text: &str) -> Option<Vec<u8>> {
    let standard: String = text
        .chars()
        .map(|c| match c {
            '-' => '+',
            '_' => '=',
            '~' => '/',
            c => c,
        })
        .collect();
    STANDARD.decode(standard).ok()
}

/// A custom policy, field for field as CloudFront reads it. Conditions we
/// never write (`IpAddress`) are refused rather than ignored.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Policy {
    #[serde(rename = "Statement")]
    statement: Vec<Statement>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Statement {
    #[serde(rename = "Resource")]
    resource: String,
    #[serde(rename = "Condition")]
    condition: Condition,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Condition {
    #[serde(rename = "DateLessThan")]
    date_less_than: EpochTime,
    #[serde(
        rename = "DateGreaterThan",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    date_greater_than: Option<EpochTime>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct EpochTime {
    #[serde(rename = "AWS:EpochTime")]
    seconds: i64,
}

impl Policy {
    fn for_resource(resource: String, expires_at: Timestamp) -> Self {
        Self {
            statement: vec![Statement {
                resource,
                condition: Condition {
                    date_less_than: EpochTime {
                        seconds: expires_at.as_second(),
                    },
                    date_greater_than: None,
                },
            }],
        }
    }
}

/// Why a media request is refused (all answered 403, as CloudFront does).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum MediaDenied {
    #[error("the request carries no signed policy")]
    Unsigned,
    #[error("the policy is signed by a key this server does not trust")]
    UnknownKey,
    #[error("the signature does not match the policy")]
    BadSignature,
    #[error("the policy has expired or is not valid yet")]
    Expired,
    #[error("the policy grants another resource")]
    OtherResource,
}

/// Checks signed media requests with the public key.
#[derive(Clone)]
pub struct MediaVerifier {
    base_url: String,
    key_id: String,
    key: RsaPublicKey,
}

impl fmt::Debug for MediaVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "MediaVerifier({})", self.key_id)
    }
}

impl MediaVerifier {
    /// A verifier of `key_id`'s public key (SPKI or PKCS#1 PEM).
    pub fn from_public_pem(base_url: &str, key_id: &str, pem: &str) -> Option<Self> {
        let key = RsaPublicKey::from_public_key_pem(pem)
            .or_else(|_| RsaPublicKey::from_pkcs1_pem(pem))
            .ok()?;
        Some(Self {
            base_url: base_url.to_owned(),
            key_id: key_id.to_owned(),
            key,
        })
    }

    /// Whether a request for `path` under the media root (`lessons/…/x.mp4`)
    /// with the query string `query` may be served at `now`.
    pub fn check(
        &self,
        path: &str,
        query: Option<&str>,
        now: Timestamp,
    ) -> Result<(), MediaDenied> {
        let (mut policy, mut signature, mut key_id) = (None, None, None);
        for pair in query.unwrap_or_default().split('&') {
            match pair.split_once('=') {
                Some(("Policy", value)) => policy = Some(value),
                Some(("Signature", value)) => signature = Some(value),
                Some(("Key-Pair-Id", value)) => key_id = Some(value),
                _ => {}
            }
        }
        let (Some(policy), Some(signature), Some(key_id)) = (policy, signature, key_id) else {
            return Err(MediaDenied::Unsigned);
        };
        if key_id != self.key_id {
            return Err(MediaDenied::UnknownKey);
        }
        let policy = from_url_safe(policy).ok_or(MediaDenied::BadSignature)?;
        let signature = from_url_safe(signature).ok_or(MediaDenied::BadSignature)?;
        self.key
            .verify(
                Pkcs1v15Sign::new::<Sha1>(),
                &Sha1::digest(&policy),
                &signature,
            )
            .map_err(|_| MediaDenied::BadSignature)?;
        // Signed by us, so well formed; refused all the same if not.
        let policy: Policy =
            serde_json::from_slice(&policy).map_err(|_| MediaDenied::BadSignature)?;
        let [statement] = policy.statement.as_slice() else {
            return Err(MediaDenied::BadSignature);
        };
        let now = now.as_second();
        let condition = &statement.condition;
        if now >= condition.date_less_than.seconds
            || condition
                .date_greater_than
                .as_ref()
                .is_some_and(|from| now <= from.seconds)
        {
            return Err(MediaDenied::Expired);
        }
        let url = format!("{}/{path}", self.base_url);
        if !wildcard_matches(&statement.resource, &url) {
            return Err(MediaDenied::OtherResource);
        }
        Ok(())
    }
}

/// CloudFront's resource patterns: `*` stands for any run of characters
/// (none included), `?` for exactly one.
fn wildcard_matches(pattern: &str, text: &str) -> bool {
    let (pattern, text): (Vec<char>, Vec<char>) =
        (pattern.chars().collect(), text.chars().collect());
    let (mut p, mut t) = (0, 0);
    // Where the last `*` was, and how much of the text it has taken so far.
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        match pattern.get(p) {
            Some('*') => {
                star = Some((p, t));
                p += 1;
            }
            Some(&c) if c == '?' || c == text[t] => {
                p += 1;
                t += 1;
            }
            _ => match star {
                Some((star_p, star_t)) => {
                    p = star_p + 1;
                    t = star_t + 1;
                    star = Some((star_p, star_t + 1));
                }
                None => return false,
            },
        }
    }
    pattern[p..].iter().all(|&c| c == '*')
}

#[cfg(test)]
mod tests;
