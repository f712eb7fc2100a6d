//! Certificates (R16–R21): when one may be issued, what is filed first,
//! what it states, the canonical form its hash and signature cover, and its
//! public status.

mod filing;
mod issuance;

pub use filing::{Filing, FilingRefusal, OverdueClaim, filing_for, overdue_renewal};
pub use issuance::{Filed, IssueFacts, IssueRefusal, decide_issue, must_file};

use std::borrow::Cow;
use std::fmt::Write as _;

use jiff::ToSpan;
use jiff::civil::Date;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::calendar::{CalendarError, WorkCalendar, certificate_available_from};
use crate::identity::PersonName;
use crate::learner::{LearnerCategory, LearnerKind, TitleCheck};
use crate::rejection::{Rejection, RejectionKind, display_as_rejection};
use crate::requirement::{CYCLE_YEARS, Progress};
use crate::settings::Settings;

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
    /// What a certificate issued `today` for the cycle of `progress` states:
    /// the hours that count towards the requirement, valid for the learner's
    /// kind. `random` makes the number unguessable.
    pub fn issue(
        name: PersonName,
        kind: LearnerKind,
        progress: &Progress,
        today: Date,
        random: &[u8; 12],
    ) -> Self {
        Self {
            no: certificate_number(today.year(), kind.category(), random),
            name,
            cycle_start: progress.cycle.start(),
            cycle_end: progress.cycle.end(),
            hours: progress.counted_towards_requirement(),
            issued_on: today,
            valid_until: valid_until(&kind, today),
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

/// The next certificate's validity: four years from the old certificate's
/// expiry for a holder (renewal keeps the batch rhythm; overdue renewals, R20,
/// go through staff), four years from the issue date otherwise.
pub fn valid_until(kind: &LearnerKind, issued_on: Date) -> Date {
    let from = match kind {
        LearnerKind::Holder(details) => details.expires_on,
        LearnerKind::New(_) | LearnerKind::Titled(_) => issued_on,
    };
    from.checked_add(CYCLE_YEARS.years()).unwrap_or(Date::MAX)
}

/// Whether a certificate may be issued today (R7–R10, R17, R18).
pub fn may_issue(
    kind: &LearnerKind,
    progress: &Progress,
    title_check: Option<TitleCheck>,
    today: Date,
    settings: &Settings,
    calendar: &WorkCalendar,
) -> Result<(), NotYet> {
    if !progress.is_complete() {
        return Err(NotYet::Incomplete {
            remaining_hours: progress.remaining_hours(),
        });
    }
    match kind {
        LearnerKind::Holder(details) => {
            let year = settings
                .years()
                .find(|year| year.is_batch_date(details.expires_on))
                .ok_or(NotYet::NotABatch)?;
            let available = certificate_available_from(details.expires_on, year, calendar)
                .map_err(|error| match error {
                    CalendarError::YearNotCovered { year } => NotYet::CalendarMissing { year },
                    CalendarError::NotABatchDate => NotYet::NotABatch,
                })?;
            if today < available {
                return Err(NotYet::BeforeAvailability { available });
            }
        }
        LearnerKind::Titled(_) if title_check != Some(TitleCheck::Confirmed) => {
            return Err(NotYet::TitleNotConfirmed);
        }
        LearnerKind::Titled(_) | LearnerKind::New(_) => {}
    }
    Ok(())
}

/// Why a certificate cannot be issued yet.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NotYet {
    Incomplete {
        remaining_hours: u32,
    },
    /// R17: downloads open on the batch's availability day.
    BeforeAvailability {
        available: Date,
    },
    /// The holder's expiry is no configured batch date: staff handle it (R20).
    NotABatch,
    CalendarMissing {
        year: i16,
    },
    /// R18: staff have not confirmed the title details.
    TitleNotConfirmed,
}

display_as_rejection!(NotYet);

impl Rejection for NotYet {
    fn code(&self) -> &'static str {
        match self {
            Self::Incomplete { .. } => "certificate.incomplete",
            Self::BeforeAvailability { .. } => "certificate.not_yet_available",
            Self::NotABatch => "certificate.not_a_batch",
            Self::CalendarMissing { .. } => "calendar.year_not_covered",
            Self::TitleNotConfirmed => "certificate.title_not_confirmed",
        }
    }

    fn message_zh(&self) -> Cow<'static, str> {
        match self {
            Self::Incomplete { remaining_hours } => {
                format!("本周期还需学习 {remaining_hours} 学时，学满后才能申领证书。").into()
            }
            Self::BeforeAvailability { available } => {
                format!("本批次证书自 {available} 起可下载打印。").into()
            }
            Self::NotABatch => "证书到期日不是本年度批次日期，请办理超期换证或联系协会。".into(),
            Self::CalendarMissing { year } => {
                format!("{year} 年的法定节假日安排尚未发布，暂无法确定可下载日期。").into()
            }
            Self::TitleNotConfirmed => "职称信息尚待协会审核。".into(),
        }
    }

    fn message_en(&self) -> Cow<'static, str> {
        match self {
            Self::Incomplete { remaining_hours } => format!("{remaining_hours} more hours to learn in this cycle before a certificate.").into(),
            Self::BeforeAvailability { available } => format!("Certificates of this batch can be downloaded from {available}.").into(),
            Self::NotABatch => "The expiry date is not one of this year's batch dates: file an overdue renewal or contact the association.".into(),
            Self::CalendarMissing { year } => format!("The official holidays of {year} are not published yet; the download day cannot be set.").into(),
            Self::TitleNotConfirmed => "The association has not confirmed your title details yet.".into(),
        }
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
