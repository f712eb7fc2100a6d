//! Staff accounts: whole-record saves conditioned on the version read, each
//! with its audit entry in one transaction.

use ticedu_domain::staff::StaffName;
use ticedu_store::records::{AuditEntry, StaffAccount};
use ticedu_store::*;

use crate::DynamoStore;
use crate::audit::audit_item;
use crate::keys;
use crate::request::{Expr, Keys, Sorted, n, to_item};

/// The items of creating, bootstrapping or saving an account.
#[derive(Clone, Copy, PartialEq)]
enum Saving {
    Marker,
    Account,
    Audit,
}

impl StaffStore for DynamoStore {
    async fn staff_account(&self, name: &StaffName) -> StoreResult<Option<StaffAccount>> {
        during("staff_account", self.get_record(&keys::staff_account(name))).await
    }

    async fn staff_accounts(&self) -> StoreResult<Vec<StaffAccount>> {
        during(
            "staff_accounts",
            self.query_records(
                keys::STAFF,
                Some(keys::STAFF_ACCOUNT_PREFIX),
                Keys::Table,
                Sorted::Ascending,
            ),
        )
        .await
    }

    async fn create_staff_account(
        &self,
        account: &StaffAccount,
        audit: &AuditEntry,
    ) -> StoreResult<()> {
        during("create_staff_account", async {
            let mut transaction = self.transaction();
            transaction.put_new(
                Saving::Account,
                to_item(account, &keys::staff_account(&account.name))?,
            )?;
            transaction.put_new(Saving::Audit, audit_item(audit)?)?;
            self.transact(transaction).await.map_err(|error| {
                error.explain(|part| {
                    (part == Saving::Account).then_some(Refusal::StaffAccountExists)
                })
            })
        })
        .await
    }

    async fn bootstrap_administrator(
        &self,
        account: &StaffAccount,
        audit: &AuditEntry,
    ) -> StoreResult<Outcome> {
        during("bootstrap_administrator", async {
            let mut transaction = self.transaction();
            transaction.put_new(Saving::Marker, keys::staff_bootstrapped().item())?;
            transaction.put_new(
                Saving::Account,
                to_item(account, &keys::staff_account(&account.name))?,
            )?;
            transaction.put_new(Saving::Audit, audit_item(audit)?)?;
            let cancellation = match self.transact(transaction).await {
                Ok(()) => return Ok(Outcome::Applied),
                Err(error) => error.cancellation()?,
            };
            // The marker outlives the account: once bootstrapped, never again.
            if cancellation.failed(Saving::Marker) {
                return Ok(Outcome::AlreadyApplied);
            }
            Err(cancellation
                .explain(|part| (part == Saving::Account).then_some(Refusal::StaffAccountExists)))
        })
        .await
    }

    async fn save_staff_account(
        &self,
        account: &StaffAccount,
        audit: &AuditEntry,
    ) -> StoreResult<()> {
        during("save_staff_account", async {
            let read = account.expected_version()?;
            let key = keys::staff_account(&account.name);
            let mut transaction = self.transaction();
            // No stored version (no account) fails the condition too.
            transaction.put(
                Saving::Account,
                to_item(account, &key)?,
                "#version = :read",
                Expr::default()
                    .name("#version", "version")
                    .value(":read", n(read)),
            )?;
            transaction.put_new(Saving::Audit, audit_item(audit)?)?;
            let cancellation = match self.transact(transaction).await {
                Ok(()) => return Ok(()),
                Err(error) => error.cancellation()?,
            };
            if cancellation.failed(Saving::Account) {
                let stored: Option<StaffAccount> = self
                    .found_record(&cancellation, Saving::Account, &key)
                    .await?;
                return Err(match stored {
                    None => Refusal::UnknownStaffAccount,
                    Some(_) => Refusal::StaleStaffAccount,
                }
                .into());
            }
            Err(cancellation.explain(|_| None))
        })
        .await
    }
}
