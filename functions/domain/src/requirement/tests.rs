use std::num::NonZeroU16;

use jiff::civil::{Date, date};
use proptest::prelude::*;

use super::*;
use crate::catalogue::CourseId;
use crate::learner::LearnerKind;

const CYCLE_START: Date = date(2023, 1, 1);

/// A first cycle starting on `CYCLE_START`.
fn cycle() -> LearnerCycle {
    LearnerCycle {
        number: CycleNumber::FIRST,
        cycle: Cycle::starting_on(CYCLE_START),
        renews: None,
    }
}

/// `count` distinct hours of one group, learned on the cycle's first day.
fn learned(group: CourseGroup, course: &str, count: u16) -> Vec<LearnedHour> {
    (1..=count)
        .map(|number| LearnedHour {
            hour: HourId::new(
                CourseId::parse(course).unwrap(),
                NonZeroU16::new(number).unwrap(),
            ),
            group,
            learned_on: CYCLE_START,
            learned_at: None,
            cycle: CycleNumber::FIRST,
            studied_seconds: None,
        })
        .collect()
}

fn concat(parts: &[Vec<LearnedHour>]) -> Vec<LearnedHour> {
    parts.concat()
}

#[test]
fn a_holder_completes_with_ten_mandatory_and_thirty_flexible_hours() {
    let marks = concat(&[
        learned(CourseGroup::Mandatory, "law", 10),
        learned(CourseGroup::Elective, "sampling", 12),
        learned(CourseGroup::Certification, "iso-17020", 18),
    ]);
    let progress = Progress::evaluate(LearnerCategory::Holder, &cycle(), &marks);
    assert!(progress.is_complete());
    assert_eq!(progress.counted_towards_requirement(), 40);
    assert_eq!(progress.remaining_hours(), 0);
}

#[test]
fn a_holder_with_forty_elective_hours_still_lacks_the_mandatory_ten() {
    let marks = learned(CourseGroup::Elective, "sampling", 40);
    let progress = Progress::evaluate(LearnerCategory::Holder, &cycle(), &marks);
    assert_eq!(
        progress.shortfalls,
        [Shortfall::Mandatory {
            remaining_hours: 10
        }]
    );
    assert_eq!(progress.counted_towards_requirement(), 30);
    assert_eq!(progress.flexible_hours, 40);
}

#[test]
fn a_new_learner_completes_with_forty_electives_or_certification_hours() {
    let marks = concat(&[
        learned(CourseGroup::Elective, "sampling", 20),
        learned(CourseGroup::Certification, "iso-17020", 20),
    ]);
    assert!(Progress::evaluate(LearnerCategory::New, &cycle(), &marks).is_complete());
    assert!(Progress::evaluate(LearnerCategory::Titled, &cycle(), &marks).is_complete());
}

#[test]
fn mandatory_hours_do_not_count_for_new_learners() {
    let marks = concat(&[
        learned(CourseGroup::Mandatory, "law", 10),
        learned(CourseGroup::Elective, "sampling", 30),
    ]);
    let progress = Progress::evaluate(LearnerCategory::New, &cycle(), &marks);
    assert_eq!(
        progress.shortfalls,
        [Shortfall::Flexible {
            remaining_hours: 10
        }]
    );
    assert_eq!(progress.not_counted, 10);
}

#[test]
fn an_hour_marked_twice_counts_once() {
    let mut marks = learned(CourseGroup::Elective, "sampling", 5);
    marks.extend(learned(CourseGroup::Elective, "sampling", 5));
    let progress = Progress::evaluate(LearnerCategory::New, &cycle(), &marks);
    assert_eq!(progress.flexible_hours, 5);
    assert_eq!(progress.not_counted, 0);
}

#[test]
fn only_marks_of_the_current_cycle_count_whatever_their_date() {
    let mut marks = learned(CourseGroup::Elective, "sampling", 4);
    marks[0].cycle = CycleNumber::FIRST.next(); // the next cycle's, not this one's
    marks[1].learned_on = date(2027, 3, 1); // after the cycle's end: an overdue holder's late hour
    let progress = Progress::evaluate(LearnerCategory::New, &cycle(), &marks);
    assert_eq!(progress.flexible_hours, 3);
    assert_eq!(progress.not_counted, 0);
}

#[test]
fn the_time_studied_adds_up_the_cycles_marks_once_per_hour() {
    let mut marks = learned(CourseGroup::Elective, "sampling", 3);
    marks[0].studied_seconds = Some(2700);
    marks[1].studied_seconds = Some(2750);
    // Marked before lessons were timed: no time to add.
    marks[2].studied_seconds = None;
    let mut again = marks[0].clone();
    again.studied_seconds = Some(9999);
    marks.push(again);
    let mut other_cycle = marks[1].clone();
    other_cycle.cycle = CycleNumber::FIRST.next();
    marks.push(other_cycle);
    let progress = Progress::evaluate(LearnerCategory::New, &cycle(), &marks);
    assert_eq!(progress.studied_seconds, 2700 + 2750);
}

#[test]
fn an_hour_learned_in_an_earlier_cycle_counts_again_when_learned_again() {
    let mut marks = learned(CourseGroup::Mandatory, "law", 10);
    let second = LearnerCycle {
        number: CycleNumber::FIRST.next(),
        cycle: Cycle::starting_on(date(2027, 1, 1)),
        renews: Some(date(2027, 1, 1)),
    };
    let holder =
        |marks: &[LearnedHour]| Progress::evaluate(LearnerCategory::Holder, &second, marks);
    assert_eq!(holder(&marks).mandatory_hours, 0);
    marks.extend(marks.clone().into_iter().map(|mark| LearnedHour {
        cycle: second.number,
        studied_seconds: None,
        learned_on: date(2028, 5, 5),
        ..mark
    }));
    assert_eq!(holder(&marks).mandatory_hours, 10);
}

#[test]
fn completion_is_dated_by_the_mark_that_met_the_requirement() {
    let mut marks = learned(CourseGroup::Elective, "sampling", 40);
    marks[17].learned_on = date(2023, 9, 9);
    marks[3].learned_on = date(2023, 5, 5);
    let progress = Progress::evaluate(LearnerCategory::New, &cycle(), &marks);
    assert_eq!(progress.completed_on, Some(date(2023, 9, 9)));
    marks.pop();
    let progress = Progress::evaluate(LearnerCategory::New, &cycle(), &marks);
    assert_eq!(progress.completed_on, None);
}

#[test]
fn a_holders_cycle_is_the_four_years_before_expiry() {
    let cycle = Cycle::ending_on(date(2023, 7, 6));
    assert_eq!(cycle.start(), date(2019, 7, 6));
    assert!(cycle.contains(date(2023, 7, 5)));
    assert!(!cycle.contains(date(2023, 7, 6)));
    assert_eq!(
        Cycle::starting_on(date(2024, 2, 29)).end(),
        date(2028, 2, 29)
    );
}

#[test]
fn requirements_add_up_to_forty_hours_for_everyone() {
    for category in LearnerCategory::ALL {
        assert_eq!(
            Requirement::for_category(category).total_hours(),
            CYCLE_HOURS
        );
    }
}

fn arbitrary_marks() -> impl Strategy<Value = Vec<LearnedHour>> {
    // An hour belongs to one group: here each course is of one group.
    let mark = (0u8..4, 1u16..30, 0i32..2000).prop_map(|(course, number, day)| LearnedHour {
        hour: HourId::new(
            CourseId::parse(&format!("course-{course}")).unwrap(),
            NonZeroU16::new(number).unwrap(),
        ),
        group: CourseGroup::ALL[usize::from(course) % CourseGroup::ALL.len()],
        learned_on: date(2022, 6, 1)
            .checked_add(jiff::Span::new().days(day))
            .unwrap(),
        learned_at: None,
        cycle: CycleNumber::FIRST,
        studied_seconds: None,
    });
    prop::collection::vec(mark, 0..120)
}

proptest! {
    #[test]
    fn never_complete_below_forty_counted_hours(marks in arbitrary_marks(), category in prop::sample::select(LearnerCategory::ALL.to_vec())) {
        let progress = Progress::evaluate(category, &cycle(), &marks);
        if progress.is_complete() {
            prop_assert!(progress.mandatory_hours + progress.flexible_hours >= CYCLE_HOURS);
            prop_assert_eq!(progress.counted_towards_requirement(), CYCLE_HOURS);
        } else {
            prop_assert!(progress.counted_towards_requirement() < CYCLE_HOURS);
        }
    }

    #[test]
    fn one_more_learned_hour_never_lowers_progress(
        marks in arbitrary_marks(),
        extra in arbitrary_marks(),
        category in prop::sample::select(LearnerCategory::ALL.to_vec()),
    ) {
        let before = Progress::evaluate(category, &cycle(), &marks);
        for mark in extra.into_iter().take(1) {
            let mut more = marks.clone();
            more.push(mark);
            let after = Progress::evaluate(category, &cycle(), &more);
            prop_assert!(after.counted_towards_requirement() >= before.counted_towards_requirement());
            prop_assert!(after.remaining_hours() <= before.remaining_hours());
            prop_assert!(!before.is_complete() || after.is_complete());
        }
    }

    #[test]
    fn every_distinct_hour_is_counted_or_reported_not_counted(marks in arbitrary_marks()) {
        let progress = Progress::evaluate(LearnerCategory::Holder, &cycle(), &marks);
        let distinct = marks.iter().map(|mark| &mark.hour).collect::<std::collections::BTreeSet<_>>().len() as u32;
        prop_assert_eq!(progress.mandatory_hours + progress.flexible_hours + progress.not_counted, distinct);
    }
}

#[test]
fn each_kind_of_learner_has_its_own_first_cycle() {
    use crate::learner::{
        DocumentNumber, HolderCertificateKind, HolderDetails, NewLearnerDetails, ShortText,
        TitleDetails,
    };
    let first = |kind: &LearnerKind, registered_on| {
        LearnerCycle::current(CycleNumber::FIRST, kind, registered_on, None).cycle
    };
    let holder = LearnerKind::Holder(HolderDetails {
        certificate_kind: HolderCertificateKind::Qualification,
        original_certificate_no: DocumentNumber::parse("CIE-1").unwrap(),
        expires_on: date(2023, 7, 21),
    });
    assert_eq!(
        first(&holder, date(2023, 1, 5)),
        Cycle::ending_on(date(2023, 7, 21))
    );
    let new = LearnerKind::New(NewLearnerDetails {
        learning_started_on: date(2024, 3, 1),
    });
    assert_eq!(first(&new, date(2024, 2, 1)).start(), date(2024, 3, 1));
    let titled = LearnerKind::Titled(TitleDetails {
        title_kind: ShortText::parse("工程师").unwrap(),
        issuing_authority: ShortText::parse("人社局").unwrap(),
        title_certificate_no: DocumentNumber::parse("T-1").unwrap(),
    });
    assert_eq!(
        first(&titled, date(2025, 5, 5)),
        Cycle::starting_on(date(2025, 5, 5))
    );
}
