//! The store contract: timed lessons (issue 17). One lesson open at a time,
//! time banked per hour across sittings, and a mark only after the lesson's
//! length, with the seconds studied recorded on it.

use jiff::{SignedDuration, Timestamp};
use ticedu_domain::catalogue::HourId;
use ticedu_domain::cycle::CycleNumber;
use ticedu_store::records::{LessonTime, OpenLesson};
use ticedu_store::*;
use ticedu_tests::fixtures::*;
use tokio::task::JoinSet;

use super::*;

const FIRST: CycleNumber = CycleNumber::FIRST;

/// A fixed instant, so that every duration below is exact.
fn at(seconds: i64) -> Timestamp {
    Timestamp::from_second(1_800_000_000).unwrap() + SignedDuration::from_secs(seconds)
}

/// A learner who bought `count` sampling hours.
async fn with_hours<S: ContractStore>(store: &S, count: u16) -> (NewLearner, Vec<HourId>) {
    let learner = funded(store, u64::from(count) * 1500).await;
    let hours: Vec<_> = (1..=count).map(|n| hour("sampling", n)).collect();
    store
        .purchase_with_balance(&balance_order(&learner.id, hours.clone()))
        .await
        .unwrap();
    (learner, hours)
}

async fn open<S: ContractStore>(store: &S, learner: &NewLearner, hour: &HourId, seconds: i64) {
    store
        .open_lesson(&learner.id, hour, FIRST, at(seconds))
        .await
        .expect("opening a lesson");
}

async fn time<S: ContractStore>(store: &S, learner: &NewLearner, hour: &HourId) -> LessonTime {
    store.lesson_time(&learner.id, hour, FIRST).await.unwrap()
}

pub async fn opening_a_lesson_closes_the_open_one_and_banks_its_time<S: ContractStore>(store: &S) {
    let (learner, hours) = with_hours(store, 2).await;
    assert_eq!(store.open_lesson_of(&learner.id).await.unwrap(), None);
    let opened = store
        .open_lesson(&learner.id, &hours[0], FIRST, at(0))
        .await
        .unwrap();
    assert_eq!(
        opened,
        LessonTime {
            banked_seconds: 0,
            open_since: Some(at(0))
        }
    );

    let opened = store
        .open_lesson(&learner.id, &hours[1], FIRST, at(300))
        .await
        .unwrap();

    assert_eq!(opened.open_since, Some(at(300)));
    assert_eq!(
        time(store, &learner, &hours[0]).await,
        LessonTime {
            banked_seconds: 300,
            open_since: None
        }
    );
    assert_eq!(
        store.open_lesson_of(&learner.id).await.unwrap(),
        Some(OpenLesson {
            hour: hours[1].clone(),
            cycle: FIRST,
            since: at(300)
        })
    );
}

pub async fn opening_the_open_lesson_again_keeps_its_sitting<S: ContractStore>(store: &S) {
    let (learner, hours) = with_hours(store, 1).await;
    open(store, &learner, &hours[0], 0).await;

    let again = store
        .open_lesson(&learner.id, &hours[0], FIRST, at(200))
        .await
        .unwrap();

    assert_eq!(
        again,
        LessonTime {
            banked_seconds: 0,
            open_since: Some(at(0))
        }
    );
    assert_eq!(again.studied_at(at(250)), 250);
}

pub async fn a_mark_before_the_lessons_length_is_refused_and_writes_nothing<S: ContractStore>(
    store: &S,
) {
    let (learner, hours) = with_hours(store, 1).await;
    open(store, &learner, &hours[0], 0).await;

    let early = store
        .mark_learned(&learner.id, &mark(&hours[0]), FIRST, 2700, at(2000))
        .await;

    assert_eq!(
        refusal(early),
        Refusal::StudyTooShort {
            remaining_seconds: 700
        }
    );
    assert!(store.marks(&learner.id).await.unwrap().is_empty());
    let stored = store.learner(&learner.id).await.unwrap().unwrap();
    assert_eq!(stored.marked_hours, 0);
    // The lesson stays open, its sitting running.
    assert_eq!(
        time(store, &learner, &hours[0]).await.open_since,
        Some(at(0))
    );
}

pub async fn a_mark_after_the_lessons_length_records_the_seconds_studied<S: ContractStore>(
    store: &S,
) {
    let (learner, hours) = with_hours(store, 1).await;
    open(store, &learner, &hours[0], 0).await;

    let outcome = store
        .mark_learned(&learner.id, &mark(&hours[0]), FIRST, 2700, at(2750))
        .await
        .unwrap();

    assert_eq!(outcome, Outcome::Applied);
    let marks = store.marks(&learner.id).await.unwrap();
    assert_eq!(marks.len(), 1);
    assert_eq!(marks[0].studied_seconds, Some(2750));
    // The marked lesson closed, its time kept.
    assert_eq!(store.open_lesson_of(&learner.id).await.unwrap(), None);
    assert_eq!(
        time(store, &learner, &hours[0]).await,
        LessonTime {
            banked_seconds: 2750,
            open_since: None
        }
    );
    // A repeat is the same mark, whatever the clock says.
    assert_eq!(
        store
            .mark_learned(&learner.id, &mark(&hours[0]), FIRST, 2700, at(2800))
            .await
            .unwrap(),
        Outcome::AlreadyApplied
    );
    let stored = store.learner(&learner.id).await.unwrap().unwrap();
    assert_eq!(stored.marked_hours, 1);
}

pub async fn time_accumulates_across_sittings<S: ContractStore>(store: &S) {
    let (learner, hours) = with_hours(store, 2).await;
    open(store, &learner, &hours[0], 0).await;
    open(store, &learner, &hours[1], 1000).await;
    open(store, &learner, &hours[0], 1500).await;

    assert_eq!(
        time(store, &learner, &hours[0]).await,
        LessonTime {
            banked_seconds: 1000,
            open_since: Some(at(1500))
        }
    );
    assert_eq!(time(store, &learner, &hours[1]).await.banked_seconds, 500);
    assert_eq!(
        refusal(
            store
                .mark_learned(&learner.id, &mark(&hours[0]), FIRST, 2700, at(3000))
                .await
        ),
        Refusal::StudyTooShort {
            remaining_seconds: 200
        }
    );
    store
        .mark_learned(&learner.id, &mark(&hours[0]), FIRST, 2700, at(3200))
        .await
        .unwrap();
    let marks = store.marks(&learner.id).await.unwrap();
    assert_eq!(marks[0].studied_seconds, Some(2700));
}

pub async fn an_hour_never_opened_is_marked_when_no_length_is_required<S: ContractStore>(
    store: &S,
) {
    let (learner, hours) = with_hours(store, 2).await;
    // Another lesson open does not count for this hour, and stays open.
    open(store, &learner, &hours[1], 0).await;

    let outcome = store
        .mark_learned(&learner.id, &mark(&hours[0]), FIRST, 0, at(100))
        .await
        .unwrap();

    assert_eq!(outcome, Outcome::Applied);
    assert_eq!(
        store.marks(&learner.id).await.unwrap()[0].studied_seconds,
        Some(0)
    );
    assert_eq!(
        store
            .open_lesson_of(&learner.id)
            .await
            .unwrap()
            .map(|open| open.hour),
        Some(hours[1].clone())
    );
}

pub async fn a_timed_mark_of_an_hour_not_bought_is_refused<S: ContractStore>(store: &S) {
    let (learner, _) = with_hours(store, 1).await;
    let not_bought = hour("sampling", 9);
    open(store, &learner, &not_bought, 0).await;

    for required in [0, 2700] {
        assert_eq!(
            refusal(
                store
                    .mark_learned(&learner.id, &mark(&not_bought), FIRST, required, at(10))
                    .await
            ),
            Refusal::HourNotBought
        );
    }
    assert!(store.marks(&learner.id).await.unwrap().is_empty());
}

pub async fn concurrent_openings_never_bank_a_minute_twice<S: ContractStore>(store: &S) {
    let (learner, hours) = with_hours(store, 9).await;
    open(store, &learner, &hours[0], 0).await;

    // Eight openings of eight other hours at one instant, 600 s later: each
    // read the first lesson open, and only one may bank its 600 s.
    let mut tasks = JoinSet::new();
    for hour in &hours[1..] {
        let (store, id, hour) = (store.clone(), learner.id.clone(), hour.clone());
        tasks.spawn(async move { store.open_lesson(&id, &hour, FIRST, at(600)).await });
    }
    let (mut opened, mut changed) = (0, 0);
    while let Some(result) = tasks.join_next().await {
        match result.unwrap() {
            Ok(_) => opened += 1,
            Err(StoreError::Refused(Refusal::LessonChanged)) => changed += 1,
            Err(other) => panic!("unexpected {other:?}"),
        }
    }

    assert!(opened >= 1, "one opening must win");
    assert_eq!(opened + changed, 8);
    let mut banked = 0;
    for hour in &hours {
        banked += time(store, &learner, hour).await.banked_seconds;
    }
    assert_eq!(banked, 600, "the wall time, banked once");
    let open_now = store.open_lesson_of(&learner.id).await.unwrap().unwrap();
    assert_ne!(open_now.hour, hours[0]);
    assert_eq!(open_now.since, at(600));
}

pub async fn a_mark_and_an_opening_at_once_leave_consistent_time<S: ContractStore>(store: &S) {
    let (learner, hours) = with_hours(store, 2).await;
    open(store, &learner, &hours[0], 0).await;

    // The mark closes the first lesson and the opening would bank it: one of
    // them, or both in turn, but never the same sitting twice.
    let marking = {
        let (store, id, mark) = (store.clone(), learner.id.clone(), mark(&hours[0]));
        tokio::spawn(async move { store.mark_learned(&id, &mark, FIRST, 100, at(1000)).await })
    };
    let opening = {
        let (store, id, hour) = (store.clone(), learner.id.clone(), hours[1].clone());
        tokio::spawn(async move { store.open_lesson(&id, &hour, FIRST, at(1000)).await })
    };
    let (marked, opened) = (marking.await.unwrap(), opening.await.unwrap());

    for result in [marked.as_ref().map(|_| ()), opened.as_ref().map(|_| ())] {
        match result {
            Ok(()) | Err(StoreError::Refused(Refusal::LessonChanged)) => {}
            Err(other) => panic!("unexpected {other:?}"),
        }
    }
    assert!(marked.is_ok() || opened.is_ok(), "one of them must win");
    assert_eq!(time(store, &learner, &hours[0]).await.banked_seconds, 1000);
}
