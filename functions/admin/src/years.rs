//! Yearly settings and working-day calendars as staff edit them (R11, R12,
//! R17): what is in effect and where it comes from, what is still missing,
//! saving a year's settings or calendar, and the audit trail of every save.
//!
//! A save names the version it read (`expected_version`, 0 for a year only
//! the data file has), so that of two concurrent edits the second is refused
//! instead of lost; it is refused too when it corrects what people already
//! relied on without saying why (`ticedu_domain::years` has the rule).

mod requests;
mod views;

use axum::Json;
use axum::extract::State;
use jiff::civil::Date;
use ticedu_api::auth::AuthStaff;
use ticedu_api::years::{EffectiveYears, effective};
use ticedu_api::{ApiError, ApiJson, AppState, ErrorBody, PathParam};
use ticedu_domain::staff::StaffAction;
use ticedu_domain::years::check_correction;
use ticedu_store::records::{AuditAction, AuditEntry, StoredYear, YearChange, YearData};
use ticedu_store::{Refusal, YearStore};

use crate::AdminStore;
use requests::{CalendarRequest, SettingsRequest, Year, YearEdit};
pub(crate) use views::{ChangeList, InvalidYear, SavedYear, YearsOverview};
use views::{YearRefusal, overview, year_view};

pub const YEARS: &str = "/api/staff/years";
pub const YEAR_SETTINGS: &str = "/api/staff/years/{year}/settings";
pub const YEAR_CALENDAR: &str = "/api/staff/years/{year}/calendar";
pub const YEAR_CHANGES: &str = "/api/staff/years/changes";

/// Every known year: settings, calendar, where each comes from, each batch's download day, and what is still missing.
#[utoipa::path(get, path = YEARS, tag = "staff", security(("bearer" = [])),
    responses((status = 200, description = "The years and staff's checklist", body = YearsOverview), (status = 401, description = "Not logged in", body = ErrorBody), (status = 403, description = "Not staff", body = ErrorBody)))]
pub(crate) async fn years<S: AdminStore>(
    State(state): State<AppState<S>>,
    staff: AuthStaff,
) -> Result<Json<YearsOverview>, ApiError> {
    staff.may(StaffAction::Administer)?;
    let years = effective(&state.store, &state.platform).await?;
    Ok(Json(overview(&years, state.platform.clock.today())))
}

/// Save a year's settings (the association's notice: price, discount, batch dates).
#[utoipa::path(put, path = YEAR_SETTINGS, tag = "staff", request_body = SettingsRequest, security(("bearer" = [])),
    params(("year" = i16, Path, description = "The year, 2000–2100")),
    responses(
        (status = 200, description = "Saved", body = SavedYear),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 403, description = "Not staff", body = ErrorBody),
        (status = 404, description = "No such year", body = ErrorBody),
        (status = 409, description = "Changed since read (`years.stale_version`), or a correction without a reason (`years.correction_required`)", body = ErrorBody),
        (status = 422, description = "Field errors", body = InvalidYear),
    ))]
pub(crate) async fn save_settings<S: AdminStore>(
    State(state): State<AppState<S>>,
    staff: AuthStaff,
    PathParam(year): PathParam<Year>,
    ApiJson(request): ApiJson<SettingsRequest>,
) -> Result<Json<SavedYear>, YearRefusal> {
    staff.may(StaffAction::Administer)?;
    let edit = request.parse(year)?;
    save(&state, &staff, edit).await
}

/// Save a year's working-day calendar (the State Council's holiday notice).
#[utoipa::path(put, path = YEAR_CALENDAR, tag = "staff", request_body = CalendarRequest, security(("bearer" = [])),
    params(("year" = i16, Path, description = "The year, 2000–2100")),
    responses(
        (status = 200, description = "Saved", body = SavedYear),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 403, description = "Not staff", body = ErrorBody),
        (status = 404, description = "No such year", body = ErrorBody),
        (status = 409, description = "Changed since read (`years.stale_version`), or a correction without a reason (`years.correction_required`)", body = ErrorBody),
        (status = 422, description = "Field errors", body = InvalidYear),
    ))]
pub(crate) async fn save_calendar<S: AdminStore>(
    State(state): State<AppState<S>>,
    staff: AuthStaff,
    PathParam(year): PathParam<Year>,
    ApiJson(request): ApiJson<CalendarRequest>,
) -> Result<Json<SavedYear>, YearRefusal> {
    staff.may(StaffAction::Administer)?;
    let edit = request.parse(year)?;
    save(&state, &staff, edit).await
}

/// The one path of both saves: the handler gathers the years in effect, the
/// domain decides whether this is a correction, the store writes the save
/// and its audit entry together.
async fn save<S: YearStore>(
    state: &AppState<S>,
    staff: &AuthStaff,
    edit: YearEdit,
) -> Result<Json<SavedYear>, YearRefusal> {
    let platform = &state.platform;
    let today: Date = platform.clock.today();
    let current: EffectiveYears = effective(&state.store, platform).await?;
    let (part, year) = (edit.data.part(), edit.data.year());
    if current.version(part, year) != edit.expected_version {
        return Err(ApiError::from(Refusal::StaleYearVersion).into());
    }
    let saved = StoredYear::saved(
        edit.data,
        edit.expected_version,
        staff.name.as_str(),
        platform.clock.now(),
    );
    let before = current.in_effect(part, year);
    let proposed = current.clone().with(saved.clone());
    let corrections = check_correction(
        &current.years,
        &proposed.years,
        today,
        edit.correction.is_some(),
    )
    .map_err(|refusal| ApiError::refused(&refusal))?;
    let change = saved.change(before, edit.correction.map(|reason| reason.to_string()));
    let audit = year_saved(staff.audit(AuditAction::YearSaved, saved.saved_at), &change);
    state.store.save_year(&saved, &change, &audit).await?;
    tracing::info!(
        staff = %staff.name,
        year,
        part = part.as_str(),
        version = saved.version,
        corrections = corrections.len(),
        "year saved"
    );
    let checklist = overview(&proposed, today).checklist;
    Ok(Json(SavedYear {
        year: year_view(&proposed, year),
        checklist,
    }))
}

/// Every save of a year, newest first: who, when, what changed, before and after, and why for a correction.
#[utoipa::path(get, path = YEAR_CHANGES, tag = "staff", security(("bearer" = [])),
    responses((status = 200, description = "The audit trail", body = ChangeList), (status = 401, description = "Not logged in", body = ErrorBody), (status = 403, description = "Not staff", body = ErrorBody)))]
pub(crate) async fn changes<S: AdminStore>(
    State(state): State<AppState<S>>,
    staff: AuthStaff,
) -> Result<Json<ChangeList>, ApiError> {
    staff.may(StaffAction::Administer)?;
    let changes = state.store.year_changes().await?;
    Ok(Json(ChangeList::of(changes)))
}

/// The staff trail's entry of a year's save: each changed field before and
/// after, as its JSON body shows it; a correction's reason.
fn year_saved(entry: AuditEntry, change: &YearChange) -> AuditEntry {
    let before = change.before.as_ref().map(data_json);
    let after = data_json(&change.after);
    let mut entry = entry.subject(format!("{} {}", change.part.as_str(), change.year));
    if let Some(correction) = &change.correction {
        entry = entry.reason(correction.clone());
    }
    for field in &change.changed {
        let value = |data: &serde_json::Value| data.get(field).map(ToString::to_string);
        entry = entry.change(field, before.as_ref().and_then(value), value(&after));
    }
    entry
}

/// Used by the views: a year's data as its JSON body shape.
pub(crate) fn data_json(data: &YearData) -> serde_json::Value {
    match data {
        YearData::Settings(entry) => serde_json::to_value(entry),
        YearData::Calendar(calendar) => serde_json::to_value(calendar),
    }
    .unwrap_or_default()
}
