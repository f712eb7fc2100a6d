//! What a learner must complete in a cycle (R7–R10), and how far they are.

use std::collections::BTreeSet;

use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::catalogue::{CourseGroup, HourId};
use crate::learner::LearnerCategory;

pub use crate::cycle::{CYCLE_YEARS, Cycle, CycleNumber, LearnerCycle};

pub mod plan;

/// R7: in each cycle of four years a learner completes 40 class hours.
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

/// One class hour the learner marked learned (学过了, R10). Only marked
/// hours count, each in the cycle it was marked in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LearnedHour {
    pub hour: HourId,
    pub group: CourseGroup,
    pub learned_on: Date,
    /// When 学过了 was pressed, to the second: the learning record (学时证明)
    /// prints it. Marks made before 2026-12 carry only their day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub learned_at: Option<Timestamp>,
    #[serde(default)]
    pub cycle: CycleNumber,
    /// Seconds the learner spent in the lesson, counted on the server from
    /// opening it to marking it (none on marks made before lessons were timed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub studied_seconds: Option<u32>,
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
    pub number: CycleNumber,
    pub cycle: Cycle,
    /// Distinct mandatory hours learned in the cycle (0 where they do not count).
    pub mandatory_hours: u32,
    /// Distinct elective and certification hours learned in the cycle.
    pub flexible_hours: u32,
    /// Hours marked in this cycle that do not count: in a group the learner's
    /// requirement does not include.
    pub not_counted: u32,
    /// Empty exactly when the requirement is met.
    pub shortfalls: Vec<Shortfall>,
    /// Seconds studied in the cycle's marked lessons, as counted on the
    /// server (marks made before lessons were timed add nothing).
    pub studied_seconds: u64,
    /// The day of the mark that met the requirement: a holder who completes
    /// after their certificate expired renews through staff (超期换证, R20).
    pub completed_on: Option<Date>,
}

impl Progress {
    /// Evaluates R7–R10 for the learner's current cycle. Only marks made in
    /// that cycle count (earlier cycles are history, and an hour learned again
    /// in a later cycle counts there), each hour once. A mark counts whatever
    /// its date: an overdue holder's late hours count towards the renewal
    /// staff handle (R20).
    pub fn evaluate(
        category: LearnerCategory,
        current: &LearnerCycle,
        learned: &[LearnedHour],
    ) -> Self {
        let requirement = Requirement::for_category(category);
        let mut in_cycle: Vec<&LearnedHour> = learned
            .iter()
            .filter(|mark| mark.cycle == current.number)
            .collect();
        in_cycle.sort_by_key(|mark| mark.learned_on);
        let mut seen: BTreeSet<&HourId> = BTreeSet::new();
        let (mut mandatory_hours, mut flexible_hours, mut not_counted) = (0, 0, 0);
        let mut studied_seconds = 0;
        let mut completed_on = None;
        for mark in in_cycle {
            if !seen.insert(&mark.hour) {
                continue;
            }
            studied_seconds += u64::from(mark.studied_seconds.unwrap_or(0));
            match requirement.counts(mark.group) {
                Bucket::Mandatory => mandatory_hours += 1,
                Bucket::Flexible => flexible_hours += 1,
                Bucket::NotCounted => not_counted += 1,
            }
            let met = mandatory_hours >= requirement.mandatory_hours
                && flexible_hours >= requirement.flexible_hours;
            if met && completed_on.is_none() {
                completed_on = Some(mark.learned_on);
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
            number: current.number,
            cycle: current.cycle,
            mandatory_hours,
            flexible_hours,
            studied_seconds,
            not_counted,
            shortfalls,
            completed_on,
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
