//! Yearly settings and working-day calendars over HTTP: staff enter next
//! year in December, everyone sees it in force in the new year; invalid
//! data, strangers, corrections without a reason and stale edits are
//! refused (R11, R12, R17).

use jiff::civil::date;
use reqwest::StatusCode;
use serde_json::{Value, json};
use ticedu_store::Store;

use crate::helpers::*;

/// 2027's notice, made up for the tests: the real one is entered by staff.
fn settings_2027(expected_version: u32) -> Value {
    json!({
        "source": "测试：中检协〔2027〕1号",
        "price_per_hour_fen": 1600,
        "batch_expiry_dates": ["2027-07-06", "2027-12-24"],
        "certificate_available_after_working_days": 7,
        "returning_learner_free_mandatory": true,
        "class_hour_minutes": 45,
        "expected_version": expected_version,
    })
}

/// A made-up 2027 calendar: New Year off 1–3 January; no official source here.
fn calendar_2027() -> Value {
    json!({
        "source": "测试用数据，非官方通知",
        "holidays": [{ "name": "元旦", "from": "2027-01-01", "to": "2027-01-03" }],
        "workdays": [],
        "expected_version": 0,
    })
}

fn codes(checklist: &Value) -> Vec<(String, i64)> {
    checklist
        .as_array()
        .expect("a checklist")
        .iter()
        .map(|item| {
            (
                item["code"].as_str().unwrap().to_owned(),
                item["year"].as_i64().unwrap(),
            )
        })
        .collect()
}

async fn next_year_entered_in_december_is_in_force_in_january<S: Store + Clone + 'static>(
    december: TestApp<S>,
    january: impl AsyncFnOnce(S) -> TestApp<S>,
) {
    let staff = december.staff_token().await;
    let overview = december.get(admin::YEARS, Some(&staff)).await;
    assert_eq!(overview.status, StatusCode::OK, "{}", overview.body);
    let checklist = codes(&overview.body["checklist"]);
    assert!(
        checklist.contains(&("years.settings_missing".into(), 2027)),
        "{checklist:?}"
    );
    assert!(
        checklist.contains(&("years.calendar_missing".into(), 2027)),
        "{checklist:?}"
    );
    let first = &overview.body["years"][0];
    assert_eq!(first["year"], 2023);
    assert_eq!(first["settings"]["origin"]["from"], "initial_data");
    assert_eq!(first["settings"]["origin"]["version"], 0);
    assert_eq!(first["downloads"][0]["available_from"], "2023-07-17");

    let saved = december
        .put(
            &path(admin::YEAR_SETTINGS, &[&2027]),
            Some(&staff),
            settings_2027(0),
        )
        .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    assert_eq!(saved.body["year"]["settings"]["origin"]["from"], "staff");
    assert_eq!(saved.body["year"]["settings"]["origin"]["version"], 1);
    // Saved although 2027's calendar is not in yet: listed until it is.
    assert!(saved.body["year"]["downloads"][0]["available_from"].is_null());
    assert!(codes(&saved.body["checklist"]).contains(&("years.download_day_unknown".into(), 2027)));

    let saved = december
        .put(
            &path(admin::YEAR_CALENDAR, &[&2027]),
            Some(&staff),
            calendar_2027(),
        )
        .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    assert_eq!(
        saved.body["year"]["downloads"][0]["available_from"],
        "2027-07-15"
    );
    // 24 December's seventh working day falls in 2028, still unpublished.
    assert!(saved.body["year"]["downloads"][1]["available_from"].is_null());

    let january = january(december.store.clone()).await;
    let current = january.get(accounts::CURRENT_YEAR, None).await;
    assert_eq!(current.status, StatusCode::OK, "{}", current.body);
    assert_eq!(
        current.headers["cache-control"].to_str().unwrap(),
        "public, max-age=300"
    );
    let body = &current.body;
    assert_eq!(body["year"], 2027);
    assert_eq!(body["price_per_hour_fen"], 1600);
    assert_eq!(body["price_per_hour"], "¥16.00");
    assert_eq!(body["returning_learner_free_mandatory"], true);
    assert_eq!(body["class_hour_minutes"], 45);
    assert_eq!(body["batches"][0]["batch_date"], "2027-07-06");
    assert_eq!(body["batches"][0]["available_from"], "2027-07-15");
    assert!(body["batches"][1]["available_from"].is_null());
    assert!(
        body["batches"][1]["message"]
            .as_str()
            .unwrap()
            .contains("2028 年的法定节假日安排尚未发布"),
        "{body}"
    );
    assert_eq!(
        body["next_year"],
        json!({ "year": 2028, "settings_published": false, "calendar_published": false })
    );
}

#[tokio::test]
async fn next_year_entered_in_december_is_in_force_in_january_on_the_embedded_store() {
    next_year_entered_in_december_is_in_force_in_january(
        TestApp::builder(Embedded)
            .today(date(2026, 12, 1))
            .spawn()
            .await,
        async |store| {
            TestApp::builder(Embedded)
                .store(store)
                .today(date(2027, 1, 4))
                .spawn()
                .await
        },
    )
    .await;
}

#[tokio::test]
async fn next_year_entered_in_december_is_in_force_in_january_on_dynamodb() {
    next_year_entered_in_december_is_in_force_in_january(
        TestApp::builder(DynamoDb)
            .today(date(2026, 12, 1))
            .spawn()
            .await,
        async |store| {
            TestApp::builder(DynamoDb)
                .store(store)
                .today(date(2027, 1, 4))
                .spawn()
                .await
        },
    )
    .await;
}

#[tokio::test]
async fn invalid_year_data_is_refused_naming_each_field_and_strangers_are_refused() {
    let app = TestApp::builder(Embedded)
        .today(date(2026, 12, 1))
        .spawn()
        .await;
    let staff = app.staff_token().await;
    let mut bad = settings_2027(0);
    bad["price_per_hour_fen"] = json!(0);
    bad["batch_expiry_dates"] = json!(["2027-12-24", "2027-07-06"]);
    bad["certificate_available_after_working_days"] = json!(0);
    bad["class_hour_minutes"] = json!(121);
    let refused = app
        .put(&path(admin::YEAR_SETTINGS, &[&2027]), Some(&staff), bad)
        .await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.body
    );
    assert_eq!(refused.code(), "years.invalid");
    let fields: Vec<_> = refused.body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        fields,
        [
            "price_per_hour_fen",
            "batch_expiry_dates",
            "certificate_available_after_working_days",
            "class_hour_minutes"
        ]
    );
    assert!(
        refused.body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("大于 0")
    );

    let mut calendar = calendar_2027();
    calendar["holidays"] = json!([{ "name": "春节", "from": "2027-02-10", "to": "2027-02-06" }]);
    calendar["workdays"] = json!(["2027-01-04"]);
    let refused = app
        .put(
            &path(admin::YEAR_CALENDAR, &[&2027]),
            Some(&staff),
            calendar,
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused.body["errors"][0]["field"], "holidays[0].to");
    assert_eq!(refused.body["errors"][1]["field"], "workdays");

    let mut blank_reason = settings_2027(0);
    blank_reason["correction"] = json!({ "reason": "  " });
    let refused = app
        .put(
            &path(admin::YEAR_SETTINGS, &[&2027]),
            Some(&staff),
            blank_reason,
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused.body["errors"][0]["field"], "correction.reason");

    let outside = app
        .put(
            &path(admin::YEAR_SETTINGS, &[&1999]),
            Some(&staff),
            settings_2027(0),
        )
        .await;
    assert_eq!(
        (outside.status, outside.code()),
        (StatusCode::NOT_FOUND, "years.not_found")
    );

    let learner = app.register(&registration()).await.token;
    for token in [None, Some(learner.as_str())] {
        let answer = app
            .put(
                &path(admin::YEAR_SETTINGS, &[&2027]),
                token,
                settings_2027(0),
            )
            .await;
        assert!(
            [StatusCode::UNAUTHORIZED, StatusCode::FORBIDDEN].contains(&answer.status),
            "{}",
            answer.status
        );
        assert_eq!(app.get(admin::YEARS, token).await.status, answer.status);
    }
    let overview = app.get(admin::YEARS, Some(&staff)).await;
    assert!(
        overview.body["years"]
            .as_array()
            .unwrap()
            .iter()
            .all(|y| y["year"] != 2027),
        "nothing refused was saved"
    );
}

/// 2023's settings as the data file has them, with `batches` instead.
fn settings_2023(batches: Value, expected_version: u32) -> Value {
    json!({
        "source": "中检协〔2023〕24号《中国出入境检验检疫协会关于2023年检验鉴定人员继续教育学习的通知》",
        "price_per_hour_fen": 1500,
        "batch_expiry_dates": batches,
        "certificate_available_after_working_days": 7,
        "returning_learner_free_mandatory": true,
        "class_hour_minutes": 45,
        "expected_version": expected_version,
    })
}

async fn correcting_a_past_year_needs_a_reason_and_is_audited<S: Store + Clone + 'static>(
    app: TestApp<S>,
) {
    let staff = app.staff_token().await;
    let moved = json!(["2023-07-07", "2023-07-21", "2023-08-15", "2024-03-01"]);
    let url = path(admin::YEAR_SETTINGS, &[&2023]);

    let refused = app
        .put(&url, Some(&staff), settings_2023(moved.clone(), 0))
        .await;
    assert_eq!(
        (refused.status, refused.code()),
        (StatusCode::CONFLICT, "years.correction_required"),
        "{}",
        refused.body
    );
    assert!(
        refused.body["message"]
            .as_str()
            .unwrap()
            .contains("2023-07-06")
    );

    let mut correction = settings_2023(moved.clone(), 0);
    correction["correction"] = json!({ "reason": "通知原文为7月7日，录入有误" });
    let corrected = app.put(&url, Some(&staff), correction.clone()).await;
    assert_eq!(corrected.status, StatusCode::OK, "{}", corrected.body);
    assert_eq!(corrected.body["year"]["settings"]["origin"]["version"], 1);

    let changes = app.get(admin::YEAR_CHANGES, Some(&staff)).await;
    assert_eq!(changes.status, StatusCode::OK);
    let change = &changes.body["changes"][0];
    assert_eq!(change["by"], STAFF);
    assert_eq!(change["year"], 2023);
    assert_eq!(change["part"], "settings");
    assert_eq!(change["correction"], "通知原文为7月7日，录入有误");
    assert_eq!(change["changed"], json!(["batch_expiry_dates"]));
    assert_eq!(change["before"]["batch_expiry_dates"][0], "2023-07-06");
    assert_eq!(change["after"]["batch_expiry_dates"][0], "2023-07-07");

    // Someone who read version 0 before the correction cannot overwrite it.
    let stale = app.put(&url, Some(&staff), correction).await;
    assert_eq!(
        (stale.status, stale.code()),
        (StatusCode::CONFLICT, "years.stale_version")
    );
    let changes = app.get(admin::YEAR_CHANGES, Some(&staff)).await;
    assert_eq!(changes.body["changes"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn correcting_a_past_year_needs_a_reason_and_is_audited_on_the_embedded_store() {
    correcting_a_past_year_needs_a_reason_and_is_audited(
        TestApp::builder(Embedded)
            .today(date(2026, 12, 1))
            .spawn()
            .await,
    )
    .await;
}

#[tokio::test]
async fn correcting_a_past_year_needs_a_reason_and_is_audited_on_dynamodb() {
    correcting_a_past_year_needs_a_reason_and_is_audited(
        TestApp::builder(DynamoDb)
            .today(date(2026, 12, 1))
            .spawn()
            .await,
    )
    .await;
}
