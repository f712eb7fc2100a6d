//! What is kept, one struct per record. Adapters map these to their storage
//! format; nothing outside an adapter sees an item or a row.

use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use ticedu_domain::catalogue::HourId;
use ticedu_domain::certificate::CertificateData;
use ticedu_domain::contact::{EmailAddress, PhoneNumber};
use ticedu_domain::cycle::{CycleNumber, LearnerCycle};
use ticedu_domain::identity::{AccountKey, IdNumber, LookupKey, PersonName, Username, UsernameKey};
use ticedu_domain::invoice::FapiaoNumber;
use ticedu_domain::learner::{LearnerCategory, LearnerKind, TitleCheck};
use ticedu_domain::money::Fen;
use ticedu_domain::requirement::LearnedHour;
use ticedu_domain::staff::StaffName;
use ticedu_domain::taxpayer::TaxpayerId;
use ticedu_domain::wechat_pay::OpenId;

mod filings;
mod reconciliation;
mod sessions;
mod staff;
mod years;

pub use filings::*;
pub use reconciliation::*;
pub use sessions::*;
pub use staff::*;
pub use years::*;

use crate::ids::{
    CardCode, CertificateNo, InvoiceId, LearnerId, MalformedId, OrderNo, RefundNo, TransactionId,
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
    /// The keys staff find this learner by ([`LookupKey::all_of`] the name,
    /// phone and e-mail); each store indexes them with the registration.
    /// Empty on records from before the index: [`LearnerStore::index_lookups`] fills them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lookups: Vec<LookupKey>,
}

impl NewLearner {
    /// This registration with `corrected`'s name, username, contact details
    /// and look-up keys: what staff may correct.
    pub fn with_correction(&self, corrected: &NewLearner) -> Self {
        Self {
            name: corrected.name.clone(),
            username: corrected.username.clone(),
            username_key: corrected.username_key.clone(),
            phone: corrected.phone.clone(),
            email: corrected.email.clone(),
            lookups: corrected.lookups.clone(),
            ..self.clone()
        }
    }
}

/// The lesson a learner has open: one at a time, so that two hours never
/// run at once. `since` is when it was opened (the platform's clock).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenLesson {
    pub hour: HourId,
    pub cycle: CycleNumber,
    pub since: Timestamp,
}

/// Where a learner stands in one hour's lesson: time studied in earlier
/// sittings (banked when another lesson was opened) and, if this lesson is
/// the open one, since when.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct LessonTime {
    pub banked_seconds: u32,
    pub open_since: Option<Timestamp>,
}

impl LessonTime {
    /// Seconds studied by `now`.
    pub fn studied_at(&self, now: Timestamp) -> u32 {
        let running = self.open_since.map_or(0, |since| {
            u32::try_from((now.as_second() - since.as_second()).max(0)).unwrap_or(u32::MAX)
        });
        self.banked_seconds.saturating_add(running)
    }
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
    /// The learner's openid for the association's official account, as
    /// WeChat's web authorisation gave it: whom JSAPI orders are made out to.
    /// Personal data: never logged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wechat_openid: Option<OpenId>,
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
    /// Finance refunded (part of) an order bought from the balance.
    Refund { refund: RefundNo },
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
            LedgerReason::Refund { refund } => format!("REFUND#{refund}"),
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

/// Where an order is in its life:
///
/// ```text
/// Pending ──notice, query, bill──> Paid
///    │                              ^
///    └──cancelled, expired──> Closed ┘ (money that arrives anyway is taken, then refunded if the hours are owned)
/// ```
/// Balance purchases are `Paid` from the start. Refunds do not change the
/// status: they are listed on the order ([`Order::refunds`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum OrderStatus {
    /// Waiting for WeChat Pay's notice; its hours are reserved until [`Order::expires_at`].
    Pending,
    Paid {
        at: Timestamp,
        transaction: Option<TransactionId>,
    },
    /// Closed unpaid: WeChat Pay takes no payment for it any more.
    Closed { at: Timestamp, reason: CloseReason },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CloseReason {
    /// The learner cancelled it.
    Cancelled,
    /// Nobody paid before its `time_expire`.
    Expired,
}

impl CloseReason {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Cancelled => "cancelled",
            Self::Expired => "expired",
        }
    }
}

/// Money given back for some of an order's hours, which are withdrawn in the
/// same write.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refund {
    pub no: RefundNo,
    pub hours: Vec<HourId>,
    pub amount: Fen,
    pub reason: RefundReason,
    pub requested_at: Timestamp,
    pub status: RefundStatus,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RefundReason {
    /// WeChat Pay's money arrived for hours the learner owned by then (paid
    /// twice): the platform gives it back on its own.
    AlreadyOwned,
    /// Finance refunded it; `learned` hours were withdrawn although marked 学过了,
    /// which staff had to confirm.
    Staff {
        by: StaffName,
        note: String,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        learned: Vec<HourId>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum RefundStatus {
    /// Recorded; WeChat Pay is (or is to be) asked, which is safe to repeat.
    Requested,
    /// The money is back: in the balance, or WeChat Pay said so.
    Succeeded { at: Timestamp },
    /// WeChat Pay could not return it (closed, abnormal): finance follows up.
    Failed { at: Timestamp, state: String },
}

/// An hour held by a pending WeChat Pay order, so that no other order or
/// purchase takes it while the learner pays: it lapses at `until`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reservation {
    pub order: OrderNo,
    pub until: Timestamp,
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
    /// WeChat Pay orders: WeChat Pay's `time_expire`, when a pending order
    /// stops holding its hours.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<Timestamp>,
    /// Oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub refunds: Vec<Refund>,
}

/// The checked content of a WeChat Pay payment notice (R14).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentNotice {
    pub transaction: TransactionId,
    pub order: OrderNo,
    pub amount: Fen,
    pub paid_at: Timestamp,
    /// WeChat Pay's `success_time`: the trade bill dates the payment by it
    /// (see [`PaymentNotice::bill_day`]). None on notices stored before it was kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub success_time: Option<Timestamp>,
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
    /// Shipped cash on delivery (到付) to a named recipient (none on
    /// requests made before recipients were asked for).
    Paper {
        address: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        recipient: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        phone: Option<String>,
    },
}

/// R15: 开具发票, for one or more paid orders.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceRequest {
    pub id: InvoiceId,
    pub learner: LearnerId,
    pub orders: Vec<OrderNo>,
    pub amount: Fen,
    pub buyer_name: String,
    /// A company's 18-character unified social credit code; none for a
    /// personal invoice.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub taxpayer_id: Option<TaxpayerId>,
    pub email: EmailAddress,
    pub delivery: InvoiceDelivery,
    pub requested_at: Timestamp,
    pub status: InvoiceStatus,
    /// What staff recorded when they issued it (none on requests issued
    /// before invoice numbers were kept).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issued: Option<IssuedInvoice>,
}

/// The invoice staff issued in the tax system for a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssuedInvoice {
    pub number: FapiaoNumber,
    pub issued_at: Timestamp,
    pub by: StaffName,
}

/// What a [`crate::RateLimitStore`] counts. Its text names the limit and
/// the thing limited, never a person: no ID number, name or username.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RateKey(String);

impl RateKey {
    /// Public verification's name checks of one certificate, by anyone.
    pub fn name_checks(no: &crate::ids::CertificateNo) -> Self {
        Self(format!("name-check:{no}"))
    }

    /// One caller's uses of a public route (`limit` names the route's limit),
    /// the caller known by their address. The address is kept only as a
    /// digest, and only for the window (DynamoDB's TTL).
    /// Password-recovery codes asked for one account name, whether or not an
    /// account has it (so the limit tells nothing); `subject` is already a
    /// keyed hash of the name.
    pub fn recovery_requests(subject: &UsernameKey) -> Self {
        Self(format!("recovery:{}", subject.as_str()))
    }

    pub fn caller(limit: &str, address: &str) -> Self {
        use sha2::Digest;
        let digest = sha2::Sha256::digest(address.as_bytes());
        Self(format!("caller:{limit}:{}", hex::encode(&digest[..16])))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
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
