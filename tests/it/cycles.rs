//! Learners over years, on a clock that travels (2023 → 2031), on both
//! stores: every cycle has its own hours, purchases, filing and certificate;
//! the certificate opens the next cycle; no state is a dead end.

use reqwest::StatusCode;
use serde_json::{Value, json};
use ticedu_store::Store;
use ticedu_store::ids::LearnerId;

use crate::helpers::*;

/// A learner's standing answered by the learning function: hours, cycle, next step.
async fn standing<S: Store>(app: &TestApp<S>, token: &str) -> Value {
    let progress = app.get(learning::PROGRESS, Some(token)).await;
    assert_eq!(progress.status, StatusCode::OK, "{}", progress.body);
    progress.body
}

/// A registration for a learner of `kind` (its data as the API takes it).
fn registering(kind: Value) -> Value {
    let mut body = registration();
    body["kind"] = kind;
    body
}

fn holder_expiring(expires_on: &str) -> Value {
    registering(json!({
        "category": "holder",
        "certificate_kind": "qualification",
        "original_certificate_no": "ZG-2019-0301",
        "expires_on": expires_on,
    }))
}

/// Travels to `date` and logs the learner in again (tokens are short-lived).
async fn travel<S: Store>(app: &TestApp<S>, learner: &mut Learner, date: jiff::civil::Date) {
    app.travel_to(date);
    learner.token = app
        .log_in(&learner.username, &learner.body["password"])
        .await;
}

/// Funds and buys `cart`, then learns every hour of it.
async fn learn_cart<S: Store>(app: &TestApp<S>, learner: &Learner, yuan: u64, cart: Value) {
    app.credit(&learner.id, yuan).await;
    let hours = app.buy(&learner.token, cart).await;
    app.learn(&learner.token, &hours).await;
}

async fn overdue_verdict<S: Store>(
    app: &TestApp<S>,
    learner: &LearnerId,
    verdict: Value,
) -> Answer {
    let staff = app.staff_token().await;
    app.post(
        &path(admin::OVERDUE_DECISION, &[learner]),
        Some(&staff),
        verdict,
    )
    .await
}

/// A holder whose certificate expired before they finished: their hours
/// still count, the overdue renewal goes to staff, a rejection comes back
/// with its reason, and the acceptance issues the certificate and opens the
/// next cycle with the returning learner's free mandatory hours (R12, R20).
async fn an_overdue_holder_is_renewed_by_staff<S: Store>(app: TestApp<S>) {
    app.travel_to(jiff::civil::date(2023, 9, 1));
    let mut holder = app.register(&holder_expiring("2024-03-01")).await;
    let learner = holder.id.clone();
    learn_cart(
        &app,
        &holder,
        150,
        json!([ { "kind": "course", "id": "inspection-laws-and-regulations" } ]),
    )
    .await;

    travel(&app, &mut holder, jiff::civil::date(2026, 12, 1)).await;
    let lapsed = standing(&app, &holder.token).await;
    assert_eq!(lapsed["cycle"], json!(1));
    assert!(
        lapsed["counted_hours"].as_u64().unwrap() > 0,
        "hours learned before the expiry still count: {lapsed}"
    );
    assert_eq!(lapsed["next_step"]["code"], json!("certificate.incomplete"));
    let said = lapsed["next_step"]["message"].as_str().unwrap();
    assert!(
        said.contains("2024-03-01 到期") && said.contains("超期换证"),
        "{said}"
    );

    // The rest of the cycle, learned late: it counts towards the overdue renewal.
    learn_cart(
        &app,
        &holder,
        600,
        json!([
            { "kind": "course", "id": "trade-self-discipline-code" },
            { "kind": "course", "id": "practitioner-code-of-conduct" },
            { "kind": "bundle", "id": "certification-30" },
        ]),
    )
    .await;
    let late = standing(&app, &holder.token).await;
    assert_eq!(
        (late["counted_hours"].clone(), late["complete"].clone()),
        (json!(40), json!(true))
    );
    assert_eq!(
        late["next_step"]["code"],
        json!("certificate.overdue_renewal_needed")
    );
    assert_eq!(
        app.issue_certificate(&holder.token).await.code(),
        "certificate.overdue_renewal_needed"
    );

    let file = || {
        app.post(
            certificates::OVERDUE,
            Some(&holder.token),
            json!({ "original_certificate_no": "ZG-2019-0301", "expires_on": "2024-03-01" }),
        )
    };
    assert_eq!(file().await.status, StatusCode::NO_CONTENT);
    assert_eq!(
        app.issue_certificate(&holder.token).await.code(),
        "certificate.overdue_with_staff"
    );

    let unexplained = overdue_verdict(&app, &learner, json!({ "approve": false })).await;
    assert_eq!(unexplained.code(), "filing.reason_required");
    let rejected = overdue_verdict(
        &app,
        &learner,
        json!({ "approve": false, "reason": "原证书编号与档案不符" }),
    )
    .await;
    assert_eq!(rejected.status, StatusCode::NO_CONTENT, "{}", rejected.body);
    let told = standing(&app, &holder.token).await;
    assert_eq!(
        told["next_step"]["code"],
        json!("certificate.overdue_rejected")
    );
    assert!(
        told["next_step"]["message"]
            .as_str()
            .unwrap()
            .contains("原证书编号与档案不符")
    );
    assert_eq!(
        overdue_verdict(&app, &learner, json!({ "approve": true }))
            .await
            .code(),
        "filing.decided",
        "nothing waits once decided"
    );

    assert_eq!(
        file().await.status,
        StatusCode::NO_CONTENT,
        "corrected and filed again"
    );
    let accepted = overdue_verdict(&app, &learner, json!({ "approve": true })).await;
    assert_eq!(accepted.status, StatusCode::CREATED, "{}", accepted.body);
    assert_eq!(
        accepted.body["valid_until"],
        json!("2028-03-01"),
        "the batch day, four years on"
    );
    let no = accepted.text("certificate_no");
    let public = app.get(&path(certificates::VERIFY, &[&no]), None).await;
    assert_eq!(public.body["status"], json!("valid"), "{}", public.body);
    let staff = app.staff_token().await;
    assert!(
        app.get(admin::OVERDUE_RENEWALS, Some(&staff)).await.body["renewals"]
            .as_array()
            .unwrap()
            .is_empty(),
        "the queue is empty once decided"
    );

    // The next cycle: four years to the new expiry, nothing counted yet, the
    // mandatory hours free for a learner who renewed before (R12).
    let next = standing(&app, &holder.token).await;
    assert_eq!(
        (
            next["cycle"].clone(),
            next["cycle_start"].clone(),
            next["cycle_end"].clone(),
            next["counted_hours"].clone()
        ),
        (json!(2), json!("2024-03-01"), json!("2028-03-01"), json!(0))
    );
    let quote = app
        .post(
            payments::QUOTE,
            Some(&holder.token),
            json!({ "items": [ { "kind": "course", "id": "inspection-laws-and-regulations" } ] }),
        )
        .await;
    assert_eq!(quote.body["total_fen"], json!(0), "{}", quote.body);
}

/// A new learner's application waits for staff (R19); the certificate, once
/// approved, opens a second cycle in which the same bundle is bought and
/// learned again and the application is reviewed again.
async fn a_new_learner_is_approved_and_renews_in_the_second_cycle<S: Store>(app: TestApp<S>) {
    app.travel_to(jiff::civil::date(2024, 3, 10));
    let mut learner = app
        .register(&registering(
            json!({ "category": "new", "learning_started_on": "2024-03-01" }),
        ))
        .await;
    let bundle = || json!([ { "kind": "bundle", "id": "certification-40" } ]);
    learn_cart(&app, &learner, 600, bundle()).await;
    app.file(&learner.token).await;
    assert_eq!(
        standing(&app, &learner.token).await["next_step"]["code"],
        json!("certificate.application_with_staff")
    );
    let rejected = app
        .decide_application(&learner.id, Some("工作单位名称不完整"))
        .await;
    assert_eq!(rejected.status, StatusCode::NO_CONTENT, "{}", rejected.body);
    let told = app.issue_certificate(&learner.token).await;
    assert_eq!(told.code(), "certificate.application_rejected");
    assert!(
        told.body["message"]
            .as_str()
            .unwrap()
            .contains("工作单位名称不完整")
    );
    app.file_and_approve(&learner.token, &learner.id).await;
    let twice = app.decide_application(&learner.id, None).await;
    assert_eq!(
        twice.status,
        StatusCode::NO_CONTENT,
        "approving twice is one approval"
    );
    let reversed = app.decide_application(&learner.id, Some("改主意了")).await;
    assert_eq!(
        reversed.code(),
        "filing.decided",
        "a decision is not reversed by another"
    );

    travel(&app, &mut learner, jiff::civil::date(2024, 6, 10)).await;
    let first = app.issue_certificate(&learner.token).await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.body);
    assert_eq!(
        (
            first.body["cycle_start"].clone(),
            first.body["valid_until"].clone()
        ),
        (json!("2024-03-01"), json!("2028-06-10"))
    );
    let again = app.issue_certificate(&learner.token).await;
    assert_eq!(
        (again.status, again.body["no"].clone()),
        (StatusCode::OK, first.body["no"].clone()),
        "a retry the same day"
    );

    travel(&app, &mut learner, jiff::civil::date(2027, 9, 1)).await;
    let second = standing(&app, &learner.token).await;
    assert_eq!(
        (
            second["cycle"].clone(),
            second["cycle_start"].clone(),
            second["cycle_end"].clone(),
            second["counted_hours"].clone()
        ),
        (json!(2), json!("2024-06-10"), json!("2028-06-10"), json!(0))
    );
    assert_eq!(
        app.issue_certificate(&learner.token).await.code(),
        "certificate.incomplete"
    );
    // The first cycle's learning is history: "my courses" starts empty.
    let courses = app.get(learning::COURSES, Some(&learner.token)).await;
    assert_eq!(courses.body["courses"], json!([]), "{}", courses.body);
    learn_cart(&app, &learner, 600, bundle()).await;
    // Bought again and learned in this cycle: each hour once, learned now.
    let courses = app.get(learning::COURSES, Some(&learner.token)).await;
    let hours: Vec<&Value> = courses.body["courses"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|course| course["hours"].as_array().unwrap())
        .collect();
    assert_eq!(hours.len(), 40, "{}", courses.body);
    assert!(
        hours
            .iter()
            .all(|hour| hour["learned_on"] == json!("2027-09-01")),
        "{}",
        courses.body
    );
    assert_eq!(
        standing(&app, &learner.token).await["next_step"]["code"],
        json!("certificate.not_filed")
    );
    app.file_and_approve(&learner.token, &learner.id).await;
    let renewed = app.issue_certificate(&learner.token).await;
    assert_eq!(renewed.status, StatusCode::CREATED, "{}", renewed.body);
    assert_eq!(
        (
            renewed.body["cycle_start"].clone(),
            renewed.body["valid_until"].clone()
        ),
        (json!("2024-06-10"), json!("2032-06-10")),
        "the second certificate continues the first"
    );
    let mine = app.get(certificates::MINE, Some(&learner.token)).await;
    assert_eq!(mine.body["certificates"].as_array().unwrap().len(), 2);
    assert_eq!(standing(&app, &learner.token).await["cycle"], json!(3));
}

/// A holder of next year's batch learns and registers now and is told that
/// the download day comes with the batch's notice, not an error code.
async fn a_holder_of_next_years_batch_learns_now<S: Store>(app: TestApp<S>) {
    app.travel_to(jiff::civil::date(2026, 12, 1));
    let holder = app.register(&holder_expiring("2027-07-06")).await;
    learn_cart(&app, &holder, 600, holder_cycle_cart()).await;
    app.file(&holder.token).await;
    let refused = app.issue_certificate(&holder.token).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused.code(), "certificate.batch_not_published");
    let next = standing(&app, &holder.token).await;
    let said = next["next_step"]["message"].as_str().unwrap();
    assert!(
        said.contains("2027-07-06") && said.contains("2027 年度批次"),
        "{said}"
    );
    let overdue = app
        .post(
            certificates::OVERDUE,
            Some(&holder.token),
            json!({ "original_certificate_no": "ZG-2019-0301", "expires_on": "2027-07-06" }),
        )
        .await;
    assert_eq!(
        overdue.code(),
        "certificate.not_overdue",
        "no contradictory dead end: the message says to register"
    );
}

/// Registration refuses dates no certificate or learner can have.
async fn registration_refuses_impossible_dates<S: Store>(app: TestApp<S>) {
    app.travel_to(jiff::civil::date(2026, 12, 1));
    for (expiry, code) in [
        ("2099-12-31", "registration.expiry_out_of_range"),
        ("0001-01-01", "registration.expiry_out_of_range"),
        ("2027-07-07", "registration.expiry_not_a_batch"),
    ] {
        let refused = app
            .post(accounts::REGISTER, None, holder_expiring(expiry))
            .await;
        assert_eq!(
            (refused.status, refused.code()),
            (StatusCode::UNPROCESSABLE_ENTITY, code),
            "{expiry}"
        );
    }
    let too_early = app
        .post(
            accounts::REGISTER,
            None,
            registering(json!({ "category": "new", "learning_started_on": "1965-01-01" })),
        )
        .await;
    assert_eq!(too_early.code(), "registration.start_before_adulthood");
    let long_ago = app
        .post(
            accounts::REGISTER,
            None,
            registering(json!({ "category": "new", "learning_started_on": "2020-01-01" })),
        )
        .await;
    assert_eq!(long_ago.code(), "registration.start_too_long_ago");
}

/// Staff enter a year's notice and working-day calendar through their API
/// (made-up test data: the real ones are published each year).
async fn staff_enter_year<S: Store>(app: &TestApp<S>, year: i16, batches: Value, price_fen: u64) {
    let staff = app.staff_token().await;
    let settings = app
        .put(
            &path(admin::YEAR_SETTINGS, &[&year]),
            Some(&staff),
            json!({
                "source": format!("测试：中检协〔{year}〕1号"),
                "price_per_hour_fen": price_fen,
                "batch_expiry_dates": batches,
                "certificate_available_after_working_days": 7,
                "returning_learner_free_mandatory": true,
                "class_hour_minutes": 45,
                "expected_version": 0,
            }),
        )
        .await;
    assert_eq!(settings.status, StatusCode::OK, "{}", settings.body);
    let calendar = app
        .put(
            &path(admin::YEAR_CALENDAR, &[&year]),
            Some(&staff),
            json!({
                "source": "测试用数据，非官方通知",
                "holidays": [{ "name": "元旦", "from": format!("{year}-01-01"), "to": format!("{year}-01-01") }],
                "workdays": [],
                "expected_version": 0,
            }),
        )
        .await;
    assert_eq!(calendar.status, StatusCode::OK, "{}", calendar.body);
}

/// One holder renews three times in the 2023-07-06 batch: 2023, 2027,
/// 2031. Each renewal opens a cycle ending on the new expiry; the mandatory
/// hours are bought and counted again (free: a returning learner, R12);
/// staff enter 2027's and 2031's notices and calendars through the API, and
/// until they do the holder hears when the download day will be known.
async fn a_holder_renews_three_times_in_the_same_batch<S: Store>(app: TestApp<S>) {
    app.travel_to(jiff::civil::date(2023, 3, 1));
    let mut holder = app.register(&holder_expiring("2023-07-06")).await;
    learn_cart(&app, &holder, 600, holder_cycle_cart()).await;
    app.file(&holder.token).await;
    let early = app.issue_certificate(&holder.token).await;
    assert_eq!(
        (
            early.code(),
            early.body["message"]
                .as_str()
                .unwrap()
                .contains("2023-07-17")
        ),
        ("certificate.not_yet_available", true),
        "{}",
        early.body
    );

    let mut issued = Vec::new();
    for (renewal_day, next_expiry, learn_on, year_to_enter) in [
        ("2023-07-17", "2027-07-06", "2026-11-20", Some(2027)),
        ("2027-07-15", "2031-07-06", "2030-10-08", Some(2031)),
        ("2031-07-15", "2035-07-06", "", None),
    ] {
        let day: jiff::civil::Date = renewal_day.parse().unwrap();
        travel(&app, &mut holder, day).await;
        let certificate = app.issue_certificate(&holder.token).await;
        assert_eq!(
            certificate.status,
            StatusCode::CREATED,
            "{renewal_day}: {}",
            certificate.body
        );
        assert_eq!(certificate.body["valid_until"], json!(next_expiry));
        issued.push(certificate.text("no"));
        let next = standing(&app, &holder.token).await;
        assert_eq!(next["cycle"], json!(issued.len() + 1));
        assert_eq!(
            (next["cycle_end"].clone(), next["counted_hours"].clone()),
            (json!(next_expiry), json!(0))
        );
        let Some(year) = year_to_enter else { break };

        // The next cycle, learned in full the year before its batch.
        travel(&app, &mut holder, learn_on.parse().unwrap()).await;
        let quote = app
            .post(
                payments::QUOTE,
                Some(&holder.token),
                json!({ "items": holder_cycle_cart() }),
            )
            .await;
        let mandatory_free = quote.body["total_fen"].as_u64().unwrap();
        assert!(
            mandatory_free < 40 * 1500,
            "R12: the mandatory hours are free: {}",
            quote.body
        );
        learn_cart(&app, &holder, 600, holder_cycle_cart()).await;
        app.file(&holder.token).await;
        let unpublished = app.issue_certificate(&holder.token).await;
        assert_eq!(
            unpublished.code(),
            "certificate.batch_not_published",
            "{}",
            unpublished.body
        );

        staff_enter_year(
            &app,
            year,
            json!([format!("{year}-07-06"), format!("{year}-08-15")]),
            1600,
        )
        .await;
        let dated = app.issue_certificate(&holder.token).await;
        assert_eq!(
            dated.code(),
            "certificate.not_yet_available",
            "{}",
            dated.body
        );
        assert!(
            dated.body["message"]
                .as_str()
                .unwrap()
                .contains(&format!("{year}-07-15")),
            "the exact day, once the year is entered: {}",
            dated.body
        );
    }

    // Every certificate verifies; the earlier ones have expired by now.
    let statuses: Vec<Value> = {
        let mut statuses = Vec::new();
        for no in &issued {
            statuses.push(
                app.get(&path(certificates::VERIFY, &[no]), None).await.body["status"].clone(),
            );
        }
        statuses
    };
    assert_eq!(
        statuses,
        [json!("expired"), json!("expired"), json!("valid")]
    );
    let mine = app.get(certificates::MINE, Some(&holder.token)).await;
    assert_eq!(mine.body["certificates"].as_array().unwrap().len(), 3);
}

/// From 2023-01-02, on a clock the journeys move.
fn from_2023<K: StoreKind>(builder: TestAppBuilder<K>) -> TestAppBuilder<K> {
    builder.today(jiff::civil::date(2023, 1, 2))
}

on_both_stores!(
    from_2023 =>
    a_holder_renews_three_times_in_the_same_batch,
    an_overdue_holder_is_renewed_by_staff,
    a_new_learner_is_approved_and_renews_in_the_second_cycle,
    a_holder_of_next_years_batch_learns_now,
    registration_refuses_impossible_dates,
);
