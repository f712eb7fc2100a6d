//! Reconciliation with WeChat Pay's trade bill (R14): a day's report, and
//! staff's resolutions of its mismatches.

use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use ticedu_domain::reconciliation::{Mismatch, china_date};
use ticedu_domain::staff::StaffName;

use super::PaymentNotice;
use crate::ids::{OrderNo, TransactionId};

/// What one run over a day's bill found. A later run of the same day replaces it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReconciliationReport {
    /// The bill's day, China time.
    pub day: Date,
    pub run_at: Timestamp,
    /// Payment rows in the bill.
    pub bill_payments: u32,
    /// Refund rows in the bill.
    pub bill_refunds: u32,
    /// WeChat Pay payments we applied that day.
    pub applied_payments: u32,
    pub mismatches: Vec<Mismatch>,
}

/// Staff applied a payment the bill had and we lacked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Resolution {
    pub order: OrderNo,
    pub transaction: TransactionId,
    pub by: StaffName,
    pub at: Timestamp,
}

/// A day's report with what staff resolved of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reconciliation {
    pub report: ReconciliationReport,
    pub resolutions: Vec<Resolution>,
}

impl PaymentNotice {
    /// The bill this payment belongs in: the China date of WeChat Pay's
    /// success time, or of its arrival for a notice without one.
    pub fn bill_day(&self) -> Date {
        china_date(self.success_time.unwrap_or(self.paid_at))
    }
}
