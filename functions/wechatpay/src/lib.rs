//! WeChat Pay API v3, the parts ticedu uses (R14), with no I/O:
//! - signing our requests (`Authorization: WECHATPAY2-SHA256-RSA2048 …`) and
//!   the parameters a page in WeChat's browser passes to `getBrandWCPayRequest`;
//! - verifying a payment notice (SHA256withRSA over
//!   `timestamp\nnonce\nbody\n`, the key named by `Wechatpay-Serial`: a
//!   platform certificate or a WeChat Pay public key `PUB_KEY_ID_…`; the
//!   timestamp within 5 minutes; probe signatures refused) and decrypting its
//!   resource (AEAD_AES_256_GCM with the API v3 key).
//!
//! - the trade bill (交易账单) for reconciliation: [`bill`].
//!
//! Cryptography is RustCrypto's (`rsa`, `aes-gcm`, `sha2`); none is written here.

pub mod bill;

use std::collections::HashMap;
use std::fmt;

use aes_gcm::aead::{Aead, Payload};
use aes_gcm::{Aes256Gcm, KeyInit, Nonce};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use rsa::pkcs1v15::{Signature, SigningKey, VerifyingKey};
use rsa::pkcs8::{DecodePrivateKey, DecodePublicKey};
use rsa::signature::{SignatureEncoding, Signer, Verifier};
use rsa::{RsaPrivateKey, RsaPublicKey};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use x509_cert::der::DecodePem;

/// A notice whose timestamp is further than this from now is refused.
pub const MAX_CLOCK_SKEW_SECONDS: i64 = 5 * 60;
/// WeChat Pay sends deliberately invalid signatures starting with this to
/// check that merchants verify; they must be refused.
pub const PROBE_SIGNATURE_PREFIX: &str = "WECHATPAY/SIGNTEST/";

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("the merchant private key is not a PKCS#8 RSA key in PEM")]
    PrivateKey,
    #[error("a WeChat Pay public key is not an RSA key in PEM")]
    PublicKey,
    #[error("a platform certificate cannot be read: {0}")]
    Certificate(String),
    #[error("the API v3 key must be 32 bytes")]
    ApiV3Key,
}

/// The merchant's side: who we are and what we sign with. `Debug` hides the keys.
pub struct Merchant {
    pub mchid: String,
    pub appid: String,
    /// Serial number of the merchant API certificate.
    pub serial_no: String,
    signing_key: SigningKey<Sha256>,
    api_v3_key: [u8; 32],
}

impl fmt::Debug for Merchant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Merchant")
            .field("mchid", &self.mchid)
            .field("appid", &self.appid)
            .field("serial_no", &self.serial_no)
            .finish_non_exhaustive()
    }
}

impl Merchant {
    pub fn new(
        mchid: &str,
        appid: &str,
        serial_no: &str,
        private_key_pem: &str,
        api_v3_key: &[u8],
    ) -> Result<Self, KeyError> {
        let key =
            RsaPrivateKey::from_pkcs8_pem(private_key_pem).map_err(|_| KeyError::PrivateKey)?;
        let api_v3_key: [u8; 32] = api_v3_key.try_into().map_err(|_| KeyError::ApiV3Key)?;
        Ok(Self {
            mchid: mchid.to_owned(),
            appid: appid.to_owned(),
            serial_no: serial_no.to_owned(),
            signing_key: SigningKey::<Sha256>::new(key),
            api_v3_key,
        })
    }

    /// SHA256withRSA of `message`, base64.
    fn sign(&self, message: &str) -> String {
        STANDARD.encode(self.signing_key.sign(message.as_bytes()).to_bytes())
    }

    /// The `Authorization` header of a request to the API: the signature covers
    /// `METHOD\nPATH?QUERY\nTIMESTAMP\nNONCE\nBODY\n`.
    pub fn authorization(
        &self,
        method: &str,
        path_and_query: &str,
        body: &str,
        timestamp: i64,
        nonce: &str,
    ) -> String {
        let signature = self.sign(&format!(
            "{method}\n{path_and_query}\n{timestamp}\n{nonce}\n{body}\n"
        ));
        format!(
            "WECHATPAY2-SHA256-RSA2048 mchid=\"{}\",nonce_str=\"{nonce}\",signature=\"{signature}\",timestamp=\"{timestamp}\",serial_no=\"{}\"",
            self.mchid, self.serial_no
        )
    }

    /// What a page inside WeChat passes to `WeixinJSBridge.invoke("getBrandWCPayRequest", …)`.
    pub fn jsapi_parameters(
        &self,
        prepay_id: &str,
        timestamp: i64,
        nonce: &str,
    ) -> JsapiParameters {
        let package = format!("prepay_id={prepay_id}");
        let pay_sign = self.sign(&format!(
            "{}\n{timestamp}\n{nonce}\n{package}\n",
            self.appid
        ));
        JsapiParameters {
            app_id: self.appid.clone(),
            time_stamp: timestamp.to_string(),
            nonce_str: nonce.to_owned(),
            package,
            sign_type: "RSA".to_owned(),
            pay_sign,
        }
    }

    /// Decrypts a notice's resource (AEAD_AES_256_GCM, the API v3 key) into the transaction it reports.
    pub fn decrypt(&self, resource: &Resource) -> Result<Transaction, NoticeError> {
        self.decrypt_as(resource)
    }

    /// Decrypts a notice's resource into what it carries (a transaction, a refund).
    pub fn decrypt_as<T: serde::de::DeserializeOwned>(
        &self,
        resource: &Resource,
    ) -> Result<T, NoticeError> {
        if resource.algorithm != "AEAD_AES_256_GCM" {
            return Err(NoticeError::Algorithm);
        }
        let ciphertext = STANDARD
            .decode(&resource.ciphertext)
            .map_err(|_| NoticeError::Decryption)?;
        if resource.nonce.len() != 12 {
            return Err(NoticeError::Decryption);
        }
        let cipher =
            Aes256Gcm::new_from_slice(&self.api_v3_key).map_err(|_| NoticeError::Decryption)?;
        let aad = resource.associated_data.as_deref().unwrap_or_default();
        let plaintext = cipher
            .decrypt(
                Nonce::from_slice(resource.nonce.as_bytes()),
                Payload {
                    msg: &ciphertext,
                    aad: aad.as_bytes(),
                },
            )
            .map_err(|_| NoticeError::Decryption)?;
        serde_json::from_slice(&plaintext).map_err(|_| NoticeError::Transaction)
    }

    /// Encrypts a transaction (or a refund) as WeChat Pay does; for simulators and tests.
    pub fn encrypt(
        &self,
        transaction: &impl Serialize,
        nonce: &str,
        associated_data: &str,
    ) -> Resource {
        let cipher = Aes256Gcm::new_from_slice(&self.api_v3_key).expect("32-byte key");
        let plaintext = serde_json::to_vec(transaction).expect("a transaction serialises");
        let ciphertext = cipher
            .encrypt(
                Nonce::from_slice(nonce.as_bytes()),
                Payload {
                    msg: &plaintext,
                    aad: associated_data.as_bytes(),
                },
            )
            .expect("AES-GCM encrypts");
        Resource {
            algorithm: "AEAD_AES_256_GCM".to_owned(),
            ciphertext: STANDARD.encode(ciphertext),
            associated_data: Some(associated_data.to_owned()),
            original_type: "transaction".to_owned(),
            nonce: nonce.to_owned(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JsapiParameters {
    pub app_id: String,
    pub time_stamp: String,
    pub nonce_str: String,
    pub package: String,
    pub sign_type: String,
    pub pay_sign: String,
}

/// The keys WeChat Pay signs with, by the serial `Wechatpay-Serial` names:
/// platform certificates (their serial numbers) and WeChat Pay public keys (`PUB_KEY_ID_…`).
#[derive(Default, Clone)]
pub struct PlatformKeys {
    keys: HashMap<String, VerifyingKey<Sha256>>,
}

impl fmt::Debug for PlatformKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.keys.keys()).finish()
    }
}

impl PlatformKeys {
    /// Platform-certificate mode: the key is the certificate's, named by its serial number (upper-case hex).
    pub fn add_certificate(&mut self, pem: &str) -> Result<String, KeyError> {
        let certificate = x509_cert::Certificate::from_pem(pem.as_bytes())
            .map_err(|e| KeyError::Certificate(e.to_string()))?;
        let tbs = &certificate.tbs_certificate;
        let serial: String = tbs
            .serial_number
            .as_bytes()
            .iter()
            .map(|b| format!("{b:02X}"))
            .collect();
        let spki = x509_cert::der::Encode::to_der(&tbs.subject_public_key_info)
            .map_err(|e| KeyError::Certificate(e.to_string()))?;
        let key = RsaPublicKey::from_public_key_der(&spki).map_err(|_| KeyError::PublicKey)?;
        self.keys.insert(serial.clone(), VerifyingKey::new(key));
        Ok(serial)
    }

    /// Public-key mode: a WeChat Pay public key and its id (`PUB_KEY_ID_…`).
    pub fn add_public_key(&mut self, id: &str, pem: &str) -> Result<(), KeyError> {
        let key = RsaPublicKey::from_public_key_pem(pem).map_err(|_| KeyError::PublicKey)?;
        self.keys.insert(id.to_owned(), VerifyingKey::new(key));
        Ok(())
    }

    /// Checks a notice's signature and freshness before anything reads it.
    pub fn verify(
        &self,
        headers: &NoticeHeaders<'_>,
        body: &[u8],
        now: i64,
    ) -> Result<(), NoticeError> {
        if headers.signature.starts_with(PROBE_SIGNATURE_PREFIX) {
            return Err(NoticeError::ProbeSignature);
        }
        let timestamp: i64 = headers
            .timestamp
            .parse()
            .map_err(|_| NoticeError::Timestamp)?;
        // `abs_diff`: a timestamp near i64::MIN must not overflow (found by `fuzz/`, target `notice`).
        if now.abs_diff(timestamp) > MAX_CLOCK_SKEW_SECONDS.unsigned_abs() {
            return Err(NoticeError::Timestamp);
        }
        let key = self
            .keys
            .get(headers.serial)
            .ok_or(NoticeError::UnknownSerial)?;
        let signature = STANDARD
            .decode(headers.signature)
            .map_err(|_| NoticeError::Signature)?;
        let signature =
            Signature::try_from(signature.as_slice()).map_err(|_| NoticeError::Signature)?;
        let mut message = Vec::with_capacity(body.len() + 64);
        message.extend_from_slice(format!("{}\n{}\n", headers.timestamp, headers.nonce).as_bytes());
        message.extend_from_slice(body);
        message.push(b'\n');
        key.verify(&message, &signature)
            .map_err(|_| NoticeError::Signature)
    }
}

/// Signs a notice as WeChat Pay does; for simulators and tests.
pub fn sign_notice(
    private_key_pem: &str,
    timestamp: i64,
    nonce: &str,
    body: &str,
) -> Result<String, KeyError> {
    let key = RsaPrivateKey::from_pkcs8_pem(private_key_pem).map_err(|_| KeyError::PrivateKey)?;
    let signature =
        SigningKey::<Sha256>::new(key).sign(format!("{timestamp}\n{nonce}\n{body}\n").as_bytes());
    Ok(STANDARD.encode(signature.to_bytes()))
}

/// The four `Wechatpay-*` headers of a notice.
#[derive(Debug, Clone, Copy)]
pub struct NoticeHeaders<'a> {
    pub timestamp: &'a str,
    pub nonce: &'a str,
    pub signature: &'a str,
    pub serial: &'a str,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NoticeError {
    #[error("the notice lacks a Wechatpay-* header")]
    MissingHeader,
    #[error("a probe signature (WECHATPAY/SIGNTEST/) was sent")]
    ProbeSignature,
    #[error("the timestamp is more than 5 minutes off")]
    Timestamp,
    #[error("no key has this serial")]
    UnknownSerial,
    #[error("the signature does not verify")]
    Signature,
    #[error("the notice body is not a notice")]
    Body,
    #[error("the resource is not AEAD_AES_256_GCM")]
    Algorithm,
    #[error("the resource does not decrypt with the API v3 key")]
    Decryption,
    #[error("the decrypted resource is not a transaction")]
    Transaction,
}

/// A payment notice as posted to our `notify_url`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Notice {
    pub id: String,
    pub create_time: String,
    pub event_type: String,
    pub resource_type: String,
    pub resource: Resource,
    #[serde(default)]
    pub summary: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Resource {
    pub algorithm: String,
    pub ciphertext: String,
    pub associated_data: Option<String>,
    pub original_type: String,
    pub nonce: String,
}

/// The decrypted transaction (the fields ticedu reads).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Transaction {
    pub mchid: String,
    pub appid: String,
    pub out_trade_no: String,
    pub transaction_id: String,
    pub trade_state: String,
    #[serde(default)]
    pub success_time: Option<String>,
    pub amount: TransactionAmount,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransactionAmount {
    /// Fen.
    pub total: u64,
    pub currency: String,
    #[serde(default)]
    pub payer_total: Option<u64>,
}

/// The body of a Native, JSAPI or H5 order request.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OrderRequest {
    pub appid: String,
    pub mchid: String,
    pub description: String,
    pub out_trade_no: String,
    pub notify_url: String,
    pub amount: OrderAmount,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payer: Option<Payer>,
    /// H5 orders: where the payer is (WeChat Pay checks the IP).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scene_info: Option<SceneInfo>,
    /// When WeChat Pay stops taking the payment: RFC 3339 with the offset
    /// (`2026-12-02T10:30:00+08:00`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_expire: Option<String>,
}

/// The body of a refund request (`POST /v3/refund/domestic/refunds`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RefundRequest {
    pub out_trade_no: String,
    pub out_refund_no: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    pub notify_url: String,
    pub amount: RefundAmount,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefundAmount {
    /// Fen to give back.
    pub refund: u64,
    /// Fen the order was paid.
    pub total: u64,
    pub currency: String,
}

/// A refund as WeChat Pay reports it: the answer to a refund request, and the
/// content of a refund notice (which carries `mchid` and `refund_status`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefundReport {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mchid: Option<String>,
    pub out_trade_no: String,
    pub out_refund_no: String,
    #[serde(default)]
    pub refund_id: String,
    /// `SUCCESS`, `PROCESSING`, `CLOSED` or `ABNORMAL`: `status` in an
    /// answer, `refund_status` in a notice.
    #[serde(alias = "refund_status")]
    pub status: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub success_time: Option<String>,
    pub amount: RefundReportAmount,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefundReportAmount {
    pub total: u64,
    pub refund: u64,
}

/// The payer's device, for an H5 order.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SceneInfo {
    pub payer_client_ip: String,
    pub h5_info: H5Info,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct H5Info {
    /// `Wap`: a phone's browser.
    #[serde(rename = "type")]
    pub kind: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OrderAmount {
    pub total: u64,
    pub currency: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Payer {
    pub openid: String,
}

#[cfg(test)]
mod tests;
