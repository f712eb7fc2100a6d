//! Importing the association's register of certificates issued before the
//! platform (R21: they can then be verified) and so of its holders' earlier
//! renewals (R12: they register as returning learners).
//!
//! The file is judged by `ticedu_domain::import`; each good row is one store
//! transaction, so a report says which rows went in and which did not, and a
//! file imported again changes nothing.

use std::sync::Arc;

use axum::Json;
use axum::extract::{DefaultBodyLimit, State};
use axum::routing::MethodRouter;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use ticedu_api::auth::AuthStaff;
use ticedu_api::{ApiError, ApiJson, ApiResult, AppState, ErrorBody};
use ticedu_domain::Rejection;
use ticedu_domain::identity::{AccountKey, AccountKeySecret};
use ticedu_domain::import::{Column, ImportFile, PriorCertificate, RowIssue, RowRejection};
use ticedu_domain::staff::{StaffAction, StaffName};
use ticedu_store::records::{AuditAction, AuditEntry, Certificate};
use ticedu_store::{Outcome, Refusal};
use tokio::task::JoinSet;
use utoipa::ToSchema;

use crate::AdminStore;

pub const IMPORTS: &str = "/api/staff/imports";

/// A register of 2,000 rows is about 300 KB of CSV (more with long Chinese
/// names of authorities), far above the 16 KB other requests may carry.
pub(crate) const IMPORT_BODY_LIMIT: usize = 2 * 1024 * 1024;

/// Rows written at once: each is one transaction, and the rows of one file
/// may race (the store's conditions decide); eight keep a full file well
/// within the HTTP API's 30 seconds on DynamoDB.
const ROWS_IN_FLIGHT: usize = 8;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ImportRequest {
    /// UTF-8 CSV, header row first, at most 2,000 rows. Columns: name,
    /// id_number, category (holder | new | titled), certificate_kind
    /// (level_examination | qualification) and original_certificate_no for
    /// holders, learning_started_on for new learners, title_kind,
    /// issuing_authority and title_certificate_no for titled ones,
    /// certificate_no, cycle_start, cycle_end, hours, issued_on, valid_until,
    /// status (valid | revoked, empty for valid). Chinese headers (姓名,
    /// 身份证号码, 证书编号 …) are read too.
    csv: String,
}

/// A row that was not imported. It never repeats the row's content.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct RejectedRow {
    /// The file's line (the header is line 1).
    line: u64,
    /// The column at fault, when one is.
    column: Option<&'static str>,
    code: &'static str,
    message: String,
    message_en: String,
}

#[derive(Debug, Default, Serialize, ToSchema)]
pub(crate) struct ImportReport {
    /// Certificates stored now.
    imported: usize,
    /// Rows already imported before, exactly as they are now.
    unchanged: usize,
    /// By line.
    rejected: Vec<RejectedRow>,
}

impl ImportReport {
    fn count(&mut self, line: u64, outcome: Result<Outcome, RowRejection>) {
        match outcome {
            Ok(Outcome::Applied) => self.imported += 1,
            Ok(Outcome::AlreadyApplied) => self.unchanged += 1,
            Err(rejection) => self.rejected.push(RejectedRow {
                line,
                column: rejection.column.map(Column::name),
                code: rejection.code(),
                message: rejection.message_zh().into_owned(),
                message_en: rejection.message_en().into_owned(),
            }),
        }
    }
}

/// Import the association's register of earlier certificates (R12, R21).
///
/// Rows are judged and written one by one: good rows are imported even when
/// others are refused, and the same row imported again is counted unchanged.
/// Should the store fail midway (503), the rows written so far stay, and
/// importing the file again completes it.
#[utoipa::path(post, path = IMPORTS, tag = "staff", request_body = ImportRequest, security(("bearer" = [])),
    responses(
        (status = 200, description = "What was imported, unchanged and refused, by line", body = ImportReport),
        (status = 400, description = "Malformed body", body = ErrorBody),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 403, description = "Not staff", body = ErrorBody),
        (status = 413, description = "Body too large", body = ErrorBody),
        (status = 422, description = "The file cannot be imported at all: no header, an unknown or missing column, no rows or more than 2,000", body = ErrorBody),
    ))]
pub(crate) async fn import<S: AdminStore>(
    State(state): State<AppState<S>>,
    staff: AuthStaff,
    ApiJson(request): ApiJson<ImportRequest>,
) -> ApiResult<Json<ImportReport>> {
    staff.may(StaffAction::Administer)?;
    let platform = Arc::clone(&state.platform);
    // Asked once, before any row is written.
    platform.account_secret()?;
    let file = ImportFile::parse(&request.csv, platform.clock.today())
        .map_err(|error| ApiError::invalid(&error))?;
    let (rows, now) = (file.rows.len(), platform.clock.now());
    let mut report = ImportReport::default();
    let mut writing = JoinSet::new();
    for row in file.rows {
        let prior = match row.certificate {
            Ok(prior) => prior,
            Err(rejection) => {
                report.count(row.line, Err(rejection));
                continue;
            }
        };
        if writing.len() == ROWS_IN_FLIGHT {
            let (line, outcome) = joined(writing.join_next().await)?;
            report.count(line, outcome);
        }
        let (store, platform) = (state.store.clone(), Arc::clone(&platform));
        let by = staff.name.clone();
        writing.spawn(async move {
            let outcome = match platform.account_secret() {
                Ok(secret) => import_row(&store, secret, &by, prior, now).await,
                Err(error) => Err(error),
            };
            (row.line, outcome)
        });
    }
    while let Some(done) = writing.join_next().await {
        let (line, outcome) = joined(Some(done))?;
        report.count(line, outcome);
    }
    report.rejected.sort_by_key(|rejected| rejected.line);
    tracing::info!(
        staff = %staff.name,
        rows,
        imported = report.imported,
        unchanged = report.unchanged,
        rejected = report.rejected.len(),
        "certificates imported"
    );
    Ok(Json(report))
}

type RowOutcome = ApiResult<Result<Outcome, RowRejection>>;

/// A finished row's line and outcome; a row whose task failed fails the request.
fn joined(
    done: Option<Result<(u64, RowOutcome), tokio::task::JoinError>>,
) -> ApiResult<(u64, Result<Outcome, RowRejection>)> {
    match done {
        Some(Ok((line, outcome))) => Ok((line, outcome?)),
        Some(Err(error)) => {
            tracing::error!(%error, "an import row's task failed");
            Err(ApiError::unavailable())
        }
        None => Err(ApiError::unavailable()),
    }
}

/// Stores one row's certificate: the store's refusal of its number is the
/// row's, any other failure the request's.
async fn import_row<S: AdminStore>(
    store: &S,
    secret: &AccountKeySecret,
    by: &StaffName,
    prior: PriorCertificate,
    now: Timestamp,
) -> RowOutcome {
    let taken = |issue: RowIssue| Ok(Err(RowRejection::of(Some(Column::CertificateNo), &issue)));
    let account = AccountKey::of(&prior.id_number, secret);
    let Ok(certificate) = Certificate::imported(&account, prior.data, prior.revoked.then_some(now))
    else {
        return taken(RowIssue::CertificateNumber);
    };
    // One entry per certificate, about whoever it is stored under (the store
    // sets the learner); the ID number stays out, as in the key.
    let audit = AuditEntry::new(by, AuditAction::CertificateImported, now)
        .subject(certificate.no.to_string());
    match store
        .import_certificate(&account, &certificate, &audit)
        .await
    {
        Ok(outcome) => Ok(Ok(outcome)),
        Err(error) if error.refusal() == Some(&Refusal::CertificateExists) => {
            taken(RowIssue::NumberTaken)
        }
        Err(error) => Err(error.into()),
    }
}

/// The import's route takes a larger body than the platform's other routes.
pub(crate) fn with_body_limit<S: Clone + Send + Sync + 'static>(
    router: MethodRouter<S>,
) -> MethodRouter<S> {
    router.layer(DefaultBodyLimit::max(IMPORT_BODY_LIMIT))
}
