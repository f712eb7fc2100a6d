//! The logged-in learner's own account, as only its owner sees it.

use axum::Json;
use axum::extract::State;
use serde::Serialize;
use ticedu_api::auth::AuthLearner;
use ticedu_api::views::{ProgressView, progress_of};
use ticedu_api::{ApiResult, AppState, ErrorBody};
use ticedu_domain::learner::{LearnerCategory, LearnerKind, TitleCheck};
use utoipa::ToSchema;

use crate::AccountsStore;

pub const ME: &str = "/api/accounts/me";

/// The logged-in learner's own account. Only its owner sees this.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct Me {
    learner_id: String,
    username: String,
    name: String,
    /// The name as shared screens show it (钟*): the pages' header.
    name_masked: String,
    /// Never the full number: first and last characters only.
    id_number_masked: String,
    #[schema(value_type = String, example = "holder")]
    category: LearnerCategory,
    /// The kind's own details (certificate, start date or title).
    #[schema(value_type = Object)]
    kind: LearnerKind,
    phone: Option<String>,
    email: Option<String>,
    /// 元账户 balance in fen.
    balance_fen: u64,
    /// R12: the mandatory hours are free.
    returning: bool,
    #[schema(value_type = Option<String>)]
    title_check: Option<TitleCheck>,
    progress: ProgressView,
}

/// The logged-in learner: name, masked ID number, kind, balance and cycle progress.
#[utoipa::path(get, path = ME, tag = "accounts", security(("bearer" = [])),
    responses(
        (status = 200, description = "The account", body = Me),
        (status = 401, description = "Not logged in", body = ErrorBody),
    ))]
pub(crate) async fn me<S: AccountsStore>(
    State(state): State<AppState<S>>,
    auth: AuthLearner,
) -> ApiResult<Json<Me>> {
    let learner = auth.learner(&state.store).await?;
    let marks = state.store.marks(&auth.id).await?;
    let progress = ProgressView::from(&progress_of(&learner, &marks));
    let registration = learner.registration;
    Ok(Json(Me {
        learner_id: registration.id.to_string(),
        username: registration.username.to_string(),
        name: registration.name.to_string(),
        name_masked: registration.name.masked(),
        id_number_masked: registration.id_number.masked(),
        category: registration.kind.category(),
        kind: registration.kind,
        phone: registration.phone.map(String::from),
        email: registration.email.map(String::from),
        balance_fen: learner.balance.get(),
        returning: learner.returning,
        title_check: learner.title_check,
        progress,
    }))
}
