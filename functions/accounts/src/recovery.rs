//! 忘记密码: password recovery without calling the association. The learner
//! names their account; a six-digit code goes to the registered e-mail
//! address (or phone, where the sender carries SMS); the code and a new
//! password set it. The new password ends every session (their tokens carry
//! the old password's stamp).
//!
//! Nothing tells whether an account exists: asking for a code answers 202
//! the same way, after the same time (a floor the work stays under), counted
//! against the same per-name limit; using one answers the same refusal for a
//! wrong code, a used or expired one, and an account that does not exist,
//! after hashing the new password in every case.

use std::time::Duration;

use axum::extract::State;
use axum::http::StatusCode;
use jiff::SignedDuration;
use serde::Deserialize;
use ticedu_api::caller_limit::{PerCaller, Recoveries};
use ticedu_api::ids::random_bytes;
use ticedu_api::password::Password;
use ticedu_api::sender::{Address, Message};
use ticedu_api::{ApiError, ApiJson, ApiResult, AppState, ErrorBody};
use ticedu_domain::identity::{Username, UsernameKey, recovery_digest};
use ticedu_store::records::{Learner, RateKey, Recovery, RecoveryCode, ThrottleWindow};
use utoipa::ToSchema;

use crate::AccountsStore;

pub const RECOVERY: &str = "/api/accounts/recovery";
pub const RECOVERY_RESET: &str = "/api/accounts/recovery/reset";

/// How long a code is good for.
const CODE_MINUTES: i64 = 15;
/// Codes per account name and hour.
const CODES_PER_HOUR: u32 = 3;
/// Every request for a code takes at least this long, found or not: sending
/// through SES takes a few hundred milliseconds, nothing found takes none.
const ANSWER_FLOOR: Duration = Duration::from_millis(800);

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RecoveryRequest {
    /// The username (name + first 6 and last 4 characters of the ID number).
    username: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ResetRequest {
    username: String,
    /// The six digits sent.
    code: String,
    new_password: String,
}

fn name_key<S: AccountsStore>(state: &AppState<S>, username: &str) -> ApiResult<UsernameKey> {
    let username = Username::parse(username).map_err(|e| ApiError::invalid(&e))?;
    Ok(UsernameKey::of(&username, state.platform.account_secret()?))
}

/// Six random digits.
fn new_code() -> ApiResult<String> {
    let bytes: [u8; 8] = random_bytes(8)?
        .try_into()
        .map_err(|_| ApiError::unavailable())?;
    Ok(format!("{:06}", u64::from_le_bytes(bytes) % 1_000_000))
}

fn message(to: Address, code: &str) -> Message {
    Message {
        to,
        subject: "CIQ大讲堂：找回密码验证码 / Password recovery code".to_owned(),
        text: format!(
            "您的找回密码验证码是 {code}，{CODE_MINUTES} 分钟内有效，只能使用一次。如不是您本人操作，请忽略本消息，您的密码不会改变。\n\n\
             Your password recovery code is {code}. It is valid for {CODE_MINUTES} minutes, once. \
             If you did not ask for it, ignore this message: your password stays as it is."
        ),
    }
}

/// Where the code goes: the e-mail address if the sender carries e-mail, else the phone.
fn address_of(learner: &Learner, reaches: impl Fn(&Address) -> bool) -> Option<Address> {
    let registration = &learner.registration;
    let email = registration.email.clone().map(Address::Email);
    let phone = registration.phone.clone().map(Address::Phone);
    [email, phone].into_iter().flatten().find(|to| reaches(to))
}

fn too_many(retry_after: i64) -> ApiError {
    let mut error = ApiError::new(
        StatusCode::TOO_MANY_REQUESTS,
        "recovery.throttled",
        "验证码请求过于频繁，请一小时后再试。",
        "Too many codes asked for; please try again in an hour.",
    );
    error.retry_after = Some(u64::try_from(retry_after).unwrap_or(1).max(1));
    error
}

/// Ask for a password-recovery code. The same answer whether or not the account exists.
#[utoipa::path(post, path = RECOVERY, tag = "accounts", request_body = RecoveryRequest,
    responses(
        (status = 202, description = "If the account exists and has a contact the platform can reach, a code is on its way (valid 15 minutes, once)"),
        (status = 422, description = "Not a username", body = ErrorBody),
        (status = 429, description = "Too many codes for this name, or from this caller", body = ErrorBody),
    ))]
pub(crate) async fn request_code<S: AccountsStore>(
    State(state): State<AppState<S>>,
    _caller: PerCaller<Recoveries>,
    ApiJson(request): ApiJson<RecoveryRequest>,
) -> ApiResult<StatusCode> {
    let started = tokio::time::Instant::now();
    let key = name_key(&state, &request.username)?;
    let platform = &state.platform;
    let now = platform.clock.now();
    let window = ThrottleWindow::containing(now, 60 * 60);
    let asked = state
        .store
        .count_use(&RateKey::recovery_requests(&key), window)
        .await?;
    if asked > CODES_PER_HOUR {
        return Err(too_many(window.expires_at.as_second() - now.as_second()));
    }
    let sent = send_code(&state, &key).await;
    // The same time, found or not, sent or failed.
    tokio::time::sleep_until(started + ANSWER_FLOOR).await;
    sent?;
    Ok(StatusCode::ACCEPTED)
}

/// Stores a new code for the account named by `key`, if there is one with an
/// address the sender reaches, and sends it. A send that fails is logged,
/// not answered: the answer must not differ.
async fn send_code<S: AccountsStore>(state: &AppState<S>, key: &UsernameKey) -> ApiResult<()> {
    let Some(learner) = state.store.learner_by_username(key).await? else {
        return Ok(());
    };
    let Some(sender) = state.platform.sender.as_ref() else {
        tracing::warn!(learner = %learner.id(), "no sender configured: no recovery code sent");
        return Ok(());
    };
    let Some(to) = address_of(&learner, |to| sender.reaches(to)) else {
        tracing::warn!(learner = %learner.id(), "no address the sender reaches: no recovery code sent");
        return Ok(());
    };
    let code = new_code()?;
    let now = state.platform.clock.now();
    let record = RecoveryCode {
        learner: learner.id().clone(),
        digest: recovery_digest(
            learner.id().as_str(),
            &code,
            state.platform.account_secret()?,
        ),
        issued_at: now,
        ends_at: now + SignedDuration::from_mins(CODE_MINUTES),
        wrong_guesses: 0,
        used: false,
    };
    state.store.save_recovery_code(&record).await?;
    match sender.send(&message(to, &code)).await {
        Ok(()) => tracing::info!(learner = %learner.id(), "recovery code sent"),
        Err(error) => tracing::error!(learner = %learner.id(), %error, "recovery code not sent"),
    }
    Ok(())
}

fn code_refused() -> ApiError {
    ApiError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        "recovery.code_invalid",
        "验证码不正确或已失效，请重新获取验证码。",
        "The code is wrong or no longer valid; please ask for a new one.",
    )
}

/// Set a new password with the code sent. Every session of the account ends.
#[utoipa::path(post, path = RECOVERY_RESET, tag = "accounts", request_body = ResetRequest,
    responses(
        (status = 204, description = "The password is the new one; every session ended"),
        (status = 422, description = "Not a username, a new password that breaks the policy, or a wrong, used or expired code (one answer, whether or not the account exists)", body = ErrorBody),
        (status = 429, description = "Too many tries from this caller", body = ErrorBody),
    ))]
pub(crate) async fn reset<S: AccountsStore>(
    State(state): State<AppState<S>>,
    _caller: PerCaller<Recoveries>,
    ApiJson(request): ApiJson<ResetRequest>,
) -> ApiResult<StatusCode> {
    let key = name_key(&state, &request.username)?;
    let new = Password::new_password(request.new_password).map_err(|e| ApiError::invalid(&e))?;
    let code = request.code.trim();
    // Hashed whatever follows, so that the time taken tells nothing.
    let hash = new.hash().await?;
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return Err(code_refused());
    }
    let Some(learner) = state.store.learner_by_username(&key).await? else {
        return Err(code_refused());
    };
    let digest = recovery_digest(
        learner.id().as_str(),
        code,
        state.platform.account_secret()?,
    );
    let now = state.platform.clock.now();
    match state
        .store
        .recover_password(learner.id(), &digest, &hash, now)
        .await?
    {
        Recovery::Recovered => {
            tracing::info!(learner = %learner.id(), "password recovered");
            Ok(StatusCode::NO_CONTENT)
        }
        Recovery::WrongCode | Recovery::NoCode => Err(code_refused()),
    }
}
