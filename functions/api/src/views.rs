//! Answers more than one function gives.

use jiff::civil::Date;
use jiff::tz;
use serde::Serialize;
use ticedu_domain::requirement::{Cycle, LearnedHour, Progress, Shortfall};
use ticedu_store::records::Learner;
use utoipa::ToSchema;

/// Hours learned and still needed in one part of the requirement.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PartView {
    pub required_hours: u32,
    pub learned_hours: u32,
    pub remaining_hours: u32,
}

/// A learner's standing in the current cycle (R7–R10).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProgressView {
    #[schema(value_type = String, format = Date)]
    pub cycle_start: Date,
    /// The first day after the cycle.
    #[schema(value_type = String, format = Date)]
    pub cycle_end: Date,
    pub required_hours: u32,
    /// Counted towards the requirement (each part capped at what it requires).
    pub counted_hours: u32,
    pub remaining_hours: u32,
    /// Mandatory hours (holders: 10; others: 0 required).
    pub mandatory: PartView,
    /// Elective and certification hours, in any mix.
    pub flexible: PartView,
    /// Marked hours that do not count: outside the cycle or in a group the requirement excludes.
    pub not_counted_hours: u32,
    pub complete: bool,
}

impl From<&Progress> for ProgressView {
    fn from(progress: &Progress) -> Self {
        let remaining = |part: fn(&Shortfall) -> Option<u32>| {
            progress.shortfalls.iter().find_map(part).unwrap_or(0)
        };
        let requirement = progress.requirement;
        Self {
            cycle_start: progress.cycle.start(),
            cycle_end: progress.cycle.end(),
            required_hours: requirement.total_hours(),
            counted_hours: progress.counted_towards_requirement(),
            remaining_hours: progress.remaining_hours(),
            mandatory: PartView {
                required_hours: requirement.mandatory_hours,
                learned_hours: progress.mandatory_hours,
                remaining_hours: remaining(|s| match s {
                    Shortfall::Mandatory { remaining_hours } => Some(*remaining_hours),
                    Shortfall::Flexible { .. } => None,
                }),
            },
            flexible: PartView {
                required_hours: requirement.flexible_hours,
                learned_hours: progress.flexible_hours,
                remaining_hours: remaining(|s| match s {
                    Shortfall::Flexible { remaining_hours } => Some(*remaining_hours),
                    Shortfall::Mandatory { .. } => None,
                }),
            },
            not_counted_hours: progress.not_counted,
            complete: progress.is_complete(),
        }
    }
}

/// R7–R10 for a stored learner and their marks.
pub fn progress_of(learner: &Learner, marks: &[LearnedHour]) -> Progress {
    let registered_on = tz::offset(8)
        .to_datetime(learner.registration.registered_at)
        .date();
    let cycle = Cycle::for_learner(&learner.registration.kind, registered_on);
    Progress::evaluate(learner.category(), cycle, marks)
}
