//! The payments function: a quote for a cart (R11, R12), buying hours from
//! the 元账户 balance (R13), redeeming a study card into the balance (R13),
//! WeChat Pay orders and their payment notices (R14), invoice requests (R15),
//! and the learner's orders.

pub mod wechat;

use std::collections::BTreeSet;

use std::sync::Arc;

use axum::Extension;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use ticedu_api::auth::AuthLearner;
use ticedu_api::{ApiError, ApiJson, ApiResult, AppState, ErrorBody};
use ticedu_domain::contact::EmailAddress;
use ticedu_domain::learner::ShortText;
use ticedu_domain::pricing::{Buyer, CartItem, Quote, quote};
use ticedu_domain::taxpayer::TaxpayerId;
use ticedu_store::ids::TransactionId;
use ticedu_store::ids::{CardCode, InvoiceId, OrderNo};
use ticedu_store::records::PaymentNotice;
use ticedu_store::records::{
    InvoiceDelivery, InvoiceRequest, InvoiceStatus, Learner, Order, OrderStatus, PaymentChannel,
};
use ticedu_store::{
    CardStore, InvoiceStore, LearnerStore, MAX_ORDERS_PER_INVOICE, OrderStore, Outcome, Refusal,
};
use ticedu_wechatpay::{Notice, NoticeError, NoticeHeaders};
use utoipa::{OpenApi, ToSchema};
use wechat::WeChatPay;

/// What the payments function needs of a store.
pub trait PaymentsStore:
    LearnerStore + CardStore + OrderStore + InvoiceStore + Clone + 'static
{
}
impl<T: LearnerStore + CardStore + OrderStore + InvoiceStore + Clone + 'static> PaymentsStore
    for T
{
}

pub const QUOTE: &str = "/api/payments/quote";
pub const PURCHASE: &str = "/api/payments/purchase";
pub const REDEEM: &str = "/api/payments/cards/redeem";
pub const ORDERS: &str = "/api/payments/orders";
pub const INVOICES: &str = "/api/payments/invoices";
pub const WECHAT_ORDERS: &str = "/api/payments/wechat/orders";
pub const WECHAT_NOTIFY: &str = "/api/payments/wechat/notify";

/// `wechat` is `None` where WeChat Pay is not configured: its routes then answer 503.
pub fn router<S: PaymentsStore>(state: AppState<S>, wechat: Option<Arc<WeChatPay>>) -> Router {
    Router::new()
        .route(WECHAT_ORDERS, post(wechat_order::<S>))
        .route(WECHAT_NOTIFY, post(wechat_notify::<S>))
        .route(QUOTE, post(quote_cart::<S>))
        .route(PURCHASE, post(purchase::<S>))
        .route(REDEEM, post(redeem::<S>))
        .route(ORDERS, get(orders::<S>))
        .route(INVOICES, post(request_invoice::<S>))
        .layer(Extension(wechat))
        .with_state(state)
}

#[derive(OpenApi)]
#[openapi(
    paths(quote_cart, purchase, redeem, orders, request_invoice, wechat_order, wechat_notify),
    components(schemas(WeChatOrderRequest, WeChatChannel, WeChatOrder, WeChatAnswer, CartRequest, QuoteView, QuoteLineView, Purchased, RedeemRequest, Redeemed, OrderView, MyOrders, InvoiceRequestBody, DeliveryRequest, InvoiceRequested, ErrorBody)),
    tags((name = "payments", description = "缴费 Payments (R11–R13)"))
)]
pub struct PaymentsApi;

/// A cart: courses, single hours and certification bundles.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CartRequest {
    /// e.g. `{"kind": "course", "id": "draft-survey"}`, `{"kind": "hour", "id": "draft-survey/2"}`, `{"kind": "bundle", "id": "certification-30"}`.
    #[schema(value_type = Vec<Object>)]
    pub items: Vec<CartItem>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct QuoteLineView {
    #[schema(value_type = Object)]
    pub item: CartItem,
    pub hours: u32,
    pub gross_fen: u64,
    /// R12: the returning learner's free mandatory hours.
    pub discount_fen: u64,
    pub net_fen: u64,
}

/// Prices in integer fen (分).
#[derive(Debug, Serialize, ToSchema)]
pub struct QuoteView {
    pub price_per_hour_fen: u64,
    pub lines: Vec<QuoteLineView>,
    pub gross_fen: u64,
    pub discount_fen: u64,
    pub total_fen: u64,
    /// The learner's balance, to compare with the total.
    pub balance_fen: u64,
}

impl QuoteView {
    fn new(quote: &Quote, balance: u64) -> Self {
        Self {
            price_per_hour_fen: quote.price_per_hour.get(),
            lines: quote
                .lines
                .iter()
                .map(|line| QuoteLineView {
                    item: line.item.clone(),
                    hours: line.hours.len() as u32,
                    gross_fen: line.gross.get(),
                    discount_fen: line.discount.get(),
                    net_fen: line.net.get(),
                })
                .collect(),
            gross_fen: quote.gross.get(),
            discount_fen: quote.discount.get(),
            total_fen: quote.total.get(),
            balance_fen: balance,
        }
    }
}

/// Prices `items` for this learner against this year's settings and what they own.
async fn price<S: PaymentsStore>(
    state: &AppState<S>,
    learner: &Learner,
    items: &[CartItem],
) -> ApiResult<Quote> {
    let platform = &state.platform;
    let settings = platform
        .settings
        .in_force_on(platform.clock.today())
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "settings.none",
                "本年度收费标准尚未配置。",
                "This year's fees are not configured yet.",
            )
        })?;
    let owned: BTreeSet<_> = state
        .store
        .enrollments(learner.id())
        .await?
        .into_iter()
        .map(|e| e.hour)
        .collect();
    let buyer = Buyer {
        category: learner.category(),
        returning: learner.returning,
    };
    quote(&platform.catalogue, settings, buyer, items, &owned).map_err(|e| ApiError::invalid(&e))
}

/// What a cart costs this learner (R11, R12), in fen.
#[utoipa::path(post, path = "/api/payments/quote", tag = "payments", request_body = CartRequest, security(("bearer" = [])),
    responses(
        (status = 200, description = "The quote", body = QuoteView),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 422, description = "Empty cart, unknown item, bundle for another kind of learner, hour bought already…", body = ErrorBody),
    ))]
pub async fn quote_cart<S: PaymentsStore>(
    State(state): State<AppState<S>>,
    auth: AuthLearner,
    ApiJson(cart): ApiJson<CartRequest>,
) -> ApiResult<Json<QuoteView>> {
    let learner = auth.learner(&state.store).await?;
    let quote = price(&state, &learner, &cart.items).await?;
    Ok(Json(QuoteView::new(&quote, learner.balance.get())))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Purchased {
    pub order_no: String,
    pub total_fen: u64,
    pub hours: Vec<String>,
}

/// Buy a cart from the balance (R13): the balance, the ledger and the hours change together or not at all.
#[utoipa::path(post, path = "/api/payments/purchase", tag = "payments", request_body = CartRequest, security(("bearer" = [])),
    responses(
        (status = 201, description = "Bought", body = Purchased),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 409, description = "The balance does not cover the total, or an hour was bought meanwhile", body = ErrorBody),
        (status = 422, description = "The cart cannot be bought", body = ErrorBody),
    ))]
pub async fn purchase<S: PaymentsStore>(
    State(state): State<AppState<S>>,
    auth: AuthLearner,
    ApiJson(cart): ApiJson<CartRequest>,
) -> ApiResult<(StatusCode, Json<Purchased>)> {
    let learner = auth.learner(&state.store).await?;
    let quote = price(&state, &learner, &cart.items).await?;
    let now = state.platform.clock.now();
    let order = Order {
        no: new_order_no(now)?,
        learner: auth.id.clone(),
        hours: quote.hours().cloned().collect(),
        amount: quote.total,
        channel: PaymentChannel::Balance,
        status: OrderStatus::Paid {
            at: now,
            transaction: None,
        },
        created_at: now,
        invoice: None,
    };
    if state.store.purchase_with_balance(&order).await? == Outcome::Applied {
        tracing::info!(learner = %auth.id, order = %order.no, total_fen = order.amount.get(), "bought from the balance");
    }
    let hours = order.hours.iter().map(ToString::to_string).collect();
    Ok((
        StatusCode::CREATED,
        Json(Purchased {
            order_no: order.no.to_string(),
            total_fen: order.amount.get(),
            hours,
        }),
    ))
}

/// `TIC` + the time in seconds + 10 random hex digits, upper case: unique and unguessable.
fn new_order_no(now: jiff::Timestamp) -> ApiResult<OrderNo> {
    let random = ticedu_api::ids::random_hex(5)?.to_ascii_uppercase();
    OrderNo::parse(&format!("TIC{}{random}", now.as_second())).map_err(|_| ApiError::unavailable())
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RedeemRequest {
    /// The 16-character code on the study card; spaces and hyphens are ignored.
    pub code: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Redeemed {
    pub credited_fen: u64,
    pub balance_fen: u64,
}

/// Redeem a study card (学习卡) into the balance (R13), once.
#[utoipa::path(post, path = "/api/payments/cards/redeem", tag = "payments", request_body = RedeemRequest, security(("bearer" = [])),
    responses(
        (status = 200, description = "Credited", body = Redeemed),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 404, description = "No such card", body = ErrorBody),
        (status = 409, description = "The card was redeemed already", body = ErrorBody),
        (status = 422, description = "Not a card code", body = ErrorBody),
    ))]
pub async fn redeem<S: PaymentsStore>(
    State(state): State<AppState<S>>,
    auth: AuthLearner,
    ApiJson(request): ApiJson<RedeemRequest>,
) -> ApiResult<Json<Redeemed>> {
    let code = CardCode::parse_typed(&request.code).map_err(|_| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "card.malformed",
            "学习卡号应为 16 位字母和数字。",
            "A study card code has 16 letters and digits.",
        )
    })?;
    let card = state
        .store
        .card(&code)
        .await?
        .ok_or_else(|| ApiError::from(Refusal::UnknownCard))?;
    state
        .store
        .redeem_card(&card, &auth.id, state.platform.clock.now())
        .await?;
    let learner = auth.learner(&state.store).await?;
    tracing::info!(learner = %auth.id, credited_fen = card.value.get(), "study card redeemed");
    Ok(Json(Redeemed {
        credited_fen: card.value.get(),
        balance_fen: learner.balance.get(),
    }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OrderView {
    pub order_no: String,
    pub total_fen: u64,
    pub hours: Vec<String>,
    /// `balance` or `we_chat_pay`.
    pub channel: String,
    pub paid: bool,
    /// An invoice was requested for this order (R15).
    pub invoiced: bool,
    pub created_at: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MyOrders {
    pub orders: Vec<OrderView>,
}

/// The learner's orders, newest first.
#[utoipa::path(get, path = "/api/payments/orders", tag = "payments", security(("bearer" = [])),
    responses((status = 200, description = "My orders", body = MyOrders), (status = 401, description = "Not logged in", body = ErrorBody)))]
pub async fn orders<S: PaymentsStore>(
    State(state): State<AppState<S>>,
    auth: AuthLearner,
) -> ApiResult<Json<MyOrders>> {
    let orders = state.store.orders_of(&auth.id).await?;
    let orders = orders
        .into_iter()
        .map(|order| OrderView {
            order_no: order.no.to_string(),
            total_fen: order.amount.get(),
            hours: order.hours.iter().map(ToString::to_string).collect(),
            channel: order.channel.as_str().to_owned(),
            paid: matches!(order.status, OrderStatus::Paid { .. }),
            invoiced: order.invoice.is_some(),
            created_at: order.created_at.to_string(),
        })
        .collect();
    Ok(Json(MyOrders { orders }))
}

/// How the invoice travels (R15): electronic by default, or paper by courier, cash on delivery.
#[derive(Deserialize, ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum DeliveryRequest {
    Electronic,
    Paper { address: String },
}

/// 开具发票 (R15).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InvoiceRequestBody {
    /// Paid orders of this learner, not invoiced yet.
    pub orders: Vec<String>,
    /// The buyer as registered with the tax office (usually the employer).
    pub buyer_name: String,
    /// The 18-character unified social credit code.
    pub taxpayer_id: String,
    pub email: String,
    pub delivery: Option<DeliveryRequest>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct InvoiceRequested {
    pub invoice_id: String,
    pub amount_fen: u64,
}

/// Request an invoice for paid orders (开具发票, R15). Each order can be invoiced once.
#[utoipa::path(post, path = "/api/payments/invoices", tag = "payments", request_body = InvoiceRequestBody, security(("bearer" = [])),
    responses(
        (status = 201, description = "Requested", body = InvoiceRequested),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 409, description = "An order is unpaid, someone else's or invoiced already", body = ErrorBody),
        (status = 422, description = "Invalid buyer name, taxpayer id, email or address", body = ErrorBody),
    ))]
pub async fn request_invoice<S: PaymentsStore>(
    State(state): State<AppState<S>>,
    auth: AuthLearner,
    ApiJson(body): ApiJson<InvoiceRequestBody>,
) -> ApiResult<(StatusCode, Json<InvoiceRequested>)> {
    let buyer_name = ShortText::parse(&body.buyer_name).map_err(|e| ApiError::invalid(&e))?;
    let taxpayer_id = TaxpayerId::parse(&body.taxpayer_id).map_err(|e| ApiError::invalid(&e))?;
    let email = EmailAddress::parse(&body.email).map_err(|e| ApiError::invalid(&e))?;
    let delivery = match body.delivery.unwrap_or(DeliveryRequest::Electronic) {
        DeliveryRequest::Electronic => InvoiceDelivery::Electronic,
        DeliveryRequest::Paper { address } => InvoiceDelivery::Paper {
            address: ShortText::parse(&address)
                .map_err(|e| ApiError::invalid(&e))?
                .to_string(),
        },
    };
    if body.orders.is_empty() || body.orders.len() > MAX_ORDERS_PER_INVOICE {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invoice.orders",
            "请选择 1–20 个已支付的订单。",
            "Choose 1 to 20 paid orders.",
        ));
    }
    let mut orders = Vec::with_capacity(body.orders.len());
    let mut amount = ticedu_domain::money::Fen::ZERO;
    for no in &body.orders {
        let no = OrderNo::parse(no).map_err(|_| ApiError::from(Refusal::NotInvoiceable))?;
        let order = state
            .store
            .order(&no)
            .await?
            .filter(|order| order.learner == auth.id)
            .ok_or_else(|| ApiError::from(Refusal::NotInvoiceable))?;
        amount = amount + order.amount;
        orders.push(no);
    }
    let request = InvoiceRequest {
        id: InvoiceId::parse(&ticedu_api::ids::random_hex(16)?)
            .map_err(|_| ApiError::unavailable())?,
        learner: auth.id.clone(),
        orders,
        amount,
        buyer_name: buyer_name.to_string(),
        taxpayer_id,
        email,
        delivery,
        requested_at: state.platform.clock.now(),
        status: InvoiceStatus::Requested,
    };
    state.store.request_invoice(&request).await?;
    tracing::info!(learner = %auth.id, invoice = %request.id, amount_fen = amount.get(), "invoice requested");
    Ok((
        StatusCode::CREATED,
        Json(InvoiceRequested {
            invoice_id: request.id.to_string(),
            amount_fen: amount.get(),
        }),
    ))
}

#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum WeChatChannel {
    /// A QR code to scan, on a computer.
    Native,
    /// Inside WeChat's own browser.
    Jsapi,
}

/// A WeChat Pay order for a cart (R14).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WeChatOrderRequest {
    #[schema(value_type = Vec<Object>)]
    pub items: Vec<CartItem>,
    pub channel: WeChatChannel,
    /// The learner's openid for this official account: JSAPI only.
    pub openid: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct WeChatOrder {
    pub order_no: String,
    pub total_fen: u64,
    /// Native: show this as a QR code.
    pub code_url: Option<String>,
    /// JSAPI: pass these to `getBrandWCPayRequest`.
    #[schema(value_type = Option<Object>)]
    pub jsapi: Option<ticedu_wechatpay::JsapiParameters>,
}

fn wechat_unavailable() -> ApiError {
    ApiError::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "wechatpay.unavailable",
        "微信支付暂不可用，请使用学习卡充值后用余额购买。",
        "WeChat Pay is not available; redeem a study card and pay from your balance.",
    )
}

/// Place a WeChat Pay order for a cart (R14); the hours are the learner's once the payment notice arrives.
#[utoipa::path(post, path = "/api/payments/wechat/orders", tag = "payments", request_body = WeChatOrderRequest, security(("bearer" = [])),
    responses(
        (status = 201, description = "Ordered", body = WeChatOrder),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 422, description = "The cart cannot be bought, is free, or JSAPI lacks the openid", body = ErrorBody),
        (status = 502, description = "WeChat Pay refused or did not answer", body = ErrorBody),
        (status = 503, description = "WeChat Pay is not configured", body = ErrorBody),
    ))]
pub async fn wechat_order<S: PaymentsStore>(
    State(state): State<AppState<S>>,
    Extension(wechat): Extension<Option<Arc<WeChatPay>>>,
    auth: AuthLearner,
    ApiJson(body): ApiJson<WeChatOrderRequest>,
) -> ApiResult<(StatusCode, Json<WeChatOrder>)> {
    let wechat = wechat.ok_or_else(wechat_unavailable)?;
    let openid = match (body.channel, body.openid.as_deref().map(str::trim)) {
        (WeChatChannel::Jsapi, Some(openid))
            if !openid.is_empty()
                && openid.len() <= 128
                && openid
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') =>
        {
            Some(openid.to_owned())
        }
        (WeChatChannel::Jsapi, _) => {
            return Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "wechatpay.openid",
                "在微信内支付需要有效的 openid。",
                "Paying inside WeChat needs a valid openid.",
            ));
        }
        (WeChatChannel::Native, _) => None,
    };
    let learner = auth.learner(&state.store).await?;
    let quote = price(&state, &learner, &body.items).await?;
    if quote.total == ticedu_domain::money::Fen::ZERO {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "wechatpay.nothing_to_pay",
            "应付金额为 0，请直接用余额购买。",
            "Nothing to pay: buy it from your balance instead.",
        ));
    }
    let now = state.platform.clock.now();
    let order = Order {
        no: new_order_no(now)?,
        learner: auth.id.clone(),
        hours: quote.hours().cloned().collect(),
        amount: quote.total,
        channel: PaymentChannel::WeChatPay,
        status: OrderStatus::Pending,
        created_at: now,
        invoice: None,
    };
    state.store.create_order(&order).await?;
    let description = format!("CIQ大讲堂 继续教育 {} 学时", order.hours.len());
    let nonce = ticedu_api::ids::random_hex(16)?.to_ascii_uppercase();
    let failed = |error: wechat::WeChatPayError| {
        tracing::error!(order = %order.no, %error, "WeChat Pay order failed");
        ApiError::new(
            StatusCode::BAD_GATEWAY,
            "wechatpay.request_failed",
            "微信支付下单失败，请稍后重试。",
            "WeChat Pay did not take the order; please try again.",
        )
    };
    let (code_url, jsapi) = match openid {
        None => (
            Some(
                wechat
                    .native(
                        order.no.as_str(),
                        &description,
                        order.amount.get(),
                        now.as_second(),
                        &nonce,
                    )
                    .await
                    .map_err(failed)?,
            ),
            None,
        ),
        Some(openid) => (
            None,
            Some(
                wechat
                    .jsapi(
                        order.no.as_str(),
                        &description,
                        order.amount.get(),
                        &openid,
                        now.as_second(),
                        &nonce,
                    )
                    .await
                    .map_err(failed)?,
            ),
        ),
    };
    tracing::info!(learner = %auth.id, order = %order.no, total_fen = order.amount.get(), "WeChat Pay order placed");
    Ok((
        StatusCode::CREATED,
        Json(WeChatOrder {
            order_no: order.no.to_string(),
            total_fen: order.amount.get(),
            code_url,
            jsapi,
        }),
    ))
}

/// WeChat Pay's answer format for notices: `{"code": "FAIL", "message": …}` makes it retry.
#[derive(Debug, Serialize, ToSchema)]
pub struct WeChatAnswer {
    pub code: &'static str,
    pub message: String,
}

fn fail(status: StatusCode, message: &str) -> Response {
    (
        status,
        Json(WeChatAnswer {
            code: "FAIL",
            message: message.to_owned(),
        }),
    )
        .into_response()
}

/// The payment notice (R14): verified, decrypted, checked against the order, applied exactly once.
#[utoipa::path(post, path = "/api/payments/wechat/notify", tag = "payments",
    responses(
        (status = 204, description = "Applied (or applied before)"),
        (status = 400, description = "Unreadable notice or a mismatch with the order", body = WeChatAnswer),
        (status = 401, description = "Signature, timestamp or key refused", body = WeChatAnswer),
        (status = 404, description = "No such order", body = WeChatAnswer),
        (status = 500, description = "Not stored; WeChat Pay retries", body = WeChatAnswer),
        (status = 503, description = "WeChat Pay is not configured", body = WeChatAnswer),
    ))]
pub async fn wechat_notify<S: PaymentsStore>(
    State(state): State<AppState<S>>,
    Extension(wechat): Extension<Option<Arc<WeChatPay>>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let Some(wechat) = wechat else {
        return fail(
            StatusCode::SERVICE_UNAVAILABLE,
            "WeChat Pay is not configured",
        );
    };
    let header = |name: &str| headers.get(name).and_then(|value| value.to_str().ok());
    let notice_headers = match (
        header("Wechatpay-Timestamp"),
        header("Wechatpay-Nonce"),
        header("Wechatpay-Signature"),
        header("Wechatpay-Serial"),
    ) {
        (Some(timestamp), Some(nonce), Some(signature), Some(serial)) => NoticeHeaders {
            timestamp,
            nonce,
            signature,
            serial,
        },
        _ => {
            return fail(
                StatusCode::UNAUTHORIZED,
                &NoticeError::MissingHeader.to_string(),
            );
        }
    };
    let now = state.platform.clock.now();
    if let Err(error) = wechat.keys.verify(&notice_headers, &body, now.as_second()) {
        tracing::warn!(%error, "payment notice refused");
        return fail(StatusCode::UNAUTHORIZED, &error.to_string());
    }
    let Ok(notice) = serde_json::from_slice::<Notice>(&body) else {
        return fail(StatusCode::BAD_REQUEST, &NoticeError::Body.to_string());
    };
    let transaction = match wechat.merchant.decrypt(&notice.resource) {
        Ok(transaction) => transaction,
        Err(error) => return fail(StatusCode::BAD_REQUEST, &error.to_string()),
    };
    if transaction.mchid != wechat.merchant.mchid {
        return fail(
            StatusCode::BAD_REQUEST,
            "the notice is for another merchant",
        );
    }
    if transaction.trade_state != "SUCCESS" {
        tracing::info!(order = %transaction.out_trade_no, state = %transaction.trade_state, "payment notice without success: nothing to apply");
        return StatusCode::NO_CONTENT.into_response();
    }
    let (Ok(order_no), Ok(transaction_id)) = (
        OrderNo::parse(&transaction.out_trade_no),
        TransactionId::parse(&transaction.transaction_id),
    ) else {
        return fail(
            StatusCode::BAD_REQUEST,
            "out_trade_no or transaction_id is malformed",
        );
    };
    let order = match state.store.order(&order_no).await {
        Ok(Some(order)) => order,
        Ok(None) => return fail(StatusCode::NOT_FOUND, "no such order"),
        Err(error) => {
            tracing::error!(%error, "payment notice not applied");
            return fail(StatusCode::INTERNAL_SERVER_ERROR, "temporarily unavailable");
        }
    };
    if transaction.amount.currency != "CNY" || transaction.amount.total != order.amount.get() {
        tracing::error!(order = %order.no, paid_fen = transaction.amount.total, expected_fen = order.amount.get(), "payment notice amount differs from the order");
        return fail(
            StatusCode::BAD_REQUEST,
            "the amount differs from the order's",
        );
    }
    let notice = PaymentNotice {
        transaction: transaction_id,
        order: order_no,
        amount: order.amount,
        paid_at: now,
    };
    match state.store.apply_payment(&order, &notice).await {
        Ok(outcome) => {
            if outcome == Outcome::Applied {
                tracing::info!(order = %order.no, learner = %order.learner, "WeChat Pay payment applied");
            }
            StatusCode::NO_CONTENT.into_response()
        }
        Err(ticedu_store::StoreError::Refused(refusal)) => {
            tracing::error!(order = %order.no, %refusal, "payment notice refused by the store");
            fail(StatusCode::BAD_REQUEST, &refusal.to_string())
        }
        Err(error) => {
            tracing::error!(%error, "payment notice not applied");
            fail(StatusCode::INTERNAL_SERVER_ERROR, "temporarily unavailable")
        }
    }
}
