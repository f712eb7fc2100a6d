//! Staff accounts: whole-record saves conditioned on the version read, each
//! with its audit entry in the same write transaction.

use redb::ReadableTable;
use ticedu_domain::staff::StaffName;
use ticedu_store::records::{AuditEntry, StaffAccount};
use ticedu_store::*;

use crate::EmbeddedStore;
use crate::audit::record;
use crate::rows::{exists, get_json, open, open_read, put_json};
use crate::tables::{MARKERS, STAFF, STAFF_BOOTSTRAPPED};

impl StaffStore for EmbeddedStore {
    async fn staff_account(&self, name: &StaffName) -> StoreResult<Option<StaffAccount>> {
        let name = name.clone();
        self.read("staff_account", move |txn| {
            get_json(&open_read(txn, STAFF)?, name.as_str())
        })
        .await
    }

    async fn staff_accounts(&self) -> StoreResult<Vec<StaffAccount>> {
        self.read("staff_accounts", |txn| {
            let mut accounts = Vec::new();
            for row in open_read(txn, STAFF)?.iter().or_backend()? {
                let (_, value) = row.or_backend()?;
                accounts.push(serde_json::from_slice(value.value()).or_backend()?);
            }
            Ok(accounts)
        })
        .await
    }

    async fn create_staff_account(
        &self,
        account: &StaffAccount,
        audit: &AuditEntry,
    ) -> StoreResult<()> {
        let (account, audit) = (account.clone(), audit.clone());
        self.write("create_staff_account", move |txn| {
            let mut accounts = open(txn, STAFF)?;
            if exists(&accounts, account.name.as_str())? {
                return Err(Refusal::StaffAccountExists.into());
            }
            put_json(&mut accounts, account.name.as_str(), &account)?;
            record(txn, &audit)
        })
        .await
    }

    async fn bootstrap_administrator(
        &self,
        account: &StaffAccount,
        audit: &AuditEntry,
    ) -> StoreResult<Outcome> {
        let (account, audit) = (account.clone(), audit.clone());
        self.write("bootstrap_administrator", move |txn| {
            let mut markers = open(txn, MARKERS)?;
            // The marker outlives the account: a renamed or disabled first
            // administrator is never brought back by the secret.
            if exists(&markers, STAFF_BOOTSTRAPPED)? {
                return Ok(Outcome::AlreadyApplied);
            }
            let mut accounts = open(txn, STAFF)?;
            if exists(&accounts, account.name.as_str())? {
                return Err(Refusal::StaffAccountExists.into());
            }
            markers.insert(STAFF_BOOTSTRAPPED, ()).or_backend()?;
            put_json(&mut accounts, account.name.as_str(), &account)?;
            record(txn, &audit)?;
            Ok(Outcome::Applied)
        })
        .await
    }

    async fn save_staff_account(
        &self,
        account: &StaffAccount,
        audit: &AuditEntry,
    ) -> StoreResult<()> {
        let (account, audit) = (account.clone(), audit.clone());
        self.write("save_staff_account", move |txn| {
            let mut accounts = open(txn, STAFF)?;
            let stored: Option<StaffAccount> = get_json(&accounts, account.name.as_str())?;
            account.check_replaces(stored.as_ref())?;
            put_json(&mut accounts, account.name.as_str(), &account)?;
            record(txn, &audit)
        })
        .await
    }
}
