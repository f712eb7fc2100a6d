//! The store contract on the DynamoDB adapter, against a real
//! DynamoDB-compatible server (moto) on loopback, each test on its own table;
//! and the adapter's own promise: every write is exactly one request.

use std::ops::Deref;
use ticedu_domain::cycle::CycleNumber;

use ticedu_domain::learner::TitleCheck;
use ticedu_domain::money::Fen;
use ticedu_store::records::*;
use ticedu_store::*;
use ticedu_store_dynamodb::{DynamoStore, RequestCounter};
use ticedu_tests::dynamodb_server::fresh_store;
use ticedu_tests::fixtures::*;

struct Fresh(DynamoStore);

impl Deref for Fresh {
    type Target = DynamoStore;
    fn deref(&self) -> &DynamoStore {
        &self.0
    }
}

async fn fresh() -> Fresh {
    Fresh(fresh_store().await.0)
}

crate::store_contract::store_contract_tests!(fresh);

/// Runs `write` and asserts it sent exactly one request.
async fn one_request<T>(counter: &RequestCounter, what: &str, write: impl Future<Output = T>) -> T {
    let before = counter.count();
    let result = write.await;
    assert_eq!(counter.count() - before, 1, "{what} must be one request");
    result
}

/// Runs `write` and asserts it sent `reads` reads and then one request.
async fn one_write_after_reads<T>(
    counter: &RequestCounter,
    what: &str,
    reads: u64,
    write: impl Future<Output = T>,
) -> T {
    let before = counter.count();
    let result = write.await;
    assert_eq!(
        counter.count() - before,
        reads + 1,
        "{what} must be {reads} reads and one write"
    );
    result
}

#[tokio::test]
async fn every_write_operation_is_exactly_one_request() {
    let (store, counter) = fresh_store().await;
    let learner = new_learner();
    one_request(&counter, "register", store.create_learner(&learner))
        .await
        .unwrap();
    one_request(
        &counter,
        "set password",
        store.set_password_hash(&learner.id, "$argon2id$x"),
    )
    .await
    .unwrap();
    one_request(
        &counter,
        "set returning",
        store.set_returning(&learner.id, true, &audit(AuditAction::ReturningSet)),
    )
    .await
    .unwrap();
    one_request(
        &counter,
        "bind a WeChat openid",
        store.bind_wechat_openid(
            &learner.id,
            &ticedu_domain::wechat_pay::OpenId::parse("oUpF8uMuAJO_M2pxb1Q9zNjWeS6o").unwrap(),
        ),
    )
    .await
    .unwrap();

    let card = card(Fen::from_yuan(600));
    one_request(
        &counter,
        "issue cards",
        store.issue_cards(
            std::slice::from_ref(&card),
            &audit(AuditAction::CardsIssued),
        ),
    )
    .await
    .unwrap();
    one_request(
        &counter,
        "redeem card",
        store.redeem_card(&card, &learner.id, now()),
    )
    .await
    .unwrap();

    let bought = balance_order(&learner.id, (1..=40).map(|n| hour("sampling", n)).collect());
    one_request(&counter, "purchase", store.purchase_with_balance(&bought))
        .await
        .unwrap();
    // A timed mark reads the open lesson and the hour's banked time (two
    // concurrent GetItems) before its one write; so does opening a lesson.
    let lesson = bought.hours[0].clone();
    one_write_after_reads(
        &counter,
        "open lesson",
        2,
        store.open_lesson(&learner.id, &lesson, CycleNumber::FIRST, now()),
    )
    .await
    .unwrap();
    one_write_after_reads(
        &counter,
        "mark learned",
        2,
        store.mark_learned(&learner.id, &mark(&lesson), CycleNumber::FIRST, 0, now()),
    )
    .await
    .unwrap();
    one_write_after_reads(
        &counter,
        "mark learned again",
        2,
        store.mark_learned(&learner.id, &mark(&lesson), CycleNumber::FIRST, 0, now()),
    )
    .await
    .unwrap();

    let pending = pending_order(
        &learner.id,
        (1..=30).map(|n| hour("iso-17020", n)).collect(),
    );
    one_request(&counter, "create order", store.create_order(&pending))
        .await
        .unwrap();
    // Reads the learner's enrollments and reservations, then one transaction.
    one_write_after_reads(
        &counter,
        "apply payment",
        2,
        store.apply_payment(&pending, &notice_for(&pending)),
    )
    .await
    .unwrap();
    let abandoned = pending_order(&learner.id, vec![hour("iso-17020", 31)]);
    store.create_order(&abandoned).await.unwrap();
    // Reads the order and its reservations, then one transaction.
    one_write_after_reads(
        &counter,
        "close order",
        2,
        store.close_order(&abandoned.no, now(), CloseReason::Cancelled),
    )
    .await
    .unwrap();

    let registration = RenewalRegistration {
        details: holder_details(),
        filed_at: now(),
        status: FilingStatus::Filed,
        overdue: false,
        cycle: CycleNumber::FIRST,
        decision: None,
    };
    one_request(
        &counter,
        "file renewal",
        store.file_renewal(&learner.id, &registration),
    )
    .await
    .unwrap();
    one_request(
        &counter,
        "title check",
        store.set_title_check(
            &learner.id,
            TitleCheck::Confirmed,
            &audit(AuditAction::TitleCheckDecided),
        ),
    )
    .await
    .unwrap();
    let application = CertificateApplication {
        learning_started_on: TODAY,
        note: String::new(),
        filed_at: now(),
        status: FilingStatus::Filed,
        form: None,
        cycle: CycleNumber::FIRST,
        decision: None,
    };
    store
        .file_application(&learner.id, &application)
        .await
        .unwrap();
    let decision = StaffDecision {
        by: "staff".to_owned(),
        at: now(),
        reason: None,
    };
    one_request(
        &counter,
        "decide filing",
        store.decide_filing(
            &learner.id,
            FilingKind::Application,
            CycleNumber::FIRST,
            true,
            &decision,
            &audit(AuditAction::ApplicationDecided),
        ),
    )
    .await
    .unwrap();

    let certificate = certificate_for(&learner);
    let closing = closing_for(&learner, &certificate).accepting(FilingKind::Renewal, None);
    one_request(
        &counter,
        "issue certificate, closing the cycle",
        store.issue_certificate(&certificate, &closing, None),
    )
    .await
    .unwrap();
    one_request(
        &counter,
        "revoke certificate",
        store.revoke_certificate(
            &certificate.no,
            "test",
            now(),
            &audit(AuditAction::CertificateRevoked),
        ),
    )
    .await
    .unwrap();

    let invoice = invoice_for(&learner.id, &[&bought]);
    one_request(&counter, "request invoice", store.request_invoice(&invoice))
        .await
        .unwrap();
    one_request(
        &counter,
        "mark invoice issued",
        store.mark_invoice_issued(
            &invoice.id,
            &ticedu_tests::fixtures::issued_invoice(),
            &audit(AuditAction::InvoiceIssued),
        ),
    )
    .await
    .unwrap();

    let window = ThrottleWindow::containing(now(), 900);
    one_request(
        &counter,
        "login failure",
        store.record_login_failure(&learner.username_key, window),
    )
    .await
    .unwrap();
    one_request(
        &counter,
        "clear failures",
        store.clear_login_failures(&learner.username_key, window),
    )
    .await
    .unwrap();
}

#[tokio::test]
async fn the_table_holds_no_id_number_or_username_in_any_key() {
    let (store, _) = fresh_store().await;
    let learner = new_learner();
    store.create_learner(&learner).await.unwrap();
    // And a person not registered yet: their imported certificate and prior record.
    let person = new_learner();
    store
        .import_certificate(
            &person.account_key,
            &imported_certificate(&person),
            &audit(AuditAction::CertificateImported),
        )
        .await
        .unwrap();
    let scan = store
        .client()
        .scan()
        .table_name(store.table_name())
        .send()
        .await
        .unwrap();
    for item in scan.items() {
        for key in ["pk", "sk", "gsi1pk", "gsi1sk"] {
            if let Some(value) = item.get(key).and_then(|value| value.as_s().ok()) {
                for id_number in [&learner.id_number, &person.id_number] {
                    assert!(
                        !value.contains(id_number.expose()),
                        "{key} holds the ID number"
                    );
                }
                assert!(
                    !value.contains(learner.username.as_str()),
                    "{key} holds the username"
                );
            }
        }
    }
}

/// What the platform stored before cycles existed: the same items without
/// `cycle` (profiles, orders, enrollments, marks, filings, certificates).
/// They read as the first cycle, and that cycle closes as any other.
#[tokio::test]
async fn records_stored_before_cycles_read_as_the_first_cycle() {
    let (store, _) = fresh_store().await;
    let legacy = crate::store_contract::seed_legacy(&store).await;

    // Back to the old format: no item carries a cycle.
    let client = store.client();
    let items = client
        .scan()
        .table_name(store.table_name())
        .send()
        .await
        .unwrap();
    let mut stripped = 0;
    for item in items
        .items()
        .iter()
        .filter(|item| item.contains_key("cycle"))
    {
        client
            .update_item()
            .table_name(store.table_name())
            .key("pk", item["pk"].clone())
            .key("sk", item["sk"].clone())
            .update_expression("REMOVE #cycle")
            .expression_attribute_names("#cycle", "cycle")
            .send()
            .await
            .unwrap();
        stripped += 1;
    }
    assert!(
        stripped >= 5,
        "profile, order, enrollment, mark, renewal: {stripped}"
    );
    crate::store_contract::legacy_records_read_as_the_first_cycle(&store, &legacy).await;
}

#[tokio::test]
async fn importing_a_certificate_is_one_read_of_the_account_and_one_write() {
    let (store, counter) = fresh_store().await;
    let person = new_learner();
    let certificate = imported_certificate(&person);
    let before = counter.count();
    let outcome = store
        .import_certificate(
            &person.account_key,
            &certificate,
            &audit(AuditAction::CertificateImported),
        )
        .await
        .unwrap();
    assert_eq!(outcome, Outcome::Applied);
    assert_eq!(
        counter.count() - before,
        2,
        "GetItem account, TransactWriteItems"
    );
}
