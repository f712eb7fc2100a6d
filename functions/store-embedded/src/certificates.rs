//! Certificates (R18, R21), indexed per learner.

use jiff::Timestamp;
use ticedu_store::ids::{CertificateNo, LearnerId};
use ticedu_store::records::{Certificate, CertificateStatus};
use ticedu_store::*;

use crate::EmbeddedStore;
use crate::learners::check_learner_exists;
use crate::rows::{exists, get_json, indexed, open, open_read, put_json};
use crate::tables::{CERTIFICATES, LEARNER_CERTIFICATES};

impl CertificateStore for EmbeddedStore {
    async fn issue_certificate(&self, certificate: &Certificate) -> StoreResult<()> {
        let certificate = certificate.clone();
        self.write("issue_certificate", move |txn| {
            let mut certificates = open(txn, CERTIFICATES)?;
            if exists(&certificates, certificate.no.as_str())? {
                return Err(Refusal::CertificateExists.into());
            }
            check_learner_exists(txn, &certificate.learner)?;
            put_json(&mut certificates, certificate.no.as_str(), &certificate)?;
            open(txn, LEARNER_CERTIFICATES)?
                .insert((certificate.learner.as_str(), certificate.no.as_str()), ())
                .or_backend()?;
            Ok(())
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

    async fn revoke_certificate(
        &self,
        no: &CertificateNo,
        reason: &str,
        at: Timestamp,
    ) -> StoreResult<()> {
        let (no, reason) = (no.clone(), reason.to_owned());
        self.write("revoke_certificate", move |txn| {
            let mut certificates = open(txn, CERTIFICATES)?;
            let mut certificate: Certificate = get_json(&certificates, no.as_str())?
                .ok_or(Failure::Refused(Refusal::UnknownCertificate))?;
            certificate.check_revocable()?;
            certificate.status = CertificateStatus::Revoked { reason, at };
            put_json(&mut certificates, no.as_str(), &certificate)
        })
        .await
    }
}
