//! WeChat Pay (R14): placing Native and JSAPI orders through the real API
//! (base URL configurable, so tests and the local platform use a simulator),
//! and the configuration they need, read once at cold start.

use std::sync::Arc;

pub mod bill;

use ticedu_api::config::Environment;
use ticedu_wechatpay::{
    H5Info, JsapiParameters, Merchant, OrderAmount, OrderRequest, Payer, PlatformKeys,
    RefundAmount, RefundReport, RefundRequest, SceneInfo, Transaction,
};

pub const MCHID: &str = "TICEDU_WECHATPAY_MCHID";
pub const APPID: &str = "TICEDU_WECHATPAY_APPID";
pub const SERIAL_NO: &str = "TICEDU_WECHATPAY_SERIAL_NO";
pub const PRIVATE_KEY: &str = "TICEDU_WECHATPAY_PRIVATE_KEY";
pub const API_V3_KEY: &str = "TICEDU_WECHATPAY_API_V3_KEY";
pub const NOTIFY_URL: &str = "TICEDU_WECHATPAY_NOTIFY_URL";
pub const BASE_URL: &str = "TICEDU_WECHATPAY_BASE_URL";
/// Minutes an order can be paid, 5–120 (default 30).
pub const ORDER_MINUTES: &str = "TICEDU_WECHATPAY_ORDER_MINUTES";
/// Long enough to scan and pay on a phone, short enough that an abandoned
/// order soon frees its hours for another way of paying.
pub const DEFAULT_ORDER_LIFETIME: jiff::SignedDuration = jiff::SignedDuration::from_mins(30);
/// Platform certificates (PEM, concatenated): platform-certificate mode.
pub const PLATFORM_CERTIFICATES: &str = "TICEDU_WECHATPAY_PLATFORM_CERTIFICATES";
/// `PUB_KEY_ID_…` and its PEM: public-key mode.
pub const PUBLIC_KEY_ID: &str = "TICEDU_WECHATPAY_PUBLIC_KEY_ID";
pub const PUBLIC_KEY: &str = "TICEDU_WECHATPAY_PUBLIC_KEY";

/// The merchant, the keys notices are checked with, and an HTTP client.
#[derive(Debug)]
pub struct WeChatPay {
    pub merchant: Merchant,
    pub keys: PlatformKeys,
    pub base_url: String,
    pub notify_url: String,
    /// Where refund notices go: beside `notify_url`, `…/refund-notify`.
    pub refund_notify_url: String,
    /// How long an order can be paid (WeChat Pay's `time_expire`), holding its hours meanwhile.
    pub order_lifetime: jiff::SignedDuration,
    http: reqwest::Client,
}

#[derive(Debug, thiserror::Error)]
pub enum WeChatPayError {
    #[error("WeChat Pay configuration: {0}")]
    Config(String),
    #[error("WeChat Pay request: {0}")]
    Request(String),
    #[error("WeChat Pay answered {status}: {code}")]
    Answer { status: u16, code: String },
}

/// What WeChat Pay is told of an order it is to take.
#[derive(Debug, Clone, Copy)]
pub struct OrderTerms<'a> {
    /// Our order number (`out_trade_no`).
    pub no: &'a str,
    pub description: &'a str,
    pub total_fen: u64,
    /// `time_expire`: no payment after it.
    pub expires_at: jiff::Timestamp,
}

/// An order's state at WeChat Pay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TradeState {
    Paid(Transaction),
    /// `NOTPAY`, `CLOSED`, `USERPAYING`, `PAYERROR`, `REVOKED`…
    Unpaid(String),
}

/// `2026-12-02T10:30:00+08:00`: the form WeChat Pay takes for `time_expire`.
pub fn china_time(at: jiff::Timestamp) -> String {
    jiff::tz::offset(8)
        .to_datetime(at)
        .strftime("%Y-%m-%dT%H:%M:%S+08:00")
        .to_string()
}

fn nonce() -> Result<String, WeChatPayError> {
    ticedu_api::ids::random_hex(16)
        .map(|hex| hex.to_ascii_uppercase())
        .map_err(|e| WeChatPayError::Request(e.to_string()))
}

impl WeChatPay {
    pub fn new(merchant: Merchant, keys: PlatformKeys, base_url: &str, notify_url: &str) -> Self {
        Self {
            merchant,
            keys,
            base_url: base_url.trim_end_matches('/').to_owned(),
            notify_url: notify_url.to_owned(),
            refund_notify_url: format!("{}/refund-notify", notify_url.trim_end_matches("/notify")),
            order_lifetime: DEFAULT_ORDER_LIFETIME,
            http: reqwest::Client::new(),
        }
    }

    /// `None` when WeChat Pay is not configured (`TICEDU_WECHATPAY_MCHID` unset): only the balance is then offered.
    pub fn from_env() -> Result<Option<Arc<Self>>, WeChatPayError> {
        Self::from_environment(&Environment::process())
    }

    /// Like [`WeChatPay::from_env`], from `env` (the environment and fetched secrets).
    pub fn from_environment(env: &Environment) -> Result<Option<Arc<Self>>, WeChatPayError> {
        let Some(mchid) = env.var(MCHID) else {
            return Ok(None);
        };
        let var = |name: &'static str| {
            env.var(name)
                .ok_or_else(|| WeChatPayError::Config(format!("{name} is not set")))
        };
        let merchant = Merchant::new(
            &mchid,
            &var(APPID)?,
            &var(SERIAL_NO)?,
            &var(PRIVATE_KEY)?,
            var(API_V3_KEY)?.as_bytes(),
        )
        .map_err(|e| WeChatPayError::Config(e.to_string()))?;
        let mut keys = PlatformKeys::default();
        if let Some(pems) = env.var(PLATFORM_CERTIFICATES) {
            for pem in pems
                .split_inclusive("-----END CERTIFICATE-----")
                .filter(|p| p.contains("BEGIN CERTIFICATE"))
            {
                keys.add_certificate(pem.trim())
                    .map_err(|e| WeChatPayError::Config(e.to_string()))?;
            }
        }
        if let Some(id) = env.var(PUBLIC_KEY_ID) {
            keys.add_public_key(&id, &var(PUBLIC_KEY)?)
                .map_err(|e| WeChatPayError::Config(e.to_string()))?;
        }
        let base = env
            .var(BASE_URL)
            .unwrap_or_else(|| "https://api.mch.weixin.qq.com".to_owned());
        let mut wechat = Self::new(merchant, keys, &base, &var(NOTIFY_URL)?);
        if let Some(minutes) = env.var(ORDER_MINUTES) {
            let minutes: i64 = minutes
                .parse()
                .ok()
                .filter(|m| (5..=120).contains(m))
                .ok_or_else(|| WeChatPayError::Config(format!("{ORDER_MINUTES} must be 5–120")))?;
            wechat.order_lifetime = jiff::SignedDuration::from_mins(minutes);
        }
        Ok(Some(Arc::new(wechat)))
    }

    fn order_request(&self, terms: &OrderTerms<'_>, openid: Option<&str>) -> OrderRequest {
        OrderRequest {
            appid: self.merchant.appid.clone(),
            mchid: self.merchant.mchid.clone(),
            description: terms.description.to_owned(),
            out_trade_no: terms.no.to_owned(),
            notify_url: self.notify_url.clone(),
            amount: OrderAmount {
                total: terms.total_fen,
                currency: "CNY".to_owned(),
            },
            payer: openid.map(|openid| Payer {
                openid: openid.to_owned(),
            }),
            scene_info: None,
            time_expire: Some(china_time(terms.expires_at)),
        }
    }

    async fn post(
        &self,
        path: &str,
        body: &OrderRequest,
        timestamp: i64,
        nonce: &str,
    ) -> Result<serde_json::Value, WeChatPayError> {
        let body =
            serde_json::to_string(body).map_err(|e| WeChatPayError::Request(e.to_string()))?;
        self.send(reqwest::Method::POST, path, &body, timestamp, nonce)
            .await?
            .ok_or_else(|| WeChatPayError::Request("an empty answer".to_owned()))
    }

    /// One signed v3 request; `None` for an answer without content (204).
    async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        body: &str,
        timestamp: i64,
        nonce: &str,
    ) -> Result<Option<serde_json::Value>, WeChatPayError> {
        let authorization =
            self.merchant
                .authorization(method.as_str(), path, body, timestamp, nonce);
        let mut request = self
            .http
            .request(method, format!("{}{path}", self.base_url))
            .header("Authorization", authorization)
            .header("Accept", "application/json");
        if !body.is_empty() {
            request = request
                .header("Content-Type", "application/json")
                .body(body.to_owned());
        }
        let response = request
            .send()
            .await
            .map_err(|e| WeChatPayError::Request(e.to_string()))?;
        let status = response.status();
        if status == reqwest::StatusCode::NO_CONTENT {
            return Ok(None);
        }
        let answer: serde_json::Value = response
            .json()
            .await
            .map_err(|e| WeChatPayError::Request(e.to_string()))?;
        if !status.is_success() {
            return Err(WeChatPayError::Answer {
                status: status.as_u16(),
                code: answer["code"].as_str().unwrap_or_default().to_owned(),
            });
        }
        Ok(Some(answer))
    }

    /// The order's state at WeChat Pay (query by `out_trade_no`): the
    /// transaction once it is `SUCCESS`, else only the state; `None` if
    /// WeChat Pay never took the order.
    pub async fn query(
        &self,
        order_no: &str,
        timestamp: i64,
    ) -> Result<Option<TradeState>, WeChatPayError> {
        let path = format!(
            "/v3/pay/transactions/out-trade-no/{order_no}?mchid={}",
            self.merchant.mchid
        );
        let answer = match self
            .send(reqwest::Method::GET, &path, "", timestamp, &nonce()?)
            .await
        {
            Ok(answer) => answer.unwrap_or_default(),
            Err(WeChatPayError::Answer { code, .. }) if code == "ORDER_NOT_EXIST" => {
                return Ok(None);
            }
            Err(error) => return Err(error),
        };
        let state = answer["trade_state"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        if state == "SUCCESS" {
            let transaction: Transaction = serde_json::from_value(answer)
                .map_err(|e| WeChatPayError::Request(format!("a paid order's query: {e}")))?;
            return Ok(Some(TradeState::Paid(transaction)));
        }
        Ok(Some(TradeState::Unpaid(state)))
    }

    /// Closes an unpaid order at WeChat Pay, so that it can no longer be paid.
    pub async fn close(&self, order_no: &str, timestamp: i64) -> Result<(), WeChatPayError> {
        let path = format!("/v3/pay/transactions/out-trade-no/{order_no}/close");
        let body = serde_json::json!({ "mchid": self.merchant.mchid }).to_string();
        self.send(reqwest::Method::POST, &path, &body, timestamp, &nonce()?)
            .await
            .map(|_| ())
    }

    /// Asks WeChat Pay to give `refund_fen` of an order's `total_fen` back;
    /// repeating it with the same `refund_no` refunds once.
    pub async fn refund(
        &self,
        refund_no: &str,
        order_no: &str,
        refund_fen: u64,
        total_fen: u64,
        reason: &str,
        timestamp: i64,
    ) -> Result<RefundReport, WeChatPayError> {
        let request = RefundRequest {
            out_trade_no: order_no.to_owned(),
            out_refund_no: refund_no.to_owned(),
            reason: Some(reason.to_owned()),
            notify_url: self.refund_notify_url.clone(),
            amount: RefundAmount {
                refund: refund_fen,
                total: total_fen,
                currency: "CNY".to_owned(),
            },
        };
        let body =
            serde_json::to_string(&request).map_err(|e| WeChatPayError::Request(e.to_string()))?;
        let answer = self
            .send(
                reqwest::Method::POST,
                "/v3/refund/domestic/refunds",
                &body,
                timestamp,
                &nonce()?,
            )
            .await?
            .unwrap_or_default();
        serde_json::from_value(answer)
            .map_err(|e| WeChatPayError::Request(format!("a refund's answer: {e}")))
    }

    /// A Native order: the `code_url` a desktop page shows as a QR code.
    pub async fn native(
        &self,
        terms: &OrderTerms<'_>,
        timestamp: i64,
    ) -> Result<String, WeChatPayError> {
        let answer = self
            .post(
                "/v3/pay/transactions/native",
                &self.order_request(terms, None),
                timestamp,
                &nonce()?,
            )
            .await?;
        answer["code_url"]
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| WeChatPayError::Request("no code_url".to_owned()))
    }

    /// An H5 order, for a phone's browser outside WeChat: the `h5_url` the
    /// page sends the learner to (with its `redirect_url` appended), where
    /// WeChat opens and pays.
    pub async fn h5(
        &self,
        terms: &OrderTerms<'_>,
        client_ip: std::net::IpAddr,
        timestamp: i64,
    ) -> Result<String, WeChatPayError> {
        let mut request = self.order_request(terms, None);
        request.scene_info = Some(SceneInfo {
            payer_client_ip: client_ip.to_string(),
            h5_info: H5Info {
                kind: "Wap".to_owned(),
            },
        });
        let answer = self
            .post("/v3/pay/transactions/h5", &request, timestamp, &nonce()?)
            .await?;
        answer["h5_url"]
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| WeChatPayError::Request("no h5_url".to_owned()))
    }

    /// A JSAPI order: the parameters a page inside WeChat passes to `getBrandWCPayRequest`.
    pub async fn jsapi(
        &self,
        terms: &OrderTerms<'_>,
        openid: &str,
        timestamp: i64,
    ) -> Result<JsapiParameters, WeChatPayError> {
        let nonce = nonce()?;
        let answer = self
            .post(
                "/v3/pay/transactions/jsapi",
                &self.order_request(terms, Some(openid)),
                timestamp,
                &nonce,
            )
            .await?;
        let prepay_id = answer["prepay_id"]
            .as_str()
            .ok_or_else(|| WeChatPayError::Request("no prepay_id".to_owned()))?;
        Ok(self.merchant.jsapi_parameters(prepay_id, timestamp, &nonce))
    }
}
