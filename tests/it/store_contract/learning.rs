//! The store contract: Marking hours learned: only bought hours, each counted once.

use std::collections::BTreeSet;
use ticedu_domain::cycle::CycleNumber;

use ticedu_store::*;
use ticedu_tests::fixtures::*;
use tokio::task::JoinSet;

use super::*;

pub async fn marking_an_hour_not_bought_is_refused<S: ContractStore>(store: &S) {
    let learner = registered(store).await;
    assert_eq!(
        refusal(
            store
                .mark_learned(
                    &learner.id,
                    &mark(&hour("sampling", 1)),
                    CycleNumber::FIRST,
                    0,
                    now()
                )
                .await
        ),
        Refusal::HourNotBought
    );
    assert!(store.marks(&learner.id).await.unwrap().is_empty());
    assert_eq!(
        store
            .learner(&learner.id)
            .await
            .unwrap()
            .unwrap()
            .marked_hours,
        0
    );
}

pub async fn the_same_hour_marked_twenty_times_concurrently_counts_once<S: ContractStore>(
    store: &S,
) {
    let learner = funded(store, 3 * 1500).await;
    let hours: Vec<_> = (1..=3).map(|n| hour("sampling", n)).collect();
    store
        .purchase_with_balance(&balance_order(&learner.id, hours.clone()))
        .await
        .unwrap();
    let mut tasks = JoinSet::new();
    for _ in 0..20 {
        let (store, id, mark) = (store.clone(), learner.id.clone(), mark(&hours[0]));
        tasks.spawn(async move {
            store
                .mark_learned(&id, &mark, CycleNumber::FIRST, 0, now())
                .await
        });
    }
    let mut applied = 0;
    while let Some(result) = tasks.join_next().await {
        if result.unwrap().expect("marking twice is not an error") == Outcome::Applied {
            applied += 1;
        }
    }
    assert_eq!(applied, 1);
    store
        .mark_learned(&learner.id, &mark(&hours[1]), CycleNumber::FIRST, 0, now())
        .await
        .unwrap();
    let marks = store.marks(&learner.id).await.unwrap();
    let marked: BTreeSet<_> = marks.iter().map(|mark| mark.hour.clone()).collect();
    assert_eq!(marked, BTreeSet::from([hours[0].clone(), hours[1].clone()]));
    assert_eq!(
        store
            .learner(&learner.id)
            .await
            .unwrap()
            .unwrap()
            .marked_hours as usize,
        marks.len()
    );
}
