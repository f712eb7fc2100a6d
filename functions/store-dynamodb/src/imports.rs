//! Certificates imported from the association's register, and the prior
//! record of a person's renewals before the platform (R12).

use aws_sdk_dynamodb::types::AttributeValue;
use ticedu_domain::identity::AccountKey;
use ticedu_store::ids::LearnerId;
use ticedu_store::records::{AuditEntry, Certificate, PriorRecord};
use ticedu_store::*;

use crate::DynamoStore;
use crate::keys;
use crate::request::{EXISTING_ITEM, Expr, NEW_ITEM, s, to_item, to_value, with_gsi1};
use crate::transaction::Transaction;

/// The items of importing one certificate.
#[derive(Clone, Copy, PartialEq)]
enum Importing {
    Certificate,
    Account,
    Learner,
    PriorRecord,
    Audit,
}

/// Attempts of an import whose person registered (or whose account went)
/// between its read of the account and its write.
const ACCOUNT_ATTEMPTS: u32 = 3;

impl DynamoStore {
    /// One attempt at storing `certificate` under `holder` (the account's
    /// learner, or none yet), on condition that the account is still so.
    fn import_transaction(
        &self,
        account: &AccountKey,
        holder: Option<&LearnerId>,
        certificate: &Certificate,
        audit: &AuditEntry,
    ) -> Attempt<Transaction<Importing>> {
        let item = with_gsi1(
            to_item(certificate, &keys::certificate(&certificate.no))?,
            keys::learner_partition(&certificate.learner),
            format!("{}{}", keys::GSI1_CERTIFICATE_PREFIX, certificate.no),
        );
        let mut transaction = self.transaction();
        transaction.put_new(Importing::Certificate, item)?;
        let pointer = keys::account(account);
        match holder {
            None => transaction.check(Importing::Account, &pointer, NEW_ITEM, Expr::default())?,
            Some(learner) => {
                transaction.check(
                    Importing::Account,
                    &pointer,
                    "#learner = :learner",
                    Expr::default()
                        .name("#learner", "learner")
                        .value(":learner", s(learner.as_str())),
                )?;
                transaction.update(
                    Importing::Learner,
                    &keys::profile(learner),
                    "SET #returning = :yes",
                    EXISTING_ITEM,
                    Expr::default()
                        .name("#returning", "returning")
                        .value(":yes", AttributeValue::Bool(true)),
                )?;
            }
        }
        transaction.update(
            Importing::PriorRecord,
            &keys::prior_record(account),
            "SET #certificates = list_append(if_not_exists(#certificates, :none), :numbers)",
            "NOT contains(#certificates, :number)",
            Expr::default()
                .name("#certificates", "certificates")
                .value(":none", AttributeValue::L(Vec::new()))
                .value(":numbers", to_value(&[&certificate.no])?)
                .value(":number", s(certificate.no.as_str())),
        )?;
        // The entry is about whoever the certificate is stored under.
        let mut audit = audit.clone();
        audit.learner = Some(certificate.learner.clone());
        transaction.put_audit(Importing::Audit, &audit)?;
        Ok(transaction)
    }
}

impl ImportStore for DynamoStore {
    async fn import_certificate(
        &self,
        account: &AccountKey,
        certificate: &Certificate,
        audit: &AuditEntry,
    ) -> StoreResult<Outcome> {
        during("import_certificate", async {
            for _ in 0..ACCOUNT_ATTEMPTS {
                let holder = self.pointed_learner(&keys::account(account)).await?;
                let mut certificate = certificate.clone();
                if let Some(learner) = &holder {
                    certificate.learner = learner.clone();
                }
                let transaction =
                    self.import_transaction(account, holder.as_ref(), &certificate, audit)?;
                let cancellation = match self.transact(transaction).await {
                    Ok(()) => return Ok(Outcome::Applied),
                    Err(error) => error.cancellation()?,
                };
                if cancellation.failed(Importing::Certificate) {
                    let key = keys::certificate(&certificate.no);
                    let stored: Option<Certificate> = self
                        .found_record(&cancellation, Importing::Certificate, &key)
                        .await?;
                    match stored {
                        Some(stored) => return Ok(stored.reimport(&certificate)?),
                        None => continue,
                    }
                }
                if cancellation.failed(Importing::Account) {
                    continue;
                }
                return Err(cancellation.explain(|part| match part {
                    Importing::Learner => Some(Refusal::UnknownLearner),
                    Importing::Certificate
                    | Importing::Account
                    | Importing::PriorRecord
                    | Importing::Audit => None,
                }));
            }
            Err(Failure::backend(
                "the person's account kept changing during the import",
            ))
        })
        .await
    }

    async fn prior_record(&self, account: &AccountKey) -> StoreResult<Option<PriorRecord>> {
        during(
            "prior_record",
            self.get_record(&keys::prior_record(account)),
        )
        .await
    }
}
