//! A WeChat Pay payment notice as the notify endpoint receives it: any four
//! `Wechatpay-*` headers and any body, checked the way `wechat_notify` does
//! (verify, then parse the body as a notice, then decrypt its resource).
//!
//! Properties: nothing panics, whatever the headers, body and clock; a probe
//! signature is always refused; a notice that verifies has a timestamp within
//! five minutes of the clock.

#![no_main]

use std::sync::LazyLock;

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use ticedu_wechatpay::{
    MAX_CLOCK_SKEW_SECONDS, Merchant, Notice, NoticeError, NoticeHeaders, PROBE_SIGNATURE_PREFIX,
    PlatformKeys,
};

#[path = "../keys.rs"]
mod keys;

static MERCHANT: LazyLock<Merchant> = LazyLock::new(keys::merchant);
static KEYS: LazyLock<PlatformKeys> = LazyLock::new(keys::platform_keys);

#[derive(Debug, Arbitrary)]
struct Input<'a> {
    timestamp: &'a str,
    nonce: &'a str,
    signature: &'a str,
    /// 0 and 1: the known serials; otherwise the text below.
    serial_choice: u8,
    serial: &'a str,
    /// Near the test notices' time, or anywhere.
    now_offset: i16,
    now_anywhere: Option<i64>,
    body: &'a [u8],
}

fuzz_target!(|input: Input<'_>| {
    let serial = match input.serial_choice {
        0 => keys::CERTIFICATE_SERIAL,
        1 => keys::PUBLIC_KEY_ID,
        _ => input.serial,
    };
    let headers = NoticeHeaders {
        timestamp: input.timestamp,
        nonce: input.nonce,
        signature: input.signature,
        serial,
    };
    let now = input
        .now_anywhere
        .unwrap_or(keys::NOW + i64::from(input.now_offset));
    let verified = KEYS.verify(&headers, input.body, now);
    if input.signature.starts_with(PROBE_SIGNATURE_PREFIX) {
        assert_eq!(verified, Err(NoticeError::ProbeSignature));
    }
    if verified.is_ok() {
        let timestamp: i64 = input
            .timestamp
            .parse()
            .expect("a verified timestamp is a number");
        assert!(timestamp.abs_diff(now) <= MAX_CLOCK_SKEW_SECONDS as u64);
    }
    // The handler reads the body only after verification; read it anyway, to fuzz the rest.
    if let Ok(notice) = serde_json::from_slice::<Notice>(input.body) {
        let _ = MERCHANT.decrypt(&notice.resource);
    }
});
