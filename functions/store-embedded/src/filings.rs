//! Renewal registrations (R16, R20), certificate applications (R19) and
//! title checks (R18), with staff's queues of them.

use redb::{ReadTransaction, ReadableTable, TableDefinition, WriteTransaction};
use serde::Serialize;
use serde::de::DeserializeOwned;
use ticedu_domain::cycle::CycleNumber;
use ticedu_domain::learner::TitleCheck;
use ticedu_store::ids::{LearnerId, in_cycle, split_cycle};
use ticedu_store::preconditions::Filing;
use ticedu_store::records::*;
use ticedu_store::*;

use crate::EmbeddedStore;
use crate::audit::record;
use crate::learners::{check_learner_exists, existing_learner};
use crate::rows::{get_json, open, open_read, put_json, queued};
use crate::tables::{
    APPLICATIONS, Json, LEARNERS, OVERDUE_RENEWALS, PENDING_APPLICATIONS, PENDING_RETURNING_CLAIMS,
    PENDING_TITLE_CHECKS, RENEWALS, RETURNING_CLAIMS,
};

/// Writes a filing unless staff already accepted the one on record for its cycle.
fn file<T: Filing + Serialize + DeserializeOwned>(
    txn: &WriteTransaction,
    definition: TableDefinition<&'static str, Json>,
    learner: &LearnerId,
    row: &str,
    filing: &T,
) -> Attempt<()> {
    check_learner_exists(txn, learner)?;
    let mut table = open(txn, definition)?;
    let existing: Option<T> = get_json(&table, row)?;
    if let Some(existing) = existing {
        existing.check_correctable()?;
    }
    put_json(&mut table, row, filing)
}

/// Puts a filing's row on a staff queue, or takes it off.
fn enqueue(
    txn: &WriteTransaction,
    queue: TableDefinition<&'static str, ()>,
    row: &str,
    waiting: bool,
) -> Attempt<()> {
    let mut queue = open(txn, queue)?;
    if waiting {
        queue.insert(row, ()).or_backend()?;
    } else {
        queue.remove(row).or_backend()?;
    }
    Ok(())
}

/// The filings a staff queue lists, oldest first.
fn waiting<T: DeserializeOwned>(
    txn: &ReadTransaction,
    queue: TableDefinition<&'static str, ()>,
    definition: TableDefinition<&'static str, Json>,
    filed_at: impl Fn(&T) -> jiff::Timestamp,
) -> Attempt<Vec<(LearnerId, T)>> {
    let filings = open_read(txn, definition)?;
    let mut found = Vec::new();
    for entry in open_read(txn, queue)?.iter().or_backend()? {
        let (row, _) = entry.or_backend()?;
        let row = row.value();
        let learner = LearnerId::parse(split_cycle(row).0).or_backend()?;
        if let Some(filing) = get_json(&filings, row)? {
            found.push((learner, filing));
        }
    }
    found.sort_by_key(|(_, filing)| filed_at(filing));
    Ok(found)
}

/// Records staff's decision on a waiting filing and takes it off the queue.
fn decide<T: Filing + Serialize + DeserializeOwned>(
    txn: &WriteTransaction,
    (definition, queue): (
        TableDefinition<&'static str, Json>,
        TableDefinition<&'static str, ()>,
    ),
    row: &str,
    to: FilingStatus,
    decided: impl FnOnce(&mut T),
) -> Attempt<Outcome> {
    let mut table = open(txn, definition)?;
    let mut filing: T = get_json(&table, row)?.ok_or(Failure::Refused(Refusal::FilingDecided))?;
    if filing.check_decision(to)? == Outcome::AlreadyApplied {
        return Ok(Outcome::AlreadyApplied);
    }
    decided(&mut filing);
    put_json(&mut table, row, &filing)?;
    enqueue(txn, queue, row, false)?;
    Ok(Outcome::Applied)
}

/// The table and the staff queue of a kind of filing.
fn tables_of(
    filing: FilingKind,
) -> (
    TableDefinition<'static, &'static str, Json>,
    TableDefinition<'static, &'static str, ()>,
) {
    match filing {
        FilingKind::Renewal => (RENEWALS, OVERDUE_RENEWALS),
        FilingKind::Application => (APPLICATIONS, PENDING_APPLICATIONS),
        FilingKind::ReturningClaim => (RETURNING_CLAIMS, PENDING_RETURNING_CLAIMS),
    }
}

impl FilingStore for EmbeddedStore {
    async fn file_renewal(
        &self,
        learner: &LearnerId,
        registration: &RenewalRegistration,
    ) -> StoreResult<()> {
        let (learner, registration) = (learner.clone(), registration.clone());
        self.write("file_renewal", move |txn| {
            let row = in_cycle(learner.as_str(), registration.cycle);
            file(txn, RENEWALS, &learner, &row, &registration)?;
            enqueue(txn, OVERDUE_RENEWALS, &row, registration.overdue)
        })
        .await
    }

    async fn renewal(
        &self,
        learner: &LearnerId,
        cycle: CycleNumber,
    ) -> StoreResult<Option<RenewalRegistration>> {
        let row = in_cycle(learner.as_str(), cycle);
        self.read("renewal", move |txn| {
            get_json(&open_read(txn, RENEWALS)?, row.as_str())
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
            let row = in_cycle(learner.as_str(), application.cycle);
            file(txn, APPLICATIONS, &learner, &row, &application)?;
            enqueue(txn, PENDING_APPLICATIONS, &row, true)
        })
        .await
    }

    async fn application(
        &self,
        learner: &LearnerId,
        cycle: CycleNumber,
    ) -> StoreResult<Option<CertificateApplication>> {
        let row = in_cycle(learner.as_str(), cycle);
        self.read("application", move |txn| {
            get_json(&open_read(txn, APPLICATIONS)?, row.as_str())
        })
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
        let audit = audit.clone();
        let row = in_cycle(learner.as_str(), cycle);
        let learner_id = learner.clone();
        let decision = decision.clone();
        let status = if approve {
            FilingStatus::Accepted
        } else {
            FilingStatus::Rejected
        };
        self.write("decide_filing", move |txn| {
            let outcome = match filing {
                FilingKind::Renewal => decide(
                    txn,
                    tables_of(filing),
                    &row,
                    status,
                    |renewal: &mut RenewalRegistration| {
                        renewal.status = status;
                        renewal.decision = Some(decision.clone());
                    },
                ),
                FilingKind::Application => decide(
                    txn,
                    tables_of(filing),
                    &row,
                    status,
                    |application: &mut CertificateApplication| {
                        application.status = status;
                        application.decision = Some(decision.clone());
                    },
                ),
                // An approved claim grants the discount in the same write.
                FilingKind::ReturningClaim => {
                    let outcome = decide(
                        txn,
                        tables_of(filing),
                        learner_id.as_str(),
                        status,
                        |claim: &mut ReturningClaim| {
                            claim.status = status;
                            claim.decision = Some(decision.clone());
                        },
                    )?;
                    if approve && outcome == Outcome::Applied {
                        let mut learners = open(txn, LEARNERS)?;
                        let mut learner = existing_learner(&learners, &learner_id)?;
                        learner.returning = true;
                        put_json(&mut learners, learner_id.as_str(), &learner)?;
                    }
                    Ok(outcome)
                }
            }?;
            // The same verdict again changes nothing, and is not audited again.
            if outcome == Outcome::Applied {
                record(txn, &audit)?;
            }
            Ok(outcome)
        })
        .await
    }

    async fn set_title_check(
        &self,
        learner: &LearnerId,
        check: TitleCheck,
        audit: &AuditEntry,
    ) -> StoreResult<()> {
        let (learner_id, audit) = (learner.clone(), audit.clone());
        self.write("set_title_check", move |txn| {
            let mut learners = open(txn, LEARNERS)?;
            let mut learner = existing_learner(&learners, &learner_id)?;
            learner.title_check = Some(check);
            put_json(&mut learners, learner_id.as_str(), &learner)?;
            enqueue(
                txn,
                PENDING_TITLE_CHECKS,
                learner_id.as_str(),
                check == TitleCheck::Pending,
            )?;
            record(txn, &audit)
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
            waiting(
                txn,
                OVERDUE_RENEWALS,
                RENEWALS,
                |renewal: &RenewalRegistration| renewal.filed_at,
            )
        })
        .await
    }

    async fn pending_applications(&self) -> StoreResult<Vec<(LearnerId, CertificateApplication)>> {
        self.read("pending_applications", move |txn| {
            waiting(
                txn,
                PENDING_APPLICATIONS,
                APPLICATIONS,
                |application: &CertificateApplication| application.filed_at,
            )
        })
        .await
    }

    async fn file_returning_claim(
        &self,
        learner: &LearnerId,
        claim: &ReturningClaim,
    ) -> StoreResult<()> {
        let (learner, claim) = (learner.clone(), claim.clone());
        self.write("file_returning_claim", move |txn| {
            file(txn, RETURNING_CLAIMS, &learner, learner.as_str(), &claim)?;
            enqueue(txn, PENDING_RETURNING_CLAIMS, learner.as_str(), true)
        })
        .await
    }

    async fn returning_claim(&self, learner: &LearnerId) -> StoreResult<Option<ReturningClaim>> {
        let learner = learner.clone();
        self.read("returning_claim", move |txn| {
            get_json(&open_read(txn, RETURNING_CLAIMS)?, learner.as_str())
        })
        .await
    }

    async fn pending_returning_claims(&self) -> StoreResult<Vec<(LearnerId, ReturningClaim)>> {
        self.read("pending_returning_claims", move |txn| {
            waiting(
                txn,
                PENDING_RETURNING_CLAIMS,
                RETURNING_CLAIMS,
                |claim: &ReturningClaim| claim.filed_at,
            )
        })
        .await
    }
}
