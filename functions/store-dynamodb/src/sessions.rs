//! Learners' sessions and password-recovery codes: one item each,
//! forgotten by the table's TTL when it ends (TTL deletes late, so a read
//! checks the end itself).

use aws_sdk_dynamodb::types::AttributeValue;
use jiff::Timestamp;
use ticedu_store::ids::{LearnerId, SessionId};
use ticedu_store::records::{Recovery, RecoveryCode, Session};
use ticedu_store::*;

use crate::DynamoStore;
use crate::keys;
use crate::request::{Expr, n, s, sdk_failure, to_item};
use crate::retry::single_write;
use crate::table::TTL_ATTRIBUTE;

impl DynamoStore {
    /// Writes `item` as it is, for the table's TTL to forget after `ends_at`.
    async fn put_until(
        &self,
        mut item: std::collections::HashMap<String, AttributeValue>,
        ends_at: Timestamp,
    ) -> Result<(), Failure> {
        item.insert(TTL_ATTRIBUTE.to_owned(), n(ends_at.as_second()));
        let request = self
            .client
            .put_item()
            .table_name(&*self.table)
            .set_item(Some(item));
        single_write(|| request.clone().send())
            .await
            .map_err(sdk_failure)?;
        Ok(())
    }
}

impl SessionStore for DynamoStore {
    async fn start_session(&self, session: &Session) -> StoreResult<()> {
        during("start_session", async {
            // Unconditional: the id is fresh and random, and a retry writes the same item.
            let item = to_item(session, &keys::session(&session.id))?;
            self.put_until(item, session.ends_at).await
        })
        .await
    }

    async fn session(&self, id: &SessionId, now: Timestamp) -> StoreResult<Option<Session>> {
        during("session", async {
            let session: Option<Session> = self.get_record(&keys::session(id)).await?;
            Ok(session.filter(|session| session.is_open_at(now)))
        })
        .await
    }

    async fn end_session(&self, id: &SessionId) -> StoreResult<()> {
        during("end_session", async {
            // Unconditional: deleting what is gone already is the same end.
            let request = self
                .client
                .delete_item()
                .table_name(&*self.table)
                .set_key(Some(keys::session(id).item()));
            single_write(|| request.clone().send())
                .await
                .map_err(sdk_failure)?;
            Ok(())
        })
        .await
    }
}

/// The parts of a recovery's transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Recovering {
    Code,
    Profile,
}

impl RecoveryStore for DynamoStore {
    async fn save_recovery_code(&self, code: &RecoveryCode) -> StoreResult<()> {
        during("save_recovery_code", async {
            // Unconditional: a new code replaces the last, and a retry writes the same.
            let item = to_item(code, &keys::recovery_code(&code.learner))?;
            self.put_until(item, code.ends_at).await
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
        during("recover_password", async {
            let key = keys::recovery_code(learner);
            let Some(code) = self.get_record::<RecoveryCode>(&key).await? else {
                return Ok(Recovery::NoCode);
            };
            if !code.is_open_at(now) {
                return Ok(Recovery::NoCode);
            }
            // Conditions on the code as read: a code replaced, used or
            // guessed at meanwhile is not the one judged here.
            let as_read = Expr::default()
                .name("#digest", "digest")
                .name("#used", "used")
                .name("#wrong", "wrong_guesses")
                .value(":stored", s(code.digest.as_str()))
                .value(":unused", AttributeValue::Bool(false))
                .value(":read", n(code.wrong_guesses));
            let same = "#digest = :stored AND #used = :unused AND #wrong = :read";
            if code.digest != digest {
                let expr = as_read.value(":one", n(1));
                let request = self
                    .client
                    .update_item()
                    .table_name(&*self.table)
                    .set_key(Some(key.item()))
                    .update_expression("ADD #wrong :one")
                    .condition_expression(same)
                    .set_expression_attribute_names(expr.names())
                    .set_expression_attribute_values(expr.values());
                match single_write(|| request.clone().send()).await {
                    Ok(_) => {}
                    // Changed meanwhile (another guess, a new code): this guess was wrong all the same.
                    Err(error)
                        if error
                            .as_service_error()
                            .is_some_and(|e| e.is_conditional_check_failed_exception()) => {}
                    Err(error) => return Err(sdk_failure(error)),
                }
                return Ok(Recovery::WrongCode);
            }
            let mut transaction = self.transaction();
            transaction.update(
                Recovering::Code,
                &key,
                "SET #used = :true",
                same,
                as_read.value(":true", AttributeValue::Bool(true)),
            )?;
            transaction.update(
                Recovering::Profile,
                &keys::profile(learner),
                "SET #hash = :hash",
                "attribute_exists(pk)",
                Expr::default()
                    .name("#hash", "password_hash")
                    .value(":hash", s(new_password_hash)),
            )?;
            match self.transact(transaction).await {
                Ok(()) => Ok(Recovery::Recovered),
                Err(error) => {
                    let cancellation = error.cancellation()?;
                    if cancellation.failed(Recovering::Profile) {
                        Err(Failure::Refused(Refusal::UnknownLearner))
                    } else if cancellation.failed(Recovering::Code) {
                        // Used or guessed at by a concurrent try: it is not open to this one.
                        Ok(Recovery::NoCode)
                    } else {
                        Err(cancellation.explain(|_| None))
                    }
                }
            }
        })
        .await
    }
}
