//! Certificates (R18, R21), listed per learner on gsi1.

use jiff::Timestamp;
use ticedu_store::ids::{CertificateNo, LearnerId};
use ticedu_store::records::{Certificate, CertificateStatus};
use ticedu_store::*;

use crate::DynamoStore;
use crate::keys;
use crate::request::{Expr, Keys, Sorted, s, to_item, to_value, with_gsi1};

impl CertificateStore for DynamoStore {
    async fn issue_certificate(&self, certificate: &Certificate) -> StoreResult<()> {
        during("issue_certificate", async {
            let item = with_gsi1(
                to_item(certificate, &keys::certificate(&certificate.no))?,
                keys::learner_partition(&certificate.learner),
                format!("{}{}", keys::GSI1_CERTIFICATE_PREFIX, certificate.no),
            );
            self.put_new_for_learner(item, &certificate.learner, Refusal::CertificateExists)
                .await
        })
        .await
    }

    async fn certificate(&self, no: &CertificateNo) -> StoreResult<Option<Certificate>> {
        during("certificate", self.get_record(&keys::certificate(no))).await
    }

    async fn certificates_of(&self, learner: &LearnerId) -> StoreResult<Vec<Certificate>> {
        during(
            "certificates_of",
            self.query_records(
                &keys::learner_partition(learner),
                Some(keys::GSI1_CERTIFICATE_PREFIX),
                Keys::Gsi1,
                Sorted::Ascending,
            ),
        )
        .await
    }

    async fn revoke_certificate(
        &self,
        no: &CertificateNo,
        reason: &str,
        at: Timestamp,
    ) -> StoreResult<()> {
        during("revoke_certificate", async {
            let key = keys::certificate(no);
            let revoked = CertificateStatus::Revoked {
                reason: reason.to_owned(),
                at,
            };
            let expr = Expr::default()
                .name("#status", "status")
                .value(":revoked", to_value(&revoked)?)
                .value(":valid", s("valid"));
            let condition = "attribute_exists(pk) AND #status.#status = :valid";
            if self
                .update_item(&key, "SET #status = :revoked", condition, expr)
                .await?
            {
                return Ok(());
            }
            let stored: Option<Certificate> = self.get_record(&key).await?;
            Err(match stored {
                None => Refusal::UnknownCertificate,
                Some(stored) => stored
                    .check_revocable()
                    .err()
                    .unwrap_or(Refusal::AlreadyRevoked),
            }
            .into())
        })
        .await
    }
}
