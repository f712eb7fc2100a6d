use super::*;

const MERCHANT_KEY: &str = include_str!("../../../tests/wechatpay/merchant_key.pem");
const MERCHANT_PUBLIC: &str = include_str!("../../../tests/wechatpay/merchant_public.pem");
const PLATFORM_KEY: &str = include_str!("../../../tests/wechatpay/platform_key.pem");
const PLATFORM_CERT: &str = include_str!("../../../tests/wechatpay/platform_cert.pem");
const PUBKEY_MODE_KEY: &str = include_str!("../../../tests/wechatpay/pubkey_mode_key.pem");
const PUBKEY_MODE_PUBLIC: &str = include_str!("../../../tests/wechatpay/pubkey_mode_public.pem");
const API_V3_KEY: &[u8; 32] = b"ticedu-test-api-v3-key-32-bytes!";
const NOW: i64 = 1_700_000_000;

fn merchant() -> Merchant {
    Merchant::new(
        "1900000109",
        "wxd678efh567hg6787",
        "MERCHANT-SERIAL",
        MERCHANT_KEY,
        API_V3_KEY,
    )
    .unwrap()
}

fn keys() -> PlatformKeys {
    let mut keys = PlatformKeys::default();
    assert_eq!(
        keys.add_certificate(PLATFORM_CERT).unwrap(),
        "5157F09EFDC096DE15EBE81A47057A72"
    );
    keys.add_public_key(
        "PUB_KEY_ID_0114232134912410000000000000",
        PUBKEY_MODE_PUBLIC,
    )
    .unwrap();
    keys
}

fn verifies(public_pem: &str, message: &str, signature_b64: &str) -> bool {
    let key = VerifyingKey::<Sha256>::new(RsaPublicKey::from_public_key_pem(public_pem).unwrap());
    let signature =
        Signature::try_from(STANDARD.decode(signature_b64).unwrap().as_slice()).unwrap();
    key.verify(message.as_bytes(), &signature).is_ok()
}

#[test]
fn a_request_is_signed_the_v3_way() {
    let header = merchant().authorization(
        "POST",
        "/v3/pay/transactions/native",
        "{\"a\":1}",
        NOW,
        "593BEC0C930BF1AFEB40B4A08C8FB242",
    );
    assert!(header.starts_with("WECHATPAY2-SHA256-RSA2048 mchid=\"1900000109\",nonce_str=\"593BEC0C930BF1AFEB40B4A08C8FB242\",signature=\""));
    assert!(header.ends_with(&format!(
        "timestamp=\"{NOW}\",serial_no=\"MERCHANT-SERIAL\""
    )));
    let signature = header
        .split("signature=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    let message = format!(
        "POST\n/v3/pay/transactions/native\n{NOW}\n593BEC0C930BF1AFEB40B4A08C8FB242\n{{\"a\":1}}\n"
    );
    assert!(verifies(MERCHANT_PUBLIC, &message, signature));
    assert!(!verifies(
        MERCHANT_PUBLIC,
        &message.replace("POST", "GET"),
        signature
    ));
}

#[test]
fn jsapi_parameters_carry_a_pay_sign_over_app_time_nonce_and_package() {
    let parameters =
        merchant().jsapi_parameters("wx201410272009395522657a690389285100", NOW, "nonce123");
    assert_eq!(
        parameters.package,
        "prepay_id=wx201410272009395522657a690389285100"
    );
    assert_eq!(parameters.sign_type, "RSA");
    let message = format!(
        "wxd678efh567hg6787\n{NOW}\nnonce123\nprepay_id=wx201410272009395522657a690389285100\n"
    );
    assert!(verifies(MERCHANT_PUBLIC, &message, &parameters.pay_sign));
    let json = serde_json::to_value(&parameters).unwrap();
    assert!(
        json.get("appId").is_some()
            && json.get("timeStamp").is_some()
            && json.get("paySign").is_some()
    );
}

fn headers<'a>(timestamp: &'a str, signature: &'a str, serial: &'a str) -> NoticeHeaders<'a> {
    NoticeHeaders {
        timestamp,
        nonce: "fdasfjihihihlkja484w",
        signature,
        serial,
    }
}

#[test]
fn notices_signed_by_a_known_key_verify_in_both_modes() {
    let keys = keys();
    let body = "{\"id\":\"EV-2018022511223320873\"}";
    let by_certificate = sign_notice(PLATFORM_KEY, NOW, "fdasfjihihihlkja484w", body).unwrap();
    keys.verify(
        &headers(
            &NOW.to_string(),
            &by_certificate,
            "5157F09EFDC096DE15EBE81A47057A72",
        ),
        body.as_bytes(),
        NOW + 10,
    )
    .unwrap();
    let by_public_key = sign_notice(PUBKEY_MODE_KEY, NOW, "fdasfjihihihlkja484w", body).unwrap();
    keys.verify(
        &headers(
            &NOW.to_string(),
            &by_public_key,
            "PUB_KEY_ID_0114232134912410000000000000",
        ),
        body.as_bytes(),
        NOW,
    )
    .unwrap();
}

/// Found by the `notice` fuzz target: `now - timestamp` overflowed (a panic
/// with overflow checks; without them, the timestamp `now + i64::MIN`
/// wrapped to `i64::MIN`, whose `abs()` passed the freshness check).
#[test]
fn timestamps_at_the_ends_of_i64_are_stale_not_a_panic() {
    let keys = keys();
    let body = "{}";
    for timestamp in [i64::MIN, i64::MIN + 1, NOW.wrapping_add(i64::MIN), i64::MAX] {
        let signature = sign_notice(PLATFORM_KEY, timestamp, "fdasfjihihihlkja484w", body).unwrap();
        let stamp = timestamp.to_string();
        for now in [NOW, -NOW, i64::MIN, i64::MAX] {
            let result = keys.verify(
                &headers(&stamp, &signature, "5157F09EFDC096DE15EBE81A47057A72"),
                body.as_bytes(),
                now,
            );
            let fresh = now.abs_diff(timestamp) <= 300;
            assert_eq!(result.is_ok(), fresh, "timestamp {timestamp}, now {now}");
            if !fresh {
                assert_eq!(result, Err(NoticeError::Timestamp));
            }
        }
    }
}

#[test]
fn tampered_stale_probe_and_unknown_notices_are_refused() {
    let keys = keys();
    let body = "{\"id\":\"EV-1\"}";
    let signature = sign_notice(PLATFORM_KEY, NOW, "fdasfjihihihlkja484w", body).unwrap();
    let serial = "5157F09EFDC096DE15EBE81A47057A72";
    let timestamp = NOW.to_string();
    assert_eq!(
        keys.verify(
            &headers(&timestamp, &signature, serial),
            b"{\"id\":\"EV-2\"}",
            NOW
        ),
        Err(NoticeError::Signature)
    );
    assert_eq!(
        keys.verify(
            &headers(&timestamp, &signature, serial),
            body.as_bytes(),
            NOW + 301
        ),
        Err(NoticeError::Timestamp)
    );
    assert_eq!(
        keys.verify(
            &headers(&timestamp, &signature, serial),
            body.as_bytes(),
            NOW - 301
        ),
        Err(NoticeError::Timestamp)
    );
    assert_eq!(
        keys.verify(
            &headers(&timestamp, &signature, "PUB_KEY_ID_UNKNOWN"),
            body.as_bytes(),
            NOW
        ),
        Err(NoticeError::UnknownSerial)
    );
    assert_eq!(
        keys.verify(
            &headers(&timestamp, "WECHATPAY/SIGNTEST/abc", serial),
            body.as_bytes(),
            NOW
        ),
        Err(NoticeError::ProbeSignature)
    );
    let other_key = sign_notice(PUBKEY_MODE_KEY, NOW, "fdasfjihihihlkja484w", body).unwrap();
    assert_eq!(
        keys.verify(
            &headers(&timestamp, &other_key, serial),
            body.as_bytes(),
            NOW
        ),
        Err(NoticeError::Signature)
    );
    assert_eq!(
        keys.verify(&headers("soon", &signature, serial), body.as_bytes(), NOW),
        Err(NoticeError::Timestamp)
    );
    assert_eq!(
        keys.verify(
            &headers(&timestamp, "not base64!", serial),
            body.as_bytes(),
            NOW
        ),
        Err(NoticeError::Signature)
    );
}

fn transaction() -> Transaction {
    Transaction {
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
    }
}

#[test]
fn a_resource_decrypts_with_the_api_v3_key_only() {
    let merchant = merchant();
    let resource = merchant.encrypt(&transaction(), "fdasflkja484", "transaction");
    assert_eq!(merchant.decrypt(&resource).unwrap(), transaction());

    let mut tampered = resource.clone();
    tampered.associated_data = Some("other".into());
    assert_eq!(merchant.decrypt(&tampered), Err(NoticeError::Decryption));
    let mut tampered = resource.clone();
    let mut bytes = STANDARD.decode(&tampered.ciphertext).unwrap();
    bytes[0] ^= 1;
    tampered.ciphertext = STANDARD.encode(bytes);
    assert_eq!(merchant.decrypt(&tampered), Err(NoticeError::Decryption));
    let other = Merchant::new(
        "1900000109",
        "wxd678efh567hg6787",
        "S",
        MERCHANT_KEY,
        b"another api v3 key of 32 bytes!!",
    )
    .unwrap();
    assert_eq!(other.decrypt(&resource), Err(NoticeError::Decryption));
    let mut wrong = resource;
    wrong.algorithm = "AES_128_CBC".into();
    assert_eq!(merchant.decrypt(&wrong), Err(NoticeError::Algorithm));
}

#[test]
fn keys_of_the_wrong_kind_are_refused() {
    assert!(matches!(
        Merchant::new("m", "a", "s", "not a key", API_V3_KEY),
        Err(KeyError::PrivateKey)
    ));
    assert!(matches!(
        Merchant::new("m", "a", "s", MERCHANT_KEY, b"short"),
        Err(KeyError::ApiV3Key)
    ));
    let mut keys = PlatformKeys::default();
    assert!(
        keys.add_certificate("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")
            .is_err()
    );
    assert!(matches!(
        keys.add_public_key("PUB_KEY_ID_X", MERCHANT_KEY),
        Err(KeyError::PublicKey)
    ));
    assert!(!format!("{:?}", merchant()).contains("BEGIN"));
}
