//! Accounts (R1–R3): the profile, and one pointer item per ID number and per
//! username that makes each unique.

use aws_sdk_dynamodb::types::AttributeValue;
use ticedu_domain::identity::UsernameKey;
use ticedu_domain::wechat_pay::OpenId;
use ticedu_store::ids::LearnerId;
use ticedu_store::records::{AuditEntry, Learner, NewLearner};
use ticedu_store::*;

use crate::DynamoStore;
use crate::keys::{self, Item, Key};
use crate::request::{EXISTING_ITEM, Expr, NEW_ITEM, s, to_item, to_value, with_gsi1};

/// The items of a registration.
#[derive(Clone, Copy, PartialEq)]
enum Registration {
    Account,
    Username,
    Profile,
    Lookup,
    PriorRecord,
}

/// The parts of a correction by staff.
#[derive(Clone, Copy, PartialEq)]
enum Correction {
    Profile,
    NewUsername,
    Entry,
}

impl DynamoStore {
    /// The learner a pointer item (account or username) points to.
    pub(crate) async fn pointed_learner(&self, pointer: &Key) -> Attempt<Option<LearnerId>> {
        let Some(item) = self.get(pointer).await? else {
            return Ok(None);
        };
        let Some(AttributeValue::S(id)) = item.get("learner") else {
            return Err(Failure::backend("pointer item without a learner"));
        };
        LearnerId::parse(id).or_backend().map(Some)
    }

    /// Sets attributes of an existing learner's profile.
    async fn update_profile(&self, id: &LearnerId, update: &str, expr: Expr) -> Attempt<()> {
        match self
            .update_item(&keys::profile(id), update, EXISTING_ITEM, expr)
            .await?
        {
            true => Ok(()),
            false => Err(Refusal::UnknownLearner.into()),
        }
    }
}

impl LearnerStore for DynamoStore {
    async fn create_learner(&self, learner: &NewLearner) -> StoreResult<()> {
        during("create_learner", async {
            let pointer = |key: &Key| -> Item {
                let mut item = key.item();
                item.insert("learner".to_owned(), s(learner.id.as_str()));
                item
            };
            let stored = Learner::registered(learner.clone());
            let mut profile = to_item(&stored, &keys::profile(&learner.id))?;
            if stored.title_check.is_some() {
                profile = with_gsi1(
                    profile,
                    keys::PENDING_TITLE_CHECKS,
                    learner.id.as_str().to_owned(),
                );
            }
            let mut transaction = self.transaction();
            transaction.put_new(
                Registration::Account,
                pointer(&keys::account(&learner.account_key)),
            )?;
            transaction.put_new(
                Registration::Username,
                pointer(&keys::username(&learner.username_key)),
            )?;
            transaction.put_new(Registration::Profile, profile)?;
            crate::lookups::index(
                &mut transaction,
                Registration::Lookup,
                &learner.id,
                &learner.lookups,
            )?;
            // An import writes the prior record on condition that no account
            // exists; this checks the prior record as it writes the account:
            // whichever of the two commits second fails its condition.
            let prior = if learner.prepared_by_import() {
                EXISTING_ITEM
            } else {
                NEW_ITEM
            };
            transaction.check(
                Registration::PriorRecord,
                &keys::prior_record(&learner.account_key),
                prior,
                Expr::default(),
            )?;
            self.transact(transaction).await.map_err(|error| {
                error.explain(|part| match part {
                    Registration::Account => Some(Refusal::AccountExists),
                    Registration::Username => Some(Refusal::UsernameTaken),
                    Registration::Profile | Registration::Lookup => None,
                    Registration::PriorRecord => Some(Refusal::PriorRecordChanged),
                })
            })
        })
        .await
    }

    async fn learner(&self, id: &LearnerId) -> StoreResult<Option<Learner>> {
        during("learner", self.get_record(&keys::profile(id))).await
    }

    async fn learner_by_username(&self, key: &UsernameKey) -> StoreResult<Option<Learner>> {
        during("learner_by_username", async {
            let Some(id) = self.pointed_learner(&keys::username(key)).await? else {
                return Ok(None);
            };
            self.get_record(&keys::profile(&id)).await
        })
        .await
    }

    async fn set_password_hash(&self, id: &LearnerId, hash: &str) -> StoreResult<()> {
        let expr = Expr::default()
            .name("#hash", "password_hash")
            .value(":hash", s(hash));
        during(
            "set_password_hash",
            self.update_profile(id, "SET #hash = :hash", expr),
        )
        .await
    }

    async fn correct_learner(
        &self,
        corrected: &NewLearner,
        read_username_key: &UsernameKey,
        audit: Option<&AuditEntry>,
    ) -> StoreResult<()> {
        during("correct_learner", async {
            let id = &corrected.id;
            let stored: Learner = self
                .get_record(&keys::profile(id))
                .await?
                .ok_or(Failure::Refused(Refusal::UnknownLearner))?;
            let mut set = vec![
                "#name = :name",
                "#username = :username",
                "#username_key = :username_key",
                "#lookups = :lookups",
            ];
            let mut remove = Vec::new();
            let mut expr = Expr::default()
                .name("#name", "name")
                .name("#username", "username")
                .name("#username_key", "username_key")
                .name("#lookups", "lookups")
                .name("#phone", "phone")
                .name("#email", "email")
                .value(":name", to_value(&corrected.name)?)
                .value(":username", to_value(&corrected.username)?)
                .value(":username_key", s(corrected.username_key.as_str()))
                .value(":read", s(read_username_key.as_str()))
                .value(":lookups", to_value(&corrected.lookups)?);
            match &corrected.phone {
                Some(phone) => {
                    set.push("#phone = :phone");
                    expr = expr.value(":phone", to_value(phone)?);
                }
                None => remove.push("#phone"),
            }
            match &corrected.email {
                Some(email) => {
                    set.push("#email = :email");
                    expr = expr.value(":email", to_value(email)?);
                }
                None => remove.push("#email"),
            }
            let mut update = format!("SET {}", set.join(", "));
            if !remove.is_empty() {
                update.push_str(&format!(" REMOVE {}", remove.join(", ")));
            }
            let mut transaction = self.transaction();
            transaction.update(
                Correction::Profile,
                &keys::profile(id),
                &update,
                "attribute_exists(pk) AND #username_key = :read",
                expr,
            )?;
            if corrected.username_key != *read_username_key {
                transaction.delete(Correction::Entry, &keys::username(read_username_key))?;
                let mut pointer = keys::username(&corrected.username_key).item();
                pointer.insert("learner".to_owned(), s(id.as_str()));
                transaction.put_new(Correction::NewUsername, pointer)?;
            }
            for old in stored
                .registration
                .lookups
                .iter()
                .filter(|old| !corrected.lookups.contains(old))
            {
                transaction.delete(Correction::Entry, &keys::lookup(old, id))?;
            }
            crate::lookups::index(&mut transaction, Correction::Entry, id, &corrected.lookups)?;
            if let Some(audit) = audit {
                transaction.put_audit(Correction::Entry, audit)?;
            }
            self.transact(transaction).await.map_err(|error| {
                error.explain(|part| match part {
                    Correction::Profile => Some(Refusal::LearnerChanged),
                    Correction::NewUsername => Some(Refusal::UsernameTaken),
                    Correction::Entry => None,
                })
            })
        })
        .await
    }

    async fn set_returning(
        &self,
        id: &LearnerId,
        returning: bool,
        audit: &AuditEntry,
    ) -> StoreResult<()> {
        let expr = Expr::default()
            .name("#returning", "returning")
            .value(":returning", AttributeValue::Bool(returning));
        during("set_returning", async {
            let key = keys::profile(id);
            match self
                .update_audited(
                    &key,
                    "SET #returning = :returning",
                    EXISTING_ITEM,
                    expr,
                    audit,
                )
                .await?
            {
                true => Ok(()),
                false => Err(Refusal::UnknownLearner.into()),
            }
        })
        .await
    }

    async fn bind_wechat_openid(&self, id: &LearnerId, openid: &OpenId) -> StoreResult<()> {
        let expr = Expr::default()
            .name("#openid", "wechat_openid")
            .value(":openid", s(openid.as_str()));
        during(
            "bind_wechat_openid",
            self.update_profile(id, "SET #openid = :openid", expr),
        )
        .await
    }
}
