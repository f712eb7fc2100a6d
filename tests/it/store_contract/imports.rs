//! The store contract: certificates imported from the association's register
//! and the earlier renewals they show (R12, R21).

use ticedu_store::ids::LearnerId;
use ticedu_store::records::*;
use ticedu_store::*;
use ticedu_tests::fixtures::*;
use tokio::task::JoinSet;

use super::*;

pub async fn an_imported_certificate_waits_under_the_id_its_holder_will_register_with<
    S: ContractStore,
>(
    store: &S,
) {
    let person = new_learner();
    let certificate = imported_certificate(&person);
    let prepared = LearnerId::of_account(&person.account_key);
    assert_eq!(certificate.learner, prepared);
    assert_eq!(
        store
            .import_certificate(
                &person.account_key,
                &certificate,
                &audit(AuditAction::CertificateImported)
            )
            .await
            .unwrap(),
        Outcome::Applied
    );
    assert_eq!(
        store.certificate(&certificate.no).await.unwrap(),
        Some(certificate.clone())
    );
    assert_eq!(
        store.certificates_of(&prepared).await.unwrap(),
        std::slice::from_ref(&certificate)
    );
    assert_eq!(
        store.prior_record(&person.account_key).await.unwrap(),
        Some(PriorRecord {
            certificates: vec![certificate.no.clone()]
        })
    );
    assert!(
        store.learner(&prepared).await.unwrap().is_none(),
        "no account is made for them"
    );

    let second = imported_certificate(&person);
    store
        .import_certificate(
            &person.account_key,
            &second,
            &audit(AuditAction::CertificateImported),
        )
        .await
        .unwrap();
    assert_eq!(
        store
            .prior_record(&person.account_key)
            .await
            .unwrap()
            .unwrap()
            .certificates,
        [certificate.no, second.no]
    );
}

pub async fn importing_the_same_certificate_again_changes_nothing<S: ContractStore>(store: &S) {
    let person = new_learner();
    let certificate = imported_certificate(&person);
    store
        .import_certificate(
            &person.account_key,
            &certificate,
            &audit(AuditAction::CertificateImported),
        )
        .await
        .unwrap();
    let mut tasks = JoinSet::new();
    for _ in 0..20 {
        let (store, account, certificate) = (
            store.clone(),
            person.account_key.clone(),
            certificate.clone(),
        );
        tasks.spawn(async move {
            store
                .import_certificate(
                    &account,
                    &certificate,
                    &audit(AuditAction::CertificateImported),
                )
                .await
        });
    }
    while let Some(joined) = tasks.join_next().await {
        assert_eq!(joined.unwrap().unwrap(), Outcome::AlreadyApplied);
    }
    assert_eq!(
        store
            .prior_record(&person.account_key)
            .await
            .unwrap()
            .unwrap()
            .certificates,
        std::slice::from_ref(&certificate.no),
        "the number is noted once"
    );
    assert_eq!(
        store
            .certificates_of(&certificate.learner)
            .await
            .unwrap()
            .len(),
        1
    );
}

pub async fn another_certificate_under_an_imported_number_is_refused_not_overwritten<
    S: ContractStore,
>(
    store: &S,
) {
    let person = new_learner();
    let certificate = imported_certificate(&person);
    store
        .import_certificate(
            &person.account_key,
            &certificate,
            &audit(AuditAction::CertificateImported),
        )
        .await
        .unwrap();

    let mut changed = imported_certificate(&person);
    changed.no = certificate.no.clone();
    changed.hours = 30;
    changed.data_hash = "1".repeat(64);
    assert_eq!(
        refusal(
            store
                .import_certificate(
                    &person.account_key,
                    &changed,
                    &audit(AuditAction::CertificateImported)
                )
                .await
        ),
        Refusal::CertificateExists
    );
    let someone_else = new_learner();
    let mut theirs = certificate.clone();
    theirs.learner = LearnerId::of_account(&someone_else.account_key);
    assert_eq!(
        refusal(
            store
                .import_certificate(
                    &someone_else.account_key,
                    &theirs,
                    &audit(AuditAction::CertificateImported)
                )
                .await
        ),
        Refusal::CertificateExists
    );
    assert_eq!(
        store.certificate(&certificate.no).await.unwrap(),
        Some(certificate)
    );
    assert!(
        store
            .prior_record(&someone_else.account_key)
            .await
            .unwrap()
            .is_none(),
        "a refused import notes nothing"
    );
}

pub async fn a_person_registering_after_an_import_is_returning_and_has_their_certificates<
    S: ContractStore,
>(
    store: &S,
) {
    let mut person = new_learner();
    let certificate = imported_certificate(&person);
    store
        .import_certificate(
            &person.account_key,
            &certificate,
            &audit(AuditAction::CertificateImported),
        )
        .await
        .unwrap();

    // Registering as if nothing were imported is refused: the caller looked too early.
    assert_eq!(
        refusal(store.create_learner(&person).await),
        Refusal::PriorRecordChanged
    );
    person.id = LearnerId::of_account(&person.account_key);
    store.create_learner(&person).await.unwrap();
    let stored = store.learner(&person.id).await.unwrap().unwrap();
    assert!(stored.returning, "R12: took part in an earlier renewal");
    assert_eq!(
        store.certificates_of(&person.id).await.unwrap(),
        [certificate]
    );

    // And the prepared id is not for someone nothing was imported for.
    let mut stranger = new_learner();
    stranger.id = LearnerId::of_account(&stranger.account_key);
    assert_eq!(
        refusal(store.create_learner(&stranger).await),
        Refusal::PriorRecordChanged
    );
    assert!(store.learner(&stranger.id).await.unwrap().is_none());
}

pub async fn an_import_for_a_registered_person_marks_their_account_returning<S: ContractStore>(
    store: &S,
) {
    let learner = registered(store).await;
    assert!(!store.learner(&learner.id).await.unwrap().unwrap().returning);
    let certificate = imported_certificate(&learner);
    assert_eq!(
        store
            .import_certificate(
                &learner.account_key,
                &certificate,
                &audit(AuditAction::CertificateImported)
            )
            .await
            .unwrap(),
        Outcome::Applied
    );
    assert!(store.learner(&learner.id).await.unwrap().unwrap().returning);
    let stored = store.certificate(&certificate.no).await.unwrap().unwrap();
    assert_eq!(stored.learner, learner.id, "under their existing account");
    assert_eq!(stored.data_hash, certificate.data_hash);
    assert_eq!(
        store.certificates_of(&learner.id).await.unwrap(),
        std::slice::from_ref(&stored)
    );
    assert_eq!(
        store
            .import_certificate(
                &learner.account_key,
                &certificate,
                &audit(AuditAction::CertificateImported)
            )
            .await
            .unwrap(),
        Outcome::AlreadyApplied
    );
}
