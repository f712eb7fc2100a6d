//! What the year endpoints answer, and their refusals: the usual error body,
//! or for invalid data one with an entry per field at fault.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use jiff::Timestamp;
use jiff::civil::Date;
use serde::Serialize;
use ticedu_api::ApiError;
use ticedu_api::years::{DownloadView, EffectiveYears};
use ticedu_domain::Rejection;
use ticedu_domain::years::{ChecklistItem, YearProblems};
use ticedu_store::StoreError;
use ticedu_store::records::{StoredYear, YearChange, YearPart};
use utoipa::ToSchema;

use super::data_json;

/// Where a year's settings or calendar comes from.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct Origin {
    /// `initial_data` (site/data/*.toml, shipped with the code) or `staff`.
    from: &'static str,
    /// Send this as `expected_version` to edit: 0 until staff save the year.
    version: u32,
    saved_by: Option<String>,
    #[schema(value_type = Option<String>)]
    saved_at: Option<Timestamp>,
}

impl Origin {
    fn of(stored: Option<&StoredYear>) -> Self {
        match stored {
            None => Self {
                from: "initial_data",
                version: 0,
                saved_by: None,
                saved_at: None,
            },
            Some(stored) => Self {
                from: "staff",
                version: stored.version,
                saved_by: Some(stored.saved_by.clone()),
                saved_at: Some(stored.saved_at),
            },
        }
    }
}

/// A year's settings or calendar, in the shape of its request body, and its origin.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct YearPartView {
    /// The fields of `site/data/settings.toml` or `calendar.toml`, as a save sends them.
    #[schema(value_type = Object)]
    data: serde_json::Value,
    origin: Origin,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct YearView {
    year: i16,
    /// `null` when no notice is entered for this year.
    settings: Option<YearPartView>,
    calendar: Option<YearPartView>,
    /// This year's batches and their download days (R17).
    downloads: Vec<DownloadView>,
}

/// Something staff still have to enter.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ChecklistView {
    /// `years.settings_missing`, `years.calendar_missing` or `years.download_day_unknown`.
    code: &'static str,
    year: i16,
    message: String,
    message_en: String,
}

impl ChecklistView {
    fn of(item: &ChecklistItem) -> Self {
        let year = match item {
            ChecklistItem::SettingsMissing { year }
            | ChecklistItem::CalendarMissing { year }
            | ChecklistItem::DownloadDayUnknown { year, .. } => *year,
        };
        Self {
            code: item.code(),
            year,
            message: item.message_zh(),
            message_en: item.message_en(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct YearsOverview {
    #[schema(value_type = String, format = Date)]
    today: Date,
    /// Every year with settings or a calendar, oldest first.
    years: Vec<YearView>,
    pub checklist: Vec<ChecklistView>,
}

/// What a save answers: the year as now in effect and what is still missing.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct SavedYear {
    pub year: YearView,
    pub checklist: Vec<ChecklistView>,
}

pub(crate) fn year_view(years: &EffectiveYears, year: i16) -> YearView {
    let part = |part| {
        years.in_effect(part, year).map(|data| YearPartView {
            data: data_json(&data),
            origin: Origin::of(years.stored(part, year)),
        })
    };
    YearView {
        year,
        settings: part(YearPart::Settings),
        calendar: part(YearPart::Calendar),
        downloads: years
            .years
            .downloads_of(year)
            .iter()
            .map(DownloadView::from)
            .collect(),
    }
}

pub(crate) fn overview(years: &EffectiveYears, today: Date) -> YearsOverview {
    let mut known: Vec<i16> = years
        .years
        .settings
        .years()
        .map(|s| s.year)
        .chain(years.years.calendar.years())
        .collect();
    known.sort_unstable();
    known.dedup();
    YearsOverview {
        today,
        years: known.into_iter().map(|y| year_view(years, y)).collect(),
        checklist: years
            .years
            .checklist(today)
            .iter()
            .map(ChecklistView::of)
            .collect(),
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ChangeView {
    year: i16,
    /// `settings` or `calendar`.
    part: &'static str,
    version: u32,
    /// The staff member who saved.
    by: String,
    #[schema(value_type = String)]
    at: Timestamp,
    /// The fields that differ from `before`.
    changed: Vec<String>,
    /// What was in effect before (from the data file or staff); `null` for a new year.
    #[schema(value_type = Option<Object>)]
    before: Option<serde_json::Value>,
    #[schema(value_type = Object)]
    after: serde_json::Value,
    /// Why, for a correction.
    correction: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ChangeList {
    /// Newest first.
    changes: Vec<ChangeView>,
}

impl ChangeList {
    pub fn of(changes: Vec<YearChange>) -> Self {
        Self {
            changes: changes
                .into_iter()
                .map(|c| ChangeView {
                    year: c.year,
                    part: c.part.as_str(),
                    version: c.version,
                    by: c.by,
                    at: c.at,
                    changed: c.changed,
                    before: c.before.as_ref().map(data_json),
                    after: data_json(&c.after),
                    correction: c.correction,
                })
                .collect(),
        }
    }
}

/// One field at fault.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct YearFieldError {
    /// The field's path in the body: `price_per_hour_fen`, `holidays[2].to`.
    field: String,
    message: String,
    message_en: String,
}

/// 422 for a year's data that breaks the rules: the usual error body and every field at fault.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct InvalidYear {
    /// `years.invalid`, or the code of the one field's rule.
    code: &'static str,
    message: String,
    message_en: String,
    errors: Vec<YearFieldError>,
}

impl InvalidYear {
    /// One field that a rule of its own refused (the correction's reason).
    pub fn field(field: &str, rejection: &impl Rejection) -> Self {
        Self {
            code: rejection.code(),
            message: rejection.message_zh().into_owned(),
            message_en: rejection.message_en().into_owned(),
            errors: vec![YearFieldError {
                field: field.to_owned(),
                message: rejection.message_zh().into_owned(),
                message_en: rejection.message_en().into_owned(),
            }],
        }
    }
}

impl From<YearProblems> for InvalidYear {
    fn from(problems: YearProblems) -> Self {
        Self {
            code: problems.code(),
            message: problems.message_zh().into_owned(),
            message_en: problems.message_en().into_owned(),
            errors: problems
                .problems
                .iter()
                .map(|p| YearFieldError {
                    field: p.path(),
                    message: p.message_zh.clone(),
                    message_en: p.message_en.clone(),
                })
                .collect(),
        }
    }
}

/// Why a save was refused: every 422 names its fields, as documented.
#[derive(Debug)]
pub(crate) enum YearRefusal {
    Invalid(InvalidYear),
    Other(ApiError),
}

impl From<YearProblems> for YearRefusal {
    fn from(problems: YearProblems) -> Self {
        Self::Invalid(problems.into())
    }
}

impl From<ApiError> for YearRefusal {
    fn from(error: ApiError) -> Self {
        Self::Other(error)
    }
}

impl From<StoreError> for YearRefusal {
    fn from(error: StoreError) -> Self {
        Self::Other(error.into())
    }
}

impl IntoResponse for YearRefusal {
    fn into_response(self) -> Response {
        match self {
            Self::Other(error) => error.into_response(),
            Self::Invalid(body) => (StatusCode::UNPROCESSABLE_ENTITY, Json(body)).into_response(),
        }
    }
}
