//! A WeChat Pay simulator on loopback: the v3 order endpoints, which check
//! our request signatures with the merchant's public key, and signed,
//! encrypted payment notices like the ones WeChat Pay posts. Test keys live
//! in `tests/wechatpay/`.

use std::sync::{Arc, Mutex};

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::routing::post;
use base64::Engine;
use rsa::pkcs1v15::{Signature, VerifyingKey};
use rsa::pkcs8::DecodePublicKey;
use rsa::signature::Verifier;
use serde_json::{Value, json};
use ticedu_payments::wechat::WeChatPay;
use ticedu_wechatpay::{
    Merchant, OrderRequest, PlatformKeys, Transaction, TransactionAmount, sign_notice,
};

pub const MERCHANT_KEY: &str = include_str!("wechatpay/merchant_key.pem");
pub const MERCHANT_PUBLIC: &str = include_str!("wechatpay/merchant_public.pem");
pub const PLATFORM_KEY: &str = include_str!("wechatpay/platform_key.pem");
pub const PLATFORM_CERT: &str = include_str!("wechatpay/platform_cert.pem");
pub const PLATFORM_SERIAL: &str = "5157F09EFDC096DE15EBE81A47057A72";
pub const PUBKEY_MODE_KEY: &str = include_str!("wechatpay/pubkey_mode_key.pem");
pub const PUBKEY_MODE_PUBLIC: &str = include_str!("wechatpay/pubkey_mode_public.pem");
pub const PUBKEY_MODE_ID: &str = "PUB_KEY_ID_0114232134912410000000000000";
pub const MCHID: &str = "1900000109";
pub const APPID: &str = "wxd678efh567hg6787";
const API_V3_KEY: &[u8; 32] = b"ticedu-test-api-v3-key-32-bytes!";

pub fn merchant() -> Merchant {
    Merchant::new(MCHID, APPID, "MERCHANT-SERIAL", MERCHANT_KEY, API_V3_KEY).expect("test keys")
}

/// Our side, configured against the simulator at `base_url`, trusting both test keys.
pub fn wechat_pay(base_url: &str) -> Arc<WeChatPay> {
    let mut keys = PlatformKeys::default();
    keys.add_certificate(PLATFORM_CERT)
        .expect("test certificate");
    keys.add_public_key(PUBKEY_MODE_ID, PUBKEY_MODE_PUBLIC)
        .expect("test public key");
    Arc::new(WeChatPay::new(
        merchant(),
        keys,
        base_url,
        "https://ticedu.example.cn/api/payments/wechat/notify",
    ))
}

/// Orders the simulator accepted.
pub type Received = Arc<Mutex<Vec<OrderRequest>>>;

/// Starts the simulator; returns its base URL and what it received.
pub async fn spawn() -> (String, Received) {
    let received: Received = Arc::default();
    let app = axum::Router::new()
        .route("/v3/pay/transactions/native", post(order))
        .route("/v3/pay/transactions/jsapi", post(order))
        .with_state(Arc::clone(&received));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a free port");
    let base = format!("http://{}", listener.local_addr().expect("bound"));
    tokio::spawn(async move {
        axum::serve(listener, app)
            .await
            .expect("the simulator serves")
    });
    (base, received)
}

fn field<'a>(header: &'a str, name: &str) -> Option<&'a str> {
    header
        .split(&format!("{name}=\""))
        .nth(1)?
        .split('"')
        .next()
}

/// Checks the `Authorization` header as WeChat Pay does, then answers like it.
async fn order(
    State(received): State<Received>,
    uri: Uri,
    headers: HeaderMap,
    body: String,
) -> (StatusCode, Json<Value>) {
    let Some(authorization) = headers.get("Authorization").and_then(|v| v.to_str().ok()) else {
        return (
            StatusCode::UNAUTHORIZED,
            Json(json!({ "code": "SIGN_ERROR", "message": "no Authorization" })),
        );
    };
    let valid = (|| {
        let rest = authorization.strip_prefix("WECHATPAY2-SHA256-RSA2048 ")?;
        let (nonce, timestamp, signature) = (
            field(rest, "nonce_str")?,
            field(rest, "timestamp")?,
            field(rest, "signature")?,
        );
        (field(rest, "mchid")? == MCHID).then_some(())?;
        let message = format!("POST\n{}\n{timestamp}\n{nonce}\n{body}\n", uri.path());
        let key = VerifyingKey::<sha2::Sha256>::new(
            rsa::RsaPublicKey::from_public_key_pem(MERCHANT_PUBLIC).ok()?,
        );
        let signature = Signature::try_from(
            base64::engine::general_purpose::STANDARD
                .decode(signature)
                .ok()?
                .as_slice(),
        )
        .ok()?;
        key.verify(message.as_bytes(), &signature).ok()
    })();
    if valid.is_none() {
        return (
            StatusCode::UNAUTHORIZED,
            Json(json!({ "code": "SIGN_ERROR", "message": "signature does not verify" })),
        );
    }
    let Ok(request) = serde_json::from_str::<OrderRequest>(&body) else {
        return (
            StatusCode::BAD_REQUEST,
            Json(json!({ "code": "PARAM_ERROR", "message": "bad body" })),
        );
    };
    let answer = if uri.path().ends_with("native") {
        json!({ "code_url": format!("weixin://wxpay/bizpayurl?pr={}", request.out_trade_no) })
    } else {
        json!({ "prepay_id": format!("wx{}", request.out_trade_no) })
    };
    received.lock().expect("not poisoned").push(request);
    (StatusCode::OK, Json(answer))
}

/// The headers and body of a payment notice for an order, signed with the
/// platform certificate's key (`by_public_key`: the public-key mode's key).
pub fn notice(
    out_trade_no: &str,
    total_fen: u64,
    transaction_id: &str,
    timestamp: i64,
    by_public_key: bool,
) -> (Vec<(&'static str, String)>, String) {
    let transaction = Transaction {
        mchid: MCHID.to_owned(),
        appid: APPID.to_owned(),
        out_trade_no: out_trade_no.to_owned(),
        transaction_id: transaction_id.to_owned(),
        trade_state: "SUCCESS".to_owned(),
        success_time: Some("2023-07-01T10:00:00+08:00".to_owned()),
        amount: TransactionAmount {
            total: total_fen,
            currency: "CNY".to_owned(),
            payer_total: Some(total_fen),
        },
    };
    let resource = merchant().encrypt(&transaction, "fdasflkja484", "transaction");
    let body = json!({
        "id": format!("EV-{transaction_id}"),
        "create_time": "2023-07-01T10:00:00+08:00",
        "event_type": "TRANSACTION.SUCCESS",
        "resource_type": "encrypt-resource",
        "resource": resource,
        "summary": "支付成功",
    })
    .to_string();
    let (key, serial) = if by_public_key {
        (PUBKEY_MODE_KEY, PUBKEY_MODE_ID)
    } else {
        (PLATFORM_KEY, PLATFORM_SERIAL)
    };
    let nonce = "5K8264ILTKCH16CQ2502SI8ZNMTM67VS";
    let signature = sign_notice(key, timestamp, nonce, &body).expect("test key");
    let headers = vec![
        ("Wechatpay-Timestamp", timestamp.to_string()),
        ("Wechatpay-Nonce", nonce.to_owned()),
        ("Wechatpay-Signature", signature),
        ("Wechatpay-Serial", serial.to_owned()),
    ];
    (headers, body)
}
