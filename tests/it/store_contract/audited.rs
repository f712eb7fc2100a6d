//! The store contract: every staff write records its audit entry in the same
//! transaction as its change: after the write the entry is in the trail
//! (and the learner's, when it concerns one); after a refused write it is not.

use ticedu_domain::cycle::CycleNumber;
use ticedu_domain::learner::TitleCheck;
use ticedu_domain::money::Fen;
use ticedu_store::records::*;
use ticedu_store::*;
use ticedu_tests::fixtures::*;

use super::*;

/// Whether `entry` is in the whole trail, and in its learner's.
pub(super) async fn recorded<S: ContractStore>(store: &S, entry: &AuditEntry) -> bool {
    let page = store
        .audit_trail(&first_page(AuditQuery::MAX_LIMIT))
        .await
        .unwrap();
    let in_trail = page.entries.contains(entry);
    if let Some(learner) = &entry.learner {
        let in_learners = store
            .learner_audit_trail(learner)
            .await
            .unwrap()
            .contains(entry);
        assert_eq!(in_trail, in_learners, "both trails or neither: {entry:?}");
    }
    in_trail
}

pub async fn card_writes_are_audited_with_their_change<S: ContractStore>(store: &S) {
    let card = card(Fen::from_yuan(100));
    let issued = audit(AuditAction::CardsIssued);
    store
        .issue_cards(std::slice::from_ref(&card), &issued)
        .await
        .unwrap();
    assert!(recorded(store, &issued).await, "issue_cards");
    let again = audit(AuditAction::CardsIssued);
    assert_eq!(
        refusal(store.issue_cards(std::slice::from_ref(&card), &again).await),
        Refusal::CardExists
    );
    assert!(!recorded(store, &again).await, "a refused issue_cards");

    let voided = audit(AuditAction::CardVoided).subject(card.code.to_string());
    store.void_card(&card.code, now(), &voided).await.unwrap();
    assert!(recorded(store, &voided).await, "void_card");
    let twice = audit(AuditAction::CardVoided);
    assert_eq!(
        refusal(store.void_card(&card.code, now(), &twice).await),
        Refusal::CardVoided
    );
    assert!(!recorded(store, &twice).await, "a refused void_card");
}

pub async fn learner_writes_are_audited_with_their_change<S: ContractStore>(store: &S) {
    let learner = registered(store).await;
    let unknown = learner_id();
    let granted = audit(AuditAction::ReturningSet).learner(&learner.id);
    store
        .set_returning(&learner.id, true, &granted)
        .await
        .unwrap();
    assert!(recorded(store, &granted).await, "set_returning");
    let nobody = audit(AuditAction::ReturningSet).learner(&unknown);
    assert_eq!(
        refusal(store.set_returning(&unknown, true, &nobody).await),
        Refusal::UnknownLearner
    );
    assert!(!recorded(store, &nobody).await, "a refused set_returning");

    let checked = audit(AuditAction::TitleCheckDecided).learner(&learner.id);
    store
        .set_title_check(&learner.id, TitleCheck::Confirmed, &checked)
        .await
        .unwrap();
    assert!(recorded(store, &checked).await, "set_title_check");
    let nobody = audit(AuditAction::TitleCheckDecided).learner(&unknown);
    assert_eq!(
        refusal(
            store
                .set_title_check(&unknown, TitleCheck::Confirmed, &nobody)
                .await
        ),
        Refusal::UnknownLearner
    );
    assert!(!recorded(store, &nobody).await, "a refused set_title_check");
}

pub async fn a_decision_is_audited_once<S: ContractStore>(store: &S) {
    let learner = registered(store).await;
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
        by: "tester".to_owned(),
        at: now(),
        reason: None,
    };
    let decide = |entry: AuditEntry| {
        let (learner, decision) = (learner.id.clone(), decision.clone());
        async move {
            let outcome = store
                .decide_filing(
                    &learner,
                    FilingKind::Application,
                    CycleNumber::FIRST,
                    true,
                    &decision,
                    &entry,
                )
                .await;
            (outcome, entry)
        }
    };
    let (outcome, approved) =
        decide(audit(AuditAction::ApplicationDecided).learner(&learner.id)).await;
    assert_eq!(outcome.unwrap(), Outcome::Applied);
    assert!(recorded(store, &approved).await, "decide_filing");
    let (outcome, repeated) =
        decide(audit(AuditAction::ApplicationDecided).learner(&learner.id)).await;
    assert_eq!(outcome.unwrap(), Outcome::AlreadyApplied);
    assert!(
        !recorded(store, &repeated).await,
        "the same verdict again is not audited again"
    );
    let reversed = audit(AuditAction::ApplicationDecided).learner(&learner.id);
    assert_eq!(
        refusal(
            store
                .decide_filing(
                    &learner.id,
                    FilingKind::Application,
                    CycleNumber::FIRST,
                    false,
                    &decision,
                    &reversed,
                )
                .await
        ),
        Refusal::FilingDecided
    );
    assert!(!recorded(store, &reversed).await, "a refused decide_filing");
}

pub async fn certificate_writes_are_audited_with_their_change<S: ContractStore>(store: &S) {
    let learner = registered(store).await;
    let certificate = certificate_for(&learner);
    let issued = audit(AuditAction::OverdueRenewalDecided)
        .learner(&learner.id)
        .subject(certificate.no.to_string());
    store
        .issue_certificate(
            &certificate,
            &closing_for(&learner, &certificate),
            Some(&issued),
        )
        .await
        .unwrap();
    assert!(recorded(store, &issued).await, "issue_certificate by staff");
    let again = audit(AuditAction::OverdueRenewalDecided).learner(&learner.id);
    let second = certificate_for(&learner);
    assert_eq!(
        refusal(
            store
                .issue_certificate(&second, &closing_for(&learner, &second), Some(&again))
                .await
        ),
        Refusal::CycleClosed
    );
    assert!(
        !recorded(store, &again).await,
        "a refused issue_certificate"
    );

    let revoked = audit(AuditAction::CertificateRevoked).learner(&learner.id);
    store
        .revoke_certificate(&certificate.no, "测试", now(), &revoked)
        .await
        .unwrap();
    assert!(recorded(store, &revoked).await, "revoke_certificate");
    let twice = audit(AuditAction::CertificateRevoked).learner(&learner.id);
    assert_eq!(
        refusal(
            store
                .revoke_certificate(&certificate.no, "测试", now(), &twice)
                .await
        ),
        Refusal::AlreadyRevoked
    );
    assert!(
        !recorded(store, &twice).await,
        "a refused revoke_certificate"
    );
}

pub async fn invoice_and_import_writes_are_audited_with_their_change<S: ContractStore>(store: &S) {
    let learner = funded(store, 1500).await;
    let paid = balance_order(&learner.id, vec![hour("sampling", 1)]);
    store.purchase_with_balance(&paid).await.unwrap();
    let request = invoice_for(&learner.id, &[&paid]);
    store.request_invoice(&request).await.unwrap();
    let issued = audit(AuditAction::InvoiceIssued).learner(&learner.id);
    store
        .mark_invoice_issued(&request.id, &issued)
        .await
        .unwrap();
    assert!(recorded(store, &issued).await, "mark_invoice_issued");
    let twice = audit(AuditAction::InvoiceIssued).learner(&learner.id);
    assert_eq!(
        refusal(store.mark_invoice_issued(&request.id, &twice).await),
        Refusal::InvoiceAlreadyIssued
    );
    assert!(
        !recorded(store, &twice).await,
        "a refused mark_invoice_issued"
    );

    // The store names the learner the certificate is stored under.
    let person = new_learner();
    let certificate = imported_certificate(&person);
    let imported = audit(AuditAction::CertificateImported).subject(certificate.no.to_string());
    store
        .import_certificate(&person.account_key, &certificate, &imported)
        .await
        .unwrap();
    let theirs = store
        .learner_audit_trail(&certificate.learner)
        .await
        .unwrap();
    assert_eq!(theirs.len(), 1, "import_certificate");
    assert_eq!(theirs[0].nonce, imported.nonce);
    assert!(recorded(store, &theirs[0]).await);
    let again = audit(AuditAction::CertificateImported);
    assert_eq!(
        store
            .import_certificate(&person.account_key, &certificate, &again)
            .await
            .unwrap(),
        Outcome::AlreadyApplied
    );
    assert_eq!(
        store
            .learner_audit_trail(&certificate.learner)
            .await
            .unwrap()
            .len(),
        1,
        "an import changing nothing is not audited"
    );
}
