//! The tables of the database file. JSON values are the records of
//! `ticedu_store::records`; `(learner, key)` tables keep one learner's rows together.

use redb::{TableDefinition, TableError, WriteTransaction};

pub(crate) type Json = &'static [u8];
/// `(learner, key)`, or `(status, key)`: rows kept together by their first half.
pub(crate) type PerLearner = (&'static str, &'static str);

/// (lookup key, learner id): the learners staff find by a name, phone or e-mail.
pub const LOOKUPS: TableDefinition<PerLearner, ()> = TableDefinition::new("lookups");
/// learner id → [`ticedu_store::records::Learner`]
pub const LEARNERS: TableDefinition<&str, Json> = TableDefinition::new("learners");
/// account key (HMAC of the ID number) → learner id: R3's uniqueness.
pub const ACCOUNTS: TableDefinition<&str, &str> = TableDefinition::new("accounts");
/// username key → learner id.
pub const USERNAMES: TableDefinition<&str, &str> = TableDefinition::new("usernames");
/// (learner, entry id) → ledger entry.
pub const LEDGER: TableDefinition<PerLearner, Json> = TableDefinition::new("ledger");
/// card code → study card.
pub const CARDS: TableDefinition<&str, Json> = TableDefinition::new("cards");
/// order number → order.
pub const ORDERS: TableDefinition<&str, Json> = TableDefinition::new("orders");
/// (learner, order number) → creation time in ns, for listing a learner's orders.
pub const LEARNER_ORDERS: TableDefinition<PerLearner, i64> = TableDefinition::new("learner_orders");
/// WeChat Pay transaction id → the applied notice.
pub const NOTICES: TableDefinition<&str, Json> = TableDefinition::new("payment_notices");
/// (learner, hour id, `@<cycle>` after the first) → enrollment.
pub const ENROLLMENTS: TableDefinition<PerLearner, Json> = TableDefinition::new("enrollments");
/// (learner, hour id, `@<cycle>` after the first) → the pending order holding the hour.
pub const RESERVATIONS: TableDefinition<PerLearner, Json> = TableDefinition::new("reservations");
/// (learner, hour id, `@<cycle>` after the first) → progress mark.
pub const MARKS: TableDefinition<PerLearner, Json> = TableDefinition::new("marks");
/// learner → [`ticedu_store::records::OpenLesson`]: the one lesson open, if any.
pub const OPEN_LESSONS: TableDefinition<&str, Json> = TableDefinition::new("open_lessons");
/// (learner, hour id, `@<cycle>` after the first) → seconds banked in that
/// hour's lesson from sittings that ended.
pub const LESSON_TIMES: TableDefinition<PerLearner, u32> = TableDefinition::new("lesson_times");
/// learner (`@<cycle>` after the first, see `ticedu_store::ids::in_cycle`) → renewal registration.
pub const RENEWALS: TableDefinition<&str, Json> = TableDefinition::new("renewals");
/// learner (`@<cycle>` after the first) → certificate application.
pub const APPLICATIONS: TableDefinition<&str, Json> = TableDefinition::new("applications");
/// learner → claim to the returning discount (R12).
pub const RETURNING_CLAIMS: TableDefinition<&str, Json> = TableDefinition::new("returning_claims");
/// claims waiting for staff, by learner.
pub const PENDING_RETURNING_CLAIMS: TableDefinition<&str, ()> =
    TableDefinition::new("pending_returning_claims");
/// applications (R19) waiting for staff, by their row in `applications`.
pub const PENDING_APPLICATIONS: TableDefinition<&str, ()> =
    TableDefinition::new("pending_applications");
/// learners whose title details wait for staff.
pub const PENDING_TITLE_CHECKS: TableDefinition<&str, ()> =
    TableDefinition::new("pending_title_checks");
/// overdue renewals (R20) waiting for staff, by their row in `renewals`.
pub const OVERDUE_RENEWALS: TableDefinition<&str, ()> = TableDefinition::new("overdue_renewals");
/// certificate number → certificate.
pub const CERTIFICATES: TableDefinition<&str, Json> = TableDefinition::new("certificates");
/// (learner, certificate number).
pub const LEARNER_CERTIFICATES: TableDefinition<PerLearner, ()> =
    TableDefinition::new("learner_certificates");
/// invoice id → invoice request.
pub const INVOICES: TableDefinition<&str, Json> = TableDefinition::new("invoices");
/// (status, invoice id), for staff's queue.
pub const INVOICES_BY_STATUS: TableDefinition<PerLearner, ()> =
    TableDefinition::new("invoices_by_status");
/// account key (HMAC of the ID number) → [`ticedu_store::records::PriorRecord`]:
/// R12, renewals before the platform, imported by staff.
pub const PRIOR_RECORDS: TableDefinition<&str, Json> = TableDefinition::new("prior_records");
/// (username key, window index) → failed logins in that window.
pub const THROTTLE: TableDefinition<(&str, i64), u32> = TableDefinition::new("login_throttle");
/// (part, year) → the year's settings or calendar as staff saved it.
pub const YEARS: TableDefinition<(&str, i16), Json> = TableDefinition::new("years");
/// change sort key (time, year, part, version) → the audit entry of a year edit.
pub const YEAR_CHANGES: TableDefinition<&str, Json> = TableDefinition::new("year_changes");
/// staff name → [`ticedu_store::records::StaffAccount`].
pub const STAFF: TableDefinition<&str, Json> = TableDefinition::new("staff_accounts");
/// Once-in-the-store's-life facts, by name: [`STAFF_BOOTSTRAPPED`].
pub const MARKERS: TableDefinition<&str, ()> = TableDefinition::new("markers");
/// The marker of the first administrator's creation from the deployment's secret.
pub const STAFF_BOOTSTRAPPED: &str = "STAFF#BOOTSTRAPPED";
/// entry sort key (time, nonce) → [`ticedu_store::records::AuditEntry`]: the whole trail.
pub const AUDIT: TableDefinition<&str, Json> = TableDefinition::new("audit");
/// (learner, entry sort key): the entries about one learner, in `audit`.
pub const LEARNER_AUDIT: TableDefinition<PerLearner, ()> = TableDefinition::new("learner_audit");

/// Creates every table, so that read transactions never meet a missing one.
pub fn create_all_tables(txn: &WriteTransaction) -> Result<(), TableError> {
    txn.open_table(LEARNERS)?;
    txn.open_table(LOOKUPS)?;
    txn.open_table(ACCOUNTS)?;
    txn.open_table(USERNAMES)?;
    txn.open_table(LEDGER)?;
    txn.open_table(CARDS)?;
    txn.open_table(ORDERS)?;
    txn.open_table(LEARNER_ORDERS)?;
    txn.open_table(NOTICES)?;
    txn.open_table(ENROLLMENTS)?;
    txn.open_table(RESERVATIONS)?;
    txn.open_table(MARKS)?;
    txn.open_table(OPEN_LESSONS)?;
    txn.open_table(LESSON_TIMES)?;
    txn.open_table(RENEWALS)?;
    txn.open_table(APPLICATIONS)?;
    txn.open_table(PENDING_APPLICATIONS)?;
    txn.open_table(RETURNING_CLAIMS)?;
    txn.open_table(PENDING_RETURNING_CLAIMS)?;
    txn.open_table(PENDING_TITLE_CHECKS)?;
    txn.open_table(OVERDUE_RENEWALS)?;
    txn.open_table(CERTIFICATES)?;
    txn.open_table(LEARNER_CERTIFICATES)?;
    txn.open_table(INVOICES)?;
    txn.open_table(INVOICES_BY_STATUS)?;
    txn.open_table(THROTTLE)?;
    txn.open_table(YEARS)?;
    txn.open_table(YEAR_CHANGES)?;
    txn.open_table(PRIOR_RECORDS)?;
    txn.open_table(STAFF)?;
    txn.open_table(MARKERS)?;
    txn.open_table(AUDIT)?;
    txn.open_table(LEARNER_AUDIT)?;
    crate::reconciliation::create_tables(txn)?;
    crate::sessions::create_tables(txn)?;
    Ok(())
}
