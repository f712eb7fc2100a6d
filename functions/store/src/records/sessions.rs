//! Learners' sessions: a log-in starts one, log-out ends it.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::ids::{LearnerId, SessionId};

/// One log-in of a learner. The access token names it (`sid`) and lasts no
/// longer; the store forgets it when it ends (DynamoDB's TTL, or the
/// embedded store's next log-in).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    pub id: SessionId,
    pub learner: LearnerId,
    pub started_at: Timestamp,
    pub ends_at: Timestamp,
}

impl Session {
    /// Whether it is still open at `now`.
    pub fn is_open_at(&self, now: Timestamp) -> bool {
        now < self.ends_at
    }
}

/// A learner's password-recovery code, as a digest (an HMAC under the
/// account key secret: a copy of the table does not give the codes), until
/// `ends_at`, used once. One per learner: a new one replaces the last.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecoveryCode {
    pub learner: LearnerId,
    pub digest: String,
    pub issued_at: Timestamp,
    pub ends_at: Timestamp,
    /// Wrong codes tried against it; at [`RecoveryCode::MAX_WRONG_GUESSES`] it is void.
    #[serde(default)]
    pub wrong_guesses: u32,
    /// Set by the recovery that used it.
    #[serde(default)]
    pub used: bool,
}

impl RecoveryCode {
    /// Five tries per code: with three codes an hour (the request's limit),
    /// fifteen guesses at a six-digit code an hour.
    pub const MAX_WRONG_GUESSES: u32 = 5;

    /// Whether `digest` may still be tried against it at `now`.
    pub fn is_open_at(&self, now: Timestamp) -> bool {
        !self.used && now < self.ends_at && self.wrong_guesses < Self::MAX_WRONG_GUESSES
    }
}

/// What trying a recovery code did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recovery {
    /// The code was right: the password is the new one, the code used up.
    Recovered,
    /// A wrong code, counted against the learner's code.
    WrongCode,
    /// No code to try: none asked for, expired, used, or too many wrong tries.
    NoCode,
}
