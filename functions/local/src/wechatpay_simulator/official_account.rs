//! The simulator plays the official account's side of paying inside WeChat:
//! WeChat's web authorisation (`snsapi_base`: the authorize page, silent,
//! straight back with a code; the code exchange for the openid, checking the
//! app secret, each code once) and the pay sheet `WeixinJSBridge.invoke(
//! 'getBrandWCPayRequest', params, cb)` opens for a JSAPI order (checking
//! `paySign` with the merchant's public key, then paying as the QR scan and
//! the H5 page do: a signed, encrypted notice to our notify endpoint).
//!
//! The WeChat user is the one the browser names in the
//! `wechatpay_simulator_user` cookie (else `default`); each has a stable
//! openid, and the pay sheet refuses an order made out to another user's.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Json, Router};
use base64::Engine;
use reqwest::Url;
use rsa::pkcs1v15::Signature;
use rsa::signature::Verifier;
use serde_json::{Value, json};
use sha2::Digest;
use ticedu_payments::WECHAT_OAUTH_CALLBACK;
use ticedu_payments::wechat_oauth::WeChatOAuth;
use ticedu_wechatpay::JsapiParameters;

use super::{APPID, PREFIX, Simulator, nonce, pay};

/// The official account's app secret, as the simulator knows it.
pub const APP_SECRET: &str = "ticedu-simulator-app-secret";
/// Names the simulated WeChat user (default `default`).
pub const USER_COOKIE: &str = "wechatpay_simulator_user";
/// WeChat's codes expire after five minutes.
const CODE_LIFETIME: Duration = Duration::from_secs(300);

/// The codes handed out and not yet exchanged: code → (openid, when).
#[derive(Default)]
pub struct Codes(Mutex<HashMap<String, (String, Instant)>>);

/// The openid of a simulated WeChat user for our app: stable, unlike any
/// other user's, and shaped like WeChat's (28 characters, `o…`).
pub fn openid_of(user: &str) -> String {
    let digest = sha2::Sha256::digest(format!("{APPID}/{user}").as_bytes());
    let tail = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(digest);
    format!("o{}", &tail[..27])
}

/// The simulated user of a request, from its cookie.
fn user_of(headers: &HeaderMap) -> String {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == USER_COOKIE)
        .map_or_else(|| "default".to_owned(), |(_, user)| user.to_owned())
}

/// The routes of this part of the simulator, under [`PREFIX`].
pub(super) fn routes() -> Router<Arc<Simulator>> {
    Router::new()
        .route(
            &format!("{PREFIX}/connect/oauth2/authorize"),
            axum::routing::get(authorize),
        )
        .route(
            &format!("{PREFIX}/sns/oauth2/access_token"),
            axum::routing::get(access_token),
        )
        .route(
            &format!("{PREFIX}/jsapi/pay"),
            axum::routing::post(jsapi_pay),
        )
}

/// For a platform at `address` whose simulator is served with it: the
/// official account's web authorisation against the simulator, coming back
/// to the platform's callback.
pub fn official_account(address: &str) -> Arc<WeChatOAuth> {
    official_account_at(
        &format!("http://{address}{PREFIX}"),
        &format!("http://{address}"),
    )
}

/// The same with the simulator at `simulator_base` (its URL with [`PREFIX`])
/// and the platform at `platform_origin`.
pub fn official_account_at(simulator_base: &str, platform_origin: &str) -> Arc<WeChatOAuth> {
    Arc::new(WeChatOAuth::new(
        APPID,
        APP_SECRET,
        simulator_base,
        simulator_base,
        &format!("{platform_origin}{WECHAT_OAUTH_CALLBACK}"),
    ))
}

/// WeChat's error page: a person sees it, so plain text.
fn error_page(message: &str) -> Response {
    (
        StatusCode::BAD_REQUEST,
        format!("WeChat (simulated): {message}"),
    )
        .into_response()
}

/// `GET /connect/oauth2/authorize`: checked as WeChat checks it (our appid,
/// the parameters in WeChat's order, `snsapi_base`, a state of at most 128
/// letters and digits), then straight back to `redirect_uri` with a code.
async fn authorize(
    State(simulator): State<Arc<Simulator>>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    let pairs: Vec<(String, String)> = url_pairs(query.as_deref().unwrap_or_default()).collect();
    let names: Vec<&str> = pairs.iter().map(|(name, _)| name.as_str()).collect();
    if names != ["appid", "redirect_uri", "response_type", "scope", "state"] {
        return error_page(&format!("parameters out of order or missing: {names:?}"));
    }
    let value = |name: &str| {
        pairs
            .iter()
            .find(|(n, _)| n == name)
            .map_or("", |(_, v)| v.as_str())
    };
    if value("appid") != simulator.merchant.appid {
        return error_page("appid 参数错误 (another app)");
    }
    if value("response_type") != "code" || value("scope") != "snsapi_base" {
        return error_page("scope 参数错误或没有 scope 权限");
    }
    let state = value("state");
    if state.len() > 128 || !state.chars().all(|c| c.is_ascii_alphanumeric()) {
        return error_page("state 参数错误");
    }
    let Ok(mut back) = Url::parse(value("redirect_uri")) else {
        return error_page("redirect_uri 参数错误");
    };
    let code = nonce(32);
    if let Ok(mut codes) = simulator.codes.0.lock() {
        codes.insert(
            code.clone(),
            (openid_of(&user_of(&headers)), Instant::now()),
        );
    }
    back.query_pairs_mut()
        .append_pair("code", &code)
        .append_pair("state", state);
    // WeChat answers 302 here.
    (
        StatusCode::FOUND,
        [(axum::http::header::LOCATION, back.to_string())],
    )
        .into_response()
}

fn url_pairs(query: &str) -> impl Iterator<Item = (String, String)> + '_ {
    // Url parses a query the way browsers and WeChat do (`+` is a space).
    Url::parse(&format!("http://simulator/?{query}"))
        .map(|url| url.query_pairs().into_owned().collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
}

/// `GET /sns/oauth2/access_token`: our appid and app secret, a code it gave
/// within five minutes and not exchanged before; the openid of the user who
/// was authorised. Refusals are WeChat's: HTTP 200 with `errcode`.
async fn access_token(
    State(simulator): State<Arc<Simulator>>,
    RawQuery(query): RawQuery,
) -> Json<Value> {
    let pairs: HashMap<String, String> = url_pairs(query.as_deref().unwrap_or_default()).collect();
    let value = |name: &str| pairs.get(name).map_or("", String::as_str);
    let refuse = |errcode: u32, errmsg: &str| Json(json!({ "errcode": errcode, "errmsg": errmsg }));
    if value("appid") != simulator.merchant.appid {
        return refuse(40013, "invalid appid");
    }
    if value("secret") != APP_SECRET {
        return refuse(40125, "invalid appsecret");
    }
    if value("grant_type") != "authorization_code" {
        return refuse(40002, "invalid grant_type");
    }
    // Removed as it is read: a code works once.
    let given = simulator
        .codes
        .0
        .lock()
        .ok()
        .and_then(|mut codes| codes.remove(value("code")));
    match given {
        Some((openid, at)) if at.elapsed() <= CODE_LIFETIME => Json(json!({
            "access_token": format!("SIM_ACCESS_{}", nonce(24)),
            "expires_in": 7200,
            "refresh_token": format!("SIM_REFRESH_{}", nonce(24)),
            "openid": openid,
            "scope": "snsapi_base",
        })),
        Some(_) => refuse(40163, "code been used or expired"),
        None => refuse(40029, "invalid code"),
    }
}

/// What `getBrandWCPayRequest` would do with `params` (the JSAPI order's
/// parameters, as the page passes them): `paySign` checked with the
/// merchant's public key over `appId\ntimeStamp\nnonceStr\npackage\n`, the
/// prepay id one the simulator gave for a JSAPI order, the paying user the
/// order's payer; then paid, the notice sent. Answers the callback's
/// `{err_msg}`.
async fn jsapi_pay(
    State(simulator): State<Arc<Simulator>>,
    headers: HeaderMap,
    Json(params): Json<JsapiParameters>,
) -> (StatusCode, Json<Value>) {
    let fail = |status: StatusCode, why: &str| {
        (
            status,
            Json(json!({ "err_msg": "get_brand_wcpay_request:fail", "err_desc": why })),
        )
    };
    if params.app_id != simulator.merchant.appid || params.sign_type != "RSA" {
        return fail(StatusCode::BAD_REQUEST, "appId or signType");
    }
    let message = format!(
        "{}\n{}\n{}\n{}\n",
        params.app_id, params.time_stamp, params.nonce_str, params.package
    );
    let verified = base64::engine::general_purpose::STANDARD
        .decode(&params.pay_sign)
        .ok()
        .and_then(|bytes| Signature::try_from(bytes.as_slice()).ok())
        .is_some_and(|signature| {
            simulator
                .merchant_public
                .verify(message.as_bytes(), &signature)
                .is_ok()
        });
    if !verified {
        return fail(StatusCode::UNAUTHORIZED, "paySign does not verify");
    }
    let Some(order) = params.package.strip_prefix("prepay_id=wx").and_then(|no| {
        simulator
            .orders()
            .into_iter()
            .find(|o| o.out_trade_no == no)
    }) else {
        return fail(StatusCode::NOT_FOUND, "no such prepay_id");
    };
    let Some(payer) = &order.payer else {
        return fail(StatusCode::BAD_REQUEST, "not a JSAPI order");
    };
    if payer.openid != openid_of(&user_of(&headers)) {
        return fail(StatusCode::FORBIDDEN, "the order is another WeChat user's");
    }
    let (status, answer) = pay(&simulator, &order.out_trade_no, true).await;
    if status == StatusCode::OK {
        (
            StatusCode::OK,
            Json(json!({ "err_msg": "get_brand_wcpay_request:ok", "notice": answer.0 })),
        )
    } else {
        fail(status, "the notice could not be sent")
    }
}
