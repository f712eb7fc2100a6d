//! The certificates function: a learner's certificate once the cycle's
//! requirement is met (and, for holders, from the batch's availability day,
//! R17), with the kind-specific data of R18; the filings that come first
//! (R16, R19, R20); and public verification by number (+ name) that shows
//! only what an employer needs (R21).

mod filing;
mod issue;
mod mine;
mod overdue;
mod pdf;
pub mod printing;
mod record;
mod requests;
mod verify;
mod views;

use std::sync::Arc;

use axum::{Extension, Router};
use printing::Printer;
use ticedu_api::routing::OpenApiRouter;
use ticedu_api::{AppState, route};
use ticedu_store::{
    CertificateStore, FilingStore, LearnerStore, ProgressStore, RateLimitStore, SessionStore,
    YearStore,
};
use utoipa::OpenApi;

pub use filing::FILING;
pub use issue::ISSUE;
pub use mine::MINE;
pub use overdue::OVERDUE;
pub use pdf::PDF;
pub use record::{RECORD, RECORD_VERIFY};
pub use verify::VERIFY;

/// What the certificates function needs of a store.
pub trait CertificatesStore:
    LearnerStore
    + SessionStore
    + ProgressStore
    + CertificateStore
    + FilingStore
    + YearStore
    + RateLimitStore
    + Clone
    + 'static
{
}
impl<T> CertificatesStore for T where
    T: LearnerStore
        + SessionStore
        + ProgressStore
        + CertificateStore
        + FilingStore
        + YearStore
        + RateLimitStore
        + Clone
        + 'static
{
}

#[derive(OpenApi)]
#[openapi(tags((name = "certificates", description = "证书 Certificates (R17, R18, R21)")))]
struct CertificatesApi;

/// Every use case of the function, each served and documented where its
/// handler's `#[utoipa::path]` says. Printing needs a [`Printer`]: see [`router`].
pub fn routes<S: CertificatesStore>() -> OpenApiRouter<AppState<S>> {
    OpenApiRouter::with_openapi(CertificatesApi::openapi())
        .routes(route!(filing::file::<S>))
        .routes(route!(overdue::file_overdue::<S>))
        .routes(route!(issue::issue::<S>))
        .routes(route!(mine::mine::<S>))
        .routes(route!(pdf::pdf::<S>))
        .routes(route!(record::record::<S>))
        .routes(route!(record::verify_record::<S>))
        .routes(route!(verify::verify::<S>))
}

/// The function over one store, as Lambda and the local server run it.
pub fn router<S: CertificatesStore>(state: AppState<S>, printer: Arc<Printer>) -> Router {
    routes()
        .layer(Extension(printer))
        .with_state(state)
        .split_for_parts()
        .0
}
