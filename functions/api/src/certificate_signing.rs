//! Offline-verifiable certificates: an Ed25519 signature over a
//! certificate's public fields, and the public keys as a JWKS for
//! `/.well-known/jwks.json`. A verifier needs neither the API nor the
//! database. The JWKS lists the current key and every retired one: a
//! certificate printed before a rotation still verifies.
//!
//! Two forms of the same signature: an EdDSA JWT carrying the fields (the
//! owner's `token`, and the `t=` of links printed before 2026-12), and the
//! bare 64-byte signature over a canonical text of the fields
//! ([`CertificateSigner::sign_detached`]): the fields are already printed on
//! the certificate and answered by the verification page, so the link's QR
//! code need carry only the number and 86 characters of signature — a QR
//! code a third the size of the JWT's, quicker to draw and to scan.

use std::fmt;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ed25519_dalek::Signer;
use ed25519_dalek::pkcs8::DecodePrivateKey;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

/// The signing key of certificates; `Debug` names only its key id.
pub struct CertificateSigner {
    kid: String,
    encoding: EncodingKey,
    key: ed25519_dalek::SigningKey,
    /// The raw public key, base64url: the JWK's `x`.
    x: String,
    /// Retired keys' ids and `x`, still published.
    retired: Vec<(String, String)>,
}

impl fmt::Debug for CertificateSigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CertificateSigner({})", self.kid)
    }
}

#[derive(Debug, thiserror::Error)]
#[error("the certificate signing key is not an Ed25519 PKCS#8 PEM key")]
pub struct SigningKeyError;

#[derive(Debug, thiserror::Error)]
#[error("expected kid:base64(raw Ed25519 public key)[,…], each kid once and not the current one")]
pub struct RetiredKeysError;

impl CertificateSigner {
    pub fn from_pem(kid: &str, pem: &str) -> Result<Self, SigningKeyError> {
        let key = ed25519_dalek::SigningKey::from_pkcs8_pem(pem).map_err(|_| SigningKeyError)?;
        let x = URL_SAFE_NO_PAD.encode(key.verifying_key().to_bytes());
        let encoding = EncodingKey::from_ed_pem(pem.as_bytes()).map_err(|_| SigningKeyError)?;
        Ok(Self {
            kid: kid.trim().to_owned(),
            encoding,
            key,
            x,
            retired: Vec::new(),
        })
    }

    /// With the retired public keys `text` lists (`kid:base64(raw key)[,…]`,
    /// standard base64 or base64url); the current key id may not be among them.
    pub fn with_retired(mut self, text: &str) -> Result<Self, RetiredKeysError> {
        for entry in text.split(',').map(str::trim).filter(|e| !e.is_empty()) {
            let (kid, key) = entry.split_once(':').ok_or(RetiredKeysError)?;
            let (kid, key) = (kid.trim(), key.trim());
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(key)
                .or_else(|_| URL_SAFE_NO_PAD.decode(key))
                .map_err(|_| RetiredKeysError)?;
            let bytes: [u8; 32] = bytes.try_into().map_err(|_| RetiredKeysError)?;
            ed25519_dalek::VerifyingKey::from_bytes(&bytes).map_err(|_| RetiredKeysError)?;
            if kid.is_empty() || kid == self.kid || self.retired.iter().any(|(k, _)| k == kid) {
                return Err(RetiredKeysError);
            }
            self.retired
                .push((kid.to_owned(), URL_SAFE_NO_PAD.encode(bytes)));
        }
        Ok(self)
    }

    pub fn kid(&self) -> &str {
        &self.kid
    }

    /// The claims of `token` if it is signed by the current key or a retired
    /// one, as an offline verifier holding the JWKS would find.
    pub fn verify<C: DeserializeOwned>(&self, token: &str) -> Option<C> {
        let kid = jsonwebtoken::decode_header(token).ok()?.kid?;
        let x = self.keys().find(|(k, _)| *k == kid)?.1;
        let key = DecodingKey::from_ed_components(x).ok()?;
        let mut validation = Validation::new(Algorithm::EdDSA);
        validation.validate_exp = false;
        validation.required_spec_claims.clear();
        jsonwebtoken::decode::<C>(token, &key, &validation)
            .ok()
            .map(|data| data.claims)
    }

    /// The current key, then the retired ones: (kid, x).
    fn keys(&self) -> impl Iterator<Item = (&str, &str)> {
        std::iter::once((self.kid.as_str(), self.x.as_str())).chain(
            self.retired
                .iter()
                .map(|(kid, x)| (kid.as_str(), x.as_str())),
        )
    }

    /// The Ed25519 signature of `message` with the current key, base64url
    /// without padding (86 characters). No key id travels with it: a
    /// verifier tries each key of the JWKS (a handful at most).
    pub fn sign_detached(&self, message: &[u8]) -> String {
        URL_SAFE_NO_PAD.encode(self.key.sign(message).to_bytes())
    }

    /// Whether `signature` (as [`Self::sign_detached`] gives it) is the
    /// signature of `message` by the current key or a retired one.
    pub fn verify_detached(&self, message: &[u8], signature: &str) -> bool {
        let Some(signature) = URL_SAFE_NO_PAD
            .decode(signature)
            .ok()
            .and_then(|bytes| ed25519_dalek::Signature::from_slice(&bytes).ok())
        else {
            return false;
        };
        self.keys().any(|(_, x)| {
            URL_SAFE_NO_PAD
                .decode(x)
                .ok()
                .and_then(|bytes| <[u8; 32]>::try_from(bytes).ok())
                .and_then(|bytes| ed25519_dalek::VerifyingKey::from_bytes(&bytes).ok())
                .is_some_and(|key| key.verify_strict(message, &signature).is_ok())
        })
    }

    pub fn sign(&self, claims: &impl Serialize) -> String {
        let mut header = Header::new(Algorithm::EdDSA);
        header.kid = Some(self.kid.clone());
        jsonwebtoken::encode(&header, claims, &self.encoding)
            .expect("EdDSA signing of serialisable claims")
    }

    /// The JWK Set to publish at `/.well-known/jwks.json`.
    pub fn jwks(&self) -> Value {
        let keys: Vec<Value> = self
            .keys()
            .map(|(kid, x)| json!({ "kty": "OKP", "crv": "Ed25519", "alg": "EdDSA", "use": "sig", "kid": kid, "x": x }))
            .collect();
        json!({ "keys": keys })
    }
}

#[cfg(test)]
mod tests {
    use ed25519_dalek::pkcs8::EncodePrivateKey;
    use serde_json::json;

    use super::*;

    fn signer(kid: &str, seed: u8) -> CertificateSigner {
        let key = ed25519_dalek::SigningKey::from_bytes(&[seed; 32]);
        let pem = key
            .to_pkcs8_pem(ed25519_dalek::pkcs8::spki::der::pem::LineEnding::LF)
            .unwrap();
        CertificateSigner::from_pem(kid, &pem).unwrap()
    }

    fn retired_entry(signer: &CertificateSigner) -> String {
        format!("{}:{}", signer.kid, signer.x)
    }

    #[test]
    fn a_certificate_signed_before_a_rotation_verifies_after_it() {
        let old = signer("cert-202601", 1);
        let token = old.sign(&json!({ "no": "2026-0001" }));
        let new = signer("cert-202701", 2)
            .with_retired(&retired_entry(&old))
            .unwrap();
        let claims: Value = new.verify(&token).expect("the retired key still verifies");
        assert_eq!(claims["no"], "2026-0001");
        let jwks = new.jwks();
        let kids: Vec<&str> = jwks["keys"]
            .as_array()
            .unwrap()
            .iter()
            .map(|key| key["kid"].as_str().unwrap())
            .collect();
        assert_eq!(kids, ["cert-202701", "cert-202601"]);
        let forgotten = signer("cert-202701", 2);
        assert!(forgotten.verify::<Value>(&token).is_none());
    }

    #[test]
    fn a_detached_signature_verifies_under_a_retired_key_and_not_on_other_text() {
        let old = signer("cert-202601", 1);
        let signature = old.sign_detached(b"ticedu-certificate-v1\nTIC-2026-H-0001");
        assert_eq!(signature.len(), 86);
        let new = signer("cert-202701", 2)
            .with_retired(&retired_entry(&old))
            .unwrap();
        assert!(new.verify_detached(b"ticedu-certificate-v1\nTIC-2026-H-0001", &signature));
        assert!(!new.verify_detached(b"ticedu-certificate-v1\nTIC-2026-H-0002", &signature));
        assert!(!new.verify_detached(b"ticedu-certificate-v1\nTIC-2026-H-0001", "AAAA"));
        assert!(
            !signer("cert-202701", 2)
                .verify_detached(b"ticedu-certificate-v1\nTIC-2026-H-0001", &signature)
        );
    }

    #[test]
    fn retired_keys_are_refused_when_malformed_or_naming_the_current_kid() {
        let current = signer("cert-2", 2);
        assert!(signer("cert-2", 2).with_retired("cert-1:short").is_err());
        assert!(
            signer("cert-2", 2)
                .with_retired(&retired_entry(&current))
                .is_err()
        );
    }
}
