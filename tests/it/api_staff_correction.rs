//! An operator corrects a learner's name and contact details with a reason,
//! on both stores: a new name is a new username (the old one logs in no
//! more), look-ups follow the new details, the trail records what changed
//! (the phone masked), and a repeat changes nothing.

use reqwest::StatusCode;
use serde_json::json;
use ticedu_domain::staff::StaffRole;
use ticedu_store::{AuditStore, CertificateStore, Store};

use crate::helpers::*;

async fn an_operator_corrects_a_learners_details<K: StoreKind>(kind: K)
where
    K::Store: Store,
{
    let app = TestApp::builder(kind).spawn().await;
    let staff = app.staff_token().await;
    let mut body = registration_as(Kind::New);
    body["name"] = json!("王检查");
    let learner = app.register(&body).await;
    let correction = path(admin::CORRECTION, &[&learner.id]);

    let finance = app.staff_token_with(&[StaffRole::Finance]).await;
    let refused = app
        .post(
            &correction,
            Some(&finance),
            json!({ "phone": "13911112222", "reason": "来电更正" }),
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    for (body, code) in [
        (json!({ "reason": "来电更正" }), "learner.correction_empty"),
        (
            json!({ "phone": "139", "reason": "来电更正" }),
            "contact.phone",
        ),
        (
            json!({ "phone": "13911112222", "reason": "" }),
            "text.empty",
        ),
    ] {
        let answer = app.post(&correction, Some(&staff), body).await;
        assert_eq!(
            (answer.status, answer.code()),
            (StatusCode::UNPROCESSABLE_ENTITY, code),
            "{}",
            answer.body
        );
    }

    let corrected = app
        .post(
            &correction,
            Some(&staff),
            json!({ "name": "王检验", "phone": "13911112222", "email": "wang@example.cn", "reason": "注册时姓名录入错误" }),
        )
        .await;
    assert_eq!(corrected.status, StatusCode::OK, "{}", corrected.body);
    assert_eq!(corrected.body["username_changed"], true);
    let username = corrected.text("username");
    assert!(username.starts_with("王检验"), "{username}");
    assert_eq!(
        username[username.len() - 10..],
        learner.username[learner.username.len() - 10..],
        "the ID characters stay"
    );
    // The new username logs in; the old one no more.
    app.log_in(&username, &body["password"]).await;
    let old = app
        .post(
            accounts::LOGIN,
            None,
            json!({ "username": learner.username, "password": body["password"] }),
        )
        .await;
    assert_eq!(old.status, StatusCode::UNAUTHORIZED);
    // Look-ups follow.
    let found = |query| app.post(admin::LOOKUP, Some(&staff), query);
    assert_eq!(
        found(json!({ "name": "王检查" })).await.body["matches"],
        json!([])
    );
    assert_eq!(
        found(json!({ "phone": "13911112222" })).await.body["matches"][0]["learner_id"],
        learner.id.as_str()
    );
    assert_eq!(
        found(json!({ "email": "wang@example.cn" })).await.body["matches"][0]["learner_id"],
        learner.id.as_str()
    );
    assert_eq!(
        found(json!({ "phone": "13800138000" })).await.body["matches"],
        json!([])
    );

    // The same correction again changes nothing; removing the e-mail does.
    let again = app
        .post(
            &correction,
            Some(&staff),
            json!({ "name": "王检验", "phone": "13911112222", "reason": "重复提交" }),
        )
        .await;
    assert_eq!(again.body["username_changed"], false, "{}", again.body);
    let removed = app
        .post(
            &correction,
            Some(&staff),
            json!({ "email": "", "reason": "学员要求删除邮箱" }),
        )
        .await;
    assert_eq!(removed.status, StatusCode::OK);
    assert_eq!(
        found(json!({ "email": "wang@example.cn" })).await.body["matches"],
        json!([])
    );

    let trail = app.store.learner_audit_trail(&learner.id).await.unwrap();
    let corrections: Vec<_> = trail
        .iter()
        .filter(|e| e.action == ticedu_store::records::AuditAction::LearnerCorrected)
        .collect();
    assert_eq!(corrections.len(), 2, "{trail:?}");
    let first = corrections.last().unwrap();
    assert_eq!(first.reason.as_deref(), Some("注册时姓名录入错误"));
    let phone = first.changes.iter().find(|c| c.field == "phone").unwrap();
    assert_eq!(
        (phone.before.as_deref(), phone.after.as_deref()),
        (Some("138****8000"), Some("139****2222"))
    );
    let text = format!("{trail:?}");
    assert!(
        !text.contains(body["id_number"].as_str().unwrap()),
        "no ID number in the trail"
    );
}

#[tokio::test]
async fn an_operator_corrects_a_learners_details_on_the_embedded_store() {
    an_operator_corrects_a_learners_details(Embedded).await;
}

#[tokio::test]
async fn an_operator_corrects_a_learners_details_on_dynamodb() {
    an_operator_corrects_a_learners_details(DynamoDb).await;
}

/// After a name correction the operator reissues the certificate: a new
/// number with the corrected name, for the same cycle; the old number is
/// revoked in the same write and verifies as revoked.
async fn an_operator_reissues_a_certificate<K: StoreKind>(kind: K)
where
    K::Store: Store,
{
    let app = TestApp::builder(kind).spawn().await;
    let staff = app.staff_token().await;
    let learner = app.complete_learner().await;
    app.file_and_approve(&learner.token, &learner.id).await;
    let issued = app.issue_certificate(&learner.token).await;
    assert_eq!(issued.status, StatusCode::CREATED, "{}", issued.body);
    let old = issued.text("no");
    app.post(
        &path(admin::CORRECTION, &[&learner.id]),
        Some(&staff),
        json!({ "name": "钟检验", "reason": "姓名录入错误" }),
    )
    .await;

    let reissue = path(admin::REISSUE, &[&old]);
    let no_reason = app
        .post(&reissue, Some(&staff), json!({ "reason": " " }))
        .await;
    assert_eq!(no_reason.status, StatusCode::UNPROCESSABLE_ENTITY);
    let finance = app.staff_token_with(&[StaffRole::Finance]).await;
    assert_eq!(
        app.post(&reissue, Some(&finance), json!({ "reason": "补发" }))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let reissued = app
        .post(
            &reissue,
            Some(&staff),
            json!({ "reason": "更正姓名后补发" }),
        )
        .await;
    assert_eq!(reissued.status, StatusCode::CREATED, "{}", reissued.body);
    let new = reissued.text("no");
    assert_ne!(new, old);
    assert_eq!(reissued.body["replaces"], old.as_str());

    let verify = async |no: &str| app.get(&path(certificates::VERIFY, &[&no]), None).await;
    let old_public = verify(&old).await;
    assert_eq!(old_public.body["status"], "revoked", "{}", old_public.body);
    let new_public = verify(&new).await;
    assert_eq!(new_public.body["status"], "valid", "{}", new_public.body);
    let stored_old = app
        .store
        .certificate(&ticedu_store::ids::CertificateNo::parse(&old).unwrap())
        .await
        .unwrap()
        .unwrap();
    let stored_new = app
        .store
        .certificate(&ticedu_store::ids::CertificateNo::parse(&new).unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored_new.name.as_str(), "钟检验");
    assert_eq!(
        (
            stored_new.cycle_start,
            stored_new.cycle_end,
            stored_new.valid_until,
            stored_new.hours
        ),
        (
            stored_old.cycle_start,
            stored_old.cycle_end,
            stored_old.valid_until,
            stored_old.hours
        ),
        "the same cycle, hours and validity"
    );
    let again = app
        .post(&reissue, Some(&staff), json!({ "reason": "再次补发" }))
        .await;
    assert_eq!(
        again.status,
        StatusCode::CONFLICT,
        "the old number stands no more"
    );
    let trail = app.store.learner_audit_trail(&learner.id).await.unwrap();
    assert!(
        trail.iter().any(
            |e| e.action == ticedu_store::records::AuditAction::CertificateReissued
                && e.subject.as_deref() == Some(old.as_str())
        ),
        "{trail:?}"
    );
}

#[tokio::test]
async fn an_operator_reissues_a_certificate_on_the_embedded_store() {
    an_operator_reissues_a_certificate(Embedded).await;
}

#[tokio::test]
async fn an_operator_reissues_a_certificate_on_dynamodb() {
    an_operator_reissues_a_certificate(DynamoDb).await;
}
