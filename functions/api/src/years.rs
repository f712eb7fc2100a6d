//! The years in effect for one request: the initial years compiled in from
//! `site/data/` (on [`Platform`]), each replaced by what staff saved. Every
//! handler that prices or dates something asks [`effective`] instead of
//! reading `platform.settings` / `platform.calendar`, so a staff edit is in
//! force on the next request of every function, without a deploy.

use jiff::civil::Date;
use serde::Serialize;
use ticedu_domain::Rejection;
use ticedu_domain::calendar::CalendarError;
use ticedu_domain::years::{BatchDownload, Years};
use ticedu_store::YearStore;
use ticedu_store::records::{StoredYear, YearData, YearPart};
use utoipa::ToSchema;

use crate::{ApiResult, Platform};

/// The years in effect and what staff saved of them.
#[derive(Debug, Clone)]
pub struct EffectiveYears {
    pub years: Years,
    /// Staff's saves, one per year and part.
    pub stored: Vec<StoredYear>,
}

/// One read of the store (a single query on DynamoDB) laid over the bundled years.
pub async fn effective<S: YearStore>(store: &S, platform: &Platform) -> ApiResult<EffectiveYears> {
    let stored = store.stored_years().await?;
    let mut settings = Vec::new();
    let mut calendars = Vec::new();
    for year in &stored {
        match &year.data {
            YearData::Settings(entry) => settings.push(entry.clone()),
            YearData::Calendar(calendar) => calendars.push(calendar.clone()),
        }
    }
    let bundled = Years {
        settings: platform.settings.clone(),
        calendar: platform.calendar.clone(),
    };
    Ok(EffectiveYears {
        years: bundled.with(settings, calendars),
        stored,
    })
}

impl EffectiveYears {
    /// Staff's last save of `year`'s `part`, if any.
    pub fn stored(&self, part: YearPart, year: i16) -> Option<&StoredYear> {
        self.stored
            .iter()
            .find(|stored| stored.data.part() == part && stored.data.year() == year)
    }

    /// The version an edit of `year`'s `part` starts from: 0 until staff save it.
    pub fn version(&self, part: YearPart, year: i16) -> u32 {
        self.stored(part, year).map_or(0, |stored| stored.version)
    }

    /// What is in effect for `year`'s `part`, from staff or the data file.
    pub fn in_effect(&self, part: YearPart, year: i16) -> Option<YearData> {
        match part {
            YearPart::Settings => self
                .years
                .settings
                .entry(year)
                .cloned()
                .map(YearData::Settings),
            YearPart::Calendar => self
                .years
                .calendar
                .year(year)
                .cloned()
                .map(YearData::Calendar),
        }
    }

    /// These years with `saved` in effect.
    pub fn with(mut self, saved: StoredYear) -> Self {
        self.years = match &saved.data {
            YearData::Settings(entry) => self.years.with([entry.clone()], []),
            YearData::Calendar(calendar) => self.years.with([], [calendar.clone()]),
        };
        self.stored
            .retain(|s| (s.data.part(), s.data.year()) != (saved.data.part(), saved.data.year()));
        self.stored.push(saved);
        self
    }
}

/// A batch and the first day its certificates can be downloaded (R17).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DownloadView {
    #[schema(value_type = String, format = Date)]
    pub batch_date: Date,
    /// `null` while the calendar of a year the window reaches is not published.
    #[schema(value_type = Option<String>, format = Date)]
    pub available_from: Option<Date>,
    /// Why there is no day yet (中文), else `null`.
    pub message: Option<String>,
    pub message_en: Option<String>,
}

impl From<&BatchDownload> for DownloadView {
    fn from(download: &BatchDownload) -> Self {
        let error: Option<&CalendarError> = download.available_from.as_ref().err();
        Self {
            batch_date: download.batch_date,
            available_from: download.available_from.as_ref().ok().copied(),
            message: error.map(|e| e.message_zh().into_owned()),
            message_en: error.map(|e| e.message_en().into_owned()),
        }
    }
}
