//! Accounts, their look-ups and login throttling under injected faults.

use ticedu_domain::contact::PhoneNumber;
use ticedu_domain::identity::LookupKey;
use ticedu_domain::wechat_pay::OpenId;
use ticedu_store::records::*;
use ticedu_store::*;
use ticedu_tests::fixtures::*;

use super::{Case, times_audited};
use crate::store_contract::registered;

pub(super) async fn create_learner(case: Case) {
    let learner = new_learner();
    case.strike();
    case.create_learner(&learner).await.unwrap();
    let stored = case.learner_by_username(&learner.username_key).await;
    assert_eq!(
        stored.unwrap().map(|stored| stored.id().clone()),
        Some(learner.id)
    );
}

pub(super) async fn set_password_hash(case: Case) {
    let learner = registered(&*case).await;
    case.strike();
    case.set_password_hash(&learner.id, "$argon2id$new")
        .await
        .unwrap();
    let stored = case.learner(&learner.id).await.unwrap().unwrap();
    assert_eq!(stored.registration.password_hash, "$argon2id$new");
}

pub(super) async fn correct_learner(case: Case) {
    let learner = registered(&*case).await;
    let phone = PhoneNumber::parse("13900139000").unwrap();
    let corrected = NewLearner {
        lookups: LookupKey::all_of(&learner.name, Some(&phone), None, &secret()),
        phone: Some(phone),
        ..learner.clone()
    };
    let entry = audit(AuditAction::LearnerCorrected);
    case.strike();
    case.correct_learner(&corrected, &learner.username_key, Some(&entry))
        .await
        .unwrap();
    let stored = case.learner(&learner.id).await.unwrap().unwrap();
    assert_eq!(stored.registration.phone, corrected.phone);
    assert_eq!(times_audited(&case, &entry).await, 1);
}

pub(super) async fn set_returning(case: Case) {
    let learner = registered(&*case).await;
    let entry = audit(AuditAction::ReturningSet);
    case.strike();
    case.set_returning(&learner.id, true, &entry).await.unwrap();
    assert!(case.learner(&learner.id).await.unwrap().unwrap().returning);
    assert_eq!(times_audited(&case, &entry).await, 1);
}

pub(super) async fn bind_wechat_openid(case: Case) {
    let learner = registered(&*case).await;
    let openid = OpenId::parse("oUpF8uMuAJO_M2pxb1Q9zNjWeS6o").unwrap();
    case.strike();
    case.bind_wechat_openid(&learner.id, &openid).await.unwrap();
    let stored = case.learner(&learner.id).await.unwrap().unwrap();
    assert_eq!(stored.wechat_openid, Some(openid));
}

pub(super) async fn index_lookups(case: Case) {
    let learner = registered(&*case).await;
    let phone = PhoneNumber::parse("13900139000").unwrap();
    let keys = LookupKey::all_of(&learner.name, Some(&phone), None, &secret());
    case.strike();
    case.index_lookups(&learner.id, &keys).await.unwrap();
    for key in &keys {
        assert_eq!(
            case.learners_by_lookup(key, 10).await.unwrap(),
            std::slice::from_ref(&learner.id)
        );
    }
}

pub(super) async fn record_login_failure(case: Case) {
    let learner = registered(&*case).await;
    let window = ThrottleWindow::containing(now(), 900);
    case.record_login_failure(&learner.username_key, window)
        .await
        .unwrap();
    case.strike();
    let counted = case
        .record_login_failure(&learner.username_key, window)
        .await;
    assert_eq!(counted.unwrap(), 2, "the second failure answers two");
    assert_eq!(
        case.login_failures(&learner.username_key, window)
            .await
            .unwrap(),
        2,
        "the second failure is counted once"
    );
}

pub(super) async fn count_use(case: Case) {
    let key = RateKey::name_checks(&certificate_for(&new_learner()).no);
    let window = ThrottleWindow::containing(now(), 300);
    case.count_use(&key, window).await.unwrap();
    case.strike();
    assert_eq!(
        case.count_use(&key, window).await.unwrap(),
        2,
        "the second use answers two"
    );
    assert_eq!(
        case.count_use(&key, window).await.unwrap(),
        3,
        "the second use was counted once"
    );
}

pub(super) async fn clear_login_failures(case: Case) {
    let learner = registered(&*case).await;
    let window = ThrottleWindow::containing(now(), 900);
    case.record_login_failure(&learner.username_key, window)
        .await
        .unwrap();
    case.strike();
    case.clear_login_failures(&learner.username_key, window)
        .await
        .unwrap();
    assert_eq!(
        case.login_failures(&learner.username_key, window)
            .await
            .unwrap(),
        0
    );
}
