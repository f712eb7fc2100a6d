//! The learning function: the learner's courses and the state of each hour,
//! a bought hour's timed lesson, marking an hour learned (学过了, R10) once
//! it was studied long enough, and progress in the cycle (R7–R9).

mod courses;
mod lessons;
mod mark;
mod plan;
mod progress;

use axum::Router;
use ticedu_api::routing::OpenApiRouter;
use ticedu_api::{AppState, route};
use ticedu_store::{FilingStore, LearnerStore, OrderStore, ProgressStore, SessionStore, YearStore};
use utoipa::OpenApi;

pub use courses::COURSES;
pub use lessons::{LESSON, OPEN_LESSON};
pub use mark::MARK;
pub use progress::PROGRESS;

/// What the learning function needs of a store.
pub trait LearningStore:
    LearnerStore + SessionStore + OrderStore + ProgressStore + FilingStore + YearStore + Clone + 'static
{
}
impl<T> LearningStore for T where
    T: LearnerStore
        + SessionStore
        + OrderStore
        + ProgressStore
        + FilingStore
        + YearStore
        + Clone
        + 'static
{
}

#[derive(OpenApi)]
#[openapi(tags((name = "learning", description = "学习 Learning (R7–R10)")))]
struct LearningApi;

/// Every use case of the function, each served and documented where its
/// handler's `#[utoipa::path]` says.
pub fn routes<S: LearningStore>() -> OpenApiRouter<AppState<S>> {
    OpenApiRouter::with_openapi(LearningApi::openapi())
        .routes(route!(courses::courses::<S>))
        .routes(route!(lessons::lesson::<S>))
        .routes(route!(lessons::open_lesson::<S>))
        .routes(route!(mark::mark_learned::<S>))
        .routes(route!(progress::progress::<S>))
}

/// The function over one store, as Lambda and the local server run it.
pub fn router<S: LearningStore>(state: AppState<S>) -> Router {
    routes().with_state(state).split_for_parts().0
}
