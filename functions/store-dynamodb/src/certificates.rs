//! Certificates (R18, R21), listed per learner on gsi1.

use aws_sdk_dynamodb::types::AttributeValue;
use jiff::Timestamp;
use ticedu_store::ids::{CertificateNo, LearnerId};
use ticedu_store::records::*;
use ticedu_store::*;

use crate::DynamoStore;
use crate::filings::filing_key;
use crate::keys::{self, Key};
use crate::request::{Expr, Keys, Sorted, s, to_item, to_value, with_gsi1};
use crate::transaction::Transaction;

/// The items of issuing a certificate.
#[derive(Clone, Copy, PartialEq)]
enum Issuing {
    Certificate,
    Learner,
    Filing,
    Audit,
}

/// The items of reissuing a certificate.
#[derive(Clone, Copy, PartialEq)]
enum Reissuing {
    Old,
    New,
    Audit,
}

/// The learner's move to the next cycle (see [`CycleClosing`]).
fn next_cycle(closing: &CycleClosing) -> Attempt<(String, Expr)> {
    let mut expr = Expr::default()
        .name("#cycle", "cycle")
        .name("#kind", "kind")
        .name("#returning", "returning")
        .name("#until", "certified_until")
        .value(":closes", to_value(&closing.closes)?)
        .value(":next", to_value(&closing.closes.next())?)
        .value(":kind", to_value(&closing.next_kind)?)
        .value(":yes", AttributeValue::Bool(true));
    let mut update = "SET #cycle = :next, #kind = :kind, #returning = :yes".to_owned();
    match closing.certified_until {
        Some(until) => {
            expr = expr.value(":until", to_value(&until)?);
            update.push_str(", #until = :until");
        }
        None => update.push_str(" REMOVE #until"),
    }
    Ok((update, expr))
}

/// Accepts the cycle's filing with its certificate: a renewal registration
/// unless staff rejected it (and off staff's queue), an application only if
/// staff approved it before.
fn accept_filing(
    transaction: &mut Transaction<Issuing>,
    filing: FilingKind,
    key: &Key,
    decision: Option<&StaffDecision>,
) -> Attempt<()> {
    let accepted = to_value(&FilingStatus::Accepted)?;
    match filing {
        FilingKind::Renewal => {
            let mut expr = Expr::default()
                .name("#status", "status")
                .value(":accepted", accepted)
                .value(":rejected", to_value(&FilingStatus::Rejected)?);
            let mut update = "SET #status = :accepted".to_owned();
            if let Some(decision) = decision {
                expr = expr
                    .name("#decision", "decision")
                    .value(":decision", to_value(decision)?);
                update.push_str(", #decision = :decision");
            }
            update.push_str(" REMOVE gsi1pk, gsi1sk");
            transaction.update(
                Issuing::Filing,
                key,
                &update,
                "attribute_exists(pk) AND #status <> :rejected",
                expr,
            )
        }
        // A claim closes no cycle: nothing to accept with a certificate.
        FilingKind::ReturningClaim => Err(Refusal::FilingDecided.into()),
        FilingKind::Application => transaction.check(
            Issuing::Filing,
            key,
            "#status = :accepted",
            Expr::default()
                .name("#status", "status")
                .value(":accepted", accepted),
        ),
    }
}

impl CertificateStore for DynamoStore {
    async fn issue_certificate(
        &self,
        certificate: &Certificate,
        closing: &CycleClosing,
        audit: Option<&AuditEntry>,
    ) -> StoreResult<()> {
        during("issue_certificate", async {
            let learner = &certificate.learner;
            let item = with_gsi1(
                to_item(certificate, &keys::certificate(&certificate.no))?,
                keys::learner_partition(learner),
                format!("{}{}", keys::GSI1_CERTIFICATE_PREFIX, certificate.no),
            );
            let mut transaction = self.transaction();
            transaction.put_new(Issuing::Certificate, item)?;
            let (update, expr) = next_cycle(closing)?;
            // Learners stored before cycles existed carry no `cycle`: they are in the first.
            let in_cycle = if closing.closes.is_first() {
                "attribute_exists(pk) AND (#cycle = :closes OR attribute_not_exists(#cycle))"
            } else {
                "attribute_exists(pk) AND #cycle = :closes"
            };
            transaction.update(
                Issuing::Learner,
                &keys::profile(learner),
                &update,
                in_cycle,
                expr,
            )?;
            if let Some((filing, decision)) = &closing.accepts {
                let key = filing_key(learner, *filing, closing.closes);
                accept_filing(&mut transaction, *filing, &key, decision.as_ref())?;
            }
            if let Some(audit) = audit {
                transaction.put_audit(Issuing::Audit, audit)?;
            }
            let cancellation = match self.transact(transaction).await {
                Ok(()) => return Ok(()),
                Err(error) => error.cancellation()?,
            };
            Err(cancellation.explain(|part| match part {
                Issuing::Certificate => Some(Refusal::CertificateExists),
                Issuing::Learner => Some(Refusal::CycleClosed),
                Issuing::Filing => Some(Refusal::FilingDecided),
                Issuing::Audit => None,
            }))
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

    async fn reissue_certificate(
        &self,
        old: &CertificateNo,
        new: &Certificate,
        reason: &str,
        at: Timestamp,
        audit: &AuditEntry,
    ) -> StoreResult<()> {
        during("reissue_certificate", async {
            let revoked = CertificateStatus::Revoked {
                reason: reason.to_owned(),
                at,
            };
            let mut transaction = self.transaction();
            transaction.update(
                Reissuing::Old,
                &keys::certificate(old),
                "SET #status = :revoked",
                "attribute_exists(pk) AND #status.#status = :valid",
                Expr::default()
                    .name("#status", "status")
                    .value(":revoked", to_value(&revoked)?)
                    .value(":valid", s("valid")),
            )?;
            let item = with_gsi1(
                to_item(new, &keys::certificate(&new.no))?,
                keys::learner_partition(&new.learner),
                format!("{}{}", keys::GSI1_CERTIFICATE_PREFIX, new.no),
            );
            transaction.put_new(Reissuing::New, item)?;
            transaction.put_audit(Reissuing::Audit, audit)?;
            let cancellation = match self.transact(transaction).await {
                Ok(()) => return Ok(()),
                Err(error) => error.cancellation()?,
            };
            if cancellation.failed(Reissuing::Old) {
                let stored: Option<Certificate> = self.get_record(&keys::certificate(old)).await?;
                return Err(match stored {
                    None => Refusal::UnknownCertificate,
                    Some(stored) => stored
                        .check_revocable()
                        .err()
                        .unwrap_or(Refusal::AlreadyRevoked),
                }
                .into());
            }
            Err(cancellation.explain(|part| match part {
                Reissuing::New => Some(Refusal::CertificateExists),
                Reissuing::Old | Reissuing::Audit => None,
            }))
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
                .update_audited(&key, "SET #status = :revoked", condition, expr, audit)
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
