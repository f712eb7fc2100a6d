//! Certificates (R16–R21): when one may be issued, what is filed first,
//! what it states, the canonical form its hash and signature cover, and its
//! public status.

mod filing;
mod issuance;

pub use filing::{
    ApplicationForm, Filing, FilingRefusal, OverdueClaim, filing_for, overdue_renewal,
};
pub use issuance::{Filed, IssueFacts, IssueRefusal, decide_issue, download_day, must_file};

use std::borrow::Cow;
use std::fmt::Write as _;

use jiff::civil::Date;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::cycle::LearnerCycle;
use crate::identity::PersonName;
use crate::learner::{LearnerCategory, LearnerKind};
use crate::rejection::{Rejection, RejectionKind, display_as_rejection};
use crate::requirement::Progress;

/// The letters of a certificate number's random part: no 0/O, 1/I look-alikes.
const ALPHABET: &[u8; 32] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ";

/// A certificate number: `TIC-<year>-<H|N|T>-<12 random characters>`. The
/// random part (60 bits) is what makes numbers impossible to guess or walk
/// through, so the public look-up cannot be used to list certificates.
pub fn certificate_number(year: i16, category: LearnerCategory, random: &[u8; 12]) -> String {
    let letter = match category {
        LearnerCategory::Holder => 'H',
        LearnerCategory::New => 'N',
        LearnerCategory::Titled => 'T',
    };
    let random: String = random
        .iter()
        .map(|b| char::from(ALPHABET[usize::from(b % 32)]))
        .collect();
    format!("TIC-{year}-{letter}-{random}")
}

/// What a certificate states (R18): the same data is hashed, signed and printed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CertificateData {
    pub no: String,
    pub name: PersonName,
    pub kind: LearnerKind,
    pub cycle_start: Date,
    pub cycle_end: Date,
    pub hours: u32,
    pub issued_on: Date,
    pub valid_until: Date,
}

impl CertificateData {
    /// What a certificate issued `today` for the learner's current cycle
    /// states: the hours of `progress` that count towards the requirement,
    /// valid as [`LearnerCycle::certificate_valid_until`] says. `random` makes
    /// the number unguessable.
    pub fn issue(
        name: PersonName,
        kind: LearnerKind,
        cycle: &LearnerCycle,
        progress: &Progress,
        today: Date,
        random: &[u8; 12],
    ) -> Self {
        Self {
            no: certificate_number(today.year(), kind.category(), random),
            name,
            cycle_start: cycle.cycle.start(),
            cycle_end: cycle.cycle.end(),
            hours: progress.counted_towards_requirement(),
            issued_on: today,
            valid_until: cycle.certificate_valid_until(today),
            kind,
        }
    }

    /// One `key=value` line per field, in a fixed order: the bytes the hash
    /// (and the signature) cover, independent of any serialiser's choices.
    pub fn canonical(&self) -> String {
        let mut text = String::new();
        let mut line = |key: &str, value: &str| {
            let _ = writeln!(text, "{key}={value}");
        };
        line("no", &self.no);
        line("name", self.name.as_str());
        line(
            "category",
            match self.kind.category() {
                LearnerCategory::Holder => "holder",
                LearnerCategory::New => "new",
                LearnerCategory::Titled => "titled",
            },
        );
        match &self.kind {
            LearnerKind::Holder(details) => {
                line("certificate_kind", details.certificate_kind.label_en());
                line(
                    "original_certificate_no",
                    details.original_certificate_no.as_str(),
                );
                line("expires_on", &details.expires_on.to_string());
            }
            LearnerKind::New(details) => line(
                "learning_started_on",
                &details.learning_started_on.to_string(),
            ),
            LearnerKind::Titled(details) => {
                line("title_kind", details.title_kind.as_str());
                line("issuing_authority", details.issuing_authority.as_str());
                line(
                    "title_certificate_no",
                    details.title_certificate_no.as_str(),
                );
            }
        }
        line("cycle_start", &self.cycle_start.to_string());
        line("cycle_end", &self.cycle_end.to_string());
        line("hours", &self.hours.to_string());
        line("issued_on", &self.issued_on.to_string());
        line("valid_until", &self.valid_until.to_string());
        text
    }

    /// SHA-256 of [`CertificateData::canonical`], lower-case hex: stored with
    /// the certificate and checked on every verification.
    pub fn hash(&self) -> String {
        Sha256::digest(self.canonical().as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }
}

/// What a public verification shows (R21 and the "beyond" section).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PublicStatus {
    Valid,
    Expired,
    Revoked,
    /// The stored data no longer matches its hash.
    Tampered,
}

impl PublicStatus {
    /// Only a certificate that says something true may be printed: a revoked
    /// or altered one would carry the association's name for a falsehood.
    pub fn printable(self) -> Result<(), NotPrintable> {
        match self {
            Self::Valid | Self::Expired => Ok(()),
            Self::Revoked | Self::Tampered => Err(NotPrintable),
        }
    }
}

/// A revoked or altered certificate is not printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub struct NotPrintable;

display_as_rejection!(NotPrintable);

impl Rejection for NotPrintable {
    fn code(&self) -> &'static str {
        "certificate.not_printable"
    }

    fn message_zh(&self) -> Cow<'static, str> {
        "该证书已撤销或数据异常，不能打印；请联系协会。".into()
    }

    fn message_en(&self) -> Cow<'static, str> {
        "This certificate was revoked or altered and cannot be printed; please contact the association.".into()
    }

    fn kind(&self) -> RejectionKind {
        RejectionKind::Conflict
    }
}

/// Whether the name typed into the query form (证书查询, R21) is the
/// holder's. Without a name the number alone finds the certificate.
pub fn answers_query(holder: &PersonName, query_name: Option<&str>) -> bool {
    query_name.is_none_or(|name| PersonName::parse(name).ok().as_ref() == Some(holder))
}

/// The status of a stored certificate today. Tampering outranks everything:
/// a record that does not match its hash says nothing reliable.
pub fn public_status(
    data: &CertificateData,
    stored_hash: &str,
    revoked: bool,
    today: Date,
) -> PublicStatus {
    if data.hash() != stored_hash {
        PublicStatus::Tampered
    } else if revoked {
        PublicStatus::Revoked
    } else if today > data.valid_until {
        PublicStatus::Expired
    } else {
        PublicStatus::Valid
    }
}

#[cfg(test)]
mod tests;
