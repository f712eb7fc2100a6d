//! Finding a learner who writes to the association ("my username is
//! 张三1101051234, please grant my discount") and seeing where they stand:
//! their kind and details, the current cycle and its next step, filings,
//! orders and certificates, and each hour learned in the cycle with the time
//! studied for it (evidence if the association is audited). The ID number
//! stays masked here.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use ticedu_api::auth::AuthStaff;
use ticedu_api::standing::{NextStep, Standing};
use ticedu_api::views::ProgressView;
use ticedu_api::{ApiError, ApiJson, ApiResult, AppState, ErrorBody};
use ticedu_domain::catalogue::{Catalogue, CourseGroup};
use ticedu_domain::identity::{Username, UsernameKey};
use ticedu_domain::learner::{LearnerKind, TitleCheck};
use ticedu_domain::requirement::LearnedHour;
use ticedu_domain::staff::StaffAction;
use ticedu_store::ids::{CertificateNo, LearnerId, OrderNo};
use ticedu_store::records::{
    Certificate, CertificateApplication, Learner, Order, RenewalRegistration,
};
use utoipa::ToSchema;

use crate::AdminStore;

/// A POST, not a GET: a username holds 10 characters of the ID number and
/// must not travel in a URL (access logs, browser history).
pub const LEARNERS: &str = "/api/staff/learners/search";

/// Exactly one way to find the learner.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct LearnerQuery {
    /// The derived username (name + 6 + 4 characters of the ID number, R2).
    username: Option<String>,
    /// A certificate number of theirs.
    certificate: Option<String>,
    /// An order number of theirs (also WeChat Pay's out_trade_no).
    order: Option<String>,
    /// The learner id.
    learner: Option<String>,
}

/// A learner as staff see them.
#[derive(Serialize, ToSchema)]
pub(crate) struct LearnerFile {
    learner_id: String,
    name: String,
    username: String,
    /// Masked: the first and last characters only.
    id_number: String,
    #[schema(value_type = Object)]
    kind: LearnerKind,
    phone: Option<String>,
    email: Option<String>,
    registered_at: String,
    balance_fen: u64,
    /// R12: takes part in renewals already (the mandatory hours are free).
    returning: bool,
    #[schema(value_type = Option<String>)]
    title_check: Option<TitleCheck>,
    progress: ProgressView,
    next_step: NextStep,
    /// The hours marked learned in the current cycle, by the day marked;
    /// `progress.studied_seconds` is their total.
    learned_hours: Vec<LearnedHourView>,
    /// This cycle's renewal registration or overdue renewal (holders).
    #[schema(value_type = Option<Object>)]
    renewal: Option<RenewalRegistration>,
    /// This cycle's certificate application (new learners).
    #[schema(value_type = Option<Object>)]
    application: Option<CertificateApplication>,
    #[schema(value_type = Vec<Object>)]
    orders: Vec<Order>,
    #[schema(value_type = Vec<Object>)]
    certificates: Vec<Certificate>,
}

/// One hour marked learned, as staff check it.
#[derive(Serialize, ToSchema)]
pub(crate) struct LearnedHourView {
    /// `course-id/n`.
    hour: String,
    title: String,
    title_en: String,
    #[schema(value_type = String, example = "elective")]
    group: CourseGroup,
    #[schema(value_type = String, format = Date)]
    learned_on: Date,
    /// Counted on the server from opening the lesson to marking it; null for
    /// marks made before lessons were timed.
    studied_seconds: Option<u32>,
}

impl LearnedHourView {
    fn of(catalogue: &Catalogue, mark: &LearnedHour) -> Self {
        let (title, title_en) = catalogue.lesson(&mark.hour).map_or_else(
            || (mark.hour.to_string(), mark.hour.to_string()),
            |(_, lesson)| (lesson.title.zh.clone(), lesson.title.en.clone()),
        );
        Self {
            hour: mark.hour.to_string(),
            title,
            title_en,
            group: mark.group,
            learned_on: mark.learned_on,
            studied_seconds: mark.studied_seconds,
        }
    }
}

fn not_found() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "learner.not_found",
        "没有找到这位学员。",
        "No such learner.",
    )
}

fn one_way() -> ApiError {
    ApiError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        "learner.query",
        "请只填写一项：用户名、证书编号、订单号或学员编号。",
        "Give exactly one of: username, certificate number, order number or learner id.",
    )
}

/// Find one learner by username, certificate number, order number or id, with where they stand.
#[utoipa::path(post, path = LEARNERS, tag = "staff", request_body = LearnerQuery, security(("bearer" = [])),
    responses(
        (status = 200, description = "Found", body = LearnerFile),
        (status = 403, description = "Not staff", body = ErrorBody),
        (status = 404, description = "No such learner", body = ErrorBody),
        (status = 422, description = "Not exactly one way to find them", body = ErrorBody),
    ))]
pub(crate) async fn find_learner<S: AdminStore>(
    State(state): State<AppState<S>>,
    staff: AuthStaff,
    ApiJson(query): ApiJson<LearnerQuery>,
) -> ApiResult<Json<LearnerFile>> {
    staff.may(StaffAction::ReadLearners)?;
    let store = &state.store;
    let given = [
        &query.username,
        &query.certificate,
        &query.order,
        &query.learner,
    ];
    if given.iter().filter(|way| way.is_some()).count() != 1 {
        return Err(one_way());
    }
    let id: Option<LearnerId> = if let Some(username) = &query.username {
        let username = Username::parse(username.trim()).map_err(|_| not_found())?;
        let key = UsernameKey::of(&username, state.platform.account_secret()?);
        store
            .learner_by_username(&key)
            .await?
            .map(|learner| learner.id().clone())
    } else if let Some(no) = &query.certificate {
        let no = CertificateNo::parse(&no.trim().to_ascii_uppercase()).map_err(|_| not_found())?;
        store
            .certificate(&no)
            .await?
            .map(|certificate| certificate.learner)
    } else if let Some(no) = &query.order {
        let no = OrderNo::parse(no.trim()).map_err(|_| not_found())?;
        store.order(&no).await?.map(|order| order.learner)
    } else {
        let id = query.learner.as_deref().unwrap_or_default();
        Some(LearnerId::parse(id.trim()).map_err(|_| not_found())?)
    };
    let learner: Learner = match id {
        Some(id) => store.learner(&id).await?.ok_or_else(not_found)?,
        None => return Err(not_found()),
    };
    let id = learner.id().clone();
    let orders = store.orders_of(&id).await?;
    let certificates = store.certificates_of(&id).await?;
    let standing = Standing::of(store, learner).await?;
    let years = ticedu_api::years::effective(store, &state.platform)
        .await?
        .years;
    let today = state.platform.clock.today();
    let next_step = standing.next_step(today, &years.settings, &years.calendar);
    // Who looked at whom: the ID number never reaches the log.
    tracing::info!(staff = %staff.name, learner = %id, "learner file read");
    let Standing {
        learner,
        progress,
        mut marks,
        renewal,
        application,
        ..
    } = standing;
    marks.retain(|mark| mark.cycle == progress.number);
    marks.sort_by(|a, b| (a.learned_on, &a.hour).cmp(&(b.learned_on, &b.hour)));
    let catalogue = &state.platform.catalogue;
    let registration = learner.registration;
    Ok(Json(LearnerFile {
        learner_id: id.to_string(),
        name: registration.name.to_string(),
        username: registration.username.to_string(),
        id_number: registration.id_number.masked(),
        kind: registration.kind,
        phone: registration.phone.map(|phone| phone.to_string()),
        email: registration.email.map(|email| email.to_string()),
        registered_at: registration.registered_at.to_string(),
        balance_fen: learner.balance.get(),
        returning: learner.returning,
        title_check: learner.title_check,
        progress: ProgressView::from(&progress),
        next_step,
        learned_hours: marks
            .iter()
            .map(|mark| LearnedHourView::of(catalogue, mark))
            .collect(),
        renewal,
        application,
        orders,
        certificates,
    }))
}
