//! WeChat's web authorisation (网页授权, `snsapi_base`): how the platform
//! learns a learner's openid for the official account, which a JSAPI order
//! is made out to. The browser goes to WeChat's authorize page, which comes
//! straight back (silently: `snsapi_base` asks nothing) with a code; the
//! server exchanges the code for the openid with the app secret. Base URLs
//! are configurable, so tests and the local platform use a simulator.

use std::sync::Arc;

use reqwest::Url;
use serde::Deserialize;
use ticedu_api::config::Environment;
use ticedu_domain::wechat_pay::OpenId;

use crate::wechat::APPID;
use crate::wechat_oauth_state::StateKey;

/// The official account's app secret (AppSecret, 开发者密码): exchanges codes
/// for openids and keys the state. Without it JSAPI is unavailable.
pub const APP_SECRET: &str = "TICEDU_WECHATPAY_APP_SECRET";
/// WeChat's authorize page (default `https://open.weixin.qq.com`).
pub const AUTHORIZE_BASE_URL: &str = "TICEDU_WECHATPAY_AUTHORIZE_BASE_URL";
/// WeChat's code exchange (default `https://api.weixin.qq.com`).
pub const SNS_BASE_URL: &str = "TICEDU_WECHATPAY_SNS_BASE_URL";
/// The public site: the callback is this origin and
/// [`crate::wechat_authorization::WECHAT_OAUTH_CALLBACK`]. WeChat sends the
/// browser back only to the domain set as the official account's 网页授权域名.
pub const SITE_URL: &str = "TICEDU_SITE_URL";

/// The official account's app and the endpoints of its web authorisation.
pub struct WeChatOAuth {
    appid: String,
    app_secret: String,
    pub(crate) state_key: StateKey,
    authorize_base: String,
    sns_base: String,
    callback_url: String,
    http: reqwest::Client,
}

impl std::fmt::Debug for WeChatOAuth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the app secret.
        f.debug_struct("WeChatOAuth")
            .field("appid", &self.appid)
            .field("authorize_base", &self.authorize_base)
            .field("sns_base", &self.sns_base)
            .field("callback_url", &self.callback_url)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum OAuthError {
    #[error("WeChat web authorisation configuration: {0}")]
    Config(String),
    /// WeChat did not answer, or not as documented.
    #[error("WeChat code exchange: {0}")]
    Request(String),
    /// WeChat refused the code (used, expired, another app's…).
    #[error("WeChat refused the code: errcode {0}")]
    Refused(i64),
}

/// What `sns/oauth2/access_token` answers: the openid with an access token
/// (unused: `snsapi_base` reads nothing more), or `{errcode, errmsg}`.
#[derive(Deserialize)]
struct ExchangeAnswer {
    openid: Option<String>,
    #[serde(default)]
    errcode: i64,
}

impl WeChatOAuth {
    /// `callback_url` is where WeChat sends the browser back to (our
    /// callback route, on the public site's origin).
    pub fn new(
        appid: &str,
        app_secret: &str,
        authorize_base: &str,
        sns_base: &str,
        callback_url: &str,
    ) -> Self {
        Self {
            appid: appid.to_owned(),
            app_secret: app_secret.to_owned(),
            state_key: StateKey::derive(app_secret),
            authorize_base: authorize_base.trim_end_matches('/').to_owned(),
            sns_base: sns_base.trim_end_matches('/').to_owned(),
            callback_url: callback_url.to_owned(),
            http: reqwest::Client::new(),
        }
    }

    /// `None` without `TICEDU_WECHATPAY_APP_SECRET`: JSAPI is then
    /// unavailable (Native and H5 need no openid). With it, the appid and
    /// the site's address are required.
    pub fn from_environment(env: &Environment) -> Result<Option<Arc<Self>>, OAuthError> {
        let Some(app_secret) = env.var(APP_SECRET).filter(|s| !s.is_empty()) else {
            return Ok(None);
        };
        let var = |name: &'static str| {
            env.var(name)
                .filter(|value| !value.is_empty())
                .ok_or_else(|| {
                    OAuthError::Config(format!("{name} is not set (needed with {APP_SECRET})"))
                })
        };
        let site = var(SITE_URL)?;
        let callback = format!(
            "{}{}",
            site.trim_end_matches('/'),
            crate::wechat_authorization::WECHAT_OAUTH_CALLBACK
        );
        Url::parse(&callback)
            .map_err(|e| OAuthError::Config(format!("{SITE_URL} is not a URL: {e}")))?;
        let base = |name: &'static str, default: &str| {
            env.var(name)
                .filter(|value| !value.is_empty())
                .unwrap_or_else(|| default.to_owned())
        };
        Ok(Some(Arc::new(Self::new(
            &var(APPID)?,
            &app_secret,
            &base(AUTHORIZE_BASE_URL, "https://open.weixin.qq.com"),
            &base(SNS_BASE_URL, "https://api.weixin.qq.com"),
            &callback,
        ))))
    }

    /// Where to send the browser: WeChat's authorize page, which comes back
    /// to the callback with a code and `state`. WeChat insists on this
    /// parameter order and on the `#wechat_redirect` fragment.
    pub fn authorize_url(&self, state: &str) -> String {
        let mut url = match Url::parse(&format!("{}/connect/oauth2/authorize", self.authorize_base))
        {
            Ok(url) => url,
            // The base was a URL when configured; this keeps a typo visible.
            Err(_) => return format!("{}/connect/oauth2/authorize", self.authorize_base),
        };
        url.query_pairs_mut()
            .append_pair("appid", &self.appid)
            .append_pair("redirect_uri", &self.callback_url)
            .append_pair("response_type", "code")
            .append_pair("scope", "snsapi_base")
            .append_pair("state", state);
        url.set_fragment(Some("wechat_redirect"));
        url.into()
    }

    /// Exchanges an authorisation code for the learner's openid, server to
    /// server with the app secret. Errors never carry the request's URL: it
    /// holds the secret.
    pub async fn openid(&self, code: &str) -> Result<OpenId, OAuthError> {
        let url = format!("{}/sns/oauth2/access_token", self.sns_base);
        let response = self
            .http
            .get(url)
            .query(&[
                ("appid", self.appid.as_str()),
                ("secret", self.app_secret.as_str()),
                ("code", code),
                ("grant_type", "authorization_code"),
            ])
            .send()
            .await
            .map_err(|e| OAuthError::Request(e.without_url().to_string()))?;
        if !response.status().is_success() {
            return Err(OAuthError::Request(format!("HTTP {}", response.status())));
        }
        let answer: ExchangeAnswer = response
            .json()
            .await
            .map_err(|e| OAuthError::Request(e.without_url().to_string()))?;
        if answer.errcode != 0 {
            return Err(OAuthError::Refused(answer.errcode));
        }
        let openid = answer
            .openid
            .ok_or_else(|| OAuthError::Request("no openid in the answer".to_owned()))?;
        OpenId::parse(&openid).map_err(|_| OAuthError::Request("a malformed openid".to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_authorize_url_is_in_the_order_wechat_wants() {
        let oauth = WeChatOAuth::new(
            "wx520c15f417810387",
            "secret",
            "https://open.weixin.qq.com/",
            "https://api.weixin.qq.com",
            "https://ticedu.example.cn/api/payments/wechat/oauth",
        );
        assert_eq!(
            oauth.authorize_url("STATE1"),
            "https://open.weixin.qq.com/connect/oauth2/authorize?appid=wx520c15f417810387\
             &redirect_uri=https%3A%2F%2Fticedu.example.cn%2Fapi%2Fpayments%2Fwechat%2Foauth\
             &response_type=code&scope=snsapi_base&state=STATE1#wechat_redirect"
        );
    }

    #[test]
    fn without_an_app_secret_there_is_no_authorisation_and_with_one_the_site_is_needed() {
        let env = |pairs: &[(&str, &str)]| {
            Environment::with_secrets(
                pairs
                    .iter()
                    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                    .collect(),
            )
        };
        // The process environment of the test runner has none of these.
        assert!(WeChatOAuth::from_environment(&env(&[])).unwrap().is_none());
        let missing = WeChatOAuth::from_environment(&env(&[(APP_SECRET, "s"), (APPID, "wx1")]))
            .unwrap_err()
            .to_string();
        assert!(missing.contains(SITE_URL), "{missing}");
        let oauth = WeChatOAuth::from_environment(&env(&[
            (APP_SECRET, "s"),
            (APPID, "wx1"),
            (SITE_URL, "https://ticedu.example.cn/"),
        ]))
        .unwrap()
        .unwrap();
        assert_eq!(
            oauth.callback_url,
            "https://ticedu.example.cn/api/payments/wechat/oauth"
        );
        assert!(!format!("{oauth:?}").contains("\"s\""));
    }
}
