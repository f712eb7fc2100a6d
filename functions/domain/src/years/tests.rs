use jiff::civil::{Date, date};

use super::*;
use crate::calendar::{Holiday, YearCalendarDraft};
use crate::money::Fen;
use crate::settings::YearSettingsDraft;

fn settings_2027() -> YearSettingsDraft {
    YearSettingsDraft {
        year: 2027,
        source: "中检协〔2027〕1号".to_owned(),
        price_per_hour_fen: 1600,
        batch_expiry_dates: vec![date(2027, 7, 6), date(2027, 12, 24)],
        certificate_available_after_working_days: 7,
        returning_learner_free_mandatory: true,
        class_hour_minutes: 45,
    }
}

/// A plausible 2027 notice, made up for the tests: no official source here.
fn calendar_2027() -> YearCalendarDraft {
    YearCalendarDraft {
        year: 2027,
        source: "测试用通知".to_owned(),
        holidays: vec![Holiday {
            name: "元旦".to_owned(),
            from: date(2027, 1, 1),
            to: date(2027, 1, 3),
        }],
        workdays: vec![],
    }
}

fn settings_2023() -> YearSettingsDraft {
    Settings::bundled()
        .unwrap()
        .entry(2023)
        .unwrap()
        .clone()
        .into()
}

fn calendar_of(year: i16) -> YearCalendarDraft {
    WorkCalendar::bundled()
        .unwrap()
        .year(year)
        .unwrap()
        .clone()
        .into()
}

fn bundled_with(settings: Vec<YearSettingsDraft>, calendars: Vec<YearCalendarDraft>) -> Years {
    Years::bundled().unwrap().with(
        settings.into_iter().map(|s| s.validate().unwrap()),
        calendars.into_iter().map(|c| c.validate().unwrap()),
    )
}

fn paths(problems: &YearProblems) -> Vec<String> {
    problems.problems.iter().map(YearProblem::path).collect()
}

#[test]
fn staff_settings_meet_the_rules_of_the_file_each_problem_naming_its_field() {
    let draft = YearSettingsDraft {
        source: " ".to_owned(),
        price_per_hour_fen: 0,
        batch_expiry_dates: vec![date(2027, 8, 1), date(2027, 7, 1), date(2029, 1, 1)],
        certificate_available_after_working_days: 21,
        class_hour_minutes: 0,
        ..settings_2027()
    };
    let problems = draft.validate().unwrap_err();
    assert_eq!(
        paths(&problems),
        [
            "source",
            "price_per_hour_fen",
            "batch_expiry_dates",
            "batch_expiry_dates",
            "certificate_available_after_working_days",
            "class_hour_minutes"
        ]
    );
    assert_eq!(problems.code(), "years.invalid");
    assert!(problems.message_zh().starts_with("年度数据有误"));
    assert!(settings_2027().validate().is_ok());
}

#[test]
fn staff_calendars_meet_the_rules_of_the_file_and_name_the_holiday_at_fault() {
    let draft = YearCalendarDraft {
        source: String::new(),
        holidays: vec![
            Holiday {
                name: "元旦".to_owned(),
                from: date(2027, 1, 1),
                to: date(2027, 1, 3),
            },
            Holiday {
                name: "春节".to_owned(),
                from: date(2027, 2, 10),
                to: date(2027, 2, 6),
            },
            Holiday {
                name: "重叠".to_owned(),
                from: date(2027, 1, 3),
                to: date(2027, 1, 3),
            },
        ],
        // A Monday, and a Sunday that is a holiday.
        workdays: vec![date(2027, 1, 4), date(2027, 1, 3)],
        ..calendar_2027()
    };
    let problems = draft.validate().unwrap_err();
    assert_eq!(
        paths(&problems),
        [
            "source",
            "holidays[1].to",
            "holidays[2].from",
            "workdays",
            "workdays"
        ]
    );
    assert!(calendar_2027().validate().is_ok());
}

#[test]
fn a_stored_year_reads_back_equal_and_a_tampered_one_is_refused() {
    let entry = settings_2027().validate().unwrap();
    let json = serde_json::to_string(&entry).unwrap();
    assert!(json.contains("\"2027-07-06\""), "{json}");
    assert_eq!(serde_json::from_str::<SettingsEntry>(&json).unwrap(), entry);
    let tampered = json.replace("1600", "0");
    assert!(serde_json::from_str::<SettingsEntry>(&tampered).is_err());

    let calendar = calendar_2027().validate().unwrap();
    let json = serde_json::to_string(&calendar).unwrap();
    assert_eq!(
        serde_json::from_str::<CalendarYear>(&json).unwrap(),
        calendar
    );
}

#[test]
fn a_year_staff_saved_replaces_the_bundled_one_and_new_years_are_added() {
    let mut cheaper = settings_2023();
    cheaper.price_per_hour_fen = 1200;
    let years = bundled_with(vec![cheaper, settings_2027()], vec![calendar_2027()]);
    assert_eq!(
        years.settings.year(2023).unwrap().price_per_hour,
        Fen::new(1200)
    );
    assert_eq!(
        years.settings.in_force_on(date(2027, 3, 1)).unwrap().year,
        2027
    );
    assert_eq!(
        years.settings.in_force_on(date(2026, 12, 31)).unwrap().year,
        2023
    );
    assert!(years.calendar.is_working_day(date(2027, 1, 4)).unwrap());
    assert!(!years.calendar.is_working_day(date(2027, 1, 1)).unwrap());
}

#[test]
fn a_batch_whose_window_reaches_an_unpublished_year_is_on_the_checklist_until_it_is() {
    let today = date(2026, 12, 1);
    let years = bundled_with(vec![settings_2027()], vec![]);
    let checklist = years.checklist(today);
    assert_eq!(
        checklist,
        [
            ChecklistItem::SettingsMissing { year: 2026 },
            ChecklistItem::CalendarMissing { year: 2027 },
            ChecklistItem::DownloadDayUnknown {
                year: 2027,
                batch_date: date(2027, 7, 6),
                calendar_year: 2027
            },
            ChecklistItem::DownloadDayUnknown {
                year: 2027,
                batch_date: date(2027, 12, 24),
                calendar_year: 2027
            },
        ]
    );
    // Before November the State Council has not published next year's calendar yet.
    assert!(
        !years
            .checklist(date(2026, 10, 31))
            .contains(&ChecklistItem::CalendarMissing { year: 2027 })
    );

    // With 2027's calendar the July batch is covered; the December one
    // reaches 2028 (24 Dec + 7 working days).
    let years = bundled_with(vec![settings_2027()], vec![calendar_2027()]);
    let downloads = years.downloads_of(2027);
    assert_eq!(downloads[0].available_from, Ok(date(2027, 7, 15)));
    assert_eq!(
        downloads[1].available_from,
        Err(CalendarError::YearNotCovered { year: 2028 })
    );
    assert_eq!(
        years.checklist(date(2027, 2, 1)),
        [
            ChecklistItem::SettingsMissing { year: 2028 },
            ChecklistItem::DownloadDayUnknown {
                year: 2027,
                batch_date: date(2027, 12, 24),
                calendar_year: 2028
            },
        ]
    );
}

fn date_of(correction: &Correction) -> Date {
    match correction {
        Correction::BatchRemoved { batch_date, .. }
        | Correction::DownloadDayMoved { batch_date, .. } => *batch_date,
        other => panic!("not a batch: {other:?}"),
    }
}

#[test]
fn moving_a_batch_that_opened_already_is_a_correction_but_next_years_batches_are_not() {
    let today = date(2026, 12, 1);
    let current = bundled_with(vec![settings_2027()], vec![]);
    let mut moved = settings_2023();
    moved.batch_expiry_dates = vec![
        date(2023, 7, 7),
        date(2023, 7, 21),
        date(2023, 8, 15),
        date(2024, 3, 1),
    ];
    let proposed = current.clone().with([moved.validate().unwrap()], []);
    let corrections = current.corrections(&proposed, today);
    assert_eq!(
        corrections,
        [Correction::BatchRemoved {
            year: 2023,
            batch_date: date(2023, 7, 6)
        }]
    );
    assert_eq!(
        check_correction(&current, &proposed, today, false)
            .unwrap_err()
            .code(),
        "years.correction_required"
    );
    assert_eq!(
        check_correction(&current, &proposed, today, true).unwrap(),
        corrections
    );

    let mut next = settings_2027();
    next.batch_expiry_dates = vec![date(2027, 8, 1)];
    next.price_per_hour_fen = 1700;
    let proposed = current.clone().with([next.validate().unwrap()], []);
    assert!(current.corrections(&proposed, today).is_empty());
}

#[test]
fn changing_the_price_or_discount_of_a_year_that_is_over_is_a_correction() {
    let current = Years::bundled().unwrap();
    let mut changed = settings_2023();
    changed.price_per_hour_fen = 1400;
    changed.returning_learner_free_mandatory = false;
    let proposed = current.clone().with([changed.validate().unwrap()], []);
    assert_eq!(
        current.corrections(&proposed, date(2026, 12, 1)),
        [
            Correction::PriceOfPastYear { year: 2023 },
            Correction::DiscountOfPastYear { year: 2023 }
        ]
    );
    // During 2023 itself the price was still being set, not relied on for a finished year.
    assert!(current.corrections(&proposed, date(2023, 1, 2)).is_empty());
}

#[test]
fn a_calendar_change_that_moves_an_opened_download_day_is_a_correction() {
    let current = Years::bundled().unwrap();
    let mut calendar = calendar_of(2023);
    // A holiday on 2023-07-10 pushes the 2023-07-06 batch from 17 to 18 July.
    calendar.holidays.push(Holiday {
        name: "测试".to_owned(),
        from: date(2023, 7, 10),
        to: date(2023, 7, 10),
    });
    let proposed = current.clone().with([], [calendar.validate().unwrap()]);
    let corrections = current.corrections(&proposed, date(2026, 12, 1));
    assert_eq!(
        corrections.iter().map(date_of).collect::<Vec<_>>(),
        [date(2023, 7, 6)]
    );
    assert!(matches!(
        corrections[0],
        Correction::DownloadDayMoved { from, to: Some(to), .. } if from == date(2023, 7, 17) && to == date(2023, 7, 18)
    ));
    // Before that batch opened, the same change is an ordinary edit.
    assert!(current.corrections(&proposed, date(2023, 7, 16)).is_empty());

    let mut december = calendar_of(2023);
    december.holidays.push(Holiday {
        name: "无关".to_owned(),
        from: date(2023, 12, 26),
        to: date(2023, 12, 26),
    });
    let proposed = current.clone().with([], [december.validate().unwrap()]);
    assert!(current.corrections(&proposed, date(2026, 12, 1)).is_empty());
}
