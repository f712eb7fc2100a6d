//! Finishing a staff member's enrolment of an authenticator app: the log-in
//! (`login`) answered the right password with a secret, a QR code and an
//! enrolment token that opens this and nothing else; the first code from
//! the app proves the app holds the secret, activates it and shows the ten
//! recovery codes, once.

use axum::Json;
use axum::extract::{FromRequestParts, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use serde::Deserialize;
use ticedu_api::auth::{PasswordStamp, Role, TokenError, claims};
use ticedu_api::login::throttled_login;
use ticedu_api::{ApiError, ApiJson, ApiResult, AppState, ErrorBody};
use ticedu_domain::identity::UsernameKey;
use ticedu_domain::staff::StaffName;
use ticedu_store::records::{AuditAction, AuditEntry, TotpState};
use ticedu_store::{Refusal, StoreError};
use utoipa::ToSchema;

use crate::AdminStore;
use crate::login::{Session, session};
use crate::two_factor;

pub const ENROLMENT: &str = "/api/staff/login/enrolment";

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct EnrolmentCode {
    /// The six digits the app shows after scanning.
    code: String,
}

/// A staff member between the right password and their first code, and the
/// stamp of that password (a reset since refuses the enrolment).
pub(crate) struct Enrolling(StaffName, PasswordStamp);

impl<S: Send + Sync> FromRequestParts<AppState<S>> for Enrolling {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState<S>) -> Result<Self, ApiError> {
        let claims = claims(parts, state)?;
        if claims.role != Role::StaffEnrolment {
            return Err(ticedu_api::auth::forbidden());
        }
        let stamp = PasswordStamp::from_claims(&claims);
        StaffName::parse(&claims.sub)
            .map(|name| Self(name, stamp))
            .map_err(|_| TokenError::Invalid.into())
    }
}

/// Finish enrolling an authenticator app with its first code: logs in and
/// shows the recovery codes, once.
#[utoipa::path(post, path = ENROLMENT, tag = "staff", request_body = EnrolmentCode, security(("bearer" = [])),
    responses(
        (status = 200, description = "Enrolled and logged in; the recovery codes are shown once", body = Session),
        (status = 401, description = "Wrong code, or the enrolment token expired", body = ErrorBody),
        (status = 409, description = "No enrolment waits for this account: log in again", body = ErrorBody),
        (status = 429, description = "Too many failures; retry later", body = ErrorBody),
    ))]
pub(crate) async fn enrol<S: AdminStore>(
    State(state): State<AppState<S>>,
    Enrolling(name, stamp): Enrolling,
    ApiJson(request): ApiJson<EnrolmentCode>,
) -> ApiResult<Json<Session>> {
    let platform = &state.platform;
    let store = &state.store;
    let now = platform.clock.now();
    let key = UsernameKey::of_staff(name.as_str(), platform.account_secret()?);
    let (account, codes) = throttled_login(store, platform, &key, async {
        let account = store.staff_account(&name).await?.filter(|a| !a.disabled);
        if account
            .as_ref()
            .is_some_and(|a| PasswordStamp::of(&a.password_hash) != stamp)
        {
            return Err(TokenError::PasswordChanged.into());
        }
        let Some(TotpState::Pending { secret }) = account.as_ref().map(|a| &a.totp) else {
            return Err(ApiError::new(
                StatusCode::CONFLICT,
                "staff.not_enrolling",
                "没有等待完成的身份验证器绑定，请重新登录。",
                "No enrolment is waiting for this account; please log in again.",
            ));
        };
        let account = account.clone().expect("matched above");
        let Some(step) = two_factor::accepted_step(secret, &request.code, now, 0) else {
            return Ok(None);
        };
        let (codes, digests) = two_factor::new_recovery_codes();
        let mut active = account.next_version();
        active.totp = TotpState::Active {
            secret: secret.clone(),
            last_step: step,
        };
        active.recovery_codes = digests;
        let audit = AuditEntry::new(&name, AuditAction::StaffTotpEnrolled, now)
            .subject(name.as_str())
            .change("totp", Some("pending".into()), Some("active".into()));
        match store.save_staff_account(&active, &audit).await {
            Ok(()) => Ok(Some((active, codes))),
            Err(StoreError::Refused(Refusal::StaleStaffAccount)) => Ok(None),
            Err(error) => Err(error.into()),
        }
    })
    .await?;
    tracing::info!(staff = %account.name, "staff enrolled an authenticator");
    Ok(Json(session(&state, &account, Some(codes))?))
}
