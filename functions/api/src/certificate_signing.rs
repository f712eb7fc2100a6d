//! Offline-verifiable certificates: a compact EdDSA (Ed25519) JWT over a
//! certificate's public fields, carried in its verification link, and the
//! public keys as a JWKS for `/.well-known/jwks.json`. A verifier needs
//! neither the API nor the database.

use std::fmt;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ed25519_dalek::pkcs8::DecodePrivateKey;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde::Serialize;
use serde_json::{Value, json};

/// The signing key of certificates; `Debug` names only its key id.
pub struct CertificateSigner {
    kid: String,
    encoding: EncodingKey,
    /// The raw public key, base64url: the JWK's `x`.
    x: String,
}

impl fmt::Debug for CertificateSigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CertificateSigner({})", self.kid)
    }
}

#[derive(Debug, thiserror::Error)]
#[error("the certificate signing key is not an Ed25519 PKCS#8 PEM key")]
pub struct SigningKeyError;

impl CertificateSigner {
    pub fn from_pem(kid: &str, pem: &str) -> Result<Self, SigningKeyError> {
        let key = ed25519_dalek::SigningKey::from_pkcs8_pem(pem).map_err(|_| SigningKeyError)?;
        let x = URL_SAFE_NO_PAD.encode(key.verifying_key().to_bytes());
        let encoding = EncodingKey::from_ed_pem(pem.as_bytes()).map_err(|_| SigningKeyError)?;
        Ok(Self {
            kid: kid.to_owned(),
            encoding,
            x,
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
        json!({ "keys": [ { "kty": "OKP", "crv": "Ed25519", "alg": "EdDSA", "use": "sig", "kid": self.kid, "x": self.x } ] })
    }
}
