//! China's official working days (R17): weekends, public holidays and the
//! make-up working days (调休) of each year's State Council notice.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

use jiff::ToSpan;
use jiff::civil::{Date, Weekday};
use serde::Deserialize;

use crate::data_file::{DataErrors, Problems, TomlDate, bundled, parse_toml};
use crate::rejection::{Rejection, display_as_rejection};
use crate::settings::YearSettings;

const FILE: &str = "site/data/calendar.toml";

/// The official calendar for the years whose notices we have transcribed.
#[derive(Debug, Clone)]
pub struct WorkCalendar {
    years: BTreeMap<i16, YearCalendar>,
}

#[derive(Debug, Clone, Default)]
struct YearCalendar {
    holidays: BTreeSet<Date>,
    make_up_workdays: BTreeSet<Date>,
}

impl WorkCalendar {
    /// The calendar compiled into this binary from `site/data/calendar.toml`.
    pub fn bundled() -> Result<Self, DataErrors> {
        Self::from_toml(bundled::CALENDAR_TOML)
    }

    pub fn from_toml(text: &str) -> Result<Self, DataErrors> {
        let raw: RawCalendar = parse_toml(FILE, text)?;
        raw.validate()
    }

    /// The years this calendar knows.
    pub fn years(&self) -> impl Iterator<Item = i16> + '_ {
        self.years.keys().copied()
    }

    /// Whether people work on `day`; an error for a year no notice covers yet,
    /// since guessing would promise a download on a day off.
    pub fn is_working_day(&self, day: Date) -> Result<bool, CalendarError> {
        let year = self
            .years
            .get(&day.year())
            .ok_or(CalendarError::YearNotCovered { year: day.year() })?;
        if year.make_up_workdays.contains(&day) {
            return Ok(true);
        }
        let weekend = matches!(day.weekday(), Weekday::Saturday | Weekday::Sunday);
        Ok(!weekend && !year.holidays.contains(&day))
    }

    /// The `count`-th working day strictly after `day` (`count` ≥ 1).
    pub fn working_days_after(&self, day: Date, count: u8) -> Result<Date, CalendarError> {
        let mut current = day;
        let mut remaining = count;
        while remaining > 0 {
            current = current
                .checked_add(1.day())
                .map_err(|_| CalendarError::YearNotCovered { year: day.year() })?;
            if self.is_working_day(current)? {
                remaining -= 1;
            }
        }
        Ok(current)
    }
}

/// R17: the first day a holder of this batch may download and print the
/// certificate: the configured working day (the 7th in 2023) after the batch date.
pub fn certificate_available_from(
    batch_date: Date,
    settings: &YearSettings,
    calendar: &WorkCalendar,
) -> Result<Date, CalendarError> {
    if !settings.is_batch_date(batch_date) {
        return Err(CalendarError::NotABatchDate);
    }
    calendar.working_days_after(
        batch_date,
        settings.certificate_available_after_working_days,
    )
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    YearNotCovered { year: i16 },
    NotABatchDate,
}

display_as_rejection!(CalendarError);

impl Rejection for CalendarError {
    fn code(&self) -> &'static str {
        match self {
            Self::YearNotCovered { .. } => "calendar.year_not_covered",
            Self::NotABatchDate => "calendar.not_a_batch_date",
        }
    }

    fn message_zh(&self) -> Cow<'static, str> {
        match self {
            Self::YearNotCovered { year } => {
                format!("{year} 年的法定节假日安排尚未发布，暂无法计算工作日。").into()
            }
            Self::NotABatchDate => "该日期不是本年度的证书到期批次日期。".into(),
        }
    }

    fn message_en(&self) -> Cow<'static, str> {
        match self {
            Self::YearNotCovered { year } => format!("The official holidays of {year} are not published yet; working days cannot be counted.").into(),
            Self::NotABatchDate => "This date is not one of this year's certificate batch dates.".into(),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCalendar {
    year: Vec<RawYear>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawYear {
    year: i16,
    #[allow(dead_code)]
    source: String,
    holidays: Vec<RawHoliday>,
    workdays: Vec<TomlDate>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHoliday {
    name: String,
    from: TomlDate,
    to: TomlDate,
}

impl RawCalendar {
    fn validate(self) -> Result<WorkCalendar, DataErrors> {
        let mut problems = Problems::new(FILE);
        let mut years = BTreeMap::new();
        for raw in self.year {
            let entry = format!("year {}", raw.year);
            let mut calendar = YearCalendar::default();
            for holiday in &raw.holidays {
                let holiday_entry = format!("{entry} holiday \"{}\"", holiday.name);
                let (from, to) = (holiday.from.0, holiday.to.0);
                if from > to {
                    problems.add(&holiday_entry, "to", "ends before it starts");
                    continue;
                }
                if from.year() != raw.year || to.year() != raw.year {
                    problems.add(
                        &holiday_entry,
                        "from",
                        "list only the days that fall in this year",
                    );
                    continue;
                }
                for day in from.series(1.day()).take_while(|day| *day <= to) {
                    if !calendar.holidays.insert(day) {
                        problems.add(&holiday_entry, "from", format!("{day} is listed twice"));
                    }
                }
            }
            for TomlDate(day) in &raw.workdays {
                if day.year() != raw.year {
                    problems.add(&entry, "workdays", format!("{day} is not in this year"));
                } else if !matches!(day.weekday(), Weekday::Saturday | Weekday::Sunday) {
                    problems.add(
                        &entry,
                        "workdays",
                        format!(
                            "{day} is a weekday already; make-up working days fall on weekends"
                        ),
                    );
                } else if calendar.holidays.contains(day) {
                    problems.add(
                        &entry,
                        "workdays",
                        format!("{day} is also listed as a holiday"),
                    );
                } else if !calendar.make_up_workdays.insert(*day) {
                    problems.add(&entry, "workdays", format!("{day} is listed twice"));
                }
            }
            if years.insert(raw.year, calendar).is_some() {
                problems.add(&entry, "year", "is listed twice");
            }
        }
        if let (Some(first), Some(last)) = (years.keys().next(), years.keys().next_back()) {
            if (i32::from(*last) - i32::from(*first) + 1) as usize != years.len() {
                problems.add(
                    "file",
                    "year",
                    "the years must follow each other without gaps",
                );
            }
        } else {
            problems.add("file", "year", "at least one year is needed");
        }
        problems.finish(WorkCalendar { years })
    }
}

#[cfg(test)]
mod tests;
