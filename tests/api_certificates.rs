//! Certificates over HTTP: issued once the cycle is complete (R17, R18),
//! verified publicly with only what an employer needs (R21); revoked and
//! tampered records show as such.

use reqwest::StatusCode;
use serde_json::json;
use ticedu_domain::money::Fen;
use ticedu_store::ids::LearnerId;
use ticedu_store::*;
use ticedu_tests::app::*;
use ticedu_tests::fixtures::{card, certificate_for, new_learner};

/// A new learner who bought and learned the 40-hour bundle: (learner id, token, ID number, username).
async fn complete_learner<S: Store + Clone + 'static>(
    app: &TestApp<S>,
) -> (LearnerId, String, String, String) {
    let body = registration();
    let (id, token) = register_and_log_in(app, &body).await;
    let learner = LearnerId::parse(&id).unwrap();
    let study_card = card(Fen::from_yuan(600));
    app.store
        .issue_cards(std::slice::from_ref(&study_card))
        .await
        .unwrap();
    app.store
        .redeem_card(&study_card, &learner, ticedu_tests::fixtures::now())
        .await
        .unwrap();
    let bought = app
        .post(
            "/api/payments/purchase",
            Some(&token),
            json!({ "items": [ { "kind": "bundle", "id": "certification-40" } ] }),
        )
        .await;
    assert_eq!(bought.status, StatusCode::CREATED, "{}", bought.body);
    for hour in bought.body["hours"].as_array().unwrap() {
        let (course, number) = hour.as_str().unwrap().split_once('/').unwrap();
        let marked = app
            .post(
                &format!("/api/learning/hours/{course}/{number}/learned"),
                Some(&token),
                json!({}),
            )
            .await;
        assert_eq!(marked.status, StatusCode::OK);
    }
    let me = app.get("/api/accounts/me", Some(&token)).await;
    assert_eq!(me.body["progress"]["complete"], true);
    (
        learner,
        token,
        body["id_number"].as_str().unwrap().to_owned(),
        me.body["username"].as_str().unwrap().to_owned(),
    )
}

#[tokio::test]
async fn a_complete_learner_gets_one_certificate_that_anyone_can_verify() {
    let app = spawn_embedded().await;
    let (_, token, id_number, username) = complete_learner(&app).await;
    let unfiled = app
        .post("/api/certificates/issue", Some(&token), json!({}))
        .await;
    assert_eq!(
        (unfiled.status, unfiled.code()),
        (StatusCode::UNPROCESSABLE_ENTITY, "certificate.not_filed"),
        "R19: the application comes first"
    );
    let filed = app
        .post(
            "/api/certificates/filing",
            Some(&token),
            json!({ "note": "请寄送纸质证书" }),
        )
        .await;
    assert_eq!(filed.status, StatusCode::NO_CONTENT, "{}", filed.body);
    let issued = app
        .post("/api/certificates/issue", Some(&token), json!({}))
        .await;
    assert_eq!(issued.status, StatusCode::CREATED, "{}", issued.body);
    let no = issued.body["no"].as_str().unwrap().to_owned();
    assert!(no.starts_with("TIC-2026-N-"), "{no}");
    assert_eq!(
        (issued.body["hours"].clone(), issued.body["status"].clone()),
        (json!(40), json!("valid"))
    );
    let again = app
        .post("/api/certificates/issue", Some(&token), json!({}))
        .await;
    assert_eq!(
        (again.status, again.body["no"].clone()),
        (StatusCode::OK, json!(no)),
        "one certificate per cycle"
    );
    assert_eq!(
        app.get("/api/certificates/mine", Some(&token)).await.body["certificates"]
            .as_array()
            .unwrap()
            .len(),
        1
    );

    let public = app
        .get(&format!("/api/certificates/verify/{no}"), None)
        .await;
    assert_eq!(public.status, StatusCode::OK, "{}", public.body);
    assert_eq!(
        (
            public.body["name"].clone(),
            public.body["status"].clone(),
            public.body["kind"].clone()
        ),
        (json!("钟*"), json!("valid"), json!("新入行及其他学员"))
    );
    let text = public.body.to_string();
    for secret in [
        &id_number[..],
        &id_number[..6],
        &id_number[14..],
        &username[..],
    ] {
        assert!(
            !text.contains(secret),
            "the public answer holds no ID fragment or username: {text}"
        );
    }
    assert_eq!(
        app.get(&format!("/api/certificates/verify/{no}?name=钟检"), None)
            .await
            .status,
        StatusCode::OK
    );
    let wrong_name = app
        .get(&format!("/api/certificates/verify/{no}?name=李四"), None)
        .await;
    assert_eq!(
        (wrong_name.status, wrong_name.code()),
        (StatusCode::NOT_FOUND, "certificate.not_found")
    );
    assert_eq!(
        app.get("/api/certificates/verify/TIC-2026-N-AAAAAAAAAAAA", None)
            .await
            .code(),
        "certificate.not_found"
    );
    assert_eq!(
        app.get("/api/certificates/verify/not a number", None)
            .await
            .code(),
        "certificate.not_found"
    );

    let staff = staff_token(&app).await;
    let revoked = app
        .post(
            &format!("/api/staff/certificates/{no}/revoke"),
            Some(&staff),
            json!({ "reason": "资料不实" }),
        )
        .await;
    assert_eq!(revoked.status, StatusCode::NO_CONTENT);
    let after = app
        .get(&format!("/api/certificates/verify/{no}"), None)
        .await;
    assert_eq!(
        (
            after.body["status"].clone(),
            after.body["revocation_reason"].clone()
        ),
        (json!("revoked"), json!("资料不实")),
        "the page says revoked, and why"
    );
    assert_eq!(
        app.post(
            &format!("/api/staff/certificates/{no}/revoke"),
            Some(&staff),
            json!({ "reason": "again" })
        )
        .await
        .code(),
        "certificate.revoked"
    );
    assert_eq!(
        app.post(
            &format!("/api/staff/certificates/{no}/revoke"),
            Some(&token),
            json!({ "reason": "x" })
        )
        .await
        .code(),
        "auth.forbidden"
    );
}

#[tokio::test]
async fn an_incomplete_learner_gets_no_certificate() {
    let app = spawn_embedded().await;
    let (_, token) = register_and_log_in(&app, &registration()).await;
    let answer = app
        .post("/api/certificates/issue", Some(&token), json!({}))
        .await;
    assert_eq!(
        (answer.status, answer.code()),
        (StatusCode::UNPROCESSABLE_ENTITY, "certificate.incomplete")
    );
    assert!(
        answer.body["message"].as_str().unwrap().contains("40"),
        "{}",
        answer.body
    );
}

#[tokio::test]
async fn a_record_that_no_longer_matches_its_hash_shows_as_tampered() {
    let app = spawn_embedded().await;
    let learner = new_learner();
    app.store.create_learner(&learner).await.unwrap();
    let mut certificate = certificate_for(&learner);
    certificate.data_hash = "f".repeat(64);
    app.store.issue_certificate(&certificate).await.unwrap();
    let public = app
        .get(
            &format!("/api/certificates/verify/{}", certificate.no),
            None,
        )
        .await;
    assert_eq!(public.body["status"], "tampered");
}

fn run(program: &str, args: &[&str]) -> String {
    let output = std::process::Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{program} (the test command installs it): {e}"));
    assert!(output.status.success(), "{program} failed");
    String::from_utf8(output.stdout).expect("UTF-8")
}

#[tokio::test]
async fn the_owner_downloads_a_pdf_whose_qr_code_opens_the_verification_page() {
    let app = spawn_embedded().await;
    let (_, token, id_number, username) = complete_learner(&app).await;
    app.post("/api/certificates/filing", Some(&token), json!({}))
        .await;
    let issued = app
        .post("/api/certificates/issue", Some(&token), json!({}))
        .await;
    let no = issued.body["no"].as_str().unwrap().to_owned();
    let verify_path = issued.body["verify_path"].as_str().unwrap().to_owned();

    let response = app
        .raw(reqwest::Method::GET, &format!("/api/certificates/{no}/pdf"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "application/pdf");
    assert_eq!(response.headers()["cache-control"], "private, no-store");
    let pdf = response.bytes().await.unwrap();
    assert!(pdf.starts_with(b"%PDF-"));

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("certificate.pdf");
    std::fs::write(&file, &pdf).unwrap();
    let file = file.to_str().unwrap();
    let text = run("pdftotext", &["-layout", file, "-"]);
    for expected in [no.as_str(), "钟检", "新入行及其他学员", "40 学时"] {
        assert!(text.contains(expected), "{expected:?} missing:\n{text}");
    }
    for secret in [&id_number[..], &username[..]] {
        assert!(
            !text.contains(secret),
            "no ID number or username on the PDF"
        );
    }
    let page = dir.path().join("page");
    run(
        "pdftoppm",
        &[
            "-r",
            "150",
            "-png",
            "-singlefile",
            file,
            page.to_str().unwrap(),
        ],
    );
    let scanned = run(
        "zbarimg",
        &[
            "--quiet",
            "--raw",
            dir.path().join("page.png").to_str().unwrap(),
        ],
    );
    // On the local platform the link names the host the learner used.
    assert_eq!(scanned.trim_end(), format!("{}{verify_path}", app.address));

    let stranger = register_and_log_in(&app, &registration()).await.1;
    assert_eq!(
        app.get(&format!("/api/certificates/{no}/pdf"), Some(&stranger))
            .await
            .code(),
        "certificate.not_found",
        "only the owner prints it"
    );
    assert_eq!(
        app.get(&format!("/api/certificates/{no}/pdf"), None)
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );

    let staff = staff_token(&app).await;
    app.post(
        &format!("/api/staff/certificates/{no}/revoke"),
        Some(&staff),
        json!({ "reason": "资料不实" }),
    )
    .await;
    let revoked = app
        .get(&format!("/api/certificates/{no}/pdf"), Some(&token))
        .await;
    assert_eq!(
        (revoked.status, revoked.code()),
        (StatusCode::CONFLICT, "certificate.not_printable")
    );
}

#[tokio::test]
async fn an_overdue_holder_files_the_overdue_renewal_and_staff_see_it() {
    let app = spawn_embedded().await;
    let mut body = registration();
    body["kind"] = json!({ "category": "holder", "certificate_kind": "level_examination", "original_certificate_no": "CIE-2019-0012", "expires_on": "2023-07-06" });
    let (learner, token) = register_and_log_in(&app, &body).await;
    let path = "/api/certificates/overdue-renewal";

    let not_yet = app
        .post(
            path,
            Some(&token),
            json!({ "original_certificate_no": "CIE-2019-0012", "expires_on": "2099-07-06" }),
        )
        .await;
    assert_eq!(
        (not_yet.status, not_yet.code()),
        (StatusCode::UNPROCESSABLE_ENTITY, "certificate.not_overdue")
    );
    let bad_number = app
        .post(
            path,
            Some(&token),
            json!({ "original_certificate_no": "CIE 12", "expires_on": "2023-07-06" }),
        )
        .await;
    assert_eq!(bad_number.code(), "document_number.characters");
    // R20: the holder submits the certificate number and expiry date; name,
    // ID number and username come with the account.
    let filed = app
        .post(
            path,
            Some(&token),
            json!({ "original_certificate_no": "CIE-2019-0099", "expires_on": "2023-07-21" }),
        )
        .await;
    assert_eq!(filed.status, StatusCode::NO_CONTENT, "{}", filed.body);
    let issue = app
        .post("/api/certificates/issue", Some(&token), json!({}))
        .await;
    assert_eq!(issue.code(), "certificate.overdue_with_staff");

    let staff = staff_token(&app).await;
    let queue = app.get("/api/staff/overdue-renewals", Some(&staff)).await;
    assert_eq!(queue.status, StatusCode::OK);
    let renewal = &queue.body["renewals"][0];
    assert_eq!(renewal["learner_id"], json!(learner));
    assert_eq!(renewal["name"], "钟检");
    assert_eq!(renewal["id_number"], body["id_number"], "staff read it");
    assert!(renewal["username"].as_str().unwrap().starts_with("钟检"));
    assert_eq!(
        (
            renewal["certificate"]["original_certificate_no"].clone(),
            renewal["certificate"]["expires_on"].clone()
        ),
        (json!("CIE-2019-0099"), json!("2023-07-21"))
    );
    assert_eq!(
        app.get("/api/staff/overdue-renewals", Some(&token))
            .await
            .code(),
        "auth.forbidden",
        "learners cannot read the queue"
    );

    let new_learner = register_and_log_in(&app, &registration()).await.1;
    assert_eq!(
        app.post(
            path,
            Some(&new_learner),
            json!({ "original_certificate_no": "CIE-2019-0012", "expires_on": "2023-07-06" })
        )
        .await
        .code(),
        "certificate.not_a_holder"
    );
}
