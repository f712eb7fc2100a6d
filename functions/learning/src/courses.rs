//! My courses: the hours of the learner's current cycle, by course, each
//! learned in it or not: bought in it, or bought earlier and never learned since.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use axum::Json;
use axum::extract::State;
use jiff::civil::Date;
use serde::Serialize;
use ticedu_api::auth::AuthLearner;
use ticedu_api::{ApiResult, AppState, ErrorBody};
use ticedu_domain::catalogue::{CourseGroup, CourseId, HourId};
use ticedu_domain::requirement::LearnedHour;
use ticedu_store::records::Enrollment;
use utoipa::ToSchema;

use crate::LearningStore;

pub const COURSES: &str = "/api/learning/courses";

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct MyHour {
    /// `course-id/n`.
    id: String,
    number: u16,
    title: String,
    title_en: String,
    /// Marked 学过了.
    learned: bool,
    #[schema(value_type = Option<String>, format = Date)]
    learned_on: Option<Date>,
    /// Seconds studied in the lesson, counted on the server, kept with the
    /// mark (none before the mark, and on marks made before lessons were timed).
    studied_seconds: Option<u32>,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct MyCourse {
    id: String,
    #[schema(value_type = String, example = "elective")]
    group: CourseGroup,
    title: String,
    title_en: String,
    /// The hours bought, in teaching order.
    hours: Vec<MyHour>,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct MyCourses {
    courses: Vec<MyCourse>,
}

/// The courses and hours of the current cycle (bought in it, or bought earlier and not learned since), each learned in this cycle or not.
#[utoipa::path(get, path = COURSES, tag = "learning", security(("bearer" = [])),
    responses((status = 200, description = "My courses", body = MyCourses), (status = 401, description = "Not logged in", body = ErrorBody)))]
pub(crate) async fn courses<S: LearningStore>(
    State(state): State<AppState<S>>,
    auth: AuthLearner,
) -> ApiResult<Json<MyCourses>> {
    let learner = auth.learner(&state.store).await?;
    let enrollments = state.store.enrollments(&auth.id).await?;
    let marks = state.store.marks(&auth.id).await?;
    // This cycle's hours: those learned in it, and those bought that may
    // still be learned in it. Earlier cycles' learning is history.
    let learned: HashMap<&HourId, &LearnedHour> = marks
        .iter()
        .filter(|mark| mark.cycle == learner.cycle)
        .map(|mark| (&mark.hour, mark))
        .collect();
    let hours: BTreeSet<&HourId> = enrollments
        .iter()
        .map(|enrollment| &enrollment.hour)
        .filter(|hour| {
            learned.contains_key(hour)
                || Enrollment::usable_for(hour, learner.cycle, &enrollments, &marks).is_some()
        })
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
    for hour in hours {
        let Some((course, lesson)) = catalogue.lesson(hour) else {
            continue;
        };
        let mark = learned.get(hour);
        by_course
            .entry(positions[&course.id])
            .or_default()
            .push(MyHour {
                id: lesson.id.to_string(),
                number: lesson.id.number(),
                title: lesson.title.zh.clone(),
                title_en: lesson.title.en.clone(),
                learned: mark.is_some(),
                learned_on: mark.map(|mark| mark.learned_on),
                studied_seconds: mark.and_then(|mark| mark.studied_seconds),
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
