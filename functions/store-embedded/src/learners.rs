//! Accounts (R1–R3): a learner row, and one row per ID number and per
//! username that makes each unique.

use redb::{Table, WriteTransaction};
use ticedu_domain::identity::UsernameKey;
use ticedu_domain::wechat_pay::OpenId;
use ticedu_store::ids::LearnerId;
use ticedu_store::records::{AuditEntry, Learner, NewLearner};
use ticedu_store::*;

use crate::EmbeddedStore;
use crate::audit::record;
use crate::rows::{exists, get_json, open, open_read, put_json};
use crate::tables::{
    ACCOUNTS, Json, LEARNERS, LOOKUPS, PENDING_TITLE_CHECKS, PRIOR_RECORDS, USERNAMES,
};

/// The learner, or [`Refusal::UnknownLearner`].
pub(crate) fn existing_learner(
    learners: &Table<'_, &'static str, Json>,
    id: &LearnerId,
) -> Attempt<Learner> {
    get_json(learners, id.as_str())?.ok_or(Failure::Refused(Refusal::UnknownLearner))
}

/// Refused with [`Refusal::UnknownLearner`] unless the learner exists.
pub(crate) fn check_learner_exists(txn: &WriteTransaction, id: &LearnerId) -> Attempt<()> {
    if exists(&open(txn, LEARNERS)?, id.as_str())? {
        Ok(())
    } else {
        Err(Refusal::UnknownLearner.into())
    }
}

/// Changes an existing learner's row.
pub(crate) fn update_learner(
    txn: &WriteTransaction,
    id: &LearnerId,
    change: impl FnOnce(&mut Learner),
) -> Attempt<()> {
    let mut learners = open(txn, LEARNERS)?;
    let mut learner = existing_learner(&learners, id)?;
    change(&mut learner);
    put_json(&mut learners, id.as_str(), &learner)
}

impl LearnerStore for EmbeddedStore {
    async fn create_learner(&self, learner: &NewLearner) -> StoreResult<()> {
        let stored = Learner::registered(learner.clone());
        self.write("create_learner", move |txn| {
            let registration = &stored.registration;
            let mut accounts = open(txn, ACCOUNTS)?;
            if exists(&accounts, registration.account_key.as_str())? {
                return Err(Refusal::AccountExists.into());
            }
            let mut usernames = open(txn, USERNAMES)?;
            if exists(&usernames, registration.username_key.as_str())? {
                return Err(Refusal::UsernameTaken.into());
            }
            let prior = exists(
                &open(txn, PRIOR_RECORDS)?,
                registration.account_key.as_str(),
            )?;
            registration.check_prior_record(prior)?;
            let id = registration.id.as_str();
            accounts
                .insert(registration.account_key.as_str(), id)
                .or_backend()?;
            usernames
                .insert(registration.username_key.as_str(), id)
                .or_backend()?;
            if stored.title_check.is_some() {
                open(txn, PENDING_TITLE_CHECKS)?
                    .insert(id, ())
                    .or_backend()?;
            }
            crate::lookups::index(txn, &registration.id, &registration.lookups)?;
            put_json(&mut open(txn, LEARNERS)?, id, &stored)
        })
        .await
    }

    async fn learner(&self, id: &LearnerId) -> StoreResult<Option<Learner>> {
        let id = id.clone();
        self.read("learner", move |txn| {
            get_json(&open_read(txn, LEARNERS)?, id.as_str())
        })
        .await
    }

    async fn learner_by_username(&self, key: &UsernameKey) -> StoreResult<Option<Learner>> {
        let key = key.clone();
        self.read("learner_by_username", move |txn| {
            let usernames = open_read(txn, USERNAMES)?;
            let Some(id) = usernames.get(key.as_str()).or_backend()? else {
                return Ok(None);
            };
            get_json(&open_read(txn, LEARNERS)?, id.value())
        })
        .await
    }

    async fn set_password_hash(&self, id: &LearnerId, hash: &str) -> StoreResult<()> {
        let (id, hash) = (id.clone(), hash.to_owned());
        self.write("set_password_hash", move |txn| {
            update_learner(txn, &id, |learner| {
                learner.registration.password_hash = hash.clone();
            })
        })
        .await
    }

    async fn correct_learner(
        &self,
        corrected: &NewLearner,
        read_username_key: &UsernameKey,
        audit: Option<&AuditEntry>,
    ) -> StoreResult<()> {
        let (corrected, read, audit) =
            (corrected.clone(), read_username_key.clone(), audit.cloned());
        self.write("correct_learner", move |txn| {
            let mut learners = open(txn, LEARNERS)?;
            let mut stored = existing_learner(&learners, &corrected.id)?;
            if stored.registration.username_key != read {
                return Err(Refusal::LearnerChanged.into());
            }
            let id = corrected.id.as_str();
            if corrected.username_key != read {
                let mut usernames = open(txn, USERNAMES)?;
                if exists(&usernames, corrected.username_key.as_str())? {
                    return Err(Refusal::UsernameTaken.into());
                }
                usernames.remove(read.as_str()).or_backend()?;
                usernames
                    .insert(corrected.username_key.as_str(), id)
                    .or_backend()?;
            }
            {
                let mut lookups = open(txn, LOOKUPS)?;
                for old in &stored.registration.lookups {
                    lookups.remove((old.as_str(), id)).or_backend()?;
                }
            }
            crate::lookups::index(txn, &corrected.id, &corrected.lookups)?;
            stored.registration = stored.registration.with_correction(&corrected);
            put_json(&mut learners, id, &stored)?;
            match &audit {
                Some(audit) => record(txn, audit),
                None => Ok(()),
            }
        })
        .await
    }

    async fn set_returning(
        &self,
        id: &LearnerId,
        returning: bool,
        audit: &AuditEntry,
    ) -> StoreResult<()> {
        let (id, audit) = (id.clone(), audit.clone());
        self.write("set_returning", move |txn| {
            update_learner(txn, &id, |learner| learner.returning = returning)?;
            record(txn, &audit)
        })
        .await
    }

    async fn bind_wechat_openid(&self, id: &LearnerId, openid: &OpenId) -> StoreResult<()> {
        let (id, openid) = (id.clone(), openid.clone());
        self.write("bind_wechat_openid", move |txn| {
            update_learner(txn, &id, |learner| {
                learner.wechat_openid = Some(openid.clone())
            })
        })
        .await
    }
}
