//! Authorising JSAPI (paying inside WeChat, R14): the learner's openid is
//! obtained by the server through WeChat's web authorisation and bound to
//! the learner; a client never names it.
//!
//! 1. `POST …/wechat/authorization` (the learner, logged in): the URL of
//!    WeChat's authorize page, with a signed `state` naming the learner;
//! 2. WeChat sends the browser back to `GET …/wechat/oauth?code=&state=`
//!    (a navigation: no token), which checks the state, exchanges the code
//!    for the openid, binds it, and sends the browser on to the pay page
//!    with `?wechat=ready` (or `refused`, `failed`, `unavailable`).

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Redirect;
use axum::{Extension, Json};
use serde::Serialize;
use ticedu_api::auth::AuthLearner;
use ticedu_api::{ApiError, ApiResult, AppState, ErrorBody};
use ticedu_store::{Refusal, StoreError};
use utoipa::ToSchema;

use crate::PaymentsStore;
use crate::wechat_oauth::WeChatOAuth;
use crate::wechat_oauth_state::STATE_LIFETIME;

pub const WECHAT_AUTHORIZATION: &str = "/api/payments/wechat/authorization";
pub const WECHAT_OAUTH_CALLBACK: &str = "/api/payments/wechat/oauth";
/// Where the callback sends the browser, with `?wechat=<outcome>`.
pub const PAY_PAGE: &str = "/pay/";

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct Authorization {
    /// Send the browser here (inside WeChat); it comes back to the pay page
    /// with `?wechat=ready` once the openid is bound.
    url: String,
    /// Seconds the URL stays usable.
    expires_in_seconds: i64,
}

fn unavailable() -> ApiError {
    ApiError::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "wechatpay.authorization_unavailable",
        "暂不支持在微信内直接支付，请长按识别二维码支付，或使用余额购买。",
        "Paying inside WeChat is not available; long-press the QR code to pay, or pay from your balance.",
    )
}

/// The URL of WeChat's web authorisation (`snsapi_base`) for this learner,
/// so that JSAPI orders can be made out to their openid.
#[utoipa::path(post, path = WECHAT_AUTHORIZATION, tag = "payments", security(("bearer" = [])),
    responses(
        (status = 200, description = "Where to send the browser", body = Authorization),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 503, description = "The official account's app secret is not configured", body = ErrorBody),
    ))]
pub(crate) async fn wechat_authorization<S: PaymentsStore>(
    State(state): State<AppState<S>>,
    Extension(oauth): Extension<Option<Arc<WeChatOAuth>>>,
    auth: AuthLearner,
) -> ApiResult<Json<Authorization>> {
    let oauth = oauth.ok_or_else(unavailable)?;
    let signed = oauth.state_key.sign(&auth.id, state.platform.clock.now());
    Ok(Json(Authorization {
        url: oauth.authorize_url(&signed),
        expires_in_seconds: STATE_LIFETIME.as_secs(),
    }))
}

/// How the authorisation ended, as the pay page reads it from `?wechat=`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    /// The openid is bound: JSAPI orders can be placed.
    Ready,
    /// The state was missing, forged, tampered with or expired, or no code came.
    Refused,
    /// WeChat refused the code or did not answer, or the store failed.
    Failed,
    /// The app secret is not configured.
    Unavailable,
}

impl Outcome {
    fn redirect(self) -> Redirect {
        let word = match self {
            Self::Ready => "ready",
            Self::Refused => "refused",
            Self::Failed => "failed",
            Self::Unavailable => "unavailable",
        };
        Redirect::to(&format!("{PAY_PAGE}?wechat={word}"))
    }
}

/// WeChat's web authorisation comes back here (a browser navigation, no
/// token): the signed state names the learner, the code is exchanged for
/// their openid, which is bound to them; the browser then goes on to the pay
/// page. Every outcome, refusals included, is a 303 to the pay page.
#[utoipa::path(get, path = WECHAT_OAUTH_CALLBACK, tag = "payments",
    params(
        ("code" = Option<String>, Query, description = "WeChat's authorisation code (once, 5 minutes)"),
        ("state" = Option<String>, Query, description = "The signed state the authorisation URL carried"),
    ),
    responses(
        (status = 303, description = "On to the pay page: `/pay/?wechat=ready`, `refused`, `failed` or `unavailable`"),
    ))]
pub(crate) async fn wechat_oauth_callback<S: PaymentsStore>(
    State(state): State<AppState<S>>,
    Extension(oauth): Extension<Option<Arc<WeChatOAuth>>>,
    // A map, so that no query string, however odd, is refused before we look.
    Query(query): Query<HashMap<String, String>>,
) -> Redirect {
    let Some(oauth) = oauth else {
        return Outcome::Unavailable.redirect();
    };
    let now = state.platform.clock.now();
    let learner = match query
        .get("state")
        .map(|signed| oauth.state_key.verify(signed, now))
    {
        Some(Ok(learner)) => learner,
        Some(Err(refusal)) => {
            tracing::warn!(%refusal, "WeChat authorisation: state refused");
            return Outcome::Refused.redirect();
        }
        None => {
            tracing::warn!("WeChat authorisation: no state");
            return Outcome::Refused.redirect();
        }
    };
    let Some(code) = query.get("code").filter(|code| !code.is_empty()) else {
        tracing::warn!(%learner, "WeChat authorisation: no code");
        return Outcome::Refused.redirect();
    };
    let openid = match oauth.openid(code).await {
        Ok(openid) => openid,
        Err(error) => {
            tracing::warn!(%learner, %error, "WeChat authorisation: no openid");
            return Outcome::Failed.redirect();
        }
    };
    match state.store.bind_wechat_openid(&learner, &openid).await {
        Ok(()) => {
            // The openid is personal data: logged only as bound.
            tracing::info!(%learner, "WeChat openid bound");
            Outcome::Ready.redirect()
        }
        Err(StoreError::Refused(Refusal::UnknownLearner)) => {
            tracing::warn!(%learner, "WeChat authorisation for a learner who no longer exists");
            Outcome::Refused.redirect()
        }
        Err(error) => {
            tracing::error!(%learner, %error, "WeChat authorisation: the openid could not be stored");
            Outcome::Failed.redirect()
        }
    }
}
