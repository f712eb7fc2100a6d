//! The learning function: the learner's courses and the state of each hour,
//! marking an hour learned (学过了, R10), and progress in the cycle (R7–R9).

use std::collections::{BTreeMap, HashMap};
use std::num::NonZeroU16;

use axum::extract::{Path, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use jiff::civil::Date;
use serde::Serialize;
use ticedu_api::auth::AuthLearner;
use ticedu_api::views::{ProgressView, progress_of};
use ticedu_api::{ApiError, ApiResult, AppState, ErrorBody};
use ticedu_domain::catalogue::{CourseGroup, CourseId, HourId};
use ticedu_domain::requirement::LearnedHour;
use ticedu_store::{LearnerStore, OrderStore, Outcome, ProgressStore};
use utoipa::{OpenApi, ToSchema};

/// What the learning function needs of a store.
pub trait LearningStore: LearnerStore + OrderStore + ProgressStore + Clone + 'static {}
impl<T: LearnerStore + OrderStore + ProgressStore + Clone + 'static> LearningStore for T {}

pub const COURSES: &str = "/api/learning/courses";
pub const MARK: &str = "/api/learning/hours/{course}/{number}/learned";
pub const PROGRESS: &str = "/api/learning/progress";

pub fn router<S: LearningStore>(state: AppState<S>) -> Router {
    Router::new()
        .route(COURSES, get(courses::<S>))
        .route(MARK, post(mark_learned::<S>))
        .route(PROGRESS, get(progress::<S>))
        .with_state(state)
}

#[derive(OpenApi)]
#[openapi(
    paths(courses, mark_learned, progress),
    components(schemas(MyCourses, MyCourse, MyHour, Marked, ProgressView, ErrorBody)),
    tags((name = "learning", description = "学习 Learning (R7–R10)"))
)]
pub struct LearningApi;

#[derive(Debug, Serialize, ToSchema)]
pub struct MyHour {
    /// `course-id/n`.
    pub id: String,
    pub number: u16,
    pub title: String,
    pub title_en: String,
    /// Marked 学过了.
    pub learned: bool,
    #[schema(value_type = Option<String>, format = Date)]
    pub learned_on: Option<Date>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MyCourse {
    pub id: String,
    #[schema(value_type = String, example = "elective")]
    pub group: CourseGroup,
    pub title: String,
    pub title_en: String,
    /// The hours bought, in teaching order.
    pub hours: Vec<MyHour>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MyCourses {
    pub courses: Vec<MyCourse>,
}

/// The courses and hours the learner bought, each hour learned or not.
#[utoipa::path(get, path = "/api/learning/courses", tag = "learning", security(("bearer" = [])),
    responses((status = 200, description = "My courses", body = MyCourses), (status = 401, description = "Not logged in", body = ErrorBody)))]
pub async fn courses<S: LearningStore>(
    State(state): State<AppState<S>>,
    auth: AuthLearner,
) -> ApiResult<Json<MyCourses>> {
    let enrollments = state.store.enrollments(&auth.id).await?;
    let marks: HashMap<HourId, Date> = state
        .store
        .marks(&auth.id)
        .await?
        .into_iter()
        .map(|mark| (mark.hour, mark.learned_on))
        .collect();
    let catalogue = &state.platform.catalogue;
    let mut by_course: BTreeMap<usize, Vec<MyHour>> = BTreeMap::new();
    // Courses in catalogue order; an hour the catalogue no longer lists is left out.
    let positions: HashMap<&CourseId, usize> = catalogue
        .courses()
        .iter()
        .enumerate()
        .map(|(index, course)| (&course.id, index))
        .collect();
    for enrollment in &enrollments {
        let Some((course, lesson)) = catalogue.lesson(&enrollment.hour) else {
            continue;
        };
        let learned_on = marks.get(&enrollment.hour).copied();
        by_course
            .entry(positions[&course.id])
            .or_default()
            .push(MyHour {
                id: lesson.id.to_string(),
                number: lesson.id.number(),
                title: lesson.title.zh.clone(),
                title_en: lesson.title.en.clone(),
                learned: learned_on.is_some(),
                learned_on,
            });
    }
    let courses = by_course
        .into_iter()
        .map(|(index, mut hours)| {
            let course = &catalogue.courses()[index];
            hours.sort_by_key(|hour| hour.number);
            MyCourse {
                id: course.id.to_string(),
                group: course.group,
                title: course.title.zh.clone(),
                title_en: course.title.en.clone(),
                hours,
            }
        })
        .collect();
    Ok(Json(MyCourses { courses }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Marked {
    pub hour: String,
    /// False when the hour was marked before: marking is idempotent.
    pub newly_marked: bool,
    pub progress: ProgressView,
}

/// Mark one bought hour learned (学过了, R10). Marking it again changes nothing.
#[utoipa::path(post, path = "/api/learning/hours/{course}/{number}/learned", tag = "learning", security(("bearer" = [])),
    params(("course" = String, Path, description = "Course id"), ("number" = u16, Path, description = "Hour number, from 1")),
    responses(
        (status = 200, description = "Marked", body = Marked),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 403, description = "The hour was not bought", body = ErrorBody),
        (status = 404, description = "No such hour in the catalogue", body = ErrorBody),
    ))]
pub async fn mark_learned<S: LearningStore>(
    State(state): State<AppState<S>>,
    auth: AuthLearner,
    Path((course, number)): Path<(String, String)>,
) -> ApiResult<Json<Marked>> {
    let unknown = || {
        ApiError::not_found(
            "learning.unknown_hour",
            "课程目录中没有这个学时。",
            "There is no such class hour in the catalogue.",
        )
    };
    let course = CourseId::parse(&course).map_err(|_| unknown())?;
    let number = number.parse::<NonZeroU16>().map_err(|_| unknown())?;
    let hour = HourId::new(course, number);
    let group = state
        .platform
        .catalogue
        .group_of(&hour)
        .ok_or_else(unknown)?;
    let mark = LearnedHour {
        hour: hour.clone(),
        group,
        learned_on: state.platform.clock.today(),
    };
    let outcome = state.store.mark_learned(&auth.id, &mark).await?;
    let learner = auth.learner(&state.store).await?;
    let marks = state.store.marks(&auth.id).await?;
    if outcome == Outcome::Applied {
        tracing::info!(learner = %auth.id, %hour, "hour learned");
    }
    Ok(Json(Marked {
        hour: hour.to_string(),
        newly_marked: outcome == Outcome::Applied,
        progress: ProgressView::from(&progress_of(&learner, &marks)),
    }))
}

/// Progress in the current cycle against the requirement (R7–R9), per part.
#[utoipa::path(get, path = "/api/learning/progress", tag = "learning", security(("bearer" = [])),
    responses((status = 200, description = "Progress", body = ProgressView), (status = 401, description = "Not logged in", body = ErrorBody)))]
pub async fn progress<S: LearningStore>(
    State(state): State<AppState<S>>,
    auth: AuthLearner,
) -> ApiResult<Json<ProgressView>> {
    let learner = auth.learner(&state.store).await?;
    let marks = state.store.marks(&auth.id).await?;
    Ok(Json(ProgressView::from(&progress_of(&learner, &marks))))
}
