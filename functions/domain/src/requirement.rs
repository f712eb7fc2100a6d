//! What a learner must complete in a cycle (R7–R10), and how far they are.

use std::collections::BTreeMap;

use jiff::ToSpan;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::catalogue::{CourseGroup, HourId};
use crate::learner::{LearnerCategory, LearnerKind};

/// R7: learning records are kept per cycle of four years...
pub const CYCLE_YEARS: i16 = 4;
/// ...in which a learner completes 40 class hours.
pub const CYCLE_HOURS: u32 = 40;
/// R4, R8: the mandatory group is 10 hours, and holders take all of it.
pub const MANDATORY_HOURS: u32 = 10;

/// The hours a learner of one category must learn in a cycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Requirement {
    /// Hours from the mandatory group.
    pub mandatory_hours: u32,
    /// Hours from electives and/or certification courses, in any mix.
    pub flexible_hours: u32,
}

impl Requirement {
    /// R8: holders learn the 10 mandatory hours, then 30 from electives
    /// and/or certification. R9: new and other learners learn 40 from
    /// electives and/or certification.
    ///
    /// Titled learners: the notice gives study paths for holders (四(一))
    /// and for "新入行及其他学员" (四(二)) only, and a titled professional
    /// holds no inspection certificate to renew; we read them as "other
    /// learners" and apply R9. Their title shows on the certificate (R18).
    ///
    /// Mandatory hours learned by a new or titled learner do not count: R9
    /// names electives and certification only. They are allowed, just not
    /// counted, and [`Progress::not_counted`] reports them.
    pub const fn for_category(category: LearnerCategory) -> Self {
        match category {
            LearnerCategory::Holder => Self {
                mandatory_hours: MANDATORY_HOURS,
                flexible_hours: CYCLE_HOURS - MANDATORY_HOURS,
            },
            LearnerCategory::New | LearnerCategory::Titled => Self {
                mandatory_hours: 0,
                flexible_hours: CYCLE_HOURS,
            },
        }
    }

    pub const fn total_hours(self) -> u32 {
        self.mandatory_hours + self.flexible_hours
    }

    fn counts(self, group: CourseGroup) -> Bucket {
        match group {
            CourseGroup::Mandatory if self.mandatory_hours > 0 => Bucket::Mandatory,
            CourseGroup::Mandatory => Bucket::NotCounted,
            CourseGroup::Elective | CourseGroup::Certification => Bucket::Flexible,
        }
    }
}

enum Bucket {
    Mandatory,
    Flexible,
    NotCounted,
}

/// A four-year learning cycle (R7): from `start`, up to but not including
/// the same day four years later.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Cycle {
    start: Date,
    end: Date,
}

impl Cycle {
    /// The cycle that starts on `start`. For a new learner that is the day
    /// learning started (R18); for a holder, four years before the expiry of
    /// the certificate being renewed (see [`Cycle::ending_on`]).
    pub fn starting_on(start: Date) -> Self {
        // Dates near jiff's limits (year 9999) are not real cycles; clamp rather than fail.
        let end = start.checked_add(CYCLE_YEARS.years()).unwrap_or(Date::MAX);
        Self { start, end }
    }

    /// The cycle that ends on `expiry`, e.g. a holder's certificate expiry date.
    pub fn ending_on(expiry: Date) -> Self {
        let start = expiry.checked_sub(CYCLE_YEARS.years()).unwrap_or(Date::MIN);
        Self { start, end: expiry }
    }

    /// The cycle a learner is in:
    /// - a holder renews a certificate expiring on a batch date (R17): the four
    ///   years before that date. Hours learned after it do not count here; an
    ///   overdue holder renews through staff (超期换证, R20).
    /// - a new learner: four years from the day learning started (R18).
    /// - a titled learner: four years from registration (the notice names no
    ///   other date for them).
    pub fn for_learner(kind: &LearnerKind, registered_on: Date) -> Self {
        match kind {
            LearnerKind::Holder(details) => Self::ending_on(details.expires_on),
            LearnerKind::New(details) => Self::starting_on(details.learning_started_on),
            LearnerKind::Titled(_) => Self::starting_on(registered_on),
        }
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

/// One class hour the learner marked learned (学过了, R10). Only marked hours count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LearnedHour {
    pub hour: HourId,
    pub group: CourseGroup,
    pub learned_on: Date,
}

/// What is still missing, per part of the requirement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "part", rename_all = "snake_case")]
pub enum Shortfall {
    Mandatory { remaining_hours: u32 },
    Flexible { remaining_hours: u32 },
}

/// A learner's standing against the requirement of one cycle (R7–R10).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Progress {
    pub requirement: Requirement,
    pub cycle: Cycle,
    /// Distinct mandatory hours learned in the cycle (0 where they do not count).
    pub mandatory_hours: u32,
    /// Distinct elective and certification hours learned in the cycle.
    pub flexible_hours: u32,
    /// Marked hours that do not count: outside the cycle, or in a group the
    /// learner's requirement does not include.
    pub not_counted: u32,
    /// Empty exactly when the requirement is met.
    pub shortfalls: Vec<Shortfall>,
}

impl Progress {
    /// Evaluates R7–R10. Each hour counts once however often it was marked,
    /// and counts if any of its marks falls in the cycle: an hour learned
    /// again in a later cycle counts in that cycle.
    pub fn evaluate(category: LearnerCategory, cycle: Cycle, learned: &[LearnedHour]) -> Self {
        let requirement = Requirement::for_category(category);
        let mut hours: BTreeMap<&HourId, (CourseGroup, bool)> = BTreeMap::new();
        for mark in learned {
            let (_, in_cycle) = hours.entry(&mark.hour).or_insert((mark.group, false));
            *in_cycle |= cycle.contains(mark.learned_on);
        }
        let (mut mandatory_hours, mut flexible_hours, mut not_counted) = (0, 0, 0);
        for (group, in_cycle) in hours.into_values() {
            match requirement.counts(group) {
                Bucket::Mandatory if in_cycle => mandatory_hours += 1,
                Bucket::Flexible if in_cycle => flexible_hours += 1,
                _ => not_counted += 1,
            }
        }
        let mut shortfalls = Vec::new();
        if mandatory_hours < requirement.mandatory_hours {
            shortfalls.push(Shortfall::Mandatory {
                remaining_hours: requirement.mandatory_hours - mandatory_hours,
            });
        }
        if flexible_hours < requirement.flexible_hours {
            shortfalls.push(Shortfall::Flexible {
                remaining_hours: requirement.flexible_hours - flexible_hours,
            });
        }
        Self {
            requirement,
            cycle,
            mandatory_hours,
            flexible_hours,
            not_counted,
            shortfalls,
        }
    }

    pub fn is_complete(&self) -> bool {
        self.shortfalls.is_empty()
    }

    /// Hours counted towards the requirement, capped per part: what a progress bar shows.
    pub fn counted_towards_requirement(&self) -> u32 {
        self.mandatory_hours.min(self.requirement.mandatory_hours)
            + self.flexible_hours.min(self.requirement.flexible_hours)
    }

    /// Hours still to learn, in all parts.
    pub fn remaining_hours(&self) -> u32 {
        self.requirement.total_hours() - self.counted_towards_requirement()
    }
}

#[cfg(test)]
mod tests;
