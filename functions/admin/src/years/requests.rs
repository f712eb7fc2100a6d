//! The bodies of a year's saves as they arrive, and their parsing: the
//! fields of `site/data/*.toml` plus the version read and, for a
//! correction, why.

use jiff::civil::Date;
use serde::Deserialize;
use ticedu_api::{ApiError, FromPathSegment};
use ticedu_domain::calendar::{Holiday, YearCalendarDraft};
use ticedu_domain::learner::ShortText;
use ticedu_domain::settings::YearSettingsDraft;
use ticedu_store::records::YearData;
use utoipa::ToSchema;

use super::views::{InvalidYear, YearRefusal};

/// A year in a path: four digits, 2000–2100, as the data files allow.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Year(i16);

impl FromPathSegment for Year {
    fn not_found() -> ApiError {
        ApiError::not_found(
            "years.not_found",
            "没有这个年度（应为 2000 至 2100 年）。",
            "No such year (2000 to 2100).",
        )
    }

    fn from_segment(segment: &str) -> Option<Self> {
        if segment.len() != 4 || !segment.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        segment
            .parse()
            .ok()
            .filter(|year| (2000..=2100).contains(year))
            .map(Self)
    }
}

/// Why a change corrects what was already relied on.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct CorrectionRequest {
    /// For the audit trail; up to 60 characters.
    reason: String,
}

/// A year's settings: the association's notice (R11, R12, R17).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct SettingsRequest {
    /// Which notice: 中检协〔2027〕×号 …
    source: String,
    /// R11, in fen: 1500 is 15 yuan.
    price_per_hour_fen: u64,
    /// R17: ascending, within the year and the next.
    #[schema(value_type = Vec<String>, format = Date)]
    batch_expiry_dates: Vec<Date>,
    /// R17: 1–20.
    certificate_available_after_working_days: u8,
    /// R12.
    returning_learner_free_mandatory: bool,
    /// R10: 1–120 minutes of study before a class hour may be marked learned.
    class_hour_minutes: u8,
    /// The version read from `GET /api/staff/years` (0: only the data file has this year).
    expected_version: u32,
    /// Only for a change to what was already relied on.
    correction: Option<CorrectionRequest>,
}

/// One public holiday: an inclusive range of days within the year.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct HolidayRequest {
    name: String,
    #[schema(value_type = String, format = Date)]
    from: Date,
    #[schema(value_type = String, format = Date)]
    to: Date,
}

/// A year's working-day calendar: the State Council's holiday notice.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct CalendarRequest {
    /// Which notice: 国办发明电〔2026〕×号 …
    source: String,
    holidays: Vec<HolidayRequest>,
    /// Make-up working days (调休上班日), on weekends.
    #[schema(value_type = Vec<String>, format = Date)]
    workdays: Vec<Date>,
    /// As for the settings.
    expected_version: u32,
    correction: Option<CorrectionRequest>,
}

/// A valid save, waiting for the checks against what is in effect.
pub(crate) struct YearEdit {
    pub data: YearData,
    pub expected_version: u32,
    pub correction: Option<ShortText>,
}

fn reason(correction: Option<CorrectionRequest>) -> Result<Option<ShortText>, YearRefusal> {
    correction
        .map(|c| {
            ShortText::parse(&c.reason)
                .map_err(|e| YearRefusal::Invalid(InvalidYear::field("correction.reason", &e)))
        })
        .transpose()
}

impl SettingsRequest {
    pub fn parse(self, Year(year): Year) -> Result<YearEdit, YearRefusal> {
        let correction = reason(self.correction)?;
        let entry = YearSettingsDraft {
            year,
            source: self.source,
            price_per_hour_fen: self.price_per_hour_fen,
            batch_expiry_dates: self.batch_expiry_dates,
            certificate_available_after_working_days: self.certificate_available_after_working_days,
            returning_learner_free_mandatory: self.returning_learner_free_mandatory,
            class_hour_minutes: self.class_hour_minutes,
        }
        .validate()?;
        Ok(YearEdit {
            data: YearData::Settings(entry),
            expected_version: self.expected_version,
            correction,
        })
    }
}

impl CalendarRequest {
    pub fn parse(self, Year(year): Year) -> Result<YearEdit, YearRefusal> {
        let correction = reason(self.correction)?;
        let calendar = YearCalendarDraft {
            year,
            source: self.source,
            holidays: self
                .holidays
                .into_iter()
                .map(|h| Holiday {
                    name: h.name,
                    from: h.from,
                    to: h.to,
                })
                .collect(),
            workdays: self.workdays,
        }
        .validate()?;
        Ok(YearEdit {
            data: YearData::Calendar(calendar),
            expected_version: self.expected_version,
            correction,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_year_in_a_path_is_four_digits_within_the_data_files_range() {
        let parse = |s| Year::from_segment(s).map(|Year(y)| y);
        assert_eq!(parse("2027"), Some(2027));
        for bad in ["1999", "2101", "+202", "02027", "20x7", ""] {
            assert_eq!(parse(bad), None, "{bad}");
        }
    }
}
