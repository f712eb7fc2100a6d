//! Staff log in (协会) with a name, a password and a code from their
//! authenticator app (TOTP) or one of their recovery codes. An account
//! without an authenticator yet — new, or reset by an administrator — is
//! enrolled at its first log-in: a QR code to scan, then a code to prove it
//! (`enrolment`).
//!
//! The first administrator comes from the deployment's secret
//! (`TICEDU_BOOTSTRAP_ADMIN`): created in the store at their first log-in,
//! once in the store's life; they create every other account.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use ticedu_api::auth::{AuthStaff, PasswordStamp, Role};
use ticedu_api::caller_limit::{LogIns, PerCaller};
use ticedu_api::login::throttled_login;
use ticedu_api::password::Password;
use ticedu_api::{ApiError, ApiJson, ApiResult, AppState, ErrorBody};
use ticedu_domain::identity::UsernameKey;
use ticedu_domain::staff::{DisplayName, StaffName, StaffRole, StaffRoles};
use ticedu_store::records::{AuditAction, AuditEntry, StaffAccount, TotpState};
use ticedu_store::{Refusal, StaffStore, StoreError};
use utoipa::ToSchema;

use crate::AdminStore;
use crate::two_factor;

pub const LOGIN: &str = "/api/staff/login";
pub const ME: &str = "/api/staff/me";
pub const RECOVERY_CODES: &str = "/api/staff/me/recovery-codes";

/// How long an enrolment may take, from the right password to the first code.
const ENROLMENT_SECONDS: i64 = 10 * 60;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct StaffLogin {
    name: String,
    password: String,
    /// The six digits the authenticator app shows, or a recovery code.
    #[serde(default)]
    code: Option<String>,
}

/// Who is logged in.
#[derive(Serialize, ToSchema)]
pub(crate) struct StaffView {
    name: String,
    display_name: String,
    #[schema(value_type = Vec<String>)]
    roles: Vec<StaffRole>,
}

impl StaffView {
    fn of(name: &StaffName, display_name: &DisplayName, roles: &StaffRoles) -> Self {
        Self {
            name: name.to_string(),
            display_name: display_name.as_str().to_owned(),
            roles: roles.iter().collect(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub(crate) struct Session {
    access_token: String,
    token_type: &'static str,
    expires_in: i64,
    staff: StaffView,
    /// Shown once, at enrolment: each logs in once without the app.
    #[serde(skip_serializing_if = "Option::is_none")]
    recovery_codes: Option<Vec<String>>,
    recovery_codes_left: usize,
}

#[derive(Serialize, ToSchema)]
pub(crate) struct Enrolment {
    /// Opens [`crate::ENROLMENT`] and nothing else.
    enrolment_token: String,
    expires_in: i64,
    /// Base32, for typing into the app by hand.
    secret: String,
    otpauth_uri: String,
    /// The URI as a QR code (an SVG document).
    qr_svg: String,
}

#[derive(Serialize, ToSchema)]
#[serde(tag = "status", rename_all = "snake_case")]
pub(crate) enum LoginAnswer {
    LoggedIn(Session),
    /// The password was right and the account has no authenticator yet.
    Enrol(Enrolment),
}

#[derive(Serialize, ToSchema)]
pub(crate) struct RecoveryCodes {
    recovery_codes: Vec<String>,
}

/// Log in with name, password and TOTP code (or a recovery code); an account
/// without an authenticator gets what it needs to enrol one.
#[utoipa::path(post, path = LOGIN, tag = "staff", request_body = StaffLogin,
    responses(
        (status = 200, description = "Logged in, or enrolment begins", body = LoginAnswer),
        (status = 401, description = "Wrong name, password or code; or `staff.code_required`", body = ErrorBody),
        (status = 429, description = "Too many failures; retry later", body = ErrorBody),
    ))]
pub(crate) async fn login<S: AdminStore>(
    State(state): State<AppState<S>>,
    _caller: PerCaller<LogIns>,
    ApiJson(request): ApiJson<StaffLogin>,
) -> ApiResult<Json<LoginAnswer>> {
    let platform = &state.platform;
    let store = &state.store;
    let password = Password::attempt(request.password).map_err(|e| ApiError::invalid(&e))?;
    // A malformed name is an unknown one: the answer does not say which.
    let name = StaffName::parse(&request.name).ok();
    let now = platform.clock.now();
    let key = UsernameKey::of_staff(request.name.trim(), platform.account_secret()?);
    let step = throttled_login(store, platform, &key, async {
        if let Some(name) = &name {
            bootstrap_if_due(&state, name, now).await?;
        }
        let account = match &name {
            Some(name) => store.staff_account(name).await?,
            None => None,
        };
        // Verified even for an unknown name, so that timing does not tell which names exist.
        let verified = password
            .verify(account.as_ref().map(|a| a.password_hash.clone()))
            .await;
        let Some(account) = account.filter(|account| verified && !account.disabled) else {
            return Ok(None);
        };
        if !account.totp.is_active() {
            return begin_enrolment(store, account, now).await.map(Some);
        }
        let code = request.code.as_deref().map(str::trim).unwrap_or_default();
        if code.is_empty() {
            return Err(code_required());
        }
        second_factor(store, account, code, now).await
    })
    .await?;
    Ok(Json(match step {
        Step::Enrol(account, secret) => {
            let uri = two_factor::otpauth_uri(&secret, account.name.as_str())
                .ok_or_else(ApiError::unavailable)?;
            let qr_svg = two_factor::qr_svg(&uri).ok_or_else(ApiError::unavailable)?;
            tracing::info!(staff = %account.name, "staff enrolment begun");
            LoginAnswer::Enrol(Enrolment {
                enrolment_token: platform.token_signer()?.issue(
                    account.name.as_str(),
                    Role::StaffEnrolment,
                    &PasswordStamp::of(&account.password_hash),
                    now,
                    ENROLMENT_SECONDS,
                ),
                expires_in: ENROLMENT_SECONDS,
                secret,
                otpauth_uri: uri,
                qr_svg,
            })
        }
        Step::LoggedIn(account) => {
            tracing::info!(staff = %account.name, "staff logged in");
            LoginAnswer::LoggedIn(session(&state, &account, None)?)
        }
    }))
}

enum Step {
    Enrol(StaffAccount, String),
    LoggedIn(StaffAccount),
}

/// Creates the first administrator from the deployment's secret when they
/// first log in and the store has never had one bootstrapped.
async fn bootstrap_if_due<S: AdminStore>(
    state: &AppState<S>,
    name: &StaffName,
    now: Timestamp,
) -> ApiResult<()> {
    let Some(admin) = state.platform.bootstrap_admin.as_ref() else {
        return Ok(());
    };
    if admin.name != *name || state.store.staff_account(name).await?.is_some() {
        return Ok(());
    }
    let account = StaffAccount {
        name: name.clone(),
        display_name: DisplayName::parse("管理员").expect("a valid display name"),
        roles: StaffRoles::new([StaffRole::Administrator]).expect("one role"),
        password_hash: admin.password_hash.clone(),
        disabled: false,
        totp: TotpState::NotEnrolled,
        recovery_codes: Vec::new(),
        created_at: now,
        created_by: name.clone(),
        version: 1,
    };
    let audit = AuditEntry::new(name, AuditAction::StaffAccountCreated, now)
        .subject(name.as_str())
        .reason("bootstrap: the first administrator, from the deployment's secret")
        .change("roles", None, Some(account.roles.to_string()));
    match state.store.bootstrap_administrator(&account, &audit).await {
        Ok(_) | Err(StoreError::Refused(Refusal::StaffAccountExists)) => Ok(()),
        Err(error) => Err(error.into()),
    }
}

/// A new secret, kept as pending until a code proves the app holds it.
async fn begin_enrolment<S: StaffStore>(
    store: &S,
    account: StaffAccount,
    now: Timestamp,
) -> ApiResult<Step> {
    let secret = two_factor::new_secret();
    let mut pending = account.next_version();
    pending.totp = TotpState::Pending {
        secret: secret.clone(),
    };
    let audit = AuditEntry::new(&account.name, AuditAction::StaffTotpEnrolled, now)
        .subject(account.name.as_str())
        .change(
            "totp",
            Some(totp_word(&account.totp)),
            Some("pending".into()),
        );
    store.save_staff_account(&pending, &audit).await?;
    Ok(Step::Enrol(pending, secret))
}

/// Checks a TOTP or recovery code and records its use, so that it cannot be
/// used again: `None` for a wrong code, or one used meanwhile by a
/// concurrent log-in (the version condition lets only one through).
async fn second_factor<S: StaffStore>(
    store: &S,
    account: StaffAccount,
    code: &str,
    now: Timestamp,
) -> ApiResult<Option<Step>> {
    let TotpState::Active { secret, last_step } = &account.totp else {
        return Ok(None);
    };
    let mut next = account.next_version();
    let audit = if two_factor::is_totp_code(code) {
        let Some(step) = two_factor::accepted_step(secret, code, now, *last_step) else {
            return Ok(None);
        };
        next.totp = TotpState::Active {
            secret: secret.clone(),
            last_step: step,
        };
        AuditEntry::new(&account.name, AuditAction::StaffLoggedIn, now)
    } else {
        let digest = two_factor::recovery_digest(code);
        let before = next.recovery_codes.len();
        next.recovery_codes.retain(|kept| *kept != digest);
        if next.recovery_codes.len() == before {
            return Ok(None);
        }
        AuditEntry::new(&account.name, AuditAction::StaffRecoveryCodeUsed, now).change(
            "recovery_codes_left",
            Some(before.to_string()),
            Some(next.recovery_codes.len().to_string()),
        )
    };
    match store
        .save_staff_account(&next, &audit.subject(account.name.as_str()))
        .await
    {
        Ok(()) => Ok(Some(Step::LoggedIn(next))),
        Err(StoreError::Refused(Refusal::StaleStaffAccount)) => Ok(None),
        Err(error) => Err(error.into()),
    }
}

fn totp_word(state: &TotpState) -> String {
    match state {
        TotpState::NotEnrolled => "not_enrolled",
        TotpState::Pending { .. } => "pending",
        TotpState::Active { .. } => "active",
    }
    .to_owned()
}

fn code_required() -> ApiError {
    ApiError::new(
        StatusCode::UNAUTHORIZED,
        "staff.code_required",
        "请输入身份验证器应用显示的 6 位验证码（或一个恢复码）。",
        "Enter the 6-digit code your authenticator app shows (or a recovery code).",
    )
}

pub(crate) fn session<S>(
    state: &AppState<S>,
    account: &StaffAccount,
    codes: Option<Vec<String>>,
) -> ApiResult<Session> {
    let platform = &state.platform;
    Ok(Session {
        access_token: platform.token_signer()?.issue(
            account.name.as_str(),
            Role::Staff,
            &PasswordStamp::of(&account.password_hash),
            platform.clock.now(),
            platform.staff_token_lifetime_seconds,
        ),
        token_type: "Bearer",
        expires_in: platform.staff_token_lifetime_seconds,
        staff: StaffView::of(&account.name, &account.display_name, &account.roles),
        recovery_codes_left: account.recovery_codes.len(),
        recovery_codes: codes,
    })
}

/// Who is logged in, with their roles: the console shows what they may do.
#[utoipa::path(get, path = ME, tag = "staff", security(("bearer" = [])),
    responses((status = 200, description = "The logged-in staff member", body = StaffView), (status = 401, description = "Not logged in as staff", body = ErrorBody)))]
// `S` is the router's store: `AuthStaff` reads the account from it.
#[allow(clippy::extra_unused_type_parameters)]
pub(crate) async fn me<S: AdminStore>(staff: AuthStaff) -> Json<StaffView> {
    Json(StaffView::of(
        &staff.name,
        &staff.display_name,
        &staff.roles,
    ))
}

/// New recovery codes for the logged-in staff member, replacing the old ones
/// (used up, or written down where they should not be).
#[utoipa::path(post, path = RECOVERY_CODES, tag = "staff", security(("bearer" = [])),
    responses((status = 200, description = "The new codes, shown once", body = RecoveryCodes), (status = 401, description = "Not logged in as staff", body = ErrorBody), (status = 409, description = "The account changed meanwhile", body = ErrorBody)))]
pub(crate) async fn new_recovery_codes<S: AdminStore>(
    State(state): State<AppState<S>>,
    staff: AuthStaff,
) -> ApiResult<Json<RecoveryCodes>> {
    let account = state
        .store
        .staff_account(&staff.name)
        .await?
        .ok_or_else(|| ApiError::from(Refusal::UnknownStaffAccount))?;
    let (codes, digests) = two_factor::new_recovery_codes();
    let mut next = account.next_version();
    next.recovery_codes = digests;
    let audit = staff
        .audit(AuditAction::StaffAccountChanged, state.platform.clock.now())
        .subject(staff.name.as_str())
        .change(
            "recovery_codes",
            Some(format!("{} left", account.recovery_codes.len())),
            Some("renewed".into()),
        );
    state.store.save_staff_account(&next, &audit).await?;
    Ok(Json(RecoveryCodes {
        recovery_codes: codes,
    }))
}
