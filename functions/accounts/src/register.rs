//! 注册账号 (R1–R3): real name and ID number; the username is derived
//! (R2); one account per ID number (R3), kept unique by the store.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Serialize;
use ticedu_api::caller_limit::{PerCaller, Registrations};
use ticedu_api::{ApiError, ApiJson, ApiResult, AppState, ErrorBody};
use ticedu_domain::identity::{AccountKey, LookupKey, Username, UsernameKey};
use ticedu_domain::learner::LearnerKind;
use ticedu_domain::registration::check_dates;
use ticedu_store::ids::LearnerId;
use ticedu_store::records::NewLearner;
use ticedu_store::{Refusal, StoreError};
use utoipa::ToSchema;

use crate::AccountsStore;
use crate::requests::RegisterRequest;

pub const REGISTER: &str = "/api/accounts/register";

/// The new account's id: the one an import of the person's earlier
/// certificates prepared (R12: their certificates are listed under it and
/// they register as returning), else a random one.
async fn learner_id<S: AccountsStore>(store: &S, account: &AccountKey) -> ApiResult<LearnerId> {
    match store.prior_record(account).await? {
        Some(_) => Ok(LearnerId::of_account(account)),
        None => ticedu_api::ids::new_learner_id(),
    }
}

/// Whether staff vouched for a holder's unusual expiry: the association's
/// register, imported by staff, holds this person's certificate expiring
/// that day (an expiry no batch explains, or one more than a cycle back).
async fn confirmed_by_staff<S: AccountsStore>(
    store: &S,
    account: &AccountKey,
    kind: &LearnerKind,
) -> ApiResult<bool> {
    let LearnerKind::Holder(details) = kind else {
        return Ok(false);
    };
    let Some(prior) = store.prior_record(account).await? else {
        return Ok(false);
    };
    for no in &prior.certificates {
        if let Some(certificate) = store.certificate(no).await? {
            if certificate.valid_until == details.expires_on {
                return Ok(true);
            }
        }
    }
    Ok(false)
}

/// The answer to a registration, the same whether it created an account or
/// found one for the ID number already: whether a person has an account is
/// theirs to know, not anyone's who holds their name and ID number.
#[derive(Debug, Serialize, ToSchema)]
pub struct Registered {
    /// The derived login name (R2): name + first 6 + last 4 characters of
    /// the ID number — nothing the registrant did not type.
    pub username: String,
}

/// Register an account (注册账号, R1–R3). The username is derived, never typed.
#[utoipa::path(post, path = REGISTER, tag = "accounts", request_body = RegisterRequest,
    responses(
        (status = 201, description = "Registered — or, for an ID number that has an account, nothing created or changed, answered alike", body = Registered),
        (status = 400, description = "Malformed body", body = ErrorBody),
        (status = 409, description = "Another person's account has the same username", body = ErrorBody),
        (status = 429, description = "Too many registrations from this caller; retry later", body = ErrorBody),
        (status = 422, description = "Invalid name, ID number, contact or password, or an impossible date: a holder's expiry that is no batch day, a learning start before 18 or more than a cycle ago", body = ErrorBody),
    ))]
pub async fn register<S: AccountsStore>(
    State(state): State<AppState<S>>,
    _caller: PerCaller<Registrations>,
    ApiJson(request): ApiJson<RegisterRequest>,
) -> ApiResult<(StatusCode, Json<Registered>)> {
    let platform = &state.platform;
    let account_secret = platform.account_secret()?;
    let today = platform.clock.today();
    let registration = request.parse(today)?;
    let years = ticedu_api::years::effective(&state.store, platform)
        .await?
        .years;
    let account_key = AccountKey::of(&registration.id_number, account_secret);
    let checked = check_dates(
        &registration.kind,
        registration.id_number.birth_date(),
        today,
        &years.settings,
    );
    if let Err(refusal) = checked {
        if !confirmed_by_staff(&state.store, &account_key, &registration.kind).await? {
            return Err(ApiError::invalid(&refusal));
        }
    }
    let username = Username::derive(&registration.name, &registration.id_number);
    let mut learner = NewLearner {
        id: learner_id(&state.store, &account_key).await?,
        account_key,
        username_key: UsernameKey::of(&username, account_secret),
        username: username.clone(),
        lookups: LookupKey::all_of(
            &registration.name,
            registration.phone.as_ref(),
            registration.email.as_ref(),
            account_secret,
        ),
        name: registration.name,
        id_number: registration.id_number,
        kind: registration.kind,
        phone: registration.phone,
        email: registration.email,
        password_hash: registration.password.hash().await?,
        registered_at: platform.clock.now(),
    };
    let mut created = state.store.create_learner(&learner).await;
    if created.as_ref().err().and_then(StoreError::refusal) == Some(&Refusal::PriorRecordChanged) {
        // An import of this person's certificates ran meanwhile: once more,
        // with the id it prepared (imports are rare; a third time is an error).
        learner.id = learner_id(&state.store, &learner.account_key).await?;
        created = state.store.create_learner(&learner).await;
    }
    match created {
        Ok(()) => tracing::info!(
            learner = %learner.id,
            category = ?learner.kind.category(),
            returning = learner.prepared_by_import(),
            "registered"
        ),
        // The account stays as it was (its password too); the page tells
        // whoever registered before to log in with their old password.
        Err(error) if error.refusal() == Some(&Refusal::AccountExists) => {
            tracing::info!("registration of an ID number that has an account: nothing created");
        }
        Err(error) => return Err(error.into()),
    }
    Ok((
        StatusCode::CREATED,
        Json(Registered {
            username: username.to_string(),
        }),
    ))
}
