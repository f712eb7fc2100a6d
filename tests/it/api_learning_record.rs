//! 学时证明 over HTTP on both stores, on a clock that travels 2023 → 2031:
//! each cycle's record lists that cycle's hours only, with the China time
//! each was marked; its PDF reads back (pdftotext) and its QR code scans
//! (zbarimg) to a link that verifies without a database, and that nothing
//! altered or forged passes; no ID number or username anywhere public.

use jiff::civil::date;
use reqwest::StatusCode;
use serde_json::{Value, json};
use ticedu_store::Store;

use crate::helpers::*;

fn run(program: &str, args: &[&str]) -> String {
    let output = std::process::Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{program} (the test command installs it): {e}"));
    assert!(output.status.success(), "{program} failed");
    String::from_utf8(output.stdout).expect("UTF-8")
}

/// A learner's record PDF of `query` (`""` or `?cycle=N`): its text and the link its QR code holds.
struct Printed {
    text: String,
    link: String,
}

async fn print<S: Store>(app: &TestApp<S>, token: &str, query: &str) -> Printed {
    let response = app
        .raw(
            reqwest::Method::GET,
            &format!("{}{query}", certificates::RECORD),
        )
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK, "{query}");
    assert_eq!(response.headers()["content-type"], "application/pdf");
    assert_eq!(response.headers()["cache-control"], "private, no-store");
    let pdf = response.bytes().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("record.pdf");
    std::fs::write(&file, &pdf).unwrap();
    let file = file.to_str().unwrap();
    let text = run("pdftotext", &["-layout", file, "-"]);
    let page = dir.path().join("page");
    run(
        "pdftoppm",
        &[
            "-r",
            "150",
            "-png",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            file,
            page.to_str().unwrap(),
        ],
    );
    let link = run(
        "zbarimg",
        &[
            "--quiet",
            "--raw",
            dir.path().join("page.png").to_str().unwrap(),
        ],
    )
    .trim_end()
    .to_owned();
    Printed { text, link }
}

/// The verification API's answer to a record link's query.
async fn verify<S: Store>(app: &TestApp<S>, link: &str) -> Answer {
    let query = link.split_once('?').map_or("", |(_, query)| query);
    app.get(&format!("{}?{query}", certificates::RECORD_VERIFY), None)
        .await
}

/// `link` with its parameter `name` set to `value`.
fn altered(link: &str, name: &str, value: &str) -> String {
    let (page, query) = link.split_once('?').unwrap();
    let query: Vec<String> = query
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((key, _)) if key == name => format!("{key}={value}"),
            _ => pair.to_owned(),
        })
        .collect();
    format!("{page}?{}", query.join("&"))
}

fn holder() -> Value {
    let mut body = registration();
    body["kind"] = json!({
        "category": "holder",
        "certificate_kind": "qualification",
        "original_certificate_no": "ZG-2019-0301",
        "expires_on": "2023-07-06",
    });
    body
}

async fn travel<S: Store>(app: &TestApp<S>, learner: &mut Learner, day: jiff::civil::Date) {
    app.travel_to(day);
    learner.token = app
        .log_in(&learner.username, &learner.body["password"])
        .await;
}

async fn a_holders_record_of_each_cycle_holds_that_cycles_hours_and_verifies<S: Store>(
    app: TestApp<S>,
) {
    app.travel_to(date(2023, 3, 1));
    let mut learner = app.register(&holder()).await;
    let empty = app.get(certificates::RECORD, Some(&learner.token)).await;
    assert_eq!(
        (empty.status, empty.code()),
        (StatusCode::CONFLICT, "record.empty"),
        "nothing learned: no paper saying 0 hours"
    );
    assert!(empty.body["message"].as_str().unwrap().contains("学过了"));
    assert_eq!(
        app.get(certificates::RECORD, None).await.status,
        StatusCode::UNAUTHORIZED
    );

    // The first cycle, learned in full on 2023-03-01 (10:00 China time).
    app.credit(&learner.id, 600).await;
    let first_hours = app.buy(&learner.token, holder_cycle_cart()).await;
    app.learn(&learner.token, &first_hours).await;
    let first = print(&app, &learner.token, "").await;
    for expected in [
        "继续教育学时证明",
        "钟检",
        "第 1 个周期 2019-07-06 — 2023-07-06",
        "40 / 40 学时",
        "2023-03-01 10:00",
        "第 10 学时",
        "出具日期",
    ] {
        assert!(
            first.text.contains(expected),
            "{expected:?} missing:\n{}",
            first.text
        );
    }
    assert_eq!(
        first.text.matches("2023-03-01 10:00").count(),
        40,
        "{}",
        first.text
    );
    assert!(
        first
            .link
            .starts_with(&format!("{}/verify/?r=XS20230301-", app.address)),
        "{}",
        first.link
    );
    for secret in [learner.id_number(), learner.username.as_str(), "钟检"] {
        assert!(
            !first.text.contains(learner.id_number()),
            "no ID number on the record"
        );
        assert!(
            !first.link.contains(secret),
            "{secret:?} in the link {}",
            first.link
        );
    }
    let verified = verify(&app, &first.link).await;
    assert_eq!(verified.status, StatusCode::OK, "{}", verified.body);
    assert_eq!(
        verified.body,
        json!({
            "status": "verified",
            "no": verified.body["no"],
            "name": "钟*",
            "cycle_start": "2019-07-06",
            "cycle_end": "2023-07-06",
            "counted_hours": 40,
            "required_hours": 40,
            "issued_on": "2023-03-01",
        })
    );
    assert!(first.text.contains(verified.text("no").as_str()));
    let public = verified.body.to_string();
    for secret in [learner.id_number(), learner.username.as_str(), "钟检"] {
        assert!(!public.contains(secret), "{secret:?} in the public answer");
    }
    let again = print(&app, &learner.token, "?cycle=1").await;
    assert_eq!(
        again.link, first.link,
        "the same hours the same day: the same record"
    );

    // Altered or forged: one clear refusal, never a 500.
    for (field, value) in [
        ("h", "41"),
        ("n", "%E7%8E%8B*"),
        ("c", "2019-07-06~2023-07-07"),
        ("d", "2023-03-02"),
        ("r", "XS20230301-0000000000"),
        ("s", "AAAA"),
        ("s", &"A".repeat(86)),
        ("h", "forty"),
    ] {
        let refused = verify(&app, &altered(&first.link, field, value)).await;
        assert_eq!(
            (refused.status, refused.code()),
            (StatusCode::UNPROCESSABLE_ENTITY, "record.unverifiable"),
            "{field}={value}: {}",
            refused.body
        );
        assert!(
            refused.body["message"]
                .as_str()
                .unwrap()
                .starts_with("无法核验")
        );
    }
    let bare = verify(&app, "/verify/").await;
    assert_eq!(bare.code(), "record.unverifiable");

    // Another learner prints their own (empty) record, never this one.
    let stranger = app.register(&holder()).await;
    assert_eq!(
        app.get(certificates::RECORD, Some(&stranger.token))
            .await
            .code(),
        "record.empty"
    );

    // The certificate closes the first cycle; the second starts with nothing.
    app.file(&learner.token).await;
    travel(&app, &mut learner, date(2023, 7, 17)).await;
    let certificate = app.issue_certificate(&learner.token).await;
    assert_eq!(
        certificate.status,
        StatusCode::CREATED,
        "{}",
        certificate.body
    );
    assert_eq!(
        app.get(certificates::RECORD, Some(&learner.token))
            .await
            .code(),
        "record.empty",
        "the current cycle is the second"
    );

    // Three hours of the second cycle, on 2026-11-20.
    travel(&app, &mut learner, date(2026, 11, 20)).await;
    app.credit(&learner.id, 600).await;
    let second_hours = app
        .buy(
            &learner.token,
            json!([{ "kind": "hour", "id": "draft-survey/1" }, { "kind": "hour", "id": "draft-survey/2" }, { "kind": "hour", "id": "draft-survey/3" }]),
        )
        .await;
    app.learn(&learner.token, &second_hours).await;

    // In 2031 both records still print, each with its own hours.
    travel(&app, &mut learner, date(2031, 1, 6)).await;
    let second = print(&app, &learner.token, "").await;
    assert!(
        second.text.contains("第 2 个周期 2023-07-06 — 2027-07-06"),
        "{}",
        second.text
    );
    assert!(second.text.contains("3 / 40 学时"), "{}", second.text);
    assert_eq!(
        second.text.matches("2026-11-20 10:00").count(),
        3,
        "{}",
        second.text
    );
    assert!(!second.text.contains("2023-03-01"), "{}", second.text);
    let older = print(&app, &learner.token, "?cycle=1").await;
    assert_eq!(older.text.matches("2023-03-01 10:00").count(), 40);
    assert!(!older.text.contains("2026-11-20"), "{}", older.text);
    assert!(older.text.contains("第 1 个周期 2019-07-06 — 2023-07-06"));
    for link in [&second.link, &older.link] {
        let verified = verify(&app, link).await;
        assert_eq!(verified.status, StatusCode::OK, "{}", verified.body);
        assert_eq!(verified.body["issued_on"], json!("2031-01-06"));
    }
    assert_eq!(
        verify(&app, &second.link).await.body["counted_hours"],
        json!(3)
    );
    assert_eq!(
        verify(&app, &first.link).await.status,
        StatusCode::OK,
        "a record printed years ago still verifies"
    );

    for (query, status, code) in [
        ("?cycle=3", StatusCode::NOT_FOUND, "record.unknown_cycle"),
        ("?cycle=0", StatusCode::UNPROCESSABLE_ENTITY, "record.cycle"),
        (
            "?cycle=01",
            StatusCode::UNPROCESSABLE_ENTITY,
            "record.cycle",
        ),
        (
            "?cycle=two",
            StatusCode::UNPROCESSABLE_ENTITY,
            "record.cycle",
        ),
    ] {
        let refused = app
            .get(
                &format!("{}{query}", certificates::RECORD),
                Some(&learner.token),
            )
            .await;
        assert_eq!((refused.status, refused.code()), (status, code), "{query}");
    }
}

fn plain<K: StoreKind>(builder: TestAppBuilder<K>) -> TestAppBuilder<K> {
    builder.today(date(2023, 3, 1))
}

on_both_stores!(
    plain =>
    a_holders_record_of_each_cycle_holds_that_cycles_hours_and_verifies,
);
