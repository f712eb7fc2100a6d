//! 学习优惠 (R12): a learner who took part in an earlier renewal claims the
//! free mandatory hours with that renewal's certificate. The notice has them
//! e-mail the association; here it is a form, and staff decide it
//! (approval grants the discount). A learner already returning has nothing
//! to claim.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use ticedu_api::auth::AuthLearner;
use ticedu_api::{ApiError, ApiJson, ApiResult, AppState, ErrorBody, FieldErrors};
use ticedu_domain::learner::{DocumentNumber, ShortText};
use ticedu_store::records::{FilingStatus, ReturningClaim};
use utoipa::ToSchema;

use crate::AccountsStore;

pub const RETURNING_CLAIM: &str = "/api/accounts/returning-claim";

/// The earlier renewal's certificate.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ClaimRequest {
    /// 继续教育合格证编号 of the earlier renewal.
    certificate_no: String,
    /// Its expiry, `YYYY-MM-DD` (read as text, so that an empty one is
    /// answered as missing together with the other fields).
    #[schema(value_type = String, format = Date)]
    expires_on: String,
    note: Option<String>,
}

/// The claim as its owner sees it: waiting, approved, or rejected with staff's reason.
#[derive(Serialize, ToSchema)]
pub(crate) struct ClaimView {
    certificate_no: String,
    #[schema(value_type = String, format = Date)]
    expires_on: Date,
    /// `filed`, `accepted` or `rejected`.
    #[schema(value_type = String)]
    status: FilingStatus,
    reason: Option<String>,
    /// The discount is granted (by this claim, an import or a renewal on the platform).
    returning: bool,
}

fn already() -> ApiError {
    ApiError::new(
        StatusCode::CONFLICT,
        "claim.already_returning",
        "您已享有学习优惠（必修课免费），无需申请。",
        "You have the returning learner's discount already.",
    )
}

/// Claim the returning learner's discount (R12) with an earlier renewal's certificate; staff decide it.
#[utoipa::path(post, path = RETURNING_CLAIM, tag = "accounts", request_body = ClaimRequest, security(("bearer" = [])),
    responses(
        (status = 204, description = "Filed; it waits for staff"),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 409, description = "Already returning, or approved already", body = ErrorBody),
        (status = 422, description = "A bad certificate number, an expiry in the future or a bad note", body = ErrorBody),
    ))]
pub(crate) async fn claim<S: AccountsStore>(
    State(state): State<AppState<S>>,
    auth: AuthLearner,
    ApiJson(request): ApiJson<ClaimRequest>,
) -> ApiResult<StatusCode> {
    let learner = auth.learner(&state.store).await?;
    if learner.returning {
        return Err(already());
    }
    let mut errors = FieldErrors::new();
    let certificate_no = errors.check(
        "certificate_no",
        DocumentNumber::parse(&request.certificate_no),
    );
    let expires_on = errors.date("expires_on", &request.expires_on);
    // An earlier renewal's certificate was issued, so it cannot expire more than a cycle from now.
    let latest = state
        .platform
        .clock
        .today()
        .checked_add(jiff::ToSpan::years(ticedu_domain::cycle::CYCLE_YEARS))
        .unwrap_or(Date::MAX);
    if expires_on.is_some_and(|expires_on| expires_on > latest) {
        errors.push(
            "expires_on",
            "claim.expiry",
            "证书到期日不可能晚于四年之后，请核对。",
            "That expiry lies more than four years ahead; please check it.",
        );
    }
    let note = request
        .note
        .as_deref()
        .map(str::trim)
        .filter(|note| !note.is_empty())
        .and_then(|note| errors.check("note", ShortText::parse(note)));
    errors.finish()?;
    let (Some(certificate_no), Some(expires_on)) = (certificate_no, expires_on) else {
        return Err(ApiError::unavailable());
    };
    let claim = ReturningClaim {
        certificate_no,
        expires_on,
        note: note.map(|note| note.to_string()).unwrap_or_default(),
        filed_at: state.platform.clock.now(),
        status: FilingStatus::Filed,
        decision: None,
    };
    state.store.file_returning_claim(&auth.id, &claim).await?;
    tracing::info!(learner = %auth.id, "returning discount claimed");
    Ok(StatusCode::NO_CONTENT)
}

/// The learner's claim to the returning discount, and where it stands.
#[utoipa::path(get, path = RETURNING_CLAIM, tag = "accounts", security(("bearer" = [])),
    responses(
        (status = 200, description = "The claim", body = ClaimView),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 404, description = "No claim filed", body = ErrorBody),
    ))]
pub(crate) async fn my_claim<S: AccountsStore>(
    State(state): State<AppState<S>>,
    auth: AuthLearner,
) -> ApiResult<Json<ClaimView>> {
    let learner = auth.learner(&state.store).await?;
    let claim = state
        .store
        .returning_claim(&auth.id)
        .await?
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::NOT_FOUND,
                "claim.none",
                "您还没有提交学习优惠申请。",
                "You have not claimed the discount.",
            )
        })?;
    Ok(Json(ClaimView {
        certificate_no: claim.certificate_no.to_string(),
        expires_on: claim.expires_on,
        status: claim.status,
        reason: claim.decision.and_then(|decision| decision.reason),
        returning: learner.returning,
    }))
}
