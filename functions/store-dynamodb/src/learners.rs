//! Accounts (R1–R3): the profile, and one pointer item per ID number and per
//! username that makes each unique.

use aws_sdk_dynamodb::types::AttributeValue;
use ticedu_domain::identity::UsernameKey;
use ticedu_store::ids::LearnerId;
use ticedu_store::records::{Learner, NewLearner};
use ticedu_store::*;

use crate::DynamoStore;
use crate::keys::{self, Item, Key};
use crate::request::{EXISTING_ITEM, Expr, s, to_item, with_gsi1};

/// The items of a registration.
#[derive(Clone, Copy, PartialEq)]
enum Registration {
    Account,
    Username,
    Profile,
}

impl DynamoStore {
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
            self.transact(transaction).await.map_err(|error| {
                error.explain(|part| match part {
                    Registration::Account => Some(Refusal::AccountExists),
                    Registration::Username => Some(Refusal::UsernameTaken),
                    Registration::Profile => None,
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
            let Some(pointer) = self.get(&keys::username(key)).await? else {
                return Ok(None);
            };
            let Some(AttributeValue::S(id)) = pointer.get("learner") else {
                return Err(Failure::backend("username item without a learner"));
            };
            let id = LearnerId::parse(id).or_backend()?;
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

    async fn set_returning(&self, id: &LearnerId, returning: bool) -> StoreResult<()> {
        let expr = Expr::default()
            .name("#returning", "returning")
            .value(":returning", AttributeValue::Bool(returning));
        during(
            "set_returning",
            self.update_profile(id, "SET #returning = :returning", expr),
        )
        .await
    }
}
