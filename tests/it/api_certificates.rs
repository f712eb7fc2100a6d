//! Certificates over HTTP: issued once the cycle is complete (R17, R18),
//! verified publicly with only what an employer needs (R21); revoked and
//! tampered records show as such.

use reqwest::StatusCode;
use serde_json::json;
use ticedu_store::*;
use ticedu_tests::fixtures::{TODAY, certificate_for, closing_for, new_learner};

use crate::helpers::*;

#[tokio::test]
async fn a_complete_learner_gets_one_certificate_that_anyone_can_verify() {
    // The certificate number names the year of issue.
    let app = TestApp::builder(Embedded).today(TODAY).spawn().await;
    let learner = app.complete_learner().await;
    let (token, id_number, username) = (
        learner.token.as_str(),
        learner.id_number(),
        learner.username.as_str(),
    );
    let unfiled = app.issue_certificate(token).await;
    assert_eq!(
        (unfiled.status, unfiled.code()),
        (StatusCode::UNPROCESSABLE_ENTITY, "certificate.not_filed"),
        "R19: the application comes first"
    );
    let no_employer = app
        .post(
            certificates::FILING,
            Some(token),
            json!({ "note": "请寄送纸质证书" }),
        )
        .await;
    assert_eq!(
        (no_employer.status, no_employer.code()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            "application.employer_required"
        ),
        "R19: the application form names the employer"
    );
    let filed = app
        .post(
            certificates::FILING,
            Some(token),
            json!({ "note": "请寄送纸质证书", "employer": "某检验公司", "position": "检验员" }),
        )
        .await;
    assert_eq!(filed.status, StatusCode::NO_CONTENT, "{}", filed.body);
    let waiting = app.issue_certificate(token).await;
    assert_eq!(
        waiting.code(),
        "certificate.application_with_staff",
        "R19: staff review it first"
    );
    let approved = app.decide_application(&learner.id, None).await;
    assert_eq!(approved.status, StatusCode::NO_CONTENT, "{}", approved.body);
    let issued = app.issue_certificate(token).await;
    assert_eq!(issued.status, StatusCode::CREATED, "{}", issued.body);
    let no = issued.body["no"].as_str().unwrap().to_owned();
    assert!(no.starts_with("TIC-2026-N-"), "{no}");
    assert_eq!(
        (issued.body["hours"].clone(), issued.body["status"].clone()),
        (json!(40), json!("valid"))
    );
    let again = app.issue_certificate(token).await;
    assert_eq!(
        (again.status, again.body["no"].clone()),
        (StatusCode::OK, json!(no)),
        "one certificate per cycle"
    );
    assert_eq!(
        app.get(certificates::MINE, Some(token)).await.body["certificates"]
            .as_array()
            .unwrap()
            .len(),
        1
    );

    let public = app.get(&path(certificates::VERIFY, &[&no]), None).await;
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
    for secret in [id_number, &id_number[..6], &id_number[14..], username] {
        assert!(
            !text.contains(secret),
            "the public answer holds no ID fragment or username: {text}"
        );
    }
    assert_eq!(
        app.get(
            &format!("{}?name=钟检", path(certificates::VERIFY, &[&no])),
            None
        )
        .await
        .status,
        StatusCode::OK
    );
    let wrong_name = app
        .get(
            &format!("{}?name=李四", path(certificates::VERIFY, &[&no])),
            None,
        )
        .await;
    assert_eq!(
        (wrong_name.status, wrong_name.code()),
        (StatusCode::NOT_FOUND, "certificate.not_found")
    );
    assert_eq!(
        app.get(
            &path(certificates::VERIFY, &[&"TIC-2026-N-AAAAAAAAAAAA"]),
            None
        )
        .await
        .code(),
        "certificate.not_found"
    );
    assert_eq!(
        app.get(&path(certificates::VERIFY, &[&"not a number"]), None)
            .await
            .code(),
        "certificate.not_found"
    );

    let staff = app.staff_token().await;
    let revoked = app
        .post(
            &path(admin::REVOKE, &[&no]),
            Some(&staff),
            json!({ "reason": "资料不实" }),
        )
        .await;
    assert_eq!(revoked.status, StatusCode::NO_CONTENT);
    let after = app.get(&path(certificates::VERIFY, &[&no]), None).await;
    assert_eq!(
        (
            after.body["status"].clone(),
            after.body["revoked_on"].is_string()
        ),
        (json!("revoked"), true),
        "the page says revoked, and since when"
    );
    assert!(
        !after.body.to_string().contains("资料不实"),
        "why is between staff and the holder: {}",
        after.body
    );
    assert_eq!(
        app.post(
            &path(admin::REVOKE, &[&no]),
            Some(&staff),
            json!({ "reason": "again" })
        )
        .await
        .code(),
        "certificate.revoked"
    );
    assert_eq!(
        app.post(
            &path(admin::REVOKE, &[&no]),
            Some(token),
            json!({ "reason": "x" })
        )
        .await
        .code(),
        "auth.forbidden"
    );
}

#[tokio::test]
async fn an_incomplete_learner_gets_no_certificate() {
    let app = spawn_app().await;
    let token = app.register(&registration()).await.token;
    let answer = app.issue_certificate(&token).await;
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
    let app = spawn_app().await;
    let learner = new_learner();
    app.store.create_learner(&learner).await.unwrap();
    let mut certificate = certificate_for(&learner);
    certificate.data_hash = "f".repeat(64);
    app.store
        .issue_certificate(&certificate, &closing_for(&learner, &certificate), None)
        .await
        .unwrap();
    let public = app
        .get(&path(certificates::VERIFY, &[&certificate.no]), None)
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
    let app = spawn_app().await;
    let learner = app.complete_learner().await;
    let (token, id_number, username) = (
        learner.token.as_str(),
        learner.id_number(),
        learner.username.as_str(),
    );
    app.file_and_approve(token, &learner.id).await;
    let issued = app.issue_certificate(token).await;
    let no = issued.body["no"].as_str().unwrap().to_owned();
    let verify_path = issued.body["verify_path"].as_str().unwrap().to_owned();

    let response = app
        .raw(reqwest::Method::GET, &path(certificates::PDF, &[&no]))
        .bearer_auth(token)
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
    for secret in [id_number, username] {
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

    let stranger = app.register(&registration()).await.token;
    assert_eq!(
        app.get(&path(certificates::PDF, &[&no]), Some(&stranger))
            .await
            .code(),
        "certificate.not_found",
        "only the owner prints it"
    );
    assert_eq!(
        app.get(&path(certificates::PDF, &[&no]), None).await.status,
        StatusCode::UNAUTHORIZED
    );

    let staff = app.staff_token().await;
    app.post(
        &path(admin::REVOKE, &[&no]),
        Some(&staff),
        json!({ "reason": "资料不实" }),
    )
    .await;
    let revoked = app.get(&path(certificates::PDF, &[&no]), Some(token)).await;
    assert_eq!(
        (revoked.status, revoked.code()),
        (StatusCode::CONFLICT, "certificate.not_printable")
    );
}

#[tokio::test]
async fn an_overdue_holder_files_the_overdue_renewal_and_staff_see_it() {
    let app = spawn_app().await;
    let holder = app.register_as(Kind::Holder).await;
    let (learner, token, body) = (&holder.id, &holder.token, &holder.body);
    let overdue = certificates::OVERDUE;
    let file = |no: &'static str, expires_on: &'static str| {
        app.post(
            overdue,
            Some(token),
            json!({ "original_certificate_no": no, "expires_on": expires_on }),
        )
    };
    assert_eq!(
        file("CIE-2019-0012", "2023-07-06").await.code(),
        "certificate.incomplete",
        "the cycle's hours come first"
    );
    app.credit(learner, 600).await;
    let bought = app.buy(token, holder_cycle_cart()).await;
    app.learn(token, &bought).await;
    assert_eq!(
        file("CIE 12", "2023-07-06").await.code(),
        "document_number.characters"
    );
    assert_eq!(
        file("CIE-2019-0099", "2023-07-21").await.code(),
        "certificate.expiry_mismatch",
        "the expiry is the account's"
    );
    // R20: the holder submits the certificate number and expiry date; name,
    // ID number and username come with the account.
    let filed = file("CIE-2019-0099", "2023-07-06").await;
    assert_eq!(filed.status, StatusCode::NO_CONTENT, "{}", filed.body);
    let issue = app.issue_certificate(token).await;
    assert_eq!(issue.code(), "certificate.overdue_with_staff");

    let staff = app.staff_token().await;
    let queue = app.get(admin::OVERDUE_RENEWALS, Some(&staff)).await;
    assert_eq!(queue.status, StatusCode::OK);
    let renewal = &queue.body["renewals"][0];
    assert_eq!(renewal["learner_id"], learner.as_str());
    assert_eq!(renewal["name"], "钟检");
    let id_number = body["id_number"].as_str().unwrap();
    let masked = renewal["id_number"].as_str().unwrap();
    assert_ne!(
        masked, id_number,
        "masked in the queue: the full number is an audited request"
    );
    assert_eq!(masked.len(), id_number.len());
    assert!(renewal["username"].as_str().unwrap().starts_with("钟检"));
    assert_eq!(renewal["progress"]["counted_hours"], json!(40));
    assert_eq!(
        (
            renewal["certificate"]["original_certificate_no"].clone(),
            renewal["certificate"]["expires_on"].clone()
        ),
        (json!("CIE-2019-0099"), json!("2023-07-06"))
    );
    assert_eq!(
        app.get(admin::OVERDUE_RENEWALS, Some(token)).await.code(),
        "auth.forbidden",
        "learners cannot read the queue"
    );

    let new_learner = app.register(&registration()).await.token;
    assert_eq!(
        app.post(
            overdue,
            Some(&new_learner),
            json!({ "original_certificate_no": "CIE-2019-0012", "expires_on": "2023-07-06" })
        )
        .await
        .code(),
        "certificate.not_a_holder"
    );
}
