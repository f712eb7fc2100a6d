//! Cards, orders, refunds, invoices and reconciliation under injected faults:
//! the balance always equals the ledger, and each order, enrollment and
//! refund is there once.

use jiff::civil::date;
use ticedu_domain::money::Fen;
use ticedu_store::ids::LearnerId;
use ticedu_store::records::*;
use ticedu_store::*;
use ticedu_tests::fixtures::*;

use super::{Case, times_audited};
use crate::store_contract::{
    assert_balance_equals_ledger, funded, refusal, registered, report, staff_refund,
};

async fn issued(case: &Case, value: u64) -> StudyCard {
    let card = card(Fen::new(value));
    case.issue_cards(
        std::slice::from_ref(&card),
        &audit(AuditAction::CardsIssued),
    )
    .await
    .unwrap();
    card
}

async fn hours_of(case: &Case, learner: &LearnerId) -> usize {
    case.enrollments(learner).await.unwrap().len()
}

pub(super) async fn issue_cards(case: Case) {
    let cards = [card(Fen::new(600)), card(Fen::new(900))];
    let entry = audit(AuditAction::CardsIssued);
    case.strike();
    case.issue_cards(&cards, &entry).await.unwrap();
    assert_eq!(case.cards().await.unwrap().len(), 2);
    assert_eq!(times_audited(&case, &entry).await, 1);
}

pub(super) async fn void_card(case: Case) {
    let card = issued(&case, 600).await;
    let entry = audit(AuditAction::CardVoided);
    case.strike();
    case.void_card(&card.code, now(), &entry).await.unwrap();
    assert!(
        case.card(&card.code)
            .await
            .unwrap()
            .unwrap()
            .voided
            .is_some()
    );
    assert_eq!(times_audited(&case, &entry).await, 1);
}

pub(super) async fn redeem_card(case: Case) {
    let learner = registered(&*case).await;
    let card = issued(&case, 600).await;
    case.strike();
    let redeemed = case.redeem_card(&card, &learner.id, now()).await;
    assert!(redeemed.is_ok(), "the card was credited: {redeemed:?}");
    assert_eq!(
        assert_balance_equals_ledger(&*case, &learner).await,
        Fen::new(600),
        "credited once"
    );
    assert_eq!(case.ledger(&learner.id).await.unwrap().len(), 1);
}

pub(super) async fn redeem_card_redeemed_by_another(case: Case) {
    let first = registered(&*case).await;
    let second = registered(&*case).await;
    let card = issued(&case, 600).await;
    case.redeem_card(&card, &first.id, now()).await.unwrap();
    case.strike();
    assert_eq!(
        refusal(case.redeem_card(&card, &second.id, now()).await),
        Refusal::CardAlreadyRedeemed
    );
    assert_eq!(
        assert_balance_equals_ledger(&*case, &second).await,
        Fen::ZERO
    );
}

pub(super) async fn purchase_with_balance(case: Case) {
    let learner = funded(&*case, 3000).await;
    let order = balance_order(&learner.id, vec![hour("sampling", 1), hour("sampling", 2)]);
    case.strike();
    assert_eq!(
        case.purchase_with_balance(&order).await.unwrap(),
        Outcome::Applied
    );
    assert_eq!(
        assert_balance_equals_ledger(&*case, &learner).await,
        Fen::ZERO,
        "paid once"
    );
    assert_eq!(hours_of(&case, &learner.id).await, 2);
    assert_eq!(case.orders_of(&learner.id).await.unwrap().len(), 1);
}

pub(super) async fn purchase_beyond_the_balance(case: Case) {
    let learner = funded(&*case, 1500).await;
    let order = balance_order(&learner.id, vec![hour("sampling", 1), hour("sampling", 2)]);
    case.strike();
    assert_eq!(
        refusal(case.purchase_with_balance(&order).await),
        Refusal::InsufficientBalance
    );
    assert_eq!(
        assert_balance_equals_ledger(&*case, &learner).await,
        Fen::new(1500)
    );
    assert_eq!(hours_of(&case, &learner.id).await, 0);
}

pub(super) async fn create_order(case: Case) {
    let learner = registered(&*case).await;
    let order = pending_order(&learner.id, vec![hour("sampling", 1)]);
    case.strike();
    case.create_order(&order).await.unwrap();
    assert_eq!(case.order(&order.no).await.unwrap(), Some(order));
}

pub(super) async fn close_order(case: Case) {
    let learner = registered(&*case).await;
    let order = pending_order(&learner.id, vec![hour("sampling", 1)]);
    case.create_order(&order).await.unwrap();
    case.strike();
    assert_eq!(
        case.close_order(&order.no, now(), CloseReason::Cancelled)
            .await
            .unwrap(),
        Outcome::Applied
    );
    let stored = case.order(&order.no).await.unwrap().unwrap();
    assert!(matches!(stored.status, OrderStatus::Closed { .. }));
}

pub(super) async fn apply_payment(case: Case) {
    let learner = registered(&*case).await;
    let order = pending_order(&learner.id, vec![hour("sampling", 1), hour("sampling", 2)]);
    case.create_order(&order).await.unwrap();
    case.strike();
    assert_eq!(
        case.apply_payment(&order, &notice_for(&order))
            .await
            .unwrap(),
        Outcome::Applied
    );
    assert_eq!(hours_of(&case, &learner.id).await, 2);
    let stored = case.order(&order.no).await.unwrap().unwrap();
    assert!(matches!(stored.status, OrderStatus::Paid { .. }));
    assert!(stored.refunds.is_empty(), "nothing refunded as owned twice");
}

pub(super) async fn refund_order(case: Case) {
    let learner = funded(&*case, 3000).await;
    let hours = vec![hour("sampling", 1), hour("sampling", 2)];
    let order = balance_order(&learner.id, hours.clone());
    case.purchase_with_balance(&order).await.unwrap();
    let refund = staff_refund(&order, 1, hours[..1].to_vec(), Fen::new(1500));
    let entry = audit(AuditAction::OrderRefunded);
    case.strike();
    assert_eq!(
        case.refund_order(&order, &refund, Some(&entry))
            .await
            .unwrap(),
        Outcome::Applied
    );
    assert_eq!(
        assert_balance_equals_ledger(&*case, &learner).await,
        Fen::new(1500),
        "refunded once"
    );
    assert_eq!(hours_of(&case, &learner.id).await, 1);
    let stored = case.order(&order.no).await.unwrap().unwrap();
    assert_eq!(stored.refunds, [refund]);
    assert_eq!(times_audited(&case, &entry).await, 1);
}

pub(super) async fn settle_refund(case: Case) {
    let learner = registered(&*case).await;
    let hours = vec![hour("sampling", 1)];
    let order = pending_order(&learner.id, hours.clone());
    case.create_order(&order).await.unwrap();
    case.apply_payment(&order, &notice_for(&order))
        .await
        .unwrap();
    let paid = case.order(&order.no).await.unwrap().unwrap();
    let refund = staff_refund(&paid, 1, hours, paid.amount);
    case.refund_order(&paid, &refund, None).await.unwrap();
    let succeeded = RefundStatus::Succeeded { at: now() };
    case.strike();
    assert_eq!(
        case.settle_refund(&refund.no, &succeeded).await.unwrap(),
        Outcome::Applied
    );
    let stored = case.order(&order.no).await.unwrap().unwrap();
    assert_eq!(stored.refunds.len(), 1);
    assert_eq!(stored.refunds[0].status, succeeded);
}

pub(super) async fn request_invoice(case: Case) {
    let learner = funded(&*case, 1500).await;
    let order = balance_order(&learner.id, vec![hour("sampling", 1)]);
    case.purchase_with_balance(&order).await.unwrap();
    let invoice = invoice_for(&learner.id, &[&order]);
    case.strike();
    case.request_invoice(&invoice).await.unwrap();
    assert_eq!(case.invoice(&invoice.id).await.unwrap(), Some(invoice));
}

pub(super) async fn mark_invoice_issued(case: Case) {
    let learner = funded(&*case, 1500).await;
    let order = balance_order(&learner.id, vec![hour("sampling", 1)]);
    case.purchase_with_balance(&order).await.unwrap();
    let invoice = invoice_for(&learner.id, &[&order]);
    case.request_invoice(&invoice).await.unwrap();
    let entry = audit(AuditAction::InvoiceIssued);
    case.strike();
    case.mark_invoice_issued(&invoice.id, &issued_invoice(), &entry)
        .await
        .unwrap();
    let stored = case.invoice(&invoice.id).await.unwrap().unwrap();
    assert_eq!(stored.status, InvoiceStatus::Issued);
    assert_eq!(times_audited(&case, &entry).await, 1);
}

pub(super) async fn save_reconciliation(case: Case) {
    let day = date(2026, 12, 1);
    let saved = report(day, "2026-12-02T10:00:00+08:00", &["TIC1"]);
    case.strike();
    case.save_reconciliation(&saved).await.unwrap();
    let stored = case.reconciliation(day).await.unwrap().unwrap();
    assert_eq!(stored.report, saved);
}

pub(super) async fn resolve_mismatch(case: Case) {
    let day = date(2026, 12, 1);
    let learner = registered(&*case).await;
    let order = pending_order(&learner.id, vec![hour("sampling", 1)]);
    let no = order.no.to_string();
    case.save_reconciliation(&report(day, "2026-12-02T10:00:00+08:00", &[&no]))
        .await
        .unwrap();
    let entry = audit(AuditAction::MissingPaymentApplied).subject(no);
    let resolution = Resolution {
        order: order.no.clone(),
        transaction: notice_for(&order).transaction,
        by: entry.by.clone(),
        at: now(),
    };
    case.strike();
    assert_eq!(
        case.resolve_mismatch(day, &resolution, &entry)
            .await
            .unwrap(),
        Outcome::Applied
    );
    let stored = case.reconciliation(day).await.unwrap().unwrap();
    assert_eq!(stored.resolutions, [resolution]);
    assert_eq!(times_audited(&case, &entry).await, 1);
}
