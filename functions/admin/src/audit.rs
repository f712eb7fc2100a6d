//! The audit trail of staff actions, read back: the whole trail a page at a
//! time (administrators), and the entries about one learner (any staff).
//! Also the small helpers the writing handlers share to build their entries.

use axum::Json;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use ticedu_api::auth::AuthStaff;
use ticedu_api::{ApiError, ApiResult, AppState, ErrorBody, PathParam};
use ticedu_domain::staff::StaffAction;
use ticedu_store::ids::LearnerId;
use ticedu_store::records::{AuditAction, AuditEntry, AuditQuery, FieldChange, StaffDecision};
use utoipa::{IntoParams, ToSchema};

use crate::AdminStore;

pub const AUDIT: &str = "/api/staff/audit";
pub const LEARNER_AUDIT: &str = "/api/staff/learners/{learner}/audit";

/// Entries per page unless the request asks for another number.
const DEFAULT_LIMIT: usize = 50;

/// A value as the trail records it: a string as itself, anything else as
/// its JSON (`snake_case` names of states and verdicts).
pub(crate) fn label<T: Serialize>(value: T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(text)) => text,
        Ok(other) => other.to_string(),
        Err(_) => String::new(),
    }
}

/// The entry of a decision on a waiting filing: the status it moves from
/// `filed` to, and the reason the learner reads when it is a rejection.
pub(crate) fn filing_decided(
    staff: &AuthStaff,
    action: AuditAction,
    learner: &LearnerId,
    approve: bool,
    decision: &StaffDecision,
) -> AuditEntry {
    let after = if approve { "accepted" } else { "rejected" };
    let mut entry = staff.audit(action, decision.at).learner(learner).change(
        "status",
        Some("filed".into()),
        Some(after.into()),
    );
    if let Some(reason) = &decision.reason {
        entry = entry.reason(reason.clone());
    }
    entry
}

#[derive(Deserialize, IntoParams)]
pub(crate) struct TrailPage {
    /// The `next` cursor of the previous page; absent for the newest entries.
    before: Option<String>,
    /// Entries per page, 1–200 (default 50).
    limit: Option<String>,
}

impl TrailPage {
    /// The store's query; a cursor of another shape or a limit out of range
    /// is refused here rather than clamped, so a caller's mistake shows.
    fn parse(self) -> Result<AuditQuery, ApiError> {
        let limit = match self.limit.as_deref().map(str::trim) {
            None | Some("") => DEFAULT_LIMIT,
            Some(text) => text
                .parse::<usize>()
                .ok()
                .filter(|limit| (1..=AuditQuery::MAX_LIMIT).contains(limit))
                .ok_or_else(|| {
                    ApiError::new(
                        StatusCode::UNPROCESSABLE_ENTITY,
                        "audit.limit",
                        format!("每页条数应为 1–{} 之间的整数。", AuditQuery::MAX_LIMIT),
                        format!(
                            "The limit is a whole number from 1 to {}.",
                            AuditQuery::MAX_LIMIT
                        ),
                    )
                })?,
        };
        let before = match self.before {
            Some(cursor) if !AuditQuery::is_cursor(&cursor) => {
                return Err(ApiError::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "audit.cursor",
                    "翻页位置无效，请从第一页重新查看。",
                    "The page cursor is not valid; start again from the first page.",
                ));
            }
            before => before,
        };
        Ok(AuditQuery { before, limit })
    }
}

#[derive(Serialize, ToSchema)]
pub(crate) struct ChangeView {
    field: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    before: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    after: Option<String>,
}

impl From<FieldChange> for ChangeView {
    fn from(change: FieldChange) -> Self {
        Self {
            field: change.field,
            before: change.before,
            after: change.after,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub(crate) struct EntryView {
    /// RFC 3339.
    at: String,
    /// The staff member's login name.
    by: String,
    /// What they did, `snake_case` (`cards_issued`, `returning_set` …).
    action: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    learner_id: Option<String>,
    /// What else it concerns: a card code, a certificate number, an invoice, a year's part.
    #[serde(skip_serializing_if = "Option::is_none")]
    subject: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<String>,
    changes: Vec<ChangeView>,
}

impl From<AuditEntry> for EntryView {
    fn from(entry: AuditEntry) -> Self {
        Self {
            at: entry.at.to_string(),
            by: entry.by.to_string(),
            action: label(entry.action),
            learner_id: entry.learner.map(|id| id.to_string()),
            subject: entry.subject,
            reason: entry.reason,
            changes: entry.changes.into_iter().map(ChangeView::from).collect(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub(crate) struct TrailView {
    entries: Vec<EntryView>,
    /// Give it as `before` for the next (older) page; null on the last page.
    next: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub(crate) struct LearnerTrailView {
    entries: Vec<EntryView>,
}

/// The whole audit trail of staff actions, newest first, a page at a time (administrators).
#[utoipa::path(get, path = AUDIT, tag = "staff", params(TrailPage), security(("bearer" = [])),
    responses((status = 200, description = "A page of the trail", body = TrailView), (status = 401, description = "Not logged in", body = ErrorBody), (status = 403, description = "Not an administrator", body = ErrorBody), (status = 422, description = "Bad cursor (`audit.cursor`) or limit (`audit.limit`)", body = ErrorBody)))]
pub(crate) async fn trail<S: AdminStore>(
    State(state): State<AppState<S>>,
    staff: AuthStaff,
    Query(page): Query<TrailPage>,
) -> ApiResult<Json<TrailView>> {
    staff.may(StaffAction::Administer)?;
    let page = state.store.audit_trail(&page.parse()?).await?;
    Ok(Json(TrailView {
        entries: page.entries.into_iter().map(EntryView::from).collect(),
        next: page.next,
    }))
}

/// What staff did about one learner, newest first (any staff).
#[utoipa::path(get, path = LEARNER_AUDIT, tag = "staff", security(("bearer" = [])),
    params(("learner" = String, Path, description = "Learner id")),
    responses((status = 200, description = "The learner's entries", body = LearnerTrailView), (status = 401, description = "Not logged in", body = ErrorBody), (status = 403, description = "Not staff", body = ErrorBody), (status = 404, description = "Not a learner id", body = ErrorBody)))]
pub(crate) async fn learner_trail<S: AdminStore>(
    State(state): State<AppState<S>>,
    staff: AuthStaff,
    PathParam(learner): PathParam<LearnerId>,
) -> ApiResult<Json<LearnerTrailView>> {
    staff.may(StaffAction::ReadLearners)?;
    let entries = state.store.learner_audit_trail(&learner).await?;
    Ok(Json(LearnerTrailView {
        entries: entries.into_iter().map(EntryView::from).collect(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(before: Option<&str>, limit: Option<&str>) -> Result<AuditQuery, ApiError> {
        TrailPage {
            before: before.map(str::to_owned),
            limit: limit.map(str::to_owned),
        }
        .parse()
    }

    #[test]
    fn a_page_is_fifty_by_default_and_a_limit_out_of_range_is_refused() {
        assert_eq!(page(None, None).unwrap().limit, DEFAULT_LIMIT);
        assert_eq!(page(None, Some("200")).unwrap().limit, 200);
        for bad in ["0", "201", "-1", "ten"] {
            assert_eq!(page(None, Some(bad)).unwrap_err().code(), "audit.limit");
        }
    }

    #[test]
    fn a_cursor_must_be_a_sort_key() {
        let cursor = "00000001800000000000#0123456789abcdef";
        assert_eq!(
            page(Some(cursor), None).unwrap().before.as_deref(),
            Some(cursor)
        );
        assert_eq!(page(Some("x"), None).unwrap_err().code(), "audit.cursor");
    }

    #[test]
    fn a_label_is_the_snake_case_name() {
        assert_eq!(label(AuditAction::CardsIssued), "cards_issued");
        assert_eq!(label(true), "true");
    }
}
