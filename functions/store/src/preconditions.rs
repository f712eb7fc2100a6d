//! The rules both adapters check, written once so that both refuse the same
//! writes with the same [`Refusal`]. The embedded store calls them on what it
//! read inside its transaction; the DynamoDB store states the same rules as
//! conditions and calls them to explain a condition that failed.

use std::num::TryFromIntError;

use jiff::Timestamp;
use ticedu_domain::catalogue::HourId;
use ticedu_domain::cycle::CycleNumber;
use ticedu_domain::learner::{LearnerCategory, TitleCheck};
use ticedu_domain::money::Fen;
use ticedu_domain::requirement::LearnedHour;

use crate::ids::{CertificateNo, LearnerId};
use crate::records::*;
use crate::{MAX_CARDS_PER_BATCH, MAX_HOURS_PER_ORDER, MAX_ORDERS_PER_INVOICE, Outcome, Refusal};

fn has_duplicates(hours: &[HourId]) -> bool {
    hours
        .iter()
        .enumerate()
        .any(|(i, hour)| hours[..i].contains(hour))
}

fn at_most(count: usize, limit: usize) -> Result<(), Refusal> {
    if count > limit {
        Err(Refusal::TooLarge)
    } else {
        Ok(())
    }
}

/// Refused with [`Refusal::TooLarge`] beyond [`MAX_CARDS_PER_BATCH`].
pub fn check_card_batch(cards: &[StudyCard]) -> Result<(), Refusal> {
    at_most(cards.len(), MAX_CARDS_PER_BATCH)
}

impl Learner {
    /// An account as registration stores it: nothing bought or marked yet,
    /// and a titled learner's details queued for staff's check (R18).
    pub fn registered(registration: NewLearner) -> Self {
        let title_check = (registration.kind.category() == LearnerCategory::Titled)
            .then_some(TitleCheck::Pending);
        // R12: an account under the id an import prepared is a returning learner's.
        let returning = registration.prepared_by_import();
        Self {
            registration,
            balance: Fen::ZERO,
            marked_hours: 0,
            returning,
            title_check,
            cycle: CycleNumber::FIRST,
            certified_until: None,
            wechat_openid: None,
        }
    }
}

impl NewLearner {
    /// Whether this account takes the id an import of the person's earlier
    /// certificates prepared ([`LearnerId::of_account`]); a random id never
    /// equals it.
    pub fn prepared_by_import(&self) -> bool {
        self.id == LearnerId::of_account(&self.account_key)
    }

    /// The registration may be written only if the person's prior record
    /// (R12) exists exactly when the id says an import prepared it.
    pub fn check_prior_record(&self, exists: bool) -> Result<(), Refusal> {
        if exists == self.prepared_by_import() {
            Ok(())
        } else {
            Err(Refusal::PriorRecordChanged)
        }
    }
}

impl PriorRecord {
    /// The record with `no` noted, once.
    pub fn noting(mut self, no: &CertificateNo) -> Self {
        if !self.certificates.contains(no) {
            self.certificates.push(no.clone());
        }
        self
    }
}

impl StudyCard {
    /// Staff may withdraw a card only while it can still be redeemed.
    pub fn check_voidable(&self) -> Result<(), Refusal> {
        if self.redeemed.is_some() {
            Err(Refusal::CardAlreadyRedeemed)
        } else if self.voided.is_some() {
            Err(Refusal::CardVoided)
        } else {
            Ok(())
        }
    }

    /// Whether this card, as stored, may be redeemed as `read` by the caller:
    /// a card whose value changed since it was read is not that card.
    pub fn check_redeemable(&self, read: &StudyCard) -> Result<(), Refusal> {
        if self.value != read.value {
            Err(Refusal::UnknownCard)
        } else if self.voided.is_some() {
            Err(Refusal::CardVoided)
        } else if self.redeemed.is_some() {
            Err(Refusal::CardAlreadyRedeemed)
        } else {
            Ok(())
        }
    }
}

impl LedgerEntry {
    /// The credit of redeeming `card`.
    pub fn card_redeemed(card: &StudyCard, at: Timestamp) -> Result<Self, TryFromIntError> {
        Ok(Self {
            reason: LedgerReason::CardRedeemed {
                card: card.code.clone(),
            },
            change_fen: i64::try_from(card.value.get())?,
            at,
        })
    }

    /// The debit of paying `order` from the balance, dated when it was paid.
    pub fn purchase(order: &Order) -> Result<Self, TryFromIntError> {
        let at = match &order.status {
            OrderStatus::Paid { at, .. } => *at,
            OrderStatus::Pending | OrderStatus::Closed { .. } => order.created_at,
        };
        Ok(Self {
            reason: LedgerReason::Purchase {
                order: order.no.clone(),
            },
            change_fen: -i64::try_from(order.amount.get())?,
            at,
        })
    }
}

impl Refund {
    /// What recording `status` as this refund's end comes to: `Applied` while
    /// it is requested, `AlreadyApplied` for the same end again (whenever it
    /// is reported: a notice delivered twice, or a notice and an answer);
    /// another end than the one recorded is refused with [`Refusal::NoticeMismatch`].
    pub fn settling(&self, status: &RefundStatus) -> Result<Outcome, Refusal> {
        let same_end = |settled: &RefundStatus| match (settled, status) {
            (RefundStatus::Succeeded { .. }, RefundStatus::Succeeded { .. }) => true,
            (RefundStatus::Failed { state, .. }, RefundStatus::Failed { state: now, .. }) => {
                state == now
            }
            _ => false,
        };
        match &self.status {
            RefundStatus::Requested => Ok(Outcome::Applied),
            settled if same_end(settled) => Ok(Outcome::AlreadyApplied),
            _ => Err(Refusal::NoticeMismatch),
        }
    }
}

impl LedgerEntry {
    /// The credit of a refund to the balance, dated when it was made.
    pub fn refund(refund: &Refund) -> Result<Self, TryFromIntError> {
        Ok(Self {
            reason: LedgerReason::Refund {
                refund: refund.no.clone(),
            },
            change_fen: i64::try_from(refund.amount.get())?,
            at: refund.requested_at,
        })
    }
}

impl Order {
    /// Refused with [`Refusal::TooLarge`] beyond [`MAX_HOURS_PER_ORDER`], so
    /// that a purchase fits one DynamoDB transaction on every store.
    pub fn check_size(&self) -> Result<(), Refusal> {
        at_most(self.hours.len(), MAX_HOURS_PER_ORDER)
    }

    /// A notice pays only the WeChat Pay order it names, for its amount.
    pub fn check_notice(&self, notice: &PaymentNotice) -> Result<(), Refusal> {
        if notice.order != self.no
            || notice.amount != self.amount
            || self.channel != PaymentChannel::WeChatPay
        {
            Err(Refusal::NoticeMismatch)
        } else {
            Ok(())
        }
    }

    /// What applying `notice` to this order, as stored, comes to: `Applied`
    /// for a pending order the notice matches (the write may go ahead),
    /// `AlreadyApplied` for an order this very notice paid.
    pub fn payment_by(&self, notice: &PaymentNotice) -> Result<Outcome, Refusal> {
        self.check_notice(notice)?;
        match &self.status {
            // Money that arrives after the order closed (paid at the last
            // moment, or a cancel that raced the payment) was still paid.
            OrderStatus::Pending | OrderStatus::Closed { .. } => Ok(Outcome::Applied),
            OrderStatus::Paid {
                transaction: Some(transaction),
                ..
            } if *transaction == notice.transaction => Ok(Outcome::AlreadyApplied),
            OrderStatus::Paid { .. } => Err(Refusal::NoticeMismatch),
        }
    }

    /// What closing this order comes to: `Applied` for a pending one,
    /// `AlreadyApplied` for one closed before; a paid one stays paid.
    pub fn closing(&self) -> Result<Outcome, Refusal> {
        match self.status {
            OrderStatus::Pending => Ok(Outcome::Applied),
            OrderStatus::Closed { .. } => Ok(Outcome::AlreadyApplied),
            OrderStatus::Paid { .. } => Err(Refusal::OrderPaid),
        }
    }

    /// The hours not yet withdrawn by a refund.
    pub fn kept_hours(&self) -> Vec<HourId> {
        self.hours
            .iter()
            .filter(|hour| !self.refunds.iter().any(|r| r.hours.contains(hour)))
            .cloned()
            .collect()
    }

    /// What is paid and not refunded (a failed refund gave nothing back).
    pub fn refundable(&self) -> Fen {
        let refunded: u64 = self
            .refunds
            .iter()
            .filter(|r| !matches!(r.status, RefundStatus::Failed { .. }))
            .map(|r| r.amount.get())
            .sum();
        Fen::new(self.amount.get().saturating_sub(refunded))
    }

    /// The part of the price that `hours` (some of [`Order::kept_hours`])
    /// carry: the order's price spread evenly over its hours, and all that is
    /// left with the last hours kept, so that refunding every hour returns
    /// exactly what was paid. (Orders do not keep a price per hour: bundles
    /// and discounts price the cart as a whole, R11–R12.)
    pub fn share_of(&self, hours: usize) -> Fen {
        let kept = self.kept_hours().len();
        if hours >= kept {
            return self.refundable();
        }
        let per_hours =
            u128::from(self.amount.get()) * hours as u128 / self.hours.len().max(1) as u128;
        Fen::new(
            u64::try_from(per_hours)
                .unwrap_or(u64::MAX)
                .min(self.refundable().get()),
        )
    }

    /// What recording `refund` on this order, as stored, comes to:
    /// `AlreadyApplied` for this very refund recorded before, `Applied` when
    /// [`Order::check_refund`] holds.
    pub fn refunding(&self, refund: &Refund) -> Result<Outcome, Refusal> {
        if self.refund(&refund.no) == Some(refund) {
            return Ok(Outcome::AlreadyApplied);
        }
        self.check_refund(refund)?;
        Ok(Outcome::Applied)
    }

    /// Checks `refund` as the next of this order's refunds: paid, numbered
    /// next, only hours still kept, no more money than is left; made at once
    /// (`Succeeded`) for a balance order, `Requested` of WeChat Pay otherwise.
    pub fn check_refund(&self, refund: &Refund) -> Result<(), Refusal> {
        let kept = self.kept_hours();
        let next = crate::ids::RefundNo::nth(&self.no, self.refunds.len() + 1).ok();
        let made_at_once = matches!(refund.status, RefundStatus::Succeeded { .. });
        let fits = matches!(self.status, OrderStatus::Paid { .. })
            && made_at_once == (self.channel == PaymentChannel::Balance)
            && (made_at_once || refund.status == RefundStatus::Requested)
            && next.as_ref() == Some(&refund.no)
            && refund.hours.iter().all(|hour| kept.contains(hour))
            && !has_duplicates(&refund.hours)
            && (refund.amount.get() > 0 || !refund.hours.is_empty())
            && refund.amount <= self.refundable();
        if fits {
            Ok(())
        } else {
            Err(Refusal::NotRefundable)
        }
    }

    /// Hours marked learned (in the order's cycle or later, the marks its
    /// enrollment allowed) are withdrawn only where staff confirmed them.
    pub fn check_withdrawal(&self, refund: &Refund, marks: &[LearnedHour]) -> Result<(), Refusal> {
        let confirmed: &[HourId] = match &refund.reason {
            RefundReason::Staff { learned, .. } => learned,
            RefundReason::AlreadyOwned => &[],
        };
        let unconfirmed = refund.hours.iter().any(|hour| {
            !confirmed.contains(hour)
                && marks
                    .iter()
                    .any(|mark| &mark.hour == hour && mark.cycle >= self.cycle)
        });
        if unconfirmed {
            Err(Refusal::HourLearned)
        } else {
            Ok(())
        }
    }

    /// The refund numbered `no`, if this order has it.
    pub fn refund(&self, no: &crate::ids::RefundNo) -> Option<&Refund> {
        self.refunds.iter().find(|refund| &refund.no == no)
    }

    /// R15: only the learner's own paid orders, each on one invoice request.
    pub fn check_invoiceable(&self, request: &InvoiceRequest) -> Result<(), Refusal> {
        let invoiceable = self.learner == request.learner
            && matches!(self.status, OrderStatus::Paid { .. })
            && self.invoice.is_none();
        if invoiceable {
            Ok(())
        } else {
            Err(Refusal::NotInvoiceable)
        }
    }
}

impl InvoiceRequest {
    /// Refused with [`Refusal::TooLarge`] beyond [`MAX_ORDERS_PER_INVOICE`].
    pub fn check_size(&self) -> Result<(), Refusal> {
        at_most(self.orders.len(), MAX_ORDERS_PER_INVOICE)
    }

    pub fn check_issuable(&self) -> Result<(), Refusal> {
        match self.status {
            InvoiceStatus::Requested => Ok(()),
            InvoiceStatus::Issued => Err(Refusal::InvoiceAlreadyIssued),
        }
    }
}

impl Certificate {
    /// What importing `imported` over this stored certificate comes to: the
    /// same certificate of the same learner (revoked alike) is
    /// [`Outcome::AlreadyApplied`]; anything else under its number is a
    /// different certificate, refused rather than overwritten.
    pub fn reimport(&self, imported: &Certificate) -> Result<Outcome, Refusal> {
        let revoked = |c: &Certificate| matches!(c.status, CertificateStatus::Revoked { .. });
        let same = self.no == imported.no
            && self.data_hash == imported.data_hash
            && self.learner == imported.learner
            && revoked(self) == revoked(imported);
        if same {
            Ok(Outcome::AlreadyApplied)
        } else {
            Err(Refusal::CertificateExists)
        }
    }

    pub fn check_revocable(&self) -> Result<(), Refusal> {
        match self.status {
            CertificateStatus::Valid => Ok(()),
            CertificateStatus::Revoked { .. } => Err(Refusal::AlreadyRevoked),
        }
    }
}

/// A learner's filing (R16, R19, R20): corrected freely until staff accept
/// it, and filed again after staff rejected it.
pub trait Filing {
    fn status(&self) -> FilingStatus;

    /// Whether a new filing may replace this one.
    fn check_correctable(&self) -> Result<(), Refusal> {
        match self.status() {
            FilingStatus::Filed | FilingStatus::Rejected => Ok(()),
            FilingStatus::Accepted => Err(Refusal::FilingClosed),
        }
    }

    /// What staff's verdict `to` (accepted or rejected) does to it: decides
    /// it while it waits; the same verdict again is the one already given
    /// (a double click, a retry); another verdict after a decision is refused.
    fn check_decision(&self, to: FilingStatus) -> Result<Outcome, Refusal> {
        match self.status() {
            FilingStatus::Filed => Ok(Outcome::Applied),
            decided if decided == to => Ok(Outcome::AlreadyApplied),
            FilingStatus::Accepted | FilingStatus::Rejected => Err(Refusal::FilingDecided),
        }
    }
}

impl Filing for RenewalRegistration {
    fn status(&self) -> FilingStatus {
        self.status
    }
}

impl Filing for CertificateApplication {
    fn status(&self) -> FilingStatus {
        self.status
    }
}

impl Filing for ReturningClaim {
    fn status(&self) -> FilingStatus {
        self.status
    }
}

impl StoredYear {
    /// The version a save expects to find stored (0: none). A save whose
    /// audit entry describes another save is refused as stale: writing it
    /// would leave the trail disagreeing with the data.
    pub fn expected_version(&self, change: &YearChange) -> Result<u32, Refusal> {
        let matches = change.year == self.data.year()
            && change.part == self.data.part()
            && change.version == self.version
            && change.after == self.data;
        match self.version.checked_sub(1) {
            Some(expected) if matches => Ok(expected),
            _ => Err(Refusal::StaleYearVersion),
        }
    }

    /// Embedded store: whether this save may replace `stored` (`None`: never saved).
    pub fn check_replaces(
        &self,
        stored: Option<&StoredYear>,
        change: &YearChange,
    ) -> Result<(), Refusal> {
        let expected = self.expected_version(change)?;
        if stored.map_or(0, |stored| stored.version) == expected {
            Ok(())
        } else {
            Err(Refusal::StaleYearVersion)
        }
    }
}

impl StaffAccount {
    /// The version a save expects to find stored; a save must name version 2
    /// or later (version 1 is written by creating the account).
    pub fn expected_version(&self) -> Result<u32, Refusal> {
        match self.version.checked_sub(1) {
            Some(expected) if expected >= 1 => Ok(expected),
            _ => Err(Refusal::StaleStaffAccount),
        }
    }

    /// Embedded store: whether this save may replace `stored`.
    pub fn check_replaces(&self, stored: Option<&StaffAccount>) -> Result<(), Refusal> {
        let expected = self.expected_version()?;
        match stored {
            None => Err(Refusal::UnknownStaffAccount),
            Some(stored) if stored.version == expected => Ok(()),
            Some(_) => Err(Refusal::StaleStaffAccount),
        }
    }
}

impl OpenLesson {
    /// Whether this is the lesson of `hour` in `cycle`.
    pub fn is_of(&self, hour: &HourId, cycle: CycleNumber) -> bool {
        self.hour == *hour && self.cycle == cycle
    }

    /// Seconds it has been open by `now`; none if the clock went back.
    pub fn elapsed_at(&self, now: Timestamp) -> u32 {
        self.time(0).studied_at(now)
    }

    fn time(&self, banked_seconds: u32) -> LessonTime {
        LessonTime {
            banked_seconds,
            open_since: Some(self.since),
        }
    }
}

impl LessonTime {
    /// `hour`'s lesson in `cycle`, from its banked seconds and the lesson
    /// the learner has open (running only if it is this one).
    pub fn of(
        banked_seconds: u32,
        open: Option<&OpenLesson>,
        hour: &HourId,
        cycle: CycleNumber,
    ) -> Self {
        match open {
            Some(open) if open.is_of(hour, cycle) => open.time(banked_seconds),
            _ => Self {
                banked_seconds,
                open_since: None,
            },
        }
    }

    /// The seconds studied by `now`, if at least `required_seconds`; else
    /// refused with [`Refusal::StudyTooShort`] and what is left.
    pub fn check_studied(&self, required_seconds: u32, now: Timestamp) -> Result<u32, Refusal> {
        let studied = self.studied_at(now);
        if studied >= required_seconds {
            Ok(studied)
        } else {
            Err(Refusal::StudyTooShort {
                remaining_seconds: required_seconds - studied,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{CardCode, LearnerId, OrderNo, TransactionId};

    fn pending_order() -> Order {
        Order {
            no: OrderNo::parse("TIC20230706ABCDEF1234").unwrap(),
            learner: LearnerId::parse(&"a".repeat(32)).unwrap(),
            hours: Vec::new(),
            amount: Fen::from_yuan(300),
            channel: PaymentChannel::WeChatPay,
            status: OrderStatus::Pending,
            created_at: Timestamp::UNIX_EPOCH,
            invoice: None,
            cycle: CycleNumber::FIRST,
            expires_at: None,
            refunds: Vec::new(),
        }
    }

    fn notice_for(order: &Order, transaction: &str) -> PaymentNotice {
        PaymentNotice {
            transaction: TransactionId::parse(transaction).unwrap(),
            order: order.no.clone(),
            amount: order.amount,
            paid_at: Timestamp::UNIX_EPOCH,
            success_time: None,
        }
    }

    fn card() -> StudyCard {
        StudyCard {
            code: CardCode::parse("ABCDEFGH23456789").unwrap(),
            value: Fen::from_yuan(600),
            note: String::new(),
            issued_at: Timestamp::UNIX_EPOCH,
            redeemed: None,
            voided: None,
        }
    }

    #[test]
    fn a_notice_pays_a_pending_order_once_and_no_other_notice_pays_it_again() {
        let mut order = pending_order();
        let notice = notice_for(&order, "4200001");
        assert_eq!(order.payment_by(&notice), Ok(Outcome::Applied));
        order.status = OrderStatus::Paid {
            at: notice.paid_at,
            transaction: Some(notice.transaction.clone()),
        };
        assert_eq!(order.payment_by(&notice), Ok(Outcome::AlreadyApplied));
        let other = notice_for(&order, "4200002");
        assert_eq!(order.payment_by(&other), Err(Refusal::NoticeMismatch));
    }

    #[test]
    fn a_notice_for_another_amount_is_refused() {
        let order = pending_order();
        let mut notice = notice_for(&order, "4200001");
        notice.amount = Fen::from_yuan(1);
        assert_eq!(order.payment_by(&notice), Err(Refusal::NoticeMismatch));
    }

    #[test]
    fn a_card_whose_value_changed_since_it_was_read_is_unknown() {
        let read = card();
        let mut stored = card();
        stored.value = Fen::from_yuan(1);
        stored.voided = Some(Timestamp::UNIX_EPOCH);
        assert_eq!(stored.check_redeemable(&read), Err(Refusal::UnknownCard));
    }

    #[test]
    fn a_redeemed_card_can_be_neither_redeemed_nor_voided() {
        let mut stored = card();
        stored.redeemed = Some(Redemption {
            by: LearnerId::parse(&"a".repeat(32)).unwrap(),
            at: Timestamp::UNIX_EPOCH,
        });
        assert_eq!(
            stored.check_redeemable(&card()),
            Err(Refusal::CardAlreadyRedeemed)
        );
        assert_eq!(stored.check_voidable(), Err(Refusal::CardAlreadyRedeemed));
    }

    #[test]
    fn an_order_of_too_many_hours_is_too_large() {
        let mut order = pending_order();
        order.hours = vec!["sampling/1".parse().unwrap(); MAX_HOURS_PER_ORDER + 1];
        assert_eq!(order.check_size(), Err(Refusal::TooLarge));
    }

    #[test]
    fn only_the_open_lesson_runs_and_a_mark_needs_its_length() {
        let hour: HourId = "sampling/1".parse().unwrap();
        let other: HourId = "sampling/2".parse().unwrap();
        let since = Timestamp::UNIX_EPOCH;
        let now = since + jiff::SignedDuration::from_secs(100);
        let open = OpenLesson {
            hour: hour.clone(),
            cycle: CycleNumber::FIRST,
            since,
        };
        let here = LessonTime::of(20, Some(&open), &hour, CycleNumber::FIRST);
        assert_eq!(here.studied_at(now), 120);
        assert_eq!(here.check_studied(120, now), Ok(120));
        assert_eq!(
            here.check_studied(150, now),
            Err(Refusal::StudyTooShort {
                remaining_seconds: 30
            })
        );
        let elsewhere = LessonTime::of(20, Some(&open), &other, CycleNumber::FIRST);
        assert_eq!(elsewhere.studied_at(now), 20);
        assert_eq!(
            open.elapsed_at(since - jiff::SignedDuration::from_secs(5)),
            0
        );
    }

    fn paid_order_of_three_hours() -> Order {
        let mut order = pending_order();
        order.amount = Fen::new(1000);
        order.hours = (1..=3)
            .map(|n| format!("sampling/{n}").parse().unwrap())
            .collect();
        order.status = OrderStatus::Paid {
            at: Timestamp::UNIX_EPOCH,
            transaction: None,
        };
        order
    }

    fn refund(order: &Order, hours: usize, amount: u64, status: RefundStatus) -> Refund {
        Refund {
            no: crate::ids::RefundNo::nth(&order.no, order.refunds.len() + 1).unwrap(),
            hours: order.kept_hours().into_iter().take(hours).collect(),
            amount: Fen::new(amount),
            reason: RefundReason::AlreadyOwned,
            requested_at: Timestamp::UNIX_EPOCH,
            status,
        }
    }

    #[test]
    fn refunding_every_hour_in_turn_returns_exactly_what_was_paid() {
        let mut order = paid_order_of_three_hours();
        let mut returned = 0;
        while !order.kept_hours().is_empty() {
            let share = order.share_of(1);
            let next = refund(&order, 1, share.get(), RefundStatus::Requested);
            assert_eq!(order.refunding(&next), Ok(Outcome::Applied));
            returned += share.get();
            order.refunds.push(next);
        }
        assert_eq!(returned, 1000, "333 + 333 + 334");
        assert_eq!(order.refundable(), Fen::new(0));
    }

    #[test]
    fn a_refund_fits_only_as_the_next_one_within_what_is_left() {
        let mut order = paid_order_of_three_hours();
        let too_much = refund(&order, 0, 1001, RefundStatus::Requested);
        assert_eq!(order.check_refund(&too_much), Err(Refusal::NotRefundable));
        let at_once = refund(
            &order,
            1,
            300,
            RefundStatus::Succeeded {
                at: Timestamp::UNIX_EPOCH,
            },
        );
        assert_eq!(
            order.check_refund(&at_once),
            Err(Refusal::NotRefundable),
            "WeChat Pay orders are refunded by request, not at once"
        );
        let first = refund(&order, 1, 300, RefundStatus::Requested);
        order.refunds.push(first.clone());
        assert_eq!(order.refunding(&first), Ok(Outcome::AlreadyApplied));
        let again_hour = Refund {
            no: crate::ids::RefundNo::nth(&order.no, 2).unwrap(),
            ..first.clone()
        };
        assert_eq!(
            order.check_refund(&again_hour),
            Err(Refusal::NotRefundable),
            "its hour is refunded"
        );
        order.status = OrderStatus::Pending;
        let unpaid = refund(&order, 1, 100, RefundStatus::Requested);
        assert_eq!(order.check_refund(&unpaid), Err(Refusal::NotRefundable));
    }

    #[test]
    fn a_refund_ends_once() {
        let order = paid_order_of_three_hours();
        let mut requested = refund(&order, 1, 300, RefundStatus::Requested);
        let done = RefundStatus::Succeeded {
            at: Timestamp::UNIX_EPOCH,
        };
        assert_eq!(requested.settling(&done), Ok(Outcome::Applied));
        requested.status = done.clone();
        let reported_later = RefundStatus::Succeeded { at: Timestamp::MAX };
        assert_eq!(
            requested.settling(&reported_later),
            Ok(Outcome::AlreadyApplied),
            "the same end, whenever it is reported"
        );
        let failed = RefundStatus::Failed {
            at: Timestamp::UNIX_EPOCH,
            state: "ABNORMAL".to_owned(),
        };
        assert_eq!(requested.settling(&failed), Err(Refusal::NoticeMismatch));
    }
}
