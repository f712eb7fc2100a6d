//! Overdue renewals (超期换证, R20) waiting for staff, with everything the
//! notice asks the holder to submit, and staff's decision: accepting issues
//! the certificate (which opens the holder's next cycle), rejecting sends a
//! reason the holder reads.

use axum::Json;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use ticedu_api::auth::AuthStaff;
use ticedu_api::standing::{Standing, issue_certificate};
use ticedu_api::views::{ProgressView, progress_of};
use ticedu_api::{ApiError, ApiJson, ApiResult, AppState, ErrorBody, PathParam};
use ticedu_domain::certificate::IssueRefusal;
use ticedu_domain::learner::HolderDetails;
use ticedu_domain::staff::StaffAction;
use ticedu_store::Refusal;
use ticedu_store::ids::LearnerId;
use ticedu_store::records::{AuditAction, FilingKind, FilingStatus};
use utoipa::ToSchema;

use crate::AdminStore;
use crate::audit::filing_decided;
use crate::paging::{PageInfo, QueueQuery};
use crate::requests::FilingVerdict;

pub const OVERDUE_RENEWALS: &str = "/api/staff/overdue-renewals";
pub const OVERDUE_DECISION: &str = "/api/staff/overdue-renewals/{learner}/decision";

/// An overdue renewal (R20) as staff handle it: everything the notice asks
/// the holder to submit. The ID number is masked: an operator who needs it
/// asks for it (`POST /api/staff/learners/{learner}/id-number`), audited.
#[derive(Serialize, ToSchema)]
pub(crate) struct OverdueRenewal {
    learner_id: String,
    name: String,
    id_number: String,
    username: String,
    /// 原证书类别, 编号 and 到期日 as submitted.
    #[schema(value_type = Object)]
    certificate: HolderDetails,
    filed_at: String,
    /// The hours counted towards the cycle being renewed (those learned late included).
    progress: ProgressView,
}

#[derive(Serialize, ToSchema)]
pub(crate) struct OverdueRenewals {
    renewals: Vec<OverdueRenewal>,
    #[serde(flatten)]
    page: PageInfo,
}

/// Overdue renewals (超期换证, R20) waiting for staff, oldest first.
#[utoipa::path(get, path = OVERDUE_RENEWALS, tag = "staff", params(QueueQuery), security(("bearer" = [])),
    responses((status = 200, description = "Waiting", body = OverdueRenewals), (status = 403, description = "Not staff", body = ErrorBody)))]
pub(crate) async fn overdue_renewals<S: AdminStore>(
    State(state): State<AppState<S>>,
    staff: AuthStaff,
    Query(query): Query<QueueQuery>,
) -> ApiResult<Json<OverdueRenewals>> {
    staff.may(StaffAction::Operate)?;
    let page = query.parse()?;
    let waiting = state.store.overdue_renewals().await?;
    let (found, page) = page.learners(&state.store, waiting).await?;
    let mut renewals = Vec::new();
    for (learner, renewal) in found {
        let id = learner.id().clone();
        let progress = ProgressView::from(&progress_of(&learner, &state.store.marks(&id).await?));
        let registration = learner.registration;
        renewals.push(OverdueRenewal {
            learner_id: id.to_string(),
            name: registration.name.to_string(),
            // Masked like everywhere else: the full number is one audited request away.
            id_number: registration.id_number.masked(),
            username: registration.username.to_string(),
            certificate: renewal.details,
            filed_at: renewal.filed_at.to_string(),
            progress,
        });
    }
    Ok(Json(OverdueRenewals { renewals, page }))
}

/// The certificate staff issue when accepting an overdue renewal.
#[derive(Serialize, ToSchema)]
pub(crate) struct Renewed {
    certificate_no: String,
    #[schema(value_type = String, format = Date)]
    valid_until: jiff::civil::Date,
}

/// Accept an overdue renewal (R20), which issues its certificate and opens the holder's next cycle, or reject it with a reason the holder reads.
#[utoipa::path(post, path = OVERDUE_DECISION, tag = "staff", request_body = FilingVerdict, security(("bearer" = [])),
    params(("learner" = String, Path, description = "Learner id")),
    responses(
        (status = 201, description = "Accepted: the certificate is issued", body = Renewed),
        (status = 204, description = "Rejected"),
        (status = 403, description = "Not staff", body = ErrorBody),
        (status = 404, description = "No such learner", body = ErrorBody),
        (status = 409, description = "No overdue renewal waits: none filed, or decided already", body = ErrorBody),
        (status = 422, description = "A rejection without a reason, or the cycle's hours are not complete", body = ErrorBody),
    ))]
pub(crate) async fn decide_overdue_renewal<S: AdminStore>(
    State(state): State<AppState<S>>,
    staff: AuthStaff,
    PathParam(learner): PathParam<LearnerId>,
    ApiJson(verdict): ApiJson<FilingVerdict>,
) -> ApiResult<Response> {
    staff.may(StaffAction::Operate)?;
    let today = state.platform.clock.today();
    let (approve, decision) = verdict.decision(staff.name.as_str(), state.platform.clock.now())?;
    let stored = state
        .store
        .learner(&learner)
        .await?
        .ok_or_else(|| ApiError::from(Refusal::UnknownLearner))?;
    let standing = Standing::of(&state.store, stored).await?;
    let waiting = standing
        .renewal
        .as_ref()
        .is_some_and(|renewal| renewal.overdue && renewal.status == FilingStatus::Filed);
    if !waiting {
        return Err(Refusal::FilingDecided.into());
    }
    let audit = filing_decided(
        &staff,
        AuditAction::OverdueRenewalDecided,
        &learner,
        approve,
        &decision,
    );
    if !approve {
        state
            .store
            .decide_filing(
                &learner,
                FilingKind::Renewal,
                standing.learner.cycle,
                false,
                &decision,
                &audit,
            )
            .await?;
        tracing::info!(staff = %staff.name, %learner, "overdue renewal rejected");
        return Ok(StatusCode::NO_CONTENT.into_response());
    }
    if !standing.progress.is_complete() {
        let refusal = IssueRefusal::Incomplete {
            remaining_hours: standing.progress.remaining_hours(),
            expired_on: standing.cycle.renews,
        };
        return Err(ApiError::refused(&refusal));
    }
    let certificate =
        issue_certificate(&state.store, &standing, today, Some((decision, audit))).await?;
    tracing::info!(staff = %staff.name, %learner, certificate = %certificate.no, "overdue renewal accepted");
    let renewed = Renewed {
        certificate_no: certificate.no.to_string(),
        valid_until: certificate.valid_until,
    };
    Ok((StatusCode::CREATED, Json(renewed)).into_response())
}
