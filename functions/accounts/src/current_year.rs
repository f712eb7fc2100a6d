//! The year in force, for anyone (the guide's fee and batch tables read it):
//! staff's current figures, so the static site never shows a stale year.

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use jiff::civil::Date;
use serde::Serialize;
use ticedu_api::years::{DownloadView, effective};
use ticedu_api::{ApiError, ApiResult, AppState, ErrorBody};
use utoipa::ToSchema;

use crate::AccountsStore;

pub const CURRENT_YEAR: &str = "/api/years/current";

/// The figures change a few times a year; five minutes of caching at the CDN
/// and in browsers keeps this public endpoint cheap.
const CACHE: &str = "public, max-age=300";

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct CurrentYear {
    /// Today in China.
    #[schema(value_type = String, format = Date)]
    today: Date,
    /// The notice in force: the latest year configured up to today's year.
    year: i16,
    source: String,
    /// R11.
    price_per_hour_fen: u64,
    /// `¥15.00`.
    price_per_hour: String,
    /// R12: a learner who took part in an earlier renewal gets the mandatory hours free.
    returning_learner_free_mandatory: bool,
    /// R17: from this working day after a batch date its certificates can be downloaded.
    certificate_available_after_working_days: u8,
    /// R10: minutes a class hour is studied before it may be marked learned (an hour may have its own).
    class_hour_minutes: u8,
    batches: Vec<DownloadView>,
    next_year: NextYear,
}

/// Whether next year's notices are in.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct NextYear {
    year: i16,
    /// The association's notice (price, batches) is entered.
    settings_published: bool,
    /// The State Council's holiday notice is entered.
    calendar_published: bool,
}

/// The year in force: price per hour, discount, each batch date with its download day (R11, R12, R17).
#[utoipa::path(get, path = CURRENT_YEAR, tag = "accounts",
    responses(
        (status = 200, description = "The year in force (Cache-Control: public, max-age=300)", body = CurrentYear),
        (status = 503, description = "No year is configured", body = ErrorBody),
    ))]
pub(crate) async fn current_year<S: AccountsStore>(
    State(state): State<AppState<S>>,
) -> ApiResult<impl IntoResponse> {
    let today = state.platform.clock.today();
    let years = effective(&state.store, &state.platform).await?.years;
    let settings = years.settings.in_force_on(today).ok_or_else(|| {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "settings.none",
            "本年度收费标准尚未配置。",
            "This year's fees are not configured yet.",
        )
    })?;
    let next = today.year().saturating_add(1);
    let body = CurrentYear {
        today,
        year: settings.year,
        source: years
            .settings
            .entry(settings.year)
            .map(|entry| entry.source().to_owned())
            .unwrap_or_default(),
        price_per_hour_fen: settings.price_per_hour.get(),
        price_per_hour: settings.price_per_hour.to_string(),
        returning_learner_free_mandatory: settings.returning_learner_free_mandatory,
        certificate_available_after_working_days: settings.certificate_available_after_working_days,
        class_hour_minutes: settings.class_hour_minutes,
        batches: years
            .downloads_of(settings.year)
            .iter()
            .map(DownloadView::from)
            .collect(),
        next_year: NextYear {
            year: next,
            settings_published: years.settings.year(next).is_some(),
            calendar_published: years.calendar.year(next).is_some(),
        },
    };
    Ok(([(header::CACHE_CONTROL, CACHE)], Json(body)))
}
