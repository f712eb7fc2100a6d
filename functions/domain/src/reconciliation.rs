//! Reconciling a day of WeChat Pay's trade bill with our orders (R14): what
//! WeChat Pay collected and what we applied must be the same payments, of
//! the same amounts. Pure: the caller gathers the bill's payments, the state
//! of each order they name, and the payments we applied that day.
//!
//! "That day" is WeChat Pay's: the bill dates a payment by its success time
//! (China time) and we index an applied payment by the same time, taken from
//! the transaction, not by when its notice arrived. A payment at 23:59:58
//! whose notice comes at 00:00:03 is the same day's on both sides.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::money::Fen;
use crate::rejection::{Rejection, RejectionKind, display_as_rejection};

/// The China date of an instant: the day whose bill lists a payment made then.
pub fn china_date(at: Timestamp) -> Date {
    jiff::tz::offset(8).to_datetime(at).date()
}

/// The day a daily run reconciles: yesterday in China, the last bill WeChat Pay made.
pub fn day_to_reconcile(now: Timestamp) -> Date {
    china_date(now).yesterday().unwrap_or(Date::MIN)
}

/// A payment row of the bill (交易状态 SUCCESS).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BillTrade {
    /// 商户订单号.
    pub order: String,
    /// 微信订单号.
    pub transaction: String,
    /// 订单金额: what the payer was charged for the order, as a notice's `amount.total`.
    pub amount: Fen,
    /// 交易时间: when WeChat Pay says it was paid.
    pub traded_at: Timestamp,
}

/// What we know of an order a bill row names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OrderState {
    /// No such order here.
    Unknown,
    /// Not paid here: waiting, closed, or anything but paid.
    Unpaid { amount: Fen },
    /// Paid here, by this WeChat Pay transaction if any.
    Paid {
        amount: Fen,
        transaction: Option<String>,
    },
}

/// A WeChat Pay payment we applied, dated on the reconciled day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppliedPayment {
    pub order: String,
    pub transaction: String,
    pub amount: Fen,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MismatchKind {
    /// Paid there, not here (a lost notice, or an order paid by another transaction).
    MissingHere,
    /// Paid here by a notice, absent from the bill.
    MissingThere,
    /// Both sides have it, or the order, with different amounts.
    AmountDiffers,
}

impl MismatchKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::MissingHere => "missing_here",
            Self::MissingThere => "missing_there",
            Self::AmountDiffers => "amount_differs",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mismatch {
    pub kind: MismatchKind,
    pub order: String,
    pub transaction: String,
    /// What the bill says was paid; none when the bill lacks the payment.
    pub bill_amount: Option<Fen>,
    /// What the order (or our applied payment) says; none when the order is unknown.
    pub our_amount: Option<Fen>,
    /// When the bill says it was paid; none when the bill lacks the payment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub traded_at: Option<Timestamp>,
}

/// Every disagreement between a day's bill payments and our side, by order number.
pub fn reconcile(
    bill: &[BillTrade],
    orders: &HashMap<String, OrderState>,
    applied: &[AppliedPayment],
) -> Vec<Mismatch> {
    let mut mismatches = Vec::new();
    for trade in bill {
        let mismatch = |kind, our_amount| Mismatch {
            kind,
            order: trade.order.clone(),
            transaction: trade.transaction.clone(),
            bill_amount: Some(trade.amount),
            our_amount,
            traded_at: Some(trade.traded_at),
        };
        match orders.get(&trade.order).unwrap_or(&OrderState::Unknown) {
            OrderState::Unknown => mismatches.push(mismatch(MismatchKind::MissingHere, None)),
            OrderState::Unpaid { amount } if *amount != trade.amount => {
                mismatches.push(mismatch(MismatchKind::AmountDiffers, Some(*amount)));
            }
            OrderState::Unpaid { amount } => {
                mismatches.push(mismatch(MismatchKind::MissingHere, Some(*amount)));
            }
            OrderState::Paid {
                amount,
                transaction: Some(transaction),
            } if *transaction == trade.transaction => {
                if *amount != trade.amount {
                    mismatches.push(mismatch(MismatchKind::AmountDiffers, Some(*amount)));
                }
            }
            // Paid here by other money: this payment is still unaccounted for.
            OrderState::Paid { amount, .. } => {
                mismatches.push(mismatch(MismatchKind::MissingHere, Some(*amount)));
            }
        }
    }
    let billed: HashSet<&str> = bill.iter().map(|t| t.transaction.as_str()).collect();
    for payment in applied {
        if !billed.contains(payment.transaction.as_str()) {
            mismatches.push(Mismatch {
                kind: MismatchKind::MissingThere,
                order: payment.order.clone(),
                transaction: payment.transaction.clone(),
                bill_amount: None,
                our_amount: Some(payment.amount),
                traded_at: None,
            });
        }
    }
    mismatches.sort_by(|a, b| (&a.order, &a.transaction).cmp(&(&b.order, &b.transaction)));
    mismatches
}

/// Staff apply a payment the bill shows and we lack: only a `MissingHere`
/// of the day's report, and only for the order's whole amount (the bill's
/// amount must be the order's, as a notice's must).
pub fn may_apply(
    mismatch: Option<&Mismatch>,
    order_amount: Fen,
) -> Result<(), ReconciliationRejection> {
    let mismatch = mismatch.ok_or(ReconciliationRejection::NotInReport)?;
    if mismatch.bill_amount != Some(order_amount) || mismatch.kind == MismatchKind::AmountDiffers {
        return Err(ReconciliationRejection::AmountDiffers);
    }
    if mismatch.kind != MismatchKind::MissingHere {
        return Err(ReconciliationRejection::NotMissingHere);
    }
    Ok(())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ReconciliationRejection {
    /// The day's report has no such payment.
    NotInReport,
    /// The bill's amount is not the order's.
    AmountDiffers,
    /// Only a payment missing here is applied.
    NotMissingHere,
}

display_as_rejection!(ReconciliationRejection);

impl Rejection for ReconciliationRejection {
    /// Each refusal is about the state of the day's report or the order: 409.
    fn kind(&self) -> RejectionKind {
        RejectionKind::Conflict
    }

    fn code(&self) -> &'static str {
        match self {
            Self::NotInReport => "reconciliation.not_in_report",
            Self::AmountDiffers => "reconciliation.amount_differs",
            Self::NotMissingHere => "reconciliation.not_missing_here",
        }
    }

    fn message_zh(&self) -> Cow<'static, str> {
        match self {
            Self::NotInReport => "当日对账结果中没有这笔支付，请先对账。".into(),
            Self::AmountDiffers => "账单金额与订单金额不一致，不能补记。".into(),
            Self::NotMissingHere => "只能补记微信有、本平台没有的支付。".into(),
        }
    }

    fn message_en(&self) -> Cow<'static, str> {
        match self {
            Self::NotInReport => {
                "The day's reconciliation has no such payment: reconcile first.".into()
            }
            Self::AmountDiffers => {
                "The bill's amount differs from the order's: it cannot be applied.".into()
            }
            Self::NotMissingHere => {
                "Only a payment WeChat Pay has and the platform lacks is applied.".into()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trade(order: &str, transaction: &str, fen: u64) -> BillTrade {
        BillTrade {
            order: order.to_owned(),
            transaction: transaction.to_owned(),
            amount: Fen::new(fen),
            traded_at: Timestamp::UNIX_EPOCH,
        }
    }

    fn paid(fen: u64, transaction: &str) -> OrderState {
        OrderState::Paid {
            amount: Fen::new(fen),
            transaction: Some(transaction.to_owned()),
        }
    }

    fn applied(order: &str, transaction: &str, fen: u64) -> AppliedPayment {
        AppliedPayment {
            order: order.to_owned(),
            transaction: transaction.to_owned(),
            amount: Fen::new(fen),
        }
    }

    fn kinds(mismatches: &[Mismatch]) -> Vec<(&str, MismatchKind)> {
        mismatches
            .iter()
            .map(|m| (m.order.as_str(), m.kind))
            .collect()
    }

    #[test]
    fn a_day_where_both_sides_agree_has_no_mismatch() {
        let orders = HashMap::from([("A".to_owned(), paid(600, "T1"))]);
        let mismatches = reconcile(
            &[trade("A", "T1", 600)],
            &orders,
            &[applied("A", "T1", 600)],
        );
        assert_eq!(mismatches, []);
    }

    #[test]
    fn a_payment_there_that_is_pending_closed_or_unknown_here_is_missing_here() {
        let orders = HashMap::from([(
            "A".to_owned(),
            OrderState::Unpaid {
                amount: Fen::new(600),
            },
        )]);
        let mismatches = reconcile(
            &[trade("A", "T1", 600), trade("B", "T2", 100)],
            &orders,
            &[],
        );
        assert_eq!(
            kinds(&mismatches),
            [
                ("A", MismatchKind::MissingHere),
                ("B", MismatchKind::MissingHere)
            ]
        );
        assert_eq!(mismatches[0].bill_amount, Some(Fen::new(600)));
        assert_eq!(mismatches[0].our_amount, Some(Fen::new(600)));
        assert_eq!(mismatches[1].our_amount, None, "no such order here");
    }

    #[test]
    fn an_order_paid_here_by_another_transaction_leaves_the_bills_payment_missing_here() {
        let orders = HashMap::from([("A".to_owned(), paid(600, "T0"))]);
        let mismatches = reconcile(&[trade("A", "T1", 600)], &orders, &[]);
        assert_eq!(kinds(&mismatches), [("A", MismatchKind::MissingHere)]);
    }

    #[test]
    fn a_payment_applied_here_and_absent_from_the_bill_is_missing_there() {
        let orders = HashMap::new();
        let mismatches = reconcile(&[], &orders, &[applied("A", "T1", 600)]);
        assert_eq!(kinds(&mismatches), [("A", MismatchKind::MissingThere)]);
        assert_eq!(mismatches[0].bill_amount, None);
    }

    #[test]
    fn amounts_that_differ_are_reported_paid_or_not() {
        let orders = HashMap::from([
            ("A".to_owned(), paid(600, "T1")),
            (
                "B".to_owned(),
                OrderState::Unpaid {
                    amount: Fen::new(600),
                },
            ),
        ]);
        let mismatches = reconcile(
            &[trade("A", "T1", 599), trade("B", "T2", 1)],
            &orders,
            &[applied("A", "T1", 600)],
        );
        assert_eq!(
            kinds(&mismatches),
            [
                ("A", MismatchKind::AmountDiffers),
                ("B", MismatchKind::AmountDiffers)
            ]
        );
    }

    #[test]
    fn a_payment_at_23_59_58_noticed_after_midnight_is_that_days_on_both_sides() {
        // The applied payment is dated by WeChat Pay's success time, so it is
        // among the day's applied payments though its notice came the next day.
        let success: Timestamp = "2026-12-01T23:59:58+08:00".parse().unwrap();
        let noticed: Timestamp = "2026-12-02T00:00:03+08:00".parse().unwrap();
        assert_eq!(china_date(success), jiff::civil::date(2026, 12, 1));
        assert_eq!(china_date(noticed), jiff::civil::date(2026, 12, 2));
        let orders = HashMap::from([("A".to_owned(), paid(600, "T1"))]);
        assert_eq!(
            reconcile(
                &[trade("A", "T1", 600)],
                &orders,
                &[applied("A", "T1", 600)]
            ),
            []
        );
    }

    #[test]
    fn the_daily_run_takes_yesterday_in_china() {
        let at: Timestamp = "2026-12-02T02:00:00Z".parse().unwrap(); // 10:00 in China
        assert_eq!(day_to_reconcile(at), jiff::civil::date(2026, 12, 1));
        let late: Timestamp = "2026-12-01T16:30:00Z".parse().unwrap(); // 00:30 on the 2nd
        assert_eq!(day_to_reconcile(late), jiff::civil::date(2026, 12, 1));
    }

    #[test]
    fn only_a_payment_missing_here_of_the_orders_amount_is_applied() {
        let missing = Mismatch {
            kind: MismatchKind::MissingHere,
            order: "A".to_owned(),
            transaction: "T1".to_owned(),
            bill_amount: Some(Fen::new(600)),
            our_amount: Some(Fen::new(600)),
            traded_at: None,
        };
        assert_eq!(may_apply(Some(&missing), Fen::new(600)), Ok(()));
        assert_eq!(
            may_apply(Some(&missing), Fen::new(601)).unwrap_err().code(),
            "reconciliation.amount_differs"
        );
        let differs = Mismatch {
            kind: MismatchKind::AmountDiffers,
            ..missing.clone()
        };
        assert_eq!(
            may_apply(Some(&differs), Fen::new(600)),
            Err(ReconciliationRejection::AmountDiffers)
        );
        let there = Mismatch {
            kind: MismatchKind::MissingThere,
            ..missing
        };
        assert_eq!(
            may_apply(Some(&there), Fen::new(600)),
            Err(ReconciliationRejection::NotMissingHere)
        );
        assert_eq!(
            may_apply(None, Fen::new(600)).unwrap_err().code(),
            "reconciliation.not_in_report"
        );
    }
}
