//! The `state` of WeChat's web authorisation: which learner set out, until
//! when, signed so that only the payments function could have written it.
//!
//! The callback arrives as a top-level navigation from WeChat, without the
//! learner's token: the state is the only thing that says whose openid the
//! code will reveal. WeChat carries it back unchanged but takes only
//! `[a-zA-Z0-9]`, at most 128 characters, so it is fixed-width fields with
//! no separators: the learner id (32 lower-hex), the expiry (10 decimal
//! digits, Unix seconds) and the HMAC-SHA-256 of both (64 lower-hex): 106.

use hmac::{Hmac, Mac};
use jiff::{SignedDuration, Timestamp};
use sha2::Sha256;
use ticedu_store::ids::LearnerId;

/// How long a learner has to come back from WeChat's authorisation page.
/// It is silent for `snsapi_base`, so seconds are usual; minutes allow for
/// a slow network.
pub(crate) const STATE_LIFETIME: SignedDuration = SignedDuration::from_mins(10);

const ID_LEN: usize = 32;
const EXPIRY_LEN: usize = 10;
const MAC_LEN: usize = 64;

/// The key states are signed with. Derived from the official account's app
/// secret, which only the payments function holds: nothing else (no other
/// function, no client) can make a state the callback accepts.
#[derive(Clone)]
pub(crate) struct StateKey([u8; 32]);

impl std::fmt::Debug for StateKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("StateKey(<redacted>)")
    }
}

/// Why a state was not accepted. Each sends the learner back to the pay
/// page with the same answer; the reason is for the log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub(crate) enum StateRefusal {
    #[error("the state is not one the platform writes")]
    Malformed,
    #[error("the state's signature does not verify")]
    Forged,
    #[error("the state has expired")]
    Expired,
}

fn new_mac(key: &[u8]) -> Hmac<Sha256> {
    <Hmac<Sha256> as Mac>::new_from_slice(key).expect("HMAC takes a key of any length")
}

impl StateKey {
    /// A key of its own for states, so that the app secret itself signs
    /// nothing a browser sees.
    pub fn derive(app_secret: &str) -> Self {
        let mut mac = new_mac(app_secret.as_bytes());
        mac.update(b"ticedu: WeChat web authorisation state, v1");
        Self(mac.finalize().into_bytes().into())
    }

    fn mac(&self, fields: &str) -> Hmac<Sha256> {
        let mut mac = new_mac(&self.0);
        mac.update(fields.as_bytes());
        mac
    }

    /// The state for `learner`, valid until `now` + [`STATE_LIFETIME`].
    pub fn sign(&self, learner: &LearnerId, now: Timestamp) -> String {
        let expires = now.as_second().saturating_add(STATE_LIFETIME.as_secs());
        let fields = format!("{}{expires:0EXPIRY_LEN$}", learner.as_str());
        let mac = hex::encode(self.mac(&fields).finalize().into_bytes());
        format!("{fields}{mac}")
    }

    /// The learner a state names, if this key signed it and it has not expired at `now`.
    pub fn verify(&self, state: &str, now: Timestamp) -> Result<LearnerId, StateRefusal> {
        if state.len() != ID_LEN + EXPIRY_LEN + MAC_LEN || !state.is_ascii() {
            return Err(StateRefusal::Malformed);
        }
        let (fields, mac) = state.split_at(ID_LEN + EXPIRY_LEN);
        let mac = hex::decode(mac).map_err(|_| StateRefusal::Malformed)?;
        // Constant time: a forger learns nothing from how long a refusal takes.
        self.mac(fields)
            .verify_slice(&mac)
            .map_err(|_| StateRefusal::Forged)?;
        let (id, expires) = fields.split_at(ID_LEN);
        let expires: i64 = expires.parse().map_err(|_| StateRefusal::Malformed)?;
        if now.as_second() > expires {
            return Err(StateRefusal::Expired);
        }
        LearnerId::parse(id).map_err(|_| StateRefusal::Malformed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn learner(n: u8) -> LearnerId {
        LearnerId::parse(&format!("{n:02x}").repeat(16)).unwrap()
    }

    fn at(second: i64) -> Timestamp {
        Timestamp::from_second(second).unwrap()
    }

    const NOW: i64 = 1_780_000_000;

    #[test]
    fn a_state_names_its_learner_within_wechats_limits() {
        let key = StateKey::derive("app secret");
        let state = key.sign(&learner(1), at(NOW));
        assert!(state.len() <= 128, "WeChat keeps at most 128 characters");
        assert!(
            state.chars().all(|c| c.is_ascii_alphanumeric()),
            "WeChat takes only letters and digits: {state}"
        );
        assert_eq!(key.verify(&state, at(NOW)), Ok(learner(1)));
        assert_eq!(
            key.verify(&state, at(NOW + STATE_LIFETIME.as_secs())),
            Ok(learner(1)),
            "valid to its last second"
        );
    }

    #[test]
    fn an_expired_state_is_refused() {
        let key = StateKey::derive("app secret");
        let state = key.sign(&learner(1), at(NOW));
        assert_eq!(
            key.verify(&state, at(NOW + STATE_LIFETIME.as_secs() + 1)),
            Err(StateRefusal::Expired)
        );
    }

    #[test]
    fn a_state_signed_with_another_key_is_forged() {
        let ours = StateKey::derive("app secret");
        let theirs = StateKey::derive("another app secret");
        let state = theirs.sign(&learner(1), at(NOW));
        assert_eq!(ours.verify(&state, at(NOW)), Err(StateRefusal::Forged));
    }

    #[test]
    fn another_learner_or_a_later_expiry_in_a_signed_state_is_tampering() {
        let key = StateKey::derive("app secret");
        let state = key.sign(&learner(1), at(NOW));
        let other_learner = format!("{}{}", learner(2).as_str(), &state[ID_LEN..]);
        assert_eq!(
            key.verify(&other_learner, at(NOW)),
            Err(StateRefusal::Forged)
        );
        let (fields, mac) = state.split_at(ID_LEN + EXPIRY_LEN);
        let later = format!("{}{:010}{mac}", &fields[..ID_LEN], NOW + 365 * 24 * 3600);
        assert_eq!(key.verify(&later, at(NOW)), Err(StateRefusal::Forged));
        let mut flipped = state.into_bytes();
        let last = flipped.len() - 1;
        flipped[last] = if flipped[last] == b'0' { b'1' } else { b'0' };
        assert_eq!(
            key.verify(&String::from_utf8(flipped).unwrap(), at(NOW)),
            Err(StateRefusal::Forged)
        );
    }

    #[test]
    fn a_state_of_the_wrong_shape_is_malformed() {
        let key = StateKey::derive("app secret");
        let state = key.sign(&learner(1), at(NOW));
        for bad in [
            "",
            "abc",
            &state[1..],
            &format!("{state}0"),
            &format!("{}zz", &state[..state.len() - 2]),
            &"é".repeat(53),
        ] {
            assert_eq!(
                key.verify(bad, at(NOW)),
                Err(StateRefusal::Malformed),
                "{bad}"
            );
        }
    }

    #[test]
    fn the_key_never_prints() {
        assert!(!format!("{:?}", StateKey::derive("app secret")).contains("app"));
    }
}
