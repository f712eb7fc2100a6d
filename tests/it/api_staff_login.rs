//! Staff accounts and two-factor log-in over HTTP, on both stores: the first
//! administrator bootstraps from the deployment's secret and enrols an
//! authenticator, creates colleagues with roles; codes are good once,
//! wrong ones are throttled, recovery codes work once, a disabled account
//! is locked out at once, and roles bound what each may reach.

use jiff::{SignedDuration, Timestamp};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use ticedu_store::records::{AuditAction, AuditQuery};
use ticedu_store::{AuditStore, Store};
use totp_rs::{Algorithm, Secret, TOTP};

use crate::helpers::*;

/// What an authenticator app shows for `secret` at `at`.
fn code(secret: &str, at: Timestamp) -> String {
    let bytes = Secret::Encoded(secret.to_owned()).to_bytes().unwrap();
    let totp = TOTP::new(Algorithm::SHA1, 6, 0, 30, bytes, None, String::new()).unwrap();
    totp.generate(u64::try_from(at.as_second()).unwrap())
}

/// Moves the clock on by a TOTP step, so that a new code is shown.
fn next_step<S>(app: &TestApp<S>) -> Timestamp {
    let later = app.platform.clock.now() + SignedDuration::from_secs(30);
    app.platform.clock.set(later);
    later
}

/// Logs in a staff account that has no authenticator yet and enrols one:
/// the secret and the session.
async fn enrol<S>(app: &TestApp<S>, name: &str, password: &str) -> (String, Value) {
    let begun = app
        .post(
            admin::LOGIN,
            None,
            json!({ "name": name, "password": password }),
        )
        .await;
    assert_eq!(begun.status, StatusCode::OK, "{}", begun.body);
    assert_eq!(begun.body["status"], "enrol", "{}", begun.body);
    let secret = begun.text("secret");
    assert!(begun.text("otpauth_uri").contains(&secret));
    assert!(begun.text("qr_svg").contains("<svg"));
    let enrolment = begun.text("enrolment_token");
    // The enrolment token opens the enrolment and nothing else.
    let elsewhere = app.get(admin::ME, Some(&enrolment)).await;
    assert_eq!(
        elsewhere.status,
        StatusCode::FORBIDDEN,
        "{}",
        elsewhere.body
    );
    let wrong = app
        .post(
            admin::ENROLMENT,
            Some(&enrolment),
            json!({ "code": "000000" }),
        )
        .await;
    assert_eq!(wrong.code(), "auth.invalid_credentials", "{}", wrong.body);
    let now = app.platform.clock.now();
    let done = app
        .post(
            admin::ENROLMENT,
            Some(&enrolment),
            json!({ "code": code(&secret, now) }),
        )
        .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert_eq!(done.body["recovery_codes"].as_array().unwrap().len(), 10);
    (secret, done.body)
}

async fn log_in<S>(app: &TestApp<S>, name: &str, password: &str, code: &str) -> Answer {
    app.post(
        admin::LOGIN,
        None,
        json!({ "name": name, "password": password, "code": code }),
    )
    .await
}

async fn patch<S>(app: &TestApp<S>, path: &str, token: &str, body: Value) -> Answer {
    app.request(Method::PATCH, path, Some(token), Some(body))
        .await
}

async fn administrators_bootstrap_enrol_and_manage_colleagues<K: StoreKind>(kind: K)
where
    K::Store: Store,
{
    let app = TestApp::builder(kind)
        .today(jiff::civil::date(2027, 3, 1))
        .spawn()
        .await;
    let (admin_name, admin_password) = ticedu_local::DEMO_STAFF;

    // The first administrator: bootstrapped at the first log-in, then enrolled.
    let (admin_secret, session) = enrol(&app, admin_name, admin_password).await;
    assert_eq!(session["staff"]["roles"], json!(["administrator"]));
    assert!(
        session["expires_in"].as_i64().unwrap() < app.platform.token_lifetime_seconds,
        "staff sessions are shorter than learners'"
    );
    let admin = session["access_token"].as_str().unwrap().to_owned();
    let recovery: Vec<String> = serde_json::from_value(session["recovery_codes"].clone()).unwrap();

    // A code is good once: the one just used for the enrolment is refused.
    let now = app.platform.clock.now();
    let replayed = log_in(&app, admin_name, admin_password, &code(&admin_secret, now)).await;
    assert_eq!(
        replayed.code(),
        "auth.invalid_credentials",
        "{}",
        replayed.body
    );
    let missing = app
        .post(
            admin::LOGIN,
            None,
            json!({ "name": admin_name, "password": admin_password }),
        )
        .await;
    assert_eq!(
        (missing.status, missing.code()),
        (StatusCode::UNAUTHORIZED, "staff.code_required")
    );
    let later = next_step(&app);
    let again = log_in(
        &app,
        admin_name,
        admin_password,
        &code(&admin_secret, later),
    )
    .await;
    assert_eq!(again.body["status"], "logged_in", "{}", again.body);

    // A recovery code logs in once.
    let recovered = log_in(
        &app,
        admin_name,
        admin_password,
        &recovery[0].to_uppercase(),
    )
    .await;
    assert_eq!(
        recovered.body["recovery_codes_left"], 9,
        "{}",
        recovered.body
    );
    let reused = log_in(&app, admin_name, admin_password, &recovery[0]).await;
    assert_eq!(reused.code(), "auth.invalid_credentials");

    // Colleagues, each with their roles.
    let created = app
        .post(
            admin::ACCOUNTS,
            Some(&admin),
            json!({ "name": "qian.ops", "display_name": "钱业务", "roles": ["operator"], "password": "first-password-1" }),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    assert_eq!(created.body["totp_enrolled"], false);
    let twice = app
        .post(
            admin::ACCOUNTS,
            Some(&admin),
            json!({ "name": "qian.ops", "display_name": "又一个", "roles": ["finance"], "password": "first-password-1" }),
        )
        .await;
    assert_eq!(
        (twice.status, twice.code()),
        (StatusCode::CONFLICT, "staff.exists")
    );
    for (body, code) in [
        (
            json!({ "name": "Qian", "display_name": "钱", "roles": ["operator"], "password": "first-password-1" }),
            "staff.bad_name",
        ),
        (
            json!({ "name": "sun.fin", "display_name": "孙", "roles": [], "password": "first-password-1" }),
            "staff.no_role",
        ),
        (
            json!({ "name": "sun.fin", "display_name": "孙", "roles": ["finance"], "password": "short" }),
            "password.too_short",
        ),
    ] {
        let refused = app.post(admin::ACCOUNTS, Some(&admin), body).await;
        assert_eq!(
            (refused.status, refused.code()),
            (StatusCode::UNPROCESSABLE_ENTITY, code),
            "{}",
            refused.body
        );
    }
    let (operator_secret, operator_session) = enrol(&app, "qian.ops", "first-password-1").await;
    let operator = operator_session["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        app.get(admin::QUEUES, Some(&operator)).await.status,
        StatusCode::OK
    );
    let forbidden = app.get(admin::ACCOUNTS, Some(&operator)).await;
    assert_eq!(
        (forbidden.status, forbidden.code()),
        (StatusCode::FORBIDDEN, "auth.forbidden"),
        "an operator cannot reach administrator actions"
    );
    let listed = app.get(admin::ACCOUNTS, Some(&admin)).await;
    let names: Vec<&str> = listed.body["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["admin", "qian.ops"]);
    assert!(
        !listed.body.to_string().contains("argon2"),
        "no hashes, no secrets"
    );
    assert!(!listed.body.to_string().contains(&operator_secret));

    // Disabled: locked out at once, token and log-in alike.
    let account = admin::ACCOUNT.replace("{name}", "qian.ops");
    let disabled = patch(&app, &account, &admin, json!({ "disabled": true })).await;
    assert_eq!(disabled.body["disabled"], true, "{}", disabled.body);
    assert_eq!(
        app.get(admin::QUEUES, Some(&operator)).await.code(),
        "auth.invalid_token"
    );
    let later = next_step(&app);
    let locked = log_in(
        &app,
        "qian.ops",
        "first-password-1",
        &code(&operator_secret, later),
    )
    .await;
    assert_eq!(locked.code(), "auth.invalid_credentials");
    let own = admin::ACCOUNT.replace("{name}", admin_name);
    let lockout = patch(&app, &own, &admin, json!({ "roles": ["operator"] })).await;
    assert_eq!(
        (lockout.status, lockout.code()),
        (StatusCode::CONFLICT, "staff.self_lockout")
    );

    // Enabled again with a lost phone: the authenticator is reset and enrolled anew.
    patch(&app, &account, &admin, json!({ "disabled": false })).await;
    let reset = app
        .post(
            &admin::ACCOUNT_TOTP_RESET.replace("{name}", "qian.ops"),
            Some(&admin),
            json!({}),
        )
        .await;
    assert_eq!(reset.status, StatusCode::NO_CONTENT, "{}", reset.body);
    let (new_secret, _) = enrol(&app, "qian.ops", "first-password-1").await;
    assert_ne!(new_secret, operator_secret);

    // Learners reach no staff data.
    let learner = app.register_as(Kind::Holder).await;
    assert_eq!(
        app.get(admin::ME, Some(&learner.token)).await.status,
        StatusCode::FORBIDDEN
    );

    // Every step above is in the audit trail, by whom it was done.
    let trail = app
        .store
        .audit_trail(&AuditQuery {
            before: None,
            limit: 200,
        })
        .await
        .unwrap();
    let did = |by: &str, action: AuditAction| {
        trail
            .entries
            .iter()
            .any(|e| e.by.as_str() == by && e.action == action)
    };
    assert!(did("admin", AuditAction::StaffAccountCreated), "bootstrap");
    assert!(did("admin", AuditAction::StaffTotpEnrolled));
    assert!(did("admin", AuditAction::StaffLoggedIn));
    assert!(did("admin", AuditAction::StaffRecoveryCodeUsed));
    assert!(did("admin", AuditAction::StaffAccountChanged));
    assert!(did("admin", AuditAction::StaffTotpReset));
    assert!(did("qian.ops", AuditAction::StaffTotpEnrolled));
}

#[tokio::test]
async fn administrators_bootstrap_enrol_and_manage_colleagues_embedded() {
    administrators_bootstrap_enrol_and_manage_colleagues(Embedded).await;
}

#[tokio::test]
async fn administrators_bootstrap_enrol_and_manage_colleagues_dynamodb() {
    administrators_bootstrap_enrol_and_manage_colleagues(DynamoDb).await;
}

#[tokio::test]
async fn wrong_codes_are_refused_and_throttled() {
    let app = TestApp::builder(Embedded)
        .today(jiff::civil::date(2027, 3, 1))
        .spawn()
        .await;
    let (name, password) = ticedu_local::DEMO_STAFF;
    let (secret, _) = enrol(&app, name, password).await;
    // The enrolment's right code cleared the count of its wrong one.
    for _ in 0..4 {
        let wrong = log_in(&app, name, password, "123456").await;
        assert_eq!(wrong.code(), "auth.invalid_credentials");
    }
    let fifth = log_in(&app, name, password, "654321").await;
    assert_eq!(
        (fifth.status, fifth.code()),
        (StatusCode::TOO_MANY_REQUESTS, "auth.throttled")
    );
    let later = next_step(&app);
    let right = log_in(&app, name, password, &code(&secret, later)).await;
    assert_eq!(
        right.code(),
        "auth.throttled",
        "even the right code waits out the window"
    );
}

#[tokio::test]
async fn the_retired_staff_list_and_unknown_names_get_the_same_answer() {
    let app = spawn_app().await;
    for name in ["staff", "nobody", "BAD NAME"] {
        let answer = app
            .post(
                admin::LOGIN,
                None,
                json!({ "name": name, "password": "staff-demo-2023" }),
            )
            .await;
        assert_eq!(
            (answer.status, answer.code()),
            (StatusCode::UNAUTHORIZED, "auth.invalid_credentials"),
            "{name}"
        );
    }
}
