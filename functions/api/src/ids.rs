//! Fresh random identifiers.

use ticedu_store::ids::{CardCode, LearnerId, OrderNo, SessionId};

use crate::error::ApiError;

/// `count` random bytes from the operating system.
pub fn random_bytes(count: usize) -> Result<Vec<u8>, ApiError> {
    let mut buffer = vec![0u8; count];
    getrandom::fill(&mut buffer).map_err(|error| {
        tracing::error!(%error, "no randomness from the operating system");
        ApiError::unavailable()
    })?;
    Ok(buffer)
}

/// `bytes` random bytes from the operating system, as lower-case hex.
pub fn random_hex(bytes: usize) -> Result<String, ApiError> {
    Ok(random_bytes(bytes)?
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect())
}

pub fn new_learner_id() -> Result<LearnerId, ApiError> {
    LearnerId::parse(&random_hex(16)?).map_err(|_| ApiError::unavailable())
}

/// 128 random bits: a session's id is as hard to guess as the learner's.
pub fn new_session_id() -> Result<SessionId, ApiError> {
    SessionId::parse(&random_hex(16)?).map_err(|_| ApiError::unavailable())
}

/// `TIC` + the time in seconds + 10 random hex digits, upper case: unique and
/// unguessable, and within WeChat Pay's 32 characters for `out_trade_no`.
pub fn new_order_no(now: jiff::Timestamp) -> Result<OrderNo, ApiError> {
    let random = random_hex(5)?.to_ascii_uppercase();
    OrderNo::parse(&format!("TIC{}{random}", now.as_second())).map_err(|_| ApiError::unavailable())
}

/// A study card's code: 16 characters from an alphabet without look-alikes
/// (no 0/O, 1/I), so it can be typed from paper: 80 random bits.
pub fn new_card_code() -> Result<CardCode, ApiError> {
    const ALPHABET: &[u8; 32] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
    let code: String = random_bytes(16)?
        .iter()
        .map(|byte| char::from(ALPHABET[usize::from(byte % 32)]))
        .collect();
    CardCode::parse(&code).map_err(|_| ApiError::unavailable())
}
