//! Staff log in (协会) with a name and password from the function's
//! configuration (`TICEDU_STAFF`).

use axum::Json;
use axum::extract::State;
use serde::Serialize;
use ticedu_api::auth::Role;
use ticedu_api::login::throttled_login;
use ticedu_api::{ApiJson, ApiResult, AppState, ErrorBody};
use ticedu_domain::identity::UsernameKey;
use utoipa::ToSchema;

use crate::AdminStore;
use crate::requests::StaffLogin;

pub const LOGIN: &str = "/api/staff/login";

#[derive(Serialize, ToSchema)]
pub(crate) struct StaffToken {
    access_token: String,
    token_type: &'static str,
    expires_in: i64,
}

/// Staff log in with a name and password from the function's configuration (`TICEDU_STAFF`).
#[utoipa::path(post, path = LOGIN, tag = "staff", request_body = StaffLogin,
    responses((status = 200, description = "Logged in", body = StaffToken), (status = 401, description = "Wrong name or password", body = ErrorBody), (status = 429, description = "Too many failures; retry later", body = ErrorBody)))]
pub(crate) async fn login<S: AdminStore>(
    State(state): State<AppState<S>>,
    ApiJson(request): ApiJson<StaffLogin>,
) -> ApiResult<Json<StaffToken>> {
    let platform = &state.platform;
    let (name, password) = request.parse()?;
    // Staff passwords open the association's money: failures are throttled like learners'.
    let key = UsernameKey::of_staff(&name, &platform.account_secret);
    let account = throttled_login(&state.store, platform, &key, async {
        let account = platform.staff.iter().find(|account| account.name == name);
        // Verified even for an unknown name, so that timing does not tell which names exist.
        let verified = password
            .verify(account.map(|a| a.password_hash.clone()))
            .await;
        Ok(account.filter(|_| verified))
    })
    .await?;
    tracing::info!(staff = %account.name, "staff logged in");
    let token = platform
        .tokens
        .issue(&account.name, Role::Staff, platform.clock.now());
    Ok(Json(StaffToken {
        access_token: token,
        token_type: "Bearer",
        expires_in: platform.tokens.lifetime_seconds(),
    }))
}
