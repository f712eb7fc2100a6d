//! The accounts function (R1–R3): register, log in and out, who am I, change password;
//! and the public entry to the platform's year: what a guide reader needs
//! before registering (`GET /api/years/current`, R11, R12, R17).

mod contact;
mod current_year;
mod login;
mod logout;
mod me;
mod password;
mod recovery;
mod register;
mod requests;
mod returning_claim;
#[cfg(feature = "lambda")]
pub mod ses;
mod sessions;

use axum::Router;
use ticedu_api::routing::OpenApiRouter;
use ticedu_api::{AppState, route};
use ticedu_store::{
    CertificateStore, FilingStore, ImportStore, LearnerStore, LoginThrottleStore, ProgressStore,
    RateLimitStore, RecoveryStore, SessionStore, YearStore,
};
use utoipa::OpenApi;

pub use contact::CONTACT;
pub use current_year::CURRENT_YEAR;
pub use login::LOGIN;
pub use logout::LOGOUT;
pub use me::ME;
pub use password::PASSWORD;
pub use recovery::{RECOVERY, RECOVERY_RESET};
// Tests call the handler directly, as Lambda and the local server do through the router.
pub use register::{REGISTER, Registered, register};
pub use requests::{ChangePasswordRequest, KindRequest, LoginRequest, RegisterRequest};
pub use returning_claim::RETURNING_CLAIM;

/// What the accounts function needs of a store, and nothing more (see
/// infra's IAM policy). `ImportStore`: registration reads the prior record
/// of a person whose earlier certificates were imported (R12).
pub trait AccountsStore:
    LearnerStore
    + LoginThrottleStore
    + RateLimitStore
    + SessionStore
    + RecoveryStore
    + ProgressStore
    + YearStore
    + ImportStore
    + CertificateStore
    + FilingStore
    + Clone
    + 'static
{
}
impl<T> AccountsStore for T where
    T: LearnerStore
        + LoginThrottleStore
        + RateLimitStore
        + SessionStore
        + RecoveryStore
        + ProgressStore
        + YearStore
        + ImportStore
        + CertificateStore
        + FilingStore
        + Clone
        + 'static
{
}

#[derive(OpenApi)]
#[openapi(tags((name = "accounts", description = "账号 Accounts (R1–R3)")))]
struct AccountsApi;

/// Every use case of the function, each served and documented where its
/// handler's `#[utoipa::path]` says.
pub fn routes<S: AccountsStore>() -> OpenApiRouter<AppState<S>> {
    OpenApiRouter::with_openapi(AccountsApi::openapi())
        .routes(route!(register::register::<S>))
        .routes(route!(login::login::<S>))
        .routes(route!(logout::logout::<S>))
        .routes(route!(me::me::<S>))
        .routes(route!(password::change_password::<S>))
        .routes(route!(contact::change_contact::<S>))
        .routes(route!(recovery::request_code::<S>))
        .routes(route!(recovery::reset::<S>))
        .routes(route!(current_year::current_year::<S>))
        .routes(route!(returning_claim::claim::<S>))
        .routes(route!(returning_claim::my_claim::<S>))
}

/// The function over one store, as Lambda and the local server run it.
pub fn router<S: AccountsStore>(state: AppState<S>) -> Router {
    routes().with_state(state).split_for_parts().0
}
