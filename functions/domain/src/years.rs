//! Yearly settings and working-day calendars as data that staff edit
//! (R11, R12, R17).
//!
//! The initial years ship in `site/data/` ([`Settings::bundled`],
//! [`WorkCalendar::bundled`]); staff add and change years later, and a year
//! staff saved replaces the bundled one of the same year ([`Years::with`]).
//! Whatever the source, one year's settings pass
//! [`crate::settings::YearSettingsDraft::validate`] and one year's calendar
//! [`crate::calendar::YearCalendarDraft::validate`].
//!
//! # Corrections
//!
//! A change is a **correction** when it alters something people have already
//! relied on, judged on the day of the change ([`Years::corrections`]):
//!
//! - the price per hour or the returning learner's discount of a year that
//!   is over (its learners bought at that price; an invoice states it);
//! - a batch date whose download day has come (on or before today) is
//!   removed or moved: holders of that batch were told they could download;
//! - the download day of such a batch changes, whether through the settings
//!   (another number of working days) or through the calendar of a year its
//!   download window crosses.
//!
//! Anything else is an ordinary edit: next year's figures, a batch whose
//! download day is still to come, a calendar no past download depends on.
//! A correction is made only when staff say so and why; the API refuses it
//! otherwise ([`CorrectionRequired`], 409 `years.correction_required`).
//!
//! # Coverage
//!
//! A batch's download day is its Nth working day after the batch date, so
//! its window may cross into a year whose calendar the State Council
//! publishes only in November. Settings whose download day cannot be
//! computed yet are saved anyway and listed on staff's [`Years::checklist`]
//! until the calendar arrives; learners of such a batch see that the day is
//! not known yet rather than a guess.

use std::borrow::Cow;

use jiff::civil::Date;

use crate::calendar::{CalendarError, CalendarYear, WorkCalendar, certificate_available_from};
use crate::data_file::{DataErrors, Problems};
use crate::rejection::{Rejection, RejectionKind, display_as_rejection};
use crate::settings::{Settings, SettingsEntry};

/// One rule a year's settings or calendar breaks, with the field at fault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YearProblem {
    /// The field as the draft names it: `batch_expiry_dates`, `workdays`, `to` …
    pub field: &'static str,
    /// For a holiday's fields: the holiday's position in the list and its name.
    pub holiday: Option<(usize, String)>,
    pub message_zh: String,
    pub message_en: String,
}

impl YearProblem {
    pub(crate) fn new(
        field: &'static str,
        message_zh: impl Into<String>,
        message_en: impl Into<String>,
    ) -> Self {
        Self {
            field,
            holiday: None,
            message_zh: message_zh.into(),
            message_en: message_en.into(),
        }
    }

    pub(crate) fn in_holiday(self, at: usize, name: &str) -> Self {
        Self {
            holiday: Some((at, name.to_owned())),
            ..self
        }
    }

    /// The field's path in a JSON body: `holidays[2].to`, `workdays`.
    pub fn path(&self) -> String {
        match &self.holiday {
            Some((at, _)) => format!("holidays[{at}].{}", self.field),
            None => self.field.to_owned(),
        }
    }
}

/// Every problem of one year's settings or calendar.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct YearProblems {
    pub year: i16,
    pub problems: Vec<YearProblem>,
}

display_as_rejection!(YearProblems);

impl YearProblems {
    pub(crate) fn new(year: i16, problems: Vec<YearProblem>) -> Self {
        Self { year, problems }
    }

    /// As a data file's errors: `year 2023` or `year 2023 holiday "春节"`, English.
    pub(crate) fn report_to(self, file: &mut Problems) {
        for problem in self.problems {
            let entry = match &problem.holiday {
                Some((_, name)) => format!("year {} holiday \"{name}\"", self.year),
                None => format!("year {}", self.year),
            };
            file.add(entry, problem.field, problem.message_en);
        }
    }
}

impl Rejection for YearProblems {
    fn code(&self) -> &'static str {
        "years.invalid"
    }

    fn message_zh(&self) -> Cow<'static, str> {
        let details: Vec<_> = self
            .problems
            .iter()
            .map(|p| format!("{}：{}", p.path(), p.message_zh))
            .collect();
        format!("年度数据有误：{}", details.join("；")).into()
    }

    fn message_en(&self) -> Cow<'static, str> {
        let details: Vec<_> = self
            .problems
            .iter()
            .map(|p| format!("{}: {}", p.path(), p.message_en))
            .collect();
        format!("The year's data is invalid: {}", details.join("; ")).into()
    }
}

/// The years in effect: the bundled ones, each replaced by what staff saved.
#[derive(Debug, Clone)]
pub struct Years {
    pub settings: Settings,
    pub calendar: WorkCalendar,
}

/// One batch's download day (R17), or why it cannot be computed yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchDownload {
    /// The settings year the batch belongs to.
    pub year: i16,
    pub batch_date: Date,
    pub available_from: Result<Date, CalendarError>,
}

impl Years {
    /// The years shipped in `site/data/`.
    pub fn bundled() -> Result<Self, DataErrors> {
        Ok(Self {
            settings: Settings::bundled()?,
            calendar: WorkCalendar::bundled()?,
        })
    }

    /// These years with each of `settings` and `calendars` replacing the year it names.
    pub fn with(
        self,
        settings: impl IntoIterator<Item = SettingsEntry>,
        calendars: impl IntoIterator<Item = CalendarYear>,
    ) -> Self {
        Self {
            settings: settings.into_iter().fold(self.settings, Settings::with),
            calendar: calendars
                .into_iter()
                .fold(self.calendar, WorkCalendar::with),
        }
    }

    /// The download day of every batch of `year`'s settings.
    pub fn downloads_of(&self, year: i16) -> Vec<BatchDownload> {
        let Some(settings) = self.settings.year(year) else {
            return Vec::new();
        };
        settings
            .batch_expiry_dates
            .iter()
            .map(|&batch_date| BatchDownload {
                year,
                batch_date,
                available_from: certificate_available_from(batch_date, settings, &self.calendar),
            })
            .collect()
    }

    /// The download day of every batch of every year, oldest first.
    pub fn downloads(&self) -> Vec<BatchDownload> {
        self.settings
            .years()
            .flat_map(|settings| self.downloads_of(settings.year))
            .collect()
    }

    /// What staff still have to enter, as of `today`: the current year's
    /// settings and calendar, next year's settings, next year's calendar from
    /// November (when the State Council publishes it), and the calendar of
    /// any year a batch's download window reaches.
    pub fn checklist(&self, today: Date) -> Vec<ChecklistItem> {
        let (this, next) = (today.year(), today.year().saturating_add(1));
        let mut items = Vec::new();
        for year in [this, next] {
            if self.settings.year(year).is_none() {
                items.push(ChecklistItem::SettingsMissing { year });
            }
        }
        let calendar_due = [Some(this), (today.month() >= 11).then_some(next)];
        for year in calendar_due.into_iter().flatten() {
            if self.calendar.year(year).is_none() {
                items.push(ChecklistItem::CalendarMissing { year });
            }
        }
        for download in self.downloads() {
            if let Err(CalendarError::YearNotCovered { year }) = download.available_from {
                items.push(ChecklistItem::DownloadDayUnknown {
                    year: download.year,
                    batch_date: download.batch_date,
                    calendar_year: year,
                });
            }
        }
        items
    }

    /// What changing these years into `proposed` on `today` would alter that
    /// was already relied on (see the module docs); empty for an ordinary edit.
    pub fn corrections(&self, proposed: &Years, today: Date) -> Vec<Correction> {
        let mut found = Vec::new();
        for old in self.settings.years() {
            let new = proposed.settings.year(old.year);
            if old.year < today.year() {
                if new.is_some_and(|new| new.price_per_hour != old.price_per_hour) {
                    found.push(Correction::PriceOfPastYear { year: old.year });
                }
                if new.is_some_and(|new| {
                    new.returning_learner_free_mandatory != old.returning_learner_free_mandatory
                }) {
                    found.push(Correction::DiscountOfPastYear { year: old.year });
                }
            }
            for &batch_date in &old.batch_expiry_dates {
                let Ok(day) = certificate_available_from(batch_date, old, &self.calendar) else {
                    continue;
                };
                if day > today {
                    continue;
                }
                let now =
                    new.map(|new| certificate_available_from(batch_date, new, &proposed.calendar));
                match now {
                    None | Some(Err(CalendarError::NotABatchDate)) => {
                        found.push(Correction::BatchRemoved {
                            year: old.year,
                            batch_date,
                        });
                    }
                    Some(now) if now.as_ref().ok() != Some(&day) => {
                        found.push(Correction::DownloadDayMoved {
                            year: old.year,
                            batch_date,
                            from: day,
                            to: now.ok(),
                        });
                    }
                    Some(_) => {}
                }
            }
        }
        found
    }
}

/// Something staff still have to enter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChecklistItem {
    SettingsMissing {
        year: i16,
    },
    CalendarMissing {
        year: i16,
    },
    /// A batch of `year` whose download window reaches `calendar_year`, not published yet.
    DownloadDayUnknown {
        year: i16,
        batch_date: Date,
        calendar_year: i16,
    },
}

impl ChecklistItem {
    pub fn code(&self) -> &'static str {
        match self {
            Self::SettingsMissing { .. } => "years.settings_missing",
            Self::CalendarMissing { .. } => "years.calendar_missing",
            Self::DownloadDayUnknown { .. } => "years.download_day_unknown",
        }
    }

    pub fn message_zh(&self) -> String {
        match self {
            Self::SettingsMissing { year } => {
                format!("尚未录入 {year} 年度的收费标准和证书批次（协会年度通知）。")
            }
            Self::CalendarMissing { year } => {
                format!("尚未录入 {year} 年的法定节假日安排（国务院办公厅通知）。")
            }
            Self::DownloadDayUnknown {
                batch_date,
                calendar_year,
                ..
            } => format!(
                "{batch_date} 批次的证书下载日期无法计算：缺少 {calendar_year} 年的法定节假日安排。"
            ),
        }
    }

    pub fn message_en(&self) -> String {
        match self {
            Self::SettingsMissing { year } => {
                format!("The settings of {year} (the association's notice) are not entered yet.")
            }
            Self::CalendarMissing { year } => format!(
                "The official holidays of {year} (the State Council's notice) are not entered yet."
            ),
            Self::DownloadDayUnknown {
                batch_date,
                calendar_year,
                ..
            } => format!(
                "The download day of the {batch_date} batch cannot be computed: the calendar of {calendar_year} is missing."
            ),
        }
    }
}

/// One thing a change would alter that people already relied on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Correction {
    PriceOfPastYear {
        year: i16,
    },
    DiscountOfPastYear {
        year: i16,
    },
    /// A batch whose download day has come is no longer a batch date.
    BatchRemoved {
        year: i16,
        batch_date: Date,
    },
    /// A batch whose download day has come would open on another day (`None`: unknown).
    DownloadDayMoved {
        year: i16,
        batch_date: Date,
        from: Date,
        to: Option<Date>,
    },
}

impl Correction {
    pub fn describe_zh(&self) -> String {
        match self {
            Self::PriceOfPastYear { year } => {
                format!("{year} 年度已结束，其每学时收费不能随意更改")
            }
            Self::DiscountOfPastYear { year } => {
                format!("{year} 年度已结束，其学习优惠不能随意更改")
            }
            Self::BatchRemoved { batch_date, .. } => {
                format!("{batch_date} 批次的证书已开放下载，不能删除或改期")
            }
            Self::DownloadDayMoved {
                batch_date,
                from,
                to,
                ..
            } => match to {
                Some(to) => {
                    format!("{batch_date} 批次的证书已于 {from} 开放下载，改动后将变为 {to}")
                }
                None => format!("{batch_date} 批次的证书已于 {from} 开放下载，改动后将无法计算"),
            },
        }
    }

    pub fn describe_en(&self) -> String {
        match self {
            Self::PriceOfPastYear { year } => {
                format!("{year} is over; its price per hour was relied on")
            }
            Self::DiscountOfPastYear { year } => {
                format!("{year} is over; its discount was relied on")
            }
            Self::BatchRemoved { batch_date, .. } => format!(
                "the {batch_date} batch opened for download already; it cannot be removed or moved"
            ),
            Self::DownloadDayMoved {
                batch_date,
                from,
                to,
                ..
            } => match to {
                Some(to) => {
                    format!("the {batch_date} batch opened on {from}; it would open on {to}")
                }
                None => {
                    format!("the {batch_date} batch opened on {from}; its day would be unknown")
                }
            },
        }
    }
}

/// A correction sent as an ordinary edit: refused until staff say why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct CorrectionRequired {
    pub corrections: Vec<Correction>,
}

display_as_rejection!(CorrectionRequired);

impl Rejection for CorrectionRequired {
    fn code(&self) -> &'static str {
        "years.correction_required"
    }

    fn message_zh(&self) -> Cow<'static, str> {
        let what: Vec<_> = self
            .corrections
            .iter()
            .map(Correction::describe_zh)
            .collect();
        format!(
            "此次修改将更正已生效的内容（{}）。如确需更正，请在请求中注明更正原因（correction.reason）。",
            what.join("；")
        )
        .into()
    }

    fn message_en(&self) -> Cow<'static, str> {
        let what: Vec<_> = self
            .corrections
            .iter()
            .map(Correction::describe_en)
            .collect();
        format!(
            "This change corrects what was already relied on ({}); send correction.reason to make it.",
            what.join("; ")
        )
        .into()
    }

    fn kind(&self) -> RejectionKind {
        RejectionKind::Conflict
    }
}

/// Refuses a correction made without a reason.
pub fn check_correction(
    current: &Years,
    proposed: &Years,
    today: Date,
    reason_given: bool,
) -> Result<Vec<Correction>, CorrectionRequired> {
    let corrections = current.corrections(proposed, today);
    if corrections.is_empty() || reason_given {
        Ok(corrections)
    } else {
        Err(CorrectionRequired { corrections })
    }
}

#[cfg(test)]
mod tests;
