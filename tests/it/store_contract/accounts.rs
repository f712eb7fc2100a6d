//! The store contract: Registration, the learner record and login throttling.

use std::sync::Arc;

use ticedu_domain::money::Fen;
use ticedu_domain::wechat_pay::OpenId;
use ticedu_store::records::*;
use ticedu_store::*;
use ticedu_tests::fixtures::*;
use tokio::task::JoinSet;

use super::*;

pub async fn registering_the_same_id_number_twice_keeps_one_account<S: ContractStore>(store: &S) {
    let first = registered(store).await;
    let mut again = new_learner_with(0, new_kind());
    again.id_number = first.id_number.clone();
    again.account_key = first.account_key.clone();
    assert_eq!(
        refusal(store.create_learner(&again).await),
        Refusal::AccountExists
    );
    assert!(
        store.learner(&again.id).await.unwrap().is_none(),
        "the refused account must not exist"
    );
    assert!(store.learner(&first.id).await.unwrap().is_some());
}

pub async fn concurrent_registrations_of_one_id_number_create_exactly_one_account<
    S: ContractStore,
>(
    store: &S,
) {
    let template = new_learner();
    let mut tasks = JoinSet::new();
    for attempt in 0..20 {
        let store = store.clone();
        let mut learner = template.clone();
        learner.id = learner_id();
        // Different usernames, so that only the ID number's uniqueness can stop them.
        learner.username_key = new_learner_with(1_000 + attempt, new_kind()).username_key;
        tasks.spawn(async move { (learner.id.clone(), store.create_learner(&learner).await) });
    }
    let mut created = Vec::new();
    while let Some(joined) = tasks.join_next().await {
        match joined.unwrap() {
            (id, Ok(())) => created.push(id),
            (_, Err(StoreError::Refused(Refusal::AccountExists))) => {}
            (_, other) => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(created.len(), 1, "exactly one registration wins");
    let winner = store
        .learner(&created[0])
        .await
        .unwrap()
        .expect("winner stored");
    let by_username = store
        .learner_by_username(&winner.registration.username_key)
        .await
        .unwrap()
        .expect("found by username");
    assert_eq!(by_username.id(), &created[0]);
}

pub async fn a_second_person_with_the_same_username_is_refused<S: ContractStore>(store: &S) {
    let first = registered(store).await;
    let mut other = new_learner();
    other.username_key = first.username_key.clone();
    assert_eq!(
        refusal(store.create_learner(&other).await),
        Refusal::UsernameTaken
    );
    // Nothing of the refused registration stays behind: its ID number is still free.
    other.username_key = new_learner().username_key;
    store
        .create_learner(&other)
        .await
        .expect("the ID number was not taken by the refused attempt");
}

pub async fn a_wechat_openid_is_bound_to_its_learner_and_rebinding_replaces_it<S: ContractStore>(
    store: &S,
) {
    let learner = registered(store).await;
    let other = registered(store).await;
    let stored = store.learner(&learner.id).await.unwrap().unwrap();
    assert_eq!(stored.wechat_openid, None, "a new learner has none");

    let first = OpenId::parse("oUpF8uMuAJO_M2pxb1Q9zNjWeS6o").unwrap();
    store.bind_wechat_openid(&learner.id, &first).await.unwrap();
    let bound = store.learner(&learner.id).await.unwrap().unwrap();
    assert_eq!(bound.wechat_openid.as_ref(), Some(&first));
    assert_eq!(
        (bound.registration, bound.balance, bound.cycle),
        (stored.registration, stored.balance, stored.cycle),
        "nothing else changes"
    );
    let by_username = store
        .learner_by_username(&learner.username_key)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(by_username.wechat_openid.as_ref(), Some(&first));
    assert_eq!(
        store
            .learner(&other.id)
            .await
            .unwrap()
            .unwrap()
            .wechat_openid,
        None,
        "another learner is untouched"
    );

    let second = OpenId::parse("oAnotherWeChatAccount-2").unwrap();
    store
        .bind_wechat_openid(&learner.id, &second)
        .await
        .unwrap();
    assert_eq!(
        store
            .learner(&learner.id)
            .await
            .unwrap()
            .unwrap()
            .wechat_openid,
        Some(second)
    );
    assert_eq!(
        refusal(store.bind_wechat_openid(&learner_id(), &first).await),
        Refusal::UnknownLearner
    );
    assert!(
        store.learner(&learner_id()).await.unwrap().is_none(),
        "binding creates no learner"
    );
}

pub async fn a_learner_is_found_by_username_and_changes_are_kept<S: ContractStore>(store: &S) {
    let learner = registered(store).await;
    let found = store
        .learner_by_username(&learner.username_key)
        .await
        .unwrap()
        .expect("found");
    assert_eq!(found.registration, learner);
    assert_eq!(
        (found.balance, found.marked_hours, found.returning),
        (Fen::ZERO, 0, false)
    );
    assert!(
        store
            .learner_by_username(&new_learner().username_key)
            .await
            .unwrap()
            .is_none()
    );

    store
        .set_password_hash(&learner.id, "$argon2id$new")
        .await
        .unwrap();
    store
        .set_returning(&learner.id, true, &audit(AuditAction::ReturningSet))
        .await
        .unwrap();
    let changed = store.learner(&learner.id).await.unwrap().unwrap();
    assert_eq!(changed.registration.password_hash, "$argon2id$new");
    assert!(changed.returning);
    assert_eq!(
        refusal(
            store
                .set_returning(&learner_id(), true, &audit(AuditAction::ReturningSet))
                .await
        ),
        Refusal::UnknownLearner
    );
}

pub async fn login_failures_are_counted_per_window_and_cleared<S: ContractStore>(store: &S) {
    let key = new_learner().username_key;
    let start = now();
    let window = ThrottleWindow::containing(start, 900);
    assert_eq!(store.login_failures(&key, window).await.unwrap(), 0);
    let store = Arc::new(store.clone());
    let mut tasks = JoinSet::new();
    for _ in 0..5 {
        let (store, key) = (Arc::clone(&store), key.clone());
        tasks.spawn(async move { store.record_login_failure(&key, window).await });
    }
    while let Some(result) = tasks.join_next().await {
        result.unwrap().unwrap();
    }
    assert_eq!(
        store.login_failures(&key, window).await.unwrap(),
        5,
        "concurrent failures are all counted"
    );
    let next = ThrottleWindow::containing(
        start.checked_add(jiff::Span::new().seconds(900)).unwrap(),
        900,
    );
    assert_eq!(
        store.record_login_failure(&key, next).await.unwrap(),
        1,
        "a new window starts from zero"
    );
    store.clear_login_failures(&key, next).await.unwrap();
    assert_eq!(store.login_failures(&key, next).await.unwrap(), 0);
}

pub async fn twenty_concurrent_uses_are_each_counted_once_per_window<S: ContractStore>(store: &S) {
    let key = RateKey::name_checks(&certificate_for(&new_learner()).no);
    let start = now();
    let window = ThrottleWindow::containing(start, 86_400);
    let mut tasks = JoinSet::new();
    for _ in 0..20 {
        let (store, key) = (store.clone(), key.clone());
        tasks.spawn(async move { store.count_use(&key, window).await });
    }
    let mut counts = Vec::new();
    while let Some(result) = tasks.join_next().await {
        counts.push(result.unwrap().unwrap());
    }
    counts.sort_unstable();
    assert_eq!(
        counts,
        (1..=20).collect::<Vec<u32>>(),
        "each use sees its own count"
    );
    let other = RateKey::name_checks(&certificate_for(&new_learner()).no);
    assert_eq!(
        store.count_use(&other, window).await.unwrap(),
        1,
        "keys count apart"
    );
    let next = ThrottleWindow::containing(start + jiff::SignedDuration::from_hours(24), 86_400);
    assert_eq!(
        store.count_use(&key, next).await.unwrap(),
        1,
        "a new window starts from zero"
    );
}
