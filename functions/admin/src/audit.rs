//! The audit trail as staff read it: the whole trail, a page at a time
//! (administrators), and one learner's entries (any staff member who may
//! read the learner's file).

use axum::Json;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use ticedu_api::auth::AuthStaff;
use ticedu_api::{ApiError, ApiResult, AppState, ErrorBody, PathParam};
use ticedu_domain::staff::StaffAction;
use ticedu_store::ids::LearnerId;
use ticedu_store::records::{AuditAction, AuditEntry, AuditQuery, FieldChange};
use utoipa::{IntoParams, ToSchema};

use crate::AdminStore;

pub const AUDIT: &str = "/api/staff/audit";
pub const LEARNER_AUDIT: &str = "/api/staff/learners/{learner}/audit";

const DEFAULT_LIMIT: usize = 50;

#[derive(Deserialize, IntoParams)]
pub(crate) struct AuditPageQuery {
    /// The `next` of the page before: entries older than it.
    before: Option<String>,
    /// 1–200 entries; 50 when not given.
    limit: Option<usize>,
}

impl AuditPageQuery {
    fn parse(self) -> Result<AuditQuery, ApiError> {
        let limit = self.limit.unwrap_or(DEFAULT_LIMIT);
        if !(1..=AuditQuery::MAX_LIMIT).contains(&limit) {
            return Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "audit.limit",
                "每页 1 至 200 条。",
                "A page holds 1 to 200 entries.",
            ));
        }
        Ok(AuditQuery {
            before: self.before.filter(|cursor| !cursor.is_empty()),
            limit,
        })
    }
}

/// One entry as staff read it.
#[derive(Serialize, ToSchema)]
pub(crate) struct AuditEntryView {
    #[schema(value_type = String)]
    at: jiff::Timestamp,
    by: String,
    /// `cards_issued`, `application_decided`, `id_number_revealed` …
    #[schema(value_type = String)]
    action: AuditAction,
    #[serde(skip_serializing_if = "Option::is_none")]
    learner_id: Option<String>,
    /// A card code, an order or certificate number, an invoice, a year's part, a staff account.
    #[serde(skip_serializing_if = "Option::is_none")]
    subject: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<String>,
    #[schema(value_type = Vec<Object>)]
    changes: Vec<FieldChange>,
}

impl From<AuditEntry> for AuditEntryView {
    fn from(entry: AuditEntry) -> Self {
        Self {
            at: entry.at,
            by: entry.by.to_string(),
            action: entry.action,
            learner_id: entry.learner.map(|learner| learner.to_string()),
            subject: entry.subject,
            reason: entry.reason,
            changes: entry.changes,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub(crate) struct AuditPageView {
    /// Newest first.
    entries: Vec<AuditEntryView>,
    /// Send as `before` for the next, older page; `null` on the last.
    next: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub(crate) struct LearnerAuditView {
    /// Newest first.
    entries: Vec<AuditEntryView>,
}

/// The whole audit trail, newest first, a page at a time (administrators).
#[utoipa::path(get, path = AUDIT, tag = "staff", params(AuditPageQuery), security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of the trail", body = AuditPageView),
        (status = 401, description = "Not logged in as staff", body = ErrorBody),
        (status = 403, description = "Not an administrator", body = ErrorBody),
        (status = 422, description = "A limit out of range", body = ErrorBody),
    ))]
pub(crate) async fn trail<S: AdminStore>(
    State(state): State<AppState<S>>,
    staff: AuthStaff,
    Query(query): Query<AuditPageQuery>,
) -> ApiResult<Json<AuditPageView>> {
    staff.may(StaffAction::Administer)?;
    let page = state.store.audit_trail(&query.parse()?).await?;
    Ok(Json(AuditPageView {
        entries: page.entries.into_iter().map(AuditEntryView::from).collect(),
        next: page.next,
    }))
}

/// What staff did concerning one learner, newest first.
#[utoipa::path(get, path = LEARNER_AUDIT, tag = "staff", security(("bearer" = [])),
    params(("learner" = String, Path, description = "Learner id")),
    responses(
        (status = 200, description = "The learner's entries", body = LearnerAuditView),
        (status = 401, description = "Not logged in as staff", body = ErrorBody),
        (status = 403, description = "Not staff", body = ErrorBody),
    ))]
pub(crate) async fn learner_trail<S: AdminStore>(
    State(state): State<AppState<S>>,
    staff: AuthStaff,
    PathParam(learner): PathParam<LearnerId>,
) -> ApiResult<Json<LearnerAuditView>> {
    staff.may(StaffAction::ReadLearners)?;
    let entries = state.store.learner_audit_trail(&learner).await?;
    Ok(Json(LearnerAuditView {
        entries: entries.into_iter().map(AuditEntryView::from).collect(),
    }))
}
