//! Changing the password: the current one proves it is the owner. The new
//! hash ends every session (their tokens carry the old hash's stamp); the
//! one that changed it goes on in a new session, so the page stays logged in.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use ticedu_api::auth::AuthLearner;
use ticedu_api::{ApiError, ApiJson, ApiResult, AppState, ErrorBody};

use crate::AccountsStore;
use crate::requests::ChangePasswordRequest;
use crate::sessions::{self, Handover};

pub const PASSWORD: &str = "/api/accounts/password";

/// 403 `account.wrong_password`: what proves the owner was wrong.
pub(crate) fn wrong_password() -> ApiError {
    ApiError::new(
        StatusCode::FORBIDDEN,
        "account.wrong_password",
        "当前密码不正确。",
        "The current password is wrong.",
    )
}

/// Change the password; the current one is required. Every session ends; a page (session cookie) goes on in a new session, set as the cookie; a program logs in again.
#[utoipa::path(post, path = PASSWORD, tag = "accounts", request_body = ChangePasswordRequest, security(("bearer" = [])),
    responses(
        (status = 204, description = "Changed (a bearer token's session ended with the others)"),
        (status = 200, description = "Changed; a new session cookie is set", body = sessions::Token),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 403, description = "The current password is wrong", body = ErrorBody),
        (status = 422, description = "The new password breaks the policy", body = ErrorBody),
    ))]
pub(crate) async fn change_password<S: AccountsStore>(
    State(state): State<AppState<S>>,
    auth: AuthLearner,
    ApiJson(request): ApiJson<ChangePasswordRequest>,
) -> ApiResult<Response> {
    let (current, new) = request.parse()?;
    let learner = auth.learner(&state.store).await?;
    if !current
        .verify(Some(learner.registration.password_hash))
        .await
    {
        return Err(wrong_password());
    }
    state
        .store
        .set_password_hash(&auth.id, &new.hash().await?)
        .await?;
    state.store.end_session(&auth.session).await?;
    tracing::info!(learner = %auth.id, "password changed");
    if !auth.by_cookie() {
        return Ok(StatusCode::NO_CONTENT.into_response());
    }
    let learner = auth.learner(&state.store).await?;
    Ok(sessions::start(&state, &learner, Handover::Cookie)
        .await?
        .into_response())
}
