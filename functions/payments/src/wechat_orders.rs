//! Placing a WeChat Pay order for a cart (R14): Native (a QR code on a
//! computer), JSAPI (inside WeChat) or H5 (a phone's browser). The hours are the learner's once the
//! payment notice arrives ([`crate::wechat_notify`]).

use std::sync::Arc;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::{Extension, Json};
use serde::Serialize;
use ticedu_api::auth::AuthLearner;
use ticedu_api::ids::new_order_no;
use ticedu_api::{ApiError, ApiJson, ApiResult, AppState, ErrorBody};
use ticedu_domain::wechat_pay::amount_to_collect;
use ticedu_store::records::{Order, OrderStatus, PaymentChannel};
use utoipa::ToSchema;

use crate::requests::{Payer, WeChatOrderCommand, WeChatOrderRequest};
use crate::wechat::{OrderTerms, WeChatPay, WeChatPayError};
use crate::{PaymentsStore, cart};

pub const WECHAT_ORDERS: &str = "/api/payments/wechat/orders";

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct WeChatOrder {
    order_no: String,
    total_fen: u64,
    /// Native: the link WeChat opens when the QR code is scanned.
    code_url: Option<String>,
    /// Native: `code_url` as a QR code (an SVG document), drawn here so that
    /// no third-party service ever sees a payment link.
    code_url_qr_svg: Option<String>,
    /// H5: send the learner here, with `&redirect_url=` (URL-encoded) to come back to.
    h5_url: Option<String>,
    /// JSAPI: pass these to `getBrandWCPayRequest`.
    #[schema(value_type = Option<Object>)]
    jsapi: Option<ticedu_wechatpay::JsapiParameters>,
}

pub(crate) fn unavailable() -> ApiError {
    ApiError::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "wechatpay.unavailable",
        "微信支付暂不可用，请使用学习卡充值后用余额购买。",
        "WeChat Pay is not available; redeem a study card and pay from your balance.",
    )
}

fn request_failed() -> ApiError {
    ApiError::new(
        StatusCode::BAD_GATEWAY,
        "wechatpay.request_failed",
        "微信支付下单失败，请稍后重试。",
        "WeChat Pay did not take the order; please try again.",
    )
}

/// Place a WeChat Pay order for a cart (R14); the hours are the learner's once the payment notice arrives.
#[utoipa::path(post, path = WECHAT_ORDERS, tag = "payments", request_body = WeChatOrderRequest, security(("bearer" = [])),
    responses(
        (status = 201, description = "Ordered", body = WeChatOrder),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 409, description = "JSAPI: the learner has not been through WeChat's authorisation (`wechatpay.authorization_needed`)", body = ErrorBody),
        (status = 422, description = "The cart cannot be bought, is free, or the request names an openid", body = ErrorBody),
        (status = 502, description = "WeChat Pay refused or did not answer", body = ErrorBody),
        (status = 503, description = "WeChat Pay is not configured", body = ErrorBody),
    ))]
pub(crate) async fn wechat_order<S: PaymentsStore>(
    State(state): State<AppState<S>>,
    Extension(wechat): Extension<Option<Arc<WeChatPay>>>,
    headers: HeaderMap,
    auth: AuthLearner,
    ApiJson(body): ApiJson<WeChatOrderRequest>,
) -> ApiResult<(StatusCode, Json<WeChatOrder>)> {
    let wechat = wechat.ok_or_else(unavailable)?;
    let WeChatOrderCommand { items, channel } = body.parse()?;
    let learner = auth.learner(&state.store).await?;
    // JSAPI pays as the openid WeChat's authorisation bound to the learner
    // (`wechat_authorization`): refused before an order is stored without one.
    let payer = Payer::of(channel, &learner)?;
    let quote = cart::price(&state, &learner, &items).await?;
    let amount = amount_to_collect(quote.total).map_err(|e| ApiError::invalid(&e))?;
    let now = state.platform.clock.now();
    let expires_at = now + wechat.order_lifetime;
    let order = Order {
        no: new_order_no(now)?,
        learner: auth.id.clone(),
        hours: quote.hours().cloned().collect(),
        amount,
        channel: PaymentChannel::WeChatPay,
        status: OrderStatus::Pending,
        created_at: now,
        invoice: None,
        cycle: learner.cycle,
        expires_at: Some(expires_at),
        refunds: Vec::new(),
    };
    // Stored (holding its hours) before WeChat Pay hears of it, so that a
    // notice always finds its order and no other order takes the hours.
    state.store.create_order(&order).await?;
    let description = format!("CIQ大讲堂 继续教育 {} 学时", order.hours.len());
    let terms = OrderTerms {
        no: order.no.as_str(),
        description: &description,
        total_fen: order.amount.get(),
        expires_at,
    };
    let timestamp = now.as_second();
    let placed = match &payer {
        Payer::Native => wechat
            .native(&terms, timestamp)
            .await
            .map(|code_url| (Some(code_url), None, None)),
        Payer::Jsapi(openid) => wechat
            .jsapi(&terms, openid.as_str(), timestamp)
            .await
            .map(|jsapi| (None, None, Some(jsapi))),
        Payer::H5 => wechat
            .h5(&terms, client_ip(&headers), timestamp)
            .await
            .map(|h5_url| (None, Some(h5_url), None)),
    };
    let (code_url, h5_url, jsapi) = placed.map_err(|error: WeChatPayError| {
        tracing::error!(order = %order.no, %error, "WeChat Pay order failed");
        request_failed()
    })?;
    tracing::info!(learner = %auth.id, order = %order.no, total_fen = order.amount.get(), "WeChat Pay order placed");
    let code_url_qr_svg = code_url
        .as_deref()
        .and_then(|url| ticedu_api::qr::svg(url, 220));
    Ok((
        StatusCode::CREATED,
        Json(WeChatOrder {
            order_no: order.no.to_string(),
            total_fen: order.amount.get(),
            code_url,
            code_url_qr_svg,
            h5_url,
            jsapi,
        }),
    ))
}

/// The learner's address for WeChat Pay's H5 check: the first of
/// `X-Forwarded-For`, else loopback (the local platform, reached directly).
/// A client may put its own value first; a wrong address only makes its own
/// H5 payment fail WeChat Pay's check, so nothing is gained by it.
fn client_ip(headers: &HeaderMap) -> std::net::IpAddr {
    headers
        .get("X-Forwarded-For")
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(',').next())
        .and_then(|first| first.trim().parse().ok())
        .unwrap_or_else(|| {
            // Expected only on the local platform; in a deployment WeChat Pay
            // will refuse the payment, and this says why.
            tracing::warn!("H5 order without a usable X-Forwarded-For: the payer's address is given as loopback");
            std::net::IpAddr::V4(std::net::Ipv4Addr::LOCALHOST)
        })
}
