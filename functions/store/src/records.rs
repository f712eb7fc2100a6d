//! What is kept, one struct per record. Adapters map these to their storage
//! format; nothing outside an adapter sees an item or a row.

use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use ticedu_domain::calendar::CalendarYear;
use ticedu_domain::catalogue::HourId;
use ticedu_domain::certificate::ApplicationForm;
use ticedu_domain::certificate::CertificateData;
use ticedu_domain::contact::{EmailAddress, PhoneNumber};
use ticedu_domain::cycle::{CycleNumber, LearnerCycle};
use ticedu_domain::identity::{AccountKey, IdNumber, PersonName, Username, UsernameKey};
use ticedu_domain::learner::{
    DocumentNumber, HolderDetails, LearnerCategory, LearnerKind, TitleCheck,
};
use ticedu_domain::money::Fen;
use ticedu_domain::requirement::LearnedHour;
use ticedu_domain::settings::{SettingsEntry, YearSettingsDraft};
use ticedu_domain::taxpayer::TaxpayerId;

use crate::ids::{
    CardCode, CertificateNo, InvoiceId, LearnerId, MalformedId, OrderNo, TransactionId,
};

/// Everything registration stores about a person (R1–R3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewLearner {
    pub id: LearnerId,
    /// Unique: one account per ID number (R3).
    pub account_key: AccountKey,
    /// Unique: one account per login name.
    pub username_key: UsernameKey,
    pub username: Username,
    pub name: PersonName,
    /// Sensitive (PIPL): read only by its owner and by staff.
    pub id_number: IdNumber,
    pub kind: LearnerKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<PhoneNumber>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<EmailAddress>,
    /// An argon2id PHC string; never the password.
    pub password_hash: String,
    pub registered_at: Timestamp,
}

/// A learner as stored, with what changes over time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Learner {
    #[serde(flatten)]
    pub registration: NewLearner,
    /// 元账户: always equal to the sum of the learner's ledger.
    pub balance: Fen,
    /// Always equal to the number of the learner's progress marks.
    pub marked_hours: u32,
    /// R12: took part in an earlier renewal; set by staff.
    pub returning: bool,
    /// R18: staff's check of a titled learner's details.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title_check: Option<TitleCheck>,
    /// The cycle the learner is in (R7); records from before cycles read as the first.
    #[serde(default)]
    pub cycle: CycleNumber,
    /// The expiry of the last certificate the platform issued to a new or
    /// titled learner: their next cycle renews it. (A holder's is in `kind`.)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certified_until: Option<Date>,
}

impl Learner {
    pub fn id(&self) -> &LearnerId {
        &self.registration.id
    }

    pub fn category(&self) -> LearnerCategory {
        self.registration.kind.category()
    }

    /// The day of registration, in China Standard Time.
    pub fn registered_on(&self) -> Date {
        jiff::tz::offset(8)
            .to_datetime(self.registration.registered_at)
            .date()
    }

    /// The cycle the learner is in now.
    pub fn current_cycle(&self) -> LearnerCycle {
        LearnerCycle::current(
            self.cycle,
            &self.registration.kind,
            self.registered_on(),
            self.certified_until,
        )
    }
}

/// Why the balance moved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum LedgerReason {
    /// R13: a study card was redeemed into the balance.
    CardRedeemed { card: CardCode },
    /// R13: courses were bought from the balance.
    Purchase { order: OrderNo },
}

/// One movement of a learner's balance. Its id is derived from what caused it,
/// so that one cause can never move the balance twice. (No running balance:
/// under concurrent writes it could only be kept with optimistic retries.)
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LedgerEntry {
    pub reason: LedgerReason,
    /// Credit positive, debit negative, in fen.
    pub change_fen: i64,
    pub at: Timestamp,
}

impl LedgerEntry {
    /// The entry's key within the learner's ledger.
    pub fn entry_id(reason: &LedgerReason) -> String {
        match reason {
            LedgerReason::CardRedeemed { card } => format!("CARD#{card}"),
            LedgerReason::Purchase { order } => format!("ORDER#{order}"),
        }
    }
}

/// A study card (学习卡, R13), issued by staff once a bank transfer arrived.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StudyCard {
    pub code: CardCode,
    pub value: Fen,
    /// Staff's reference, e.g. the bank transfer it pays for.
    pub note: String,
    pub issued_at: Timestamp,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redeemed: Option<Redemption>,
    /// Staff withdrew the card (lost, issued by mistake); it can no longer be redeemed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub voided: Option<Timestamp>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Redemption {
    pub by: LearnerId,
    pub at: Timestamp,
}

/// How an order was paid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentChannel {
    /// R13: from the 元账户 balance.
    Balance,
    /// R14: WeChat Pay.
    WeChatPay,
}

impl PaymentChannel {
    /// As serialised: `balance` or `we_chat_pay`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Balance => "balance",
            Self::WeChatPay => "we_chat_pay",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum OrderStatus {
    /// Waiting for WeChat Pay's notice.
    Pending,
    Paid {
        at: Timestamp,
        transaction: Option<TransactionId>,
    },
}

/// A purchase of class hours (R11–R14). The hours become the learner's
/// enrollments when it is paid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Order {
    pub no: OrderNo,
    pub learner: LearnerId,
    pub hours: Vec<HourId>,
    pub amount: Fen,
    pub channel: PaymentChannel,
    pub status: OrderStatus,
    pub created_at: Timestamp,
    /// The invoice request that covers this order, once there is one (R15).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invoice: Option<InvoiceId>,
    /// The learner's cycle when they bought: its hours are enrolled in it.
    #[serde(default)]
    pub cycle: CycleNumber,
}

/// The checked content of a WeChat Pay payment notice (R14).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentNotice {
    pub transaction: TransactionId,
    pub order: OrderNo,
    pub amount: Fen,
    pub paid_at: Timestamp,
}

/// One class hour a learner bought, in one of their cycles. An hour can be
/// bought once per cycle; one bought and not learned in its cycle stays
/// usable later (see [`Enrollment::usable_for`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Enrollment {
    pub hour: HourId,
    pub order: OrderNo,
    #[serde(default)]
    pub cycle: CycleNumber,
}

impl Enrollment {
    /// The cycle of the purchase that lets the learner learn `hour` in
    /// `current`: this cycle's, or an earlier one the hour was never learned
    /// in since (paid for and not used: nothing is lost at a renewal).
    pub fn usable_for(
        hour: &HourId,
        current: CycleNumber,
        enrollments: &[Enrollment],
        marks: &[LearnedHour],
    ) -> Option<CycleNumber> {
        let learned_since = |bought: CycleNumber| {
            marks
                .iter()
                .any(|mark| &mark.hour == hour && mark.cycle >= bought && mark.cycle < current)
        };
        enrollments
            .iter()
            .filter(|enrollment| &enrollment.hour == hour && enrollment.cycle <= current)
            .map(|enrollment| enrollment.cycle)
            .filter(|&bought| bought == current || !learned_since(bought))
            .max()
    }
}

/// R16: a holder's renewal registration (续证学习登记), one per cycle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RenewalRegistration {
    pub details: HolderDetails,
    pub filed_at: Timestamp,
    pub status: FilingStatus,
    /// R20 超期换证: the holder finished after the certificate's expiry, so
    /// staff handle the renewal; such filings wait in staff's queue.
    #[serde(default)]
    pub overdue: bool,
    #[serde(default)]
    pub cycle: CycleNumber,
    /// Staff's decision, once taken (an overdue renewal's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision: Option<StaffDecision>,
}

/// R19: a new learner's certificate application (新学员证书申请), one per
/// cycle, which staff approve before the certificate is issued.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertificateApplication {
    pub learning_started_on: Date,
    pub note: String,
    pub filed_at: Timestamp,
    pub status: FilingStatus,
    /// The application form's fields (records from before the form carry none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub form: Option<ApplicationForm>,
    #[serde(default)]
    pub cycle: CycleNumber,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision: Option<StaffDecision>,
}

/// Where a filing stands. A learner may correct it until staff accept it,
/// and file again after staff rejected it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FilingStatus {
    Filed,
    Accepted,
    Rejected,
}

/// Who on the staff decided a filing, when, and (for a rejection) why: the
/// learner reads the reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffDecision {
    pub by: String,
    pub at: Timestamp,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// Which filing staff decide on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FilingKind {
    /// The renewal registration (R16) or overdue renewal (R20), per cycle.
    Renewal,
    /// The new learner's application (R19), per cycle.
    Application,
    /// The claim to the returning learner's discount (R12), one per learner:
    /// approving it grants the discount in the same write.
    ReturningClaim,
}

/// R12: a learner who took part in an earlier renewal (before the platform,
/// or elsewhere) asks for the discount with that certificate; the notice's
/// e-mail to the association becomes this form, decided by staff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReturningClaim {
    /// The continuing-education certificate of the earlier renewal.
    pub certificate_no: DocumentNumber,
    pub expires_on: Date,
    #[serde(default)]
    pub note: String,
    pub filed_at: Timestamp,
    pub status: FilingStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision: Option<StaffDecision>,
}

/// What issuing a cycle's certificate changes besides storing it, in the
/// same transaction: the learner moves to the next cycle (the holder's expiry
/// to the new certificate's), counts as a returning learner (R12), and the
/// cycle's filing, if any, is accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CycleClosing {
    /// The cycle the certificate closes; refused if the learner is no longer in it.
    pub closes: CycleNumber,
    /// The learner's kind in the next cycle (a holder's new expiry).
    pub next_kind: LearnerKind,
    /// A new or titled learner's new certificate expiry.
    pub certified_until: Option<Date>,
    /// The cycle's filing to accept, with staff's decision when staff issue.
    pub accepts: Option<(FilingKind, Option<StaffDecision>)>,
}

impl CycleClosing {
    /// The closing of the learner's current cycle by `certificate`.
    pub fn of(learner: &Learner, certificate: &Certificate) -> Self {
        let next_kind = match &learner.registration.kind {
            LearnerKind::Holder(details) => LearnerKind::Holder(HolderDetails {
                expires_on: certificate.valid_until,
                ..details.clone()
            }),
            other => other.clone(),
        };
        let certified_until = match next_kind {
            LearnerKind::Holder(_) => None,
            LearnerKind::New(_) | LearnerKind::Titled(_) => Some(certificate.valid_until),
        };
        Self {
            closes: learner.cycle,
            next_kind,
            certified_until,
            accepts: None,
        }
    }

    pub fn accepting(mut self, filing: FilingKind, decision: Option<StaffDecision>) -> Self {
        self.accepts = Some((filing, decision));
        self
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum CertificateStatus {
    Valid,
    Revoked { reason: String, at: Timestamp },
}

/// An issued certificate (R18, R21).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Certificate {
    pub no: CertificateNo,
    pub learner: LearnerId,
    pub name: PersonName,
    pub kind: LearnerKind,
    pub cycle_start: Date,
    pub cycle_end: Date,
    pub hours: u32,
    pub issued_on: Date,
    pub valid_until: Date,
    /// SHA-256 of the canonical certificate data, hex; checked on every verification.
    pub data_hash: String,
    pub status: CertificateStatus,
    /// The learner's cycle it closes.
    #[serde(default)]
    pub cycle: CycleNumber,
}

impl Certificate {
    /// The valid certificate of `data`, with the hash of what it states taken
    /// now, so that a verification notices a record changed later.
    pub fn issue(
        learner: LearnerId,
        cycle: CycleNumber,
        data: CertificateData,
    ) -> Result<Self, MalformedId> {
        Ok(Self {
            no: CertificateNo::parse(&data.no)?,
            learner,
            cycle,
            data_hash: data.hash(),
            name: data.name,
            kind: data.kind,
            cycle_start: data.cycle_start,
            cycle_end: data.cycle_end,
            hours: data.hours,
            issued_on: data.issued_on,
            valid_until: data.valid_until,
            status: CertificateStatus::Valid,
        })
    }
}

/// R12: a person took part in a renewal before the platform existed, as the
/// association's register shows. Kept under the person's [`AccountKey`]
/// (never the ID number), whether or not they have an account yet; their
/// registration finds it and makes them a returning learner.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PriorRecord {
    /// The imported certificates that show it, in the order they were imported.
    pub certificates: Vec<CertificateNo>,
}

impl Certificate {
    /// A certificate the association issued before the platform (from its
    /// register, see `ticedu_domain::import`), hashed exactly like one the
    /// platform issues, so that verification treats both alike. Its learner
    /// is the one its holder's registration will get
    /// ([`LearnerId::of_account`]); the store keeps it under their account
    /// instead when they have one. It closes no platform cycle: its `cycle`
    /// is the first, as for every record from before cycles.
    pub fn imported(
        account: &AccountKey,
        data: CertificateData,
        revoked_before: Option<Timestamp>,
    ) -> Result<Self, MalformedId> {
        let mut certificate =
            Self::issue(LearnerId::of_account(account), CycleNumber::FIRST, data)?;
        if let Some(at) = revoked_before {
            certificate.status = CertificateStatus::Revoked {
                reason: IMPORTED_REVOCATION.to_owned(),
                at,
            };
        }
        Ok(certificate)
    }
}

/// The reason shown for a certificate the association's register lists as
/// revoked; its date is the import's, the register giving none.
pub const IMPORTED_REVOCATION: &str = "本平台启用前已由协会撤销（导入记录） Revoked by the association before this platform (imported)";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InvoiceStatus {
    Requested,
    Issued,
}

impl InvoiceStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Requested => "requested",
            Self::Issued => "issued",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum InvoiceDelivery {
    /// The default (R15).
    Electronic,
    /// Shipped cash on delivery (到付).
    Paper { address: String },
}

/// R15: 开具发票, for one or more paid orders.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceRequest {
    pub id: InvoiceId,
    pub learner: LearnerId,
    pub orders: Vec<OrderNo>,
    pub amount: Fen,
    pub buyer_name: String,
    /// The 18-character unified social credit code.
    pub taxpayer_id: TaxpayerId,
    pub email: EmailAddress,
    pub delivery: InvoiceDelivery,
    pub requested_at: Timestamp,
    pub status: InvoiceStatus,
}

/// A fixed window of login attempts: failures are counted per window, and a
/// window's record expires with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThrottleWindow {
    pub index: i64,
    /// When the window's record can be forgotten (DynamoDB TTL).
    pub expires_at: Timestamp,
}

impl ThrottleWindow {
    /// The window of `seconds` that contains `now`.
    pub fn containing(now: Timestamp, seconds: i64) -> Self {
        let seconds = seconds.max(1);
        let index = now.as_second().div_euclid(seconds);
        let end = (index + 1) * seconds;
        Self {
            index,
            expires_at: Timestamp::from_second(end).unwrap_or(Timestamp::MAX),
        }
    }
}

/// Which half of a year staff edit: the association's settings or the State
/// Council's working-day calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum YearPart {
    Settings,
    Calendar,
}

impl YearPart {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Settings => "settings",
            Self::Calendar => "calendar",
        }
    }
}

/// One year's settings or one year's calendar, validated again when read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "part", content = "value", rename_all = "snake_case")]
pub enum YearData {
    Settings(SettingsEntry),
    Calendar(CalendarYear),
}

impl YearData {
    pub fn year(&self) -> i16 {
        match self {
            Self::Settings(entry) => entry.year(),
            Self::Calendar(calendar) => calendar.year(),
        }
    }

    pub fn part(&self) -> YearPart {
        match self {
            Self::Settings(_) => YearPart::Settings,
            Self::Calendar(_) => YearPart::Calendar,
        }
    }

    /// The fields whose value differs from `before` (every field when there was none).
    pub fn changed_from(&self, before: Option<&YearData>) -> Vec<&'static str> {
        fn differ(pairs: &[(&'static str, bool)]) -> Vec<&'static str> {
            pairs
                .iter()
                .filter(|(_, same)| !same)
                .map(|(f, _)| *f)
                .collect()
        }
        match (self, before) {
            (Self::Settings(after), Some(Self::Settings(before))) => {
                let (a, b): (YearSettingsDraft, YearSettingsDraft) =
                    (after.clone().into(), before.clone().into());
                differ(&[
                    ("source", a.source == b.source),
                    (
                        "price_per_hour_fen",
                        a.price_per_hour_fen == b.price_per_hour_fen,
                    ),
                    (
                        "batch_expiry_dates",
                        a.batch_expiry_dates == b.batch_expiry_dates,
                    ),
                    (
                        "certificate_available_after_working_days",
                        a.certificate_available_after_working_days
                            == b.certificate_available_after_working_days,
                    ),
                    (
                        "returning_learner_free_mandatory",
                        a.returning_learner_free_mandatory == b.returning_learner_free_mandatory,
                    ),
                ])
            }
            (Self::Calendar(after), Some(Self::Calendar(before))) => differ(&[
                ("source", after.source() == before.source()),
                ("holidays", after.holidays() == before.holidays()),
                ("workdays", after.workdays() == before.workdays()),
            ]),
            (Self::Settings(_), _) => vec![
                "source",
                "price_per_hour_fen",
                "batch_expiry_dates",
                "certificate_available_after_working_days",
                "returning_learner_free_mandatory",
            ],
            (Self::Calendar(_), _) => vec!["source", "holidays", "workdays"],
        }
    }
}

/// A year's settings or calendar as staff saved it last. `version` counts
/// the saves of this year's part from 1; an edit names the version it read,
/// so that of two concurrent edits the second is refused instead of lost.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredYear {
    pub data: YearData,
    pub version: u32,
    pub saved_by: String,
    pub saved_at: Timestamp,
}

/// One staff edit of a year, for the audit trail: written in the same
/// transaction as the edit itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct YearChange {
    pub year: i16,
    pub part: YearPart,
    /// The version this edit made.
    pub version: u32,
    /// The staff member (`AuthStaff::staff`).
    pub by: String,
    pub at: Timestamp,
    /// The fields that differ from `before`.
    pub changed: Vec<String>,
    /// What was in effect before: staff's last save or the bundled data file; `None` for a new year.
    pub before: Option<YearData>,
    pub after: YearData,
    /// Why, when the edit corrects what was already relied on (see `ticedu_domain::years`).
    pub correction: Option<String>,
}

impl StoredYear {
    /// The record of saving `data` over the stored `version` (0: never saved by staff).
    pub fn saved(data: YearData, read_version: u32, by: &str, at: Timestamp) -> Self {
        Self {
            data,
            version: read_version.saturating_add(1),
            saved_by: by.to_owned(),
            saved_at: at,
        }
    }

    /// This save's audit entry, against what was in effect `before` it.
    pub fn change(&self, before: Option<YearData>, correction: Option<String>) -> YearChange {
        YearChange {
            year: self.data.year(),
            part: self.data.part(),
            version: self.version,
            by: self.saved_by.clone(),
            at: self.saved_at,
            changed: self
                .data
                .changed_from(before.as_ref())
                .into_iter()
                .map(str::to_owned)
                .collect(),
            before,
            after: self.data.clone(),
            correction,
        }
    }
}

impl YearChange {
    /// Sorts changes in time, then by year, part and version: unique per
    /// change, since a year's part takes each version once.
    pub fn sort_key(&self) -> String {
        format!(
            "{:020}#{}#{}#{:010}",
            self.at.as_nanosecond().max(0),
            self.year,
            self.part.as_str(),
            self.version
        )
    }
}
