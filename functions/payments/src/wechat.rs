//! WeChat Pay (R14): placing Native and JSAPI orders through the real API
//! (base URL configurable, so tests and the local platform use a simulator),
//! and the configuration they need, read once at cold start.

use std::sync::Arc;

pub mod bill;

use ticedu_api::config::Environment;
use ticedu_wechatpay::{
    H5Info, JsapiParameters, Merchant, OrderAmount, OrderRequest, Payer, PlatformKeys, SceneInfo,
};

pub const MCHID: &str = "TICEDU_WECHATPAY_MCHID";
pub const APPID: &str = "TICEDU_WECHATPAY_APPID";
pub const SERIAL_NO: &str = "TICEDU_WECHATPAY_SERIAL_NO";
pub const PRIVATE_KEY: &str = "TICEDU_WECHATPAY_PRIVATE_KEY";
pub const API_V3_KEY: &str = "TICEDU_WECHATPAY_API_V3_KEY";
pub const NOTIFY_URL: &str = "TICEDU_WECHATPAY_NOTIFY_URL";
pub const BASE_URL: &str = "TICEDU_WECHATPAY_BASE_URL";
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
    http: reqwest::Client,
}

#[derive(Debug, thiserror::Error)]
pub enum WeChatPayError {
    #[error("WeChat Pay configuration: {0}")]
    Config(String),
    #[error("WeChat Pay request: {0}")]
    Request(String),
}

impl WeChatPay {
    pub fn new(merchant: Merchant, keys: PlatformKeys, base_url: &str, notify_url: &str) -> Self {
        Self {
            merchant,
            keys,
            base_url: base_url.trim_end_matches('/').to_owned(),
            notify_url: notify_url.to_owned(),
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
        Ok(Some(Arc::new(Self::new(
            merchant,
            keys,
            &base,
            &var(NOTIFY_URL)?,
        ))))
    }

    fn order_request(
        &self,
        order_no: &str,
        description: &str,
        total_fen: u64,
        openid: Option<&str>,
    ) -> OrderRequest {
        OrderRequest {
            appid: self.merchant.appid.clone(),
            mchid: self.merchant.mchid.clone(),
            description: description.to_owned(),
            out_trade_no: order_no.to_owned(),
            notify_url: self.notify_url.clone(),
            amount: OrderAmount {
                total: total_fen,
                currency: "CNY".to_owned(),
            },
            payer: openid.map(|openid| Payer {
                openid: openid.to_owned(),
            }),
            scene_info: None,
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
        let authorization = self
            .merchant
            .authorization("POST", path, &body, timestamp, nonce);
        let response = self
            .http
            .post(format!("{}{path}", self.base_url))
            .header("Authorization", authorization)
            .header("Content-Type", "application/json")
            .header("Accept", "application/json")
            .body(body)
            .send()
            .await
            .map_err(|e| WeChatPayError::Request(e.to_string()))?;
        let status = response.status();
        let answer: serde_json::Value = response
            .json()
            .await
            .map_err(|e| WeChatPayError::Request(e.to_string()))?;
        if !status.is_success() {
            return Err(WeChatPayError::Request(format!(
                "{status}: {}",
                answer["code"]
            )));
        }
        Ok(answer)
    }

    /// A Native order: the `code_url` a desktop page shows as a QR code.
    pub async fn native(
        &self,
        order_no: &str,
        description: &str,
        total_fen: u64,
        timestamp: i64,
        nonce: &str,
    ) -> Result<String, WeChatPayError> {
        let answer = self
            .post(
                "/v3/pay/transactions/native",
                &self.order_request(order_no, description, total_fen, None),
                timestamp,
                nonce,
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
        order_no: &str,
        description: &str,
        total_fen: u64,
        client_ip: std::net::IpAddr,
        timestamp: i64,
        nonce: &str,
    ) -> Result<String, WeChatPayError> {
        let mut request = self.order_request(order_no, description, total_fen, None);
        request.scene_info = Some(SceneInfo {
            payer_client_ip: client_ip.to_string(),
            h5_info: H5Info {
                kind: "Wap".to_owned(),
            },
        });
        let answer = self
            .post("/v3/pay/transactions/h5", &request, timestamp, nonce)
            .await?;
        answer["h5_url"]
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| WeChatPayError::Request("no h5_url".to_owned()))
    }

    /// A JSAPI order: the parameters a page inside WeChat passes to `getBrandWCPayRequest`.
    pub async fn jsapi(
        &self,
        order_no: &str,
        description: &str,
        total_fen: u64,
        openid: &str,
        timestamp: i64,
        nonce: &str,
    ) -> Result<JsapiParameters, WeChatPayError> {
        let answer = self
            .post(
                "/v3/pay/transactions/jsapi",
                &self.order_request(order_no, description, total_fen, Some(openid)),
                timestamp,
                nonce,
            )
            .await?;
        let prepay_id = answer["prepay_id"]
            .as_str()
            .ok_or_else(|| WeChatPayError::Request("no prepay_id".to_owned()))?;
        Ok(self.merchant.jsapi_parameters(prepay_id, timestamp, nonce))
    }
}
