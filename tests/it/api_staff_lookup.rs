//! Staff find learners by name, phone or e-mail (several may match), on
//! both stores; learners stored before the index are indexed by the
//! administrator's backfill; the index holds HMACs, never the values.

use reqwest::StatusCode;
use serde_json::{Value, json};
use ticedu_domain::identity::LookupKey;
use ticedu_store::{LearnerStore, LookupStore, Store};

use crate::helpers::*;

async fn lookup<S: Store>(app: &TestApp<S>, token: &str, query: Value) -> Answer {
    app.post(admin::LOOKUP, Some(token), query).await
}

fn ids(answer: &Answer) -> Vec<String> {
    let mut ids: Vec<String> = answer.body["matches"]
        .as_array()
        .unwrap_or_else(|| panic!("{}", answer.body))
        .iter()
        .map(|m| m["learner_id"].as_str().unwrap().to_owned())
        .collect();
    ids.sort();
    ids
}

async fn staff_find_learners_by_name_phone_or_email<K: StoreKind>(kind: K)
where
    K::Store: Store,
{
    let app = TestApp::builder(kind).spawn().await;
    let staff = app.staff_token().await;
    // Two namesakes; one gave an e-mail address and another phone.
    let mut first = registration_as(Kind::Holder);
    first["name"] = json!("周鉴定");
    first["email"] = json!("Zhou.JD@example.cn");
    let first = app.register(&first).await;
    let mut second = registration_as(Kind::New);
    second["name"] = json!("周鉴定");
    second["phone"] = json!("13912345678");
    let second = app.register(&second).await;

    let namesakes = lookup(&app, &staff, json!({ "name": "周鉴定" })).await;
    assert_eq!(namesakes.status, StatusCode::OK, "{}", namesakes.body);
    let mut both = vec![first.id.to_string(), second.id.to_string()];
    both.sort();
    assert_eq!(ids(&namesakes), both);
    assert_eq!(namesakes.body["more"], false);
    let by_phone = lookup(&app, &staff, json!({ "phone": "13912345678" })).await;
    assert_eq!(ids(&by_phone), [second.id.to_string()]);
    assert_eq!(
        by_phone.body["matches"][0]["phone"], "139****5678",
        "masked"
    );
    let by_email = lookup(&app, &staff, json!({ "email": "zhou.jd@EXAMPLE.cn" })).await;
    assert_eq!(
        ids(&by_email),
        [first.id.to_string()],
        "case does not matter"
    );
    let nobody = lookup(&app, &staff, json!({ "name": "吴无人" })).await;
    assert_eq!((nobody.status, ids(&nobody).len()), (StatusCode::OK, 0));

    for query in [
        json!({}),
        json!({ "name": "周鉴定", "phone": "13912345678" }),
    ] {
        let refused = lookup(&app, &staff, query).await;
        assert_eq!(
            (refused.status, refused.code()),
            (StatusCode::UNPROCESSABLE_ENTITY, "learner.lookup")
        );
    }
    let bad_phone = lookup(&app, &staff, json!({ "phone": "12" })).await;
    assert_eq!(bad_phone.status, StatusCode::UNPROCESSABLE_ENTITY);
    let learner = lookup(&app, &first.token, json!({ "name": "周鉴定" })).await;
    assert_eq!(
        learner.status,
        StatusCode::FORBIDDEN,
        "learners find no one"
    );

    // Re-indexing replaces the learner's keys: the old ones find them no more.
    let secret = app.platform.account_secret().unwrap();
    let stored = app.store.learner(&second.id).await.unwrap().unwrap();
    let phone_only = [LookupKey::of_phone(
        stored.registration.phone.as_ref().unwrap(),
        secret,
    )];
    app.store
        .index_lookups(&second.id, &phone_only)
        .await
        .unwrap();
    app.store
        .index_lookups(&second.id, &phone_only)
        .await
        .unwrap();
    let after = lookup(&app, &staff, json!({ "name": "周鉴定" })).await;
    assert_eq!(ids(&after), [first.id.to_string()]);
    let still = lookup(&app, &staff, json!({ "phone": "13912345678" })).await;
    assert_eq!(ids(&still), [second.id.to_string()]);
}

#[tokio::test]
async fn staff_find_learners_by_name_phone_or_email_on_the_embedded_store() {
    staff_find_learners_by_name_phone_or_email(Embedded).await;
}

#[tokio::test]
async fn staff_find_learners_by_name_phone_or_email_on_dynamodb() {
    staff_find_learners_by_name_phone_or_email(DynamoDb).await;
}

async fn learners_from_before_the_index_are_backfilled<K: StoreKind>(kind: K)
where
    K::Store: Store,
{
    let app = TestApp::builder(kind).spawn().await;
    let staff = app.staff_token().await;
    // Stored as a registration made before look-ups existed.
    let mut old = ticedu_tests::fixtures::new_learner();
    old.lookups.clear();
    app.store.create_learner(&old).await.unwrap();
    let name = json!({ "name": old.name.as_str() });
    assert!(ids(&lookup(&app, &staff, name.clone()).await).is_empty());
    assert_eq!(app.store.unindexed_learners(10).await.unwrap().len(), 1);

    let operator = app
        .staff_token_with(&[ticedu_domain::staff::StaffRole::Operator])
        .await;
    let refused = app
        .post(admin::LOOKUP_BACKFILL, Some(&operator), json!({}))
        .await;
    assert_eq!(
        refused.status,
        StatusCode::FORBIDDEN,
        "administrators run it"
    );
    let done = app
        .post(admin::LOOKUP_BACKFILL, Some(&staff), json!({}))
        .await;
    assert_eq!(done.body, json!({ "indexed": 1, "more": false }));
    assert_eq!(ids(&lookup(&app, &staff, name).await), [old.id.to_string()]);
    let again = app
        .post(admin::LOOKUP_BACKFILL, Some(&staff), json!({}))
        .await;
    assert_eq!(again.body["indexed"], 0);
}

#[tokio::test]
async fn learners_from_before_the_index_are_backfilled_on_the_embedded_store() {
    learners_from_before_the_index_are_backfilled(Embedded).await;
}

#[tokio::test]
async fn learners_from_before_the_index_are_backfilled_on_dynamodb() {
    learners_from_before_the_index_are_backfilled(DynamoDb).await;
}
