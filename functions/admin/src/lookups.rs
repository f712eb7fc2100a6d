//! Finding learners by what they tell staff besides a username: their name,
//! phone number or e-mail address. Several may match (names repeat; a
//! company may register its staff with one phone): staff get the list and
//! open the one they mean. The store indexes HMACs, never the values.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use ticedu_api::auth::AuthStaff;
use ticedu_api::{ApiError, ApiJson, ApiResult, AppState, ErrorBody};
use ticedu_domain::contact::{EmailAddress, PhoneNumber};
use ticedu_domain::identity::{LookupKey, PersonName};
use ticedu_domain::learner::LearnerCategory;
use ticedu_domain::staff::StaffAction;
use ticedu_store::LookupStore;
use utoipa::ToSchema;

use crate::AdminStore;

/// A POST: names, phones and addresses stay out of URLs and access logs.
pub const LOOKUP: &str = "/api/staff/learners/lookup";

/// At most this many matches are listed; a longer list is narrowed by another field.
const MATCHES: usize = 20;

/// Exactly one of the three.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct LookupQuery {
    /// The name as on the ID card.
    name: Option<String>,
    phone: Option<String>,
    email: Option<String>,
}

/// One matching learner: enough to tell namesakes apart.
#[derive(Serialize, ToSchema)]
pub(crate) struct LookupMatch {
    learner_id: String,
    name: String,
    username: String,
    #[schema(value_type = String)]
    category: LearnerCategory,
    /// Masked.
    phone: Option<String>,
    registered_at: String,
}

#[derive(Serialize, ToSchema)]
pub(crate) struct LookupMatches {
    matches: Vec<LookupMatch>,
    /// More learners match than are listed.
    more: bool,
}

fn one_field() -> ApiError {
    ApiError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        "learner.lookup",
        "请只填写一项：姓名、手机号码或电子邮箱。",
        "Give exactly one of: name, phone number or e-mail address.",
    )
}

/// Learners with this name, phone number or e-mail address (up to 20).
#[utoipa::path(post, path = LOOKUP, tag = "staff", request_body = LookupQuery, security(("bearer" = [])),
    responses(
        (status = 200, description = "The matches (possibly none)", body = LookupMatches),
        (status = 403, description = "Not staff", body = ErrorBody),
        (status = 422, description = "Not exactly one field, or one that cannot be a name, phone or address", body = ErrorBody),
    ))]
pub(crate) async fn lookup<S: AdminStore>(
    State(state): State<AppState<S>>,
    staff: AuthStaff,
    ApiJson(query): ApiJson<LookupQuery>,
) -> ApiResult<Json<LookupMatches>> {
    staff.may(StaffAction::ReadLearners)?;
    let secret = state.platform.account_secret()?;
    let key = match (&query.name, &query.phone, &query.email) {
        (Some(name), None, None) => LookupKey::of_name(
            &PersonName::parse(name).map_err(|e| ApiError::invalid(&e))?,
            secret,
        ),
        (None, Some(phone), None) => LookupKey::of_phone(
            &PhoneNumber::parse(phone).map_err(|e| ApiError::invalid(&e))?,
            secret,
        ),
        (None, None, Some(email)) => LookupKey::of_email(
            &EmailAddress::parse(email).map_err(|e| ApiError::invalid(&e))?,
            secret,
        ),
        _ => return Err(one_field()),
    };
    let ids = state.store.learners_by_lookup(&key, MATCHES + 1).await?;
    let more = ids.len() > MATCHES;
    let mut matches = Vec::new();
    for id in ids.iter().take(MATCHES) {
        let Some(learner) = state.store.learner(id).await? else {
            continue;
        };
        let registration = &learner.registration;
        matches.push(LookupMatch {
            learner_id: id.to_string(),
            name: registration.name.to_string(),
            username: registration.username.to_string(),
            category: registration.kind.category(),
            phone: registration.phone.as_ref().map(PhoneNumber::masked),
            registered_at: registration.registered_at.to_string(),
        });
    }
    tracing::info!(staff = %staff.name, found = matches.len(), "learners looked up");
    Ok(Json(LookupMatches { matches, more }))
}

/// Indexes learners stored before the index existed, a batch at a time.
pub const LOOKUP_BACKFILL: &str = "/api/staff/learners/lookup/backfill";

/// Learners re-indexed per request: a Lambda's few seconds hold this many.
const BACKFILL_BATCH: usize = 100;

#[derive(Serialize, ToSchema)]
pub(crate) struct Backfilled {
    indexed: usize,
    /// Call again: more learners wait.
    more: bool,
}

/// Index up to 100 learners registered before name, phone and e-mail
/// look-ups existed (administrators; call until `more` is false).
#[utoipa::path(post, path = LOOKUP_BACKFILL, tag = "staff", security(("bearer" = [])),
    responses(
        (status = 200, description = "Indexed a batch", body = Backfilled),
        (status = 403, description = "Not an administrator", body = ErrorBody),
    ))]
pub(crate) async fn backfill<S: AdminStore>(
    State(state): State<AppState<S>>,
    staff: AuthStaff,
) -> ApiResult<Json<Backfilled>> {
    staff.may(StaffAction::Administer)?;
    let indexed = index_unindexed(
        &state.store,
        state.platform.account_secret()?,
        BACKFILL_BATCH,
    )
    .await?;
    tracing::info!(staff = %staff.name, indexed, "learners indexed for look-ups");
    Ok(Json(Backfilled {
        indexed,
        more: indexed == BACKFILL_BATCH,
    }))
}

/// Indexes up to `limit` learners whose record has no look-ups yet; how many it did.
pub async fn index_unindexed<S: LookupStore>(
    store: &S,
    secret: &ticedu_domain::identity::AccountKeySecret,
    limit: usize,
) -> Result<usize, ticedu_store::StoreError> {
    let learners = store.unindexed_learners(limit).await?;
    for learner in &learners {
        let registration = &learner.registration;
        let keys = LookupKey::all_of(
            &registration.name,
            registration.phone.as_ref(),
            registration.email.as_ref(),
            secret,
        );
        store.index_lookups(learner.id(), &keys).await?;
    }
    Ok(learners.len())
}
