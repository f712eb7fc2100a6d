//! Renewal registrations (R16, R20), certificate applications (R19) and
//! title checks (R18), with staff's queues of them.

use redb::{TableDefinition, WriteTransaction};
use serde::Serialize;
use serde::de::DeserializeOwned;
use ticedu_domain::learner::TitleCheck;
use ticedu_store::ids::LearnerId;
use ticedu_store::preconditions::Filing;
use ticedu_store::records::*;
use ticedu_store::*;

use crate::EmbeddedStore;
use crate::learners::{check_learner_exists, existing_learner};
use crate::rows::{get_json, open, open_read, put_json, queued};
use crate::tables::{
    APPLICATIONS, Json, LEARNERS, OVERDUE_RENEWALS, PENDING_TITLE_CHECKS, RENEWALS,
};

/// Writes a filing unless staff already accepted the one on record.
fn file<T: Filing + Serialize + DeserializeOwned>(
    txn: &WriteTransaction,
    definition: TableDefinition<&'static str, Json>,
    learner: &LearnerId,
    filing: &T,
) -> Attempt<()> {
    check_learner_exists(txn, learner)?;
    let mut table = open(txn, definition)?;
    let existing: Option<T> = get_json(&table, learner.as_str())?;
    if let Some(existing) = existing {
        existing.check_correctable()?;
    }
    put_json(&mut table, learner.as_str(), filing)
}

/// Puts `learner` on a staff queue, or takes them off it.
fn enqueue(
    txn: &WriteTransaction,
    queue: TableDefinition<&'static str, ()>,
    learner: &LearnerId,
    waiting: bool,
) -> Attempt<()> {
    let mut queue = open(txn, queue)?;
    if waiting {
        queue.insert(learner.as_str(), ()).or_backend()?;
    } else {
        queue.remove(learner.as_str()).or_backend()?;
    }
    Ok(())
}

impl FilingStore for EmbeddedStore {
    async fn file_renewal(
        &self,
        learner: &LearnerId,
        registration: &RenewalRegistration,
    ) -> StoreResult<()> {
        let (learner, registration) = (learner.clone(), registration.clone());
        self.write("file_renewal", move |txn| {
            file(txn, RENEWALS, &learner, &registration)?;
            enqueue(txn, OVERDUE_RENEWALS, &learner, registration.overdue)
        })
        .await
    }

    async fn renewal(&self, learner: &LearnerId) -> StoreResult<Option<RenewalRegistration>> {
        let learner = learner.clone();
        self.read("renewal", move |txn| {
            get_json(&open_read(txn, RENEWALS)?, learner.as_str())
        })
        .await
    }

    async fn file_application(
        &self,
        learner: &LearnerId,
        application: &CertificateApplication,
    ) -> StoreResult<()> {
        let (learner, application) = (learner.clone(), application.clone());
        self.write("file_application", move |txn| {
            file(txn, APPLICATIONS, &learner, &application)
        })
        .await
    }

    async fn application(
        &self,
        learner: &LearnerId,
    ) -> StoreResult<Option<CertificateApplication>> {
        let learner = learner.clone();
        self.read("application", move |txn| {
            get_json(&open_read(txn, APPLICATIONS)?, learner.as_str())
        })
        .await
    }

    async fn set_title_check(&self, learner: &LearnerId, check: TitleCheck) -> StoreResult<()> {
        let learner_id = learner.clone();
        self.write("set_title_check", move |txn| {
            let mut learners = open(txn, LEARNERS)?;
            let mut learner = existing_learner(&learners, &learner_id)?;
            learner.title_check = Some(check);
            put_json(&mut learners, learner_id.as_str(), &learner)?;
            enqueue(
                txn,
                PENDING_TITLE_CHECKS,
                &learner_id,
                check == TitleCheck::Pending,
            )
        })
        .await
    }

    async fn pending_title_checks(&self) -> StoreResult<Vec<LearnerId>> {
        self.read("pending_title_checks", move |txn| {
            queued(&open_read(txn, PENDING_TITLE_CHECKS)?)
        })
        .await
    }

    async fn overdue_renewals(&self) -> StoreResult<Vec<(LearnerId, RenewalRegistration)>> {
        self.read("overdue_renewals", move |txn| {
            let renewals = open_read(txn, RENEWALS)?;
            let mut filings = Vec::new();
            for learner in queued(&open_read(txn, OVERDUE_RENEWALS)?)? {
                if let Some(renewal) = get_json(&renewals, learner.as_str())? {
                    filings.push((learner, renewal));
                }
            }
            filings.sort_by_key(|(_, renewal): &(LearnerId, RenewalRegistration)| renewal.filed_at);
            Ok(filings)
        })
        .await
    }
}
