//! What an attacker tries with a script (issue 19), on both stores: bursts
//! of concurrent password guesses against the log-in throttle, learners' and
//! staff's; guessing a certificate holder's name through public verification;
//! one caller flooding a public route (the per-caller limits).

use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use tokio::task::JoinSet;

use crate::helpers::*;

/// A fixed clock: on the system clock the 15-minute window could roll over mid-burst.
fn fixed_clock<K: StoreKind>(builder: TestAppBuilder<K>) -> TestAppBuilder<K> {
    builder.today(jiff::civil::date(2026, 6, 1))
}

on_both_stores!(fixed_clock =>
    a_burst_of_wrong_passwords_gets_no_more_checks_than_the_limit,
    a_burst_of_wrong_staff_passwords_gets_no_more_checks_than_the_limit,
    a_certificate_answers_ten_name_checks_a_day_right_or_wrong,
    one_caller_is_stopped_at_each_public_routes_limit_and_others_are_not,
);

/// Sends 39 wrong passwords at once to `path`, then — while their hashes are
/// still being checked — the right one; returns the status codes of the
/// wrong ones (sorted) and the right one's answer.
async fn burst<S>(app: &TestApp<S>, path: &str, wrong: Value, right: Value) -> (Vec<u16>, Value) {
    let mut guesses = JoinSet::new();
    for _ in 0..39 {
        let request = app.raw(Method::POST, path).json(&wrong);
        guesses.spawn(async move { request.send().await.expect("an answer").status() });
    }
    // The guesses are on their way: each is counted as soon as it arrives,
    // long before argon2 has checked it.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let answer = app
        .raw(Method::POST, path)
        .json(&right)
        .send()
        .await
        .expect("an answer");
    let right = json!({
        "status": answer.status().as_u16(),
        "body": answer.json::<Value>().await.unwrap_or_default(),
    });
    let mut statuses = Vec::new();
    while let Some(status) = guesses.join_next().await {
        statuses.push(status.expect("the guess ran").as_u16());
    }
    statuses.sort_unstable();
    (statuses, right)
}

/// Of the guesses only the limit's worth were checked: four wrong answers,
/// then the fifth failure and everything after it throttled, the right
/// password included.
fn assert_throttled((statuses, right): (Vec<u16>, Value)) {
    let unauthorized = statuses
        .iter()
        .filter(|s| **s == StatusCode::UNAUTHORIZED.as_u16())
        .count();
    let throttled = statuses
        .iter()
        .filter(|s| **s == StatusCode::TOO_MANY_REQUESTS.as_u16())
        .count();
    assert_eq!((unauthorized, throttled), (4, 35), "{statuses:?}");
    assert_eq!(
        (right["status"].as_u64(), right["body"]["code"].as_str()),
        (Some(429), Some("auth.throttled")),
        "the right password after the limit was reached: {right}"
    );
}

async fn a_burst_of_wrong_passwords_gets_no_more_checks_than_the_limit<S: ticedu_store::Store>(
    app: TestApp<S>,
) {
    let body = registration();
    let learner = app.register(&body).await;
    let answers = burst(
        &app,
        accounts::LOGIN,
        json!({ "username": learner.username, "password": "not the password 1" }),
        json!({ "username": learner.username, "password": body["password"] }),
    )
    .await;
    assert_throttled(answers);
}

async fn a_burst_of_wrong_staff_passwords_gets_no_more_checks_than_the_limit<
    S: ticedu_store::Store,
>(
    app: TestApp<S>,
) {
    let (name, password) = ticedu_local::DEMO_STAFF;
    let answers = burst(
        &app,
        admin::LOGIN,
        json!({ "name": name, "password": "guess 1" }),
        json!({ "name": name, "password": password }),
    )
    .await;
    assert_throttled(answers);
}

/// A certificate stored for a new learner named 钟检, as issuing leaves it.
async fn stored_certificate<S: ticedu_store::Store>(app: &TestApp<S>) -> String {
    use ticedu_tests::fixtures::{certificate_for, closing_for, new_learner};
    let learner = new_learner();
    app.store.create_learner(&learner).await.expect("a learner");
    let certificate = certificate_for(&learner);
    app.store
        .issue_certificate(&certificate, &closing_for(&learner, &certificate), None)
        .await
        .expect("a certificate");
    certificate.no.to_string()
}

async fn a_certificate_answers_ten_name_checks_a_day_right_or_wrong<S: ticedu_store::Store>(
    app: TestApp<S>,
) {
    let (no, other) = (
        stored_certificate(&app).await,
        stored_certificate(&app).await,
    );
    let checked =
        |no: &str, name: &str| format!("{}?name={name}", path(certificates::VERIFY, &[&no]));
    // An employer's typing mistakes and a guesser's tries count alike.
    for (n, name) in [
        "李四", "钟检", "王五", "赵六", "钟检", "孙七", "周八", "吴九", "郑十", "钟检",
    ]
    .into_iter()
    .enumerate()
    {
        let answer = app.get(&checked(&no, name), None).await;
        let expected = if name == "钟检" {
            StatusCode::OK
        } else {
            StatusCode::NOT_FOUND
        };
        assert_eq!(answer.status, expected, "check {}: {name}", n + 1);
    }
    // The eleventh, even with the right name, says nothing about the name.
    for name in ["钟检", "钱一"] {
        let answer = app.get(&checked(&no, name), None).await;
        assert_eq!(
            (answer.status, answer.code()),
            (
                StatusCode::TOO_MANY_REQUESTS,
                "verify.name_checks_exhausted"
            ),
            "{name}"
        );
        assert!(answer.headers.contains_key("retry-after"));
    }
    // The number alone still answers, with the name masked; other certificates are untouched.
    let alone = app.get(&path(certificates::VERIFY, &[&no]), None).await;
    assert_eq!(
        (alone.status, alone.body["name"].as_str()),
        (StatusCode::OK, Some("钟*"))
    );
    assert_eq!(
        app.get(&checked(&other, "钟检"), None).await.status,
        StatusCode::OK
    );
    // An unknown number is not found, whatever the name, and counts nothing.
    assert_eq!(
        app.get(&checked("TIC-2026-N-AAAAAAAAAAAA", "钟检"), None)
            .await
            .code(),
        "certificate.not_found"
    );
}

/// Sends `request` to `path` as the viewer at `address` (as CloudFront passes it).
async fn as_viewer<S>(app: &TestApp<S>, address: &str, path: &str, body: &Value) -> (u16, String) {
    let answer = app
        .raw(Method::POST, path)
        .header("CloudFront-Viewer-Address", address)
        .json(body)
        .send()
        .await
        .expect("an answer");
    let status = answer.status().as_u16();
    let retry_after = answer.headers().contains_key("retry-after");
    let body: Value = answer.json().await.unwrap_or_default();
    let code = body["code"].as_str().unwrap_or_default().to_owned();
    if code == "rate.limited" {
        assert!(retry_after, "{path}: a 429 says when to retry");
    }
    (status, code)
}

async fn one_caller_is_stopped_at_each_public_routes_limit_and_others_are_not<
    S: ticedu_store::Store,
>(
    app: TestApp<S>,
) {
    use ticedu_api::caller_limit::{
        CallerLimit, LogIns, Recoveries, Registrations, Verifications, WeChatPayNotices,
    };
    let unknown_certificate = path(certificates::VERIFY, &[&"TIC-2026-N-AAAAAAAAAAAA"]);
    // Bodies each route refuses on its own (malformed, unknown, unsigned):
    // the limit counts requests before anything else looks at them.
    let routes: [(&str, u32, &str, Value); 6] = [
        (
            "learners' log-in",
            LogIns::USES,
            accounts::LOGIN,
            json!({ "username": "x" }),
        ),
        (
            "staff log-in",
            LogIns::USES,
            admin::LOGIN,
            json!({ "name": "x" }),
        ),
        (
            "registration",
            Registrations::USES,
            accounts::REGISTER,
            json!({}),
        ),
        (
            "password recovery",
            Recoveries::USES,
            accounts::RECOVERY_RESET,
            json!({}),
        ),
        (
            "WeChat Pay's notices",
            WeChatPayNotices::USES,
            payments::WECHAT_NOTIFY,
            json!({}),
        ),
        ("verification", Verifications::USES, "", json!(null)),
    ];
    for (n, (what, uses, route, body)) in routes.into_iter().enumerate() {
        let caller = format!("198.51.100.{}:{}", n + 1, 40_000 + n);
        let flood = |port: usize| format!("198.51.100.{}:{port}", n + 1);
        let send = |address: String| {
            let (app, route, body, verify) =
                (&app, route, body.clone(), unknown_certificate.clone());
            async move {
                if route.is_empty() {
                    let answer = app
                        .raw(Method::GET, &verify)
                        .header("CloudFront-Viewer-Address", address)
                        .send()
                        .await
                        .expect("an answer");
                    let status = answer.status().as_u16();
                    let body: Value = answer.json().await.unwrap_or_default();
                    (status, body["code"].as_str().unwrap_or_default().to_owned())
                } else {
                    as_viewer(app, &address, route, &body).await
                }
            }
        };
        // The port changes with every connection; the address is the caller.
        for attempt in 0..uses {
            let (status, code) = send(flood(30_000 + attempt as usize)).await;
            assert_ne!(
                code,
                "rate.limited",
                "{what}: request {} of {uses}",
                attempt + 1
            );
            assert_ne!(status, 500, "{what}");
        }
        assert_eq!(
            send(caller.clone()).await,
            (429, "rate.limited".to_owned()),
            "{what}: one past the limit"
        );
        let (status, code) = send(format!("203.0.113.{}:5000", n + 1)).await;
        assert_ne!(code, "rate.limited", "{what}: another caller ({status})");
    }
}
