//! A WeChat Pay simulator, so that the local platform (and the tests) can
//! finish a payment without WeChat: it serves the v3 order endpoints, checking
//! our request signatures with the merchant's public key as WeChat Pay does,
//! and on `POST /wechatpay-simulator/pay/{order}` (or `…/scan` with the
//! Native order's `code_url`, as a phone scanning its QR code) it posts a payment notice
//! signed with its own key and encrypted with the API v3 key to our
//! `notify_url` — so the real verification path is the one exercised.
//! Paying inside WeChat (the web authorisation that gives the openid, and the
//! JSAPI pay sheet) is played in `official_account`.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};

use axum::extract::{Path as UrlPath, Query, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::routing::{get, post};
use axum::{Json, Router};
use base64::Engine;
use rsa::pkcs1v15::{Signature, VerifyingKey};
use rsa::pkcs8::{DecodePublicKey, EncodePrivateKey, EncodePublicKey, LineEnding};
use rsa::signature::Verifier;
use rsa::{RsaPrivateKey, RsaPublicKey};
use serde_json::{Value, json};
use ticedu_payments::wechat::WeChatPay;
use ticedu_wechatpay::bill::BillPayment;
use ticedu_wechatpay::{
    Merchant, OrderRequest, PlatformKeys, Transaction, TransactionAmount, sign_notice,
};

mod official_account;

pub use official_account::{
    APP_SECRET, USER_COOKIE, official_account, official_account_at, openid_of,
};

pub const PREFIX: &str = "/wechatpay-simulator";
/// The key id the simulator signs notices with (public-key mode).
pub const KEY_ID: &str = "PUB_KEY_ID_SIMULATOR";
pub const MCHID: &str = "1900000109";
pub const APPID: &str = "wxd678efh567hg6787";

/// The simulator's keys and what it has seen.
pub struct Simulator {
    merchant_public: VerifyingKey<sha2::Sha256>,
    platform_key_pem: String,
    platform_key_id: String,
    /// Holds the API v3 key, to encrypt notices.
    merchant: Merchant,
    notify_url: String,
    orders: Mutex<Vec<OrderRequest>>,
    /// The web authorisation's codes not yet exchanged.
    codes: official_account::Codes,
    /// Orders closed, refunds taken (see `lifecycle`).
    lifecycle: lifecycle::Lifecycle,
    /// The payments made, for the trade bill (see `bill_routes`).
    bill: Mutex<Vec<BillPayment>>,
}

impl Simulator {
    pub fn new(
        merchant_public_pem: &str,
        platform_key_pem: &str,
        platform_key_id: &str,
        merchant: Merchant,
        notify_url: &str,
    ) -> Option<Self> {
        let merchant_public =
            VerifyingKey::new(RsaPublicKey::from_public_key_pem(merchant_public_pem).ok()?);
        Some(Self {
            merchant_public,
            platform_key_pem: platform_key_pem.to_owned(),
            platform_key_id: platform_key_id.to_owned(),
            merchant,
            notify_url: notify_url.to_owned(),
            orders: Mutex::default(),
            codes: official_account::Codes::default(),
            lifecycle: lifecycle::Lifecycle::default(),
            bill: Mutex::default(),
        })
    }

    /// The orders accepted so far.
    pub fn orders(&self) -> Vec<OrderRequest> {
        self.orders
            .lock()
            .map(|orders| orders.clone())
            .unwrap_or_default()
    }

    /// Checks a request's signature as WeChat Pay does: over
    /// `<METHOD>\n<path?query>\n<timestamp>\n<nonce>\n<body>\n`.
    fn verify_authorization(
        &self,
        method: &str,
        authorization: &str,
        path: &str,
        body: &str,
    ) -> Option<()> {
        let rest = authorization.strip_prefix("WECHATPAY2-SHA256-RSA2048 ")?;
        let field = |name: &str| rest.split(&format!("{name}=\"")).nth(1)?.split('"').next();
        (field("mchid")? == self.merchant.mchid).then_some(())?;
        let message = format!(
            "{method}\n{path}\n{}\n{}\n{body}\n",
            field("timestamp")?,
            field("nonce_str")?
        );
        let signature = base64::engine::general_purpose::STANDARD
            .decode(field("signature")?)
            .ok()?;
        self.merchant_public
            .verify(
                message.as_bytes(),
                &Signature::try_from(signature.as_slice()).ok()?,
            )
            .ok()
    }

    /// The headers and body of a notice that `order` was paid `total_fen`.
    pub fn notice(
        &self,
        order: &str,
        total_fen: u64,
        transaction_id: &str,
        timestamp: i64,
    ) -> (Vec<(&'static str, String)>, String) {
        self.notice_of(
            &self.transaction(order, total_fen, transaction_id),
            timestamp,
        )
    }

    /// This merchant's successful payment of `order`, as a notice carries it.
    pub fn transaction(&self, order: &str, total_fen: u64, transaction_id: &str) -> Transaction {
        Transaction {
            mchid: self.merchant.mchid.clone(),
            appid: self.merchant.appid.clone(),
            out_trade_no: order.to_owned(),
            transaction_id: transaction_id.to_owned(),
            trade_state: "SUCCESS".to_owned(),
            success_time: None,
            amount: TransactionAmount {
                total: total_fen,
                currency: "CNY".to_owned(),
                payer_total: Some(total_fen),
            },
        }
    }

    /// The headers and body of a genuine notice (encrypted with the merchant's
    /// API v3 key, signed with the platform's key) carrying `transaction`:
    /// what the notify handler must still refuse when it is not ours.
    pub fn notice_of(
        &self,
        transaction: &Transaction,
        timestamp: i64,
    ) -> (Vec<(&'static str, String)>, String) {
        let transaction_id = &transaction.transaction_id;
        let resource = self
            .merchant
            .encrypt(transaction, &nonce(12), "transaction");
        let body = json!({
            "id": format!("EV-{transaction_id}"),
            "create_time": jiff::Timestamp::from_second(timestamp).map(|t| t.to_string()).unwrap_or_default(),
            "event_type": "TRANSACTION.SUCCESS",
            "resource_type": "encrypt-resource",
            "resource": resource,
            "summary": "支付成功",
        })
        .to_string();
        self.signed(body, timestamp)
    }

    /// The headers and body of a genuine refund notice carrying `report`.
    pub fn refund_notice(
        &self,
        report: &ticedu_wechatpay::RefundReport,
        timestamp: i64,
    ) -> (Vec<(&'static str, String)>, String) {
        let resource = self.merchant.encrypt(report, &nonce(12), "refund");
        let event = match report.status.as_str() {
            "SUCCESS" => "REFUND.SUCCESS",
            "CLOSED" => "REFUND.CLOSED",
            _ => "REFUND.ABNORMAL",
        };
        let body = json!({
            "id": format!("EV-{}", report.refund_id),
            "create_time": jiff::Timestamp::from_second(timestamp).map(|t| t.to_string()).unwrap_or_default(),
            "event_type": event,
            "resource_type": "encrypt-resource",
            "resource": resource,
            "summary": "退款成功",
        })
        .to_string();
        self.signed(body, timestamp)
    }

    /// `body` with the headers of WeChat Pay's signature over it.
    fn signed(&self, body: String, timestamp: i64) -> (Vec<(&'static str, String)>, String) {
        let header_nonce = nonce(32);
        let signature = sign_notice(&self.platform_key_pem, timestamp, &header_nonce, &body)
            .expect("the simulator's own key");
        let headers = vec![
            ("Wechatpay-Timestamp", timestamp.to_string()),
            ("Wechatpay-Nonce", header_nonce),
            ("Wechatpay-Signature", signature),
            ("Wechatpay-Serial", self.platform_key_id.clone()),
        ];
        (headers, body)
    }
}

/// Random letters and digits for nonces.
fn nonce(length: usize) -> String {
    let mut bytes = vec![0u8; length];
    getrandom::fill(&mut bytes).expect("randomness");
    bytes
        .iter()
        .map(|b| char::from(b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789"[usize::from(b % 32)]))
        .collect()
}

/// The simulator's routes, under [`PREFIX`].
pub fn routes(simulator: Arc<Simulator>) -> Router {
    Router::new()
        .route(&format!("{PREFIX}/v3/pay/transactions/native"), post(order))
        .route(&format!("{PREFIX}/v3/pay/transactions/jsapi"), post(order))
        .route(&format!("{PREFIX}/v3/pay/transactions/h5"), post(order))
        .route(&format!("{PREFIX}/h5/{{order}}"), get(h5_page))
        .route(&format!("{PREFIX}/pay/{{order}}"), post(pay_route))
        .route(&format!("{PREFIX}/scan"), post(scan))
        // Paying inside WeChat: the web authorisation and the JSAPI pay sheet.
        .merge(official_account::routes())
        .merge(bill_routes())
        .merge(lifecycle::routes())
        .with_state(simulator)
}

async fn order(
    State(simulator): State<Arc<Simulator>>,
    uri: Uri,
    headers: HeaderMap,
    body: String,
) -> (StatusCode, Json<Value>) {
    let path = uri.path().strip_prefix(PREFIX).unwrap_or(uri.path());
    let authorization = headers
        .get("Authorization")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if simulator
        .verify_authorization("POST", authorization, path, &body)
        .is_none()
    {
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
    let answer = if path.ends_with("native") {
        json!({ "code_url": format!("weixin://wxpay/bizpayurl?pr={}", request.out_trade_no) })
    } else if path.ends_with("h5") {
        if request.scene_info.is_none() {
            return (
                StatusCode::BAD_REQUEST,
                Json(json!({ "code": "PARAM_ERROR", "message": "an H5 order needs scene_info" })),
            );
        }
        // WeChat Pay's own H5 page; here the simulator's, on the host it was reached on.
        let host = headers
            .get(axum::http::header::HOST)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("127.0.0.1");
        json!({ "h5_url": format!("http://{host}{PREFIX}/h5/{}?prepay_id=wx{}", request.out_trade_no, request.out_trade_no) })
    } else {
        json!({ "prepay_id": format!("wx{}", request.out_trade_no) })
    };
    if let Ok(mut orders) = simulator.orders.lock() {
        orders.push(request);
    }
    (StatusCode::OK, Json(answer))
}

/// WeChat Pay's H5 page, played: the learner "pays" at once (the notice is
/// sent and answered), then goes back to the `redirect_url` the page gave.
async fn h5_page(
    State(simulator): State<Arc<Simulator>>,
    UrlPath(order): UrlPath<String>,
    Query(query): Query<HashMap<String, String>>,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let (status, answer) = pay(&simulator, &order, true).await;
    match query.get("redirect_url") {
        Some(back) if status == StatusCode::OK => {
            axum::response::Redirect::to(back).into_response()
        }
        _ => (status, answer).into_response(),
    }
}

/// `POST …/pay/{order}[?notify=false]`: pays an order it took; with
/// `notify=false` the notice is lost on the way (which only reconciliation, or a
/// query, finds).
async fn pay_route(
    State(simulator): State<Arc<Simulator>>,
    UrlPath(order): UrlPath<String>,
    Query(options): Query<HashMap<String, String>>,
) -> (StatusCode, Json<Value>) {
    let notify = options.get("notify").map(String::as_str) != Some("false");
    pay(&simulator, &order, notify).await
}

/// `POST …/scan` with `{"code_url": …}`: a phone's WeChat scanning a Native
/// order's QR code and paying it. Only a code this simulator handed out
/// (`weixin://wxpay/bizpayurl?pr=<order>`) is understood.
async fn scan(
    State(simulator): State<Arc<Simulator>>,
    Json(scanned): Json<Value>,
) -> (StatusCode, Json<Value>) {
    let order = scanned["code_url"]
        .as_str()
        .and_then(|code| code.strip_prefix("weixin://wxpay/bizpayurl?pr="))
        .filter(|order| !order.is_empty() && !order.contains('&'));
    match order {
        Some(order) => pay(&simulator, order, true).await,
        None => (
            StatusCode::BAD_REQUEST,
            Json(
                json!({ "code": "INVALID_REQUEST", "message": "not a WeChat Pay code of this simulator" }),
            ),
        ),
    }
}

/// Pays an order it took, if it can still be paid: records the payment (for
/// queries and the bill) and, with `notify`, posts the notice to `notify_url`.
pub(crate) async fn pay(
    simulator: &Simulator,
    order: &str,
    notify: bool,
) -> (StatusCode, Json<Value>) {
    let Some(request) = simulator
        .orders()
        .into_iter()
        .find(|o| o.out_trade_no == order)
    else {
        return (
            StatusCode::NOT_FOUND,
            Json(
                json!({ "code": "ORDER_NOT_EXIST", "message": "the simulator took no such order" }),
            ),
        );
    };
    if let Err(refusal) = simulator.payable(&request) {
        return refusal;
    }
    let transaction = format!(
        "4200{}",
        nonce(24)
            .bytes()
            .map(|b| char::from(b'0' + b % 10))
            .collect::<String>()
    );
    simulator.record_payment(order, request.amount.total, &transaction);
    if !notify {
        return (
            StatusCode::OK,
            Json(json!({ "notified": null, "transaction_id": transaction })),
        );
    }
    let notice = simulator.notice(
        order,
        request.amount.total,
        &transaction,
        jiff::Timestamp::now().as_second(),
    );
    match deliver(&simulator.notify_url, notice).await {
        Ok(status) => (
            StatusCode::OK,
            Json(json!({ "notified": simulator.notify_url, "answer": status.as_u16() })),
        ),
        Err(error) => (
            StatusCode::BAD_GATEWAY,
            Json(json!({ "code": "NOTIFY_FAILED", "message": error.to_string() })),
        ),
    }
}

/// The path and query a request was signed over, as our side sent them (without the simulator's prefix).
fn signed_path(uri: &Uri) -> &str {
    let full = uri.path_and_query().map_or(uri.path(), |p| p.as_str());
    full.strip_prefix(PREFIX).unwrap_or(full)
}

/// Posts a signed notice (headers, body) to `url`, as WeChat Pay does; the status answered.
async fn deliver(
    url: &str,
    (headers, body): (Vec<(&'static str, String)>, String),
) -> Result<reqwest::StatusCode, reqwest::Error> {
    let mut post = reqwest::Client::new()
        .post(url)
        .header("Content-Type", "application/json")
        .body(body);
    for (name, value) in headers {
        post = post.header(name, value);
    }
    Ok(post.send().await?.status())
}

mod bill;
mod lifecycle;

use bill::bill_routes;

/// For the local platform at `address`: keys made once and kept in
/// `folder`, our merchant configured against the simulator, and the simulator.
pub fn local(
    folder: &Path,
    address: &str,
) -> Result<(Arc<WeChatPay>, Arc<Simulator>), Box<dyn std::error::Error + Send + Sync>> {
    std::fs::create_dir_all(folder)?;
    let key = |name: &str| -> Result<String, Box<dyn std::error::Error + Send + Sync>> {
        let path = folder.join(name);
        if let Ok(pem) = std::fs::read_to_string(&path) {
            return Ok(pem);
        }
        let key = RsaPrivateKey::new(&mut rsa::rand_core::OsRng, 2048)?;
        let pem = key.to_pkcs8_pem(LineEnding::LF)?.to_string();
        std::fs::write(&path, &pem)?;
        Ok(pem)
    };
    let merchant_key = key("merchant_key.pem")?;
    let platform_key = key("platform_key.pem")?;
    let public = |pem: &str| -> Result<String, Box<dyn std::error::Error + Send + Sync>> {
        use rsa::pkcs8::DecodePrivateKey;
        Ok(RsaPublicKey::from(RsaPrivateKey::from_pkcs8_pem(pem)?)
            .to_public_key_pem(LineEnding::LF)?)
    };
    let api_v3_key = b"ticedu local simulator api v3 k!";
    let notify_url = format!("http://{address}/api/payments/wechat/notify");
    let mut keys = PlatformKeys::default();
    keys.add_public_key(KEY_ID, &public(&platform_key)?)?;
    let ours = Merchant::new(
        MCHID,
        APPID,
        "SIMULATOR-MERCHANT-SERIAL",
        &merchant_key,
        api_v3_key,
    )?;
    let wechat = Arc::new(WeChatPay::new(
        ours,
        keys,
        &format!("http://{address}{PREFIX}"),
        &notify_url,
    ));
    let theirs = Merchant::new(
        MCHID,
        APPID,
        "SIMULATOR-MERCHANT-SERIAL",
        &merchant_key,
        api_v3_key,
    )?;
    let simulator = Simulator::new(
        &public(&merchant_key)?,
        &platform_key,
        KEY_ID,
        theirs,
        &notify_url,
    )
    .ok_or("the simulator's keys")?;
    Ok((wechat, Arc::new(simulator)))
}
