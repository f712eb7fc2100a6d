use jiff::civil::{Date, date};

use super::*;
use crate::settings::Settings;

fn calendar() -> WorkCalendar {
    WorkCalendar::bundled().unwrap()
}

fn year_2023() -> YearSettings {
    Settings::bundled().unwrap().year(2023).unwrap().clone()
}

fn available(batch: Date) -> Date {
    certificate_available_from(batch, &year_2023(), &calendar()).unwrap()
}

#[test]
fn the_2023_batches_open_on_their_seventh_working_day() {
    // 2023-07-06 is a Thursday: Fri 7, Mon 10 … Fri 14 make six; Mon 17 is the seventh.
    assert_eq!(available(date(2023, 7, 6)), date(2023, 7, 17));
    assert_eq!(available(date(2023, 7, 21)), date(2023, 8, 1));
    assert_eq!(available(date(2023, 8, 15)), date(2023, 8, 24));
    assert_eq!(available(date(2024, 3, 1)), date(2024, 3, 12));
}

#[test]
fn only_this_years_batch_dates_have_a_download_day() {
    let error =
        certificate_available_from(date(2023, 7, 7), &year_2023(), &calendar()).unwrap_err();
    assert_eq!(error, CalendarError::NotABatchDate);
}

#[test]
fn the_national_day_week_is_skipped_and_its_make_up_weekend_counts() {
    let calendar = calendar();
    // Thu 2023-09-28 is the 1st; Sep 29–Oct 6 are off; Sat 7 and Sun 8 are make-up working days.
    assert_eq!(
        calendar.working_days_after(date(2023, 9, 27), 1).unwrap(),
        date(2023, 9, 28)
    );
    assert_eq!(
        calendar.working_days_after(date(2023, 9, 27), 2).unwrap(),
        date(2023, 10, 7)
    );
    assert_eq!(
        calendar.working_days_after(date(2023, 9, 27), 3).unwrap(),
        date(2023, 10, 8)
    );
    assert_eq!(
        calendar.working_days_after(date(2023, 9, 27), 7).unwrap(),
        date(2023, 10, 12)
    );
}

#[test]
fn spring_festival_and_its_make_up_days_are_known_for_every_covered_year() {
    let calendar = calendar();
    let cases = [
        (date(2023, 1, 23), false),
        (date(2023, 1, 28), true),   // Saturday, make-up
        (date(2024, 2, 16), false),  // Friday, holiday
        (date(2024, 2, 18), true),   // Sunday, make-up
        (date(2025, 1, 28), false),  // New Year's Eve, off since 2025
        (date(2025, 2, 8), true),    // Saturday, make-up
        (date(2026, 2, 23), false),  // Monday, last day of nine
        (date(2026, 2, 28), true),   // Saturday, make-up
        (date(2026, 1, 4), true),    // Sunday after New Year, make-up
        (date(2026, 11, 27), true),  // an ordinary Friday
        (date(2026, 11, 28), false), // an ordinary Saturday
    ];
    for (day, working) in cases {
        assert_eq!(calendar.is_working_day(day).unwrap(), working, "{day}");
    }
}

#[test]
fn a_year_without_a_published_notice_is_an_error_not_a_guess() {
    let calendar = calendar();
    assert_eq!(
        calendar.is_working_day(date(2027, 1, 4)),
        Err(CalendarError::YearNotCovered { year: 2027 })
    );
    // The count runs into 2027 and stops there.
    assert_eq!(
        calendar.working_days_after(date(2026, 12, 28), 7),
        Err(CalendarError::YearNotCovered { year: 2027 })
    );
    assert_eq!(
        calendar.years().collect::<Vec<_>>(),
        [2023, 2024, 2025, 2026]
    );
}

#[test]
fn a_make_up_working_day_on_a_weekday_is_refused() {
    let text = "[[year]]\nyear = 2023\nsource = \"t\"\nholidays = []\nworkdays = [2023-01-27]\n";
    let errors = WorkCalendar::from_toml(text).unwrap_err();
    assert_eq!(errors.errors[0].field, "workdays");
    assert!(
        errors.errors[0]
            .problem
            .contains("make-up working days fall on weekends")
    );
}

#[test]
fn holidays_outside_their_year_reversed_or_overlapping_are_refused() {
    let text = r#"
        [[year]]
        year = 2023
        source = "t"
        holidays = [
          { name = "a", from = 2022-12-31, to = 2023-01-02 },
          { name = "b", from = 2023-05-03, to = 2023-05-01 },
          { name = "c", from = 2023-10-01, to = 2023-10-02 },
          { name = "d", from = 2023-10-02, to = 2023-10-03 },
        ]
        workdays = [2023-10-01]
    "#;
    let errors = WorkCalendar::from_toml(text).unwrap_err();
    let entries: Vec<_> = errors.errors.iter().map(|e| e.entry.as_str()).collect();
    assert_eq!(
        entries,
        [
            "year 2023 holiday \"a\"",
            "year 2023 holiday \"b\"",
            "year 2023 holiday \"d\"",
            "year 2023"
        ]
    );
}

#[test]
fn gaps_between_years_are_refused() {
    let text = "[[year]]\nyear = 2023\nsource = \"t\"\nholidays = []\nworkdays = []\n[[year]]\nyear = 2025\nsource = \"t\"\nholidays = []\nworkdays = []\n";
    let errors = WorkCalendar::from_toml(text).unwrap_err();
    assert!(errors.to_string().contains("without gaps"), "{errors}");
}
