//! 学时证明: the printable learning record a learner hands to an employer
//! (R7, R10): every hour marked 学过了 in one cycle, with when it was
//! marked, and the hours counted against the cycle's requirement.
//!
//! A record is a statement as of its issue day, not a document the
//! association keeps: nothing is stored when one is printed. It is signed
//! like a certificate's short link ([`RecordSeal::signed_text`]), and its QR
//! link carries the public fields with the signature, so the verification
//! page checks it against the published keys without a database. The
//! public fields are an employer's questions only: the name masked as the
//! certificate's verification masks it, the cycle, the hours counted and
//! required, the issue day, and the record number — no ID-number fragment,
//! no username.

use std::borrow::Cow;
use std::collections::BTreeSet;
use std::fmt;

use jiff::civil::{Date, DateTime};
use sha2::{Digest, Sha256};

use crate::Rejection;
use crate::catalogue::HourId;
use crate::cycle::{CycleNumber, LearnerCycle};
use crate::identity::PersonName;
use crate::learner::LearnerCategory;
use crate::rejection::RejectionKind;
use crate::requirement::{LearnedHour, Progress};

/// The first line of the signed text: a verifier knows what it checks, and a
/// certificate's signature can never pass for a record's.
const SIGNED_VERSION: &str = "ticedu-learning-record-v1";

/// A record's number: `XS` + the issue day + `-` + 10 hex digits of a
/// fingerprint of what it lists (`XS20261202-3F9A0C5D1E`). Derived, not
/// counted: printing the same hours again the same day gives the same number
/// without a write, and one hour more gives another number, so two papers
/// with one number list the same hours.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordNo(String);

const FINGERPRINT_DIGITS: usize = 10;

impl RecordNo {
    fn derive(learner: &str, cycle: CycleNumber, issued_on: Date, hours: &[RecordedHour]) -> Self {
        let mut digest = Sha256::new();
        digest.update(format!(
            "{SIGNED_VERSION}\n{learner}\n{cycle}\n{issued_on}\n"
        ));
        for hour in hours {
            digest.update(format!("{}\t{}\n", hour.hour, hour.when()));
        }
        let fingerprint = hex::encode_upper(digest.finalize());
        Self(format!(
            "XS{}-{}",
            issued_on.strftime("%Y%m%d"),
            &fingerprint[..FINGERPRINT_DIGITS]
        ))
    }

    pub fn parse(text: &str) -> Result<Self, Unverifiable> {
        let (day, fingerprint) = text
            .strip_prefix("XS")
            .and_then(|rest| rest.split_once('-'))
            .ok_or(Unverifiable)?;
        let shaped = day.len() == 8
            && day.bytes().all(|b| b.is_ascii_digit())
            && fingerprint.len() == FINGERPRINT_DIGITS
            && fingerprint
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'A'..=b'F').contains(&b));
        if shaped {
            Ok(Self(text.to_owned()))
        } else {
            Err(Unverifiable)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for RecordNo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// One hour marked 学过了, as the record prints it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedHour {
    pub hour: HourId,
    /// The course's Chinese title.
    pub course_title: String,
    pub learned_on: Date,
    /// When 学过了 was pressed, China time; none for marks made before the
    /// time was kept (their day is all that is known).
    pub learned_at: Option<DateTime>,
}

impl RecordedHour {
    /// The hour's number in its course (第 N 学时).
    pub fn number(&self) -> u16 {
        self.hour.number()
    }

    /// `2026-12-02 14:05`, or the day alone when the time was not kept.
    pub fn when(&self) -> String {
        match self.learned_at {
            Some(at) => at.strftime("%Y-%m-%d %H:%M").to_string(),
            None => self.learned_on.to_string(),
        }
    }
}

/// A cycle's learning record as printed for its owner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LearningRecord {
    pub no: RecordNo,
    pub name: PersonName,
    pub cycle_number: CycleNumber,
    pub cycle_start: Date,
    /// The first day no longer in the cycle (as certificates print it).
    pub cycle_end: Date,
    /// Every hour marked learned in the cycle, in the order they were marked;
    /// never empty.
    pub hours: Vec<RecordedHour>,
    /// Hours that count against the cycle's requirement (R8, R9).
    pub counted_hours: u32,
    /// Hours learned in a group the learner's requirement leaves out.
    pub not_counted_hours: u32,
    pub required_hours: u32,
    pub issued_on: Date,
}

/// Why a record cannot be printed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RecordRefusal {
    /// A paper saying "0 hours" proves nothing to an employer and only
    /// invites the question why it was printed; the learner is told what
    /// to do instead.
    #[error("no hour learned in cycle {cycle}")]
    Empty { cycle: CycleNumber },
}

impl Rejection for RecordRefusal {
    fn code(&self) -> &'static str {
        match self {
            Self::Empty { .. } => "record.empty",
        }
    }

    fn message_zh(&self) -> Cow<'static, str> {
        match self {
            Self::Empty { cycle } => format!(
                "第 {cycle} 个学习周期还没有学过的学时，暂无学时证明可打印。学完一个学时并点击“学过了”后即可打印。"
            )
            .into(),
        }
    }

    fn message_en(&self) -> Cow<'static, str> {
        match self {
            Self::Empty { cycle } => format!(
                "No hour is marked learned in cycle {cycle} yet, so there is no learning record to print. Mark an hour learned (学过了) first."
            )
            .into(),
        }
    }

    fn kind(&self) -> RejectionKind {
        RejectionKind::Conflict
    }
}

/// China's time (UTC+8, no daylight saving): what learners and staff read.
fn china_time(at: jiff::Timestamp) -> DateTime {
    jiff::tz::offset(8).to_datetime(at)
}

/// What the record is drawn from: the learner's facts, gathered by the caller.
pub struct RecordFacts<'a> {
    /// The learner's opaque id: it only seeds the record number's fingerprint.
    pub learner: &'a str,
    pub name: &'a PersonName,
    pub category: LearnerCategory,
    pub cycle: &'a LearnerCycle,
    /// The cycle's dates as the learner was shown them (a past cycle's from
    /// the certificate that closed it).
    pub cycle_start: Date,
    pub cycle_end: Date,
    /// Every mark of the learner, any cycle.
    pub marks: &'a [LearnedHour],
    pub issued_on: Date,
}

impl LearningRecord {
    /// The record of `facts.cycle`: its marks only, each hour once (the
    /// first mark), titled by `course_title`.
    pub fn compile(
        facts: RecordFacts<'_>,
        course_title: impl Fn(&HourId) -> Option<String>,
    ) -> Result<Self, RecordRefusal> {
        let number = facts.cycle.number;
        let mut marks: Vec<&LearnedHour> =
            facts.marks.iter().filter(|m| m.cycle == number).collect();
        marks.sort_by_key(|m| (m.learned_on, m.learned_at, m.hour.clone()));
        let mut seen = BTreeSet::new();
        let hours: Vec<RecordedHour> = marks
            .into_iter()
            .filter(|m| seen.insert(m.hour.clone()))
            .map(|m| RecordedHour {
                hour: m.hour.clone(),
                // A course withdrawn from the catalogue since still shows what was learned.
                course_title: course_title(&m.hour).unwrap_or_else(|| m.hour.to_string()),
                learned_on: m.learned_on,
                learned_at: m.learned_at.map(china_time),
            })
            .collect();
        if hours.is_empty() {
            return Err(RecordRefusal::Empty { cycle: number });
        }
        let progress = Progress::evaluate(facts.category, facts.cycle, facts.marks);
        Ok(Self {
            no: RecordNo::derive(facts.learner, number, facts.issued_on, &hours),
            name: facts.name.clone(),
            cycle_number: number,
            cycle_start: facts.cycle_start,
            cycle_end: facts.cycle_end,
            hours,
            counted_hours: progress.mandatory_hours + progress.flexible_hours,
            not_counted_hours: progress.not_counted,
            required_hours: progress.requirement.total_hours(),
            issued_on: facts.issued_on,
        })
    }

    /// What the record's signature covers and its link states.
    pub fn seal(&self) -> RecordSeal {
        RecordSeal {
            no: self.no.clone(),
            name: self.name.masked(),
            cycle_start: self.cycle_start,
            cycle_end: self.cycle_end,
            counted_hours: self.counted_hours,
            required_hours: self.required_hours,
            issued_on: self.issued_on,
        }
    }
}

/// The public fields of a record: what its QR link carries beside the
/// signature and what the verification page shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordSeal {
    pub no: RecordNo,
    /// Masked as on the certificate's verification page (钟*).
    pub name: String,
    pub cycle_start: Date,
    pub cycle_end: Date,
    pub counted_hours: u32,
    pub required_hours: u32,
    pub issued_on: Date,
}

/// A record link that is malformed, or whose fields are not what the
/// association signed. One answer for both: a forger learns nothing from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the learning record cannot be verified")]
pub struct Unverifiable;

impl Rejection for Unverifiable {
    fn code(&self) -> &'static str {
        "record.unverifiable"
    }

    fn message_zh(&self) -> Cow<'static, str> {
        "无法核验此学时证明：链接不完整，或其中的内容与协会签名不符。请向出具人索取原件或重新扫描二维码。".into()
    }

    fn message_en(&self) -> Cow<'static, str> {
        "This learning record cannot be verified: the link is incomplete, or what it states does not match the association's signature. Ask for the original or scan the QR code again.".into()
    }
}

/// The query parameters of a record's link, as they arrive (any may be missing).
#[derive(Debug, Default, Clone, Copy)]
pub struct RecordLink<'a> {
    /// `r`: the record number.
    pub no: Option<&'a str>,
    /// `n`: the masked name.
    pub name: Option<&'a str>,
    /// `c`: the cycle, `start~end`.
    pub cycle: Option<&'a str>,
    /// `h`: hours counted.
    pub hours: Option<&'a str>,
    /// `q`: hours required.
    pub required: Option<&'a str>,
    /// `d`: the issue day.
    pub issued_on: Option<&'a str>,
}

/// The longest masked name a link may carry (a name is at most 20 characters; margin for separators).
const MAX_NAME_CHARS: usize = 40;

impl RecordSeal {
    /// The text the signature covers: the public fields one a line after a
    /// version line, as the verification answer states them. Newlines cannot
    /// appear inside a field ([`RecordSeal::parse`] refuses control
    /// characters), so no two field lists give one text.
    pub fn signed_text(&self) -> String {
        [
            SIGNED_VERSION.to_owned(),
            self.no.to_string(),
            self.name.clone(),
            self.cycle_start.to_string(),
            self.cycle_end.to_string(),
            self.counted_hours.to_string(),
            self.required_hours.to_string(),
            self.issued_on.to_string(),
        ]
        .join("\n")
    }

    /// The verification page's query for this record with `signature`:
    /// single-letter names keep the QR code small.
    pub fn link_query(&self, signature: &str) -> String {
        format!(
            "r={}&n={}&c={}~{}&h={}&q={}&d={}&s={}",
            self.no,
            percent_encode(&self.name),
            self.cycle_start,
            self.cycle_end,
            self.counted_hours,
            self.required_hours,
            self.issued_on,
            signature
        )
    }

    /// The fields of a link, checked for shape only: whether the association
    /// signed them is the signature's to say.
    pub fn parse(link: RecordLink<'_>) -> Result<Self, Unverifiable> {
        let date = |text: Option<&str>| -> Result<Date, Unverifiable> {
            text.ok_or(Unverifiable)?.parse().map_err(|_| Unverifiable)
        };
        let hours = |text: Option<&str>| -> Result<u32, Unverifiable> {
            let text = text.ok_or(Unverifiable)?;
            // Canonical decimal only: "023" would be a second spelling of a signed field.
            if text.is_empty() || text.len() > 5 || (text.len() > 1 && text.starts_with('0')) {
                return Err(Unverifiable);
            }
            text.parse().map_err(|_| Unverifiable)
        };
        let name = link.name.ok_or(Unverifiable)?;
        if name.is_empty()
            || name.chars().count() > MAX_NAME_CHARS
            || name.chars().any(char::is_control)
        {
            return Err(Unverifiable);
        }
        let (start, end) = link
            .cycle
            .ok_or(Unverifiable)?
            .split_once('~')
            .ok_or(Unverifiable)?;
        let (cycle_start, cycle_end) = (date(Some(start))?, date(Some(end))?);
        if cycle_start >= cycle_end {
            return Err(Unverifiable);
        }
        Ok(Self {
            no: RecordNo::parse(link.no.ok_or(Unverifiable)?)?,
            name: name.to_owned(),
            cycle_start,
            cycle_end,
            counted_hours: hours(link.hours)?,
            required_hours: hours(link.required)?,
            issued_on: date(link.issued_on)?,
        })
    }
}

/// Percent-encodes everything but RFC 3986's unreserved characters.
fn percent_encode(text: &str) -> String {
    let mut encoded = String::with_capacity(text.len() * 3);
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    encoded
}

#[cfg(test)]
mod tests;
