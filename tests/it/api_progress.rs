//! The learning page's truth over HTTP, on both stores: the progress answer
//! lists the bought hours that would not count and why (R8, R9), and the
//! lesson to take next; staff see the time studied for every learned hour.

use reqwest::StatusCode;
use serde_json::{Value, json};
use ticedu_store::Store;

use crate::helpers::*;

const MANDATORY: &str = "inspection-laws-and-regulations";
const ELECTIVE: &str = "acceptance-sampling-gbt-2828-1";

fn hour(course: &str, number: u16) -> String {
    format!("{course}/{number}")
}

async fn progress<S: Store + Clone + 'static>(app: &TestApp<S>, token: &str) -> Value {
    let answer = app.get(learning::PROGRESS, Some(token)).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    answer.body
}

fn not_counting(progress: &Value) -> Vec<(String, String)> {
    progress["bought_not_counting"]
        .as_array()
        .unwrap_or_else(|| panic!("{progress}"))
        .iter()
        .map(|entry| {
            (
                entry["hour"].as_str().unwrap().to_owned(),
                entry["reason"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

async fn mandatory_hours_bought_by_a_new_learner_are_listed_as_not_counting<
    S: Store + Clone + 'static,
>(
    app: TestApp<S>,
) {
    let cart = json!([{ "kind": "course", "id": MANDATORY }, { "kind": "course", "id": ELECTIVE }]);
    let new = app.register_as(Kind::New).await;
    app.credit(&new.id, 600).await;
    let bought = app.buy(&new.token, cart.clone()).await;
    let mandatory: Vec<String> = bought
        .iter()
        .filter(|h| h.starts_with(MANDATORY))
        .cloned()
        .collect();
    assert!(!mandatory.is_empty());

    let progress = progress(&app, &new.token).await;
    let listed = not_counting(&progress);
    assert_eq!(
        listed,
        mandatory
            .iter()
            .map(|h| (h.clone(), "mandatory_not_required".to_owned()))
            .collect::<Vec<_>>(),
        "{progress}"
    );
    let first = &progress["bought_not_counting"][0];
    assert_eq!(first["path"], format!("/courses/{MANDATORY}/1/"));
    assert!(
        first["message"].as_str().unwrap().contains("不计入"),
        "{first}"
    );
    assert!(
        first["message_en"]
            .as_str()
            .unwrap()
            .contains("do not count")
    );
    assert!(!first["title"].as_str().unwrap().is_empty());
    // The mandatory course comes first in the catalogue, but would not count.
    assert_eq!(
        progress["next_lesson"]["hour"],
        hour(ELECTIVE, 1),
        "{progress}"
    );
    assert_eq!(progress["next_lesson"]["open"], false);
    assert_eq!(progress["next_lesson"]["counts"], true);
    assert_eq!(progress["next_lesson_hint"], Value::Null);
    let electives = (bought.len() - mandatory.len()) as u64;
    assert_eq!(progress["hours_to_buy"], 40 - electives);

    let holder = app.register_as(Kind::Holder).await;
    app.credit(&holder.id, 600).await;
    app.buy(&holder.token, cart).await;
    let progress = self::progress(&app, &holder.token).await;
    assert_eq!(progress["bought_not_counting"], json!([]), "{progress}");
    assert_eq!(progress["next_lesson"]["hour"], hour(MANDATORY, 1));
    assert_eq!(
        progress["next_lesson"]["path"],
        format!("/courses/{MANDATORY}/1/")
    );
}

async fn the_next_lesson_is_the_open_one_else_the_first_bought_hour_not_learned<
    S: Store + Clone + 'static,
>(
    app: TestApp<S>,
) {
    let learner = app.register_as(Kind::New).await;
    let token = &learner.token;
    let nothing = progress(&app, token).await;
    assert_eq!(nothing["next_lesson"], Value::Null, "{nothing}");
    assert_eq!(nothing["next_lesson_hint"]["code"], "hours.buy");
    assert!(
        nothing["next_lesson_hint"]["message"]
            .as_str()
            .unwrap()
            .contains("40 学时")
    );
    assert_eq!(nothing["hours_to_buy"], 40);

    app.credit(&learner.id, 600).await;
    app.buy(token, json!([{ "kind": "course", "id": ELECTIVE }]))
        .await;
    assert_eq!(
        progress(&app, token).await["next_lesson"]["hour"],
        hour(ELECTIVE, 1)
    );

    let opened = app.open_lesson(token, &hour(ELECTIVE, 3)).await;
    assert_eq!(opened.status, StatusCode::OK, "{}", opened.body);
    let open = progress(&app, token).await;
    assert_eq!(
        (
            open["next_lesson"]["hour"].clone(),
            open["next_lesson"]["open"].clone()
        ),
        (json!(hour(ELECTIVE, 3)), json!(true)),
        "{open}"
    );

    app.wait(60);
    let marked = app.mark_without_opening(token, &hour(ELECTIVE, 3)).await;
    assert_eq!(marked.status, StatusCode::OK, "{}", marked.body);
    let after = progress(&app, token).await;
    assert_eq!(
        (
            after["next_lesson"]["hour"].clone(),
            after["next_lesson"]["open"].clone()
        ),
        (json!(hour(ELECTIVE, 1)), json!(false)),
        "{after}"
    );
    assert_eq!(after["studied_seconds"], 60);

    app.open_lesson(token, &hour(ELECTIVE, 1)).await;
    app.wait(60);
    app.mark_without_opening(token, &hour(ELECTIVE, 1)).await;
    assert_eq!(
        progress(&app, token).await["next_lesson"]["hour"],
        hour(ELECTIVE, 2)
    );
}

/// A holder whose 30 flexible hours are learned gains nothing from more
/// electives: the page says so, and the next lesson is a mandatory one.
async fn electives_beyond_a_holders_thirty_are_listed_as_not_counting<
    S: Store + Clone + 'static,
>(
    app: TestApp<S>,
) {
    let holder = app.register_as(Kind::Holder).await;
    app.credit(&holder.id, 1200).await;
    let flexible = app
        .buy(
            &holder.token,
            json!([{ "kind": "bundle", "id": "certification-30" }]),
        )
        .await;
    app.learn(&holder.token, &flexible).await;
    let more = app
        .buy(
            &holder.token,
            json!([{ "kind": "course", "id": ELECTIVE }, { "kind": "course", "id": MANDATORY }]),
        )
        .await;

    let progress = progress(&app, &holder.token).await;
    let electives: Vec<(String, String)> = more
        .iter()
        .filter(|h| h.starts_with(ELECTIVE))
        .map(|h| (h.clone(), "part_complete".to_owned()))
        .collect();
    assert_eq!(not_counting(&progress), electives, "{progress}");
    assert!(
        progress["bought_not_counting"][0]["message"]
            .as_str()
            .unwrap()
            .contains("30 学时已学满")
    );
    assert_eq!(progress["next_lesson"]["hour"], hour(MANDATORY, 1));
}

async fn staff_see_the_time_studied_for_each_learned_hour<S: Store + Clone + 'static>(
    app: TestApp<S>,
) {
    let learner = app.register_as(Kind::New).await;
    app.credit(&learner.id, 600).await;
    app.buy(
        &learner.token,
        json!([{ "kind": "course", "id": ELECTIVE }]),
    )
    .await;
    app.open_lesson(&learner.token, &hour(ELECTIVE, 2)).await;
    app.wait(75);
    let marked = app
        .mark_without_opening(&learner.token, &hour(ELECTIVE, 2))
        .await;
    assert_eq!(marked.status, StatusCode::OK, "{}", marked.body);
    assert_eq!(marked.body["studied_seconds"], 75);

    let staff = app.staff_token().await;
    let file = app
        .post(
            admin::LEARNERS,
            Some(&staff),
            json!({ "learner": learner.id.as_str() }),
        )
        .await;
    assert_eq!(file.status, StatusCode::OK, "{}", file.body);
    let learned = &file.body["learned_hours"];
    assert_eq!(learned.as_array().map(Vec::len), Some(1), "{}", file.body);
    assert_eq!(learned[0]["hour"], hour(ELECTIVE, 2));
    assert_eq!(learned[0]["studied_seconds"], 75);
    assert_eq!(learned[0]["group"], "elective");
    assert!(!learned[0]["title"].as_str().unwrap().is_empty());
    assert_eq!(learned[0]["learned_on"], "2024-03-04");
    assert_eq!(file.body["progress"]["studied_seconds"], 75);
}

on_both_stores!(
    as_built =>
        mandatory_hours_bought_by_a_new_learner_are_listed_as_not_counting,
        electives_beyond_a_holders_thirty_are_listed_as_not_counting;
    one_minute_hours =>
        the_next_lesson_is_the_open_one_else_the_first_bought_hour_not_learned,
        staff_see_the_time_studied_for_each_learned_hour,
);
