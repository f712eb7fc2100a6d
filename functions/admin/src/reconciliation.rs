//! Reconciliation with WeChat Pay's trade bill (R14), for finance staff: a
//! day's mismatches as the daily job found them, and applying a payment the
//! bill shows and no notice brought. Applying goes through the store
//! operation a payment notice uses (`OrderStore::apply_payment`), so the
//! payment is applied once whoever brings it first; the resolution and its
//! audit entry are then written together, once.

use axum::Json;
use axum::extract::State;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use ticedu_api::auth::AuthStaff;
use ticedu_api::{ApiError, ApiJson, ApiResult, AppState, ErrorBody, FromPathSegment, PathParam};
use ticedu_domain::reconciliation::{Mismatch, may_apply};
use ticedu_domain::staff::StaffAction;
use ticedu_store::Refusal;
use ticedu_store::ids::{OrderNo, TransactionId};
use ticedu_store::records::{AuditAction, PaymentNotice, Reconciliation, Resolution};
use ticedu_store::{Outcome, StoreError};
use utoipa::ToSchema;

use crate::AdminStore;

pub const RECONCILIATION: &str = "/api/staff/reconciliations/{day}";
pub const RECONCILIATION_PAYMENTS: &str = "/api/staff/reconciliations/{day}/payments";

/// A bill's day in a path: `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct BillDay(Date);

impl FromPathSegment for BillDay {
    fn not_found() -> ApiError {
        ApiError::not_found(
            "reconciliation.day",
            "没有这一天（日期格式为 YYYY-MM-DD）。",
            "No such day (dates are YYYY-MM-DD).",
        )
    }

    fn from_segment(segment: &str) -> Option<Self> {
        (segment.len() == 10)
            .then(|| segment.parse().ok())
            .flatten()
            .map(Self)
    }
}

#[derive(Serialize, ToSchema)]
pub(crate) struct MismatchView {
    /// `missing_here` (paid there, not here), `missing_there` (paid here, not in the bill) or `amount_differs`.
    kind: &'static str,
    order_no: String,
    transaction_id: String,
    /// What the bill says was paid, in fen.
    bill_amount_fen: Option<u64>,
    /// What the order (or our applied payment) says, in fen.
    our_amount_fen: Option<u64>,
    /// When WeChat Pay says it was paid.
    traded_at: Option<String>,
    /// Once finance applied it: who and when.
    resolved_by: Option<String>,
    resolved_at: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub(crate) struct ReconciliationView {
    day: String,
    /// When the job last ran for the day; none before it has.
    run_at: Option<String>,
    bill_payments: u32,
    bill_refunds: u32,
    applied_payments: u32,
    mismatches: Vec<MismatchView>,
}

impl ReconciliationView {
    fn of(day: Date, found: Option<Reconciliation>) -> Self {
        let Some(Reconciliation {
            report,
            resolutions,
        }) = found
        else {
            return Self {
                day: day.to_string(),
                run_at: None,
                bill_payments: 0,
                bill_refunds: 0,
                applied_payments: 0,
                mismatches: Vec::new(),
            };
        };
        let mismatches = report
            .mismatches
            .into_iter()
            .map(|mismatch| {
                let resolved = resolutions.iter().find(|r| {
                    r.order.as_str() == mismatch.order
                        && r.transaction.as_str() == mismatch.transaction
                });
                MismatchView {
                    kind: mismatch.kind.as_str(),
                    order_no: mismatch.order,
                    transaction_id: mismatch.transaction,
                    bill_amount_fen: mismatch.bill_amount.map(|fen| fen.get()),
                    our_amount_fen: mismatch.our_amount.map(|fen| fen.get()),
                    traded_at: mismatch.traded_at.map(|at| at.to_string()),
                    resolved_by: resolved.map(|r| r.by.to_string()),
                    resolved_at: resolved.map(|r| r.at.to_string()),
                }
            })
            .collect();
        Self {
            day: report.day.to_string(),
            run_at: Some(report.run_at.to_string()),
            bill_payments: report.bill_payments,
            bill_refunds: report.bill_refunds,
            applied_payments: report.applied_payments,
            mismatches,
        }
    }
}

/// A day's reconciliation with WeChat Pay's trade bill: what the daily job found.
#[utoipa::path(get, path = RECONCILIATION, tag = "staff", security(("bearer" = [])),
    params(("day" = String, Path, description = "The bill's day, China time: YYYY-MM-DD")),
    responses((status = 200, description = "The day's mismatches (none and no `run_at` before the job ran)", body = ReconciliationView), (status = 403, description = "Not finance", body = ErrorBody), (status = 404, description = "Not a day", body = ErrorBody)))]
pub(crate) async fn reconciliation<S: AdminStore>(
    State(state): State<AppState<S>>,
    staff: AuthStaff,
    PathParam(BillDay(day)): PathParam<BillDay>,
) -> ApiResult<Json<ReconciliationView>> {
    staff.may(StaffAction::Finance)?;
    let found = state.store.reconciliation(day).await?;
    Ok(Json(ReconciliationView::of(day, found)))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ApplyRequest {
    order_no: String,
    /// 微信订单号, as the bill shows it.
    transaction_id: String,
    /// The bill's amount, in fen: it must be the order's.
    amount_fen: u64,
}

#[derive(Serialize, ToSchema)]
pub(crate) struct ApplyAnswer {
    /// False when the payment was applied before (by a notice or an earlier click): nothing changed.
    applied: bool,
}

/// Apply a payment the day's bill shows and no notice brought (finance).
#[utoipa::path(post, path = RECONCILIATION_PAYMENTS, tag = "staff", request_body = ApplyRequest, security(("bearer" = [])),
    params(("day" = String, Path, description = "The bill's day, China time: YYYY-MM-DD")),
    responses((status = 200, description = "Applied, or applied before", body = ApplyAnswer), (status = 403, description = "Not finance", body = ErrorBody), (status = 404, description = "Not a day, or no such order", body = ErrorBody), (status = 409, description = "Not a payment missing here in the day's report, or the amount differs from the order's", body = ErrorBody), (status = 422, description = "Malformed order or transaction id", body = ErrorBody)))]
pub(crate) async fn apply_missing_payment<S: AdminStore>(
    State(state): State<AppState<S>>,
    staff: AuthStaff,
    PathParam(BillDay(day)): PathParam<BillDay>,
    ApiJson(request): ApiJson<ApplyRequest>,
) -> ApiResult<Json<ApplyAnswer>> {
    staff.may(StaffAction::Finance)?;
    let (Ok(order_no), Ok(transaction)) = (
        OrderNo::parse(&request.order_no),
        TransactionId::parse(&request.transaction_id),
    ) else {
        return Err(malformed());
    };
    let report = state.store.reconciliation(day).await?;
    let mismatch: Option<&Mismatch> = report.as_ref().and_then(|found| {
        found.report.mismatches.iter().find(|m| {
            m.order == order_no.as_str()
                && m.transaction == transaction.as_str()
                && m.bill_amount.map(|fen| fen.get()) == Some(request.amount_fen)
        })
    });
    let order = state
        .store
        .order(&order_no)
        .await?
        .ok_or(Refusal::UnknownOrder)?;
    may_apply(mismatch, order.amount).map_err(|e| ApiError::refused(&e))?;
    let now = state.platform.clock.now();
    let notice = PaymentNotice {
        transaction: transaction.clone(),
        order: order_no.clone(),
        amount: order.amount,
        paid_at: now,
        // Dated by the bill, so that the day's next run finds it applied that day.
        success_time: mismatch.and_then(|m| m.traded_at),
    };
    let applied = match state.store.apply_payment(&order, &notice).await {
        Ok(outcome) => outcome == Outcome::Applied,
        Err(StoreError::Refused(refusal)) => return Err(refusal.into()),
        Err(error) => return Err(error.into()),
    };
    let audit = staff
        .audit(AuditAction::MissingPaymentApplied, now)
        .learner(&order.learner)
        .subject(order_no.to_string())
        .change("transaction", None, Some(transaction.to_string()))
        .change("bill_day", None, Some(day.to_string()));
    let resolution = Resolution {
        order: order_no.clone(),
        transaction,
        by: staff.name.clone(),
        at: now,
    };
    // After a crash between the two writes, a retry finds the payment applied and records the rest.
    state
        .store
        .resolve_mismatch(day, &resolution, &audit)
        .await?;
    if applied {
        tracing::info!(staff = %staff.name, order = %order_no, %day, "missing WeChat Pay payment applied from the bill");
    }
    Ok(Json(ApplyAnswer { applied }))
}

fn malformed() -> ApiError {
    ApiError::new(
        axum::http::StatusCode::UNPROCESSABLE_ENTITY,
        "reconciliation.ids",
        "订单号或微信订单号格式不正确。",
        "The order number or the WeChat Pay transaction id is malformed.",
    )
}
