//! The payments function, one module per use case:
//!
//! | use case | module |
//! |---|---|
//! | what a cart costs this learner (R11, R12) | `quote` |
//! | buying hours from the 元账户 balance (R13) | `purchase` |
//! | redeeming a study card into the balance (R13) | `cards` |
//! | the learner's orders | `orders` |
//! | requesting an invoice for paid orders (R15) | `invoices` |
//! | placing a WeChat Pay order (R14) | `wechat_orders` |
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
    CardStore, InvoiceStore, LearnerStore, OrderStore, ProgressStore, ReconciliationStore,
    YearStore,
};
use utoipa::OpenApi;

mod cards;
mod cart;
mod invoices;
mod orders;
mod purchase;
mod quote;
pub mod reconciliation;
mod requests;
pub mod wechat;
mod wechat_notify;
mod wechat_orders;

pub use cards::REDEEM;
pub use invoices::INVOICES;
pub use orders::ORDERS;
pub use purchase::PURCHASE;
pub use quote::QUOTE;
pub use wechat_notify::WECHAT_NOTIFY;
pub use wechat_orders::WECHAT_ORDERS;

use wechat::WeChatPay;

/// What the payments function needs of a store.
pub trait PaymentsStore:
    LearnerStore
    + CardStore
    + OrderStore
    + ProgressStore
    + InvoiceStore
    + YearStore
    + ReconciliationStore
    + Clone
    + 'static
{
}
impl<T> PaymentsStore for T where
    T: LearnerStore
        + CardStore
        + OrderStore
        + ProgressStore
        + InvoiceStore
        + YearStore
        + ReconciliationStore
        + Clone
        + 'static
{
}

#[derive(OpenApi)]
#[openapi(tags((name = "payments", description = "缴费 Payments (R11–R13)")))]
struct PaymentsApi;

/// Every use case of the function, each served and documented where its
/// handler's `#[utoipa::path]` says. The WeChat Pay handlers also need the
/// merchant, which [`router`] provides.
pub fn routes<S: PaymentsStore>() -> OpenApiRouter<AppState<S>> {
    OpenApiRouter::with_openapi(PaymentsApi::openapi())
        .routes(route!(quote::quote_cart::<S>))
        .routes(route!(purchase::purchase::<S>))
        .routes(route!(cards::redeem::<S>))
        .routes(route!(orders::orders::<S>))
        .routes(route!(invoices::request_invoice::<S>))
        .routes(route!(wechat_orders::wechat_order::<S>))
        .routes(route!(wechat_notify::wechat_notify::<S>))
}

/// The function over one store, as Lambda and the local server run it.
/// `wechat` is `None` where WeChat Pay is not configured: its routes then answer 503.
pub fn router<S: PaymentsStore>(state: AppState<S>, wechat: Option<Arc<WeChatPay>>) -> Router {
    let (router, _document) = routes().split_for_parts();
    router.layer(Extension(wechat)).with_state(state)
}
