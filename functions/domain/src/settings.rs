//! The year's configuration (R11, R12, R17): price, discount and batch dates
//! change with each year's notice, so they are data, not constants.
//!
//! A year comes from `site/data/settings.toml` (the initial years, compiled
//! in) or from staff (stored, see [`crate::years`]); both go through
//! [`YearSettingsDraft::validate`], so the rules are written once.

use std::collections::BTreeMap;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::data_file::{DataErrors, Problems, TomlDate, bundled, parse_toml};
use crate::money::Fen;
use crate::years::{YearProblem, YearProblems};

const FILE: &str = "site/data/settings.toml";
/// A notice that pushed downloads further than a month after the batch date
/// would be a typo, not a policy.
const MAX_WAITING_WORKING_DAYS: u8 = 20;
/// A class hour longer than two hours would be a typo, not a lesson.
pub const MAX_CLASS_HOUR_MINUTES: u8 = 120;
/// The length of a class hour in years staff saved before it was a setting.
const DEFAULT_CLASS_HOUR_MINUTES: u8 = 45;

/// One year's notice, as configuration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct YearSettings {
    pub year: i16,
    /// R11: 15 CNY per class hour in 2023.
    pub price_per_hour: Fen,
    /// R17: the expiry dates of the certificates renewed this year, ascending.
    pub batch_expiry_dates: Vec<Date>,
    /// R17: a holder downloads the certificate from this working day after the batch date.
    pub certificate_available_after_working_days: u8,
    /// R12: a learner who took part in an earlier renewal gets the mandatory hours free.
    pub returning_learner_free_mandatory: bool,
    /// How long a class hour (学时) is studied before it may be marked
    /// learned, unless the catalogue gives the hour its own length.
    pub class_hour_minutes: u8,
}

impl YearSettings {
    /// Whether `expiry` is one of this year's batch dates (R17).
    pub fn is_batch_date(&self, expiry: Date) -> bool {
        self.batch_expiry_dates.binary_search(&expiry).is_ok()
    }
}

/// One year's settings as written down, before the rules are checked: the
/// fields of a `[[year]]` in `settings.toml`, and the body staff send.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct YearSettingsDraft {
    pub year: i16,
    /// Which notice the figures come from (中检协〔2023〕24号 …).
    pub source: String,
    pub price_per_hour_fen: u64,
    pub batch_expiry_dates: Vec<Date>,
    pub certificate_available_after_working_days: u8,
    pub returning_learner_free_mandatory: bool,
    /// 1–120; years staff saved before the length was a setting read as 45.
    #[serde(default = "default_class_hour_minutes")]
    pub class_hour_minutes: u8,
}

fn default_class_hour_minutes() -> u8 {
    DEFAULT_CLASS_HOUR_MINUTES
}

impl YearSettingsDraft {
    /// The rules every year's settings meet, wherever they come from; every
    /// problem is reported, each with its field.
    pub fn validate(self) -> Result<SettingsEntry, YearProblems> {
        let mut problems = Vec::new();
        if !(2000..=2100).contains(&self.year) {
            problems.push(YearProblem::new(
                "year",
                "年份应在 2000 至 2100 之间。",
                "must be between 2000 and 2100",
            ));
        }
        if self.source.trim().is_empty() {
            problems.push(YearProblem::new(
                "source",
                "请注明依据的通知（文号和标题）。",
                "name the notice the figures come from",
            ));
        }
        if self.price_per_hour_fen == 0 {
            problems.push(YearProblem::new(
                "price_per_hour_fen",
                "每学时收费应大于 0 分。",
                "must be more than 0 fen",
            ));
        }
        let dates = &self.batch_expiry_dates;
        if dates.is_empty() {
            problems.push(YearProblem::new(
                "batch_expiry_dates",
                "至少需要一个证书到期批次日期。",
                "at least one batch date is needed",
            ));
        }
        if dates.windows(2).any(|pair| pair[0] >= pair[1]) {
            problems.push(YearProblem::new(
                "batch_expiry_dates",
                "批次日期应按先后排列，且不能重复。",
                "dates must be ascending, without repeats",
            ));
        }
        if let Some(date) = dates
            .iter()
            .find(|date| !(self.year..=self.year.saturating_add(1)).contains(&date.year()))
        {
            problems.push(YearProblem::new(
                "batch_expiry_dates",
                format!("{date} 不在本年度或下一年度内。"),
                format!("{date} lies outside this year and the next"),
            ));
        }
        if !(1..=MAX_WAITING_WORKING_DAYS).contains(&self.certificate_available_after_working_days)
        {
            problems.push(YearProblem::new(
                "certificate_available_after_working_days",
                format!("应为 1 至 {MAX_WAITING_WORKING_DAYS} 个工作日。"),
                format!("must be 1 to {MAX_WAITING_WORKING_DAYS}"),
            ));
        }
        if !(1..=MAX_CLASS_HOUR_MINUTES).contains(&self.class_hour_minutes) {
            problems.push(YearProblem::new(
                "class_hour_minutes",
                format!("每学时应为 1 至 {MAX_CLASS_HOUR_MINUTES} 分钟。"),
                format!("must be 1 to {MAX_CLASS_HOUR_MINUTES} minutes"),
            ));
        }
        if !problems.is_empty() {
            return Err(YearProblems::new(self.year, problems));
        }
        Ok(SettingsEntry {
            settings: YearSettings {
                year: self.year,
                price_per_hour: Fen::new(self.price_per_hour_fen),
                batch_expiry_dates: self.batch_expiry_dates,
                certificate_available_after_working_days: self
                    .certificate_available_after_working_days,
                returning_learner_free_mandatory: self.returning_learner_free_mandatory,
                class_hour_minutes: self.class_hour_minutes,
            },
            source: self.source.trim().to_owned(),
        })
    }
}

/// One year's validated settings with the notice they come from: what the
/// store keeps. Reading one back validates it again, so a stored value
/// that exists is valid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "YearSettingsDraft", into = "YearSettingsDraft")]
pub struct SettingsEntry {
    settings: YearSettings,
    source: String,
}

impl SettingsEntry {
    pub fn settings(&self) -> &YearSettings {
        &self.settings
    }

    pub fn source(&self) -> &str {
        &self.source
    }

    pub fn year(&self) -> i16 {
        self.settings.year
    }
}

impl TryFrom<YearSettingsDraft> for SettingsEntry {
    type Error = YearProblems;
    fn try_from(draft: YearSettingsDraft) -> Result<Self, YearProblems> {
        draft.validate()
    }
}

impl From<SettingsEntry> for YearSettingsDraft {
    fn from(entry: SettingsEntry) -> Self {
        let SettingsEntry { settings, source } = entry;
        Self {
            year: settings.year,
            source,
            price_per_hour_fen: settings.price_per_hour.get(),
            batch_expiry_dates: settings.batch_expiry_dates,
            certificate_available_after_working_days: settings
                .certificate_available_after_working_days,
            returning_learner_free_mandatory: settings.returning_learner_free_mandatory,
            class_hour_minutes: settings.class_hour_minutes,
        }
    }
}

/// Every configured year.
#[derive(Debug, Clone)]
pub struct Settings {
    years: BTreeMap<i16, SettingsEntry>,
}

impl Settings {
    /// The settings compiled into this binary from `site/data/settings.toml`.
    pub fn bundled() -> Result<Self, DataErrors> {
        Self::from_toml(bundled::SETTINGS_TOML)
    }

    pub fn from_toml(text: &str) -> Result<Self, DataErrors> {
        let raw: RawSettings = parse_toml(FILE, text)?;
        raw.validate()
    }

    pub fn year(&self, year: i16) -> Option<&YearSettings> {
        self.years.get(&year).map(SettingsEntry::settings)
    }

    /// The year's settings with the notice they come from.
    pub fn entry(&self, year: i16) -> Option<&SettingsEntry> {
        self.years.get(&year)
    }

    /// These settings with `entry`'s year replaced (or added) by `entry`.
    pub fn with(mut self, entry: SettingsEntry) -> Self {
        self.years.insert(entry.year(), entry);
        self
    }

    /// The settings in force on `today`: those of the latest year configured
    /// up to today's year. Until the association publishes a new notice, the
    /// last one stays in force; `None` only before the first configured year.
    pub fn in_force_on(&self, today: Date) -> Option<&YearSettings> {
        self.years
            .range(..=today.year())
            .next_back()
            .map(|(_, entry)| entry.settings())
    }

    pub fn years(&self) -> impl Iterator<Item = &YearSettings> {
        self.years.values().map(SettingsEntry::settings)
    }

    pub fn entries(&self) -> impl Iterator<Item = &SettingsEntry> {
        self.years.values()
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSettings {
    year: Vec<RawYear>,
}

/// A `[[year]]` as TOML writes it: dates are TOML dates, not strings.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawYear {
    year: i16,
    source: String,
    price_per_hour_fen: u64,
    batch_expiry_dates: Vec<TomlDate>,
    certificate_available_after_working_days: u8,
    returning_learner_free_mandatory: bool,
    class_hour_minutes: u8,
}

impl RawSettings {
    fn validate(self) -> Result<Settings, DataErrors> {
        let mut problems = Problems::new(FILE);
        let mut years = BTreeMap::new();
        if self.year.is_empty() {
            problems.add("file", "year", "at least one year must be configured");
        }
        for raw in self.year {
            let entry = format!("year {}", raw.year);
            let draft = YearSettingsDraft {
                year: raw.year,
                source: raw.source,
                price_per_hour_fen: raw.price_per_hour_fen,
                batch_expiry_dates: raw.batch_expiry_dates.iter().map(|date| date.0).collect(),
                certificate_available_after_working_days: raw
                    .certificate_available_after_working_days,
                returning_learner_free_mandatory: raw.returning_learner_free_mandatory,
                class_hour_minutes: raw.class_hour_minutes,
            };
            match draft.validate() {
                Ok(settings) => {
                    if years.insert(raw.year, settings).is_some() {
                        problems.add(&entry, "year", "is configured twice");
                    }
                }
                Err(found) => found.report_to(&mut problems),
            }
        }
        problems.finish(Settings { years })
    }
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;

    use super::*;

    #[test]
    fn the_bundled_settings_carry_the_2023_notice() {
        let settings = Settings::bundled().unwrap();
        let year = settings.year(2023).unwrap();
        assert_eq!(year.price_per_hour, Fen::from_yuan(15));
        assert_eq!(
            year.batch_expiry_dates,
            [
                date(2023, 7, 6),
                date(2023, 7, 21),
                date(2023, 8, 15),
                date(2024, 3, 1)
            ]
        );
        assert_eq!(year.certificate_available_after_working_days, 7);
        assert!(year.returning_learner_free_mandatory);
        assert_eq!(year.class_hour_minutes, 45);
        assert!(year.is_batch_date(date(2023, 8, 15)));
        assert!(!year.is_batch_date(date(2023, 8, 16)));
    }

    #[test]
    fn the_latest_configured_year_stays_in_force_until_a_new_notice() {
        let settings = Settings::bundled().unwrap();
        assert_eq!(settings.in_force_on(date(2026, 11, 27)).unwrap().year, 2023);
        assert_eq!(settings.in_force_on(date(2023, 1, 1)).unwrap().year, 2023);
        assert!(settings.in_force_on(date(2022, 12, 31)).is_none());
    }

    #[test]
    fn every_problem_in_a_year_is_reported_with_its_field() {
        let text = r#"
            [[year]]
            year = 2024
            source = "test"
            price_per_hour_fen = 0
            batch_expiry_dates = [2024-08-01, 2024-07-01]
            certificate_available_after_working_days = 0
            returning_learner_free_mandatory = false
            class_hour_minutes = 121
        "#;
        let errors = Settings::from_toml(text).unwrap_err();
        let fields: Vec<_> = errors.errors.iter().map(|e| e.field).collect();
        assert_eq!(
            fields,
            [
                "price_per_hour_fen",
                "batch_expiry_dates",
                "certificate_available_after_working_days",
                "class_hour_minutes"
            ]
        );
        assert!(errors.errors.iter().all(|e| e.entry == "year 2024"));
    }

    #[test]
    fn a_misspelt_field_is_refused_with_its_line() {
        let text = "[[year]]\nyear = 2024\nprice_per_hour = 1500\n";
        let errors = Settings::from_toml(text).unwrap_err();
        assert_eq!(errors.errors[0].entry, "line 3");
        assert!(
            errors.errors[0].problem.contains("price_per_hour"),
            "{errors}"
        );
    }

    #[test]
    fn a_date_with_a_time_is_refused() {
        let text = "[[year]]\nyear = 2024\nsource = \"t\"\nprice_per_hour_fen = 1\nbatch_expiry_dates = [2024-07-01T10:00:00]\ncertificate_available_after_working_days = 7\nreturning_learner_free_mandatory = true\nclass_hour_minutes = 45\n";
        let errors = Settings::from_toml(text).unwrap_err();
        assert!(
            errors
                .to_string()
                .contains("expected a date like 2023-07-06"),
            "{errors}"
        );
    }
}
