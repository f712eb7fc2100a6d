//! The accounts and learning functions over HTTP on the local server: the
//! learner's journey on both stores, and every kind of bad input.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use ticedu_api::auth::Role;
use ticedu_store::ids::LearnerId;
use ticedu_store::*;
use ticedu_tests::fixtures::{balance_order, hour};

use crate::helpers::*;

/// register → log in → me → (a purchase through the store) → mark hours → progress.
async fn journey<S: Store + Clone + 'static>(app: TestApp<S>) {
    let body = registration();
    let registered = app.post(accounts::REGISTER, None, body.clone()).await;
    assert_eq!(
        registered.status,
        StatusCode::CREATED,
        "{}",
        registered.body
    );
    let id_number = body["id_number"].as_str().unwrap();
    let username = format!("钟检{}{}", &id_number[..6], &id_number[14..]);
    assert_eq!(
        registered.body["username"], username,
        "R2: name + first 6 + last 4"
    );

    let login = app
        .post(
            accounts::LOGIN,
            None,
            json!({ "username": username, "password": body["password"] }),
        )
        .await;
    assert_eq!(login.status, StatusCode::OK, "{}", login.body);
    assert_eq!(login.body["token_type"], "Bearer");
    let token = login.body["access_token"].as_str().unwrap();

    let me = app.get(accounts::ME, Some(token)).await;
    assert_eq!(me.status, StatusCode::OK, "{}", me.body);
    assert_eq!(me.body["name"], "钟检");
    assert_eq!(me.body["category"], "new");
    assert_eq!(me.body["balance_fen"], 0);
    assert_eq!(
        me.body["id_number_masked"],
        format!("{}****************{}", &id_number[..1], &id_number[17..])
    );
    assert!(
        !me.body.to_string().contains(id_number),
        "the full ID number never leaves the store"
    );
    assert_eq!(me.body["progress"]["required_hours"], 40);

    // The payments function does not exist yet: buy three elective hours through the store.
    let learner = LearnerId::parse(me.body["learner_id"].as_str().unwrap()).unwrap();
    app.credit(&learner, 600).await;
    let course = "acceptance-sampling-gbt-2828-1";
    app.store
        .purchase_with_balance(&balance_order(
            &learner,
            (1..=3).map(|n| hour(course, n)).collect(),
        ))
        .await
        .unwrap();

    let courses = app.get(learning::COURSES, Some(token)).await;
    assert_eq!(courses.status, StatusCode::OK, "{}", courses.body);
    assert_eq!(courses.body["courses"][0]["id"], course);
    assert_eq!(
        courses.body["courses"][0]["hours"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
    assert_eq!(courses.body["courses"][0]["hours"][0]["learned"], false);

    let marked = app.mark(token, &format!("{course}/1")).await;
    assert_eq!(marked.status, StatusCode::OK, "{}", marked.body);
    assert_eq!(marked.body["newly_marked"], true);
    assert_eq!(marked.body["progress"]["counted_hours"], 1);
    let again = app.mark(token, &format!("{course}/1")).await;
    assert_eq!(
        (
            again.body["newly_marked"].clone(),
            again.body["progress"]["counted_hours"].clone()
        ),
        (json!(false), json!(1))
    );
    app.mark(token, &format!("{course}/2")).await;

    let not_bought = app.mark(token, &format!("{course}/4")).await;
    assert_eq!(
        (not_bought.status, not_bought.code()),
        (StatusCode::FORBIDDEN, "learning.hour_not_bought")
    );

    let progress = app.get(learning::PROGRESS, Some(token)).await;
    assert_eq!(progress.body["counted_hours"], 2);
    assert_eq!(progress.body["remaining_hours"], 38);
    assert_eq!(progress.body["flexible"]["learned_hours"], 2);
    assert_eq!(progress.body["complete"], false);
    let me = app.get(accounts::ME, Some(token)).await;
    assert_eq!(me.body["balance_fen"], 60000 - 3 * 1500);
    let courses = app.get(learning::COURSES, Some(token)).await;
    assert_eq!(courses.body["courses"][0]["hours"][1]["learned"], true);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_learners_journey_works_on_the_embedded_store() {
    journey(spawn_app().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_learners_journey_works_on_dynamodb() {
    journey(TestApp::builder(DynamoDb).spawn().await).await;
}

fn with(mut body: Value, pointer: &str, value: Value) -> Value {
    *body.pointer_mut(pointer).expect("field exists") = value;
    body
}

#[tokio::test]
async fn malformed_or_mistyped_bodies_get_400_with_a_code() {
    let app = spawn_app().await;
    let raw = app
        .raw(Method::POST, accounts::REGISTER)
        .header("content-type", "application/json")
        .body("{\"name\": ");
    let answer = app.send(raw).await;
    assert_eq!(
        (answer.status, answer.code()),
        (StatusCode::BAD_REQUEST, "request.malformed_json")
    );

    let answer = app
        .post(
            accounts::REGISTER,
            None,
            with(registration(), "/name", json!(42)),
        )
        .await;
    assert_eq!(
        (answer.status, answer.code()),
        (StatusCode::BAD_REQUEST, "request.invalid_field")
    );
    // Named as the form names it, with what it expects, and pointed at for programs.
    assert_eq!(
        answer.body["message_en"], "Name: must be text.",
        "{}",
        answer.body
    );
    assert_eq!(answer.body["fields"][0]["field"], "name", "{}", answer.body);

    let mut body = registration();
    body["is_staff"] = json!(true);
    let answer = app.post(accounts::REGISTER, None, body).await;
    assert_eq!(answer.code(), "request.invalid_field");
    assert!(
        answer.body["message_en"]
            .as_str()
            .unwrap()
            .contains("unknown field `is_staff`"),
        "{}",
        answer.body
    );

    let answer = app
        .send(
            app.raw(Method::POST, accounts::REGISTER)
                .body(registration().to_string()),
        )
        .await;
    assert_eq!(
        (answer.status, answer.code()),
        (StatusCode::UNSUPPORTED_MEDIA_TYPE, "request.content_type")
    );

    let huge = with(registration(), "/name", json!("钟".repeat(20_000)));
    let answer = app.post(accounts::REGISTER, None, huge).await;
    assert_eq!(
        (answer.status, answer.code()),
        (StatusCode::PAYLOAD_TOO_LARGE, "request.too_large")
    );
}

#[tokio::test]
async fn invalid_identities_get_422_and_the_number_is_never_echoed() {
    let app = spawn_app().await;
    let answer = app
        .post(
            accounts::REGISTER,
            None,
            with(registration(), "/id_number", json!("110105199004086789")),
        )
        .await;
    assert_eq!(
        (answer.status, answer.code()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            "id_number.check_character"
        )
    );
    assert!(!answer.body.to_string().contains("110105199004086789"));
    assert!(
        answer.body["message"].as_str().unwrap().contains("校验位"),
        "Chinese first: {}",
        answer.body
    );

    let cases = [
        ("/name", json!("钟".repeat(41)), "name.too_long"),
        ("/name", json!("钟3"), "name.characters"),
        ("/id_number", json!("1101051990"), "id_number.length"),
        ("/phone", json!("12345"), "contact.phone"),
        ("/password", json!("short"), "password.too_short"),
        (
            "/kind/learning_started_on",
            json!("2024-13-01"),
            "date.invalid",
        ),
        (
            "/kind/learning_started_on",
            json!("2099-01-01"),
            "date.in_future",
        ),
    ];
    for (field, value, code) in cases {
        let answer = app
            .post(accounts::REGISTER, None, with(registration(), field, value))
            .await;
        assert_eq!(
            (answer.status, answer.code()),
            (StatusCode::UNPROCESSABLE_ENTITY, code),
            "{field}"
        );
    }
    let mut no_contact = registration();
    no_contact.as_object_mut().unwrap().remove("phone");
    assert_eq!(
        app.post(accounts::REGISTER, None, no_contact).await.code(),
        "contact.missing"
    );
    let holder = with(
        registration(),
        "/kind",
        json!({ "category": "holder", "certificate_kind": "level_examination", "original_certificate_no": "CIE 12", "expires_on": "2023-07-06" }),
    );
    assert_eq!(
        app.post(accounts::REGISTER, None, holder).await.code(),
        "document_number.characters"
    );
}

#[tokio::test]
async fn a_registration_with_several_mistakes_answers_every_one_at_once_each_named() {
    let app = spawn_app().await;
    let mut body = with(registration(), "/name", json!("钟3"));
    body = with(body, "/id_number", json!("110105199004086789"));
    body = with(
        body,
        "/kind",
        json!({ "category": "new", "learning_started_on": "" }),
    );
    body = with(body, "/password", json!("short"));
    body.as_object_mut().unwrap().remove("phone");
    let answer = app.post(accounts::REGISTER, None, body).await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    // The first field's code stays at the top level for programs that read only it.
    assert_eq!(answer.code(), "name.characters");
    let fields: Vec<(String, String)> = answer.body["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["field"].as_str().unwrap().to_owned(),
                f["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let expected = [
        ("name", "name.characters"),
        ("id_number", "id_number.check_character"),
        ("kind.learning_started_on", "date.missing"),
        ("phone", "contact.missing"),
        ("password", "password.too_short"),
    ];
    assert_eq!(
        fields,
        expected.map(|(f, c)| (f.to_owned(), c.to_owned())),
        "{}",
        answer.body
    );
    assert_eq!(
        answer.body["message"],
        "有 5 处需要修改：姓名、身份证号码、开始学习日期、联系电话、密码。"
    );
    for field in answer.body["fields"].as_array().unwrap() {
        let code = field["code"].as_str().unwrap();
        let said = format!("{} {}", field["message"], field["message_en"]);
        assert!(
            !said.contains(code) && !said.contains('_'),
            "no codes or internal names for people: {said}"
        );
    }
    assert_eq!(answer.body["fields"][2]["message"], "请填写开始学习日期。");
    assert!(!answer.body.to_string().contains("110105199004086789"));
}

#[tokio::test]
async fn a_second_registration_of_one_id_number_is_answered_alike_and_changes_nothing() {
    let app = spawn_app().await;
    let body = registration();
    let first = app.register(&body).await;
    // Whoever holds a person's name and ID number learns nothing of whether
    // they have an account: the answer is a registration's, nothing is created.
    let again = with(body.clone(), "/password", json!("另一个密码2024"));
    let answer = app.post(accounts::REGISTER, None, again).await;
    assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.body);
    assert_eq!(answer.body, json!({ "username": first.username }));
    // The first account is untouched: its password still works, the new one does not.
    let login = |password: &str| {
        app.post(
            accounts::LOGIN,
            None,
            json!({ "username": first.username, "password": password }),
        )
    };
    assert_eq!(
        login(body["password"].as_str().unwrap()).await.status,
        StatusCode::OK
    );
    assert_eq!(
        login("另一个密码2024").await.code(),
        "auth.invalid_credentials"
    );
    let me = app.get(accounts::ME, Some(&first.token)).await;
    assert_eq!(
        me.text("learner_id"),
        first.id.to_string(),
        "still one account"
    );
}

#[tokio::test]
async fn wrong_passwords_are_refused_then_throttled() {
    // A fixed clock: on the system clock a 15-minute window could roll over between attempts.
    let app = TestApp::builder(Embedded)
        .today(jiff::civil::date(2026, 6, 1))
        .spawn()
        .await;
    let body = registration();
    let token = app.register(&body).await.token;
    let username = app.get(accounts::ME, Some(&token)).await.body["username"].clone();
    let wrong = json!({ "username": username, "password": "not the password 1" });
    for _ in 0..4 {
        let answer = app.post(accounts::LOGIN, None, wrong.clone()).await;
        assert_eq!(
            (answer.status, answer.code()),
            (StatusCode::UNAUTHORIZED, "auth.invalid_credentials")
        );
    }
    let fifth = app.post(accounts::LOGIN, None, wrong.clone()).await;
    assert_eq!(
        (fifth.status, fifth.code()),
        (StatusCode::TOO_MANY_REQUESTS, "auth.throttled")
    );
    assert!(fifth.headers.contains_key("retry-after"));
    let right = app
        .post(
            accounts::LOGIN,
            None,
            json!({ "username": username, "password": body["password"] }),
        )
        .await;
    assert_eq!(
        right.code(),
        "auth.throttled",
        "even the right password waits out the window"
    );

    let unknown = app
        .post(
            accounts::LOGIN,
            None,
            json!({ "username": "钟检1101051234", "password": "whatever 1" }),
        )
        .await;
    assert_eq!(
        (unknown.status, unknown.code()),
        (StatusCode::UNAUTHORIZED, "auth.invalid_credentials"),
        "no hint that the user does not exist"
    );
    let malformed = app
        .post(
            accounts::LOGIN,
            None,
            json!({ "username": "nobody", "password": "x" }),
        )
        .await;
    assert_eq!(
        (malformed.status, malformed.code()),
        (StatusCode::UNPROCESSABLE_ENTITY, "username.shape")
    );
}

#[tokio::test]
async fn missing_expired_tampered_and_unsigned_tokens_are_refused() {
    let app = spawn_app().await;
    let Learner {
        id: learner, token, ..
    } = app.register(&registration()).await;
    assert_eq!(
        app.get(accounts::ME, None).await.code(),
        "auth.missing_token"
    );
    let expired = app.token_at(
        learner.as_str(),
        Role::Learner,
        jiff::Timestamp::now()
            .checked_sub(jiff::Span::new().hours(2))
            .unwrap(),
    );
    let answer = app.get(accounts::ME, Some(&expired)).await;
    assert_eq!(
        (answer.status, answer.code()),
        (StatusCode::UNAUTHORIZED, "auth.token_expired")
    );
    // Flip the first character of the signature (the last ones may be padding bits).
    let signature_start = token.rfind('.').unwrap() + 1;
    let mut tampered = token.clone();
    let flipped = if tampered[signature_start..].starts_with('A') {
        "B"
    } else {
        "A"
    };
    tampered.replace_range(signature_start..=signature_start, flipped);
    assert_eq!(
        app.get(accounts::ME, Some(&tampered)).await.code(),
        "auth.invalid_token"
    );
    let payload = token.split('.').nth(1).unwrap();
    let unsigned = format!("eyJhbGciOiJub25lIiwidHlwIjoiSldUIiwia2lkIjoiZGV2In0.{payload}.");
    assert_eq!(
        app.get(accounts::ME, Some(&unsigned)).await.code(),
        "auth.invalid_token"
    );
    assert_eq!(
        app.get(accounts::ME, Some("garbage")).await.code(),
        "auth.invalid_token"
    );
    let staff = app.token_at("staff-1", Role::Staff, jiff::Timestamp::now());
    assert_eq!(
        app.get(learning::PROGRESS, Some(&staff)).await.code(),
        "auth.forbidden"
    );
}

#[tokio::test]
async fn a_learner_cannot_use_another_learners_hours() {
    let app = spawn_app().await;
    let owner = app.register(&registration()).await.id;
    let other_token = app.register(&registration()).await.token;
    app.credit(&owner, 15).await;
    app.store
        .purchase_with_balance(&balance_order(&owner, vec![hour("draft-survey", 1)]))
        .await
        .unwrap();
    let answer = app.mark(&other_token, "draft-survey/1").await;
    assert_eq!(
        (answer.status, answer.code()),
        (StatusCode::FORBIDDEN, "learning.hour_not_bought")
    );
    assert!(app.store.marks(&owner).await.unwrap().is_empty());
    let courses = app.get(learning::COURSES, Some(&other_token)).await;
    assert_eq!(courses.body["courses"], json!([]));
    let unknown = app.mark(&other_token, "no-such-course/1").await;
    assert_eq!(
        (unknown.status, unknown.code()),
        (StatusCode::NOT_FOUND, "learning.unknown_hour")
    );
    let zero = app.mark(&other_token, "draft-survey/0").await;
    assert_eq!(zero.code(), "learning.unknown_hour");
}

#[tokio::test]
async fn a_password_is_changed_only_with_the_current_one() {
    let app = spawn_app().await;
    let body = registration();
    let token = app.register(&body).await.token;
    let username = app.get(accounts::ME, Some(&token)).await.body["username"].clone();
    let wrong = app
        .post(
            accounts::PASSWORD,
            Some(&token),
            json!({ "current_password": "wrong one 1", "new_password": "new password 1" }),
        )
        .await;
    assert_eq!(
        (wrong.status, wrong.code()),
        (StatusCode::FORBIDDEN, "account.wrong_password")
    );
    let weak = app
        .post(
            accounts::PASSWORD,
            Some(&token),
            json!({ "current_password": body["password"], "new_password": "weak" }),
        )
        .await;
    assert_eq!(weak.code(), "password.too_short");
    let changed = app
        .post(
            accounts::PASSWORD,
            Some(&token),
            json!({ "current_password": body["password"], "new_password": "new password 1" }),
        )
        .await;
    assert_eq!(changed.status, StatusCode::NO_CONTENT);
    let old = app
        .post(
            accounts::LOGIN,
            None,
            json!({ "username": username, "password": body["password"] }),
        )
        .await;
    assert_eq!(old.status, StatusCode::UNAUTHORIZED);
    let new = app
        .post(
            accounts::LOGIN,
            None,
            json!({ "username": username, "password": "new password 1" }),
        )
        .await;
    assert_eq!(new.status, StatusCode::OK);
}

#[tokio::test]
async fn unknown_routes_and_methods_answer_in_json() {
    let app = spawn_app().await;
    let answer = app.get("/api/nowhere", None).await;
    assert_eq!(
        (answer.status, answer.code()),
        (StatusCode::NOT_FOUND, "route.not_found")
    );
    let answer = app.get(accounts::REGISTER, None).await;
    assert_eq!(
        (answer.status, answer.code()),
        (StatusCode::METHOD_NOT_ALLOWED, "route.method_not_allowed")
    );
}

/// Schemas are collected from the operations rather than listed by hand, so
/// a body type whose schema nobody registered would leave a dangling `$ref`.
#[tokio::test]
async fn every_schema_the_document_refers_to_is_in_it() {
    fn references(value: &Value, into: &mut Vec<String>) {
        match value {
            Value::Object(map) => {
                if let Some(Value::String(reference)) = map.get("$ref") {
                    into.push(reference.clone());
                }
                map.values().for_each(|v| references(v, into));
            }
            Value::Array(items) => items.iter().for_each(|v| references(v, into)),
            _ => {}
        }
    }
    let app = spawn_app().await;
    let document = app.get(OPENAPI, None).await.body;
    let mut found = Vec::new();
    references(&document, &mut found);
    assert!(found.len() > 20, "the document refers to its schemas");
    for reference in found {
        let name = reference
            .strip_prefix("#/components/schemas/")
            .unwrap_or_else(|| panic!("{reference} is not a schema reference"));
        assert!(
            document["components"]["schemas"][name].is_object(),
            "{reference} is not in the document"
        );
    }
}

#[tokio::test]
async fn every_documented_operation_is_routed_and_every_route_documented() {
    let app = spawn_app().await;
    let document = app.get(OPENAPI, None).await;
    assert_eq!(document.status, StatusCode::OK);
    let mut documented = Vec::new();
    for (path, operations) in document.body["paths"].as_object().unwrap() {
        for method in operations.as_object().unwrap().keys() {
            documented.push(format!("{} {path}", method.to_uppercase()));
            let concrete = path
                .replace("{course}", "sampling")
                .replace("{number}", "1");
            let method = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let answer = app
                .request(method.clone(), &concrete, None, Some(json!({})))
                .await;
            assert!(
                !["route.not_found", "route.method_not_allowed"].contains(&answer.code()),
                "{method} {path} is documented but not routed"
            );
        }
    }
    documented.sort();
    let mut routed = vec![
        format!("POST {}", ticedu_accounts::REGISTER),
        format!("POST {}", ticedu_accounts::LOGIN),
        format!("POST {}", ticedu_accounts::LOGOUT),
        format!("GET {}", ticedu_accounts::ME),
        format!("POST {}", ticedu_accounts::PASSWORD),
        format!("POST {}", ticedu_accounts::CONTACT),
        format!("POST {}", ticedu_accounts::RECOVERY),
        format!("POST {}", ticedu_accounts::RECOVERY_RESET),
        format!("GET {}", ticedu_learning::COURSES),
        format!("POST {}", ticedu_learning::MARK),
        format!("GET {}", ticedu_learning::LESSON),
        format!("POST {}", ticedu_learning::OPEN_LESSON),
        format!("GET {}", ticedu_learning::PROGRESS),
        format!("POST {}", ticedu_payments::QUOTE),
        format!("POST {}", ticedu_payments::PURCHASE),
        format!("POST {}", ticedu_payments::REDEEM),
        format!("GET {}", ticedu_payments::ORDERS),
        format!("GET {}", ticedu_payments::ORDER),
        format!("POST {}", ticedu_payments::CANCEL_ORDER),
        format!("POST {}", ticedu_payments::REFUNDS),
        format!("POST {}", ticedu_payments::WECHAT_REFUND_NOTIFY),
        format!("POST {}", ticedu_payments::INVOICES),
        format!("POST {}", ticedu_payments::WECHAT_ORDERS),
        format!("POST {}", ticedu_payments::WECHAT_NOTIFY),
        format!("POST {}", ticedu_payments::WECHAT_AUTHORIZATION),
        format!("GET {}", ticedu_payments::WECHAT_OAUTH_CALLBACK),
        format!("POST {}", ticedu_admin::LOGIN),
        format!("POST {}", ticedu_admin::ENROLMENT),
        format!("GET {}", ticedu_admin::ME),
        format!("POST {}", ticedu_admin::RECOVERY_CODES),
        format!("GET {}", ticedu_admin::ACCOUNTS),
        format!("POST {}", ticedu_admin::ACCOUNTS),
        format!("PATCH {}", ticedu_admin::ACCOUNT),
        format!("POST {}", ticedu_admin::ACCOUNT_PASSWORD),
        format!("POST {}", ticedu_admin::ACCOUNT_TOTP_RESET),
        format!("GET {}", ticedu_admin::QUEUES),
        format!("POST {}", ticedu_admin::ID_NUMBER),
        format!("POST {}", ticedu_admin::LOOKUP),
        format!("POST {}", ticedu_admin::CORRECTION),
        format!("POST {}", ticedu_admin::LOOKUP_BACKFILL),
        format!("POST {}", ticedu_admin::CARDS),
        format!("GET {}", ticedu_admin::CARDS),
        format!("POST {}", ticedu_admin::CARD_VOID),
        format!("GET {}", ticedu_admin::ORDER),
        format!("GET {}", ticedu_admin::RECONCILIATION),
        format!("POST {}", ticedu_admin::RECONCILIATION_PAYMENTS),
        format!("POST {}", ticedu_admin::LEARNERS),
        format!("POST {}", ticedu_admin::REVOKE),
        format!("POST {}", ticedu_admin::REISSUE),
        format!("POST {}", ticedu_certificates::ISSUE),
        format!("POST {}", ticedu_certificates::FILING),
        format!("GET {}", ticedu_certificates::MINE),
        format!("GET {}", ticedu_certificates::VERIFY),
        format!("GET {}", ticedu_certificates::PDF),
        format!("GET {}", ticedu_certificates::RECORD),
        format!("GET {}", ticedu_certificates::RECORD_VERIFY),
        format!("POST {}", ticedu_certificates::OVERDUE),
        format!("GET {}", ticedu_admin::OVERDUE_RENEWALS),
        format!("POST {}", ticedu_admin::OVERDUE_DECISION),
        format!("GET {}", ticedu_admin::APPLICATIONS),
        format!("POST {}", ticedu_admin::APPLICATION_DECISION),
        format!("GET {}", ticedu_admin::TITLE_CHECKS),
        format!("POST {}", ticedu_admin::TITLE_CHECK),
        format!("POST {}", ticedu_admin::RETURNING),
        format!("GET {}", ticedu_admin::RETURNING_CLAIMS),
        format!("POST {}", ticedu_admin::RETURNING_CLAIM_DECISION),
        format!("POST {}", ticedu_accounts::RETURNING_CLAIM),
        format!("GET {}", ticedu_accounts::RETURNING_CLAIM),
        format!("GET {}", ticedu_admin::INVOICES),
        format!("POST {}", ticedu_admin::INVOICE_ISSUED),
        format!("GET {}", ticedu_admin::YEARS),
        format!("PUT {}", ticedu_admin::YEAR_SETTINGS),
        format!("PUT {}", ticedu_admin::YEAR_CALENDAR),
        format!("GET {}", ticedu_admin::YEAR_CHANGES),
        format!("GET {}", ticedu_accounts::CURRENT_YEAR),
        format!("POST {}", ticedu_admin::IMPORTS),
        format!("GET {}", ticedu_admin::AUDIT),
        format!("GET {}", ticedu_admin::LEARNER_AUDIT),
    ];
    routed.sort();
    assert_eq!(documented, routed);
}

#[tokio::test]
async fn handlers_run_the_same_when_called_directly() {
    use axum::extract::State;
    use ticedu_api::caller_limit::PerCaller;
    use ticedu_api::{ApiJson, AppState};
    let dir = tempfile::tempdir().unwrap();
    let store = ticedu_store_embedded::EmbeddedStore::open(dir.path().join("direct.redb")).unwrap();
    let state = AppState::new(store, ticedu_local::development_platform().unwrap());
    let request: ticedu_accounts::RegisterRequest = serde_json::from_value(registration()).unwrap();
    let (status, registered) =
        ticedu_accounts::register(State(state.clone()), PerCaller::unknown(), ApiJson(request))
            .await
            .unwrap();
    assert_eq!(status, StatusCode::CREATED);
    let request: ticedu_accounts::RegisterRequest = serde_json::from_value(with(
        registration(),
        "/id_number",
        json!("110105199004086789"),
    ))
    .unwrap();
    let error = ticedu_accounts::register(State(state), PerCaller::unknown(), ApiJson(request))
        .await
        .unwrap_err();
    assert_eq!(error.code(), "id_number.check_character");
    assert!(registered.0.username.starts_with("钟检"));
}
