//! The learner's, verifier's and staff's journeys at the API level, on
//! DynamoDB (moto) through the local platform with its WeChat Pay simulator
//! (the simulator's pay endpoint notifies the platform, as on a laptop);
//! and the local server's demo data: seeded once, and the learner it leaves
//! ready gets a certificate through the API.

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::json;
use ticedu_store::Store;
use ticedu_store::ids::LearnerId;
use ticedu_tests::fixtures::{id_number, id_number_seed};

use crate::helpers::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn register_pay_learn_certify_verify_revoke_on_dynamodb() {
    let started = Instant::now();
    let app = TestApp::builder(DynamoDb)
        .wechat(WeChat::BuiltIn)
        .spawn()
        .await;
    let staff = app.staff_token().await;

    // A new learner registers and learns the derived username (R2).
    let body = registration();
    let registered = app.post(accounts::REGISTER, None, body.clone()).await;
    assert_eq!(
        registered.status,
        StatusCode::CREATED,
        "{}",
        registered.body
    );
    let username = registered.body["username"].as_str().unwrap().to_owned();
    assert!(username.starts_with("钟检110105"), "{username}");
    let login = app
        .post(
            accounts::LOGIN,
            None,
            json!({ "username": username, "password": body["password"] }),
        )
        .await;
    let token = login.body["access_token"].as_str().unwrap().to_owned();

    // Staff issue a study card for the learner's bank transfer; the learner redeems it.
    let cards = app
        .post(
            admin::CARDS,
            Some(&staff),
            json!({ "count": 1, "value_fen": 30_000, "note": "工行转账 2026-11-27 钟检" }),
        )
        .await;
    assert_eq!(cards.status, StatusCode::CREATED, "{}", cards.body);
    let code = cards.body["codes"][0].as_str().unwrap().to_owned();
    let redeemed = app
        .post(payments::REDEEM, Some(&token), json!({ "code": code }))
        .await;
    assert_eq!(
        (redeemed.status, redeemed.body["balance_fen"].clone()),
        (StatusCode::OK, json!(30_000)),
        "{}",
        redeemed.body
    );

    // Mandatory hours and an elective from the balance (R11, R13)...
    let bought = app
        .post(
            payments::PURCHASE,
            Some(&token),
            json!({ "items": [
                { "kind": "course", "id": "practitioner-code-of-conduct" },
                { "kind": "course", "id": "draft-survey" },
            ] }),
        )
        .await;
    assert_eq!(bought.status, StatusCode::CREATED, "{}", bought.body);
    let mut hours = hours_of(&bought.body);
    // ...and the 40-hour bundle through WeChat Pay (R14), paid in the simulator.
    let ordered = app
        .post(
            payments::WECHAT_ORDERS,
            Some(&token),
            json!({ "items": [ { "kind": "bundle", "id": "certification-40" } ], "channel": "native" }),
        )
        .await;
    assert_eq!(ordered.status, StatusCode::CREATED, "{}", ordered.body);
    let order = ordered.body["order_no"].as_str().unwrap().to_owned();
    let paid = app
        .post(&format!("{SIMULATOR}/pay/{order}"), None, json!({}))
        .await;
    assert_eq!(
        (paid.status, paid.body["answer"].clone()),
        (StatusCode::OK, json!(204)),
        "the platform accepted the simulator's notice: {}",
        paid.body
    );
    let orders = app.get(payments::ORDERS, Some(&token)).await;
    let wechat_order = orders.body["orders"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["order_no"] == json!(order))
        .expect("the order is listed")
        .clone();
    assert_eq!(
        (
            wechat_order["paid"].clone(),
            wechat_order["channel"].clone()
        ),
        (json!(true), json!("we_chat_pay"))
    );
    hours.extend(hours_of(&wechat_order));

    // Every hour learned (R10): the progress moves to complete (R9).
    app.learn(&token, &hours).await;
    let progress = app.get(learning::PROGRESS, Some(&token)).await;
    assert_eq!(progress.body["complete"], json!(true), "{}", progress.body);

    // The application (R19) waits for staff's review; approved, the certificate (R17, R18).
    app.file(&token).await;
    let waiting = app.issue_certificate(&token).await;
    assert_eq!(
        (waiting.status, waiting.body["code"].clone()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            json!("certificate.application_with_staff")
        )
    );
    let me = app.get(accounts::ME, Some(&token)).await;
    let learner_id = LearnerId::parse(me.body["learner_id"].as_str().expect("an id")).unwrap();
    let queue = app.get(admin::APPLICATIONS, Some(&staff)).await;
    assert_eq!(
        queue.body["applications"][0]["learner_id"],
        json!(learner_id.as_str()),
        "{}",
        queue.body
    );
    let approved = app.decide_application(&learner_id, None).await;
    assert_eq!(approved.status, StatusCode::NO_CONTENT, "{}", approved.body);
    let issued = app.issue_certificate(&token).await;
    assert_eq!(issued.status, StatusCode::CREATED, "{}", issued.body);
    let no = issued.body["no"].as_str().unwrap().to_owned();
    let verify_path = issued.body["verify_path"].as_str().unwrap().to_owned();
    assert!(
        verify_path.starts_with(&format!("/verify/?no={no}&s=")),
        "{verify_path}"
    );
    let pdf = app
        .raw(reqwest::Method::GET, &path(certificates::PDF, &[&no]))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(pdf.status(), StatusCode::OK);
    assert!(pdf.bytes().await.unwrap().starts_with(b"%PDF"));

    // Anyone verifies it (R21): by number, and by number + name.
    let public = app.get(&path(certificates::VERIFY, &[&no]), None).await;
    assert_eq!(
        (public.status, public.body["status"].clone()),
        (StatusCode::OK, json!("valid")),
        "{}",
        public.body
    );
    let by_name = app
        .get(
            &format!("{}?name=钟检", path(certificates::VERIFY, &[&no])),
            None,
        )
        .await;
    assert_eq!(by_name.body["status"], json!("valid"));

    // Staff check a titled learner's details (R18)...
    let titled = json!({
        "name": "钱职",
        "id_number": id_number(id_number_seed()).expose(),
        "kind": { "category": "titled", "title_kind": "高级工程师", "issuing_authority": "北京市人力资源和社会保障局", "title_certificate_no": "GJ-2019-0001" },
                "phone": "13900139000",
        "password": "学习使我快乐2023",
    });
    let titled_id = app.register(&titled).await.id;
    let pending = app.get(admin::TITLE_CHECKS, Some(&staff)).await;
    assert!(
        pending.body["learners"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l["learner_id"] == titled_id.as_str()),
        "{}",
        pending.body
    );
    let decided = app
        .post(
            &path(admin::TITLE_CHECK, &[&titled_id]),
            Some(&staff),
            json!({ "decision": "confirmed" }),
        )
        .await;
    assert_eq!(decided.status, StatusCode::NO_CONTENT, "{}", decided.body);
    let pending = app.get(admin::TITLE_CHECKS, Some(&staff)).await;
    assert!(
        !pending.body["learners"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l["learner_id"] == titled_id.as_str())
    );

    // ...and revoke the certificate: verification then says revoked, and why.
    let revoked = app
        .post(
            &path(admin::REVOKE, &[&no]),
            Some(&staff),
            json!({ "reason": "资料不实" }),
        )
        .await;
    assert_eq!(revoked.status, StatusCode::NO_CONTENT, "{}", revoked.body);
    let after = app.get(&path(certificates::VERIFY, &[&no]), None).await;
    assert_eq!(after.body["status"], json!("revoked"));
    assert!(
        !after.body.to_string().contains("资料不实"),
        "{}",
        after.body
    );
    let mine = app.get(certificates::MINE, Some(&token)).await;
    assert_eq!(mine.body["certificates"][0]["status"], json!("revoked"));
    eprintln!("API journey on DynamoDB (moto): {:?}", started.elapsed());
}

/// The demo seeding of `ticedu-local`: a second run adds nothing, and the
/// learner it leaves ready gets a certificate through the API.
async fn demo_seeding<S: Store + Clone + 'static>(app: TestApp<S>) {
    use ticedu_local::demo::{self, Stage};
    let first = demo::seed(&app.store, &app.platform).await.unwrap();
    assert!(first.seeded);
    assert_eq!(first.learners.len(), Stage::ALL.len());
    assert_eq!(first.unused_cards.len(), 5);
    let cards = app.store.cards().await.unwrap().len();
    let second = demo::seed(&app.store, &app.platform).await.unwrap();
    assert!(!second.seeded, "nothing is seeded twice");
    assert_eq!(
        second
            .learners
            .iter()
            .map(|l| l.username.clone())
            .collect::<Vec<_>>(),
        first
            .learners
            .iter()
            .map(|l| l.username.clone())
            .collect::<Vec<_>>()
    );
    assert_eq!(second.unused_cards, first.unused_cards);
    assert_eq!(app.store.cards().await.unwrap().len(), cards);

    let log_in = |stage: Stage| {
        let username = first
            .learners
            .iter()
            .find(|l| l.stage == stage)
            .unwrap()
            .username
            .clone();
        let app = &app;
        async move {
            let login = app
                .post(
                    accounts::LOGIN,
                    None,
                    json!({ "username": username, "password": demo::PASSWORD }),
                )
                .await;
            assert_eq!(login.status, StatusCode::OK, "{}", login.body);
            login.body["access_token"].as_str().unwrap().to_owned()
        }
    };

    let ready = log_in(Stage::ReadyForCertificate).await;
    let issued = app.issue_certificate(&ready).await;
    assert_eq!(issued.status, StatusCode::CREATED, "{}", issued.body);
    assert_eq!(issued.body["hours"], json!(40));
    let no = issued.body["no"].as_str().unwrap();
    assert_eq!(
        app.get(&path(certificates::VERIFY, &[&no]), None)
            .await
            .body["status"],
        json!("valid")
    );

    // The holder renewed on the platform four years before their next batch
    // and is part-way through the second cycle, in a batch that lies ahead.
    let holder = log_in(Stage::HolderPartWay).await;
    let progress = app.get(learning::PROGRESS, Some(&holder)).await;
    assert_eq!(
        (
            progress.body["cycle"].clone(),
            progress.body["counted_hours"].clone(),
            progress.body["complete"].clone(),
            progress.body["next_step"]["code"].clone(),
        ),
        (
            json!(2),
            json!(10),
            json!(false),
            json!("certificate.incomplete")
        ),
        "{}",
        progress.body
    );
    let today = app.platform.clock.today();
    let cycle_end: jiff::civil::Date = progress.body["cycle_end"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        cycle_end > today,
        "a demo learner is never stuck in a lapsed cycle"
    );
    let renewed = app.get(certificates::MINE, Some(&holder)).await;
    assert_eq!(
        renewed.body["certificates"].as_array().unwrap().len(),
        1,
        "{}",
        renewed.body
    );

    // The overdue holder's renewal waits for staff, with the hours learned late counted.
    let overdue = log_in(Stage::OverdueWithStaff).await;
    assert_eq!(
        app.issue_certificate(&overdue).await.code(),
        "certificate.overdue_with_staff"
    );
    let staff = app.staff_token().await;
    let queue = app.get(admin::OVERDUE_RENEWALS, Some(&staff)).await;
    assert_eq!(
        queue.body["renewals"][0]["progress"]["counted_hours"],
        json!(40),
        "{}",
        queue.body
    );

    let titled = log_in(Stage::AwaitingTitleCheck).await;
    let not_yet = app.issue_certificate(&titled).await;
    assert_eq!(
        not_yet.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        not_yet.body
    );
    let pending = app.get(admin::TITLE_CHECKS, Some(&staff)).await;
    assert_eq!(pending.body["learners"].as_array().unwrap().len(), 1);

    assert!(first.revoked_certificate.is_some());
    assert_eq!(second.revoked_certificate, first.revoked_certificate);
    let revoked = log_in(Stage::Revoked).await;
    let mine = app.get(certificates::MINE, Some(&revoked)).await;
    let certificate = &mine.body["certificates"][0];
    assert_eq!(certificate["status"], json!("revoked"), "{}", mine.body);
    let public = app
        .get(
            &path(
                certificates::VERIFY,
                &[&certificate["no"].as_str().unwrap()],
            ),
            None,
        )
        .await;
    assert_eq!(public.body["status"], json!("revoked"));
    assert_eq!(
        certificate["revocation_reason"],
        json!(demo::REVOCATION_REASON),
        "its owner reads why"
    );
    let staff_cards = app.get(admin::CARDS, Some(&staff)).await;
    assert!(
        staff_cards.body.to_string().contains(demo::CARD_NOTE),
        "staff see the demo cards"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_data_is_seeded_once_and_the_ready_learner_gets_a_certificate() {
    demo_seeding(spawn_app().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_data_seeds_dynamodb_too() {
    let started = Instant::now();
    demo_seeding(TestApp::builder(DynamoDb).spawn().await).await;
    assert!(started.elapsed() < Duration::from_secs(120));
}
