//! The accounts function (R1–R3): register, log in, who am I, change password.

mod requests;

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Serialize;
use ticedu_api::auth::{AuthLearner, Role};
use ticedu_api::login::throttled_login;
use ticedu_api::views::{ProgressView, progress_of};
use ticedu_api::{ApiError, ApiJson, ApiResult, AppState, ErrorBody};
use ticedu_domain::identity::{AccountKey, Username, UsernameKey};
use ticedu_domain::learner::{LearnerCategory, TitleCheck};
use ticedu_store::records::NewLearner;
use ticedu_store::{LearnerStore, LoginThrottleStore, ProgressStore};
use utoipa::{OpenApi, ToSchema};

pub use requests::{ChangePasswordRequest, KindRequest, LoginRequest, RegisterRequest};

/// What the accounts function needs of a store, and nothing more (see infra's IAM policy).
pub trait AccountsStore:
    LearnerStore + LoginThrottleStore + ProgressStore + Clone + 'static
{
}
impl<T: LearnerStore + LoginThrottleStore + ProgressStore + Clone + 'static> AccountsStore for T {}

pub const REGISTER: &str = "/api/accounts/register";
pub const LOGIN: &str = "/api/accounts/login";
pub const ME: &str = "/api/accounts/me";
pub const PASSWORD: &str = "/api/accounts/password";

pub fn router<S: AccountsStore>(state: AppState<S>) -> Router {
    Router::new()
        .route(REGISTER, post(register::<S>))
        .route(LOGIN, post(login::<S>))
        .route(ME, get(me::<S>))
        .route(PASSWORD, post(change_password::<S>))
        .with_state(state)
}

#[derive(OpenApi)]
#[openapi(
    paths(register, login, me, change_password),
    components(schemas(RegisterRequest, KindRequest, LoginRequest, ChangePasswordRequest, Registered, Token, Me, ErrorBody, ProgressView)),
    tags((name = "accounts", description = "账号 Accounts (R1–R3)"))
)]
pub struct AccountsApi;

#[derive(Debug, Serialize, ToSchema)]
pub struct Registered {
    pub learner_id: String,
    /// The derived login name (R2): name + first 6 + last 4 characters of the ID number.
    pub username: String,
}

/// Register an account (注册账号, R1–R3). The username is derived, never typed.
#[utoipa::path(post, path = "/api/accounts/register", tag = "accounts", request_body = RegisterRequest,
    responses(
        (status = 201, description = "Registered", body = Registered),
        (status = 400, description = "Malformed body", body = ErrorBody),
        (status = 409, description = "An account with this ID number or username exists", body = ErrorBody),
        (status = 422, description = "Invalid name, ID number, contact or password", body = ErrorBody),
    ))]
pub async fn register<S: AccountsStore>(
    State(state): State<AppState<S>>,
    ApiJson(request): ApiJson<RegisterRequest>,
) -> ApiResult<(StatusCode, Json<Registered>)> {
    let platform = &state.platform;
    let registration = request.parse(platform.clock.today())?;
    let username = Username::derive(&registration.name, &registration.id_number);
    let learner = NewLearner {
        id: ticedu_api::ids::new_learner_id()?,
        account_key: AccountKey::of(&registration.id_number, &platform.account_secret),
        username_key: UsernameKey::of(&username, &platform.account_secret),
        username: username.clone(),
        name: registration.name,
        id_number: registration.id_number,
        kind: registration.kind,
        phone: registration.phone,
        email: registration.email,
        password_hash: registration.password.hash().await?,
        registered_at: platform.clock.now(),
    };
    state.store.create_learner(&learner).await?;
    tracing::info!(learner = %learner.id, category = ?learner.kind.category(), "registered");
    Ok((
        StatusCode::CREATED,
        Json(Registered {
            learner_id: learner.id.to_string(),
            username: username.to_string(),
        }),
    ))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Token {
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: &'static str,
    /// Seconds until the token expires.
    pub expires_in: i64,
}

/// Log in with the username and password. Repeated failures lock the username for a while.
#[utoipa::path(post, path = "/api/accounts/login", tag = "accounts", request_body = LoginRequest,
    responses(
        (status = 200, description = "Logged in", body = Token),
        (status = 400, description = "Malformed body", body = ErrorBody),
        (status = 401, description = "Wrong username or password", body = ErrorBody),
        (status = 422, description = "Not a username", body = ErrorBody),
        (status = 429, description = "Too many failures; retry later", body = ErrorBody),
    ))]
pub async fn login<S: AccountsStore>(
    State(state): State<AppState<S>>,
    ApiJson(request): ApiJson<LoginRequest>,
) -> ApiResult<Json<Token>> {
    let platform = &state.platform;
    let (username, password) = request.parse()?;
    let key = UsernameKey::of(&username, &platform.account_secret);
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
    let token = platform
        .tokens
        .issue(learner.id().as_str(), Role::Learner, now);
    tracing::info!(learner = %learner.id(), "logged in");
    Ok(Json(Token {
        access_token: token,
        token_type: "Bearer",
        expires_in: platform.tokens.lifetime_seconds(),
    }))
}

/// The logged-in learner's own account. Only its owner sees this.
#[derive(Debug, Serialize, ToSchema)]
pub struct Me {
    pub learner_id: String,
    pub username: String,
    pub name: String,
    /// Never the full number: first and last characters only.
    pub id_number_masked: String,
    #[schema(value_type = String, example = "holder")]
    pub category: LearnerCategory,
    /// The kind's own details (certificate, start date or title).
    #[schema(value_type = Object)]
    pub kind: ticedu_domain::learner::LearnerKind,
    pub phone: Option<String>,
    pub email: Option<String>,
    /// 元账户 balance in fen.
    pub balance_fen: u64,
    /// R12: the mandatory hours are free.
    pub returning: bool,
    #[schema(value_type = Option<String>)]
    pub title_check: Option<TitleCheck>,
    pub progress: ProgressView,
}

/// The logged-in learner: name, masked ID number, kind, balance and cycle progress.
#[utoipa::path(get, path = "/api/accounts/me", tag = "accounts", security(("bearer" = [])),
    responses(
        (status = 200, description = "The account", body = Me),
        (status = 401, description = "Not logged in", body = ErrorBody),
    ))]
pub async fn me<S: AccountsStore>(
    State(state): State<AppState<S>>,
    auth: AuthLearner,
) -> ApiResult<Json<Me>> {
    let learner = auth.learner(&state.store).await?;
    let marks = state.store.marks(&auth.id).await?;
    let progress = ProgressView::from(&progress_of(&learner, &marks));
    let registration = learner.registration;
    Ok(Json(Me {
        learner_id: registration.id.to_string(),
        username: registration.username.to_string(),
        name: registration.name.to_string(),
        id_number_masked: registration.id_number.masked(),
        category: registration.kind.category(),
        kind: registration.kind,
        phone: registration.phone.map(String::from),
        email: registration.email.map(String::from),
        balance_fen: learner.balance.get(),
        returning: learner.returning,
        title_check: learner.title_check,
        progress,
    }))
}

/// Change the password; the current one is required.
#[utoipa::path(post, path = "/api/accounts/password", tag = "accounts", request_body = ChangePasswordRequest, security(("bearer" = [])),
    responses(
        (status = 204, description = "Changed"),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 403, description = "The current password is wrong", body = ErrorBody),
        (status = 422, description = "The new password breaks the policy", body = ErrorBody),
    ))]
pub async fn change_password<S: AccountsStore>(
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
