//! Learners' sessions and password-recovery codes. The file has no TTL: a
//! log-in forgets the sessions that ended before it, found through an index
//! by end time; a learner's code is replaced by their next.

use jiff::Timestamp;
use redb::{ReadableTable, TableDefinition, TableError, WriteTransaction};
use ticedu_store::ids::{LearnerId, SessionId};
use ticedu_store::records::{Recovery, RecoveryCode, Session};
use ticedu_store::*;

use crate::EmbeddedStore;
use crate::rows::{get_json, open, open_read, put_json};
use crate::tables::Json;

/// session id → [`Session`].
const SESSIONS: TableDefinition<&str, Json> = TableDefinition::new("sessions");
/// (end in seconds, session id): the sessions in the order they end.
const SESSION_ENDS: TableDefinition<(i64, &str), ()> = TableDefinition::new("session_ends");
/// learner id → [`RecoveryCode`].
const RECOVERY_CODES: TableDefinition<&str, Json> = TableDefinition::new("recovery_codes");

pub(crate) fn create_tables(txn: &WriteTransaction) -> Result<(), TableError> {
    txn.open_table(SESSIONS)?;
    txn.open_table(SESSION_ENDS)?;
    txn.open_table(RECOVERY_CODES)?;
    Ok(())
}

/// Removes every session that ended by `now`.
fn forget_ended(txn: &WriteTransaction, now: Timestamp) -> Attempt<()> {
    let mut ends = open(txn, SESSION_ENDS)?;
    let ended: Vec<(i64, String)> = ends
        .range((i64::MIN, "")..=(now.as_second(), crate::rows::LAST))
        .or_backend()?
        .map(|entry| entry.map(|(key, _)| (key.value().0, key.value().1.to_owned())))
        .collect::<Result<_, _>>()
        .or_backend()?;
    let mut sessions = open(txn, SESSIONS)?;
    for (end, id) in ended {
        ends.remove((end, id.as_str())).or_backend()?;
        sessions.remove(id.as_str()).or_backend()?;
    }
    Ok(())
}

impl SessionStore for EmbeddedStore {
    async fn start_session(&self, session: &Session) -> StoreResult<()> {
        let session = session.clone();
        self.write("start_session", move |txn| {
            forget_ended(txn, session.started_at)?;
            put_json(&mut open(txn, SESSIONS)?, session.id.as_str(), &session)?;
            open(txn, SESSION_ENDS)?
                .insert((session.ends_at.as_second(), session.id.as_str()), ())
                .or_backend()?;
            Ok(())
        })
        .await
    }

    async fn session(&self, id: &SessionId, now: Timestamp) -> StoreResult<Option<Session>> {
        let id = id.clone();
        self.read("session", move |txn| {
            let session: Option<Session> = get_json(&open_read(txn, SESSIONS)?, id.as_str())?;
            Ok(session.filter(|session| session.is_open_at(now)))
        })
        .await
    }

    async fn end_session(&self, id: &SessionId) -> StoreResult<()> {
        let id = id.clone();
        self.write("end_session", move |txn| {
            let mut sessions = open(txn, SESSIONS)?;
            let Some(session) = get_json::<_, Session>(&sessions, id.as_str())? else {
                return Ok(());
            };
            sessions.remove(id.as_str()).or_backend()?;
            open(txn, SESSION_ENDS)?
                .remove((session.ends_at.as_second(), id.as_str()))
                .or_backend()?;
            Ok(())
        })
        .await
    }
}

impl RecoveryStore for EmbeddedStore {
    async fn save_recovery_code(&self, code: &RecoveryCode) -> StoreResult<()> {
        let code = code.clone();
        self.write("save_recovery_code", move |txn| {
            put_json(
                &mut open(txn, RECOVERY_CODES)?,
                code.learner.as_str(),
                &code,
            )
        })
        .await
    }

    async fn recover_password(
        &self,
        learner: &LearnerId,
        digest: &str,
        new_password_hash: &str,
        now: Timestamp,
    ) -> StoreResult<Recovery> {
        let (learner, digest, hash) = (
            learner.clone(),
            digest.to_owned(),
            new_password_hash.to_owned(),
        );
        self.write("recover_password", move |txn| {
            let mut codes = open(txn, RECOVERY_CODES)?;
            let Some(mut code) = get_json::<_, RecoveryCode>(&codes, learner.as_str())? else {
                return Ok(Recovery::NoCode);
            };
            if !code.is_open_at(now) {
                return Ok(Recovery::NoCode);
            }
            if code.digest != digest {
                code.wrong_guesses += 1;
                put_json(&mut codes, learner.as_str(), &code)?;
                return Ok(Recovery::WrongCode);
            }
            code.used = true;
            put_json(&mut codes, learner.as_str(), &code)?;
            drop(codes);
            crate::learners::update_learner(txn, &learner, |stored| {
                stored.registration.password_hash = hash.clone();
            })?;
            Ok(Recovery::Recovered)
        })
        .await
    }
}
