//! The learning page's plan: the bought hours that would not count and why,
//! the lesson to take next and what is left to buy. The rule is
//! [`StudyPlan::of`]'s; this gathers its facts and words its answer.

use std::collections::BTreeSet;

use serde::Serialize;
use ticedu_api::standing::NextStep;
use ticedu_domain::catalogue::{Catalogue, HourId};
use ticedu_domain::requirement::plan::{BoughtHour, NextLesson, NotCounting, StudyPlan};
use ticedu_domain::requirement::{LearnedHour, Progress};
use ticedu_store::records::{Enrollment, Learner, OpenLesson};
use utoipa::ToSchema;

/// The hours the learner may learn in the current cycle on some purchase,
/// in catalogue order (courses, then hours): the order lessons are offered in.
pub(crate) fn bought_hours(
    catalogue: &Catalogue,
    learner: &Learner,
    enrollments: &[Enrollment],
    marks: &[LearnedHour],
) -> Vec<BoughtHour> {
    let usable: BTreeSet<&HourId> = enrollments
        .iter()
        .map(|enrollment| &enrollment.hour)
        .filter(|hour| Enrollment::usable_for(hour, learner.cycle, enrollments, marks).is_some())
        .collect();
    catalogue
        .courses()
        .iter()
        .flat_map(|course| {
            course
                .lessons
                .iter()
                .filter(|lesson| usable.contains(&lesson.id))
                .map(|lesson| BoughtHour {
                    hour: lesson.id.clone(),
                    group: course.group,
                })
        })
        .collect()
}

/// The plan of the learner's current cycle. An open lesson of an earlier
/// cycle (left open when a certificate closed it) is not this cycle's.
pub(crate) fn plan_of(
    catalogue: &Catalogue,
    learner: &Learner,
    progress: &Progress,
    enrollments: &[Enrollment],
    marks: &[LearnedHour],
    open: Option<&OpenLesson>,
) -> StudyPlan {
    let bought = bought_hours(catalogue, learner, enrollments, marks);
    let open = open
        .filter(|lesson| lesson.cycle == learner.cycle)
        .map(|lesson| &lesson.hour);
    StudyPlan::of(progress, marks, &bought, open)
}

/// A class hour and where its page is.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct HourLink {
    /// `course-id/n`.
    hour: String,
    title: String,
    title_en: String,
    course_title: String,
    course_title_en: String,
    /// The hour's page on the site, in Chinese; the English one is under `/en`.
    #[schema(example = "/courses/inspection-law/1/")]
    path: String,
}

impl HourLink {
    fn of(catalogue: &Catalogue, hour: &HourId) -> Self {
        let path = format!("/courses/{}/{}/", hour.course(), hour.number());
        match catalogue.lesson(hour) {
            Some((course, lesson)) => Self {
                hour: hour.to_string(),
                title: lesson.title.zh.clone(),
                title_en: lesson.title.en.clone(),
                course_title: course.title.zh.clone(),
                course_title_en: course.title.en.clone(),
                path,
            },
            // Plans are made of catalogue hours; this keeps the answer whole regardless.
            None => Self {
                hour: hour.to_string(),
                title: hour.to_string(),
                title_en: hour.to_string(),
                course_title: hour.course().to_string(),
                course_title_en: hour.course().to_string(),
                path,
            },
        }
    }
}

/// A bought hour that would add nothing to the requirement if learned.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct NotCountingHour {
    #[serde(flatten)]
    hour: HourLink,
    /// `mandatory_not_required` (new and titled learners, R9) or
    /// `part_complete` (its part of the requirement is learned in full).
    #[schema(example = "mandatory_not_required")]
    reason: &'static str,
    message: String,
    message_en: String,
}

impl NotCountingHour {
    fn of(catalogue: &Catalogue, hour: &HourId, reason: NotCounting) -> Self {
        Self {
            hour: HourLink::of(catalogue, hour),
            reason: reason.code(),
            message: reason.message_zh(),
            message_en: reason.message_en(),
        }
    }
}

/// The lesson to take next.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct NextLessonView {
    #[serde(flatten)]
    hour: HourLink,
    /// The lesson open now, its time running.
    open: bool,
    /// False only for an open lesson that would not count while no bought hour would.
    counts: bool,
}

/// The plan's part of the progress answer.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct PlanView {
    /// Bought, usable in this cycle, not learned yet, and not counting, in catalogue order.
    bought_not_counting: Vec<NotCountingHour>,
    /// The open lesson, else the first bought hour that would count; null
    /// when there is none (`next_lesson_hint` then says what to do).
    next_lesson: Option<NextLessonView>,
    /// Set when there is no next lesson and hours are still required.
    next_lesson_hint: Option<NextStep>,
    /// Hours still required that no bought hour covers.
    hours_to_buy: u32,
}

impl PlanView {
    pub(crate) fn of(catalogue: &Catalogue, progress: &Progress, plan: &StudyPlan) -> Self {
        let next_lesson = plan.next.as_ref().map(
            |NextLesson {
                 hour,
                 open,
                 not_counting,
             }| NextLessonView {
                hour: HourLink::of(catalogue, hour),
                open: *open,
                counts: not_counting.is_none(),
            },
        );
        let next_lesson_hint = (next_lesson.is_none() && plan.hours_to_buy > 0)
            .then(|| buy_hint(progress, plan.hours_to_buy));
        Self {
            bought_not_counting: plan
                .not_counting
                .iter()
                .map(|(hour, reason)| NotCountingHour::of(catalogue, hour, *reason))
                .collect(),
            next_lesson,
            next_lesson_hint,
            hours_to_buy: plan.hours_to_buy,
        }
    }
}

fn buy_hint(progress: &Progress, hours: u32) -> NextStep {
    let (which_zh, which_en) = if progress.requirement.mandatory_hours == 0 {
        ("选修课或认证课程", "elective or certification courses")
    } else {
        ("课程", "courses")
    };
    NextStep {
        code: "hours.buy".into(),
        message: format!(
            "没有待学的计入学时的课时：本周期还需 {hours} 学时，请到课程目录购买{which_zh}。"
        ),
        message_en: format!(
            "No bought hour left that counts: this cycle still needs {hours} hours. Buy {which_en} in the catalogue."
        ),
    }
}
