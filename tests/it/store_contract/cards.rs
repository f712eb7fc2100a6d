//! The store contract: Study cards: issued in batches, redeemed once, voided.

use ticedu_domain::money::Fen;
use ticedu_store::records::AuditAction;
use ticedu_store::*;
use ticedu_tests::fixtures::*;
use tokio::task::JoinSet;

use super::*;

pub async fn twenty_concurrent_redemptions_of_one_card_credit_it_once<S: ContractStore>(store: &S) {
    let card = card(Fen::from_yuan(600));
    store
        .issue_cards(
            std::slice::from_ref(&card),
            &audit(AuditAction::CardsIssued),
        )
        .await
        .unwrap();
    let mut learners = Vec::new();
    for _ in 0..20 {
        learners.push(registered(store).await);
    }
    let mut tasks = JoinSet::new();
    for learner in &learners {
        let (store, card, id) = (store.clone(), card.clone(), learner.id.clone());
        tasks.spawn(async move { store.redeem_card(&card, &id, now()).await });
    }
    let mut redeemed = 0;
    while let Some(result) = tasks.join_next().await {
        match result.unwrap() {
            Ok(()) => redeemed += 1,
            Err(StoreError::Refused(Refusal::CardAlreadyRedeemed)) => {}
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(redeemed, 1);
    let mut total = Fen::ZERO;
    for learner in &learners {
        total = total + assert_balance_equals_ledger(store, learner).await;
    }
    assert_eq!(total, Fen::from_yuan(600));
    let stored = store.card(&card.code).await.unwrap().unwrap();
    assert!(stored.redeemed.is_some());
    assert_eq!(
        refusal(store.redeem_card(&card, &learners[0].id, now()).await),
        Refusal::CardAlreadyRedeemed
    );
    let unknown = ticedu_tests::fixtures::card(Fen::new(1));
    assert_eq!(
        refusal(store.redeem_card(&unknown, &learners[0].id, now()).await),
        Refusal::UnknownCard
    );
}

pub async fn a_batch_of_cards_with_a_taken_code_is_refused_whole<S: ContractStore>(store: &S) {
    let taken = card(Fen::new(100));
    store
        .issue_cards(
            std::slice::from_ref(&taken),
            &audit(AuditAction::CardsIssued),
        )
        .await
        .unwrap();
    let fresh = card(Fen::new(200));
    assert_eq!(
        refusal(
            store
                .issue_cards(
                    &[fresh.clone(), taken.clone()],
                    &audit(AuditAction::CardsIssued)
                )
                .await
        ),
        Refusal::CardExists
    );
    assert!(
        store.card(&fresh.code).await.unwrap().is_none(),
        "no card of a refused batch is issued"
    );
    assert_eq!(
        store.card(&taken.code).await.unwrap().unwrap().value,
        Fen::new(100)
    );
}

pub async fn cards_are_listed_newest_first_and_a_voided_card_cannot_be_redeemed<
    S: ContractStore,
>(
    store: &S,
) {
    let older = card(Fen::new(100));
    let mut newer = card(Fen::new(200));
    newer.issued_at = older
        .issued_at
        .checked_add(jiff::Span::new().seconds(5))
        .unwrap();
    store
        .issue_cards(
            std::slice::from_ref(&older),
            &audit(AuditAction::CardsIssued),
        )
        .await
        .unwrap();
    store
        .issue_cards(
            std::slice::from_ref(&newer),
            &audit(AuditAction::CardsIssued),
        )
        .await
        .unwrap();
    let listed: Vec<_> = store
        .cards()
        .await
        .unwrap()
        .into_iter()
        .map(|card| card.code)
        .collect();
    assert_eq!(listed, [newer.code.clone(), older.code.clone()]);

    let learner = registered(store).await;
    store
        .void_card(&older.code, now(), &audit(AuditAction::CardVoided))
        .await
        .unwrap();
    assert_eq!(
        refusal(store.redeem_card(&older, &learner.id, now()).await),
        Refusal::CardVoided
    );
    assert_eq!(
        refusal(
            store
                .void_card(&older.code, now(), &audit(AuditAction::CardVoided))
                .await
        ),
        Refusal::CardVoided
    );
    store.redeem_card(&newer, &learner.id, now()).await.unwrap();
    assert_eq!(
        refusal(
            store
                .void_card(&newer.code, now(), &audit(AuditAction::CardVoided))
                .await
        ),
        Refusal::CardAlreadyRedeemed
    );
    assert_eq!(
        refusal(
            store
                .void_card(
                    &card(Fen::new(1)).code,
                    now(),
                    &audit(AuditAction::CardVoided)
                )
                .await
        ),
        Refusal::UnknownCard
    );
    assert_eq!(
        assert_balance_equals_ledger(store, &learner).await,
        Fen::new(200)
    );
}
