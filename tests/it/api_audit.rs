//! The audit trail over HTTP: a staff action shows up in the whole trail
//! and in the learner's, in the same write as its change; only
//! administrators read the whole trail; a bad cursor or limit is a 422.

use reqwest::StatusCode;
use serde_json::json;
use ticedu_domain::staff::StaffRole;
use ticedu_store::Store;

use crate::helpers::*;

async fn a_staff_action_shows_up_in_both_trails<S: Store + Clone + 'static>(app: TestApp<S>) {
    let staff = app.staff_token().await;
    let learner = app.register_as(Kind::Titled).await;
    let granted = app
        .post(
            &path(admin::RETURNING, &[&learner.id]),
            Some(&staff),
            json!({ "returning": true }),
        )
        .await;
    assert_eq!(granted.status, StatusCode::NO_CONTENT, "{}", granted.body);

    let expected_changes = json!([{ "field": "returning", "before": "false", "after": "true" }]);
    let theirs = app
        .get(&path(admin::LEARNER_AUDIT, &[&learner.id]), Some(&staff))
        .await;
    assert_eq!(theirs.status, StatusCode::OK, "{}", theirs.body);
    let entry = &theirs.body["entries"][0];
    assert_eq!(entry["action"], "returning_set");
    assert_eq!(entry["by"], "staff");
    assert_eq!(entry["learner_id"], learner.id.as_str());
    assert_eq!(entry["changes"], expected_changes);
    assert!(
        entry["at"]
            .as_str()
            .unwrap()
            .parse::<jiff::Timestamp>()
            .is_ok()
    );
    assert_eq!(theirs.body["entries"].as_array().unwrap().len(), 1);

    let whole = app.get(admin::AUDIT, Some(&staff)).await;
    assert_eq!(whole.status, StatusCode::OK, "{}", whole.body);
    assert_eq!(whole.body["entries"][0], *entry, "newest first");
    assert_eq!(whole.body["next"], json!(null));

    // A refused change writes no entry.
    let unknown = app
        .post(
            &path(admin::RETURNING, &[&"f".repeat(32)]),
            Some(&staff),
            json!({ "returning": true }),
        )
        .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    let again = app.get(admin::AUDIT, Some(&staff)).await;
    assert_eq!(again.body["entries"], whole.body["entries"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_staff_action_shows_up_in_both_trails_on_the_embedded_store() {
    a_staff_action_shows_up_in_both_trails(spawn_app().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_staff_action_shows_up_in_both_trails_on_dynamodb() {
    a_staff_action_shows_up_in_both_trails(TestApp::builder(DynamoDb).spawn().await).await;
}

#[tokio::test]
async fn only_administrators_read_the_whole_trail_and_finance_cannot_operate() {
    let app = spawn_app().await;
    let finance = app.staff_token_with(&[StaffRole::Finance]).await;
    let learner = app.register_as(Kind::Holder).await;
    let refused = app.get(admin::AUDIT, Some(&finance)).await;
    assert_eq!(
        (refused.status, refused.code()),
        (StatusCode::FORBIDDEN, "auth.forbidden")
    );
    let theirs = app
        .get(&path(admin::LEARNER_AUDIT, &[&learner.id]), Some(&finance))
        .await;
    assert_eq!(
        theirs.status,
        StatusCode::OK,
        "any staff reads a learner's trail"
    );
    let operate = app
        .post(
            &path(admin::RETURNING, &[&learner.id]),
            Some(&finance),
            json!({ "returning": true }),
        )
        .await;
    assert_eq!(
        operate.status,
        StatusCode::FORBIDDEN,
        "granting a discount is an operator's"
    );
    let cards = app.get(admin::CARDS, Some(&finance)).await;
    assert_eq!(cards.status, StatusCode::OK, "cards are finance's");
    let learners_token = learner.token;
    assert_eq!(
        app.get(admin::AUDIT, Some(&learners_token)).await.status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn a_bad_cursor_or_limit_is_refused_with_its_code() {
    let app = spawn_app().await;
    let admin_token = app.staff_token_with(&[StaffRole::Administrator]).await;
    for (query, code) in [
        ("limit=0", "audit.limit"),
        ("limit=201", "audit.limit"),
        ("limit=ten", "audit.limit"),
        ("before=not-a-cursor", "audit.cursor"),
    ] {
        let answer = app
            .get(&format!("{}?{query}", admin::AUDIT), Some(&admin_token))
            .await;
        assert_eq!(
            (answer.status, answer.code()),
            (StatusCode::UNPROCESSABLE_ENTITY, code),
            "{query}"
        );
        assert!(
            answer.body["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty())
        );
    }
    let paged = app
        .get(&format!("{}?limit=1", admin::AUDIT), Some(&admin_token))
        .await;
    assert_eq!(paged.status, StatusCode::OK);
    assert_eq!(paged.body["entries"].as_array().unwrap().len(), 1);
}
