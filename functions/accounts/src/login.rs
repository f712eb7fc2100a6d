//! Logging in with the derived username (R2) and the password; repeated
//! failures lock the username for a while.

use axum::Json;
use axum::extract::State;
use serde::Serialize;
use ticedu_api::auth::{PasswordStamp, Role};
use ticedu_api::caller_limit::{LogIns, PerCaller};
use ticedu_api::login::throttled_login;
use ticedu_api::{ApiJson, ApiResult, AppState, ErrorBody};
use ticedu_domain::identity::UsernameKey;
use utoipa::ToSchema;

use crate::AccountsStore;
use crate::requests::LoginRequest;

pub const LOGIN: &str = "/api/accounts/login";

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct Token {
    access_token: String,
    /// Always `Bearer`.
    token_type: &'static str,
    /// Seconds until the token expires.
    expires_in: i64,
}

/// Log in with the username and password. Repeated failures lock the username for a while.
#[utoipa::path(post, path = LOGIN, tag = "accounts", request_body = LoginRequest,
    responses(
        (status = 200, description = "Logged in", body = Token),
        (status = 400, description = "Malformed body", body = ErrorBody),
        (status = 401, description = "Wrong username or password", body = ErrorBody),
        (status = 422, description = "Not a username", body = ErrorBody),
        (status = 429, description = "Too many failures; retry later", body = ErrorBody),
    ))]
pub(crate) async fn login<S: AccountsStore>(
    State(state): State<AppState<S>>,
    _caller: PerCaller<LogIns>,
    ApiJson(request): ApiJson<LoginRequest>,
) -> ApiResult<Json<Token>> {
    let platform = &state.platform;
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
    let now = platform.clock.now();
    let token = platform.token_signer()?.issue(
        learner.id().as_str(),
        Role::Learner,
        &PasswordStamp::of(&learner.registration.password_hash),
        now,
        platform.token_lifetime_seconds,
    );
    tracing::info!(learner = %learner.id(), "logged in");
    Ok(Json(Token {
        access_token: token,
        token_type: "Bearer",
        expires_in: platform.token_lifetime_seconds,
    }))
}
