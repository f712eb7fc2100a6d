//! Yearly settings and working-day calendars as staff saved them (R11, R12,
//! R17), with the audit entry each save writes.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use ticedu_domain::calendar::CalendarYear;
use ticedu_domain::settings::{SettingsEntry, YearSettingsDraft};

/// Which half of a year staff edit: the association's settings or the State
/// Council's working-day calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum YearPart {
    Settings,
    Calendar,
}

impl YearPart {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Settings => "settings",
            Self::Calendar => "calendar",
        }
    }
}

/// One year's settings or one year's calendar, validated again when read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "part", content = "value", rename_all = "snake_case")]
pub enum YearData {
    Settings(SettingsEntry),
    Calendar(CalendarYear),
}

impl YearData {
    pub fn year(&self) -> i16 {
        match self {
            Self::Settings(entry) => entry.year(),
            Self::Calendar(calendar) => calendar.year(),
        }
    }

    pub fn part(&self) -> YearPart {
        match self {
            Self::Settings(_) => YearPart::Settings,
            Self::Calendar(_) => YearPart::Calendar,
        }
    }

    /// The fields whose value differs from `before` (every field when there was none).
    pub fn changed_from(&self, before: Option<&YearData>) -> Vec<&'static str> {
        fn differ(pairs: &[(&'static str, bool)]) -> Vec<&'static str> {
            pairs
                .iter()
                .filter(|(_, same)| !same)
                .map(|(f, _)| *f)
                .collect()
        }
        match (self, before) {
            (Self::Settings(after), Some(Self::Settings(before))) => {
                let (a, b): (YearSettingsDraft, YearSettingsDraft) =
                    (after.clone().into(), before.clone().into());
                differ(&[
                    ("source", a.source == b.source),
                    (
                        "price_per_hour_fen",
                        a.price_per_hour_fen == b.price_per_hour_fen,
                    ),
                    (
                        "batch_expiry_dates",
                        a.batch_expiry_dates == b.batch_expiry_dates,
                    ),
                    (
                        "certificate_available_after_working_days",
                        a.certificate_available_after_working_days
                            == b.certificate_available_after_working_days,
                    ),
                    (
                        "returning_learner_free_mandatory",
                        a.returning_learner_free_mandatory == b.returning_learner_free_mandatory,
                    ),
                    (
                        "class_hour_minutes",
                        a.class_hour_minutes == b.class_hour_minutes,
                    ),
                ])
            }
            (Self::Calendar(after), Some(Self::Calendar(before))) => differ(&[
                ("source", after.source() == before.source()),
                ("holidays", after.holidays() == before.holidays()),
                ("workdays", after.workdays() == before.workdays()),
            ]),
            (Self::Settings(_), _) => vec![
                "source",
                "price_per_hour_fen",
                "batch_expiry_dates",
                "certificate_available_after_working_days",
                "returning_learner_free_mandatory",
                "class_hour_minutes",
            ],
            (Self::Calendar(_), _) => vec!["source", "holidays", "workdays"],
        }
    }
}

/// A year's settings or calendar as staff saved it last. `version` counts
/// the saves of this year's part from 1; an edit names the version it read,
/// so that of two concurrent edits the second is refused instead of lost.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredYear {
    pub data: YearData,
    pub version: u32,
    pub saved_by: String,
    pub saved_at: Timestamp,
}

/// One staff edit of a year, for the audit trail: written in the same
/// transaction as the edit itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct YearChange {
    pub year: i16,
    pub part: YearPart,
    /// The version this edit made.
    pub version: u32,
    /// The staff member (`AuthStaff::staff`).
    pub by: String,
    pub at: Timestamp,
    /// The fields that differ from `before`.
    pub changed: Vec<String>,
    /// What was in effect before: staff's last save or the bundled data file; `None` for a new year.
    pub before: Option<YearData>,
    pub after: YearData,
    /// Why, when the edit corrects what was already relied on (see `ticedu_domain::years`).
    pub correction: Option<String>,
}

impl StoredYear {
    /// The record of saving `data` over the stored `version` (0: never saved by staff).
    pub fn saved(data: YearData, read_version: u32, by: &str, at: Timestamp) -> Self {
        Self {
            data,
            version: read_version.saturating_add(1),
            saved_by: by.to_owned(),
            saved_at: at,
        }
    }

    /// This save's audit entry, against what was in effect `before` it.
    pub fn change(&self, before: Option<YearData>, correction: Option<String>) -> YearChange {
        YearChange {
            year: self.data.year(),
            part: self.data.part(),
            version: self.version,
            by: self.saved_by.clone(),
            at: self.saved_at,
            changed: self
                .data
                .changed_from(before.as_ref())
                .into_iter()
                .map(str::to_owned)
                .collect(),
            before,
            after: self.data.clone(),
            correction,
        }
    }
}

impl YearChange {
    /// Sorts changes in time, then by year, part and version: unique per
    /// change, since a year's part takes each version once.
    pub fn sort_key(&self) -> String {
        format!(
            "{:020}#{}#{}#{:010}",
            self.at.as_nanosecond().max(0),
            self.year,
            self.part.as_str(),
            self.version
        )
    }
}
