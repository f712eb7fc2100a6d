//! The store contract: every "at most one" the domain states holds under 20
//! concurrent attempts, because the store enforces it in the write itself
//! (a condition or a uniqueness item), never a check before it.
//!
//! | at most one… | checked by |
//! |---|---|
//! | account per ID number | `concurrent_registrations_of_one_id_number_create_exactly_one_account` (20) |
//! | certificate per learner and cycle | `concurrent_certificates_for_one_cycle_store_exactly_one` (20) |
//! | redemption per study card | `twenty_concurrent_redemptions_of_one_card_credit_it_once` |
//! | purchase per hour and cycle | [`twenty_concurrent_purchases_of_one_hour_buy_it_once`] |
//! | payment per notice | `the_same_payment_notice_applied_twenty_times_concurrently_is_credited_once` |
//! | pending order holding an hour | `twenty_concurrent_orders_for_one_hour_hold_it_once` |
//! | each refund, and each refund's end | `twenty_concurrent_refunds_of_one_order_refund_it_once`, `twenty_concurrent_refund_notices_settle_it_once` |
//! | invoice per order | [`twenty_concurrent_invoice_requests_for_one_order_invoice_it_once`] |
//! | 学过了 mark per hour and cycle | `the_same_hour_marked_twenty_times_concurrently_counts_once` |
//! | open lesson per learner | `concurrent_openings_never_bank_a_minute_twice` |
//! | staff decision per filing | [`twenty_concurrent_decisions_of_one_filing_apply_one`] |
//! | imported certificate per number | `importing_the_same_certificate_again_changes_nothing` (20) |
//! | staff account per name | [`twenty_concurrent_creations_of_one_staff_name_create_one`] |
//! | bootstrapped administrator, ever | [`twenty_concurrent_bootstraps_create_one_administrator`] |
//! | recovery per code | `twenty_concurrent_recoveries_with_one_code_recover_once` (sessions.rs) |
//! | save per version (years, staff accounts) | `concurrent_saves_of_one_version_make_exactly_one_win`, `concurrent_saves_of_one_staff_version_make_exactly_one_win` |

use ticedu_domain::cycle::CycleNumber;
use ticedu_domain::money::Fen;
use ticedu_domain::staff::StaffRole;
use ticedu_store::records::*;
use ticedu_tests::fixtures::*;
use tokio::task::JoinSet;

use super::*;

pub async fn twenty_concurrent_purchases_of_one_hour_buy_it_once<S: ContractStore>(store: &S) {
    let learner = funded(store, 20 * 1500).await;
    let mut tasks = JoinSet::new();
    for _ in 0..20 {
        let store = store.clone();
        let order = balance_order(&learner.id, vec![hour("sampling", 1)]);
        tasks.spawn(async move { store.purchase_with_balance(&order).await });
    }
    assert_eq!(
        tally(tasks).await,
        [
            ("Err(Refused(AlreadyOwned))".to_owned(), 19),
            ("Ok(Applied)".to_owned(), 1)
        ]
    );
    assert_eq!(store.enrollments(&learner.id).await.unwrap().len(), 1);
    assert_eq!(store.orders_of(&learner.id).await.unwrap().len(), 1);
    assert_eq!(
        assert_balance_equals_ledger(store, &learner).await,
        Fen::new(19 * 1500),
        "paid once"
    );
}

pub async fn twenty_concurrent_invoice_requests_for_one_order_invoice_it_once<S: ContractStore>(
    store: &S,
) {
    let learner = funded(store, 1500).await;
    let order = balance_order(&learner.id, vec![hour("sampling", 1)]);
    store.purchase_with_balance(&order).await.unwrap();
    let requests: Vec<InvoiceRequest> = (0..20)
        .map(|_| invoice_for(&learner.id, &[&order]))
        .collect();
    let mut tasks = JoinSet::new();
    for request in requests.clone() {
        let store = store.clone();
        tasks.spawn(async move { store.request_invoice(&request).await });
    }
    assert_eq!(
        tally(tasks).await,
        [
            ("Err(Refused(NotInvoiceable))".to_owned(), 19),
            ("Ok(())".to_owned(), 1)
        ]
    );
    let invoiced = store.order(&order.no).await.unwrap().unwrap().invoice;
    let mut stored = Vec::new();
    for request in &requests {
        if let Some(found) = store.invoice(&request.id).await.unwrap() {
            stored.push(found.id);
        }
    }
    assert_eq!(stored.len(), 1, "one request is kept");
    assert_eq!(invoiced.as_ref(), stored.first(), "the order names it");
}

pub async fn twenty_concurrent_decisions_of_one_filing_apply_one<S: ContractStore>(store: &S) {
    let learner = registered(store).await;
    let filed = CertificateApplication {
        learning_started_on: TODAY,
        note: String::new(),
        filed_at: now(),
        status: FilingStatus::Filed,
        form: None,
        cycle: CycleNumber::FIRST,
        decision: None,
    };
    store.file_application(&learner.id, &filed).await.unwrap();
    // Ten staff approve and ten reject, each with their own decision.
    let mut tasks = JoinSet::new();
    let mut audits = Vec::new();
    for n in 0..20 {
        let approve = n % 2 == 0;
        let decision = StaffDecision {
            by: format!("审核员{n}"),
            at: now(),
            reason: (!approve).then(|| format!("第 {n} 条理由")),
        };
        let entry = audit_by(&format!("checker{n}"), AuditAction::ApplicationDecided);
        audits.push(entry.clone());
        let (store, id) = (store.clone(), learner.id.clone());
        tasks.spawn(async move {
            store
                .decide_filing(
                    &id,
                    FilingKind::Application,
                    CycleNumber::FIRST,
                    approve,
                    &decision,
                    &entry,
                )
                .await
        });
    }
    // The same verdict again is taken as applied (a retry), the other refused.
    assert_eq!(
        tally(tasks).await,
        [
            ("Err(Refused(FilingDecided))".to_owned(), 10),
            ("Ok(AlreadyApplied)".to_owned(), 9),
            ("Ok(Applied)".to_owned(), 1)
        ]
    );
    let stored = store
        .application(&learner.id, CycleNumber::FIRST)
        .await
        .unwrap()
        .unwrap();
    let decision = stored.decision.expect("decided");
    let expected = if decision.reason.is_some() {
        FilingStatus::Rejected
    } else {
        FilingStatus::Accepted
    };
    assert_eq!(stored.status, expected);
    let mut audited = 0;
    for entry in &audits {
        if recorded(store, entry).await {
            audited += 1;
        }
    }
    assert_eq!(audited, 1, "only the applied decision is audited");
}

pub async fn twenty_concurrent_creations_of_one_staff_name_create_one<S: ContractStore>(store: &S) {
    let mut tasks = JoinSet::new();
    let mut audits = Vec::new();
    for n in 0..20 {
        let mut account = staff_account("li.cw", &[StaffRole::Finance]);
        account.display_name =
            ticedu_domain::staff::DisplayName::parse(&format!("李{n}")).expect("a display name");
        let entry = audit_by("admin", AuditAction::StaffAccountCreated).subject("li.cw");
        audits.push(entry.clone());
        let store = store.clone();
        tasks.spawn(async move { store.create_staff_account(&account, &entry).await });
    }
    assert_eq!(
        tally(tasks).await,
        [
            ("Err(Refused(StaffAccountExists))".to_owned(), 19),
            ("Ok(())".to_owned(), 1)
        ]
    );
    assert_eq!(store.staff_accounts().await.unwrap().len(), 1);
    let mut audited = 0;
    for entry in &audits {
        if recorded(store, entry).await {
            audited += 1;
        }
    }
    assert_eq!(audited, 1, "only the applied creation is audited");
}

pub async fn twenty_concurrent_bootstraps_create_one_administrator<S: ContractStore>(store: &S) {
    let mut tasks = JoinSet::new();
    for n in 0..20 {
        // Twenty cold starts, some of them configured with another name.
        let name = if n % 2 == 0 { "admin" } else { "root" };
        let account = staff_account(name, &[StaffRole::Administrator]);
        let entry = audit_by(name, AuditAction::StaffAccountCreated);
        let store = store.clone();
        tasks.spawn(async move { store.bootstrap_administrator(&account, &entry).await });
    }
    assert_eq!(
        tally(tasks).await,
        [
            ("Ok(AlreadyApplied)".to_owned(), 19),
            ("Ok(Applied)".to_owned(), 1)
        ]
    );
    assert_eq!(store.staff_accounts().await.unwrap().len(), 1);
    let trail = store.audit_trail(&first_page(50)).await.unwrap();
    assert_eq!(trail.entries.len(), 1, "one creation audited");
}
