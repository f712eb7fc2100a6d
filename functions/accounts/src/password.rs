//! Changing the password: the current one proves it is the owner.

use axum::extract::State;
use axum::http::StatusCode;
use ticedu_api::auth::AuthLearner;
use ticedu_api::{ApiError, ApiJson, ApiResult, AppState, ErrorBody};

use crate::AccountsStore;
use crate::requests::ChangePasswordRequest;

pub const PASSWORD: &str = "/api/accounts/password";

/// Change the password; the current one is required.
#[utoipa::path(post, path = PASSWORD, tag = "accounts", request_body = ChangePasswordRequest, security(("bearer" = [])),
    responses(
        (status = 204, description = "Changed"),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 403, description = "The current password is wrong", body = ErrorBody),
        (status = 422, description = "The new password breaks the policy", body = ErrorBody),
    ))]
pub(crate) async fn change_password<S: AccountsStore>(
    State(state): State<AppState<S>>,
    auth: AuthLearner,
    ApiJson(request): ApiJson<ChangePasswordRequest>,
) -> ApiResult<StatusCode> {
    let (current, new) = request.parse()?;
    let learner = auth.learner(&state.store).await?;
    if !current
        .verify(Some(learner.registration.password_hash))
        .await
    {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "account.wrong_password",
            "当前密码不正确。",
            "The current password is wrong.",
        ));
    }
    state
        .store
        .set_password_hash(&auth.id, &new.hash().await?)
        .await?;
    tracing::info!(learner = %auth.id, "password changed");
    Ok(StatusCode::NO_CONTENT)
}
