//! Timed lessons (R10): a learner opens a bought hour's lesson, and the
//! server counts the time from then; 学过了 needs the hour's study length.
//! One lesson is open at a time: opening another banks this one's time.

use axum::Json;
use axum::extract::State;
use jiff::Timestamp;
use serde::Serialize;
use ticedu_api::auth::AuthLearner;
use ticedu_api::media::MediaSigner;
use ticedu_api::path::unknown_hour;
use ticedu_api::{ApiError, ApiResult, AppState, ErrorBody, PathParam};
use ticedu_domain::catalogue::{HourId, Lesson, MediaName, lesson_folder};
use ticedu_domain::cycle::CycleNumber;
use ticedu_domain::requirement::LearnedHour;
use ticedu_store::Refusal;
use ticedu_store::records::{Enrollment, Learner, LessonTime};
use utoipa::ToSchema;

use crate::LearningStore;

pub const LESSON: &str = "/api/learning/lessons/{course}/{number}";
pub const OPEN_LESSON: &str = "/api/learning/lessons/{course}/{number}/open";

/// Where the learner stands in one hour's lesson, counted on the server.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct LessonView {
    hour: String,
    /// How long the hour is studied before it may be marked learned.
    length_seconds: u32,
    studied_seconds: u32,
    remaining_seconds: u32,
    /// When the lesson was opened, if it is the one open now.
    #[schema(value_type = Option<String>, format = DateTime)]
    opened_at: Option<Timestamp>,
    /// Signed links to the lesson's files, given on opening it (none when
    /// the hour has no media yet, or media is not deployed).
    media: Option<LessonAccess>,
}

/// Short-lived access to one bought hour's files and nothing else.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct LessonAccess {
    video: Option<String>,
    /// An HTML fragment; the figures it names by relative path are in `folder`.
    courseware: Option<String>,
    handout: Option<String>,
    /// The hour's folder: a file in it is `{folder}{name}?{query}`.
    folder: String,
    query: String,
    /// After this the links stop working; opening the lesson again renews them.
    #[schema(value_type = String, format = DateTime)]
    expires_at: Timestamp,
    /// The same, from now: a page times renewal by it, whatever its device's clock says.
    expires_in_seconds: i64,
}

impl LessonAccess {
    fn grant(signer: &MediaSigner, lesson: &Lesson, now: Timestamp) -> Option<Self> {
        if lesson.media.is_empty() {
            return None;
        }
        let grant = signer.grant(&lesson_folder(&lesson.id), now);
        let url = |file: &Option<MediaName>| file.as_ref().map(|file| grant.url(&file.published()));
        Some(Self {
            video: url(&lesson.media.video),
            courseware: url(&lesson.media.courseware),
            handout: url(&lesson.media.handout),
            folder: grant.folder_url.clone(),
            query: grant.query.clone(),
            expires_at: grant.expires_at,
            expires_in_seconds: grant.expires_at.as_second() - now.as_second(),
        })
    }
}

impl LessonView {
    fn new(hour: &HourId, length_seconds: u32, time: &LessonTime, now: Timestamp) -> Self {
        let studied_seconds = time.studied_at(now);
        Self {
            hour: hour.to_string(),
            length_seconds,
            studied_seconds,
            remaining_seconds: length_seconds.saturating_sub(studied_seconds),
            opened_at: time.open_since,
            media: None,
        }
    }
}

/// What a lesson's handlers gather before asking the store: the learner,
/// the purchase the hour is learned on, and how long it lasts.
pub(crate) struct BoughtLesson<'a> {
    pub lesson: &'a Lesson,
    pub learner: Learner,
    pub bought_in: CycleNumber,
    pub length_seconds: u32,
    /// The learner's marks as read.
    pub marks: Vec<LearnedHour>,
}

impl<'a> BoughtLesson<'a> {
    /// Refused for an hour not in the catalogue (404) or not bought (403),
    /// as marking it would be.
    pub async fn gather<S: LearningStore>(
        state: &'a AppState<S>,
        auth: &AuthLearner,
        hour: &HourId,
    ) -> ApiResult<Self> {
        let platform = &state.platform;
        let (_, lesson) = platform.catalogue.lesson(hour).ok_or_else(unknown_hour)?;
        // As read for this request's login check a moment ago. Reading it
        // again cost a twentieth of a 学过了 mark's time, and would not be
        // fresher where it matters: the store checks the purchase and the
        // mark itself again in the mark's own write.
        let learner = auth.record().clone();
        let enrollments = state.store.hour_enrollments(&auth.id, hour).await?;
        let marks = state.store.marks(&auth.id).await?;
        let bought_in = Enrollment::usable_for(hour, learner.cycle, &enrollments, &marks)
            .ok_or(Refusal::HourNotBought)?;
        let years = ticedu_api::years::effective(&state.store, platform)
            .await?
            .years;
        let year = years
            .settings
            .in_force_on(platform.clock.today())
            .ok_or_else(no_year)?;
        Ok(Self {
            length_seconds: platform.study_seconds(lesson, year),
            lesson,
            learner,
            bought_in,
            marks,
        })
    }
}

fn no_year() -> ApiError {
    ApiError::new(
        axum::http::StatusCode::SERVICE_UNAVAILABLE,
        "settings.none",
        "本年度设置尚未配置。",
        "This year's settings are not configured yet.",
    )
}

/// Open a bought hour's lesson: the server counts the time from now, and the answer carries signed links to the hour's video and courseware (valid two hours; open again for new ones). Opening another lesson banks this one's time; opening this one again changes nothing.
#[utoipa::path(post, path = OPEN_LESSON, tag = "learning", security(("bearer" = [])),
    params(("course" = String, Path, description = "Course id"), ("number" = u16, Path, description = "Hour number, from 1")),
    responses(
        (status = 200, description = "Open", body = LessonView),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 403, description = "The hour was not bought", body = ErrorBody),
        (status = 404, description = "No such hour in the catalogue", body = ErrorBody),
        (status = 409, description = "Another lesson was opened at the same moment", body = ErrorBody),
    ))]
pub(crate) async fn open_lesson<S: LearningStore>(
    State(state): State<AppState<S>>,
    auth: AuthLearner,
    PathParam(hour): PathParam<HourId>,
) -> ApiResult<Json<LessonView>> {
    let lesson = BoughtLesson::gather(&state, &auth, &hour).await?;
    let now = state.platform.clock.now();
    let time = state
        .store
        .open_lesson(&auth.id, &hour, lesson.learner.cycle, now)
        .await?;
    let mut view = LessonView::new(&hour, lesson.length_seconds, &time, now);
    view.media = state
        .platform
        .media
        .as_ref()
        .and_then(|signer| LessonAccess::grant(signer, lesson.lesson, now));
    Ok(Json(view))
}

/// Where the learner stands in a bought hour's lesson, without opening it.
#[utoipa::path(get, path = LESSON, tag = "learning", security(("bearer" = [])),
    params(("course" = String, Path, description = "Course id"), ("number" = u16, Path, description = "Hour number, from 1")),
    responses(
        (status = 200, description = "The lesson's time", body = LessonView),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 403, description = "The hour was not bought", body = ErrorBody),
        (status = 404, description = "No such hour in the catalogue", body = ErrorBody),
    ))]
pub(crate) async fn lesson<S: LearningStore>(
    State(state): State<AppState<S>>,
    auth: AuthLearner,
    PathParam(hour): PathParam<HourId>,
) -> ApiResult<Json<LessonView>> {
    let lesson = BoughtLesson::gather(&state, &auth, &hour).await?;
    let time = state
        .store
        .lesson_time(&auth.id, &hour, lesson.learner.cycle)
        .await?;
    Ok(Json(LessonView::new(
        &hour,
        lesson.length_seconds,
        &time,
        state.platform.clock.now(),
    )))
}
