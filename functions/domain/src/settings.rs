//! The year's configuration (R11, R12, R17): price, discount and batch dates
//! change with each year's notice, so they are data, not constants.

use std::collections::BTreeMap;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::data_file::{DataErrors, Problems, TomlDate, bundled, parse_toml};
use crate::money::Fen;

const FILE: &str = "site/data/settings.toml";
/// A notice that pushed downloads further than a month after the batch date
/// would be a typo, not a policy.
const MAX_WAITING_WORKING_DAYS: u8 = 20;

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
}

impl YearSettings {
    /// Whether `expiry` is one of this year's batch dates (R17).
    pub fn is_batch_date(&self, expiry: Date) -> bool {
        self.batch_expiry_dates.binary_search(&expiry).is_ok()
    }
}

/// Every configured year.
#[derive(Debug, Clone)]
pub struct Settings {
    years: BTreeMap<i16, YearSettings>,
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
        self.years.get(&year)
    }

    /// The settings in force on `today`: those of the latest year configured
    /// up to today's year. Until the association publishes a new notice, the
    /// last one stays in force; `None` only before the first configured year.
    pub fn in_force_on(&self, today: Date) -> Option<&YearSettings> {
        self.years
            .range(..=today.year())
            .next_back()
            .map(|(_, settings)| settings)
    }

    pub fn years(&self) -> impl Iterator<Item = &YearSettings> {
        self.years.values()
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSettings {
    year: Vec<RawYear>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawYear {
    year: i16,
    /// Where the figures come from; kept in the file for people, not used by code.
    #[allow(dead_code)]
    source: String,
    price_per_hour_fen: u64,
    batch_expiry_dates: Vec<TomlDate>,
    certificate_available_after_working_days: u8,
    returning_learner_free_mandatory: bool,
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
            if !(2000..=2100).contains(&raw.year) {
                problems.add(&entry, "year", "must be between 2000 and 2100");
            }
            if raw.price_per_hour_fen == 0 {
                problems.add(&entry, "price_per_hour_fen", "must be more than 0 fen");
            }
            let dates: Vec<Date> = raw.batch_expiry_dates.iter().map(|date| date.0).collect();
            if dates.is_empty() {
                problems.add(
                    &entry,
                    "batch_expiry_dates",
                    "at least one batch date is needed",
                );
            }
            if dates.windows(2).any(|pair| pair[0] >= pair[1]) {
                problems.add(
                    &entry,
                    "batch_expiry_dates",
                    "dates must be ascending, without repeats",
                );
            }
            if let Some(date) = dates
                .iter()
                .find(|date| !(raw.year..=raw.year + 1).contains(&date.year()))
            {
                problems.add(
                    &entry,
                    "batch_expiry_dates",
                    format!("{date} lies outside this year and the next"),
                );
            }
            if !(1..=MAX_WAITING_WORKING_DAYS)
                .contains(&raw.certificate_available_after_working_days)
            {
                problems.add(
                    &entry,
                    "certificate_available_after_working_days",
                    format!("must be 1 to {MAX_WAITING_WORKING_DAYS}"),
                );
            }
            let settings = YearSettings {
                year: raw.year,
                price_per_hour: Fen::new(raw.price_per_hour_fen),
                batch_expiry_dates: dates,
                certificate_available_after_working_days: raw
                    .certificate_available_after_working_days,
                returning_learner_free_mandatory: raw.returning_learner_free_mandatory,
            };
            if years.insert(raw.year, settings).is_some() {
                problems.add(&entry, "year", "is configured twice");
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
        "#;
        let errors = Settings::from_toml(text).unwrap_err();
        let fields: Vec<_> = errors.errors.iter().map(|e| e.field).collect();
        assert_eq!(
            fields,
            [
                "price_per_hour_fen",
                "batch_expiry_dates",
                "certificate_available_after_working_days"
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
        let text = "[[year]]\nyear = 2024\nsource = \"t\"\nprice_per_hour_fen = 1\nbatch_expiry_dates = [2024-07-01T10:00:00]\ncertificate_available_after_working_days = 7\nreturning_learner_free_mandatory = true\n";
        let errors = Settings::from_toml(text).unwrap_err();
        assert!(
            errors
                .to_string()
                .contains("expected a date like 2023-07-06"),
            "{errors}"
        );
    }
}
