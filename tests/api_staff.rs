//! The staff function and invoice requests over HTTP: staff log in, issue
//! study cards that learners redeem, check titles, grant the discount, and
//! work through invoice requests (R12, R13, R15, R18).

use reqwest::StatusCode;
use serde_json::json;
use ticedu_tests::app::*;

#[tokio::test]
async fn staff_issue_cards_that_a_learner_redeems_once() {
    let app = spawn_embedded().await;
    let staff = staff_token(&app).await;
    let issued = app
        .post(
            "/api/staff/cards",
            Some(&staff),
            json!({ "count": 3, "value_fen": 60000, "note": "工行转账 2023-07-01 钟检" }),
        )
        .await;
    assert_eq!(issued.status, StatusCode::CREATED, "{}", issued.body);
    let codes: Vec<String> = issued.body["codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_owned())
        .collect();
    assert_eq!(codes.len(), 3);
    assert!(
        codes
            .iter()
            .all(|c| c.len() == 16 && !c.contains(['0', 'O', '1', 'I'])),
        "{codes:?}"
    );

    let (_, learner) = register_and_log_in(&app, &registration()).await;
    let redeemed = app
        .post(
            "/api/payments/cards/redeem",
            Some(&learner),
            json!({ "code": codes[0] }),
        )
        .await;
    assert_eq!(redeemed.body["balance_fen"], 60000);
    for (body, code) in [
        (
            json!({ "count": 0, "value_fen": 100, "note": "x" }),
            "cards.count",
        ),
        (
            json!({ "count": 101, "value_fen": 100, "note": "x" }),
            "cards.count",
        ),
        (
            json!({ "count": 1, "value_fen": 0, "note": "x" }),
            "cards.value",
        ),
        (
            json!({ "count": 1, "value_fen": 100, "note": " " }),
            "cards.note",
        ),
    ] {
        assert_eq!(
            app.post("/api/staff/cards", Some(&staff), body)
                .await
                .code(),
            code
        );
    }
    let refused = app
        .post(
            "/api/staff/cards",
            Some(&learner),
            json!({ "count": 1, "value_fen": 100, "note": "x" }),
        )
        .await;
    assert_eq!(
        (refused.status, refused.code()),
        (StatusCode::FORBIDDEN, "auth.forbidden"),
        "learners cannot mint money"
    );
    let wrong = app
        .post(
            "/api/staff/login",
            None,
            json!({ "name": "staff", "password": "guess" }),
        )
        .await;
    assert_eq!(
        (wrong.status, wrong.code()),
        (StatusCode::UNAUTHORIZED, "auth.invalid_credentials")
    );
}

#[tokio::test]
async fn staff_check_titles_and_grant_the_returning_discount() {
    let app = spawn_embedded().await;
    let staff = staff_token(&app).await;
    let mut body = registration();
    body["kind"] = json!({ "category": "titled", "title_kind": "高级工程师", "issuing_authority": "北京市人力资源和社会保障局", "title_certificate_no": "JG-2020-0815" });
    let (titled, token) = register_and_log_in(&app, &body).await;
    let pending = app.get("/api/staff/title-checks", Some(&staff)).await;
    assert_eq!(pending.body["learners"][0]["learner_id"], titled);
    assert_eq!(
        pending.body["learners"][0]["kind"]["title_kind"],
        "高级工程师"
    );
    let decided = app
        .post(
            &format!("/api/staff/title-checks/{titled}"),
            Some(&staff),
            json!({ "decision": "confirmed" }),
        )
        .await;
    assert_eq!(decided.status, StatusCode::NO_CONTENT);
    assert_eq!(
        app.get("/api/staff/title-checks", Some(&staff)).await.body["learners"],
        json!([])
    );
    assert_eq!(
        app.get("/api/accounts/me", Some(&token)).await.body["title_check"],
        "confirmed"
    );

    let granted = app
        .post(
            &format!("/api/staff/learners/{titled}/returning"),
            Some(&staff),
            json!({ "returning": true }),
        )
        .await;
    assert_eq!(granted.status, StatusCode::NO_CONTENT);
    assert_eq!(
        app.get("/api/accounts/me", Some(&token)).await.body["returning"],
        true
    );
    let unknown = app
        .post(
            &format!("/api/staff/learners/{}/returning", "f".repeat(32)),
            Some(&staff),
            json!({ "returning": true }),
        )
        .await;
    assert_eq!(
        (unknown.status, unknown.code()),
        (StatusCode::NOT_FOUND, "account.not_found")
    );
}

#[tokio::test]
async fn a_learner_requests_an_invoice_for_paid_orders_and_staff_issue_it() {
    let app = spawn_embedded().await;
    let staff = staff_token(&app).await;
    let codes = app
        .post(
            "/api/staff/cards",
            Some(&staff),
            json!({ "count": 1, "value_fen": 60000, "note": "转账" }),
        )
        .await
        .body["codes"]
        .clone();
    let (_, token) = register_and_log_in(&app, &registration()).await;
    app.post(
        "/api/payments/cards/redeem",
        Some(&token),
        json!({ "code": codes[0] }),
    )
    .await;
    let bought = app
        .post(
            "/api/payments/purchase",
            Some(&token),
            json!({ "items": [ { "kind": "course", "id": "draft-survey" } ] }),
        )
        .await;
    let order = bought.body["order_no"].clone();
    let request = json!({ "orders": [order], "buyer_name": "中国检验认证集团北京有限公司", "taxpayer_id": "91350100M000100Y43", "email": "finance@example.cn" });

    let bad = app.post("/api/payments/invoices", Some(&token), json!({ "orders": [order], "buyer_name": "X", "taxpayer_id": "91350100M000100Y44", "email": "a@b.cn" })).await;
    assert_eq!(
        (bad.status, bad.code()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            "taxpayer_id.check_character"
        )
    );
    let requested = app
        .post("/api/payments/invoices", Some(&token), request.clone())
        .await;
    assert_eq!(requested.status, StatusCode::CREATED, "{}", requested.body);
    assert_eq!(requested.body["amount_fen"], bought.body["total_fen"]);
    let again = app
        .post("/api/payments/invoices", Some(&token), request.clone())
        .await;
    assert_eq!(
        (again.status, again.code()),
        (StatusCode::CONFLICT, "invoice.not_invoiceable")
    );
    let (_, other) = register_and_log_in(&app, &registration()).await;
    assert_eq!(
        app.post("/api/payments/invoices", Some(&other), request)
            .await
            .code(),
        "invoice.not_invoiceable",
        "not someone else's order"
    );
    assert_eq!(
        app.get("/api/payments/orders", Some(&token)).await.body["orders"][0]["invoiced"],
        true
    );

    let queue = app.get("/api/staff/invoices", Some(&staff)).await;
    assert_eq!(
        queue.body["invoices"][0]["taxpayer_id"],
        "91350100M000100Y43"
    );
    let id = queue.body["invoices"][0]["id"].as_str().unwrap().to_owned();
    assert_eq!(
        app.post(
            &format!("/api/staff/invoices/{id}/issued"),
            Some(&staff),
            json!({})
        )
        .await
        .status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        app.post(
            &format!("/api/staff/invoices/{id}/issued"),
            Some(&staff),
            json!({})
        )
        .await
        .code(),
        "invoice.issued"
    );
    assert_eq!(
        app.get("/api/staff/invoices?status=issued", Some(&staff))
            .await
            .body["invoices"][0]["id"],
        id
    );
    assert_eq!(
        app.get("/api/staff/invoices?status=lost", Some(&staff))
            .await
            .code(),
        "invoice.status"
    );
}

#[tokio::test]
async fn staff_list_cards_as_csv_void_unredeemed_ones_and_find_orders() {
    let app = spawn_embedded().await;
    let staff = staff_token(&app).await;
    let issued = app
        .post(
            "/api/staff/cards",
            Some(&staff),
            json!({ "count": 2, "value_fen": 1500, "note": "=transfer, \"A\"" }),
        )
        .await;
    let codes: Vec<String> = issued.body["codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_owned())
        .collect();
    let (_, learner) = register_and_log_in(&app, &registration()).await;
    app.post(
        "/api/payments/cards/redeem",
        Some(&learner),
        json!({ "code": codes[0] }),
    )
    .await;

    let voided = app
        .post(
            &format!("/api/staff/cards/{}/void", codes[1]),
            Some(&staff),
            json!({}),
        )
        .await;
    assert_eq!(voided.status, StatusCode::NO_CONTENT);
    let redeem_voided = app
        .post(
            "/api/payments/cards/redeem",
            Some(&learner),
            json!({ "code": codes[1] }),
        )
        .await;
    assert_eq!(
        (redeem_voided.status, redeem_voided.code()),
        (StatusCode::CONFLICT, "card.voided")
    );
    let void_redeemed = app
        .post(
            &format!("/api/staff/cards/{}/void", codes[0]),
            Some(&staff),
            json!({}),
        )
        .await;
    assert_eq!(void_redeemed.code(), "card.redeemed");

    let list = app.get("/api/staff/cards", Some(&staff)).await;
    let states: Vec<_> = list.body["cards"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["state"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(states.len(), 2);
    assert!(
        states.contains(&"redeemed".to_owned()) && states.contains(&"voided".to_owned()),
        "{states:?}"
    );
    let csv = app
        .send(
            app.raw(reqwest::Method::GET, "/api/staff/cards?format=csv")
                .bearer_auth(&staff),
        )
        .await;
    assert_eq!(csv.headers["content-type"], "text/csv; charset=utf-8");
    let text = csv.body.as_str().unwrap();
    assert!(
        text.starts_with("code,value_yuan,state,issued_at,note\r\n"),
        "{text}"
    );
    assert!(
        text.contains(",15.00,") && text.contains("\"'=transfer, \"\"A\"\"\""),
        "quoted, and a formula defused: {text}"
    );

    let bought = app
        .post(
            "/api/payments/purchase",
            Some(&learner),
            json!({ "items": [ { "kind": "hour", "id": "draft-survey/1" } ] }),
        )
        .await;
    let order = bought.body["order_no"].as_str().unwrap();
    let found = app
        .get(&format!("/api/staff/orders/{order}"), Some(&staff))
        .await;
    assert_eq!(
        (
            found.body["total_fen"].clone(),
            found.body["paid"].clone(),
            found.body["channel"].clone()
        ),
        (json!(1500), json!(true), json!("balance"))
    );
    assert_eq!(
        app.get("/api/staff/orders/TIC0000000000000000000", Some(&staff))
            .await
            .code(),
        "order.not_found"
    );
    assert_eq!(
        app.get(&format!("/api/staff/orders/{order}"), Some(&learner))
            .await
            .code(),
        "auth.forbidden"
    );
}

#[tokio::test]
async fn wrong_staff_passwords_are_throttled() {
    let app = spawn_embedded().await;
    let (name, password) = ticedu_local::DEMO_STAFF;
    for _ in 0..4 {
        let answer = app
            .post(
                "/api/staff/login",
                None,
                json!({ "name": name, "password": "guess 1" }),
            )
            .await;
        assert_eq!(answer.code(), "auth.invalid_credentials");
    }
    let fifth = app
        .post(
            "/api/staff/login",
            None,
            json!({ "name": name, "password": "guess 5" }),
        )
        .await;
    assert_eq!(
        (fifth.status, fifth.code()),
        (StatusCode::TOO_MANY_REQUESTS, "auth.throttled")
    );
    let right = app
        .post(
            "/api/staff/login",
            None,
            json!({ "name": name, "password": password }),
        )
        .await;
    assert_eq!(
        right.code(),
        "auth.throttled",
        "even the right password waits out the window"
    );
}
