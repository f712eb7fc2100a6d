//! What ticedu keeps, in the domain's words.
//!
//! Narrow traits, one per capability, so that each function depends on (and,
//! in `infra/`, is granted) only what it uses. Every adapter implements all
//! of them and is held to one contract suite (`tests/it/store_contract/`):
//! the DynamoDB adapter (`ticedu-store-dynamodb`) in production and the
//! embedded one (`ticedu-store-embedded`) on a laptop.
//!
//! The contract, for every implementation:
//! - a write either happens whole or not at all; a refusal ([`Refusal`])
//!   leaves the store exactly as it was;
//! - writes that must hold together (a balance and its ledger, a card and the
//!   credit it gives, an order and its enrollments) happen in one transaction;
//! - a write repeated with the same input (a retry, a redelivered notice) has
//!   no further effect and reports [`Outcome::AlreadyApplied`] where that is
//!   not an error;
//! - invariants hold under any concurrency: a learner's balance equals the sum
//!   of their ledger, `marked_hours` equals the number of their marks, a card
//!   is redeemed at most once, an ID number has at most one account.
//!
//! The rules both adapters check (sizes, a notice against its order, a card's
//! state …) are written once, in [`preconditions`].

mod error;
pub mod ids;
pub mod preconditions;
pub mod records;

use std::future::Future;

use jiff::Timestamp;
use jiff::civil::Date;
use ticedu_domain::catalogue::HourId;
use ticedu_domain::cycle::CycleNumber;
use ticedu_domain::identity::{AccountKey, LookupKey, UsernameKey};
use ticedu_domain::learner::TitleCheck;
use ticedu_domain::requirement::LearnedHour;
use ticedu_domain::staff::StaffName;
use ticedu_domain::wechat_pay::OpenId;

pub use error::{Attempt, Failure, OrBackend, Refusal, StoreError, StoreResult, during};
use ids::{CardCode, CertificateNo, InvoiceId, LearnerId, OrderNo, RefundNo, SessionId};
use records::*;

/// Hours in one order at most: a purchase writes each hour's enrollment and
/// checks its reservation, beside the order, balance and ledger items, and
/// stays within DynamoDB's 100 items per transaction. A cycle is 40.
pub const MAX_HOURS_PER_ORDER: usize = 48;
// The domain sets these limits (its refusals name them); a store writes each
// batch or invoice in one transaction, so it must hold to the same numbers.
pub use ticedu_domain::cards::MAX_CARDS_PER_BATCH;
pub use ticedu_domain::invoice::MAX_ORDERS_PER_INVOICE;

/// The result of a write that is safe to repeat.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// This call changed the store.
    Applied,
    /// An earlier call with the same input did; nothing changed now.
    AlreadyApplied,
}

/// Accounts (R1–R3).
pub trait LearnerStore: Send + Sync {
    /// Refused with [`Refusal::AccountExists`] for a second account of one ID
    /// number, and [`Refusal::UsernameTaken`] for a second of one username.
    /// A person with a [`PriorRecord`] (certificates imported, R12) registers
    /// under [`LearnerId::of_account`] and is stored as returning; any other
    /// under a random id. Refused with [`Refusal::PriorRecordChanged`] when the
    /// id does not match whether that record exists at the moment of writing
    /// (an import ran since the caller looked): look again and retry.
    fn create_learner(&self, learner: &NewLearner) -> impl Future<Output = StoreResult<()>> + Send;
    fn learner(&self, id: &LearnerId) -> impl Future<Output = StoreResult<Option<Learner>>> + Send;
    fn learner_by_username(
        &self,
        key: &UsernameKey,
    ) -> impl Future<Output = StoreResult<Option<Learner>>> + Send;
    fn set_password_hash(
        &self,
        id: &LearnerId,
        hash: &str,
    ) -> impl Future<Output = StoreResult<()>> + Send;
    /// Staff correct a learner's name or contact details with `audit` (or the
    /// learner changes their own phone and e-mail, `None`: learners' own
    /// changes are not in staff's trail), in
    /// one transaction: the record takes `corrected`'s name, username, phone,
    /// e-mail and look-up keys (nothing else: not the ID number, not the
    /// balance); the username's pointer moves when the name, and so the
    /// username, changed — refused with [`Refusal::UsernameTaken`] if another
    /// account has the new one — and the look-up entries are replaced.
    /// Refused with [`Refusal::LearnerChanged`] if the stored username is no
    /// longer `read_username_key` (another correction came first).
    fn correct_learner(
        &self,
        corrected: &NewLearner,
        read_username_key: &UsernameKey,
        audit: Option<&AuditEntry>,
    ) -> impl Future<Output = StoreResult<()>> + Send;
    /// R12: staff confirm that a learner took part in an earlier renewal;
    /// `audit` is written in the same transaction.
    fn set_returning(
        &self,
        id: &LearnerId,
        returning: bool,
        audit: &AuditEntry,
    ) -> impl Future<Output = StoreResult<()>> + Send;
    /// Binds the openid WeChat's web authorisation gave for this learner
    /// (JSAPI orders are made out to it), replacing any bound before: WeChat
    /// gives one openid per person and official account, so a new one means
    /// the learner authorised from another WeChat account. Refused with
    /// [`Refusal::UnknownLearner`].
    fn bind_wechat_openid(
        &self,
        id: &LearnerId,
        openid: &OpenId,
    ) -> impl Future<Output = StoreResult<()>> + Send;
}

/// Finding learners by name, phone or e-mail, for staff. Registration
/// indexes a learner's [`NewLearner::lookups`] in its own transaction.
pub trait LookupStore: Send + Sync {
    /// The learners indexed under `key`, at most `limit` (a name is not unique).
    fn learners_by_lookup(
        &self,
        key: &LookupKey,
        limit: usize,
    ) -> impl Future<Output = StoreResult<Vec<LearnerId>>> + Send;
    /// Makes `keys` the learner's lookups, in one transaction: the record's
    /// list and the index, dropping index entries of keys no longer listed.
    /// For records from before the index, and after a correction. Repeating
    /// it changes nothing. Refused with [`Refusal::UnknownLearner`].
    fn index_lookups(
        &self,
        learner: &LearnerId,
        keys: &[LookupKey],
    ) -> impl Future<Output = StoreResult<()>> + Send;
    /// Up to `limit` learners whose record lists no lookups yet: what
    /// [`LookupStore::index_lookups`] has still to do.
    fn unindexed_learners(
        &self,
        limit: usize,
    ) -> impl Future<Output = StoreResult<Vec<Learner>>> + Send;
}

/// The 元账户 balance's history (R13). The balance itself is on [`Learner`].
pub trait LedgerStore: Send + Sync {
    /// Oldest first.
    fn ledger(
        &self,
        learner: &LearnerId,
    ) -> impl Future<Output = StoreResult<Vec<LedgerEntry>>> + Send;
}

/// Study cards (R13).
pub trait CardStore: Send + Sync {
    /// All or none, with `audit`; refused with [`Refusal::CardExists`] if
    /// any code is taken.
    fn issue_cards(
        &self,
        cards: &[StudyCard],
        audit: &AuditEntry,
    ) -> impl Future<Output = StoreResult<()>> + Send;
    fn card(&self, code: &CardCode) -> impl Future<Output = StoreResult<Option<StudyCard>>> + Send;
    /// Every card, newest first (staff's list).
    fn cards(&self) -> impl Future<Output = StoreResult<Vec<StudyCard>>> + Send;
    /// Withdraws a card not yet redeemed, with `audit`; refused once
    /// redeemed or voided.
    fn void_card(
        &self,
        code: &CardCode,
        at: Timestamp,
        audit: &AuditEntry,
    ) -> impl Future<Output = StoreResult<()>> + Send;
    /// Credits `card` (as read by [`CardStore::card`]) to the learner's
    /// balance, at most once ever.
    fn redeem_card(
        &self,
        card: &StudyCard,
        learner: &LearnerId,
        at: Timestamp,
    ) -> impl Future<Output = StoreResult<()>> + Send;
}

/// Orders, payments and what they buy (R11–R14); refunds.
///
/// A pending WeChat Pay order reserves its hours until it expires, so that
/// no other order or purchase of the learner's takes them meanwhile: the same
/// hour is never paid twice while the learner pays. Money that arrives anyway
/// for hours owned by then (a payment after expiry or cancellation) is
/// recorded as a refund to make ([`RefundReason::AlreadyOwned`]).
pub trait OrderStore: Send + Sync {
    /// Pays a `Paid` order with channel `Balance` from the balance, records it
    /// in the ledger and enrolls its hours, in one transaction. Refused with
    /// [`Refusal::AlreadyOwned`] for an hour bought in the cycle, and
    /// [`Refusal::HourReserved`] for one a pending order holds at the
    /// order's `created_at`.
    fn purchase_with_balance(
        &self,
        order: &Order,
    ) -> impl Future<Output = StoreResult<Outcome>> + Send;
    /// Stores a `Pending` WeChat Pay order and reserves its hours until its
    /// `expires_at`, in one transaction; refused like a purchase.
    fn create_order(&self, order: &Order) -> impl Future<Output = StoreResult<()>> + Send;
    /// Closes a pending order unpaid and releases its hours. Refused with
    /// [`Refusal::OrderPaid`] once it is paid; `AlreadyApplied` if closed before.
    fn close_order(
        &self,
        no: &OrderNo,
        at: Timestamp,
        reason: CloseReason,
    ) -> impl Future<Output = StoreResult<Outcome>> + Send;
    fn order(&self, no: &OrderNo) -> impl Future<Output = StoreResult<Option<Order>>> + Send;
    /// Newest first.
    fn orders_of(
        &self,
        learner: &LearnerId,
    ) -> impl Future<Output = StoreResult<Vec<Order>>> + Send;
    /// Marks `order` (as read; pending, or closed) paid by `notice` and
    /// enrolls its hours, exactly once however often and however concurrently
    /// the notice arrives. Hours the learner owns by then through another
    /// order stay with that order; their share of the money is recorded as a
    /// [`RefundReason::AlreadyOwned`] refund, `Requested`, in the same write.
    fn apply_payment(
        &self,
        order: &Order,
        notice: &PaymentNotice,
    ) -> impl Future<Output = StoreResult<Outcome>> + Send;
    /// Records `refund` as the next refund of `order` (as read) and withdraws
    /// its hours, in one transaction, with `audit` when staff made it. An
    /// order paid from the balance gets the money back into the balance at
    /// once (the refund must then be `Succeeded`). Refused with
    /// [`Refusal::NotRefundable`] unless [`Order::check_refund`] holds on the
    /// order as stored, and with [`Refusal::HourLearned`] for an hour marked
    /// learned in the order's cycle unless the refund names it in
    /// [`RefundReason::Staff`]'s `learned`. The same refund again is `AlreadyApplied`.
    fn refund_order(
        &self,
        order: &Order,
        refund: &Refund,
        audit: Option<&AuditEntry>,
    ) -> impl Future<Output = StoreResult<Outcome>> + Send;
    /// A `Requested` refund's end, as WeChat Pay reports it; the same end
    /// again is `AlreadyApplied`, another one [`Refusal::NoticeMismatch`].
    fn settle_refund(
        &self,
        refund: &RefundNo,
        status: &RefundStatus,
    ) -> impl Future<Output = StoreResult<Outcome>> + Send;
    fn enrollments(
        &self,
        learner: &LearnerId,
    ) -> impl Future<Output = StoreResult<Vec<Enrollment>>> + Send;
    /// The learner's enrollments of one hour, in every cycle: what a lesson
    /// or a 学过了 mark needs, without reading the whole bundle.
    fn hour_enrollments(
        &self,
        learner: &LearnerId,
        hour: &HourId,
    ) -> impl Future<Output = StoreResult<Vec<Enrollment>>> + Send;
}

/// 学过了 marks (R10), one per hour and cycle.
pub trait ProgressStore: Send + Sync {
    /// Marks the hour learned in `mark.cycle`, on the strength of its
    /// enrollment in cycle `bought_in` (see [`records::Enrollment::usable_for`]);
    /// refused with [`Refusal::HourNotBought`] if that enrollment does not exist.
    ///
    /// Timed lessons: the mark also needs `required_seconds` studied in the
    /// hour's lesson by `now` ([`ProgressStore::lesson_time`]), else refused
    /// with [`Refusal::StudyTooShort`]; the mark records the seconds studied
    /// (`mark.studied_seconds` is overwritten with the store's count) and the
    /// lesson closes, in one transaction that is refused with
    /// [`Refusal::LessonChanged`] if another lesson was opened meanwhile.
    fn mark_learned(
        &self,
        learner: &LearnerId,
        mark: &LearnedHour,
        bought_in: CycleNumber,
        required_seconds: u32,
        now: Timestamp,
    ) -> impl Future<Output = StoreResult<Outcome>> + Send;
    /// Opens the lesson of `hour` (in `cycle`) at `now`, one at a time: the
    /// lesson open before, if another, is closed and its time banked to its
    /// hour, in one transaction. Opening the open lesson again changes
    /// nothing. Of two concurrent openings one is refused with
    /// [`Refusal::LessonChanged`], so that no minute counts twice.
    fn open_lesson(
        &self,
        learner: &LearnerId,
        hour: &HourId,
        cycle: CycleNumber,
        now: Timestamp,
    ) -> impl Future<Output = StoreResult<LessonTime>> + Send;
    /// Where the learner stands in `hour`'s lesson of `cycle`.
    fn lesson_time(
        &self,
        learner: &LearnerId,
        hour: &HourId,
        cycle: CycleNumber,
    ) -> impl Future<Output = StoreResult<LessonTime>> + Send;
    /// The lesson open now, if any.
    fn open_lesson_of(
        &self,
        learner: &LearnerId,
    ) -> impl Future<Output = StoreResult<Option<OpenLesson>>> + Send;
    fn marks(
        &self,
        learner: &LearnerId,
    ) -> impl Future<Output = StoreResult<Vec<LearnedHour>>> + Send;
}

/// Renewal registrations (R16, R20), certificate applications (R19) and
/// title checks (R18). A learner files one registration or application per
/// cycle (the record's `cycle`).
pub trait FilingStore: Send + Sync {
    /// Files or corrects the registration of `registration.cycle`; refused
    /// once staff accepted it. An overdue renewal (R20) waits in staff's queue.
    fn file_renewal(
        &self,
        learner: &LearnerId,
        registration: &RenewalRegistration,
    ) -> impl Future<Output = StoreResult<()>> + Send;
    fn renewal(
        &self,
        learner: &LearnerId,
        cycle: CycleNumber,
    ) -> impl Future<Output = StoreResult<Option<RenewalRegistration>>> + Send;
    /// Files or corrects the application of `application.cycle` (R19); it
    /// waits in staff's queue until they approve or reject it.
    fn file_application(
        &self,
        learner: &LearnerId,
        application: &CertificateApplication,
    ) -> impl Future<Output = StoreResult<()>> + Send;
    fn application(
        &self,
        learner: &LearnerId,
        cycle: CycleNumber,
    ) -> impl Future<Output = StoreResult<Option<CertificateApplication>>> + Send;
    /// Staff approve (`approve`) or reject a waiting application (R19),
    /// overdue renewal (R20) or returning claim (R12); the same verdict again
    /// is [`Outcome::AlreadyApplied`], anything else that does not wait is
    /// refused with [`Refusal::FilingDecided`]. Accepting an overdue renewal issues its certificate instead
    /// ([`CertificateStore::issue_certificate`] with the closing's `accepts`).
    /// `audit` is written only with a decision that is applied.
    fn decide_filing(
        &self,
        learner: &LearnerId,
        filing: FilingKind,
        cycle: CycleNumber,
        approve: bool,
        decision: &StaffDecision,
        audit: &AuditEntry,
    ) -> impl Future<Output = StoreResult<Outcome>> + Send;
    /// Staff's verdict on a titled learner's details (R18), with `audit`.
    fn set_title_check(
        &self,
        learner: &LearnerId,
        check: TitleCheck,
        audit: &AuditEntry,
    ) -> impl Future<Output = StoreResult<()>> + Send;
    /// Titled learners waiting for staff.
    fn pending_title_checks(&self) -> impl Future<Output = StoreResult<Vec<LearnerId>>> + Send;
    /// Overdue renewals (R20) waiting for staff, oldest first.
    fn overdue_renewals(
        &self,
    ) -> impl Future<Output = StoreResult<Vec<(LearnerId, RenewalRegistration)>>> + Send;
    /// New learners' applications (R19) waiting for staff, oldest first.
    fn pending_applications(
        &self,
    ) -> impl Future<Output = StoreResult<Vec<(LearnerId, CertificateApplication)>>> + Send;
    /// Files or corrects the learner's claim to the returning discount (R12);
    /// it waits in staff's queue until decided ([`FilingStore::decide_filing`]
    /// with [`FilingKind::ReturningClaim`]: approval grants the discount).
    fn file_returning_claim(
        &self,
        learner: &LearnerId,
        claim: &ReturningClaim,
    ) -> impl Future<Output = StoreResult<()>> + Send;
    fn returning_claim(
        &self,
        learner: &LearnerId,
    ) -> impl Future<Output = StoreResult<Option<ReturningClaim>>> + Send;
    /// Returning-discount claims waiting for staff, oldest first.
    fn pending_returning_claims(
        &self,
    ) -> impl Future<Output = StoreResult<Vec<(LearnerId, ReturningClaim)>>> + Send;
}

/// Certificates (R18, R21).
pub trait CertificateStore: Send + Sync {
    /// Stores the certificate of the learner's cycle `closing.closes` and
    /// applies `closing`, in one transaction; refused with
    /// [`Refusal::CycleClosed`] if the learner is in another cycle by now, and
    /// [`Refusal::FilingDecided`] if the filing to accept is not waiting.
    /// Learners issue their own (no `audit`); staff accepting an overdue
    /// renewal (R20) pass theirs, written in the same transaction.
    fn issue_certificate(
        &self,
        certificate: &Certificate,
        closing: &CycleClosing,
        audit: Option<&AuditEntry>,
    ) -> impl Future<Output = StoreResult<()>> + Send;
    fn certificate(
        &self,
        no: &CertificateNo,
    ) -> impl Future<Output = StoreResult<Option<Certificate>>> + Send;
    fn certificates_of(
        &self,
        learner: &LearnerId,
    ) -> impl Future<Output = StoreResult<Vec<Certificate>>> + Send;
    /// Staff reissue a valid certificate as `new` (a new number, stating what
    /// the learner's record says now), in one transaction with `audit`: the
    /// old one is revoked with `reason`, so that only one stands. Refused with
    /// [`Refusal::UnknownCertificate`] or [`Refusal::AlreadyRevoked`] for the
    /// old one, [`Refusal::CertificateExists`] for the new number.
    fn reissue_certificate(
        &self,
        old: &CertificateNo,
        new: &Certificate,
        reason: &str,
        at: Timestamp,
        audit: &AuditEntry,
    ) -> impl Future<Output = StoreResult<()>> + Send;
    /// Staff revoke a valid certificate, with `audit`.
    fn revoke_certificate(
        &self,
        no: &CertificateNo,
        reason: &str,
        at: Timestamp,
        audit: &AuditEntry,
    ) -> impl Future<Output = StoreResult<()>> + Send;
}

/// Certificates the association issued before the platform, imported by
/// staff, and the earlier renewals they show (R12, R21).
pub trait ImportStore: Send + Sync {
    /// Stores `certificate` (an imported one: [`Certificate::imported`]) and
    /// notes the renewal in the person's [`PriorRecord`], in one transaction.
    /// The certificate is stored under the person's account when they have
    /// one (which then counts as returning, R12), else under
    /// [`LearnerId::of_account`], the id their registration will get.
    /// Importing the same certificate again changes nothing
    /// ([`Outcome::AlreadyApplied`]); another certificate under its number is
    /// refused with [`Refusal::CertificateExists`] and never overwritten.
    /// `audit` is written only with an import that is applied.
    fn import_certificate(
        &self,
        account: &AccountKey,
        certificate: &Certificate,
        audit: &AuditEntry,
    ) -> impl Future<Output = StoreResult<Outcome>> + Send;
    fn prior_record(
        &self,
        account: &AccountKey,
    ) -> impl Future<Output = StoreResult<Option<PriorRecord>>> + Send;
}

/// Invoice requests (R15).
pub trait InvoiceStore: Send + Sync {
    /// Refused with [`Refusal::NotInvoiceable`] unless every order is the
    /// learner's, paid, and not yet covered by another request.
    fn request_invoice(
        &self,
        request: &InvoiceRequest,
    ) -> impl Future<Output = StoreResult<()>> + Send;
    fn invoice(
        &self,
        id: &InvoiceId,
    ) -> impl Future<Output = StoreResult<Option<InvoiceRequest>>> + Send;
    fn invoices_with_status(
        &self,
        status: InvoiceStatus,
    ) -> impl Future<Output = StoreResult<Vec<InvoiceRequest>>> + Send;
    /// Staff issued the invoice (`issued`: its number, when, by whom), with
    /// `audit`. Refused with [`Refusal::InvoiceAlreadyIssued`] if it was.
    fn mark_invoice_issued(
        &self,
        id: &InvoiceId,
        issued: &IssuedInvoice,
        audit: &AuditEntry,
    ) -> impl Future<Output = StoreResult<()>> + Send;
}

/// Failed logins per username and window, to throttle password guessing.
/// A login counts its attempt as a failure before checking the password and
/// clears the count when it was right (`ticedu_api::login`).
pub trait LoginThrottleStore: Send + Sync {
    /// Counts one more failure in `window`, atomically; returns the window's
    /// count including this one.
    fn record_login_failure(
        &self,
        key: &UsernameKey,
        window: ThrottleWindow,
    ) -> impl Future<Output = StoreResult<u32>> + Send;
    fn login_failures(
        &self,
        key: &UsernameKey,
        window: ThrottleWindow,
    ) -> impl Future<Output = StoreResult<u32>> + Send;
    fn clear_login_failures(
        &self,
        key: &UsernameKey,
        window: ThrottleWindow,
    ) -> impl Future<Output = StoreResult<()>> + Send;
}

/// Uses of something a script could abuse, per fixed window: the name checks
/// of one certificate, one caller's requests. Each window's count is forgotten
/// with it (DynamoDB's TTL).
pub trait RateLimitStore: Send + Sync {
    /// Counts one more use of `key` in `window`, atomically, in one write;
    /// returns the window's count including this one.
    fn count_use(
        &self,
        key: &RateKey,
        window: ThrottleWindow,
    ) -> impl Future<Output = StoreResult<u32>> + Send;
}

/// Learners' sessions, so that log-out ends one on the server: a copied
/// token (or cookie) is refused once its session ended, although its
/// signature and expiry are still good. A password change ends the others
/// through the token's password stamp, not here (`ticedu_api::tokens`).
pub trait SessionStore: Send + Sync {
    /// Stores `session`; a repeat with the same session writes it again.
    fn start_session(&self, session: &Session) -> impl Future<Output = StoreResult<()>> + Send;
    /// The session `id`, unless it ended, or it expired by `now`.
    fn session(
        &self,
        id: &SessionId,
        now: Timestamp,
    ) -> impl Future<Output = StoreResult<Option<Session>>> + Send;
    /// Ends the session `id`, if there is one: ending it again, or one
    /// forgotten after it expired, is no error (log-out is safe to repeat).
    fn end_session(&self, id: &SessionId) -> impl Future<Output = StoreResult<()>> + Send;
}

/// Password recovery without calling the association: a code sent to the
/// learner's registered address, kept as a digest until it ends.
pub trait RecoveryStore: Send + Sync {
    /// Stores `code`, replacing the learner's earlier one (used or not).
    fn save_recovery_code(
        &self,
        code: &RecoveryCode,
    ) -> impl Future<Output = StoreResult<()>> + Send;
    /// Tries `digest` against the learner's code at `now`. Right (and the
    /// code open, [`RecoveryCode::is_open_at`]): the password hash becomes
    /// `new_password_hash` and the code is used up, in one transaction, so a
    /// code recovers once however many try it at once. Wrong: one more wrong
    /// guess on the code. Refused with [`Refusal::UnknownLearner`] if the
    /// account is gone.
    fn recover_password(
        &self,
        learner: &LearnerId,
        digest: &str,
        new_password_hash: &str,
        now: Timestamp,
    ) -> impl Future<Output = StoreResult<Recovery>> + Send;
}

/// Yearly settings and working-day calendars as staff edit them (R11, R12,
/// R17), each save with its audit entry. The bundled initial years are not
/// here: `ticedu_domain::years::Years::with` lays these over them.
pub trait YearStore: Send + Sync {
    /// Every year staff saved, settings and calendars: one read, cheap
    /// enough for every request that needs the year's figures.
    fn stored_years(&self) -> impl Future<Output = StoreResult<Vec<StoredYear>>> + Send;
    /// Saves `year` (made by [`StoredYear::saved`] from the version read),
    /// its year-edit record `change` and the staff trail's `audit` in one
    /// transaction. Refused with
    /// [`Refusal::StaleYearVersion`], nothing written, unless the stored
    /// version of that year's part is still `year.version - 1` (none for 1).
    fn save_year(
        &self,
        year: &StoredYear,
        change: &YearChange,
        audit: &AuditEntry,
    ) -> impl Future<Output = StoreResult<()>> + Send;
    /// The audit trail, newest first.
    fn year_changes(&self) -> impl Future<Output = StoreResult<Vec<YearChange>>> + Send;
}

/// The association's staff accounts. Every change is a whole-record save
/// conditioned on the version read, written with its audit entry in one
/// transaction.
pub trait StaffStore: Send + Sync {
    fn staff_account(
        &self,
        name: &StaffName,
    ) -> impl Future<Output = StoreResult<Option<StaffAccount>>> + Send;
    /// Every account, by name.
    fn staff_accounts(&self) -> impl Future<Output = StoreResult<Vec<StaffAccount>>> + Send;
    /// Creates `account` (version 1). Refused with
    /// [`Refusal::StaffAccountExists`] if the name is taken.
    fn create_staff_account(
        &self,
        account: &StaffAccount,
        audit: &AuditEntry,
    ) -> impl Future<Output = StoreResult<()>> + Send;
    /// Creates the first administrator from the deployment's secret, once in
    /// the store's life: [`Outcome::AlreadyApplied`] (nothing written) once
    /// any account was bootstrapped, even if it was renamed away or disabled
    /// since, so that the secret cannot bring back an account staff closed.
    fn bootstrap_administrator(
        &self,
        account: &StaffAccount,
        audit: &AuditEntry,
    ) -> impl Future<Output = StoreResult<Outcome>> + Send;
    /// Replaces the account with `account` (from [`StaffAccount::next_version`]
    /// of the one read). Refused with [`Refusal::StaleStaffAccount`], nothing
    /// written, unless the stored version is still `account.version - 1`;
    /// with [`Refusal::UnknownStaffAccount`] if there is none.
    fn save_staff_account(
        &self,
        account: &StaffAccount,
        audit: &AuditEntry,
    ) -> impl Future<Output = StoreResult<()>> + Send;
}

/// The audit trail of staff actions. Entries of actions that change
/// something are written by that change's own method, in its transaction;
/// [`AuditStore::record_audit`] is for those that only read (seeing an ID
/// number in full).
pub trait AuditStore: Send + Sync {
    fn record_audit(&self, entry: &AuditEntry) -> impl Future<Output = StoreResult<()>> + Send;
    /// The whole trail, newest first, a page at a time: entries strictly
    /// older than `query.before`, at most [`AuditQuery::page_size`] (the
    /// limit clamped to 1..=[`AuditQuery::MAX_LIMIT`], never refused).
    fn audit_trail(
        &self,
        query: &AuditQuery,
    ) -> impl Future<Output = StoreResult<AuditPage>> + Send;
    /// The entries about one learner, newest first.
    fn learner_audit_trail(
        &self,
        learner: &LearnerId,
    ) -> impl Future<Output = StoreResult<Vec<AuditEntry>>> + Send;
}

/// Reconciliation with WeChat Pay's trade bill (R14).
pub trait ReconciliationStore: Send + Sync {
    /// The WeChat Pay payments applied whose [`PaymentNotice::bill_day`] is
    /// `day`: indexed in the write that applies each.
    fn payments_on(
        &self,
        day: Date,
    ) -> impl Future<Output = StoreResult<Vec<PaymentNotice>>> + Send;
    /// Saves a run's report, replacing the day's earlier one; staff's
    /// resolutions of the day stay.
    fn save_reconciliation(
        &self,
        report: &ReconciliationReport,
    ) -> impl Future<Output = StoreResult<()>> + Send;
    fn reconciliation(
        &self,
        day: Date,
    ) -> impl Future<Output = StoreResult<Option<Reconciliation>>> + Send;
    /// Records that staff applied a payment missing here, with `audit`, in
    /// one write; the same order resolved before is [`Outcome::AlreadyApplied`]
    /// and writes nothing (no second audit entry).
    fn resolve_mismatch(
        &self,
        day: Date,
        resolution: &Resolution,
        audit: &AuditEntry,
    ) -> impl Future<Output = StoreResult<Outcome>> + Send;
}

/// Everything: what the local server and the contract suite use.
pub trait Store:
    LearnerStore
    + LedgerStore
    + CardStore
    + OrderStore
    + ProgressStore
    + FilingStore
    + CertificateStore
    + InvoiceStore
    + LoginThrottleStore
    + RateLimitStore
    + SessionStore
    + RecoveryStore
    + YearStore
    + ImportStore
    + StaffStore
    + AuditStore
    + LookupStore
    + ReconciliationStore
{
}

impl<T> Store for T where
    T: LearnerStore
        + LedgerStore
        + CardStore
        + OrderStore
        + ProgressStore
        + FilingStore
        + CertificateStore
        + InvoiceStore
        + LoginThrottleStore
        + RateLimitStore
        + SessionStore
        + RecoveryStore
        + YearStore
        + ImportStore
        + StaffStore
        + AuditStore
        + LookupStore
        + ReconciliationStore
{
}
