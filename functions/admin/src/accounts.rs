//! Staff accounts, managed by administrators: create with roles and a first
//! password (handed over in person; the owner enrols an authenticator at
//! the first log-in), change display name and roles, disable and enable,
//! reset a forgotten password or a lost authenticator. Every change is
//! saved with its audit entry; of two concurrent changes the second is
//! refused.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use ticedu_api::auth::AuthStaff;
use ticedu_api::password::Password;
use ticedu_api::{ApiError, ApiJson, ApiResult, AppState, ErrorBody, PathParam};
use ticedu_domain::staff::{DisplayName, StaffAction, StaffName, StaffRole, StaffRoles};
use ticedu_store::Refusal;
use ticedu_store::records::{AuditAction, StaffAccount, TotpState};
use utoipa::ToSchema;

use crate::AdminStore;

pub const ACCOUNTS: &str = "/api/staff/accounts";
pub const ACCOUNT: &str = "/api/staff/accounts/{name}";
pub const ACCOUNT_PASSWORD: &str = "/api/staff/accounts/{name}/password";
pub const ACCOUNT_TOTP_RESET: &str = "/api/staff/accounts/{name}/totp-reset";

#[derive(Serialize, ToSchema)]
pub(crate) struct AccountView {
    name: String,
    display_name: String,
    #[schema(value_type = Vec<String>)]
    roles: Vec<StaffRole>,
    disabled: bool,
    totp_enrolled: bool,
    recovery_codes_left: usize,
    created_at: String,
    created_by: String,
}

impl From<&StaffAccount> for AccountView {
    fn from(account: &StaffAccount) -> Self {
        Self {
            name: account.name.to_string(),
            display_name: account.display_name.as_str().to_owned(),
            roles: account.roles.iter().collect(),
            disabled: account.disabled,
            totp_enrolled: account.totp.is_active(),
            recovery_codes_left: account.recovery_codes.len(),
            created_at: account.created_at.to_string(),
            created_by: account.created_by.to_string(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub(crate) struct Accounts {
    accounts: Vec<AccountView>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct NewAccount {
    /// 2–32 lowercase letters, digits, `.`, `-`, `_`; never changes.
    name: String,
    display_name: String,
    /// `operator`, `finance`, `administrator`: at least one.
    #[schema(value_type = Vec<String>)]
    roles: Vec<StaffRole>,
    /// The first password, 8+ characters with a letter and a digit.
    password: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct AccountChange {
    display_name: Option<String>,
    #[schema(value_type = Option<Vec<String>>)]
    roles: Option<Vec<StaffRole>>,
    disabled: Option<bool>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct PasswordReset {
    password: String,
}

fn invalid(error: impl ticedu_domain::Rejection) -> ApiError {
    ApiError::invalid(&error)
}

/// Every staff account, by name.
#[utoipa::path(get, path = ACCOUNTS, tag = "staff", security(("bearer" = [])),
    responses((status = 200, description = "The accounts", body = Accounts), (status = 403, description = "Not an administrator", body = ErrorBody)))]
pub(crate) async fn accounts<S: AdminStore>(
    State(state): State<AppState<S>>,
    staff: AuthStaff,
) -> ApiResult<Json<Accounts>> {
    staff.may(StaffAction::Administer)?;
    let accounts = state.store.staff_accounts().await?;
    Ok(Json(Accounts {
        accounts: accounts.iter().map(AccountView::from).collect(),
    }))
}

/// Create a staff account; its owner enrols an authenticator at the first log-in.
#[utoipa::path(post, path = ACCOUNTS, tag = "staff", request_body = NewAccount, security(("bearer" = [])),
    responses(
        (status = 201, description = "Created", body = AccountView),
        (status = 403, description = "Not an administrator", body = ErrorBody),
        (status = 409, description = "The name is taken", body = ErrorBody),
        (status = 422, description = "A bad name, display name, role list or password", body = ErrorBody),
    ))]
pub(crate) async fn create<S: AdminStore>(
    State(state): State<AppState<S>>,
    staff: AuthStaff,
    ApiJson(request): ApiJson<NewAccount>,
) -> ApiResult<(StatusCode, Json<AccountView>)> {
    staff.may(StaffAction::Administer)?;
    let name = StaffName::parse(&request.name).map_err(invalid)?;
    let display_name = DisplayName::parse(&request.display_name).map_err(invalid)?;
    let roles = StaffRoles::new(request.roles).map_err(invalid)?;
    let password = Password::new_password(request.password).map_err(invalid)?;
    let now = state.platform.clock.now();
    let account = StaffAccount {
        name: name.clone(),
        display_name,
        roles,
        password_hash: password.hash().await?,
        disabled: false,
        totp: TotpState::NotEnrolled,
        recovery_codes: Vec::new(),
        created_at: now,
        created_by: staff.name.clone(),
        version: 1,
    };
    let audit = staff
        .audit(AuditAction::StaffAccountCreated, now)
        .subject(name.as_str())
        .change("roles", None, Some(account.roles.to_string()));
    state.store.create_staff_account(&account, &audit).await?;
    tracing::info!(staff = %staff.name, account = %name, "staff account created");
    Ok((StatusCode::CREATED, Json(AccountView::from(&account))))
}

async fn stored<S: AdminStore>(state: &AppState<S>, name: &StaffName) -> ApiResult<StaffAccount> {
    state
        .store
        .staff_account(name)
        .await?
        .ok_or_else(|| ApiError::from(Refusal::UnknownStaffAccount))
}

fn self_lockout() -> ApiError {
    ApiError::new(
        StatusCode::CONFLICT,
        "staff.self_lockout",
        "不能停用自己的账号或取消自己的管理员角色，请由另一位管理员操作。",
        "You cannot disable your own account or drop your own administrator role; ask another administrator.",
    )
}

/// Change an account's display name, roles, or disabled state.
#[utoipa::path(patch, path = ACCOUNT, tag = "staff", request_body = AccountChange, security(("bearer" = [])),
    params(("name" = String, Path, description = "The account's login name")),
    responses(
        (status = 200, description = "Changed", body = AccountView),
        (status = 403, description = "Not an administrator", body = ErrorBody),
        (status = 404, description = "No such account", body = ErrorBody),
        (status = 409, description = "Changed meanwhile, or it would lock yourself out", body = ErrorBody),
        (status = 422, description = "A bad display name or role list", body = ErrorBody),
    ))]
pub(crate) async fn change<S: AdminStore>(
    State(state): State<AppState<S>>,
    staff: AuthStaff,
    PathParam(name): PathParam<StaffName>,
    ApiJson(request): ApiJson<AccountChange>,
) -> ApiResult<Json<AccountView>> {
    staff.may(StaffAction::Administer)?;
    let display_name = request
        .display_name
        .map(|text| DisplayName::parse(&text))
        .transpose()
        .map_err(invalid)?;
    let roles = request
        .roles
        .map(StaffRoles::new)
        .transpose()
        .map_err(invalid)?;
    let account = stored(&state, &name).await?;
    let mut next = account.next_version();
    if let Some(display_name) = display_name {
        next.display_name = display_name;
    }
    if let Some(roles) = roles {
        next.roles = roles;
    }
    if let Some(disabled) = request.disabled {
        next.disabled = disabled;
    }
    if name == staff.name && (next.disabled || !next.roles.contains(StaffRole::Administrator)) {
        return Err(self_lockout());
    }
    let audit = staff
        .audit(AuditAction::StaffAccountChanged, state.platform.clock.now())
        .subject(name.as_str())
        .change(
            "display_name",
            Some(account.display_name.as_str().to_owned()),
            Some(next.display_name.as_str().to_owned()),
        )
        .change(
            "roles",
            Some(account.roles.to_string()),
            Some(next.roles.to_string()),
        )
        .change(
            "disabled",
            Some(account.disabled.to_string()),
            Some(next.disabled.to_string()),
        );
    if !audit.changes.is_empty() {
        state.store.save_staff_account(&next, &audit).await?;
        tracing::info!(staff = %staff.name, account = %name, "staff account changed");
    }
    let shown = if audit.changes.is_empty() {
        &account
    } else {
        &next
    };
    Ok(Json(AccountView::from(shown)))
}

/// Set a new password for a colleague who forgot theirs (handed over in
/// person); their authenticator stays.
#[utoipa::path(post, path = ACCOUNT_PASSWORD, tag = "staff", request_body = PasswordReset, security(("bearer" = [])),
    params(("name" = String, Path, description = "The account's login name")),
    responses(
        (status = 204, description = "Set"),
        (status = 403, description = "Not an administrator", body = ErrorBody),
        (status = 404, description = "No such account", body = ErrorBody),
        (status = 409, description = "Changed meanwhile", body = ErrorBody),
        (status = 422, description = "A password too short or too simple", body = ErrorBody),
    ))]
pub(crate) async fn reset_password<S: AdminStore>(
    State(state): State<AppState<S>>,
    staff: AuthStaff,
    PathParam(name): PathParam<StaffName>,
    ApiJson(request): ApiJson<PasswordReset>,
) -> ApiResult<StatusCode> {
    staff.may(StaffAction::Administer)?;
    let password = Password::new_password(request.password).map_err(invalid)?;
    let account = stored(&state, &name).await?;
    let mut next = account.next_version();
    next.password_hash = password.hash().await?;
    let audit = staff
        .audit(AuditAction::StaffPasswordReset, state.platform.clock.now())
        .subject(name.as_str());
    state.store.save_staff_account(&next, &audit).await?;
    tracing::info!(staff = %staff.name, account = %name, "staff password reset");
    Ok(StatusCode::NO_CONTENT)
}

/// Forget a colleague's authenticator and recovery codes (a lost phone):
/// they enrol a new one at their next log-in.
#[utoipa::path(post, path = ACCOUNT_TOTP_RESET, tag = "staff", security(("bearer" = [])),
    params(("name" = String, Path, description = "The account's login name")),
    responses(
        (status = 204, description = "Reset"),
        (status = 403, description = "Not an administrator", body = ErrorBody),
        (status = 404, description = "No such account", body = ErrorBody),
        (status = 409, description = "Changed meanwhile", body = ErrorBody),
    ))]
pub(crate) async fn reset_totp<S: AdminStore>(
    State(state): State<AppState<S>>,
    staff: AuthStaff,
    PathParam(name): PathParam<StaffName>,
) -> ApiResult<StatusCode> {
    staff.may(StaffAction::Administer)?;
    let account = stored(&state, &name).await?;
    let mut next = account.next_version();
    next.totp = TotpState::NotEnrolled;
    next.recovery_codes.clear();
    let audit = staff
        .audit(AuditAction::StaffTotpReset, state.platform.clock.now())
        .subject(name.as_str())
        .change(
            "totp",
            Some(
                if account.totp.is_active() {
                    "active"
                } else {
                    "not_active"
                }
                .into(),
            ),
            Some("not_enrolled".into()),
        );
    state.store.save_staff_account(&next, &audit).await?;
    tracing::info!(staff = %staff.name, account = %name, "staff authenticator reset");
    Ok(StatusCode::NO_CONTENT)
}
