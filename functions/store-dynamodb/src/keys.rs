//! Every item's key: the single-table design in code. See the crate docs for
//! the access patterns each key serves.

use std::collections::HashMap;

use aws_sdk_dynamodb::types::AttributeValue;
use ticedu_domain::catalogue::HourId;
use ticedu_domain::cycle::CycleNumber;
use ticedu_domain::identity::{AccountKey, LookupKey, UsernameKey};
use ticedu_domain::staff::StaffName;
use ticedu_store::ids::{
    CardCode, CertificateNo, InvoiceId, LearnerId, OrderNo, SessionId, TransactionId, in_cycle,
};
use ticedu_store::records::{AuditEntry, RateKey, YearChange, YearPart};

use crate::table::{PARTITION_KEY, SORT_KEY};

pub type Item = HashMap<String, AttributeValue>;

/// A primary key: partition and sort key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Key {
    pub pk: String,
    pub sk: String,
}

impl Key {
    fn new(pk: String, sk: impl Into<String>) -> Self {
        Self { pk, sk: sk.into() }
    }

    pub fn item(&self) -> Item {
        HashMap::from([
            (PARTITION_KEY.to_owned(), AttributeValue::S(self.pk.clone())),
            (SORT_KEY.to_owned(), AttributeValue::S(self.sk.clone())),
        ])
    }
}

pub fn learner_partition(id: &LearnerId) -> String {
    format!("LEARNER#{id}")
}

pub fn profile(id: &LearnerId) -> Key {
    Key::new(learner_partition(id), "PROFILE")
}

pub fn account(key: &AccountKey) -> Key {
    Key::new(format!("ACCOUNT#{}", key.as_str()), "ACCOUNT")
}

pub fn username(key: &UsernameKey) -> Key {
    Key::new(format!("USERNAME#{}", key.as_str()), "USERNAME")
}

/// One item per learner a name, phone or e-mail finds (its HMAC, never the
/// value): a partition per key, listed by a Query.
pub const LOOKUP_PREFIX: &str = "LOOKUP#";

pub fn lookup_partition(key: &LookupKey) -> String {
    format!("{LOOKUP_PREFIX}{}", key.as_str())
}

pub fn lookup(key: &LookupKey, learner: &LearnerId) -> Key {
    Key::new(lookup_partition(key), learner.as_str())
}

pub const LEDGER_PREFIX: &str = "LEDGER#";

pub fn ledger(id: &LearnerId, entry_id: &str) -> Key {
    Key::new(learner_partition(id), format!("{LEDGER_PREFIX}{entry_id}"))
}

pub fn card(code: &CardCode) -> Key {
    Key::new(format!("CARD#{code}"), "CARD")
}

pub fn order(no: &OrderNo) -> Key {
    Key::new(format!("ORDER#{no}"), "ORDER")
}

pub fn notice(transaction: &TransactionId) -> Key {
    Key::new(format!("NOTICE#{transaction}"), "NOTICE")
}

pub const ENROLLMENT_PREFIX: &str = "HOUR#";

/// An hour bought in a cycle: `HOUR#<hour>`, with `@<n>` from the second cycle
/// (items written before cycles existed are the first cycle's, unchanged).
pub fn enrollment(id: &LearnerId, cycle: CycleNumber, hour: &HourId) -> Key {
    Key::new(
        learner_partition(id),
        in_cycle(&format!("{ENROLLMENT_PREFIX}{hour}"), cycle),
    )
}

pub const RESERVATION_PREFIX: &str = "RESERVED#";

/// An hour a pending order holds, in its cycle (see [`enrollment`]).
pub fn reservation(id: &LearnerId, cycle: CycleNumber, hour: &HourId) -> Key {
    Key::new(
        learner_partition(id),
        in_cycle(&format!("{RESERVATION_PREFIX}{hour}"), cycle),
    )
}

pub const MARK_PREFIX: &str = "MARK#";

pub fn mark(id: &LearnerId, cycle: CycleNumber, hour: &HourId) -> Key {
    Key::new(
        learner_partition(id),
        in_cycle(&format!("{MARK_PREFIX}{hour}"), cycle),
    )
}

/// The learner's open lesson: one item, its `open` attribute removed when
/// the lesson closes, so that every change is an Update on one key.
pub fn open_lesson(id: &LearnerId) -> Key {
    Key::new(learner_partition(id), "OPEN_LESSON")
}

pub const LESSON_TIME_PREFIX: &str = "LESSON#";

/// The seconds banked in an hour's lesson of a cycle, beside its mark.
pub fn lesson_time(id: &LearnerId, cycle: CycleNumber, hour: &HourId) -> Key {
    Key::new(
        learner_partition(id),
        in_cycle(&format!("{LESSON_TIME_PREFIX}{hour}"), cycle),
    )
}

pub fn renewal(id: &LearnerId, cycle: CycleNumber) -> Key {
    Key::new(learner_partition(id), in_cycle("RENEWAL", cycle))
}

pub fn application(id: &LearnerId, cycle: CycleNumber) -> Key {
    Key::new(learner_partition(id), in_cycle("APPLICATION", cycle))
}

/// The learner's claim to the returning discount (R12): one per learner.
pub fn returning_claim(id: &LearnerId) -> Key {
    Key::new(learner_partition(id), "RETURNING_CLAIM")
}

pub fn certificate(no: &CertificateNo) -> Key {
    Key::new(format!("CERT#{no}"), "CERT")
}

pub fn invoice(id: &InvoiceId) -> Key {
    Key::new(format!("INVOICE#{id}"), "INVOICE")
}

pub fn recovery_code(id: &LearnerId) -> Key {
    Key::new(learner_partition(id), "RECOVERY")
}

pub fn session(id: &SessionId) -> Key {
    Key::new(format!("SESSION#{id}"), "SESSION")
}

pub fn throttle(key: &UsernameKey, window: i64) -> Key {
    Key::new(format!("THROTTLE#{}#{window}", key.as_str()), "THROTTLE")
}

pub fn rate_limit(key: &RateKey, window: i64) -> Key {
    Key::new(format!("LIMIT#{}#{window}", key.as_str()), "LIMIT")
}

/// GSI1 partitions.
pub const CARDS: &str = "CARDS";
pub const PENDING_TITLE_CHECKS: &str = "TITLECHECK#pending";
/// gsi1 partition of overdue renewals (R20) waiting for staff, sorted by `<filed ms>#<learner>`.
pub const OVERDUE_RENEWALS: &str = "RENEWAL#overdue";
/// gsi1 partition of new learners' applications (R19) waiting for staff, sorted likewise.
pub const PENDING_APPLICATIONS: &str = "APPLICATION#pending";
/// gsi1 partition of returning-discount claims (R12) waiting for staff, sorted likewise.
pub const PENDING_RETURNING_CLAIMS: &str = "RETURNING#pending";
pub const GSI1_ORDER_PREFIX: &str = "ORDER#";
pub const GSI1_CERTIFICATE_PREFIX: &str = "CERT#";

pub fn invoices_with_status(status: &str) -> String {
    format!("INVOICES#{status}")
}

/// The partition of every year staff saved: settings and calendars, read in one Query.
pub const YEARS: &str = "YEARS";

/// A year's settings or calendar as staff saved it: `SETTINGS#2027`, `CALENDAR#2027`.
pub fn stored_year(part: YearPart, year: i16) -> Key {
    let part = match part {
        YearPart::Settings => "SETTINGS",
        YearPart::Calendar => "CALENDAR",
    };
    Key::new(YEARS.to_owned(), format!("{part}#{year}"))
}

/// The audit trail of year edits, kept apart from [`YEARS`] so that reading
/// the years never reads the ever-growing trail.
pub const YEAR_CHANGES: &str = "YEARS#CHANGES";

pub fn year_change(change: &YearChange) -> Key {
    Key::new(YEAR_CHANGES.to_owned(), change.sort_key())
}

/// R12: a person's earlier renewals, by the HMAC of their ID number, as the account item.
pub fn prior_record(key: &AccountKey) -> Key {
    Key::new(format!("PRIOR#{}", key.as_str()), "PRIOR")
}

/// The partition of every staff account: a handful of items, listed by one
/// consistent Query (an administrator sees a change they just made).
pub const STAFF: &str = "STAFF";
pub const STAFF_ACCOUNT_PREFIX: &str = "ACCOUNT#";

pub fn staff_account(name: &StaffName) -> Key {
    Key::new(STAFF.to_owned(), format!("{STAFF_ACCOUNT_PREFIX}{name}"))
}

/// Written once, with the first administrator from the deployment's secret;
/// it outlives that account so that the secret never brings it back.
pub fn staff_bootstrapped() -> Key {
    Key::new("STAFF#BOOTSTRAPPED".to_owned(), "MARKER")
}

/// The whole audit trail, in one partition sorted by time: staff actions are
/// a few a minute, far below a partition's write limit, and one partition
/// reads newest first, a page at a time, with one consistent Query.
pub const AUDIT: &str = "AUDIT";
/// gsi1 sort-key prefix of a learner's audit entries, under `LEARNER#<id>`
/// beside their orders and certificates.
pub const GSI1_AUDIT_PREFIX: &str = "AUDIT#";

pub fn audit_entry(entry: &AuditEntry) -> Key {
    Key::new(AUDIT.to_owned(), entry.sort_key())
}

/// gsi1 partition of the WeChat Pay payments applied on a day (their bill's
/// day, China time), on each applied notice: `PAID#2026-12-01` / transaction id.
pub fn paid_on(day: jiff::civil::Date) -> String {
    format!("PAID#{day}")
}

/// A day's reconciliation: its report and staff's resolutions, one partition.
pub fn reconciliation_partition(day: jiff::civil::Date) -> String {
    format!("RECON#{day}")
}

pub const RECONCILIATION_REPORT: &str = "REPORT";
pub const RESOLUTION_PREFIX: &str = "RESOLVED#";

pub fn reconciliation_report(day: jiff::civil::Date) -> Key {
    Key::new(reconciliation_partition(day), RECONCILIATION_REPORT)
}

pub fn resolution(day: jiff::civil::Date, order: &OrderNo) -> Key {
    Key::new(
        reconciliation_partition(day),
        format!("{RESOLUTION_PREFIX}{order}"),
    )
}
