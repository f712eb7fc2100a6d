//! Certificates imported from the association's register, and the prior
//! record of a person's renewals before the platform (R12).

use redb::ReadableTable;
use ticedu_domain::identity::AccountKey;
use ticedu_store::ids::LearnerId;
use ticedu_store::records::{AuditEntry, Certificate, PriorRecord};
use ticedu_store::*;

use crate::EmbeddedStore;
use crate::audit::record;
use crate::learners::existing_learner;
use crate::rows::{get_json, open, open_read, put_json};
use crate::tables::{ACCOUNTS, CERTIFICATES, LEARNER_CERTIFICATES, LEARNERS, PRIOR_RECORDS};

impl ImportStore for EmbeddedStore {
    async fn import_certificate(
        &self,
        account: &AccountKey,
        certificate: &Certificate,
        audit: &AuditEntry,
    ) -> StoreResult<Outcome> {
        let (account, certificate, audit) = (account.clone(), certificate.clone(), audit.clone());
        self.write("import_certificate", move |txn| {
            let (mut certificate, mut audit) = (certificate.clone(), audit.clone());
            let accounts = open(txn, ACCOUNTS)?;
            let holder = match accounts.get(account.as_str()).or_backend()? {
                Some(id) => Some(LearnerId::parse(id.value()).or_backend()?),
                None => None,
            };
            if let Some(learner) = &holder {
                certificate.learner = learner.clone();
            }
            // The entry is about whoever the certificate is stored under.
            audit.learner = Some(certificate.learner.clone());
            let mut certificates = open(txn, CERTIFICATES)?;
            let stored: Option<Certificate> = get_json(&certificates, certificate.no.as_str())?;
            if let Some(stored) = stored {
                return Ok(stored.reimport(&certificate)?);
            }
            if let Some(learner) = &holder {
                let mut learners = open(txn, LEARNERS)?;
                let mut stored = existing_learner(&learners, learner)?;
                stored.returning = true;
                put_json(&mut learners, learner.as_str(), &stored)?;
            }
            let mut priors = open(txn, PRIOR_RECORDS)?;
            let prior: Option<PriorRecord> = get_json(&priors, account.as_str())?;
            let prior = prior
                .unwrap_or(PriorRecord {
                    certificates: Vec::new(),
                })
                .noting(&certificate.no);
            put_json(&mut priors, account.as_str(), &prior)?;
            put_json(&mut certificates, certificate.no.as_str(), &certificate)?;
            open(txn, LEARNER_CERTIFICATES)?
                .insert((certificate.learner.as_str(), certificate.no.as_str()), ())
                .or_backend()?;
            record(txn, &audit)?;
            Ok(Outcome::Applied)
        })
        .await
    }

    async fn prior_record(&self, account: &AccountKey) -> StoreResult<Option<PriorRecord>> {
        let account = account.clone();
        self.read("prior_record", move |txn| {
            get_json(&open_read(txn, PRIOR_RECORDS)?, account.as_str())
        })
        .await
    }
}
