//! Logging in with the derived username (R2) and the password; repeated
//! failures lock the username for a while. Each log-in starts a session.

use axum::extract::State;
use axum::http::HeaderMap;
use ticedu_api::caller_limit::{LogIns, PerCaller};
use ticedu_api::login::throttled_login;
use ticedu_api::{ApiJson, ApiResult, AppState, ErrorBody};
use ticedu_domain::identity::UsernameKey;

use crate::AccountsStore;
use crate::requests::LoginRequest;
use crate::sessions::{self, Handover, Started, Token};

pub const LOGIN: &str = "/api/accounts/login";

/// Log in with the username and password. Repeated failures lock the username for a while. With `cookie: true` (and the `X-Ticedu-Csrf` header) the token is set as the `__Host-ticedu-session` cookie (HttpOnly, Secure, SameSite=Strict) instead of answered.
#[utoipa::path(post, path = LOGIN, tag = "accounts", request_body = LoginRequest,
    responses(
        (status = 200, description = "Logged in: a session started", body = Token),
        (status = 400, description = "Malformed body", body = ErrorBody),
        (status = 401, description = "Wrong username or password", body = ErrorBody),
        (status = 403, description = "A cookie asked for without the site's header", body = ErrorBody),
        (status = 422, description = "Not a username", body = ErrorBody),
        (status = 429, description = "Too many failures; retry later", body = ErrorBody),
    ))]
pub(crate) async fn login<S: AccountsStore>(
    State(state): State<AppState<S>>,
    _caller: PerCaller<LogIns>,
    headers: HeaderMap,
    ApiJson(request): ApiJson<LoginRequest>,
) -> ApiResult<Started> {
    let platform = &state.platform;
    let handover = if request.cookie {
        Handover::Cookie
    } else {
        Handover::Bearer
    };
    sessions::check_origin(handover, &headers)?;
    let (username, password) = request.parse()?;
    let key = UsernameKey::of(&username, platform.account_secret()?);
    let learner = throttled_login(&state.store, platform, &key, async {
        let learner = state.store.learner_by_username(&key).await?;
        let hash = learner
            .as_ref()
            .map(|learner| learner.registration.password_hash.clone());
        Ok(if password.verify(hash).await {
            learner
        } else {
            None
        })
    })
    .await?;
    let started = sessions::start(&state, &learner, handover).await?;
    tracing::info!(learner = %learner.id(), "logged in");
    Ok(started)
}
