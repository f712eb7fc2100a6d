//! A genuine payment notice, signed with the test keys of `tests/wechatpay/`
//! in both modes (platform certificate, WeChat Pay public key), then mutated.
//!
//! Properties:
//! - unmutated, it verifies exactly while the clock is within five minutes of
//!   its timestamp, and decrypts to the transaction that was encrypted;
//! - after any mutation that changes what was received (a header or the body),
//!   it never verifies; the mutations include re-encodings of the same
//!   signature number (leading zero bytes, plus the modulus), another key's
//!   serial, and timestamps that parse to the same number.
//!
//! Header values are kept to what an HTTP header can carry (visible ASCII,
//! space and tab; `HeaderValue::to_str` refuses the rest), as the handler
//! only ever passes those.

#![no_main]

use std::sync::LazyLock;

use arbitrary::Arbitrary;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use libfuzzer_sys::fuzz_target;
use rsa::RsaPublicKey;
use rsa::pkcs8::DecodePublicKey;
use rsa::traits::PublicKeyParts;
use ticedu_wechatpay::{
    MAX_CLOCK_SKEW_SECONDS, Merchant, Notice, NoticeHeaders, PlatformKeys, Transaction,
    TransactionAmount, sign_notice,
};

#[path = "../keys.rs"]
mod keys;

struct Signed {
    serial: &'static str,
    timestamp: String,
    nonce: String,
    signature: String,
    body: Vec<u8>,
    modulus: Vec<u8>,
}

struct Fixture {
    merchant: Merchant,
    keys: PlatformKeys,
    transaction: Transaction,
    notices: [Signed; 2],
}

static FIXTURE: LazyLock<Fixture> = LazyLock::new(|| {
    let merchant = keys::merchant();
    let transaction = Transaction {
        mchid: "1900000109".into(),
        appid: "wxd678efh567hg6787".into(),
        out_trade_no: "TIC1700000000ABCDEF1234".into(),
        transaction_id: "4200000000202311270000000001".into(),
        trade_state: "SUCCESS".into(),
        success_time: Some("2023-11-27T10:00:00+08:00".into()),
        amount: TransactionAmount {
            total: 45000,
            currency: "CNY".into(),
            payer_total: Some(45000),
        },
    };
    let notice = Notice {
        id: "EV-2018022511223320873".into(),
        create_time: "2023-11-15T06:13:20+08:00".into(),
        event_type: "TRANSACTION.SUCCESS".into(),
        resource_type: "encrypt-resource".into(),
        resource: merchant.encrypt(&transaction, "fdasflkja484", "transaction"),
        summary: "支付成功".into(),
    };
    let body = serde_json::to_string(&notice).unwrap();
    let public_modulus = |certificate_or_key: &str| -> Vec<u8> {
        let key =
            RsaPublicKey::from_public_key_pem(certificate_or_key).expect("a public key in PEM");
        key.n().to_bytes_be()
    };
    let platform_public = platform_public_key_pem();
    let sign = |serial: &'static str, private: &str, public: &str| Signed {
        serial,
        timestamp: keys::NOW.to_string(),
        nonce: "5K8264ILTKCH16CQ2502SI8ZNMTM67VS".into(),
        signature: sign_notice(
            private,
            keys::NOW,
            "5K8264ILTKCH16CQ2502SI8ZNMTM67VS",
            &body,
        )
        .unwrap(),
        body: body.clone().into_bytes(),
        modulus: public_modulus(public),
    };
    Fixture {
        notices: [
            sign(
                keys::CERTIFICATE_SERIAL,
                keys::PLATFORM_KEY,
                &platform_public,
            ),
            sign(
                keys::PUBLIC_KEY_ID,
                keys::PUBKEY_MODE_KEY,
                keys::PUBKEY_MODE_PUBLIC,
            ),
        ],
        merchant,
        keys: keys::platform_keys(),
        transaction,
    }
});

/// The platform key's public half, taken from its private key.
fn platform_public_key_pem() -> String {
    use rsa::pkcs8::{DecodePrivateKey, EncodePublicKey, LineEnding};
    let private = rsa::RsaPrivateKey::from_pkcs8_pem(keys::PLATFORM_KEY).unwrap();
    RsaPublicKey::from(&private)
        .to_public_key_pem(LineEnding::LF)
        .unwrap()
}

#[derive(Debug, Arbitrary)]
enum Mutation {
    FlipBodyByte {
        at: u16,
        xor: u8,
    },
    InsertBodyByte {
        at: u16,
        byte: u8,
    },
    RemoveBodyByte {
        at: u16,
    },
    TruncateBody {
        len: u16,
    },
    AppendBody(Vec<u8>),
    ReplaceBody(Vec<u8>),
    ReplaceTimestamp(String),
    /// The same number written differently: `+`, leading zeros, spaces.
    RewriteTimestamp {
        plus: bool,
        zeros: u8,
        space_before: bool,
        space_after: bool,
    },
    TimestampDelta(i16),
    ReplaceNonce(String),
    FlipNonceByte {
        at: u8,
        xor: u8,
    },
    FlipSignatureBit {
        at: u16,
        bit: u8,
    },
    /// The same signature number: leading zero bytes, or plus the modulus.
    PadSignature {
        zeros: u8,
    },
    SignatureplusModulus,
    ReplaceSignature(String),
    /// The other mode's serial, or any text.
    SwapSerial,
    ReplaceSerial(String),
}

#[derive(Debug, Arbitrary)]
struct Input {
    mode: bool,
    clock_offset: i16,
    mutations: Vec<Mutation>,
}

struct Received {
    serial: String,
    timestamp: String,
    nonce: String,
    signature: String,
    body: Vec<u8>,
}

fn http_header_text(text: &str) -> bool {
    text.bytes()
        .all(|b| b == b'\t' || (0x20..0x7f).contains(&b))
}

fn apply(mutation: &Mutation, received: &mut Received, original: &Signed, other_serial: &str) {
    let body = &mut received.body;
    match mutation {
        Mutation::FlipBodyByte { at, xor } => {
            if !body.is_empty() {
                let at = usize::from(*at) % body.len();
                body[at] ^= xor;
            }
        }
        Mutation::InsertBodyByte { at, byte } => {
            let at = usize::from(*at) % (body.len() + 1);
            body.insert(at, *byte);
        }
        Mutation::RemoveBodyByte { at } => {
            if !body.is_empty() {
                let at = usize::from(*at) % body.len();
                body.remove(at);
            }
        }
        Mutation::TruncateBody { len } => body.truncate(usize::from(*len)),
        Mutation::AppendBody(more) => body.extend_from_slice(more),
        Mutation::ReplaceBody(new) => *body = new.clone(),
        Mutation::ReplaceTimestamp(text) => received.timestamp = text.clone(),
        Mutation::RewriteTimestamp {
            plus,
            zeros,
            space_before,
            space_after,
        } => {
            let number = received.timestamp.trim().trim_start_matches('+').to_owned();
            received.timestamp = format!(
                "{}{}{}{number}{}",
                if *space_before { " " } else { "" },
                if *plus { "+" } else { "" },
                "0".repeat(usize::from(*zeros % 4)),
                if *space_after { " " } else { "" },
            );
        }
        Mutation::TimestampDelta(delta) => {
            if let Ok(number) = received.timestamp.parse::<i64>() {
                received.timestamp = number.saturating_add(i64::from(*delta)).to_string();
            }
        }
        Mutation::ReplaceNonce(text) => received.nonce = text.clone(),
        Mutation::FlipNonceByte { at, xor } => {
            let mut bytes = received.nonce.clone().into_bytes();
            if !bytes.is_empty() {
                let at = usize::from(*at) % bytes.len();
                bytes[at] ^= xor;
            }
            received.nonce = String::from_utf8_lossy(&bytes).into_owned();
        }
        Mutation::FlipSignatureBit { at, bit } => {
            if let Ok(mut bytes) = STANDARD.decode(&received.signature) {
                if !bytes.is_empty() {
                    let at = usize::from(*at) % bytes.len();
                    bytes[at] ^= 1 << (bit % 8);
                    received.signature = STANDARD.encode(bytes);
                }
            }
        }
        Mutation::PadSignature { zeros } => {
            if let Ok(bytes) = STANDARD.decode(&received.signature) {
                let mut padded = vec![0u8; usize::from(*zeros % 4) + 1];
                padded.extend(bytes);
                received.signature = STANDARD.encode(padded);
            }
        }
        Mutation::SignatureplusModulus => {
            if let Ok(bytes) = STANDARD.decode(&received.signature) {
                received.signature = STANDARD.encode(add_be(&bytes, &original.modulus));
            }
        }
        Mutation::ReplaceSignature(text) => received.signature = text.clone(),
        Mutation::SwapSerial => received.serial = other_serial.to_owned(),
        Mutation::ReplaceSerial(text) => received.serial = text.clone(),
    }
}

/// Big-endian `a + b`.
fn add_be(a: &[u8], b: &[u8]) -> Vec<u8> {
    let length = a.len().max(b.len()) + 1;
    let digit =
        |x: &[u8], i: usize| -> u16 { x.len().checked_sub(i + 1).map_or(0, |j| u16::from(x[j])) };
    let mut out = vec![0u8; length];
    let mut carry = 0u16;
    for i in 0..length {
        let sum = digit(a, i) + digit(b, i) + carry;
        out[length - 1 - i] = (sum & 0xff) as u8;
        carry = sum >> 8;
    }
    out
}

fuzz_target!(|input: Input| {
    let fixture = &*FIXTURE;
    let (original, other) = if input.mode {
        (&fixture.notices[0], &fixture.notices[1])
    } else {
        (&fixture.notices[1], &fixture.notices[0])
    };
    let mut received = Received {
        serial: original.serial.to_owned(),
        timestamp: original.timestamp.clone(),
        nonce: original.nonce.clone(),
        signature: original.signature.clone(),
        body: original.body.clone(),
    };
    for mutation in input.mutations.iter().take(8) {
        apply(mutation, &mut received, original, other.serial);
    }
    let now = keys::NOW + i64::from(input.clock_offset);
    let headers = NoticeHeaders {
        timestamp: &received.timestamp,
        nonce: &received.nonce,
        signature: &received.signature,
        serial: &received.serial,
    };
    let verified = fixture.keys.verify(&headers, &received.body, now);
    let unchanged = received.serial == original.serial
        && received.timestamp == original.timestamp
        && received.nonce == original.nonce
        && received.signature == original.signature
        && received.body == original.body;
    if unchanged {
        let fresh = keys::NOW.abs_diff(now) <= MAX_CLOCK_SKEW_SECONDS as u64;
        assert_eq!(verified.is_ok(), fresh, "{verified:?} at {now}");
        let notice: Notice = serde_json::from_slice(&received.body).unwrap();
        assert_eq!(
            fixture.merchant.decrypt(&notice.resource).unwrap(),
            fixture.transaction
        );
    } else if [
        &received.serial,
        &received.timestamp,
        &received.nonce,
        &received.signature,
    ]
    .iter()
    .all(|header| http_header_text(header))
    {
        assert!(
            verified.is_err(),
            "a mutated notice verified: {:?} {:?} {:?} {:?} {:?}",
            received.serial,
            received.timestamp,
            received.nonce,
            received.signature,
            String::from_utf8_lossy(&received.body),
        );
    }
});
