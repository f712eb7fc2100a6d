//! The DynamoDB adapter under the faults of the real service, injected by a
//! proxy in front of moto (`helpers::faulty_dynamodb`): every write operation
//! of the store traits meets each fault at the moment it writes, and must
//! still answer the truth (a write that was committed answers success, a
//! refused one its refusal) and apply nothing twice.
//!
//! A fault that leaves nothing written (a conflict, a throttle, a 500) tests
//! that a retry happens; one after the commit (the answer lost, or a 500)
//! tests that the retry recognises its own write. moto ignores
//! `ClientRequestToken`, so that recognition is the adapter's own here.

mod learners;
mod money;
mod records;
mod sessions;
mod staff;

use std::future::Future;
use std::ops::Deref;
use std::pin::Pin;

use ticedu_domain::money::Fen;
use ticedu_store::records::{AuditAction, AuditEntry, AuditQuery};
use ticedu_store::*;
use ticedu_store_dynamodb::DynamoStore;
use ticedu_tests::fixtures::{audit, card, new_learner, now};
use tokio::task::JoinSet;

use crate::helpers::faulty_dynamodb::{Fault, Faults, faulty_store};
use crate::store_contract::first_page;

/// One write operation under one fault, on a store of its own.
pub(crate) struct Case {
    store: DynamoStore,
    faults: Faults,
    plan: &'static [Fault],
}

impl Case {
    /// The act begins: its writes meet the faults from here on, the
    /// arrangement's did not.
    fn strike(&self) {
        self.faults.on_next_writes(self.plan);
    }
}

impl Deref for Case {
    type Target = DynamoStore;
    fn deref(&self) -> &DynamoStore {
        &self.store
    }
}

type Run = fn(Case) -> Pin<Box<dyn Future<Output = ()> + Send>>;

/// `(name, run)` for each operation: `run` arranges, strikes, acts and asserts.
macro_rules! operations {
    ($($module:ident :: $operation:ident),* $(,)?) => {
        &[$((stringify!($operation), |case| Box::pin($module::$operation(case)))),*]
    };
}

/// Every write of the store traits, and refusals that must stay refusals.
const OPERATIONS: &[(&str, Run)] = operations![
    learners::create_learner,
    learners::set_password_hash,
    learners::correct_learner,
    learners::set_returning,
    learners::bind_wechat_openid,
    learners::index_lookups,
    learners::record_login_failure,
    learners::clear_login_failures,
    learners::count_use,
    sessions::start_session,
    sessions::end_session,
    sessions::save_recovery_code,
    sessions::recover_password,
    money::issue_cards,
    money::void_card,
    money::redeem_card,
    money::redeem_card_redeemed_by_another,
    money::purchase_with_balance,
    money::purchase_beyond_the_balance,
    money::create_order,
    money::close_order,
    money::apply_payment,
    money::refund_order,
    money::settle_refund,
    money::request_invoice,
    money::mark_invoice_issued,
    money::save_reconciliation,
    money::resolve_mismatch,
    records::mark_learned,
    records::open_lesson,
    records::file_renewal,
    records::file_application,
    records::decide_filing,
    records::set_title_check,
    records::file_returning_claim,
    records::issue_certificate,
    records::reissue_certificate,
    records::revoke_certificate,
    records::import_certificate,
    staff::save_year,
    staff::create_staff_account,
    staff::bootstrap_administrator,
    staff::save_staff_account,
    staff::record_audit,
];

/// Runs every operation under `plan`, concurrently, and fails listing each
/// operation that answered wrongly, applied something twice, or never met
/// the fault.
async fn every_operation_under(plan: &'static [Fault]) {
    let mut runs = JoinSet::new();
    for &(name, run) in OPERATIONS {
        runs.spawn(async move {
            let (store, _, faults) = faulty_store().await;
            let case = Case {
                store,
                faults: faults.clone(),
                plan,
            };
            match tokio::spawn(run(case)).await {
                Err(failed) => Err(format!("{name}: {}", panic_message(failed))),
                Ok(()) if faults.pending() > 0 => Err(format!(
                    "{name}: {} of the faults met no write",
                    faults.pending()
                )),
                Ok(()) => Ok(()),
            }
        });
    }
    let mut failures = Vec::new();
    while let Some(run) = runs.join_next().await {
        if let Err(failure) = run.expect("the case's task ran") {
            failures.push(failure);
        }
    }
    failures.sort();
    assert!(
        failures.is_empty(),
        "{} of {} writes under {plan:?}:\n{}",
        failures.len(),
        OPERATIONS.len(),
        failures.join("\n")
    );
}

fn panic_message(failed: tokio::task::JoinError) -> String {
    match failed.try_into_panic() {
        Ok(panic) => panic
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| panic.downcast_ref::<&str>().map(|text| (*text).to_owned()))
            .unwrap_or_else(|| "panicked".to_owned()),
        Err(failed) => failed.to_string(),
    }
}

/// How often `entry` is in the audit trail.
async fn times_audited(store: &DynamoStore, entry: &AuditEntry) -> usize {
    store
        .audit_trail(&first_page(AuditQuery::MAX_LIMIT))
        .await
        .unwrap()
        .entries
        .iter()
        .filter(|audited| *audited == entry)
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_write_is_retried_past_a_transaction_conflict() {
    every_operation_under(&[Fault::Conflict]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_write_is_retried_past_throttling() {
    every_operation_under(&[Fault::ThroughputExceeded, Fault::Throttling]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_write_is_retried_past_an_internal_server_error() {
    every_operation_under(&[Fault::InternalError]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_write_whose_answer_was_lost_after_commit_is_applied_once_and_reported_applied() {
    every_operation_under(&[Fault::LostAfterCommit]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_write_answered_500_after_commit_is_applied_once_and_reported_applied() {
    every_operation_under(&[Fault::InternalErrorAfterCommit]).await;
}

/// The SDK's retry of a committed write is itself held off by a conflict,
/// and the adapter's own retry (of a transaction, or of a single-item write)
/// is the one that meets the write.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_write_whose_retry_after_commit_meets_a_conflict_is_applied_once_and_reported_applied()
 {
    every_operation_under(&[Fault::LostAfterCommit, Fault::Conflict]).await;
}

/// DynamoDB's own idempotency (moto has none): the SDK's retry of a
/// transaction sends the token of its first attempt, and every operation
/// has its own.
#[tokio::test]
async fn a_retried_transaction_carries_its_first_attempts_client_request_token() {
    let (store, _, faults) = faulty_store().await;
    let learner = new_learner();
    store.create_learner(&learner).await.unwrap();
    let card = card(Fen::new(600));
    store
        .issue_cards(
            std::slice::from_ref(&card),
            &audit(AuditAction::CardsIssued),
        )
        .await
        .unwrap();
    faults.on_next_writes(&[Fault::LostAfterCommit]);
    store.redeem_card(&card, &learner.id, now()).await.unwrap();
    let tokens = faults.transaction_tokens();
    let [registering, issuing, redeeming, retrying] = tokens.as_slice() else {
        panic!("four transactions: {tokens:?}");
    };
    assert!(redeeming.is_some(), "the redemption sends a token");
    assert_eq!(retrying, redeeming, "the retry sends the same token");
    assert!(
        registering != issuing && issuing != redeeming,
        "each operation its own"
    );
}
