//! Changing one's own phone number and e-mail address (联系方式). Password
//! recovery sends its code there, so a change needs the current password:
//! someone holding a learner's open session (a shared computer) cannot point
//! recovery at themselves. Staff's look-ups by phone and e-mail follow in the
//! same write.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use ticedu_api::auth::AuthLearner;
use ticedu_api::password::Password;
use ticedu_api::{ApiError, ApiJson, ApiResult, AppState, ErrorBody};
use ticedu_domain::contact::{EmailAddress, PhoneNumber};
use ticedu_domain::identity::LookupKey;
use ticedu_store::records::NewLearner;
use utoipa::ToSchema;

use crate::AccountsStore;

pub const CONTACT: &str = "/api/accounts/contact";

/// The contact details as they should stand: at least one of the two.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ContactRequest {
    /// A mainland mobile number, or empty for none.
    #[serde(default)]
    phone: String,
    /// An e-mail address, or empty for none.
    #[serde(default)]
    email: String,
    current_password: String,
}

/// The contact details now, masked as the account centre shows them.
#[derive(Serialize, ToSchema)]
pub(crate) struct ContactView {
    phone: Option<String>,
    email: Option<String>,
}

fn parsed<T, E: ticedu_domain::Rejection>(
    text: &str,
    parse: impl Fn(&str) -> Result<T, E>,
) -> ApiResult<Option<T>> {
    match text.trim() {
        "" => Ok(None),
        text => parse(text).map(Some).map_err(|e| ApiError::invalid(&e)),
    }
}

/// Change the phone number and e-mail address (at least one stays); the current password is required.
#[utoipa::path(post, path = CONTACT, tag = "accounts", request_body = ContactRequest, security(("bearer" = [])),
    responses(
        (status = 200, description = "Changed (or already so)", body = ContactView),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 403, description = "The current password is wrong", body = ErrorBody),
        (status = 409, description = "Changed meanwhile by staff; try again", body = ErrorBody),
        (status = 422, description = "Neither given, or one that does not parse", body = ErrorBody),
    ))]
pub(crate) async fn change_contact<S: AccountsStore>(
    State(state): State<AppState<S>>,
    auth: AuthLearner,
    ApiJson(request): ApiJson<ContactRequest>,
) -> ApiResult<Json<ContactView>> {
    let phone = parsed(&request.phone, PhoneNumber::parse)?;
    let email = parsed(&request.email, EmailAddress::parse)?;
    if phone.is_none() && email.is_none() {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "contact.missing",
            "请至少保留手机号码或电子邮箱中的一项：找回密码要用到。",
            "Keep a mobile number or an e-mail address: password recovery needs one.",
        ));
    }
    let current = Password::attempt(request.current_password).map_err(|e| ApiError::invalid(&e))?;
    let before = auth.record().registration.clone();
    if !current.verify(Some(before.password_hash.clone())).await {
        return Err(crate::password::wrong_password());
    }
    let changed = NewLearner {
        lookups: LookupKey::all_of(
            &before.name,
            phone.as_ref(),
            email.as_ref(),
            state.platform.account_secret()?,
        ),
        phone,
        email,
        ..before.clone()
    };
    if changed.phone != before.phone || changed.email != before.email {
        state
            .store
            .correct_learner(&changed, &before.username_key, None)
            .await?;
        tracing::info!(learner = %auth.id, "contact details changed");
    }
    Ok(Json(ContactView {
        phone: changed.phone.as_ref().map(PhoneNumber::masked),
        email: changed.email.map(String::from),
    }))
}
