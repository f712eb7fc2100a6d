//! Sessions and recovery codes under injected faults: a log-in's session is
//! there, a log-out's is gone, a code recovers once, however often the
//! write was sent.

use jiff::SignedDuration;
use ticedu_store::ids::SessionId;
use ticedu_store::records::{Recovery, RecoveryCode, Session};
use ticedu_store::*;
use ticedu_tests::fixtures::*;

use super::Case;
use crate::store_contract::registered;

fn session_of(learner: &ticedu_store::records::NewLearner) -> Session {
    Session {
        id: SessionId::parse("0123456789abcdef0123456789abcdef").unwrap(),
        learner: learner.id.clone(),
        started_at: now(),
        ends_at: now() + SignedDuration::from_hours(1),
    }
}

pub(super) async fn start_session(case: Case) {
    let learner = registered(&*case).await;
    let session = session_of(&learner);
    case.strike();
    case.start_session(&session).await.unwrap();
    assert_eq!(
        case.session(&session.id, now()).await.unwrap(),
        Some(session)
    );
}

pub(super) async fn end_session(case: Case) {
    let learner = registered(&*case).await;
    let session = session_of(&learner);
    case.start_session(&session).await.unwrap();
    case.strike();
    case.end_session(&session.id).await.unwrap();
    assert_eq!(case.session(&session.id, now()).await.unwrap(), None);
}

fn code_of(learner: &ticedu_store::records::NewLearner) -> RecoveryCode {
    RecoveryCode {
        learner: learner.id.clone(),
        digest: "right".to_owned(),
        issued_at: now(),
        ends_at: now() + SignedDuration::from_mins(15),
        wrong_guesses: 0,
        used: false,
    }
}

pub(super) async fn save_recovery_code(case: Case) {
    let learner = registered(&*case).await;
    case.strike();
    case.save_recovery_code(&code_of(&learner)).await.unwrap();
    assert_eq!(
        case.recover_password(&learner.id, "right", "$new", now())
            .await
            .unwrap(),
        Recovery::Recovered
    );
}

pub(super) async fn recover_password(case: Case) {
    let learner = registered(&*case).await;
    case.save_recovery_code(&code_of(&learner)).await.unwrap();
    case.strike();
    let recovered = case
        .recover_password(&learner.id, "right", "$new", now())
        .await;
    assert_eq!(recovered.unwrap(), Recovery::Recovered);
    let stored = case.learner(&learner.id).await.unwrap().unwrap();
    assert_eq!(stored.registration.password_hash, "$new");
    assert_eq!(
        case.recover_password(&learner.id, "right", "$newer", now())
            .await
            .unwrap(),
        Recovery::NoCode,
        "used once"
    );
}
