//! Staff accounts and the audit trail of what staff do.

use std::fmt;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use ticedu_domain::staff::{DisplayName, StaffName, StaffRoles};

use crate::ids::LearnerId;

/// A staff member's account. `version` counts saves from 1: a save names
/// the version it read, so of two concurrent changes (two logins with one
/// TOTP code, an administrator disabling an account while its owner logs
/// in) the second is refused instead of overwriting the first.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffAccount {
    pub name: StaffName,
    pub display_name: DisplayName,
    pub roles: StaffRoles,
    /// Argon2id PHC string.
    pub password_hash: String,
    pub disabled: bool,
    pub totp: TotpState,
    /// SHA-256 (hex) of each recovery code not used yet.
    #[serde(default)]
    pub recovery_codes: Vec<String>,
    pub created_at: Timestamp,
    /// Who created the account: an administrator, or the account itself when
    /// it was bootstrapped from the deployment's secret.
    pub created_by: StaffName,
    pub version: u32,
}

impl fmt::Debug for StaffAccount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The hash, the TOTP secret and the recovery codes stay out of logs.
        f.debug_struct("StaffAccount")
            .field("name", &self.name)
            .field("roles", &self.roles)
            .field("disabled", &self.disabled)
            .field("totp_enrolled", &self.totp.is_active())
            .field("version", &self.version)
            .finish_non_exhaustive()
    }
}

impl StaffAccount {
    /// The account as its next save writes it: same name, next version.
    pub fn next_version(&self) -> Self {
        Self {
            version: self.version.saturating_add(1),
            ..self.clone()
        }
    }
}

/// Two-factor log-in (RFC 6238) of one account.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum TotpState {
    /// Created or reset by an administrator: the next log-in enrols.
    NotEnrolled,
    /// A secret was shown to its owner, who has not yet proved with a code
    /// that the authenticator app holds it.
    Pending { secret: String },
    /// `secret` is base32 (RFC 4648, no padding); `last_step` is the time
    /// step of the last code accepted: a code is good once.
    Active { secret: String, last_step: u64 },
}

impl TotpState {
    pub fn is_active(&self) -> bool {
        matches!(self, Self::Active { .. })
    }
}

/// What a staff member did. Each staff action that changes the store writes
/// one entry in the same transaction as its change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditAction {
    StaffLoggedIn,
    StaffTotpEnrolled,
    StaffRecoveryCodeUsed,
    StaffAccountCreated,
    StaffAccountChanged,
    StaffPasswordReset,
    StaffTotpReset,
    CardsIssued,
    CardVoided,
    ReturningSet,
    ReturningClaimDecided,
    TitleCheckDecided,
    ApplicationDecided,
    OverdueRenewalDecided,
    CertificateRevoked,
    CertificateReissued,
    InvoiceIssued,
    OrderRefunded,
    LearnerCorrected,
    IdNumberRevealed,
    YearSaved,
    CertificateImported,
    /// A WeChat Pay payment the trade bill showed and no notice brought, applied by finance.
    MissingPaymentApplied,
}

/// One field a staff action changed. Never an ID number in clear: a change
/// to one is recorded as `changed` on both sides.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldChange {
    pub field: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<String>,
}

impl FieldChange {
    pub fn new(field: &str, before: Option<String>, after: Option<String>) -> Self {
        Self {
            field: field.to_owned(),
            before,
            after,
        }
    }
}

/// One entry of the audit trail: who did what, when, to whom, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub at: Timestamp,
    pub by: StaffName,
    pub action: AuditAction,
    /// The learner the action concerns, if any: their own trail lists it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub learner: Option<LearnerId>,
    /// What else it concerns: a card code, an order or certificate number,
    /// an invoice, a year's part, a staff account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(default)]
    pub changes: Vec<FieldChange>,
    /// Unique among entries of the same instant (clocks in tests and demos
    /// stand still): random, from [`AuditEntry::new`].
    pub nonce: String,
}

impl AuditEntry {
    pub fn new(by: &StaffName, action: AuditAction, at: Timestamp) -> Self {
        let mut bytes = [0u8; 8];
        getrandom::fill(&mut bytes).expect("the operating system's random source works");
        Self {
            at,
            by: by.clone(),
            action,
            learner: None,
            subject: None,
            reason: None,
            changes: Vec::new(),
            nonce: hex::encode(bytes),
        }
    }

    pub fn learner(mut self, learner: &LearnerId) -> Self {
        self.learner = Some(learner.clone());
        self
    }

    pub fn subject(mut self, subject: impl Into<String>) -> Self {
        self.subject = Some(subject.into());
        self
    }

    pub fn reason(mut self, reason: impl Into<String>) -> Self {
        self.reason = Some(reason.into());
        self
    }

    pub fn change(mut self, field: &str, before: Option<String>, after: Option<String>) -> Self {
        if before != after {
            self.changes.push(FieldChange::new(field, before, after));
        }
        self
    }

    /// Orders entries in time; unique thanks to the nonce. Also the cursor
    /// of a page of the trail.
    pub fn sort_key(&self) -> String {
        format!("{:020}#{}", self.at.as_nanosecond().max(0), self.nonce)
    }
}

/// A page of the trail, newest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditPage {
    pub entries: Vec<AuditEntry>,
    /// Give it back as `before` for the next (older) page; `None` on the last.
    pub next: Option<String>,
}

/// Which page of the whole trail to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditQuery {
    /// Entries strictly older than this cursor ([`AuditEntry::sort_key`]).
    pub before: Option<String>,
    /// 1 to [`AuditQuery::MAX_LIMIT`].
    pub limit: usize,
}

impl AuditQuery {
    pub const MAX_LIMIT: usize = 200;

    /// The number of entries a page holds: the limit asked for, clamped to
    /// 1..=[`AuditQuery::MAX_LIMIT`]. Stores clamp rather than refuse, so that
    /// a caller's slip never fails a read; the HTTP layer refuses a limit
    /// out of range before it gets here.
    pub fn page_size(&self) -> usize {
        self.limit.clamp(1, Self::MAX_LIMIT)
    }

    /// Whether `cursor` has the shape of an [`AuditEntry::sort_key`]: 20
    /// digits, `#`, 16 lowercase hex digits. Stores accept any string (an
    /// unknown cursor is simply a position in the order); the HTTP layer
    /// refuses one of another shape.
    pub fn is_cursor(cursor: &str) -> bool {
        let Some((time, nonce)) = cursor.split_once('#') else {
            return false;
        };
        time.len() == 20
            && time.bytes().all(|b| b.is_ascii_digit())
            && nonce.len() == 16
            && nonce
                .bytes()
                .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
    }
}

impl AuditPage {
    /// The page of `newest_first` (entries older than the cursor, newest
    /// first, at least `size + 1` of them if there are so many): its first
    /// `size`, and a cursor if more remain.
    pub fn of(mut newest_first: Vec<AuditEntry>, size: usize) -> Self {
        let more = newest_first.len() > size;
        newest_first.truncate(size);
        let next = more
            .then(|| newest_first.last().map(AuditEntry::sort_key))
            .flatten();
        Self {
            entries: newest_first,
            next,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sort_key_is_a_cursor_and_other_text_is_not() {
        let name = StaffName::parse("admin").unwrap();
        let entry = AuditEntry::new(&name, AuditAction::CardsIssued, Timestamp::UNIX_EPOCH);
        assert!(AuditQuery::is_cursor(&entry.sort_key()));
        assert!(!AuditQuery::is_cursor("abc"));
        assert!(!AuditQuery::is_cursor("00000000000000000000#XYZ"));
        assert!(!AuditQuery::is_cursor(""));
    }
}
