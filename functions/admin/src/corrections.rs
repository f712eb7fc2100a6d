//! Correcting a learner's name or contact details (a typo at registration,
//! a new phone), with a reason, by an operator. A new name is a new
//! username (R2: name + ID characters): the answer gives it, for staff to
//! pass on; the old one no longer logs in. The ID number is not corrected
//! here: it is the account's identity (R3).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use ticedu_api::auth::AuthStaff;
use ticedu_api::{ApiError, ApiJson, ApiResult, AppState, ErrorBody, PathParam};
use ticedu_domain::contact::{EmailAddress, PhoneNumber};
use ticedu_domain::identity::{LookupKey, PersonName, Username, UsernameKey};
use ticedu_domain::learner::ShortText;
use ticedu_domain::staff::StaffAction;
use ticedu_store::Refusal;
use ticedu_store::ids::LearnerId;
use ticedu_store::records::{AuditAction, NewLearner};
use utoipa::ToSchema;

use crate::AdminStore;

pub const CORRECTION: &str = "/api/staff/learners/{learner}/correction";

/// What to correct (at least one), and why.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct CorrectionRequest {
    /// The name as on the ID card.
    name: Option<String>,
    /// A mobile number, or "" to remove it.
    phone: Option<String>,
    /// An e-mail address, or "" to remove it.
    email: Option<String>,
    /// Why, for the audit trail (up to 60 characters).
    reason: String,
}

#[derive(Serialize, ToSchema)]
pub(crate) struct Corrected {
    /// The username to log in with from now on (changed with the name).
    username: String,
    username_changed: bool,
}

fn nothing_to_correct() -> ApiError {
    ApiError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        "learner.correction_empty",
        "请填写要更正的姓名、手机号码或电子邮箱。",
        "Give the name, phone number or e-mail address to correct.",
    )
}

/// `None`: unchanged; `Some("")`: removed; otherwise the new value, parsed.
fn optional<T, E: ticedu_domain::Rejection>(
    given: Option<String>,
    current: Option<T>,
    parse: impl Fn(&str) -> Result<T, E>,
) -> Result<Option<T>, ApiError> {
    match given.as_deref().map(str::trim) {
        None => Ok(current),
        Some("") => Ok(None),
        Some(text) => parse(text).map(Some).map_err(|e| ApiError::invalid(&e)),
    }
}

/// Correct a learner's name, phone or e-mail, with a reason (operators).
#[utoipa::path(post, path = CORRECTION, tag = "staff", request_body = CorrectionRequest, security(("bearer" = [])),
    params(("learner" = String, Path, description = "Learner id")),
    responses(
        (status = 200, description = "Corrected (or already so)", body = Corrected),
        (status = 403, description = "Not an operator", body = ErrorBody),
        (status = 404, description = "No such learner", body = ErrorBody),
        (status = 409, description = "Another account has the new username, or a correction came first", body = ErrorBody),
        (status = 422, description = "Nothing to correct, no reason, or a value that does not parse", body = ErrorBody),
    ))]
pub(crate) async fn correct<S: AdminStore>(
    State(state): State<AppState<S>>,
    staff: AuthStaff,
    PathParam(learner): PathParam<LearnerId>,
    ApiJson(request): ApiJson<CorrectionRequest>,
) -> ApiResult<Json<Corrected>> {
    staff.may(StaffAction::Operate)?;
    if request.name.is_none() && request.phone.is_none() && request.email.is_none() {
        return Err(nothing_to_correct());
    }
    let reason = ShortText::parse(&request.reason).map_err(|e| ApiError::invalid(&e))?;
    let stored = state
        .store
        .learner(&learner)
        .await?
        .ok_or_else(|| ApiError::from(Refusal::UnknownLearner))?;
    let before = &stored.registration;
    let name = match request.name.as_deref() {
        Some(name) => PersonName::parse(name).map_err(|e| ApiError::invalid(&e))?,
        None => before.name.clone(),
    };
    let phone = optional(request.phone, before.phone.clone(), PhoneNumber::parse)?;
    let email = optional(request.email, before.email.clone(), EmailAddress::parse)?;
    let secret = state.platform.account_secret()?;
    let username = Username::derive(&name, &before.id_number);
    let corrected = NewLearner {
        username_key: UsernameKey::of(&username, secret),
        lookups: LookupKey::all_of(&name, phone.as_ref(), email.as_ref(), secret),
        username,
        name,
        phone,
        email,
        ..before.clone()
    };
    let username_changed = corrected.username != before.username;
    let audit = staff
        .audit(AuditAction::LearnerCorrected, state.platform.clock.now())
        .learner(&learner)
        .reason(reason.to_string())
        .change(
            "name",
            Some(before.name.to_string()),
            Some(corrected.name.to_string()),
        )
        // Masked: the trail needs to show that it changed, not the number.
        .change(
            "phone",
            before.phone.as_ref().map(PhoneNumber::masked),
            corrected.phone.as_ref().map(PhoneNumber::masked),
        )
        .change(
            "email",
            before.email.as_ref().map(ToString::to_string),
            corrected.email.as_ref().map(ToString::to_string),
        );
    // The same correction again (a retry) finds nothing left to change.
    let changed = corrected.lookups != before.lookups || !audit.changes.is_empty();
    if changed {
        state
            .store
            .correct_learner(&corrected, &before.username_key, Some(&audit))
            .await?;
        tracing::info!(staff = %staff.name, %learner, username_changed, "learner corrected");
    }
    Ok(Json(Corrected {
        username: corrected.username.to_string(),
        username_changed,
    }))
}
