//! The store contract: reconciliation with WeChat Pay's trade bill. An
//! applied payment is found under its bill's day (WeChat Pay's success time,
//! not its notice's arrival), once however often it is applied; a day's
//! report is replaced by a later run and keeps staff's resolutions, each
//! recorded once with its audit entry.

use jiff::Timestamp;
use jiff::civil::date;
use ticedu_domain::money::Fen;
use ticedu_domain::reconciliation::{Mismatch, MismatchKind};
use ticedu_store::records::*;
use ticedu_store::*;
use ticedu_tests::fixtures::*;

use super::audited::recorded;
use super::*;

fn at(text: &str) -> Timestamp {
    text.parse().expect("an instant")
}

async fn pending<S: ContractStore>(store: &S) -> Order {
    let learner = registered(store).await;
    let order = pending_order(&learner.id, vec![hour("sampling", 1)]);
    store.create_order(&order).await.unwrap();
    order
}

pub async fn applied_payments_are_found_by_their_bill_day_once<S: ContractStore>(store: &S) {
    // Paid at 23:59:58 on the 1st, noticed at 00:00:03 on the 2nd (China time).
    let late = pending(store).await;
    let late_notice = PaymentNotice {
        paid_at: at("2026-12-02T00:00:03+08:00"),
        success_time: Some(at("2026-12-01T23:59:58+08:00")),
        ..notice_for(&late)
    };
    // A notice without a success time is dated by its arrival.
    let plain = pending(store).await;
    let plain_notice = PaymentNotice {
        paid_at: at("2026-12-02T09:00:00+08:00"),
        ..notice_for(&plain)
    };
    for _ in 0..3 {
        store.apply_payment(&late, &late_notice).await.unwrap();
    }
    store.apply_payment(&plain, &plain_notice).await.unwrap();
    // A refused notice is not a payment of any day.
    let refused = pending(store).await;
    let wrong_amount = PaymentNotice {
        amount: Fen::new(1),
        paid_at: at("2026-12-01T12:00:00+08:00"),
        ..notice_for(&refused)
    };
    assert!(store.apply_payment(&refused, &wrong_amount).await.is_err());

    assert_eq!(
        store.payments_on(date(2026, 12, 1)).await.unwrap(),
        [late_notice]
    );
    assert_eq!(
        store.payments_on(date(2026, 12, 2)).await.unwrap(),
        [plain_notice]
    );
    assert_eq!(store.payments_on(date(2026, 11, 30)).await.unwrap(), []);
}

pub(crate) fn report(
    day: jiff::civil::Date,
    run_at: &str,
    orders: &[&str],
) -> ReconciliationReport {
    ReconciliationReport {
        day,
        run_at: at(run_at),
        bill_payments: 3,
        bill_refunds: 1,
        applied_payments: 2,
        mismatches: orders
            .iter()
            .map(|order| Mismatch {
                kind: MismatchKind::MissingHere,
                order: (*order).to_owned(),
                transaction: "4200000000000000000000000001".to_owned(),
                bill_amount: Some(Fen::new(60_000)),
                our_amount: Some(Fen::new(60_000)),
                traded_at: Some(at("2026-12-01T12:00:00+08:00")),
            })
            .collect(),
    }
}

pub async fn a_days_report_is_replaced_by_a_later_run_and_keeps_staffs_resolutions<
    S: ContractStore,
>(
    store: &S,
) {
    let day = date(2026, 12, 1);
    assert_eq!(store.reconciliation(day).await.unwrap(), None);
    let order = pending(store).await;
    let first = report(day, "2026-12-02T10:00:00+08:00", &[order.no.as_str()]);
    store.save_reconciliation(&first).await.unwrap();
    let found = store.reconciliation(day).await.unwrap().expect("saved");
    assert_eq!((found.report, found.resolutions), (first, vec![]));

    let resolution = Resolution {
        order: order.no.clone(),
        transaction: notice_for(&order).transaction,
        by: audit(AuditAction::MissingPaymentApplied).by,
        at: at("2026-12-02T10:05:00+08:00"),
    };
    let applied = audit(AuditAction::MissingPaymentApplied).subject(order.no.to_string());
    assert_eq!(
        store
            .resolve_mismatch(day, &resolution, &applied)
            .await
            .unwrap(),
        Outcome::Applied
    );
    assert!(recorded(store, &applied).await, "resolve_mismatch");
    let again = audit(AuditAction::MissingPaymentApplied).subject(order.no.to_string());
    assert_eq!(
        store
            .resolve_mismatch(day, &resolution, &again)
            .await
            .unwrap(),
        Outcome::AlreadyApplied
    );
    assert!(!recorded(store, &again).await, "a second resolution");

    let second = report(day, "2026-12-02T11:00:00+08:00", &[]);
    store.save_reconciliation(&second).await.unwrap();
    let found = store.reconciliation(day).await.unwrap().expect("saved");
    assert_eq!(
        (found.report, found.resolutions),
        (second, vec![resolution])
    );
    assert_eq!(store.reconciliation(date(2026, 12, 2)).await.unwrap(), None);
}
