use std::num::NonZeroU16;

use jiff::civil::{Date, date};

use super::*;
use crate::catalogue::CourseId;
use crate::cycle::{Cycle, CycleNumber, LearnerCycle};
use crate::learner::LearnerCategory;

const CYCLE_START: Date = date(2023, 1, 1);

fn cycle(number: CycleNumber) -> LearnerCycle {
    LearnerCycle {
        number,
        cycle: Cycle::starting_on(CYCLE_START),
        renews: None,
    }
}

fn hour(course: &str, number: u16) -> HourId {
    HourId::new(
        CourseId::parse(course).unwrap(),
        NonZeroU16::new(number).unwrap(),
    )
}

/// Hours `1..=count` of `course`.
fn bought(group: CourseGroup, course: &str, count: u16) -> Vec<BoughtHour> {
    (1..=count)
        .map(|number| BoughtHour {
            hour: hour(course, number),
            group,
        })
        .collect()
}

fn marks(bought: &[BoughtHour], cycle: CycleNumber) -> Vec<LearnedHour> {
    bought
        .iter()
        .map(|b| LearnedHour {
            hour: b.hour.clone(),
            group: b.group,
            learned_on: CYCLE_START,
            learned_at: None,
            cycle,
            studied_seconds: Some(2700),
        })
        .collect()
}

fn plan(
    category: LearnerCategory,
    learned: &[LearnedHour],
    bought: &[BoughtHour],
    open: Option<&HourId>,
) -> StudyPlan {
    let progress = Progress::evaluate(category, &cycle(CycleNumber::FIRST), learned);
    StudyPlan::of(&progress, learned, bought, open)
}

#[test]
fn mandatory_hours_bought_by_a_new_or_titled_learner_do_not_count() {
    let cart = [
        bought(CourseGroup::Mandatory, "law", 2),
        bought(CourseGroup::Elective, "sampling", 1),
    ]
    .concat();
    for category in [LearnerCategory::New, LearnerCategory::Titled] {
        let plan = plan(category, &[], &cart, None);
        assert_eq!(
            plan.not_counting,
            [
                (hour("law", 1), NotCounting::MandatoryNotRequired),
                (hour("law", 2), NotCounting::MandatoryNotRequired),
            ]
        );
        assert_eq!(plan.hours_to_buy, 39);
        assert_eq!(
            plan.next.map(|next| next.hour),
            Some(hour("sampling", 1)),
            "the first hour that counts, not the first bought"
        );
    }
}

#[test]
fn a_holders_mandatory_hours_count() {
    let cart = bought(CourseGroup::Mandatory, "law", 10);
    let plan = plan(LearnerCategory::Holder, &[], &cart, None);
    assert!(plan.not_counting.is_empty());
    assert_eq!(plan.hours_to_buy, 30);
    assert_eq!(
        plan.next,
        Some(NextLesson {
            hour: hour("law", 1),
            open: false,
            not_counting: None
        })
    );
}

#[test]
fn a_holder_whose_thirty_flexible_hours_are_learned_gains_nothing_from_more() {
    let done = bought(CourseGroup::Elective, "sampling", 30);
    let learned = marks(&done, CycleNumber::FIRST);
    let cart = [
        done.clone(),
        bought(CourseGroup::Certification, "iso-17020", 1),
        bought(CourseGroup::Mandatory, "law", 1),
    ]
    .concat();
    let plan = plan(LearnerCategory::Holder, &learned, &cart, None);
    let complete = NotCounting::PartComplete {
        part: Part::Flexible,
        required_hours: 30,
    };
    assert_eq!(plan.not_counting, [(hour("iso-17020", 1), complete)]);
    assert_eq!(complete.code(), "part_complete");
    assert!(complete.message_zh().contains("30 学时已学满"));
    assert_eq!(plan.next.map(|next| next.hour), Some(hour("law", 1)));
    assert_eq!(plan.hours_to_buy, 9);
}

#[test]
fn hours_learned_this_cycle_are_neither_next_nor_reported() {
    let cart = bought(CourseGroup::Elective, "sampling", 2);
    let learned = marks(&cart[..1], CycleNumber::FIRST);
    let plan = plan(LearnerCategory::New, &learned, &cart, None);
    assert_eq!(plan.next.map(|next| next.hour), Some(hour("sampling", 2)));
    assert_eq!(plan.hours_to_buy, 38);
}

#[test]
fn an_hour_learned_in_an_earlier_cycle_may_be_next_again() {
    let cart = bought(CourseGroup::Elective, "sampling", 1);
    let earlier = marks(&cart, CycleNumber::FIRST);
    let second = CycleNumber::FIRST.next();
    let progress = Progress::evaluate(LearnerCategory::New, &cycle(second), &earlier);
    let plan = StudyPlan::of(&progress, &earlier, &cart, None);
    assert_eq!(plan.next.map(|next| next.hour), Some(hour("sampling", 1)));
}

#[test]
fn the_open_lesson_is_next() {
    let cart = bought(CourseGroup::Elective, "sampling", 3);
    let open = hour("sampling", 3);
    let plan = plan(LearnerCategory::New, &[], &cart, Some(&open));
    assert_eq!(
        plan.next,
        Some(NextLesson {
            hour: open,
            open: true,
            not_counting: None
        })
    );
}

#[test]
fn an_open_lesson_that_would_not_count_gives_way_to_one_that_would() {
    let cart = [
        bought(CourseGroup::Mandatory, "law", 1),
        bought(CourseGroup::Elective, "sampling", 1),
    ]
    .concat();
    let open = hour("law", 1);
    let plan = plan(LearnerCategory::New, &[], &cart, Some(&open));
    assert_eq!(plan.next.map(|next| next.hour), Some(hour("sampling", 1)));

    let only_mandatory = bought(CourseGroup::Mandatory, "law", 1);
    let plan = self::plan(LearnerCategory::New, &[], &only_mandatory, Some(&open));
    assert_eq!(
        plan.next,
        Some(NextLesson {
            hour: open,
            open: true,
            not_counting: Some(NotCounting::MandatoryNotRequired)
        })
    );
}

#[test]
fn an_open_lesson_not_bought_or_already_learned_is_not_next() {
    let cart = bought(CourseGroup::Elective, "sampling", 1);
    let stray = hour("other", 1);
    let plan = plan(LearnerCategory::New, &[], &cart, Some(&stray));
    assert_eq!(
        plan.next.map(|next| (next.hour, next.open)),
        Some((hour("sampling", 1), false))
    );
}

#[test]
fn with_nothing_bought_there_is_no_next_lesson_and_all_is_to_buy() {
    let plan = plan(LearnerCategory::Holder, &[], &[], None);
    assert_eq!(
        plan,
        StudyPlan {
            not_counting: vec![],
            next: None,
            hours_to_buy: 40
        }
    );
}

#[test]
fn more_hours_bought_than_a_part_lacks_all_count_while_it_lacks_any() {
    let learned = marks(
        &bought(CourseGroup::Elective, "sampling", 29),
        CycleNumber::FIRST,
    );
    let cart = bought(CourseGroup::Certification, "iso-17020", 3);
    let plan = plan(LearnerCategory::Holder, &learned, &cart, None);
    assert!(plan.not_counting.is_empty());
    assert_eq!(plan.hours_to_buy, 10, "the mandatory ten");
}

#[test]
fn a_duplicate_purchase_is_reported_once() {
    let cart = [
        bought(CourseGroup::Mandatory, "law", 1),
        bought(CourseGroup::Mandatory, "law", 1),
    ]
    .concat();
    let plan = plan(LearnerCategory::Titled, &[], &cart, None);
    assert_eq!(plan.not_counting.len(), 1);
    assert_eq!(plan.next, None);
}
