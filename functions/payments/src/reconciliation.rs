//! Reconciling a day of WeChat Pay's trade bill with our orders (R14): the
//! daily job. It runs where WeChat Pay's keys are, in this function: a
//! scheduled event (EventBridge Scheduler, `infra/template.yaml`) reaches
//! the same binary as its HTTP requests (see [`scheduled_routes`]); the local
//! platform runs it by command. It gathers the bill, the state of every
//! order the bill names and the payments we applied that day, asks the
//! domain for the mismatches, and saves the day's report for finance staff.

use jiff::Timestamp;
use jiff::civil::Date;
use serde::Serialize;
use std::collections::HashMap;
use ticedu_domain::money::Fen;
use ticedu_domain::reconciliation::{AppliedPayment, BillTrade, OrderState, reconcile};
use ticedu_store::ids::OrderNo;
use ticedu_store::records::{OrderStatus, ReconciliationReport};
use ticedu_store::{OrderStore, ReconciliationStore, StoreError};
use ticedu_wechatpay::bill::{TradeBill, TradeState};

use crate::wechat::WeChatPay;
use crate::wechat::bill::BillDownloadError;

#[derive(Debug, thiserror::Error)]
pub enum ReconcileError {
    #[error("WeChat Pay is not configured")]
    NotConfigured,
    #[error(transparent)]
    Bill(#[from] BillDownloadError),
    #[error("store: {0}")]
    Store(#[from] StoreError),
    #[error("no randomness for the request nonce")]
    Randomness,
}

/// Reconciles `day` (China time) and saves its report, replacing an earlier run's.
pub async fn reconcile_day<S: OrderStore + ReconciliationStore>(
    store: &S,
    wechat: &WeChatPay,
    day: Date,
    now: Timestamp,
) -> Result<ReconciliationReport, ReconcileError> {
    let nonce = ticedu_api::ids::random_hex(16)
        .map_err(|_| ReconcileError::Randomness)?
        .to_ascii_uppercase();
    let bill = wechat.trade_bill(day, now.as_second(), &nonce).await?;
    let report = report_of(store, &bill, day, now).await?;
    store.save_reconciliation(&report).await?;
    if report.mismatches.is_empty() {
        tracing::info!(%day, payments = report.bill_payments, "WeChat Pay reconciliation: the bill and the orders agree");
    } else {
        tracing::warn!(%day, mismatches = report.mismatches.len(), "WeChat Pay reconciliation found mismatches");
    }
    Ok(report)
}

/// What the bill and our side say of `day`, compared.
async fn report_of<S: OrderStore + ReconciliationStore>(
    store: &S,
    bill: &TradeBill,
    day: Date,
    now: Timestamp,
) -> Result<ReconciliationReport, StoreError> {
    let trades: Vec<BillTrade> = bill
        .payments()
        .map(|row| BillTrade {
            order: row.out_trade_no.clone(),
            transaction: row.transaction_id.clone(),
            amount: Fen::new(row.order_fen),
            // The bill's times are China time.
            traded_at: jiff::tz::offset(8)
                .to_timestamp(row.traded_at)
                .unwrap_or(now),
        })
        .collect();
    let mut orders = HashMap::new();
    for trade in &trades {
        if orders.contains_key(&trade.order) {
            continue;
        }
        let stored = match OrderNo::parse(&trade.order) {
            Ok(no) => store.order(&no).await?,
            Err(_) => None,
        };
        let state = match stored {
            None => OrderState::Unknown,
            Some(order) => match &order.status {
                OrderStatus::Paid { transaction, .. } => OrderState::Paid {
                    amount: order.amount,
                    transaction: transaction.as_ref().map(ToString::to_string),
                },
                // Pending, closed, or any state but paid.
                _ => OrderState::Unpaid {
                    amount: order.amount,
                },
            },
        };
        orders.insert(trade.order.clone(), state);
    }
    let applied: Vec<AppliedPayment> = store
        .payments_on(day)
        .await?
        .into_iter()
        .map(|notice| AppliedPayment {
            order: notice.order.to_string(),
            transaction: notice.transaction.to_string(),
            amount: notice.amount,
        })
        .collect();
    let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    Ok(ReconciliationReport {
        day,
        run_at: now,
        bill_payments: count(trades.len()),
        bill_refunds: count(
            bill.rows
                .iter()
                .filter(|row| row.state == TradeState::Refund)
                .count(),
        ),
        applied_payments: count(applied.len()),
        mismatches: reconcile(&trades, &orders, &applied),
    })
}

pub const RECONCILE_JOB: &str = "reconcile_wechat_pay";

/// What a run answers (and logs).
#[derive(Debug, Serialize)]
pub struct RunSummary {
    pub day: Date,
    pub bill_payments: u32,
    pub applied_payments: u32,
    pub mismatches: usize,
}

impl From<&ReconciliationReport> for RunSummary {
    fn from(report: &ReconciliationReport) -> Self {
        Self {
            day: report.day,
            bill_payments: report.bill_payments,
            applied_payments: report.applied_payments,
            mismatches: report.mismatches.len(),
        }
    }
}

/// One run, as the schedule and the local platform start it; failures are logged.
pub async fn run<S: OrderStore + ReconciliationStore>(
    store: &S,
    wechat: Option<&WeChatPay>,
    day: Date,
    now: Timestamp,
) -> Result<RunSummary, ReconcileError> {
    let result = match wechat {
        Some(wechat) => reconcile_day(store, wechat, day, now).await,
        None => Err(ReconcileError::NotConfigured),
    };
    match result {
        Ok(report) => Ok(RunSummary::from(&report)),
        Err(error) => {
            tracing::error!(%day, %error, "WeChat Pay reconciliation failed");
            Err(error)
        }
    }
}
