//! The payments function, one module per use case:
//!
//! | use case | module |
//! |---|---|
//! | what a cart costs this learner (R11, R12) | `quote` |
//! | buying hours from the 元账户 balance (R13) | `purchase` |
//! | redeeming a study card into the balance (R13) | `cards` |
//! | the learner's orders: followed while WeChat Pay's notice is awaited, cancelled while unpaid | `orders` (with `settle`) |
//! | finance refunds an order (balance or WeChat Pay) | `refunds` |
//! | applying WeChat Pay's refund notice | `refund_notify` |
//! | requesting an invoice for paid orders (R15) | `invoices` |
//! | placing a WeChat Pay order (R14) | `wechat_orders` |
//! | authorising JSAPI: the learner's openid through WeChat's web authorisation (R14) | `wechat_authorization` (with `wechat_oauth`, `wechat_oauth_state`) |
//! | applying WeChat Pay's payment notice (R14) | `wechat_notify` |
//! | reconciling a day of WeChat Pay's trade bill (the daily job) | `reconciliation` |
//!
//! Requests become domain types in `requests`; the rules they meet live in
//! `ticedu-domain` (`pricing`, `invoice`, `wechat_pay`).

use std::sync::Arc;

use axum::{Extension, Router};
use ticedu_api::routing::OpenApiRouter;
use ticedu_api::{AppState, route};
use ticedu_store::{
    CardStore, InvoiceStore, LearnerStore, OrderStore, ProgressStore, RateLimitStore,
    ReconciliationStore, SessionStore, StaffStore, YearStore,
};
use utoipa::OpenApi;

mod cards;
mod cart;
mod invoices;
mod orders;
mod purchase;
mod quote;
pub mod reconciliation;
mod refund_notify;
mod refunds;
mod requests;
#[cfg(feature = "lambda")]
pub mod scheduled;
mod settle;
pub mod wechat;
mod wechat_authorization;
mod wechat_notify;
pub mod wechat_oauth;
mod wechat_oauth_state;
mod wechat_orders;

pub use cards::REDEEM;
pub use invoices::INVOICES;
pub use orders::{CANCEL_ORDER, ORDER, ORDERS};
pub use purchase::PURCHASE;
pub use quote::QUOTE;
pub use refund_notify::WECHAT_REFUND_NOTIFY;
pub use refunds::REFUNDS;
pub use wechat_authorization::{PAY_PAGE, WECHAT_AUTHORIZATION, WECHAT_OAUTH_CALLBACK};
pub use wechat_notify::WECHAT_NOTIFY;
pub use wechat_orders::WECHAT_ORDERS;

use wechat::WeChatPay;
use wechat_oauth::WeChatOAuth;

/// What the payments function needs of a store.
pub trait PaymentsStore:
    LearnerStore
    + SessionStore
    + CardStore
    + OrderStore
    + ProgressStore
    + InvoiceStore
    + YearStore
    + StaffStore
    + ReconciliationStore
    + RateLimitStore
    + Clone
    + 'static
{
}
impl<T> PaymentsStore for T where
    T: LearnerStore
        + SessionStore
        + StaffStore
        + CardStore
        + OrderStore
        + ProgressStore
        + InvoiceStore
        + YearStore
        + ReconciliationStore
        + RateLimitStore
        + Clone
        + 'static
{
}

#[derive(OpenApi)]
#[openapi(tags((name = "payments", description = "缴费 Payments (R11–R13)")))]
struct PaymentsApi;

/// Every use case of the function, each served and documented where its
/// handler's `#[utoipa::path]` says. The WeChat Pay handlers also need the
/// merchant and the official account's web authorisation, which [`router`] provides.
pub fn routes<S: PaymentsStore>() -> OpenApiRouter<AppState<S>> {
    OpenApiRouter::with_openapi(PaymentsApi::openapi())
        .routes(route!(quote::quote_cart::<S>))
        .routes(route!(purchase::purchase::<S>))
        .routes(route!(cards::redeem::<S>))
        .routes(route!(orders::orders::<S>))
        .routes(route!(orders::order::<S>))
        .routes(route!(orders::cancel_order::<S>))
        .routes(route!(refunds::refund_order::<S>))
        .routes(route!(refund_notify::wechat_refund_notify::<S>))
        .routes(route!(invoices::request_invoice::<S>))
        .routes(route!(wechat_orders::wechat_order::<S>))
        .routes(route!(wechat_notify::wechat_notify::<S>))
        .routes(route!(wechat_authorization::wechat_authorization::<S>))
        .routes(route!(wechat_authorization::wechat_oauth_callback::<S>))
}

/// The function over one store, as Lambda and the local server run it.
/// `wechat` is `None` where WeChat Pay is not configured: its routes then
/// answer 503. `oauth` is `None` without the official account's app secret:
/// JSAPI is then unavailable (Native and H5 are not).
pub fn router<S: PaymentsStore>(
    state: AppState<S>,
    wechat: Option<Arc<WeChatPay>>,
    oauth: Option<Arc<WeChatOAuth>>,
) -> Router {
    let (router, _document) = routes().split_for_parts();
    router
        .layer(Extension(wechat))
        .layer(Extension(oauth))
        .with_state(state)
}
