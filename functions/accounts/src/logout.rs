//! Logging out: the session ends on the server, so the token (or a copy of
//! the cookie) is refused from now on, and the page's cookie is removed.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::AppendHeaders;
use ticedu_api::auth::AuthLearner;
use ticedu_api::session::clear_cookies;
use ticedu_api::{ApiError, ApiResult, AppState, ErrorBody};

use crate::AccountsStore;

pub const LOGOUT: &str = "/api/accounts/logout";

/// Log out: ends this session on the server and removes the session cookie.
#[utoipa::path(post, path = LOGOUT, tag = "accounts", security(("bearer" = [])),
    responses(
        (status = 204, description = "Logged out (also when the session had ended already); the cookie is removed"),
        (status = 403, description = "A cookie without the site's header", body = ErrorBody),
    ))]
pub(crate) async fn logout<S: AccountsStore>(
    State(state): State<AppState<S>>,
    auth: Result<AuthLearner, ApiError>,
) -> ApiResult<(
    StatusCode,
    AppendHeaders<[(axum::http::HeaderName, axum::http::HeaderValue); 2]>,
)> {
    match auth {
        Ok(auth) => {
            state.store.end_session(&auth.session).await?;
            tracing::info!(learner = %auth.id, "logged out");
        }
        // A forged request may not log anybody out.
        Err(error) if error.body.code == "auth.cross_site" => return Err(error),
        // Expired, ended, missing: there is no session to end, but the page
        // still wants its cookie gone.
        Err(_) => {}
    }
    // Appended: both cookies go, each in its own Set-Cookie.
    Ok((StatusCode::NO_CONTENT, AppendHeaders(clear_cookies())))
}
