//! What the hours a learner bought are worth in the current cycle, and which
//! one to take next: the learning page must not let a learner spend weeks on
//! hours that will never count (R8, R9).

use std::collections::BTreeSet;

use crate::catalogue::{CourseGroup, HourId};

use super::{LearnedHour, Progress, Shortfall};

/// A class hour the learner bought and may learn in the current cycle (the
/// caller has checked the purchase is usable), not necessarily learned yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BoughtHour {
    pub hour: HourId,
    pub group: CourseGroup,
}

/// The part of the requirement an hour would count towards.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Mandatory,
    Flexible,
}

/// Why learning a bought hour would add nothing to the requirement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotCounting {
    /// R9: new, other and titled learners' 40 hours are electives and
    /// certification; mandatory hours are allowed but not counted.
    MandatoryNotRequired,
    /// The part the hour belongs to is already learned in full this cycle.
    PartComplete { part: Part, required_hours: u32 },
}

impl NotCounting {
    /// Stable, for the page to key on: `mandatory_not_required` or `part_complete`.
    pub fn code(self) -> &'static str {
        match self {
            Self::MandatoryNotRequired => "mandatory_not_required",
            Self::PartComplete { .. } => "part_complete",
        }
    }

    pub fn message_zh(self) -> String {
        match self {
            Self::MandatoryNotRequired => "新入行及其他学员（含职称人员）须学满选修课和认证课 40 学时；必修课可以学习，但不计入学时。".to_owned(),
            Self::PartComplete { part: Part::Mandatory, required_hours } => {
                format!("本周期必修课 {required_hours} 学时已学满，此学时不再计入。")
            }
            Self::PartComplete { part: Part::Flexible, required_hours } => {
                format!("本周期选修课和认证课 {required_hours} 学时已学满，此学时不再计入。")
            }
        }
    }

    pub fn message_en(self) -> String {
        match self {
            Self::MandatoryNotRequired => "New, other and titled learners need 40 elective and certification hours: they may study mandatory hours, but these do not count.".to_owned(),
            Self::PartComplete { part: Part::Mandatory, required_hours } => format!(
                "This cycle's {required_hours} mandatory hours are complete: this hour would not count."
            ),
            Self::PartComplete { part: Part::Flexible, required_hours } => format!(
                "This cycle's {required_hours} elective and certification hours are complete: this hour would not count."
            ),
        }
    }
}

/// The hour to take next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NextLesson {
    pub hour: HourId,
    /// The lesson the learner has open now (its time is running).
    pub open: bool,
    /// Set when even this hour would not count (every bought hour is spent).
    pub not_counting: Option<NotCounting>,
}

/// The bought hours seen against the requirement.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StudyPlan {
    /// Bought, usable, not learned this cycle, and worth nothing towards it,
    /// in the order bought hours were given.
    pub not_counting: Vec<(HourId, NotCounting)>,
    pub next: Option<NextLesson>,
    /// Hours still required that no bought hour covers: what is left to buy.
    pub hours_to_buy: u32,
}

impl StudyPlan {
    /// `bought` in catalogue order (the order the next hour is chosen in);
    /// `open` the lesson open in the current cycle, if any.
    ///
    /// A part is "complete" only once its hours are learned: while it still
    /// lacks some, every bought hour of it is reported as counting, even if
    /// more were bought than it lacks (which of them end up counting depends
    /// on the order they are learned in).
    pub fn of(
        progress: &Progress,
        learned: &[LearnedHour],
        bought: &[BoughtHour],
        open: Option<&HourId>,
    ) -> Self {
        let learned_now: BTreeSet<&HourId> = learned
            .iter()
            .filter(|mark| mark.cycle == progress.number)
            .map(|mark| &mark.hour)
            .collect();
        let mut seen = BTreeSet::new();
        let to_learn = bought
            .iter()
            .filter(|b| !learned_now.contains(&b.hour) && seen.insert(&b.hour));
        let (mut counting_mandatory, mut counting_flexible) = (0u32, 0u32);
        let mut not_counting = Vec::new();
        let mut first_counting = None;
        let mut open_hour = None;
        for b in to_learn {
            let verdict = worth(progress, b.group);
            match verdict {
                Ok(Part::Mandatory) => counting_mandatory += 1,
                Ok(Part::Flexible) => counting_flexible += 1,
                Err(reason) => not_counting.push((b.hour.clone(), reason)),
            }
            if verdict.is_ok() && first_counting.is_none() {
                first_counting = Some(&b.hour);
            }
            if open == Some(&b.hour) {
                open_hour = Some((&b.hour, verdict.err()));
            }
        }
        // The open lesson comes first, its time running, unless it would not
        // count while another bought hour would.
        let next = match open_hour {
            Some((hour, reason)) if reason.is_none() || first_counting.is_none() => {
                Some(NextLesson {
                    hour: hour.clone(),
                    open: true,
                    not_counting: reason,
                })
            }
            _ => first_counting.map(|hour| NextLesson {
                hour: hour.clone(),
                open: false,
                not_counting: None,
            }),
        };
        let lacking = |part: Part| {
            progress
                .shortfalls
                .iter()
                .find_map(|shortfall| match (shortfall, part) {
                    (Shortfall::Mandatory { remaining_hours }, Part::Mandatory)
                    | (Shortfall::Flexible { remaining_hours }, Part::Flexible) => {
                        Some(*remaining_hours)
                    }
                    _ => None,
                })
                .unwrap_or(0)
        };
        let hours_to_buy = lacking(Part::Mandatory).saturating_sub(counting_mandatory)
            + lacking(Part::Flexible).saturating_sub(counting_flexible);
        Self {
            not_counting,
            next,
            hours_to_buy,
        }
    }
}

/// The part an hour of `group` would count towards now, or why it would not.
fn worth(progress: &Progress, group: CourseGroup) -> Result<Part, NotCounting> {
    let requirement = progress.requirement;
    let (part, required_hours, learned) = match group {
        CourseGroup::Mandatory if requirement.mandatory_hours == 0 => {
            return Err(NotCounting::MandatoryNotRequired);
        }
        CourseGroup::Mandatory => (
            Part::Mandatory,
            requirement.mandatory_hours,
            progress.mandatory_hours,
        ),
        CourseGroup::Elective | CourseGroup::Certification => (
            Part::Flexible,
            requirement.flexible_hours,
            progress.flexible_hours,
        ),
    };
    if learned >= required_hours {
        Err(NotCounting::PartComplete {
            part,
            required_hours,
        })
    } else {
        Ok(part)
    }
}

#[cfg(test)]
mod tests;
