//! Marks, lessons, filings and certificates under injected faults: one mark,
//! one filing and one certificate however often the write was sent.

use ticedu_domain::cycle::CycleNumber;
use ticedu_domain::learner::{DocumentNumber, TitleCheck};
use ticedu_store::records::*;
use ticedu_store::*;
use ticedu_tests::fixtures::*;

use super::{Case, times_audited};
use crate::store_contract::{funded, registered};

/// A learner who bought the first sampling hour from their balance.
async fn owning_an_hour(case: &Case) -> NewLearner {
    let learner = funded(&**case, 1500).await;
    let order = balance_order(&learner.id, vec![hour("sampling", 1)]);
    case.purchase_with_balance(&order).await.unwrap();
    learner
}

fn application() -> CertificateApplication {
    CertificateApplication {
        learning_started_on: TODAY,
        note: String::new(),
        filed_at: now(),
        status: FilingStatus::Filed,
        form: None,
        cycle: CycleNumber::FIRST,
        decision: None,
    }
}

pub(super) async fn mark_learned(case: Case) {
    let learner = owning_an_hour(&case).await;
    case.strike();
    let marked = case
        .mark_learned(
            &learner.id,
            &mark(&hour("sampling", 1)),
            CycleNumber::FIRST,
            0,
            now(),
        )
        .await;
    assert_eq!(marked.unwrap(), Outcome::Applied);
    assert_eq!(case.marks(&learner.id).await.unwrap().len(), 1);
    let stored = case.learner(&learner.id).await.unwrap().unwrap();
    assert_eq!(stored.marked_hours, 1, "counted once");
}

pub(super) async fn open_lesson(case: Case) {
    let learner = owning_an_hour(&case).await;
    let lesson = hour("sampling", 1);
    let at = now();
    case.strike();
    let opened = case
        .open_lesson(&learner.id, &lesson, CycleNumber::FIRST, at)
        .await;
    assert_eq!(opened.unwrap().open_since, Some(at));
    let open = case.open_lesson_of(&learner.id).await.unwrap().unwrap();
    assert_eq!((open.hour, open.since), (lesson, at));
}

pub(super) async fn file_renewal(case: Case) {
    let learner = registered(&*case).await;
    let registration = RenewalRegistration {
        details: holder_details(),
        filed_at: now(),
        status: FilingStatus::Filed,
        overdue: false,
        cycle: CycleNumber::FIRST,
        decision: None,
    };
    case.strike();
    case.file_renewal(&learner.id, &registration).await.unwrap();
    assert_eq!(
        case.renewal(&learner.id, CycleNumber::FIRST).await.unwrap(),
        Some(registration)
    );
}

pub(super) async fn file_application(case: Case) {
    let learner = registered(&*case).await;
    let application = application();
    case.strike();
    case.file_application(&learner.id, &application)
        .await
        .unwrap();
    assert_eq!(
        case.application(&learner.id, CycleNumber::FIRST)
            .await
            .unwrap(),
        Some(application)
    );
}

pub(super) async fn decide_filing(case: Case) {
    let learner = registered(&*case).await;
    case.file_application(&learner.id, &application())
        .await
        .unwrap();
    let decision = StaffDecision {
        by: "staff".to_owned(),
        at: now(),
        reason: None,
    };
    let entry = audit(AuditAction::ApplicationDecided);
    case.strike();
    let decided = case
        .decide_filing(
            &learner.id,
            FilingKind::Application,
            CycleNumber::FIRST,
            true,
            &decision,
            &entry,
        )
        .await;
    assert_eq!(decided.unwrap(), Outcome::Applied);
    let stored = case.application(&learner.id, CycleNumber::FIRST).await;
    assert_eq!(stored.unwrap().unwrap().status, FilingStatus::Accepted);
    assert_eq!(times_audited(&case, &entry).await, 1);
}

pub(super) async fn set_title_check(case: Case) {
    let learner = new_learner_with(id_number_seed(), titled_kind());
    case.create_learner(&learner).await.unwrap();
    let entry = audit(AuditAction::TitleCheckDecided);
    case.strike();
    case.set_title_check(&learner.id, TitleCheck::Confirmed, &entry)
        .await
        .unwrap();
    let stored = case.learner(&learner.id).await.unwrap().unwrap();
    assert_eq!(stored.title_check, Some(TitleCheck::Confirmed));
    assert_eq!(times_audited(&case, &entry).await, 1);
}

pub(super) async fn file_returning_claim(case: Case) {
    let learner = registered(&*case).await;
    let claim = ReturningClaim {
        certificate_no: DocumentNumber::parse("CIE-2015-0042").unwrap(),
        expires_on: jiff::civil::date(2023, 7, 6),
        note: String::new(),
        filed_at: now(),
        status: FilingStatus::Filed,
        decision: None,
    };
    case.strike();
    case.file_returning_claim(&learner.id, &claim)
        .await
        .unwrap();
    assert_eq!(
        case.returning_claim(&learner.id).await.unwrap(),
        Some(claim)
    );
}

pub(super) async fn issue_certificate(case: Case) {
    let learner = registered(&*case).await;
    let certificate = certificate_for(&learner);
    case.strike();
    let issued = case
        .issue_certificate(&certificate, &closing_for(&learner, &certificate), None)
        .await;
    assert!(issued.is_ok(), "the certificate was issued: {issued:?}");
    assert_eq!(
        case.certificates_of(&learner.id).await.unwrap(),
        [certificate]
    );
    let stored = case.learner(&learner.id).await.unwrap().unwrap();
    assert_eq!(stored.cycle, CycleNumber::FIRST.next(), "closed once");
}

pub(super) async fn reissue_certificate(case: Case) {
    let learner = registered(&*case).await;
    let old = certificate_for(&learner);
    case.issue_certificate(&old, &closing_for(&learner, &old), None)
        .await
        .unwrap();
    let new = certificate_for(&learner);
    let entry = audit(AuditAction::CertificateReissued);
    case.strike();
    let reissued = case
        .reissue_certificate(&old.no, &new, "姓名有误", now(), &entry)
        .await;
    assert!(
        reissued.is_ok(),
        "the certificate was reissued: {reissued:?}"
    );
    let valid: Vec<_> = case
        .certificates_of(&learner.id)
        .await
        .unwrap()
        .into_iter()
        .filter(|certificate| certificate.status == CertificateStatus::Valid)
        .map(|certificate| certificate.no)
        .collect();
    assert_eq!(valid, [new.no]);
    assert_eq!(times_audited(&case, &entry).await, 1);
}

pub(super) async fn revoke_certificate(case: Case) {
    let learner = registered(&*case).await;
    let certificate = certificate_for(&learner);
    case.issue_certificate(&certificate, &closing_for(&learner, &certificate), None)
        .await
        .unwrap();
    let entry = audit(AuditAction::CertificateRevoked);
    case.strike();
    let revoked = case
        .revoke_certificate(&certificate.no, "test", now(), &entry)
        .await;
    assert!(revoked.is_ok(), "the certificate was revoked: {revoked:?}");
    let stored = case.certificate(&certificate.no).await.unwrap().unwrap();
    assert_ne!(stored.status, CertificateStatus::Valid);
    assert_eq!(times_audited(&case, &entry).await, 1);
}

pub(super) async fn import_certificate(case: Case) {
    let person = new_learner();
    let certificate = imported_certificate(&person);
    let entry = audit(AuditAction::CertificateImported);
    case.strike();
    let imported = case
        .import_certificate(&person.account_key, &certificate, &entry)
        .await;
    assert_eq!(imported.unwrap(), Outcome::Applied);
    let prior = case.prior_record(&person.account_key).await.unwrap();
    assert_eq!(prior.unwrap().certificates, [certificate.no], "noted once");
    // The import's entry names the learner the certificate is stored under.
    let entry = AuditEntry {
        learner: Some(certificate.learner.clone()),
        ..entry
    };
    assert_eq!(times_audited(&case, &entry).await, 1);
}
