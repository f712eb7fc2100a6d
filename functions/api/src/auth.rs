//! Who is asking: the token of a request (bearer header, or the session
//! cookie under its CSRF rule, [`crate::session`]), checked against the
//! platform's public token keys ([`crate::tokens`]), and the learner and
//! staff extractors, which also check that the account's password has not
//! changed since the token was issued and, for learners, that its session
//! has not ended.

use std::sync::Arc;

use axum::extract::{FromRef, FromRequestParts};
use axum::http::StatusCode;
use axum::http::request::Parts;
use jiff::Timestamp;
use ticedu_domain::staff::{DisplayName, StaffAction, StaffName, StaffRoles};
use ticedu_store::ids::{LearnerId, SessionId};
use ticedu_store::records::{AuditAction, AuditEntry, Learner};
use ticedu_store::{LearnerStore, Refusal, SessionStore, StaffStore};

use crate::config::Platform;
use crate::error::ApiError;
use crate::session::{self, Presented};
use crate::state::AppState;
pub use crate::tokens::{Claims, PasswordStamp, Role, TokenError};

impl From<TokenError> for ApiError {
    fn from(error: TokenError) -> Self {
        let (code, zh, en) = match error {
            TokenError::Missing => ("auth.missing_token", "请先登录。", "Please log in."),
            TokenError::Expired => (
                "auth.token_expired",
                "登录已过期，请重新登录。",
                "Your session expired; please log in again.",
            ),
            TokenError::Invalid => (
                "auth.invalid_token",
                "登录凭证无效，请重新登录。",
                "The access token is invalid; please log in again.",
            ),
            TokenError::PasswordChanged => (
                "auth.password_changed",
                "密码已更改，请用新密码重新登录。",
                "The password was changed; please log in again with the new one.",
            ),
            TokenError::SessionEnded => (
                "auth.session_ended",
                "您已退出登录，请重新登录。",
                "You logged out; please log in again.",
            ),
            TokenError::CrossSite => {
                return ApiError::new(
                    StatusCode::FORBIDDEN,
                    "auth.cross_site",
                    "请求未经本站页面发出，已拒绝。请刷新页面后重试。",
                    "The request did not come from this site's pages; please reload the page and try again.",
                );
            }
        };
        let mut error = ApiError::new(StatusCode::UNAUTHORIZED, code, zh, en);
        error.retry_after = None;
        error
    }
}

/// The verified claims of the request's token, whatever its role.
pub fn claims<S>(parts: &Parts, state: &S) -> Result<Claims, ApiError>
where
    Arc<Platform>: FromRef<S>,
{
    Ok(presented_claims(parts, state)?.0)
}

/// The verified claims of the request's token, and where it came from.
fn presented_claims<S>(parts: &Parts, state: &S) -> Result<(Claims, Presented), ApiError>
where
    Arc<Platform>: FromRef<S>,
{
    let platform = Arc::<Platform>::from_ref(state);
    let (token, presented) = session::token(&parts.method, &parts.headers)?;
    let claims = platform
        .token_verifier
        .verify(token, platform.clock.now())?;
    Ok((claims, presented))
}

/// A request made by a logged-in learner whose password has not changed
/// since the token was issued and whose session has not ended. Checking
/// that costs two reads per request, made at once (the learner's record and
/// the session: a token cannot know of a later password change or log-out,
/// and the functions hold no shared cache); the record read is kept, so a
/// handler that needs it reads nothing more.
#[derive(Debug, Clone)]
pub struct AuthLearner {
    pub id: LearnerId,
    pub session: SessionId,
    presented: Presented,
    record: Learner,
}

impl<S: LearnerStore + SessionStore> FromRequestParts<AppState<S>> for AuthLearner {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState<S>) -> Result<Self, ApiError> {
        let (claims, presented) = presented_claims(parts, state)?;
        if claims.role != Role::Learner {
            return Err(forbidden());
        }
        let invalid = || ApiError::from(TokenError::Invalid);
        let id = LearnerId::parse(&claims.sub).map_err(|_| invalid())?;
        let session_id = claims
            .sid
            .as_deref()
            .and_then(|sid| SessionId::parse(sid).ok())
            .ok_or_else(invalid)?;
        let now = state.platform.clock.now();
        let (record, session) = tokio::join!(
            state.store.learner(&id),
            state.store.session(&session_id, now)
        );
        // `account.not_found` if the account is gone although its token is still valid.
        let record = record?.ok_or_else(|| ApiError::from(Refusal::UnknownLearner))?;
        if !PasswordStamp::of(&record.registration.password_hash).admits(&claims) {
            return Err(TokenError::PasswordChanged.into());
        }
        match session? {
            Some(session) if session.learner == id => Ok(Self {
                id,
                session: session_id,
                presented,
                record,
            }),
            _ => Err(TokenError::SessionEnded.into()),
        }
    }
}

impl AuthLearner {
    /// Whether the request came with the session cookie (a page), not a bearer token (a program).
    pub fn by_cookie(&self) -> bool {
        self.presented == Presented::Cookie
    }

    /// The logged-in learner's record, as read when the request arrived.
    pub fn record(&self) -> &Learner {
        &self.record
    }

    /// The logged-in learner's record, read again from `store` (for handlers
    /// that need it as it stands after their own writes).
    pub async fn learner<S: LearnerStore>(&self, store: &S) -> Result<Learner, ApiError> {
        store
            .learner(&self.id)
            .await?
            .ok_or_else(|| ApiError::from(Refusal::UnknownLearner))
    }
}

/// A request made by a logged-in member of the association's staff, whose
/// account is still enabled: read from the store on every request, so that
/// disabling an account or changing its roles takes effect at once.
#[derive(Debug, Clone)]
pub struct AuthStaff {
    pub name: StaffName,
    pub display_name: DisplayName,
    pub roles: StaffRoles,
}

impl<S: StaffStore> FromRequestParts<AppState<S>> for AuthStaff {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState<S>) -> Result<Self, ApiError> {
        let claims = claims(parts, state)?;
        if claims.role != Role::Staff {
            return Err(forbidden());
        }
        let name =
            StaffName::parse(&claims.sub).map_err(|_| ApiError::from(TokenError::Invalid))?;
        let account = state.store.staff_account(&name).await?;
        match account {
            Some(account)
                if !PasswordStamp::of(&account.password_hash).admits(&claims)
                    && !account.disabled =>
            {
                Err(TokenError::PasswordChanged.into())
            }
            Some(account) if !account.disabled && account.totp.is_active() => Ok(Self {
                name: account.name,
                display_name: account.display_name,
                roles: account.roles,
            }),
            _ => Err(ApiError::from(TokenError::Invalid)),
        }
    }
}

impl AuthStaff {
    /// Refused with `auth.forbidden` unless one of this account's roles may do `action`.
    pub fn may(&self, action: StaffAction) -> Result<(), ApiError> {
        if action.allowed_to(&self.roles) {
            Ok(())
        } else {
            Err(forbidden())
        }
    }

    /// An audit entry of `action` by this staff member, at `at`.
    pub fn audit(&self, action: AuditAction, at: Timestamp) -> AuditEntry {
        AuditEntry::new(&self.name, action, at)
    }
}

/// 403 `auth.forbidden`.
pub fn forbidden() -> ApiError {
    ApiError::new(
        StatusCode::FORBIDDEN,
        "auth.forbidden",
        "您没有权限进行此操作。",
        "You may not do this.",
    )
}
