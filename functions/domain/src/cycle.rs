//! A learner's life on the platform is a sequence of four-year cycles (R7):
//! each has its own requirement, purchases, marks, filing and certificate,
//! and issuing the cycle's certificate opens the next.
//!
//! Which four years a cycle covers, per kind of learner (derived from the
//! notice, 三 and 四):
//! - **Holder** (持证人员): the four years up to the expiry of the
//!   continuing-education certificate being renewed; the batch dates (R17)
//!   are such expiries. The renewal certificate is valid four years from the
//!   old expiry, so the next cycle is the four years after it and the holder
//!   stays in the same batch every four years (2023-07-06 → 2027-07-06 →
//!   2031-07-06).
//! - **New** (新入行及其他) and **titled** (职称) learners: the first cycle
//!   starts when learning started (new learners, R18) or at registration
//!   (titled learners: the notice names no other date), and the first
//!   certificate is valid four years from its issue. From then on they hold a
//!   continuing-education certificate, so each next cycle is the four years up
//!   to its expiry, like a holder's. They keep their kind: a new learner
//!   still has no 水平考试合格证 (R9 keeps applying), and a titled learner's
//!   title still shows (R18).
//! - **Overdue** holders (超期换证, R20): hours learned after the expiry still
//!   count towards the cycle being renewed; staff issue that certificate, valid
//!   until the first anniversary of the old expiry (in steps of four years)
//!   that lies after its issue, so the batch rhythm is kept.

use std::fmt;

use jiff::ToSpan;
use jiff::civil::Date;
use serde::{Deserialize, Deserializer, Serialize};

use crate::learner::LearnerKind;

/// R7: learning records are kept per cycle of four years.
pub const CYCLE_YEARS: i16 = 4;

/// Which of a learner's cycles: the first is 1. Records written before cycles
/// existed carry none and read as the first, which is what they were.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct CycleNumber(u32);

impl CycleNumber {
    pub const FIRST: Self = Self(1);

    /// `None` for 0: cycles are counted from 1.
    pub const fn new(number: u32) -> Option<Self> {
        if number == 0 {
            None
        } else {
            Some(Self(number))
        }
    }

    pub const fn get(self) -> u32 {
        self.0
    }

    pub const fn next(self) -> Self {
        Self(self.0.saturating_add(1))
    }

    pub fn is_first(self) -> bool {
        self == Self::FIRST
    }
}

impl Default for CycleNumber {
    fn default() -> Self {
        Self::FIRST
    }
}

impl fmt::Display for CycleNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl<'de> Deserialize<'de> for CycleNumber {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let number = u32::deserialize(deserializer)?;
        Self::new(number).ok_or_else(|| serde::de::Error::custom("cycles are numbered from 1"))
    }
}

/// Four years (R7): from `start`, up to but not including `end`, the same
/// day four years later.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Cycle {
    start: Date,
    end: Date,
}

impl Cycle {
    /// The cycle that starts on `start`.
    pub fn starting_on(start: Date) -> Self {
        // Dates near jiff's limits (year 9999) are not real cycles; clamp rather than fail.
        let end = start.checked_add(CYCLE_YEARS.years()).unwrap_or(Date::MAX);
        Self { start, end }
    }

    /// The cycle that ends on `expiry`, e.g. a certificate's expiry date.
    pub fn ending_on(expiry: Date) -> Self {
        let start = expiry.checked_sub(CYCLE_YEARS.years()).unwrap_or(Date::MIN);
        Self { start, end: expiry }
    }

    pub fn start(&self) -> Date {
        self.start
    }

    /// The first day no longer in the cycle.
    pub fn end(&self) -> Date {
        self.end
    }

    pub fn contains(&self, day: Date) -> bool {
        self.start <= day && day < self.end
    }
}

/// The cycle a learner is in now: its number, its four years, and the
/// certificate it renews (none for a new or titled learner's first cycle).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct LearnerCycle {
    pub number: CycleNumber,
    pub cycle: Cycle,
    /// The expiry of the continuing-education certificate this cycle renews.
    pub renews: Option<Date>,
}

impl LearnerCycle {
    /// The learner's current cycle. `certified_until` is the expiry of the
    /// certificate the platform last issued to a new or titled learner; a
    /// holder's is in their details (moved forward at each renewal).
    pub fn current(
        number: CycleNumber,
        kind: &LearnerKind,
        registered_on: Date,
        certified_until: Option<Date>,
    ) -> Self {
        let renews = match kind {
            LearnerKind::Holder(details) => Some(details.expires_on),
            LearnerKind::New(_) | LearnerKind::Titled(_) => certified_until,
        };
        let cycle = match (renews, kind) {
            (Some(expiry), _) => Cycle::ending_on(expiry),
            (None, LearnerKind::New(details)) => Cycle::starting_on(details.learning_started_on),
            (None, _) => Cycle::starting_on(registered_on),
        };
        Self {
            number,
            cycle,
            renews,
        }
    }

    /// Whether the certificate this cycle renews has expired by `today`.
    pub fn expired_by(&self, today: Date) -> bool {
        self.renews.is_some_and(|expiry| expiry < today)
    }

    /// How long the certificate that closes this cycle is valid, if issued
    /// `issued_on`: four years from the renewed certificate's expiry (keeping
    /// the batch rhythm; an overdue renewal moves on by further four-year steps
    /// until the date lies after the issue), or four years from the issue for
    /// a first certificate.
    pub fn certificate_valid_until(&self, issued_on: Date) -> Date {
        let Some(expiry) = self.renews else {
            return issued_on
                .checked_add(CYCLE_YEARS.years())
                .unwrap_or(Date::MAX);
        };
        let mut until = expiry;
        loop {
            until = match until.checked_add(CYCLE_YEARS.years()) {
                Ok(next) => next,
                Err(_) => return Date::MAX,
            };
            if until > issued_on {
                return until;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;

    use super::*;
    use crate::learner::{DocumentNumber, HolderCertificateKind, HolderDetails, NewLearnerDetails};

    fn holder(expires_on: Date) -> LearnerKind {
        LearnerKind::Holder(HolderDetails {
            certificate_kind: HolderCertificateKind::Qualification,
            original_certificate_no: DocumentNumber::parse("Q-1").unwrap(),
            expires_on,
        })
    }

    #[test]
    fn a_holder_renews_in_the_same_batch_every_four_years() {
        let first = LearnerCycle::current(
            CycleNumber::FIRST,
            &holder(date(2023, 7, 6)),
            date(2023, 3, 1),
            None,
        );
        assert_eq!(first.cycle.start(), date(2019, 7, 6));
        let until = first.certificate_valid_until(date(2023, 7, 17));
        assert_eq!(until, date(2027, 7, 6));
        let second =
            LearnerCycle::current(first.number.next(), &holder(until), date(2023, 3, 1), None);
        assert_eq!(second.number.get(), 2);
        assert_eq!(
            (second.cycle.start(), second.cycle.end()),
            (date(2023, 7, 6), date(2027, 7, 6))
        );
        assert_eq!(
            second.certificate_valid_until(date(2027, 7, 15)),
            date(2031, 7, 6)
        );
    }

    #[test]
    fn an_overdue_renewal_keeps_the_batch_day_and_ends_after_its_issue() {
        let overdue = LearnerCycle::current(
            CycleNumber::FIRST,
            &holder(date(2024, 3, 1)),
            date(2023, 1, 1),
            None,
        );
        assert!(overdue.expired_by(date(2026, 12, 1)));
        assert_eq!(
            overdue.certificate_valid_until(date(2026, 12, 1)),
            date(2028, 3, 1)
        );
        assert_eq!(
            overdue.certificate_valid_until(date(2029, 1, 1)),
            date(2032, 3, 1)
        );
    }

    #[test]
    fn a_new_learner_starts_when_learning_started_then_renews_their_own_certificate() {
        let kind = LearnerKind::New(NewLearnerDetails {
            learning_started_on: date(2024, 2, 1),
        });
        let first = LearnerCycle::current(CycleNumber::FIRST, &kind, date(2024, 2, 3), None);
        assert_eq!(first.cycle.start(), date(2024, 2, 1));
        assert_eq!(first.renews, None);
        let until = first.certificate_valid_until(date(2025, 5, 20));
        assert_eq!(until, date(2029, 5, 20));
        let second =
            LearnerCycle::current(first.number.next(), &kind, date(2024, 2, 3), Some(until));
        assert_eq!(
            (second.cycle.start(), second.cycle.end()),
            (date(2025, 5, 20), date(2029, 5, 20))
        );
        assert_eq!(
            second.certificate_valid_until(date(2029, 1, 2)),
            date(2033, 5, 20)
        );
    }

    #[test]
    fn records_without_a_cycle_read_as_the_first() {
        #[derive(Deserialize)]
        struct Stored {
            #[serde(default)]
            cycle: CycleNumber,
        }
        let stored: Stored = toml::from_str("").unwrap();
        assert_eq!(stored.cycle, CycleNumber::FIRST);
        assert!(toml::from_str::<Stored>("cycle = 0").is_err());
    }
}
