//! China's official working days (R17): weekends, public holidays and the
//! make-up working days (调休) of each year's State Council notice.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

use jiff::ToSpan;
use jiff::civil::{Date, Weekday};
use serde::{Deserialize, Serialize};

use crate::data_file::{DataErrors, Problems, TomlDate, bundled, parse_toml};
use crate::rejection::{Rejection, display_as_rejection};
use crate::settings::YearSettings;
use crate::years::{YearProblem, YearProblems};

const FILE: &str = "site/data/calendar.toml";

/// The official calendar for the years whose notices we have transcribed
/// (`site/data/calendar.toml`) or staff entered (see [`crate::years`]).
#[derive(Debug, Clone)]
pub struct WorkCalendar {
    years: BTreeMap<i16, CalendarYear>,
}

/// One public holiday as the State Council's notice lists it: an inclusive
/// range of days off within one year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Holiday {
    /// 春节, 国庆节 …
    pub name: String,
    pub from: Date,
    pub to: Date,
}

/// One year's notice as written down, before the rules are checked: the
/// fields of a `[[year]]` in `calendar.toml`, and the body staff send.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct YearCalendarDraft {
    pub year: i16,
    /// Which State Council notice (国办发明电〔2024〕12号 …).
    pub source: String,
    pub holidays: Vec<Holiday>,
    /// Make-up working days (调休上班日), all on weekends.
    pub workdays: Vec<Date>,
}

/// One year's validated calendar with the notice it comes from: what the
/// store keeps. Reading one back validates it again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "YearCalendarDraft", into = "YearCalendarDraft")]
pub struct CalendarYear {
    draft: YearCalendarDraft,
    days_off: BTreeSet<Date>,
    make_up_workdays: BTreeSet<Date>,
}

impl CalendarYear {
    pub fn year(&self) -> i16 {
        self.draft.year
    }

    pub fn source(&self) -> &str {
        &self.draft.source
    }

    pub fn holidays(&self) -> &[Holiday] {
        &self.draft.holidays
    }

    pub fn workdays(&self) -> &[Date] {
        &self.draft.workdays
    }
}

impl TryFrom<YearCalendarDraft> for CalendarYear {
    type Error = YearProblems;
    fn try_from(draft: YearCalendarDraft) -> Result<Self, YearProblems> {
        draft.validate()
    }
}

impl From<CalendarYear> for YearCalendarDraft {
    fn from(year: CalendarYear) -> Self {
        year.draft
    }
}

impl YearCalendarDraft {
    /// The rules every year's calendar meets, wherever it comes from: holiday
    /// ranges within the year, in order and not overlapping; make-up working
    /// days within the year, on weekends and not holidays; a named notice.
    pub fn validate(mut self) -> Result<CalendarYear, YearProblems> {
        let mut problems = Vec::new();
        let year = self.year;
        if !(2000..=2100).contains(&year) {
            problems.push(YearProblem::new(
                "year",
                "年份应在 2000 至 2100 之间。",
                "must be between 2000 and 2100",
            ));
        }
        if self.source.trim().is_empty() {
            problems.push(YearProblem::new(
                "source",
                "请注明依据的国务院办公厅通知（文号和日期）。",
                "name the State Council notice this calendar comes from",
            ));
        }
        let mut days_off = BTreeSet::new();
        for (at, holiday) in self.holidays.iter().enumerate() {
            let of = |field, zh: String, en: String| {
                YearProblem::new(field, zh, en).in_holiday(at, &holiday.name)
            };
            let (from, to) = (holiday.from, holiday.to);
            if holiday.name.trim().is_empty() {
                problems.push(of(
                    "name",
                    "请填写节日名称。".into(),
                    "name the holiday".into(),
                ));
            }
            if from > to {
                problems.push(of(
                    "to",
                    "结束日期早于开始日期。".into(),
                    "ends before it starts".into(),
                ));
                continue;
            }
            if from.year() != year || to.year() != year {
                problems.push(of(
                    "from",
                    "只列出本年度内的放假日期。".into(),
                    "list only the days that fall in this year".into(),
                ));
                continue;
            }
            for day in from.series(1.day()).take_while(|day| *day <= to) {
                if !days_off.insert(day) {
                    problems.push(of(
                        "from",
                        format!("{day} 重复列出。"),
                        format!("{day} is listed twice"),
                    ));
                }
            }
        }
        let mut make_up_workdays = BTreeSet::new();
        for day in &self.workdays {
            let (zh, en) = if day.year() != year {
                (
                    format!("{day} 不在本年度内。"),
                    format!("{day} is not in this year"),
                )
            } else if !matches!(day.weekday(), Weekday::Saturday | Weekday::Sunday) {
                (
                    format!("{day} 本来就是工作日；调休上班日都在周末。"),
                    format!("{day} is a weekday already; make-up working days fall on weekends"),
                )
            } else if days_off.contains(day) {
                (
                    format!("{day} 同时列为放假日。"),
                    format!("{day} is also listed as a holiday"),
                )
            } else if !make_up_workdays.insert(*day) {
                (
                    format!("{day} 重复列出。"),
                    format!("{day} is listed twice"),
                )
            } else {
                continue;
            };
            problems.push(YearProblem::new("workdays", zh, en));
        }
        if !problems.is_empty() {
            return Err(YearProblems::new(year, problems));
        }
        self.source = self.source.trim().to_owned();
        Ok(CalendarYear {
            draft: self,
            days_off,
            make_up_workdays,
        })
    }
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

    /// The year's calendar, if its notice is known.
    pub fn year(&self, year: i16) -> Option<&CalendarYear> {
        self.years.get(&year)
    }

    /// Every known year's calendar, oldest first.
    pub fn entries(&self) -> impl Iterator<Item = &CalendarYear> {
        self.years.values()
    }

    /// This calendar with `year`'s notice replaced (or added) by `year`.
    pub fn with(mut self, year: CalendarYear) -> Self {
        self.years.insert(year.year(), year);
        self
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
        Ok(!weekend && !year.days_off.contains(&day))
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

/// A `[[year]]` as TOML writes it: dates are TOML dates, not strings.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawYear {
    year: i16,
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
            let draft = YearCalendarDraft {
                year: raw.year,
                source: raw.source,
                holidays: raw
                    .holidays
                    .into_iter()
                    .map(|holiday| Holiday {
                        name: holiday.name,
                        from: holiday.from.0,
                        to: holiday.to.0,
                    })
                    .collect(),
                workdays: raw.workdays.iter().map(|day| day.0).collect(),
            };
            match draft.validate() {
                Ok(calendar) => {
                    if years.insert(raw.year, calendar).is_some() {
                        problems.add(&entry, "year", "is listed twice");
                    }
                }
                Err(found) => found.report_to(&mut problems),
            }
        }
        // Staff may leave a year out (it is then simply not covered); the
        // file is the record of transcribed notices and has no holes.
        if let (Some(first), Some(last)) = (years.keys().next(), years.keys().next_back()) {
            if (i32::from(*last) - i32::from(*first) + 1) as usize != years.len() {
                problems.add(
                    "file",
                    "year",
                    "the years must follow each other without gaps",
                );
            }
        } else if problems.is_empty() {
            problems.add("file", "year", "at least one year is needed");
        }
        problems.finish(WorkCalendar { years })
    }
}

#[cfg(test)]
mod tests;
