use jiff::civil::date;

use super::*;
use crate::catalogue::CourseGroup;
use crate::cycle::Cycle;

fn hour(id: &str) -> HourId {
    HourId::parse(id).unwrap()
}

fn mark(id: &str, cycle: u32, at: &str) -> LearnedHour {
    let at: jiff::Timestamp = at.parse().unwrap();
    LearnedHour {
        hour: hour(id),
        group: CourseGroup::Elective,
        learned_on: china_time(at).date(),
        learned_at: Some(at),
        cycle: CycleNumber::new(cycle).unwrap(),
        studied_seconds: Some(2700),
    }
}

fn cycle(number: u32) -> LearnerCycle {
    LearnerCycle {
        number: CycleNumber::new(number).unwrap(),
        cycle: Cycle::ending_on(date(2027, 7, 6)),
        renews: Some(date(2027, 7, 6)),
    }
}

fn compile(
    marks: &[LearnedHour],
    cycle_number: u32,
    issued_on: Date,
) -> Result<LearningRecord, RecordRefusal> {
    let name = PersonName::parse("钟检").unwrap();
    let cycle = cycle(cycle_number);
    LearningRecord::compile(
        RecordFacts {
            learner: "0123456789abcdef0123456789abcdef",
            name: &name,
            category: LearnerCategory::Holder,
            cycle: &cycle,
            cycle_start: date(2023, 7, 6),
            cycle_end: date(2027, 7, 6),
            marks,
            issued_on,
        },
        |hour| Some(format!("课程 {}", hour.course())),
    )
}

fn marks() -> Vec<LearnedHour> {
    vec![
        mark("gbt2828/2", 1, "2024-03-01T02:30:00Z"),
        mark("gbt2828/1", 1, "2024-02-29T17:05:00Z"),
        mark("gbt2828/1", 2, "2028-01-10T01:00:00Z"),
    ]
}

#[test]
fn a_record_lists_its_cycles_hours_only_in_china_time_in_the_order_marked() {
    let record = compile(&marks(), 1, date(2026, 12, 2)).unwrap();
    let listed: Vec<(String, u16, String)> = record
        .hours
        .iter()
        .map(|h| (h.course_title.clone(), h.number(), h.when()))
        .collect();
    assert_eq!(
        listed,
        [
            ("课程 gbt2828".to_owned(), 1, "2024-03-01 01:05".to_owned()),
            ("课程 gbt2828".to_owned(), 2, "2024-03-01 10:30".to_owned()),
        ]
    );
    assert_eq!((record.counted_hours, record.required_hours), (2, 40));
    assert_eq!(
        compile(&marks(), 2, date(2028, 2, 1)).unwrap().hours.len(),
        1
    );
}

#[test]
fn a_cycle_without_a_learned_hour_has_no_record() {
    let refusal = compile(&marks(), 3, date(2031, 1, 1)).unwrap_err();
    assert_eq!(refusal.code(), "record.empty");
    assert_eq!(refusal.kind(), RejectionKind::Conflict);
}

#[test]
fn the_number_is_the_same_for_the_same_hours_and_day_and_changes_with_either() {
    let day = date(2026, 12, 2);
    let first = compile(&marks(), 1, day).unwrap().no;
    assert_eq!(compile(&marks(), 1, day).unwrap().no, first);
    assert!(first.as_str().starts_with("XS20261202-"), "{first}");
    assert_eq!(RecordNo::parse(first.as_str()), Ok(first.clone()));
    assert_ne!(compile(&marks(), 1, date(2026, 12, 3)).unwrap().no, first);
    let mut more = marks();
    more.push(mark("gbt2828/3", 1, "2026-12-01T08:00:00Z"));
    assert_ne!(compile(&more, 1, day).unwrap().no, first);
}

#[test]
fn the_seal_names_no_more_than_the_masked_name_and_parses_back_from_its_fields() {
    let seal = compile(&marks(), 1, date(2026, 12, 2)).unwrap().seal();
    assert_eq!(seal.name, "钟*");
    let query = seal.link_query("SIG");
    assert!(
        query.contains("&n=%E9%92%9F%2A&c=2023-07-06~2027-07-06&h=2&q=40&d=2026-12-02&s=SIG"),
        "{query}"
    );
    let no = seal.no.to_string();
    let parsed = RecordSeal::parse(RecordLink {
        no: Some(&no),
        name: Some("钟*"),
        cycle: Some("2023-07-06~2027-07-06"),
        hours: Some("2"),
        required: Some("40"),
        issued_on: Some("2026-12-02"),
    });
    assert_eq!(parsed, Ok(seal.clone()));
    assert!(
        seal.signed_text()
            .starts_with("ticedu-learning-record-v1\nXS20261202-")
    );
}

#[test]
fn malformed_links_are_unverifiable() {
    let good = RecordLink {
        no: Some("XS20261202-0123456789"),
        name: Some("钟*"),
        cycle: Some("2023-07-06~2027-07-06"),
        hours: Some("2"),
        required: Some("40"),
        issued_on: Some("2026-12-02"),
    };
    assert!(RecordSeal::parse(good).is_ok());
    for bad in [
        RecordLink { no: None, ..good },
        RecordLink {
            no: Some("XS2026-01"),
            ..good
        },
        RecordLink {
            no: Some("XS20261202-0123456789a"),
            ..good
        },
        RecordLink {
            name: Some("钟*\n40"),
            ..good
        },
        RecordLink {
            cycle: Some("2027-07-06~2023-07-06"),
            ..good
        },
        RecordLink {
            cycle: Some("2023-07-06"),
            ..good
        },
        RecordLink {
            hours: Some("02"),
            ..good
        },
        RecordLink {
            hours: Some("-2"),
            ..good
        },
        RecordLink {
            required: Some("999999"),
            ..good
        },
        RecordLink {
            issued_on: Some("2026-13-02"),
            ..good
        },
    ] {
        assert_eq!(RecordSeal::parse(bad), Err(Unverifiable), "{bad:?}");
    }
}
