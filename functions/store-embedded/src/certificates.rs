//! Certificates (R18, R21), indexed per learner.

use jiff::Timestamp;
use redb::WriteTransaction;
use ticedu_store::ids::{CertificateNo, LearnerId, in_cycle};
use ticedu_store::records::*;
use ticedu_store::*;

use crate::EmbeddedStore;
use crate::audit::record;
use crate::learners::existing_learner;
use crate::rows::{exists, get_json, indexed, open, open_read, put_json};
use crate::tables::{
    APPLICATIONS, CERTIFICATES, LEARNER_CERTIFICATES, LEARNERS, OVERDUE_RENEWALS, RENEWALS,
};

/// The cycle's renewal registration (or overdue renewal) is accepted with the
/// certificate; one staff rejected cannot be.
fn accept_renewal(
    txn: &WriteTransaction,
    row: &str,
    decision: Option<StaffDecision>,
) -> Attempt<()> {
    let mut renewals = open(txn, RENEWALS)?;
    let mut renewal: RenewalRegistration =
        get_json(&renewals, row)?.ok_or(Failure::Refused(Refusal::FilingDecided))?;
    if renewal.status == FilingStatus::Rejected {
        return Err(Refusal::FilingDecided.into());
    }
    renewal.status = FilingStatus::Accepted;
    if decision.is_some() {
        renewal.decision = decision;
    }
    put_json(&mut renewals, row, &renewal)?;
    open(txn, OVERDUE_RENEWALS)?.remove(row).or_backend()?;
    Ok(())
}

/// A new learner's application was approved by staff before the issue; it
/// must still be on record as approved.
fn accept_application(txn: &WriteTransaction, row: &str) -> Attempt<()> {
    let application: Option<CertificateApplication> = get_json(&open(txn, APPLICATIONS)?, row)?;
    match application {
        Some(application) if application.status == FilingStatus::Accepted => Ok(()),
        _ => Err(Refusal::FilingDecided.into()),
    }
}

impl CertificateStore for EmbeddedStore {
    async fn issue_certificate(
        &self,
        certificate: &Certificate,
        closing: &CycleClosing,
        audit: Option<&AuditEntry>,
    ) -> StoreResult<()> {
        let (certificate, closing) = (certificate.clone(), closing.clone());
        let audit = audit.cloned();
        self.write("issue_certificate", move |txn| {
            let mut certificates = open(txn, CERTIFICATES)?;
            if exists(&certificates, certificate.no.as_str())? {
                return Err(Refusal::CertificateExists.into());
            }
            let mut learners = open(txn, LEARNERS)?;
            let mut learner = existing_learner(&learners, &certificate.learner)?;
            if learner.cycle != closing.closes {
                return Err(Refusal::CycleClosed.into());
            }
            learner.cycle = closing.closes.next();
            learner.registration.kind = closing.next_kind.clone();
            learner.certified_until = closing.certified_until;
            learner.returning = true;
            put_json(&mut learners, certificate.learner.as_str(), &learner)?;
            if let Some((filing, decision)) = closing.accepts.clone() {
                let row = in_cycle(certificate.learner.as_str(), closing.closes);
                match filing {
                    FilingKind::Renewal => accept_renewal(txn, &row, decision)?,
                    FilingKind::Application => accept_application(txn, &row)?,
                    // A claim closes no cycle: nothing to accept with a certificate.
                    FilingKind::ReturningClaim => return Err(Refusal::FilingDecided.into()),
                }
            }
            put_json(&mut certificates, certificate.no.as_str(), &certificate)?;
            open(txn, LEARNER_CERTIFICATES)?
                .insert((certificate.learner.as_str(), certificate.no.as_str()), ())
                .or_backend()?;
            match &audit {
                Some(audit) => record(txn, audit),
                None => Ok(()),
            }
        })
        .await
    }

    async fn certificate(&self, no: &CertificateNo) -> StoreResult<Option<Certificate>> {
        let no = no.clone();
        self.read("certificate", move |txn| {
            get_json(&open_read(txn, CERTIFICATES)?, no.as_str())
        })
        .await
    }

    async fn certificates_of(&self, learner: &LearnerId) -> StoreResult<Vec<Certificate>> {
        let learner = learner.clone();
        self.read("certificates_of", move |txn| {
            indexed(
                &open_read(txn, LEARNER_CERTIFICATES)?,
                &open_read(txn, CERTIFICATES)?,
                learner.as_str(),
            )
        })
        .await
    }

    async fn reissue_certificate(
        &self,
        old: &CertificateNo,
        new: &Certificate,
        reason: &str,
        at: Timestamp,
        audit: &AuditEntry,
    ) -> StoreResult<()> {
        let (old, new, reason, audit) =
            (old.clone(), new.clone(), reason.to_owned(), audit.clone());
        self.write("reissue_certificate", move |txn| {
            let mut certificates = open(txn, CERTIFICATES)?;
            let mut replaced: Certificate = get_json(&certificates, old.as_str())?
                .ok_or(Failure::Refused(Refusal::UnknownCertificate))?;
            replaced.check_revocable()?;
            if exists(&certificates, new.no.as_str())? {
                return Err(Refusal::CertificateExists.into());
            }
            replaced.status = CertificateStatus::Revoked {
                reason: reason.clone(),
                at,
            };
            put_json(&mut certificates, old.as_str(), &replaced)?;
            put_json(&mut certificates, new.no.as_str(), &new)?;
            open(txn, LEARNER_CERTIFICATES)?
                .insert((new.learner.as_str(), new.no.as_str()), ())
                .or_backend()?;
            record(txn, &audit)
        })
        .await
    }

    async fn revoke_certificate(
        &self,
        no: &CertificateNo,
        reason: &str,
        at: Timestamp,
        audit: &AuditEntry,
    ) -> StoreResult<()> {
        let (no, reason, audit) = (no.clone(), reason.to_owned(), audit.clone());
        self.write("revoke_certificate", move |txn| {
            let mut certificates = open(txn, CERTIFICATES)?;
            let mut certificate: Certificate = get_json(&certificates, no.as_str())?
                .ok_or(Failure::Refused(Refusal::UnknownCertificate))?;
            certificate.check_revocable()?;
            certificate.status = CertificateStatus::Revoked {
                reason: reason.clone(),
                at,
            };
            put_json(&mut certificates, no.as_str(), &certificate)?;
            record(txn, &audit)
        })
        .await
    }
}
