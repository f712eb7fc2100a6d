//! Timed lessons over HTTP, on both stores (R10): 学过了 is accepted only
//! once the hour's lesson was open for its study length, counted on the
//! platform's clock; one lesson at a time, the time of a lesson left for
//! another banked to its hour; the length from the data unless overridden.

use jiff::civil::date;
use reqwest::StatusCode;
use serde_json::json;
use ticedu_store::Store;

use crate::helpers::*;

const COURSE: &str = "acceptance-sampling-gbt-2828-1";

fn hour(number: u16) -> String {
    format!("{COURSE}/{number}")
}

/// A new learner who bought the sampling course (its hours count for them).
async fn learner_with_the_course<S: Store + Clone + 'static>(app: &TestApp<S>) -> Learner {
    let learner = app.register_as(Kind::New).await;
    app.credit(&learner.id, 600).await;
    app.buy(&learner.token, json!([{ "kind": "course", "id": COURSE }]))
        .await;
    learner
}

async fn marking_needs_the_lesson_open_for_the_hours_length<S: Store + Clone + 'static>(
    app: TestApp<S>,
) {
    let learner = learner_with_the_course(&app).await;
    let token = &learner.token;

    let unopened = app.mark_without_opening(token, &hour(1)).await;
    assert_eq!(
        (unopened.status, unopened.code()),
        (StatusCode::CONFLICT, "learning.too_early"),
        "{}",
        unopened.body
    );
    assert_eq!(unopened.headers["retry-after"], "60");
    assert!(
        unopened.text("message").contains("1 分 0 秒"),
        "{}",
        unopened.body
    );

    let opened = app.open_lesson(token, &hour(1)).await;
    assert_eq!(opened.status, StatusCode::OK, "{}", opened.body);
    assert_eq!(
        (
            opened.body["length_seconds"].clone(),
            opened.body["studied_seconds"].clone(),
            opened.body["remaining_seconds"].clone()
        ),
        (json!(60), json!(0), json!(60))
    );
    assert!(opened.body["opened_at"].is_string(), "{}", opened.body);
    let at_once = app.mark_without_opening(token, &hour(1)).await;
    assert_eq!(at_once.code(), "learning.too_early", "{}", at_once.body);
    assert_eq!(at_once.headers["retry-after"], "60");

    app.wait(30);
    let halfway = app.mark_without_opening(token, &hour(1)).await;
    assert_eq!(halfway.code(), "learning.too_early", "{}", halfway.body);
    assert_eq!(halfway.headers["retry-after"], "30");
    assert!(
        halfway.text("message").contains("0 分 30 秒"),
        "{}",
        halfway.body
    );
    let standing = app.lesson(token, &hour(1)).await;
    assert_eq!(standing.status, StatusCode::OK, "{}", standing.body);
    assert_eq!(standing.body["remaining_seconds"], 30);

    // Another lesson meanwhile: hour 1's 30 seconds are banked, and its
    // clock stops while hour 2 runs.
    let second = app.open_lesson(token, &hour(2)).await;
    assert_eq!(second.status, StatusCode::OK, "{}", second.body);
    app.wait(45);
    let banked = app.lesson(token, &hour(1)).await;
    assert_eq!(
        (
            banked.body["studied_seconds"].clone(),
            banked.body["opened_at"].clone()
        ),
        (json!(30), json!(null)),
        "{}",
        banked.body
    );
    let stopped = app.mark_without_opening(token, &hour(1)).await;
    assert_eq!(stopped.code(), "learning.too_early", "{}", stopped.body);

    let reopened = app.open_lesson(token, &hour(1)).await;
    assert_eq!(reopened.body["studied_seconds"], 30, "{}", reopened.body);
    app.wait(30);
    let marked = app.mark_without_opening(token, &hour(1)).await;
    assert_eq!(marked.status, StatusCode::OK, "{}", marked.body);
    assert_eq!(marked.body["newly_marked"], true);
    let studied = marked.body["studied_seconds"].as_u64().unwrap();
    assert!(studied >= 60, "{}", marked.body);
    assert_eq!(marked.body["progress"]["studied_seconds"], studied);

    let progress = app.get(learning::PROGRESS, Some(token)).await;
    assert_eq!(progress.body["counted_hours"], 1, "{}", progress.body);
    assert_eq!(progress.body["studied_seconds"], studied);
    // The learner's list of hours shows it per hour, with the mark.
    let courses = app.get(learning::COURSES, Some(token)).await;
    let hours = &courses.body["courses"][0]["hours"];
    assert_eq!(
        (
            hours[0]["studied_seconds"].clone(),
            hours[1]["studied_seconds"].clone()
        ),
        (json!(studied), json!(null)),
        "{}",
        courses.body
    );

    // Marking again changes nothing and keeps the time studied.
    let again = app.mark_without_opening(token, &hour(1)).await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.body);
    assert_eq!(
        (
            again.body["newly_marked"].clone(),
            again.body["studied_seconds"].clone()
        ),
        (json!(false), json!(studied))
    );
}

async fn a_learner_who_did_not_buy_the_hour_can_neither_open_nor_mark_it<
    S: Store + Clone + 'static,
>(
    app: TestApp<S>,
) {
    let stranger = app.register_as(Kind::New).await;
    let opened = app.open_lesson(&stranger.token, &hour(1)).await;
    assert_eq!(
        (opened.status, opened.code()),
        (StatusCode::FORBIDDEN, "learning.hour_not_bought")
    );
    let read = app.lesson(&stranger.token, &hour(1)).await;
    assert_eq!(read.code(), "learning.hour_not_bought");
    let marked = app.mark(&stranger.token, &hour(1)).await;
    assert_eq!(marked.code(), "learning.hour_not_bought");
    let unknown = app
        .open_lesson(&stranger.token, &format!("{COURSE}/99"))
        .await;
    assert_eq!(
        (unknown.status, unknown.code()),
        (StatusCode::NOT_FOUND, "learning.unknown_hour")
    );
    let anonymous = app
        .post(
            &path(learning::OPEN_LESSON, &[&COURSE, &1]),
            None,
            json!({}),
        )
        .await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
}

async fn without_an_override_an_hour_lasts_the_years_class_hour<S: Store + Clone + 'static>(
    app: TestApp<S>,
) {
    let learner = learner_with_the_course(&app).await;
    let opened = app.open_lesson(&learner.token, &hour(1)).await;
    assert_eq!(opened.status, StatusCode::OK, "{}", opened.body);
    // settings.toml: class_hour_minutes = 45.
    assert_eq!(opened.body["length_seconds"], 45 * 60, "{}", opened.body);
    app.wait(44 * 60);
    let early = app.mark_without_opening(&learner.token, &hour(1)).await;
    assert_eq!(early.code(), "learning.too_early", "{}", early.body);
    assert!(
        early.text("message").contains("1 分 0 秒"),
        "{}",
        early.body
    );
    app.wait(60);
    let marked = app.mark_without_opening(&learner.token, &hour(1)).await;
    assert_eq!(marked.status, StatusCode::OK, "{}", marked.body);
    assert_eq!(marked.body["studied_seconds"], 45 * 60);

    // Staff set next year's class hour: in force from 1 January.
    let staff = app.staff_token().await;
    let saved = app
        .put(
            &path(admin::YEAR_SETTINGS, &[&2025]),
            Some(&staff),
            json!({
                "source": "测试：中检协〔2025〕1号",
                "price_per_hour_fen": 1500,
                "batch_expiry_dates": ["2025-07-06"],
                "certificate_available_after_working_days": 7,
                "returning_learner_free_mandatory": true,
                "class_hour_minutes": 50,
                "expected_version": 0,
            }),
        )
        .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    assert_eq!(
        app.lesson(&learner.token, &hour(2)).await.body["length_seconds"],
        45 * 60
    );
    app.travel_to(date(2025, 1, 2));
    let token = app
        .log_in(&learner.username, &learner.body["password"])
        .await;
    assert_eq!(
        app.lesson(&token, &hour(2)).await.body["length_seconds"],
        50 * 60
    );
}

/// Class hours as the data says, from 2024-03-04.
fn class_hours_from_data<K: StoreKind>(builder: TestAppBuilder<K>) -> TestAppBuilder<K> {
    builder.today(date(2024, 3, 4)).class_hours_from_data()
}

on_both_stores!(
    one_minute_hours => marking_needs_the_lesson_open_for_the_hours_length;
    as_built => a_learner_who_did_not_buy_the_hour_can_neither_open_nor_mark_it;
    class_hours_from_data => without_an_override_an_hour_lasts_the_years_class_hour,
);
