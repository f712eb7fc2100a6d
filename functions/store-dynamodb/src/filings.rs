//! Renewal registrations (R16, R20), certificate applications (R19) and
//! title checks (R18), with staff's queues of them on gsi1.

use serde::Serialize;
use ticedu_domain::learner::TitleCheck;
use ticedu_store::ids::LearnerId;
use ticedu_store::records::*;
use ticedu_store::*;

use crate::DynamoStore;
use crate::keys::{self, Key};
use crate::request::{
    EXISTING_ITEM, Expr, Keys, Sorted, from_item, s, to_item, to_value, with_gsi1,
};
use crate::table::PARTITION_KEY;

/// The items of a filing.
#[derive(Clone, Copy, PartialEq)]
enum FilingItem {
    Learner,
    Filing,
}

impl DynamoStore {
    /// Files (or corrects) a filing unless staff accepted the one on record;
    /// `queue` puts it on a staff queue of gsi1 (sorted by when it was
    /// filed), and a correction without one takes it off.
    async fn file<T: Serialize>(
        &self,
        learner: &LearnerId,
        key: Key,
        filing: &T,
        queue: Option<(&str, String)>,
    ) -> Attempt<()> {
        let mut item = to_item(filing, &key)?;
        if let Some((partition, sort)) = queue {
            item = with_gsi1(item, partition, sort);
        }
        let mut transaction = self.transaction();
        transaction.check_exists(FilingItem::Learner, &keys::profile(learner))?;
        transaction.put(
            FilingItem::Filing,
            item,
            "attribute_not_exists(pk) OR #status <> :accepted",
            Expr::default()
                .name("#status", "status")
                .value(":accepted", to_value(&FilingStatus::Accepted)?),
        )?;
        self.transact(transaction).await.map_err(|error| {
            error.explain(|part| match part {
                FilingItem::Learner => Some(Refusal::UnknownLearner),
                FilingItem::Filing => Some(Refusal::FilingClosed),
            })
        })
    }
}

impl FilingStore for DynamoStore {
    async fn file_renewal(
        &self,
        learner: &LearnerId,
        registration: &RenewalRegistration,
    ) -> StoreResult<()> {
        let queue = registration.overdue.then(|| {
            let filed = registration.filed_at.as_millisecond();
            (keys::OVERDUE_RENEWALS, format!("{filed}#{learner}"))
        });
        let key = keys::renewal(learner);
        during("file_renewal", self.file(learner, key, registration, queue)).await
    }

    async fn renewal(&self, learner: &LearnerId) -> StoreResult<Option<RenewalRegistration>> {
        during("renewal", self.get_record(&keys::renewal(learner))).await
    }

    async fn file_application(
        &self,
        learner: &LearnerId,
        application: &CertificateApplication,
    ) -> StoreResult<()> {
        let key = keys::application(learner);
        during(
            "file_application",
            self.file(learner, key, application, None),
        )
        .await
    }

    async fn application(
        &self,
        learner: &LearnerId,
    ) -> StoreResult<Option<CertificateApplication>> {
        during("application", self.get_record(&keys::application(learner))).await
    }

    async fn set_title_check(&self, learner: &LearnerId, check: TitleCheck) -> StoreResult<()> {
        during("set_title_check", async {
            let mut expr = Expr::default()
                .name("#check", "title_check")
                .value(":check", to_value(&check)?);
            let update = if check == TitleCheck::Pending {
                expr = expr
                    .value(":queue", s(keys::PENDING_TITLE_CHECKS))
                    .value(":id", s(learner.as_str()));
                "SET #check = :check, gsi1pk = :queue, gsi1sk = :id"
            } else {
                "SET #check = :check REMOVE gsi1pk, gsi1sk"
            };
            match self
                .update_item(&keys::profile(learner), update, EXISTING_ITEM, expr)
                .await?
            {
                true => Ok(()),
                false => Err(Refusal::UnknownLearner.into()),
            }
        })
        .await
    }

    async fn pending_title_checks(&self) -> StoreResult<Vec<LearnerId>> {
        let learners: Vec<Learner> = during(
            "pending_title_checks",
            self.query_records(
                keys::PENDING_TITLE_CHECKS,
                None,
                Keys::Gsi1,
                Sorted::Ascending,
            ),
        )
        .await?;
        Ok(learners
            .into_iter()
            .map(|learner| learner.registration.id)
            .collect())
    }

    async fn overdue_renewals(&self) -> StoreResult<Vec<(LearnerId, RenewalRegistration)>> {
        during("overdue_renewals", async {
            self.query(keys::OVERDUE_RENEWALS, None, Keys::Gsi1, Sorted::Ascending)
                .await?
                .into_iter()
                .map(|item| {
                    let learner = item
                        .get(PARTITION_KEY)
                        .and_then(|pk| pk.as_s().ok())
                        .and_then(|pk| pk.strip_prefix("LEARNER#"))
                        .and_then(|id| LearnerId::parse(id).ok())
                        .ok_or_else(|| {
                            Failure::backend("a queued renewal without a learner key")
                        })?;
                    Ok((learner, from_item(item)?))
                })
                .collect()
        })
        .await
    }
}
