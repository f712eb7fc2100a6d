//! Starting a learner's session, and handing its token over: in the answer
//! for programs, as the session cookie for the site's pages.

use axum::Json;
use axum::http::header::CACHE_CONTROL;
use axum::http::{HeaderMap, HeaderValue};
use serde::Serialize;
use ticedu_api::auth::PasswordStamp;
use ticedu_api::ids::new_session_id;
use ticedu_api::session;
use ticedu_api::{ApiError, ApiResult, AppState};
use ticedu_store::records::{Learner, Session};
use utoipa::ToSchema;

use crate::AccountsStore;

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct Token {
    /// The bearer token; absent when it was set as the session cookie.
    #[serde(skip_serializing_if = "Option::is_none")]
    access_token: Option<String>,
    /// `Bearer`, or `Cookie` when the token went into the session cookie.
    token_type: &'static str,
    /// Seconds until the token (and its session) expires.
    expires_in: i64,
}

/// How the token is handed over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Handover {
    Bearer,
    Cookie,
}

/// The answer of a request that started a session: the token, and the cookie
/// when the site's pages asked for one.
pub(crate) type Started = (HeaderMap, Json<Token>);

/// Refused unless a cookie hand-over comes from the site's own pages: a
/// forged log-in could otherwise plant another account's session.
pub(crate) fn check_origin(handover: Handover, headers: &HeaderMap) -> ApiResult<()> {
    if handover == Handover::Cookie && !session::from_own_pages(headers) {
        return Err(ApiError::from(ticedu_api::auth::TokenError::CrossSite));
    }
    Ok(())
}

/// Starts a session for `learner` (as their password hash now stands) and
/// hands its token over.
pub(crate) async fn start<S: AccountsStore>(
    state: &AppState<S>,
    learner: &Learner,
    handover: Handover,
) -> ApiResult<Started> {
    let platform = &state.platform;
    let now = platform.clock.now();
    let ends_at = now
        .checked_add(jiff::SignedDuration::from_secs(
            platform.token_lifetime_seconds,
        ))
        .map_err(|_| ApiError::unavailable())?;
    let session = Session {
        id: new_session_id()?,
        learner: learner.id().clone(),
        started_at: now,
        ends_at,
    };
    state.store.start_session(&session).await?;
    let token = platform.token_signer()?.issue_for_session(
        learner.id().as_str(),
        session.id.as_str(),
        &PasswordStamp::of(&learner.registration.password_hash),
        now,
        ends_at,
    );
    let lifetime = platform.token_lifetime_seconds;
    let mut headers = HeaderMap::new();
    // A token is never kept by a cache on the way.
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    let body = match handover {
        Handover::Cookie => {
            for (name, value) in session::set_cookies(&token, lifetime) {
                headers.append(name, value);
            }
            Token {
                access_token: None,
                token_type: "Cookie",
                expires_in: lifetime,
            }
        }
        Handover::Bearer => Token {
            access_token: Some(token),
            token_type: "Bearer",
            expires_in: lifetime,
        },
    };
    Ok((headers, Json(body)))
}
