//! New learners' certificate applications (新学员证书申请, R19): the notice
//! has the association review them before a certificate is issued. Staff
//! see the form and the hours, and approve or reject with a reason the
//! learner reads; an approved learner then collects the certificate.

use axum::Json;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use serde::Serialize;
use ticedu_api::auth::AuthStaff;
use ticedu_api::views::{ProgressView, progress_of};
use ticedu_api::{ApiError, ApiJson, ApiResult, AppState, ErrorBody, PathParam};
use ticedu_domain::certificate::ApplicationForm;
use ticedu_domain::staff::StaffAction;
use ticedu_store::Refusal;
use ticedu_store::ids::LearnerId;
use ticedu_store::records::{AuditAction, FilingKind};
use utoipa::ToSchema;

use crate::AdminStore;
use crate::audit::filing_decided;
use crate::paging::{PageInfo, QueueQuery};
use crate::requests::FilingVerdict;

pub const APPLICATIONS: &str = "/api/staff/applications";
pub const APPLICATION_DECISION: &str = "/api/staff/applications/{learner}/decision";

/// A waiting application with what staff check: the form and the hours.
#[derive(Serialize, ToSchema)]
pub(crate) struct PendingApplication {
    learner_id: String,
    name: String,
    cycle: u32,
    #[schema(value_type = String, format = Date)]
    learning_started_on: jiff::civil::Date,
    /// The application form's fields (none on applications filed before the form).
    #[schema(value_type = Object)]
    form: Option<ApplicationForm>,
    note: String,
    filed_at: String,
    progress: ProgressView,
}

#[derive(Serialize, ToSchema)]
pub(crate) struct PendingApplications {
    applications: Vec<PendingApplication>,
    #[serde(flatten)]
    page: PageInfo,
}

/// New learners' certificate applications (R19) waiting for staff, oldest first.
#[utoipa::path(get, path = APPLICATIONS, tag = "staff", params(QueueQuery), security(("bearer" = [])),
    responses((status = 200, description = "Waiting", body = PendingApplications), (status = 403, description = "Not staff", body = ErrorBody)))]
pub(crate) async fn pending_applications<S: AdminStore>(
    State(state): State<AppState<S>>,
    staff: AuthStaff,
    Query(query): Query<QueueQuery>,
) -> ApiResult<Json<PendingApplications>> {
    staff.may(StaffAction::Operate)?;
    let page = query.parse()?;
    let waiting = state.store.pending_applications().await?;
    let (found, page) = page.learners(&state.store, waiting).await?;
    let mut applications = Vec::new();
    for (learner, application) in found {
        let id = learner.id().clone();
        let marks = state.store.marks(&id).await?;
        applications.push(PendingApplication {
            learner_id: id.to_string(),
            name: learner.registration.name.to_string(),
            cycle: application.cycle.get(),
            learning_started_on: application.learning_started_on,
            form: application.form,
            note: application.note,
            filed_at: application.filed_at.to_string(),
            progress: ProgressView::from(&progress_of(&learner, &marks)),
        });
    }
    Ok(Json(PendingApplications { applications, page }))
}

/// Approve or reject (with a reason) a new learner's waiting application (R19).
#[utoipa::path(post, path = APPLICATION_DECISION, tag = "staff", request_body = FilingVerdict, security(("bearer" = [])),
    params(("learner" = String, Path, description = "Learner id")),
    responses(
        (status = 204, description = "Recorded (the same verdict again changes nothing)"),
        (status = 403, description = "Not staff", body = ErrorBody),
        (status = 404, description = "No such learner", body = ErrorBody),
        (status = 409, description = "No application waits: none filed, or decided the other way", body = ErrorBody),
        (status = 422, description = "A rejection without a reason", body = ErrorBody),
    ))]
pub(crate) async fn decide_application<S: AdminStore>(
    State(state): State<AppState<S>>,
    staff: AuthStaff,
    PathParam(learner): PathParam<LearnerId>,
    ApiJson(verdict): ApiJson<FilingVerdict>,
) -> ApiResult<StatusCode> {
    staff.may(StaffAction::Operate)?;
    let (approve, decision) = verdict.decision(staff.name.as_str(), state.platform.clock.now())?;
    let stored = state
        .store
        .learner(&learner)
        .await?
        .ok_or_else(|| ApiError::from(Refusal::UnknownLearner))?;
    let audit = filing_decided(
        &staff,
        AuditAction::ApplicationDecided,
        &learner,
        approve,
        &decision,
    )
    .subject(format!("cycle {}", stored.cycle));
    // The same verdict again (a double click, a retry) is the one already given.
    state
        .store
        .decide_filing(
            &learner,
            FilingKind::Application,
            stored.cycle,
            approve,
            &decision,
            &audit,
        )
        .await?;
    tracing::info!(staff = %staff.name, %learner, approve, "application decided");
    Ok(StatusCode::NO_CONTENT)
}
