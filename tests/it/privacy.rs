//! Personal information (PIPL): a whole learner's journey over HTTP — with
//! the mistakes people make (a wrong password, a duplicate registration, a
//! mistyped ID number) and staff reading the overdue queue — must leave no ID
//! number, username or password in any log line, at any level; and no public
//! page or public answer may hold them either.

use reqwest::StatusCode;
use serde_json::{Value, json};
use ticedu_domain::money::Fen;
use ticedu_store::ids::LearnerId;
use ticedu_store::records::AuditAction;
use ticedu_store::*;
use ticedu_tests::fixtures::card;

use crate::helpers::*;

fn secrets_in(haystack: &str, secrets: &[(&str, &str)]) -> Vec<String> {
    secrets
        .iter()
        .filter(|(_, secret)| haystack.contains(secret))
        .map(|(what, _)| (*what).to_owned())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_log_line_public_page_or_public_answer_holds_an_id_number_username_or_password() {
    logs::capture();

    let app = spawn_app().await;
    let body = registration_as(Kind::Holder);
    let id_number = body["id_number"].as_str().unwrap().to_owned();
    let password = body["password"].as_str().unwrap().to_owned();
    let registered = app.post(accounts::REGISTER, None, body.clone()).await;
    assert_eq!(
        registered.status,
        StatusCode::CREATED,
        "{}",
        registered.body
    );
    let username = registered.body["username"].as_str().unwrap().to_owned();

    // Registering again is answered as registering (whether a person has an
    // account is nobody else's business): the username derived from what was
    // sent, nothing more — no id, no ID number, no password.
    let again = app.post(accounts::REGISTER, None, body.clone()).await;
    assert_eq!(again.body, json!({ "username": username }));

    // The mistakes: each answer is an error that must not echo what was sent.
    let mut public_answers: Vec<Value> = Vec::new();
    let mut mistyped = body.clone();
    mistyped["id_number"] = json!(format!("{}0", &id_number[..17]));
    public_answers.push(app.post(accounts::REGISTER, None, mistyped).await.body);
    let wrong = app
        .post(
            accounts::LOGIN,
            None,
            json!({ "username": username, "password": format!("{password}x") }),
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    public_answers.push(wrong.body);

    let token = app
        .post(
            accounts::LOGIN,
            None,
            json!({ "username": username, "password": password }),
        )
        .await
        .body["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let me = app.get(accounts::ME, Some(&token)).await;
    let learner = LearnerId::parse(me.body["learner_id"].as_str().unwrap()).unwrap();
    let study_card = card(Fen::from_yuan(600));
    app.store
        .issue_cards(
            std::slice::from_ref(&study_card),
            &ticedu_tests::fixtures::audit(AuditAction::CardsIssued),
        )
        .await
        .unwrap();
    app.post(
        payments::REDEEM,
        Some(&token),
        json!({ "code": study_card.code.to_string() }),
    )
    .await;
    let bought = app.buy(&token, holder_cycle_cart()).await;
    app.learn(&token, &bought).await;
    app.post(
        certificates::OVERDUE,
        Some(&token),
        json!({ "original_certificate_no": "CIE-2019-0012", "expires_on": "2023-07-06" }),
    )
    .await;
    let staff_password = ticedu_local::DEMO_STAFF.1;
    let staff = app.staff_token().await;
    let queue = app.get(admin::OVERDUE_RENEWALS, Some(&staff)).await;
    let listed = queue.body["renewals"][0]["id_number"].as_str().unwrap();
    assert_ne!(listed, id_number, "masked in the queue");
    assert_eq!(
        (listed.chars().next(), listed.chars().last()),
        (id_number.chars().next(), id_number.chars().last())
    );
    let learner_id = queue.body["renewals"][0]["learner_id"].as_str().unwrap();
    let revealed = app
        .post(
            &path(admin::ID_NUMBER, &[&learner_id]),
            Some(&staff),
            json!({}),
        )
        .await;
    assert_eq!(
        revealed.body["id_number"], id_number,
        "an operator reads it on request (audited); the logs must not"
    );

    // A certificate, verified publicly.
    let new_learner = registration();
    let Learner {
        id: new_id,
        token: new_token,
        ..
    } = app.register(&new_learner).await;
    let new_username = app.get(accounts::ME, Some(&new_token)).await.body["username"]
        .as_str()
        .unwrap()
        .to_owned();
    app.credit(&new_id, 600).await;
    let bought = app
        .buy(
            &new_token,
            json!([ { "kind": "bundle", "id": "certification-40" } ]),
        )
        .await;
    app.learn(&new_token, &bought).await;
    app.file_and_approve(&new_token, &new_id).await;
    let issued = app.issue_certificate(&new_token).await;
    assert_eq!(issued.status, StatusCode::CREATED, "{}", issued.body);
    let no = issued.body["no"].as_str().unwrap().to_owned();
    app.get(&path(certificates::PDF, &[&no]), Some(&new_token))
        .await;
    // The closed cycle's 学时证明 (its log line is checked below).
    app.get(
        &format!("{}?cycle=1", certificates::RECORD),
        Some(&new_token),
    )
    .await;
    for public in [
        path(certificates::VERIFY, &[&no]),
        format!("{}?name=钟检", path(certificates::VERIFY, &[&no])),
        path(certificates::VERIFY, &[&"TIC-2026-N-AAAAAAAAAAAA"]),
    ] {
        public_answers.push(app.get(&public, None).await.body);
    }

    let new_id_number = new_learner["id_number"].as_str().unwrap();
    let new_password = new_learner["password"].as_str().unwrap();
    let secrets = [
        ("the holder's ID number", id_number.as_str()),
        ("the holder's username", username.as_str()),
        ("the holder's password", password.as_str()),
        ("the new learner's ID number", new_id_number),
        ("the new learner's username", new_username.as_str()),
        ("the new learner's password", new_password),
        ("the staff password", staff_password),
    ];

    let logged = logs::captured();
    let lines = logged.lines().count();
    assert!(lines > 50, "the journey was logged ({lines} lines)");
    let leaked: Vec<String> = logged
        .lines()
        .filter(|line| !secrets_in(line, &secrets).is_empty())
        .map(|line| format!("{:?}: {line}", secrets_in(line, &secrets)))
        .collect();
    assert!(
        leaked.is_empty(),
        "log lines with personal data:\n{}",
        leaked.join("\n")
    );
    assert!(
        logged.contains(learner.as_str()),
        "logs name learners by their opaque id"
    );

    for answer in &public_answers {
        let text = answer.to_string();
        assert!(
            secrets_in(&text, &secrets).is_empty(),
            "a public answer holds personal data: {text}"
        );
    }

    // The public site: every generated file.
    let folder = tempfile::tempdir().unwrap();
    let mut files = vec![site::build_into(folder.path())];
    let mut checked = 0;
    while let Some(path) = files.pop() {
        if path.is_dir() {
            files.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
        } else if let Ok(text) = std::fs::read_to_string(&path) {
            checked += 1;
            assert!(
                secrets_in(&text, &secrets).is_empty(),
                "{} holds personal data",
                path.display()
            );
        }
    }
    assert!(checked > 300, "{checked} files");
}
