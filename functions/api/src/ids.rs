//! Fresh random identifiers.

use ticedu_store::ids::LearnerId;

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
