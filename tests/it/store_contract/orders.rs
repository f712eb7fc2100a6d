//! The store contract: Orders: bought from the balance or paid by a notice, exactly once, and invoiced once.

use ticedu_domain::money::Fen;
use ticedu_store::records::*;
use ticedu_store::*;
use ticedu_tests::fixtures::*;
use tokio::task::JoinSet;

use super::*;

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

    store
        .mark_invoice_issued(&request.id, &audit(AuditAction::InvoiceIssued))
        .await
        .unwrap();
    assert_eq!(
        refusal(
            store
                .mark_invoice_issued(&request.id, &audit(AuditAction::InvoiceIssued))
                .await
        ),
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
