//! Answers more than one function gives.

use jiff::civil::Date;
use serde::Serialize;
use ticedu_domain::requirement::{LearnedHour, Progress, Shortfall};
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
    /// Which of the learner's cycles: 1 for the first, 2 after the first renewal…
    pub cycle: u32,
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
    /// Hours marked in this cycle that do not count: in a group the requirement excludes.
    pub not_counted_hours: u32,
    /// Seconds studied in the cycle's marked hours, counted on the server.
    pub studied_seconds: u64,
    pub complete: bool,
}

impl From<&Progress> for ProgressView {
    fn from(progress: &Progress) -> Self {
        let remaining = |part: fn(&Shortfall) -> Option<u32>| {
            progress.shortfalls.iter().find_map(part).unwrap_or(0)
        };
        let requirement = progress.requirement;
        Self {
            cycle: progress.number.get(),
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
            studied_seconds: progress.studied_seconds,
            complete: progress.is_complete(),
        }
    }
}

/// R7–R10 for a stored learner's current cycle and their marks.
pub fn progress_of(learner: &Learner, marks: &[LearnedHour]) -> Progress {
    Progress::evaluate(learner.category(), &learner.current_cycle(), marks)
}
