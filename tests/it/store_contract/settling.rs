//! The store contract: how orders settle (issue 18). A pending WeChat Pay
//! order holds its hours until it is paid, closed or expired; paying and
//! closing race without losing the money; refunds and their notices are
//! recorded once however many arrive at once.

use jiff::SignedDuration;
use ticedu_domain::catalogue::HourId;
use ticedu_domain::cycle::CycleNumber;
use ticedu_domain::money::Fen;
use ticedu_store::ids::{OrderNo, RefundNo};
use ticedu_store::records::*;
use ticedu_store::*;
use ticedu_tests::fixtures::*;
use tokio::task::JoinSet;

use super::*;

/// The `n`th refund of `order` (as it stands) for `hours` and `amount`, by
/// finance: settled at once for a balance order, asked of WeChat Pay otherwise.
pub(crate) fn staff_refund(order: &Order, n: usize, hours: Vec<HourId>, amount: Fen) -> Refund {
    Refund {
        no: RefundNo::nth(&order.no, n).expect("a refund number"),
        hours,
        amount,
        reason: RefundReason::Staff {
            by: staff_name("finance"),
            note: "学员申请退款".to_owned(),
            learned: Vec::new(),
        },
        requested_at: now(),
        status: match order.channel {
            PaymentChannel::Balance => RefundStatus::Succeeded { at: now() },
            PaymentChannel::WeChatPay => RefundStatus::Requested,
        },
    }
}

pub async fn twenty_concurrent_orders_for_one_hour_hold_it_once<S: ContractStore>(store: &S) {
    let learner = funded(store, 1500).await;
    let wanted = hour("sampling", 1);
    let mut tasks = JoinSet::new();
    let orders: Vec<Order> = (0..20)
        .map(|_| pending_order(&learner.id, vec![wanted.clone(), hour("sampling", 2)]))
        .collect();
    for order in orders.clone() {
        let store = store.clone();
        tasks.spawn(async move { store.create_order(&order).await });
    }
    assert_eq!(
        tally(tasks).await,
        [
            ("Err(Refused(HourReserved))".to_owned(), 19),
            ("Ok(())".to_owned(), 1)
        ]
    );
    let mut placed = Vec::new();
    for order in &orders {
        if let Some(stored) = store.order(&order.no).await.unwrap() {
            placed.push(stored);
        }
    }
    let [holder] = placed.as_slice() else {
        panic!("{} orders stored, not one", placed.len());
    };
    // The balance cannot take a held hour either, and nothing is written.
    let bought = balance_order(&learner.id, vec![wanted.clone()]);
    assert_eq!(
        refusal(store.purchase_with_balance(&bought).await),
        Refusal::HourReserved
    );
    assert_eq!(
        assert_balance_equals_ledger(store, &learner).await,
        Fen::new(1500)
    );
    // Cancelled, the order lets the hour go at once.
    assert_eq!(
        store
            .close_order(&holder.no, now(), CloseReason::Cancelled)
            .await
            .unwrap(),
        Outcome::Applied
    );
    assert_eq!(
        store
            .close_order(&holder.no, now(), CloseReason::Cancelled)
            .await
            .unwrap(),
        Outcome::AlreadyApplied
    );
    assert!(matches!(
        store.order(&holder.no).await.unwrap().unwrap().status,
        OrderStatus::Closed {
            reason: CloseReason::Cancelled,
            ..
        }
    ));
    let bought = balance_order(&learner.id, vec![wanted.clone()]);
    assert_eq!(
        store.purchase_with_balance(&bought).await.unwrap(),
        Outcome::Applied
    );
    assert_eq!(
        refusal(
            store
                .create_order(&pending_order(&learner.id, vec![wanted]))
                .await
        ),
        Refusal::AlreadyOwned
    );
}

pub async fn an_expired_order_holds_nothing_and_its_late_payment_refunds_what_was_bought_meanwhile<
    S: ContractStore,
>(
    store: &S,
) {
    let learner = funded(store, 1500).await;
    let (first, second) = (hour("sampling", 1), hour("sampling", 2));
    let mut lapsed = pending_order(&learner.id, vec![first.clone(), second.clone()]);
    lapsed.amount = Fen::new(3001);
    lapsed.created_at = now() - SignedDuration::from_mins(45);
    lapsed.expires_at = Some(now() - SignedDuration::from_mins(15));
    store.create_order(&lapsed).await.unwrap();
    // Past its time_expire the order holds nothing, closed or not.
    let bought = balance_order(&learner.id, vec![first.clone()]);
    assert_eq!(
        store.purchase_with_balance(&bought).await.unwrap(),
        Outcome::Applied
    );
    // The learner paid it at the last moment after all: the money is taken,
    // the hour bought meanwhile stays with its purchase and its share goes back.
    let notice = notice_for(&lapsed);
    assert_eq!(
        store.apply_payment(&lapsed, &notice).await.unwrap(),
        Outcome::Applied
    );
    let paid = store.order(&lapsed.no).await.unwrap().unwrap();
    let [refund] = paid.refunds.as_slice() else {
        panic!("refunds: {:?}", paid.refunds);
    };
    assert_eq!(refund.no, RefundNo::nth(&lapsed.no, 1).unwrap());
    assert_eq!(refund.hours, std::slice::from_ref(&first));
    assert_eq!(refund.reason, RefundReason::AlreadyOwned);
    assert_eq!(refund.status, RefundStatus::Requested);
    // The price spread over the order's hours; the hour kept carries the odd fen.
    assert_eq!(refund.amount, Fen::new(1500));
    assert_eq!(paid.refundable(), Fen::new(1501));
    let mut owners: Vec<(HourId, OrderNo)> = store
        .enrollments(&learner.id)
        .await
        .unwrap()
        .into_iter()
        .map(|e| (e.hour, e.order))
        .collect();
    owners.sort();
    assert_eq!(owners, [(first, bought.no), (second, lapsed.no.clone())]);
    // The notice again changes nothing, and no second refund is recorded.
    assert_eq!(
        store.apply_payment(&paid, &notice).await.unwrap(),
        Outcome::AlreadyApplied
    );
    assert_eq!(
        store
            .order(&lapsed.no)
            .await
            .unwrap()
            .unwrap()
            .refunds
            .len(),
        1
    );
}

pub async fn closing_and_paying_one_order_at_once_ends_paid_once<S: ContractStore>(store: &S) {
    let learner = registered(store).await;
    let order = pending_order(&learner.id, (1..=5).map(|n| hour("iso-17020", n)).collect());
    store.create_order(&order).await.unwrap();
    let notice = notice_for(&order);
    let mut payments = JoinSet::new();
    let mut closings = JoinSet::new();
    for _ in 0..10 {
        let (paying, order, notice) = (store.clone(), order.clone(), notice.clone());
        let (closing, no) = (store.clone(), order.no.clone());
        payments.spawn(async move { paying.apply_payment(&order, &notice).await });
        closings.spawn(async move { closing.close_order(&no, now(), CloseReason::Expired).await });
    }
    let payments = tally(payments).await;
    assert_eq!(
        payments,
        [
            ("Ok(AlreadyApplied)".to_owned(), 9),
            ("Ok(Applied)".to_owned(), 1)
        ],
        "whether or not it was closed first, the money is taken once"
    );
    for (result, _) in tally(closings).await {
        assert!(
            [
                "Ok(Applied)",
                "Ok(AlreadyApplied)",
                "Err(Refused(OrderPaid))"
            ]
            .contains(&result.as_str()),
            "a closing ended {result}"
        );
    }
    let stored = store.order(&order.no).await.unwrap().unwrap();
    assert!(
        matches!(stored.status, OrderStatus::Paid { transaction: Some(ref t), .. } if *t == notice.transaction),
        "{:?}",
        stored.status
    );
    assert!(stored.refunds.is_empty());
    assert_eq!(store.enrollments(&learner.id).await.unwrap().len(), 5);
    assert_eq!(
        refusal(
            store
                .close_order(&order.no, now(), CloseReason::Cancelled)
                .await
        ),
        Refusal::OrderPaid
    );
}

pub async fn twenty_concurrent_refunds_of_one_order_refund_it_once<S: ContractStore>(store: &S) {
    let learner = funded(store, 3 * 1500).await;
    let hours: Vec<HourId> = (1..=3).map(|n| hour("sampling", n)).collect();
    let order = balance_order(&learner.id, hours.clone());
    store.purchase_with_balance(&order).await.unwrap();
    assert_eq!(
        assert_balance_equals_ledger(store, &learner).await,
        Fen::ZERO
    );
    let refund = staff_refund(&order, 1, hours[..2].to_vec(), Fen::new(3000));
    let audit = audit(AuditAction::OrderRefunded);
    let mut tasks = JoinSet::new();
    for _ in 0..20 {
        let (store, order, refund, audit) =
            (store.clone(), order.clone(), refund.clone(), audit.clone());
        tasks.spawn(async move { store.refund_order(&order, &refund, Some(&audit)).await });
    }
    assert_eq!(
        tally(tasks).await,
        [
            ("Ok(AlreadyApplied)".to_owned(), 19),
            ("Ok(Applied)".to_owned(), 1)
        ]
    );
    assert_eq!(
        assert_balance_equals_ledger(store, &learner).await,
        Fen::new(3000),
        "the balance is credited once"
    );
    let kept: Vec<HourId> = store
        .enrollments(&learner.id)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.hour)
        .collect();
    assert_eq!(kept, [hours[2].clone()]);
    let stored = store.order(&order.no).await.unwrap().unwrap();
    assert_eq!(stored.refunds, std::slice::from_ref(&refund));
    assert_eq!(stored.refundable(), Fen::new(1500));
    let trail = store
        .audit_trail(&first_page(AuditQuery::MAX_LIMIT))
        .await
        .unwrap();
    assert_eq!(
        trail
            .entries
            .iter()
            .filter(|entry| **entry == audit)
            .count(),
        1,
        "audited once"
    );

    // Twenty different second refunds of what is left, each numbered next
    // from the same reading: one is recorded, the rest find the order changed.
    let mut tasks = JoinSet::new();
    for n in 0..20 {
        let mut second = staff_refund(&stored, 2, vec![hours[2].clone()], Fen::new(1500));
        second.reason = RefundReason::Staff {
            by: staff_name("finance"),
            note: format!("第 {n} 次申请"),
            learned: Vec::new(),
        };
        let (store, stored) = (store.clone(), stored.clone());
        tasks.spawn(async move { store.refund_order(&stored, &second, None).await });
    }
    assert_eq!(
        tally(tasks).await,
        [
            ("Err(Refused(NotRefundable))".to_owned(), 19),
            ("Ok(Applied)".to_owned(), 1)
        ]
    );
    assert_eq!(
        assert_balance_equals_ledger(store, &learner).await,
        Fen::new(4500)
    );
    assert!(store.enrollments(&learner.id).await.unwrap().is_empty());
    let stored = store.order(&order.no).await.unwrap().unwrap();
    assert_eq!(stored.refunds.len(), 2);
    assert_eq!(stored.refundable(), Fen::ZERO);
    // Nothing is left to give back.
    let more = staff_refund(&stored, 3, Vec::new(), Fen::new(1));
    assert_eq!(
        refusal(store.refund_order(&stored, &more, None).await),
        Refusal::NotRefundable
    );
}

pub async fn a_learned_hour_is_withdrawn_only_when_staff_confirm_it<S: ContractStore>(store: &S) {
    let learner = funded(store, 2 * 1500).await;
    let (learned, unlearned) = (hour("sampling", 1), hour("sampling", 2));
    let order = balance_order(&learner.id, vec![learned.clone(), unlearned.clone()]);
    store.purchase_with_balance(&order).await.unwrap();
    store
        .mark_learned(&learner.id, &mark(&learned), CycleNumber::FIRST, 0, now())
        .await
        .unwrap();
    let both = vec![learned.clone(), unlearned.clone()];
    let unconfirmed = staff_refund(&order, 1, both.clone(), Fen::new(3000));
    assert_eq!(
        refusal(store.refund_order(&order, &unconfirmed, None).await),
        Refusal::HourLearned
    );
    assert_eq!(store.enrollments(&learner.id).await.unwrap().len(), 2);
    assert_eq!(
        assert_balance_equals_ledger(store, &learner).await,
        Fen::ZERO,
        "a refused refund gives nothing back"
    );
    assert!(
        store
            .order(&order.no)
            .await
            .unwrap()
            .unwrap()
            .refunds
            .is_empty()
    );
    let mut confirmed = unconfirmed;
    confirmed.reason = RefundReason::Staff {
        by: staff_name("finance"),
        note: "学员误购，已核实".to_owned(),
        learned: vec![learned],
    };
    assert_eq!(
        store
            .refund_order(&order, &confirmed, Some(&audit(AuditAction::OrderRefunded)))
            .await
            .unwrap(),
        Outcome::Applied
    );
    assert!(store.enrollments(&learner.id).await.unwrap().is_empty());
    assert_eq!(
        assert_balance_equals_ledger(store, &learner).await,
        Fen::new(3000)
    );
}

pub async fn twenty_concurrent_refund_notices_settle_it_once<S: ContractStore>(store: &S) {
    let learner = registered(store).await;
    let hours: Vec<HourId> = (1..=2).map(|n| hour("sampling", n)).collect();
    let order = pending_order(&learner.id, hours.clone());
    store.create_order(&order).await.unwrap();
    store
        .apply_payment(&order, &notice_for(&order))
        .await
        .unwrap();
    let paid = store.order(&order.no).await.unwrap().unwrap();
    // A balance-style (already settled) refund is not how WeChat Pay refunds.
    let mut settled = staff_refund(&paid, 1, hours.clone(), paid.amount);
    settled.status = RefundStatus::Succeeded { at: now() };
    assert_eq!(
        refusal(store.refund_order(&paid, &settled, None).await),
        Refusal::NotRefundable
    );
    let refund = staff_refund(&paid, 1, hours, paid.amount);
    assert_eq!(
        store.refund_order(&paid, &refund, None).await.unwrap(),
        Outcome::Applied
    );
    assert!(store.enrollments(&learner.id).await.unwrap().is_empty());

    let succeeded = RefundStatus::Succeeded { at: now() };
    let mut tasks = JoinSet::new();
    for _ in 0..20 {
        let (store, no, status) = (store.clone(), refund.no.clone(), succeeded.clone());
        tasks.spawn(async move { store.settle_refund(&no, &status).await });
    }
    assert_eq!(
        tally(tasks).await,
        [
            ("Ok(AlreadyApplied)".to_owned(), 19),
            ("Ok(Applied)".to_owned(), 1)
        ]
    );
    let stored = store.order(&order.no).await.unwrap().unwrap();
    assert_eq!(stored.refunds[0].status, succeeded);
    // Another end for a settled refund contradicts it.
    let failed = RefundStatus::Failed {
        at: now(),
        state: "ABNORMAL".to_owned(),
    };
    assert_eq!(
        refusal(store.settle_refund(&refund.no, &failed).await),
        Refusal::NoticeMismatch
    );
    assert_eq!(
        store.order(&order.no).await.unwrap().unwrap().refunds[0].status,
        succeeded
    );
    for unknown in [
        RefundNo::nth(&order.no, 2).unwrap(),
        RefundNo::nth(&order_no(), 1).unwrap(),
    ] {
        assert_eq!(
            refusal(store.settle_refund(&unknown, &succeeded).await),
            Refusal::UnknownRefund
        );
    }
}
