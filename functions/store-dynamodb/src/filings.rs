//! Renewal registrations (R16, R20), certificate applications (R19) and
//! title checks (R18), with staff's queues of them on gsi1.

use serde::Serialize;
use ticedu_domain::cycle::CycleNumber;
use ticedu_domain::learner::TitleCheck;
use ticedu_store::ids::LearnerId;
use ticedu_store::preconditions::Filing;
use ticedu_store::records::*;
use ticedu_store::*;

use crate::DynamoStore;
use crate::keys::{self, Key};
use crate::request::{
    EXISTING_ITEM, Expr, Keys, Sorted, from_item, s, to_item, to_value, with_gsi1,
};
use crate::table::PARTITION_KEY;

/// Any filing's status, all a decision needs to read of it.
#[derive(serde::Deserialize)]
struct FiledStatus {
    status: FilingStatus,
}

impl Filing for FiledStatus {
    fn status(&self) -> FilingStatus {
        self.status
    }
}

/// The items of staff's decision on a filing.
#[derive(Clone, Copy, PartialEq)]
enum Deciding {
    Filing,
    Learner,
    Audit,
}

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

/// A staff queue's sort key: oldest filing first.
fn queued_at(filed_at: jiff::Timestamp, learner: &LearnerId) -> String {
    format!("{}#{learner}", filed_at.as_millisecond())
}

/// The filing item of `kind` in a learner's cycle.
pub(crate) fn filing_key(learner: &LearnerId, kind: FilingKind, cycle: CycleNumber) -> Key {
    match kind {
        FilingKind::Renewal => keys::renewal(learner, cycle),
        FilingKind::Application => keys::application(learner, cycle),
        FilingKind::ReturningClaim => keys::returning_claim(learner),
    }
}

impl FilingStore for DynamoStore {
    async fn file_renewal(
        &self,
        learner: &LearnerId,
        registration: &RenewalRegistration,
    ) -> StoreResult<()> {
        let queue = registration.overdue.then(|| {
            (
                keys::OVERDUE_RENEWALS,
                queued_at(registration.filed_at, learner),
            )
        });
        let key = keys::renewal(learner, registration.cycle);
        during("file_renewal", self.file(learner, key, registration, queue)).await
    }

    async fn renewal(
        &self,
        learner: &LearnerId,
        cycle: CycleNumber,
    ) -> StoreResult<Option<RenewalRegistration>> {
        during("renewal", self.get_record(&keys::renewal(learner, cycle))).await
    }

    async fn file_application(
        &self,
        learner: &LearnerId,
        application: &CertificateApplication,
    ) -> StoreResult<()> {
        let key = keys::application(learner, application.cycle);
        let queue = Some((
            keys::PENDING_APPLICATIONS,
            queued_at(application.filed_at, learner),
        ));
        during(
            "file_application",
            self.file(learner, key, application, queue),
        )
        .await
    }

    async fn application(
        &self,
        learner: &LearnerId,
        cycle: CycleNumber,
    ) -> StoreResult<Option<CertificateApplication>> {
        during(
            "application",
            self.get_record(&keys::application(learner, cycle)),
        )
        .await
    }

    async fn decide_filing(
        &self,
        learner: &LearnerId,
        filing: FilingKind,
        cycle: CycleNumber,
        approve: bool,
        decision: &StaffDecision,
        audit: &AuditEntry,
    ) -> StoreResult<Outcome> {
        during("decide_filing", async {
            let status = if approve {
                FilingStatus::Accepted
            } else {
                FilingStatus::Rejected
            };
            let expr = Expr::default()
                .name("#status", "status")
                .name("#decision", "decision")
                .value(":status", to_value(&status)?)
                .value(":decision", to_value(decision)?)
                .value(":filed", to_value(&FilingStatus::Filed)?);
            let mut transaction = self.transaction();
            transaction.update(
                Deciding::Filing,
                &filing_key(learner, filing, cycle),
                "SET #status = :status, #decision = :decision REMOVE gsi1pk, gsi1sk",
                "attribute_exists(pk) AND #status = :filed",
                expr,
            )?;
            // An approved claim grants the discount in the same write.
            if approve && filing == FilingKind::ReturningClaim {
                transaction.update(
                    Deciding::Learner,
                    &keys::profile(learner),
                    "SET #returning = :yes",
                    EXISTING_ITEM,
                    Expr::default()
                        .name("#returning", "returning")
                        .value(":yes", aws_sdk_dynamodb::types::AttributeValue::Bool(true)),
                )?;
            }
            // Written only with a decision applied: a repeat fails the filing's condition.
            transaction.put_audit(Deciding::Audit, audit)?;
            let cancellation = match self.transact(transaction).await {
                Ok(()) => return Ok(Outcome::Applied),
                Err(error) => error.cancellation()?,
            };
            if cancellation.failed(Deciding::Filing) {
                let key = filing_key(learner, filing, cycle);
                let found: Option<FiledStatus> = self
                    .found_record(&cancellation, Deciding::Filing, &key)
                    .await?;
                let found = found.ok_or(Failure::Refused(Refusal::FilingDecided))?;
                return Ok(found.check_decision(status)?);
            }
            Err(cancellation.explain(|part| match part {
                Deciding::Filing => Some(Refusal::FilingDecided),
                Deciding::Learner => Some(Refusal::UnknownLearner),
                Deciding::Audit => None,
            }))
        })
        .await
    }

    async fn file_returning_claim(
        &self,
        learner: &LearnerId,
        claim: &ReturningClaim,
    ) -> StoreResult<()> {
        let queue = Some((
            keys::PENDING_RETURNING_CLAIMS,
            queued_at(claim.filed_at, learner),
        ));
        let key = keys::returning_claim(learner);
        during(
            "file_returning_claim",
            self.file(learner, key, claim, queue),
        )
        .await
    }

    async fn returning_claim(&self, learner: &LearnerId) -> StoreResult<Option<ReturningClaim>> {
        during(
            "returning_claim",
            self.get_record(&keys::returning_claim(learner)),
        )
        .await
    }

    async fn pending_returning_claims(&self) -> StoreResult<Vec<(LearnerId, ReturningClaim)>> {
        during(
            "pending_returning_claims",
            self.waiting(keys::PENDING_RETURNING_CLAIMS),
        )
        .await
    }

    async fn set_title_check(
        &self,
        learner: &LearnerId,
        check: TitleCheck,
        audit: &AuditEntry,
    ) -> StoreResult<()> {
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
                .update_audited(&keys::profile(learner), update, EXISTING_ITEM, expr, audit)
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
        during("overdue_renewals", self.waiting(keys::OVERDUE_RENEWALS)).await
    }

    async fn pending_applications(&self) -> StoreResult<Vec<(LearnerId, CertificateApplication)>> {
        during(
            "pending_applications",
            self.waiting(keys::PENDING_APPLICATIONS),
        )
        .await
    }
}

impl DynamoStore {
    /// The filings on a staff queue of gsi1, oldest first, with their learners.
    async fn waiting<T: serde::de::DeserializeOwned>(
        &self,
        queue: &str,
    ) -> Attempt<Vec<(LearnerId, T)>> {
        self.query(queue, None, Keys::Gsi1, Sorted::Ascending)
            .await?
            .into_iter()
            .map(|item| {
                let learner = item
                    .get(PARTITION_KEY)
                    .and_then(|pk| pk.as_s().ok())
                    .and_then(|pk| pk.strip_prefix("LEARNER#"))
                    .and_then(|id| LearnerId::parse(id).ok())
                    .ok_or_else(|| Failure::backend("a queued filing without a learner key"))?;
                Ok((learner, from_item(item)?))
            })
            .collect()
    }
}
