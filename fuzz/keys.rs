//! The test keys of `tests/wechatpay/` (they protect nothing), shared by the notice targets.

#![allow(dead_code)]

use ticedu_wechatpay::{Merchant, PlatformKeys};

pub const PLATFORM_KEY: &str = include_str!("../tests/wechatpay/platform_key.pem");
pub const PLATFORM_CERT: &str = include_str!("../tests/wechatpay/platform_cert.pem");
pub const PUBKEY_MODE_KEY: &str = include_str!("../tests/wechatpay/pubkey_mode_key.pem");
pub const PUBKEY_MODE_PUBLIC: &str = include_str!("../tests/wechatpay/pubkey_mode_public.pem");
pub const MERCHANT_KEY: &str = include_str!("../tests/wechatpay/merchant_key.pem");
pub const API_V3_KEY: &[u8; 32] = b"ticedu-test-api-v3-key-32-bytes!";
pub const CERTIFICATE_SERIAL: &str = "5157F09EFDC096DE15EBE81A47057A72";
pub const PUBLIC_KEY_ID: &str = "PUB_KEY_ID_0114232134912410000000000000";
pub const NOW: i64 = 1_700_000_000;

pub fn merchant() -> Merchant {
    Merchant::new(
        "1900000109",
        "wxd678efh567hg6787",
        "MERCHANT-SERIAL",
        MERCHANT_KEY,
        API_V3_KEY,
    )
    .expect("the test merchant key loads")
}

pub fn platform_keys() -> PlatformKeys {
    let mut keys = PlatformKeys::default();
    let serial = keys
        .add_certificate(PLATFORM_CERT)
        .expect("the test certificate loads");
    assert_eq!(serial, CERTIFICATE_SERIAL);
    keys.add_public_key(PUBLIC_KEY_ID, PUBKEY_MODE_PUBLIC)
        .expect("the test public key loads");
    keys
}
