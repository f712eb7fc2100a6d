//! The store contract: what every implementation of `ticedu_store::Store`
//! must do. Each check is a function generic over the store;
//! [`store_contract_tests!`](crate::store_contract_tests) turns all of them
//! into tests for one implementation.

use std::collections::BTreeSet;
use std::sync::Arc;

use ticedu_domain::learner::{LearnerCategory, TitleCheck};
use ticedu_domain::money::Fen;
use ticedu_store::records::*;
use ticedu_store::*;
use tokio::task::JoinSet;

use crate::fixtures::*;

/// Generates one `#[tokio::test]` per contract check, each on a fresh store
/// made by `$fresh().await`, which returns something that derefs to the store.
#[macro_export]
macro_rules! store_contract_tests {
    ($fresh:path) => {
        $crate::store_contract_tests!(@each $fresh;
            registering_the_same_id_number_twice_keeps_one_account,
            concurrent_registrations_of_one_id_number_create_exactly_one_account,
            a_second_person_with_the_same_username_is_refused,
            a_learner_is_found_by_username_and_changes_are_kept,
            fifty_concurrent_purchases_against_a_balance_covering_ten_make_exactly_ten,
            twenty_concurrent_redemptions_of_one_card_credit_it_once,
            a_batch_of_cards_with_a_taken_code_is_refused_whole,
            cards_are_listed_newest_first_and_a_voided_card_cannot_be_redeemed,
            the_same_payment_notice_applied_twenty_times_concurrently_is_credited_once,
            a_notice_for_another_amount_is_refused_and_the_order_stays_pending,
            marking_an_hour_not_bought_is_refused,
            the_same_hour_marked_ten_times_concurrently_counts_once,
            a_failed_purchase_leaves_no_partial_write,
            a_retried_purchase_is_applied_once,
            orders_are_listed_newest_first_and_numbers_are_unique,
            filings_can_be_corrected_until_accepted,
            title_checks_wait_in_staffs_queue_until_decided,
            overdue_renewals_wait_in_staffs_queue,
            certificates_are_issued_once_and_revoked_once,
            invoices_cover_only_own_paid_orders_once,
            login_failures_are_counted_per_window_and_cleared,
        );
    };
    (@each $fresh:path; $($check:ident),* $(,)?) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn $check() {
                let fixture = $fresh().await;
                $crate::contract::$check(&*fixture).await;
            }
        )*
    };
}

/// What the contract needs of a store: all traits, shareable across tasks.
pub trait ContractStore: Store + Clone + 'static {}
impl<T: Store + Clone + 'static> ContractStore for T {}

async fn registered<S: ContractStore>(store: &S) -> NewLearner {
    let learner = new_learner();
    store.create_learner(&learner).await.expect("registration");
    learner
}

/// A registered learner holding `fen` in their balance, from a redeemed card.
async fn funded<S: ContractStore>(store: &S, fen: u64) -> NewLearner {
    let learner = registered(store).await;
    let card = card(Fen::new(fen));
    store
        .issue_cards(std::slice::from_ref(&card))
        .await
        .expect("cards");
    store
        .redeem_card(&card, &learner.id, now())
        .await
        .expect("redeem");
    learner
}

fn refusal(result: StoreResult<impl std::fmt::Debug>) -> Refusal {
    match result {
        Err(StoreError::Refused(refusal)) => refusal,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

async fn assert_balance_equals_ledger<S: ContractStore>(store: &S, learner: &NewLearner) -> Fen {
    let stored = store.learner(&learner.id).await.unwrap().expect("learner");
    let ledger = store.ledger(&learner.id).await.unwrap();
    let sum: i64 = ledger.iter().map(|entry| entry.change_fen).sum();
    assert_eq!(
        i64::try_from(stored.balance.get()).unwrap(),
        sum,
        "balance must equal the ledger's sum"
    );
    stored.balance
}

pub async fn registering_the_same_id_number_twice_keeps_one_account<S: ContractStore>(store: &S) {
    let first = registered(store).await;
    let mut again = new_learner_with(0, new_kind());
    again.id_number = first.id_number.clone();
    again.account_key = first.account_key.clone();
    assert_eq!(
        refusal(store.create_learner(&again).await),
        Refusal::AccountExists
    );
    assert!(
        store.learner(&again.id).await.unwrap().is_none(),
        "the refused account must not exist"
    );
    assert!(store.learner(&first.id).await.unwrap().is_some());
}

pub async fn concurrent_registrations_of_one_id_number_create_exactly_one_account<
    S: ContractStore,
>(
    store: &S,
) {
    let template = new_learner();
    let mut tasks = JoinSet::new();
    for attempt in 0..10 {
        let store = store.clone();
        let mut learner = template.clone();
        learner.id = learner_id();
        // Different usernames, so that only the ID number's uniqueness can stop them.
        learner.username_key = new_learner_with(1_000 + attempt, new_kind()).username_key;
        tasks.spawn(async move { (learner.id.clone(), store.create_learner(&learner).await) });
    }
    let mut created = Vec::new();
    while let Some(joined) = tasks.join_next().await {
        match joined.unwrap() {
            (id, Ok(())) => created.push(id),
            (_, Err(StoreError::Refused(Refusal::AccountExists))) => {}
            (_, other) => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(created.len(), 1, "exactly one registration wins");
    let winner = store
        .learner(&created[0])
        .await
        .unwrap()
        .expect("winner stored");
    let by_username = store
        .learner_by_username(&winner.registration.username_key)
        .await
        .unwrap()
        .expect("found by username");
    assert_eq!(by_username.id(), &created[0]);
}

pub async fn a_second_person_with_the_same_username_is_refused<S: ContractStore>(store: &S) {
    let first = registered(store).await;
    let mut other = new_learner();
    other.username_key = first.username_key.clone();
    assert_eq!(
        refusal(store.create_learner(&other).await),
        Refusal::UsernameTaken
    );
    // Nothing of the refused registration stays behind: its ID number is still free.
    other.username_key = new_learner().username_key;
    store
        .create_learner(&other)
        .await
        .expect("the ID number was not taken by the refused attempt");
}

pub async fn a_learner_is_found_by_username_and_changes_are_kept<S: ContractStore>(store: &S) {
    let learner = registered(store).await;
    let found = store
        .learner_by_username(&learner.username_key)
        .await
        .unwrap()
        .expect("found");
    assert_eq!(found.registration, learner);
    assert_eq!(
        (found.balance, found.marked_hours, found.returning),
        (Fen::ZERO, 0, false)
    );
    assert!(
        store
            .learner_by_username(&new_learner().username_key)
            .await
            .unwrap()
            .is_none()
    );

    store
        .set_password_hash(&learner.id, "$argon2id$new")
        .await
        .unwrap();
    store.set_returning(&learner.id, true).await.unwrap();
    let changed = store.learner(&learner.id).await.unwrap().unwrap();
    assert_eq!(changed.registration.password_hash, "$argon2id$new");
    assert!(changed.returning);
    assert_eq!(
        refusal(store.set_returning(&learner_id(), true).await),
        Refusal::UnknownLearner
    );
}

pub async fn fifty_concurrent_purchases_against_a_balance_covering_ten_make_exactly_ten<
    S: ContractStore,
>(
    store: &S,
) {
    let learner = funded(store, 10 * 1500).await;
    let mut tasks = JoinSet::new();
    for number in 1..=50 {
        let store = store.clone();
        let order = balance_order(&learner.id, vec![hour("sampling", number)]);
        tasks.spawn(async move { store.purchase_with_balance(&order).await });
    }
    let (mut applied, mut refused) = (0, 0);
    while let Some(result) = tasks.join_next().await {
        match result.unwrap() {
            Ok(Outcome::Applied) => applied += 1,
            Err(StoreError::Refused(Refusal::InsufficientBalance)) => refused += 1,
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!((applied, refused), (10, 40));
    assert_eq!(
        assert_balance_equals_ledger(store, &learner).await,
        Fen::ZERO
    );
    assert_eq!(store.enrollments(&learner.id).await.unwrap().len(), 10);
    assert_eq!(store.orders_of(&learner.id).await.unwrap().len(), 10);
}

pub async fn twenty_concurrent_redemptions_of_one_card_credit_it_once<S: ContractStore>(store: &S) {
    let card = card(Fen::from_yuan(600));
    store
        .issue_cards(std::slice::from_ref(&card))
        .await
        .unwrap();
    let mut learners = Vec::new();
    for _ in 0..20 {
        learners.push(registered(store).await);
    }
    let mut tasks = JoinSet::new();
    for learner in &learners {
        let (store, card, id) = (store.clone(), card.clone(), learner.id.clone());
        tasks.spawn(async move { store.redeem_card(&card, &id, now()).await });
    }
    let mut redeemed = 0;
    while let Some(result) = tasks.join_next().await {
        match result.unwrap() {
            Ok(()) => redeemed += 1,
            Err(StoreError::Refused(Refusal::CardAlreadyRedeemed)) => {}
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(redeemed, 1);
    let mut total = Fen::ZERO;
    for learner in &learners {
        total = total + assert_balance_equals_ledger(store, learner).await;
    }
    assert_eq!(total, Fen::from_yuan(600));
    let stored = store.card(&card.code).await.unwrap().unwrap();
    assert!(stored.redeemed.is_some());
    assert_eq!(
        refusal(store.redeem_card(&card, &learners[0].id, now()).await),
        Refusal::CardAlreadyRedeemed
    );
    let unknown = crate::fixtures::card(Fen::new(1));
    assert_eq!(
        refusal(store.redeem_card(&unknown, &learners[0].id, now()).await),
        Refusal::UnknownCard
    );
}

pub async fn a_batch_of_cards_with_a_taken_code_is_refused_whole<S: ContractStore>(store: &S) {
    let taken = card(Fen::new(100));
    store
        .issue_cards(std::slice::from_ref(&taken))
        .await
        .unwrap();
    let fresh = card(Fen::new(200));
    assert_eq!(
        refusal(store.issue_cards(&[fresh.clone(), taken.clone()]).await),
        Refusal::CardExists
    );
    assert!(
        store.card(&fresh.code).await.unwrap().is_none(),
        "no card of a refused batch is issued"
    );
    assert_eq!(
        store.card(&taken.code).await.unwrap().unwrap().value,
        Fen::new(100)
    );
}

pub async fn the_same_payment_notice_applied_twenty_times_concurrently_is_credited_once<
    S: ContractStore,
>(
    store: &S,
) {
    let learner = registered(store).await;
    let order = pending_order(
        &learner.id,
        (1..=30).map(|n| hour("iso-17020", n)).collect(),
    );
    store.create_order(&order).await.unwrap();
    let notice = notice_for(&order);
    let mut tasks = JoinSet::new();
    for _ in 0..20 {
        let (store, order, notice) = (store.clone(), order.clone(), notice.clone());
        tasks.spawn(async move { store.apply_payment(&order, &notice).await });
    }
    let mut outcomes = Vec::new();
    while let Some(result) = tasks.join_next().await {
        outcomes.push(
            result
                .unwrap()
                .expect("a redelivered notice is not an error"),
        );
    }
    assert_eq!(
        outcomes
            .iter()
            .filter(|outcome| **outcome == Outcome::Applied)
            .count(),
        1
    );
    assert_eq!(
        outcomes
            .iter()
            .filter(|outcome| **outcome == Outcome::AlreadyApplied)
            .count(),
        19
    );
    let stored = store.order(&order.no).await.unwrap().unwrap();
    assert!(
        matches!(stored.status, OrderStatus::Paid { transaction: Some(ref t), .. } if *t == notice.transaction)
    );
    assert_eq!(store.enrollments(&learner.id).await.unwrap().len(), 30);
    assert_eq!(
        assert_balance_equals_ledger(store, &learner).await,
        Fen::ZERO,
        "WeChat Pay does not touch the balance"
    );
}

pub async fn a_notice_for_another_amount_is_refused_and_the_order_stays_pending<
    S: ContractStore,
>(
    store: &S,
) {
    let learner = registered(store).await;
    let order = pending_order(&learner.id, vec![hour("sampling", 1)]);
    store.create_order(&order).await.unwrap();
    let mut notice = notice_for(&order);
    notice.amount = Fen::new(1);
    assert_eq!(
        refusal(store.apply_payment(&order, &notice).await),
        Refusal::NoticeMismatch
    );
    assert_eq!(
        store.order(&order.no).await.unwrap().unwrap().status,
        OrderStatus::Pending
    );
    assert!(store.enrollments(&learner.id).await.unwrap().is_empty());
    let unknown = pending_order(&learner.id, vec![hour("sampling", 2)]);
    assert_eq!(
        refusal(store.apply_payment(&unknown, &notice_for(&unknown)).await),
        Refusal::UnknownOrder
    );
}

pub async fn marking_an_hour_not_bought_is_refused<S: ContractStore>(store: &S) {
    let learner = registered(store).await;
    assert_eq!(
        refusal(
            store
                .mark_learned(&learner.id, &mark(&hour("sampling", 1)))
                .await
        ),
        Refusal::HourNotBought
    );
    assert!(store.marks(&learner.id).await.unwrap().is_empty());
    assert_eq!(
        store
            .learner(&learner.id)
            .await
            .unwrap()
            .unwrap()
            .marked_hours,
        0
    );
}

pub async fn the_same_hour_marked_ten_times_concurrently_counts_once<S: ContractStore>(store: &S) {
    let learner = funded(store, 3 * 1500).await;
    let hours: Vec<_> = (1..=3).map(|n| hour("sampling", n)).collect();
    store
        .purchase_with_balance(&balance_order(&learner.id, hours.clone()))
        .await
        .unwrap();
    let mut tasks = JoinSet::new();
    for _ in 0..10 {
        let (store, id, mark) = (store.clone(), learner.id.clone(), mark(&hours[0]));
        tasks.spawn(async move { store.mark_learned(&id, &mark).await });
    }
    let mut applied = 0;
    while let Some(result) = tasks.join_next().await {
        if result.unwrap().expect("marking twice is not an error") == Outcome::Applied {
            applied += 1;
        }
    }
    assert_eq!(applied, 1);
    store
        .mark_learned(&learner.id, &mark(&hours[1]))
        .await
        .unwrap();
    let marks = store.marks(&learner.id).await.unwrap();
    let marked: BTreeSet<_> = marks.iter().map(|mark| mark.hour.clone()).collect();
    assert_eq!(marked, BTreeSet::from([hours[0].clone(), hours[1].clone()]));
    assert_eq!(
        store
            .learner(&learner.id)
            .await
            .unwrap()
            .unwrap()
            .marked_hours as usize,
        marks.len()
    );
}

pub async fn a_failed_purchase_leaves_no_partial_write<S: ContractStore>(store: &S) {
    let learner = funded(store, 10 * 1500).await;
    store
        .purchase_with_balance(&balance_order(&learner.id, vec![hour("sampling", 1)]))
        .await
        .unwrap();
    let ledger_before = store.ledger(&learner.id).await.unwrap();
    // Enough money, but one of the hours is owned already: nothing may change.
    let order = balance_order(
        &learner.id,
        vec![
            hour("sampling", 2),
            hour("sampling", 1),
            hour("sampling", 3),
        ],
    );
    assert_eq!(
        refusal(store.purchase_with_balance(&order).await),
        Refusal::AlreadyOwned
    );
    assert_eq!(store.ledger(&learner.id).await.unwrap(), ledger_before);
    assert_eq!(
        assert_balance_equals_ledger(store, &learner).await,
        Fen::new(9 * 1500)
    );
    assert!(store.order(&order.no).await.unwrap().is_none());
    let enrolled: Vec<_> = store
        .enrollments(&learner.id)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.hour)
        .collect();
    assert_eq!(enrolled, [hour("sampling", 1)]);
    // Not enough money: nothing changes either.
    let order = balance_order(&learner.id, (2..=11).map(|n| hour("sampling", n)).collect());
    assert_eq!(
        refusal(store.purchase_with_balance(&order).await),
        Refusal::InsufficientBalance
    );
    assert_eq!(store.enrollments(&learner.id).await.unwrap().len(), 1);
    let too_large = balance_order(
        &learner.id,
        (1..=91).map(|n| hour("big-course", n)).collect(),
    );
    assert_eq!(
        refusal(store.purchase_with_balance(&too_large).await),
        Refusal::TooLarge
    );
}

pub async fn a_retried_purchase_is_applied_once<S: ContractStore>(store: &S) {
    let learner = funded(store, 5 * 1500).await;
    let order = balance_order(&learner.id, vec![hour("sampling", 1), hour("sampling", 2)]);
    assert_eq!(
        store.purchase_with_balance(&order).await.unwrap(),
        Outcome::Applied
    );
    assert_eq!(
        store.purchase_with_balance(&order).await.unwrap(),
        Outcome::AlreadyApplied
    );
    assert_eq!(
        assert_balance_equals_ledger(store, &learner).await,
        Fen::new(3 * 1500)
    );
    // The same number for a different order is a conflict, not a retry.
    let mut different = balance_order(&learner.id, vec![hour("sampling", 3)]);
    different.no = order.no.clone();
    assert_eq!(
        refusal(store.purchase_with_balance(&different).await),
        Refusal::OrderExists
    );
}

pub async fn orders_are_listed_newest_first_and_numbers_are_unique<S: ContractStore>(store: &S) {
    let learner = registered(store).await;
    let older = pending_order(&learner.id, vec![hour("sampling", 1)]);
    let mut newer = pending_order(&learner.id, vec![hour("sampling", 2)]);
    newer.created_at = older
        .created_at
        .checked_add(jiff::Span::new().seconds(5))
        .unwrap();
    store.create_order(&older).await.unwrap();
    store.create_order(&newer).await.unwrap();
    let listed: Vec<_> = store
        .orders_of(&learner.id)
        .await
        .unwrap()
        .into_iter()
        .map(|order| order.no)
        .collect();
    assert_eq!(listed, [newer.no.clone(), older.no.clone()]);
    assert_eq!(
        refusal(store.create_order(&older).await),
        Refusal::OrderExists
    );
    assert_eq!(store.order(&older.no).await.unwrap().unwrap(), older);
    assert!(store.orders_of(&learner_id()).await.unwrap().is_empty());
}

pub async fn filings_can_be_corrected_until_accepted<S: ContractStore>(store: &S) {
    let learner = registered(store).await;
    assert!(store.renewal(&learner.id).await.unwrap().is_none());
    let mut registration = RenewalRegistration {
        details: holder_details(),
        filed_at: now(),
        status: FilingStatus::Filed,
        overdue: false,
    };
    store
        .file_renewal(&learner.id, &registration)
        .await
        .unwrap();
    registration.details.original_certificate_no =
        ticedu_domain::learner::DocumentNumber::parse("CIE-2019-0013").unwrap();
    store
        .file_renewal(&learner.id, &registration)
        .await
        .unwrap();
    assert_eq!(
        store.renewal(&learner.id).await.unwrap().unwrap(),
        registration
    );
    registration.status = FilingStatus::Accepted;
    store
        .file_renewal(&learner.id, &registration)
        .await
        .unwrap();
    registration.status = FilingStatus::Filed;
    assert_eq!(
        refusal(store.file_renewal(&learner.id, &registration).await),
        Refusal::FilingClosed
    );

    let application = CertificateApplication {
        learning_started_on: TODAY,
        note: "新学员".to_owned(),
        filed_at: now(),
        status: FilingStatus::Filed,
    };
    store
        .file_application(&learner.id, &application)
        .await
        .unwrap();
    assert_eq!(
        store.application(&learner.id).await.unwrap().unwrap(),
        application
    );
    assert_eq!(
        refusal(store.file_application(&learner_id(), &application).await),
        Refusal::UnknownLearner
    );
}

pub async fn overdue_renewals_wait_in_staffs_queue<S: ContractStore>(store: &S) {
    let (first, second) = (registered(store).await, registered(store).await);
    let start = now();
    let overdue = |_: &NewLearner, minutes: i64| RenewalRegistration {
        details: holder_details(),
        filed_at: start + jiff::SignedDuration::from_mins(minutes),
        status: FilingStatus::Filed,
        overdue: true,
    };
    assert!(store.overdue_renewals().await.unwrap().is_empty());
    store
        .file_renewal(&second.id, &overdue(&second, 5))
        .await
        .unwrap();
    store
        .file_renewal(&first.id, &overdue(&first, 1))
        .await
        .unwrap();
    let queue = store.overdue_renewals().await.unwrap();
    assert_eq!(
        queue.iter().map(|(id, _)| id.clone()).collect::<Vec<_>>(),
        vec![first.id.clone(), second.id.clone()],
        "oldest first"
    );
    assert_eq!(queue[0].1, overdue(&first, 1));
    let ordinary = RenewalRegistration {
        overdue: false,
        ..overdue(&first, 2)
    };
    store.file_renewal(&first.id, &ordinary).await.unwrap();
    assert_eq!(
        store
            .overdue_renewals()
            .await
            .unwrap()
            .into_iter()
            .map(|(id, _)| id)
            .collect::<Vec<_>>(),
        vec![second.id.clone()],
        "a correction to an ordinary renewal leaves the queue"
    );
}

pub async fn title_checks_wait_in_staffs_queue_until_decided<S: ContractStore>(store: &S) {
    let titled = new_learner_with(crate::fixtures::id_number_seed(), titled_kind());
    store.create_learner(&titled).await.unwrap();
    let plain = registered(store).await;
    let stored = store.learner(&titled.id).await.unwrap().unwrap();
    assert_eq!(stored.category(), LearnerCategory::Titled);
    assert_eq!(stored.title_check, Some(TitleCheck::Pending));
    let pending = store.pending_title_checks().await.unwrap();
    assert!(pending.contains(&titled.id));
    assert!(!pending.contains(&plain.id));
    store
        .set_title_check(&titled.id, TitleCheck::Confirmed)
        .await
        .unwrap();
    assert!(
        !store
            .pending_title_checks()
            .await
            .unwrap()
            .contains(&titled.id)
    );
    assert_eq!(
        store
            .learner(&titled.id)
            .await
            .unwrap()
            .unwrap()
            .title_check,
        Some(TitleCheck::Confirmed)
    );
}

pub async fn certificates_are_issued_once_and_revoked_once<S: ContractStore>(store: &S) {
    let learner = registered(store).await;
    let certificate = certificate_for(&learner);
    store.issue_certificate(&certificate).await.unwrap();
    assert_eq!(
        refusal(store.issue_certificate(&certificate).await),
        Refusal::CertificateExists
    );
    assert_eq!(
        store.certificate(&certificate.no).await.unwrap().unwrap(),
        certificate
    );
    assert_eq!(
        store.certificates_of(&learner.id).await.unwrap(),
        std::slice::from_ref(&certificate)
    );

    let at = now();
    store
        .revoke_certificate(&certificate.no, "资料不实", at)
        .await
        .unwrap();
    let revoked = store.certificate(&certificate.no).await.unwrap().unwrap();
    assert_eq!(
        revoked.status,
        CertificateStatus::Revoked {
            reason: "资料不实".to_owned(),
            at
        }
    );
    assert_eq!(
        refusal(
            store
                .revoke_certificate(&certificate.no, "again", now())
                .await
        ),
        Refusal::AlreadyRevoked
    );
    let unknown = certificate_for(&learner).no;
    assert_eq!(
        refusal(store.revoke_certificate(&unknown, "x", now()).await),
        Refusal::UnknownCertificate
    );
    assert!(store.certificate(&unknown).await.unwrap().is_none());
}

pub async fn invoices_cover_only_own_paid_orders_once<S: ContractStore>(store: &S) {
    let learner = funded(store, 4 * 1500).await;
    let paid = balance_order(&learner.id, vec![hour("sampling", 1), hour("sampling", 2)]);
    store.purchase_with_balance(&paid).await.unwrap();
    let pending = pending_order(&learner.id, vec![hour("sampling", 3)]);
    store.create_order(&pending).await.unwrap();
    let other = funded(store, 1500).await;
    let others_order = balance_order(&other.id, vec![hour("sampling", 1)]);
    store.purchase_with_balance(&others_order).await.unwrap();

    assert_eq!(
        refusal(
            store
                .request_invoice(&invoice_for(&learner.id, &[&paid, &pending]))
                .await
        ),
        Refusal::NotInvoiceable
    );
    assert_eq!(
        refusal(
            store
                .request_invoice(&invoice_for(&learner.id, &[&others_order]))
                .await
        ),
        Refusal::NotInvoiceable
    );
    assert_eq!(
        store.order(&paid.no).await.unwrap().unwrap().invoice,
        None,
        "a refused request marks no order"
    );

    let request = invoice_for(&learner.id, &[&paid]);
    store.request_invoice(&request).await.unwrap();
    assert_eq!(
        store.order(&paid.no).await.unwrap().unwrap().invoice,
        Some(request.id.clone())
    );
    assert_eq!(
        refusal(
            store
                .request_invoice(&invoice_for(&learner.id, &[&paid]))
                .await
        ),
        Refusal::NotInvoiceable
    );
    assert!(
        store
            .invoices_with_status(InvoiceStatus::Requested)
            .await
            .unwrap()
            .contains(&request)
    );

    store.mark_invoice_issued(&request.id).await.unwrap();
    assert_eq!(
        refusal(store.mark_invoice_issued(&request.id).await),
        Refusal::InvoiceAlreadyIssued
    );
    assert!(
        !store
            .invoices_with_status(InvoiceStatus::Requested)
            .await
            .unwrap()
            .iter()
            .any(|i| i.id == request.id)
    );
    let issued = store.invoice(&request.id).await.unwrap().unwrap();
    assert_eq!(issued.status, InvoiceStatus::Issued);
    assert!(
        store
            .invoices_with_status(InvoiceStatus::Issued)
            .await
            .unwrap()
            .contains(&issued)
    );
}

pub async fn login_failures_are_counted_per_window_and_cleared<S: ContractStore>(store: &S) {
    let key = new_learner().username_key;
    let start = now();
    let window = ThrottleWindow::containing(start, 900);
    assert_eq!(store.login_failures(&key, window).await.unwrap(), 0);
    let store = Arc::new(store.clone());
    let mut tasks = JoinSet::new();
    for _ in 0..5 {
        let (store, key) = (Arc::clone(&store), key.clone());
        tasks.spawn(async move { store.record_login_failure(&key, window).await });
    }
    while let Some(result) = tasks.join_next().await {
        result.unwrap().unwrap();
    }
    assert_eq!(
        store.login_failures(&key, window).await.unwrap(),
        5,
        "concurrent failures are all counted"
    );
    let next = ThrottleWindow::containing(
        start.checked_add(jiff::Span::new().seconds(900)).unwrap(),
        900,
    );
    assert_eq!(
        store.record_login_failure(&key, next).await.unwrap(),
        1,
        "a new window starts from zero"
    );
    store.clear_login_failures(&key, next).await.unwrap();
    assert_eq!(store.login_failures(&key, next).await.unwrap(), 0);
}

pub async fn cards_are_listed_newest_first_and_a_voided_card_cannot_be_redeemed<
    S: ContractStore,
>(
    store: &S,
) {
    let older = card(Fen::new(100));
    let mut newer = card(Fen::new(200));
    newer.issued_at = older
        .issued_at
        .checked_add(jiff::Span::new().seconds(5))
        .unwrap();
    store
        .issue_cards(std::slice::from_ref(&older))
        .await
        .unwrap();
    store
        .issue_cards(std::slice::from_ref(&newer))
        .await
        .unwrap();
    let listed: Vec<_> = store
        .cards()
        .await
        .unwrap()
        .into_iter()
        .map(|card| card.code)
        .collect();
    assert_eq!(listed, [newer.code.clone(), older.code.clone()]);

    let learner = registered(store).await;
    store.void_card(&older.code, now()).await.unwrap();
    assert_eq!(
        refusal(store.redeem_card(&older, &learner.id, now()).await),
        Refusal::CardVoided
    );
    assert_eq!(
        refusal(store.void_card(&older.code, now()).await),
        Refusal::CardVoided
    );
    store.redeem_card(&newer, &learner.id, now()).await.unwrap();
    assert_eq!(
        refusal(store.void_card(&newer.code, now()).await),
        Refusal::CardAlreadyRedeemed
    );
    assert_eq!(
        refusal(store.void_card(&card(Fen::new(1)).code, now()).await),
        Refusal::UnknownCard
    );
    assert_eq!(
        assert_balance_equals_ledger(store, &learner).await,
        Fen::new(200)
    );
}
