//! The store contract: What waits for staff, and certificates: filings, title checks, overdue renewals.

use ticedu_domain::cycle::CycleNumber;
use ticedu_domain::learner::{LearnerCategory, TitleCheck};
use ticedu_store::records::*;
use ticedu_store::*;
use ticedu_tests::fixtures::*;

use super::*;

pub async fn filings_can_be_corrected_until_accepted<S: ContractStore>(store: &S) {
    let learner = registered(store).await;
    assert!(
        store
            .renewal(&learner.id, CycleNumber::FIRST)
            .await
            .unwrap()
            .is_none()
    );
    let mut registration = RenewalRegistration {
        details: holder_details(),
        filed_at: now(),
        status: FilingStatus::Filed,
        overdue: false,
        cycle: CycleNumber::FIRST,
        decision: None,
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
        store
            .renewal(&learner.id, CycleNumber::FIRST)
            .await
            .unwrap()
            .unwrap(),
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
        form: None,
        cycle: CycleNumber::FIRST,
        decision: None,
    };
    store
        .file_application(&learner.id, &application)
        .await
        .unwrap();
    assert_eq!(
        store
            .application(&learner.id, CycleNumber::FIRST)
            .await
            .unwrap()
            .unwrap(),
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
        cycle: CycleNumber::FIRST,
        decision: None,
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
    let titled = new_learner_with(ticedu_tests::fixtures::id_number_seed(), titled_kind());
    store.create_learner(&titled).await.unwrap();
    let plain = registered(store).await;
    let stored = store.learner(&titled.id).await.unwrap().unwrap();
    assert_eq!(stored.category(), LearnerCategory::Titled);
    assert_eq!(stored.title_check, Some(TitleCheck::Pending));
    let pending = store.pending_title_checks().await.unwrap();
    assert!(pending.contains(&titled.id));
    assert!(!pending.contains(&plain.id));
    store
        .set_title_check(
            &titled.id,
            TitleCheck::Confirmed,
            &audit(AuditAction::TitleCheckDecided),
        )
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
    store
        .issue_certificate(&certificate, &closing_for(&learner, &certificate), None)
        .await
        .unwrap();
    assert_eq!(
        refusal(
            store
                .issue_certificate(&certificate, &closing_for(&learner, &certificate), None)
                .await
        ),
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
        .revoke_certificate(
            &certificate.no,
            "资料不实",
            at,
            &audit(AuditAction::CertificateRevoked),
        )
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
                .revoke_certificate(
                    &certificate.no,
                    "again",
                    now(),
                    &audit(AuditAction::CertificateRevoked)
                )
                .await
        ),
        Refusal::AlreadyRevoked
    );
    let unknown = certificate_for(&learner).no;
    assert_eq!(
        refusal(
            store
                .revoke_certificate(
                    &unknown,
                    "x",
                    now(),
                    &audit(AuditAction::CertificateRevoked)
                )
                .await
        ),
        Refusal::UnknownCertificate
    );
    assert!(store.certificate(&unknown).await.unwrap().is_none());
}
