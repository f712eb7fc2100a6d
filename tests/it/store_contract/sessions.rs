//! The store contract: learners' sessions, from log-in to log-out.

use jiff::SignedDuration;
use ticedu_store::ids::SessionId;
use ticedu_store::records::*;
use ticedu_tests::fixtures::*;

use super::*;

fn session_of(learner: &NewLearner, id: &str, hours: i64) -> Session {
    Session {
        id: SessionId::parse(id).unwrap(),
        learner: learner.id.clone(),
        started_at: now(),
        ends_at: now() + SignedDuration::from_hours(hours),
    }
}

pub async fn a_session_is_open_until_its_end_or_its_log_out<S: ContractStore>(store: &S) {
    let learner = registered(store).await;
    let session = session_of(&learner, "0123456789abcdef0123456789abcdef", 1);
    store.start_session(&session).await.unwrap();
    store.start_session(&session).await.unwrap();
    assert_eq!(
        store.session(&session.id, now()).await.unwrap(),
        Some(session.clone()),
        "a repeated start stores the same session"
    );
    let last_second = session.ends_at - SignedDuration::from_secs(1);
    assert!(
        store
            .session(&session.id, last_second)
            .await
            .unwrap()
            .is_some()
    );
    assert_eq!(
        store.session(&session.id, session.ends_at).await.unwrap(),
        None,
        "over at its end, whether or not the store forgot it yet"
    );

    store.end_session(&session.id).await.unwrap();
    assert_eq!(store.session(&session.id, now()).await.unwrap(), None);
    store.end_session(&session.id).await.unwrap();
    assert_eq!(store.session(&session.id, now()).await.unwrap(), None);
}

pub async fn ending_one_session_leaves_the_others<S: ContractStore>(store: &S) {
    let learner = registered(store).await;
    let phone = session_of(&learner, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 1);
    let desk = session_of(&learner, "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", 1);
    store.start_session(&phone).await.unwrap();
    store.start_session(&desk).await.unwrap();
    store.end_session(&phone.id).await.unwrap();
    assert_eq!(store.session(&desk.id, now()).await.unwrap(), Some(desk));
    let never = SessionId::parse("cccccccccccccccccccccccccccccccc").unwrap();
    assert_eq!(store.session(&never, now()).await.unwrap(), None);
    store.end_session(&never).await.unwrap();
}

pub async fn a_later_log_in_forgets_nothing_still_open<S: ContractStore>(store: &S) {
    let learner = registered(store).await;
    let short = session_of(&learner, "dddddddddddddddddddddddddddddddd", 1);
    let long = session_of(&learner, "eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee", 3);
    store.start_session(&short).await.unwrap();
    store.start_session(&long).await.unwrap();
    let mut later = session_of(&learner, "ffffffffffffffffffffffffffffffff", 3);
    later.started_at = now() + SignedDuration::from_hours(2);
    later.ends_at = now() + SignedDuration::from_hours(5);
    store.start_session(&later).await.unwrap();
    let at = later.started_at;
    assert_eq!(store.session(&short.id, at).await.unwrap(), None);
    assert_eq!(store.session(&long.id, at).await.unwrap(), Some(long));
    assert_eq!(store.session(&later.id, at).await.unwrap(), Some(later));
}

fn code_of(learner: &NewLearner, digest: &str, minutes: i64) -> RecoveryCode {
    RecoveryCode {
        learner: learner.id.clone(),
        digest: digest.to_owned(),
        issued_at: now(),
        ends_at: now() + SignedDuration::from_mins(minutes),
        wrong_guesses: 0,
        used: false,
    }
}

async fn password_hash<S: ContractStore>(store: &S, learner: &NewLearner) -> String {
    store
        .learner(&learner.id)
        .await
        .unwrap()
        .unwrap()
        .registration
        .password_hash
}

pub async fn a_recovery_code_sets_the_password_once<S: ContractStore>(store: &S) {
    let learner = registered(store).await;
    assert_eq!(
        recover(store, &learner, "right", "$new").await,
        Recovery::NoCode,
        "no code asked for"
    );
    store
        .save_recovery_code(&code_of(&learner, "right", 15))
        .await
        .unwrap();
    assert_eq!(
        recover(store, &learner, "wrong", "$new").await,
        Recovery::WrongCode
    );
    assert_eq!(password_hash(store, &learner).await, learner.password_hash);
    assert_eq!(
        recover(store, &learner, "right", "$new").await,
        Recovery::Recovered
    );
    assert_eq!(password_hash(store, &learner).await, "$new");
    assert_eq!(
        recover(store, &learner, "right", "$newer").await,
        Recovery::NoCode,
        "used once"
    );
    assert_eq!(password_hash(store, &learner).await, "$new");
}

pub async fn a_recovery_code_ends_with_its_time_or_its_wrong_guesses<S: ContractStore>(store: &S) {
    let learner = registered(store).await;
    let code = code_of(&learner, "right", 15);
    store.save_recovery_code(&code).await.unwrap();
    assert_eq!(
        store
            .recover_password(&learner.id, "right", "$new", code.ends_at)
            .await
            .unwrap(),
        Recovery::NoCode,
        "expired at its end"
    );
    store.save_recovery_code(&code).await.unwrap();
    for _ in 0..RecoveryCode::MAX_WRONG_GUESSES {
        assert_eq!(
            recover(store, &learner, "wrong", "$new").await,
            Recovery::WrongCode
        );
    }
    assert_eq!(
        recover(store, &learner, "right", "$new").await,
        Recovery::NoCode,
        "void after too many wrong guesses"
    );
    let fresh = code_of(&learner, "fresh", 15);
    store.save_recovery_code(&fresh).await.unwrap();
    assert_eq!(
        recover(store, &learner, "right", "$new").await,
        Recovery::WrongCode,
        "a new code replaces the last"
    );
    assert_eq!(
        recover(store, &learner, "fresh", "$new").await,
        Recovery::Recovered
    );
    assert_eq!(password_hash(store, &learner).await, "$new");
}

pub async fn twenty_concurrent_recoveries_with_one_code_recover_once<S: ContractStore>(store: &S) {
    let learner = registered(store).await;
    store
        .save_recovery_code(&code_of(&learner, "right", 15))
        .await
        .unwrap();
    let mut tasks = tokio::task::JoinSet::new();
    for attempt in 0..20 {
        let (store, id) = (store.clone(), learner.id.clone());
        tasks.spawn(async move {
            store
                .recover_password(&id, "right", &format!("$new{attempt}"), now())
                .await
                .map(|outcome| outcome == Recovery::Recovered)
        });
    }
    assert_eq!(
        tally(tasks).await,
        vec![("Ok(false)".to_owned(), 19), ("Ok(true)".to_owned(), 1)]
    );
}

/// The learner's password recovered with `code` now, to `new_hash`: what the store answers.
async fn recover<S: ContractStore>(
    store: &S,
    learner: &NewLearner,
    code: &str,
    new_hash: &str,
) -> Recovery {
    store
        .recover_password(&learner.id, code, new_hash, now())
        .await
        .unwrap()
}
