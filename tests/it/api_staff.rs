//! The staff function and invoice requests over HTTP: staff log in, issue
//! study cards that learners redeem, check titles, grant the discount, and
//! work through invoice requests (R12, R13, R15, R18).

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::*;

#[tokio::test]
async fn staff_issue_cards_that_a_learner_redeems_once() {
    let app = spawn_app().await;
    let staff = app.staff_token().await;
    let issued = app
        .post(
            admin::CARDS,
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

    let learner = app.register(&registration()).await.token;
    let redeemed = app.redeem(&learner, &codes[0]).await;
    assert_eq!(redeemed.body["balance_fen"], 60000);
    for (body, code) in [
        (
            json!({ "count": 0, "value_fen": 100, "note": "x" }),
            "cards.count",
        ),
        (
            json!({ "count": 100, "value_fen": 100, "note": "x" }),
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
            app.post(admin::CARDS, Some(&staff), body).await.code(),
            code
        );
    }
    let refused = app
        .post(
            admin::CARDS,
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
            admin::LOGIN,
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
    let app = spawn_app().await;
    let staff = app.staff_token().await;
    let Learner {
        id: titled, token, ..
    } = app.register_as(Kind::Titled).await;
    let pending = app.get(admin::TITLE_CHECKS, Some(&staff)).await;
    assert_eq!(pending.body["learners"][0]["learner_id"], titled.as_str());
    assert_eq!(
        pending.body["learners"][0]["kind"]["title_kind"],
        "高级工程师"
    );
    let decided = app
        .post(
            &path(admin::TITLE_CHECK, &[&titled]),
            Some(&staff),
            json!({ "decision": "confirmed" }),
        )
        .await;
    assert_eq!(decided.status, StatusCode::NO_CONTENT);
    assert_eq!(
        app.get(admin::TITLE_CHECKS, Some(&staff)).await.body["learners"],
        json!([])
    );
    assert_eq!(
        app.get(accounts::ME, Some(&token)).await.body["title_check"],
        "confirmed"
    );
    let again = app
        .post(
            &path(admin::TITLE_CHECK, &[&titled]),
            Some(&staff),
            json!({ "decision": "confirmed" }),
        )
        .await;
    assert_eq!(
        again.status,
        StatusCode::NO_CONTENT,
        "the same decision again is one decision"
    );
    let holder = app.register_as(Kind::Holder).await;
    for (learner, decision) in [(&holder.id, "confirmed"), (&titled, "pending")] {
        let refused = app
            .post(
                &path(admin::TITLE_CHECK, &[learner]),
                Some(&staff),
                json!({ "decision": decision }),
            )
            .await;
        assert_eq!(
            (refused.status, refused.code()),
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                "title_check.not_applicable"
            ),
            "only a titled learner's title is decided, and only confirmed or rejected"
        );
    }
    assert_eq!(
        app.get(admin::TITLE_CHECKS, Some(&staff)).await.body["learners"],
        json!([]),
        "nobody else is put in the queue"
    );

    let granted = app
        .post(
            &path(admin::RETURNING, &[&titled]),
            Some(&staff),
            json!({ "returning": true }),
        )
        .await;
    assert_eq!(granted.status, StatusCode::NO_CONTENT);
    assert_eq!(
        app.get(accounts::ME, Some(&token)).await.body["returning"],
        true
    );
    let unknown = app
        .post(
            &path(admin::RETURNING, &[&"f".repeat(32)]),
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
    let app = spawn_app().await;
    let staff = app.staff_token().await;
    let codes = app.issue_cards(&staff, 1, 60000, "转账").await;
    let learner = app.register(&registration()).await;
    let token = learner.token.clone();
    app.redeem(&token, &codes[0]).await;
    let bought = app
        .post(
            payments::PURCHASE,
            Some(&token),
            json!({ "items": [ { "kind": "course", "id": "draft-survey" } ] }),
        )
        .await;
    let order = bought.body["order_no"].clone();
    let request = json!({ "orders": [order], "buyer_name": "中国检验认证集团北京有限公司", "taxpayer_id": "91350100M000100Y43", "email": "finance@example.cn" });

    let bad = app.post(payments::INVOICES, Some(&token), json!({ "orders": [order], "buyer_name": "X", "taxpayer_id": "91350100M000100Y44", "email": "a@b.cn" })).await;
    assert_eq!(
        (bad.status, bad.code()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            "taxpayer_id.check_character"
        )
    );
    let requested = app
        .post(payments::INVOICES, Some(&token), request.clone())
        .await;
    assert_eq!(requested.status, StatusCode::CREATED, "{}", requested.body);
    assert_eq!(requested.body["amount_fen"], bought.body["total_fen"]);
    let again = app
        .post(payments::INVOICES, Some(&token), request.clone())
        .await;
    assert_eq!(
        (again.status, again.code()),
        (StatusCode::CONFLICT, "invoice.not_invoiceable")
    );
    let other = app.register(&registration()).await.token;
    assert_eq!(
        app.post(payments::INVOICES, Some(&other), request)
            .await
            .code(),
        "invoice.not_invoiceable",
        "not someone else's order"
    );
    assert_eq!(
        app.get(payments::ORDERS, Some(&token)).await.body["orders"][0]["invoiced"],
        true
    );

    let queue = app.get(admin::INVOICES, Some(&staff)).await;
    assert_eq!(
        queue.body["invoices"][0]["taxpayer_id"],
        "91350100M000100Y43"
    );
    let id = queue.body["invoices"][0]["id"].as_str().unwrap().to_owned();
    // The queue as a spreadsheet for the tax system: Excel-readable, no formula runs.
    let csv = app
        .send(
            app.raw(Method::GET, &format!("{}?format=csv", admin::INVOICES))
                .bearer_auth(&staff),
        )
        .await;
    assert_eq!(csv.status, StatusCode::OK);
    assert_eq!(
        csv.headers["content-type"], "text/csv; charset=utf-8",
        "{:?}",
        csv.headers
    );
    let text = csv.body.as_str().expect("text");
    assert!(text.starts_with("\u{feff}request,requested_at,buyer,taxpayer_id,amount_yuan"));
    assert!(
        text.contains(&id) && text.contains("91350100M000100Y43"),
        "{text}"
    );
    let issued_path = path(admin::INVOICE_ISSUED, &[&id]);
    let issue = |number: &str| app.post(&issued_path, Some(&staff), json!({ "number": number }));
    let malformed = issue("12-34").await;
    assert_eq!(
        (malformed.status, malformed.code()),
        (StatusCode::UNPROCESSABLE_ENTITY, "invoice.number")
    );
    assert_eq!(
        issue("2411 2000 0000 1234 5678").await.status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        issue("24112000000012345678").await.status,
        StatusCode::NO_CONTENT,
        "the same invoice again is the one recorded"
    );
    assert_eq!(
        issue("87654321").await.code(),
        "invoice.issued",
        "not another number"
    );
    let issued = app
        .get(&format!("{}?status=issued", admin::INVOICES), Some(&staff))
        .await;
    assert_eq!(issued.body["invoices"][0]["id"], id);
    assert_eq!(
        issued.body["invoices"][0]["invoice_number"],
        "24112000000012345678"
    );
    assert_eq!(issued.body["invoices"][0]["issued_by"], STAFF);
    let learner_trail = app
        .get(&path(admin::LEARNER_AUDIT, &[&learner.id]), Some(&staff))
        .await;
    let entries = learner_trail.body["entries"].as_array().unwrap();
    assert_eq!(
        entries
            .iter()
            .filter(|e| e["action"] == "invoice_issued")
            .count(),
        1,
        "one issue, one entry: {entries:?}"
    );
    assert_eq!(
        app.get(&format!("{}?status=lost", admin::INVOICES), Some(&staff))
            .await
            .code(),
        "invoice.status"
    );
}

#[tokio::test]
async fn staff_list_cards_as_csv_void_unredeemed_ones_and_find_orders() {
    let app = spawn_app().await;
    let staff = app.staff_token().await;
    let issued = app
        .post(
            admin::CARDS,
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
    let learner = app.register(&registration()).await.token;
    app.redeem(&learner, &codes[0]).await;

    let voided = app
        .post(
            &path(admin::CARD_VOID, &[&codes[1]]),
            Some(&staff),
            json!({}),
        )
        .await;
    assert_eq!(voided.status, StatusCode::NO_CONTENT);
    let redeem_voided = app.redeem(&learner, &codes[1]).await;
    assert_eq!(
        (redeem_voided.status, redeem_voided.code()),
        (StatusCode::CONFLICT, "card.voided")
    );
    let void_redeemed = app
        .post(
            &path(admin::CARD_VOID, &[&codes[0]]),
            Some(&staff),
            json!({}),
        )
        .await;
    assert_eq!(void_redeemed.code(), "card.redeemed");

    let list = app.get(admin::CARDS, Some(&staff)).await;
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
            app.raw(
                reqwest::Method::GET,
                &format!("{}?format=csv", admin::CARDS),
            )
            .bearer_auth(&staff),
        )
        .await;
    assert_eq!(csv.headers["content-type"], "text/csv; charset=utf-8");
    let text = csv.body.as_str().unwrap();
    assert!(
        text.starts_with("\u{feff}code,value_yuan,state,issued_at,note\r\n"),
        "{text}"
    );
    assert!(
        text.contains(",15.00,") && text.contains("\"'=transfer, \"\"A\"\"\""),
        "quoted, and a formula defused: {text}"
    );

    let bought = app
        .post(
            payments::PURCHASE,
            Some(&learner),
            json!({ "items": [ { "kind": "hour", "id": "draft-survey/1" } ] }),
        )
        .await;
    let order = bought.body["order_no"].as_str().unwrap();
    let found = app.get(&path(admin::ORDER, &[&order]), Some(&staff)).await;
    assert_eq!(
        (
            found.body["total_fen"].clone(),
            found.body["paid"].clone(),
            found.body["channel"].clone()
        ),
        (json!(1500), json!(true), json!("balance"))
    );
    assert_eq!(
        app.get(
            &path(admin::ORDER, &[&"TIC0000000000000000000"]),
            Some(&staff)
        )
        .await
        .code(),
        "order.not_found"
    );
    assert_eq!(
        app.get(&path(admin::ORDER, &[&order]), Some(&learner))
            .await
            .code(),
        "auth.forbidden"
    );
}

#[tokio::test]
async fn wrong_staff_passwords_are_throttled() {
    // A fixed clock: on the system clock a 15-minute window could roll over between attempts.
    let app = TestApp::builder(Embedded)
        .today(jiff::civil::date(2026, 6, 1))
        .spawn()
        .await;
    let (name, password) = ticedu_local::DEMO_STAFF;
    for _ in 0..4 {
        let answer = app
            .post(
                admin::LOGIN,
                None,
                json!({ "name": name, "password": "guess 1" }),
            )
            .await;
        assert_eq!(answer.code(), "auth.invalid_credentials");
    }
    let fifth = app
        .post(
            admin::LOGIN,
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
            admin::LOGIN,
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

/// A learner who writes "my username is 钟检1101051234" is found by that
/// username, by a certificate or order number, and staff see where they stand
/// with the ID number masked. The search is a POST: no username in a URL.
#[tokio::test]
async fn staff_find_a_learner_by_username_certificate_or_order() {
    let app = spawn_app().await;
    let staff = app.staff_token().await;
    let learner = app.complete_learner().await;
    app.file_and_approve(&learner.token, &learner.id).await;
    let issued = app.issue_certificate(&learner.token).await;
    let certificate = issued.text("no");
    let orders = app.get(payments::ORDERS, Some(&learner.token)).await;
    let order = orders.body["orders"][0]["order_no"]
        .as_str()
        .unwrap_or_else(|| panic!("{}", orders.body))
        .to_owned();
    let search = |token: &str, query: serde_json::Value| {
        let token = token.to_owned();
        let app = &app;
        async move { app.post(admin::LEARNERS, Some(&token), query).await }
    };
    for query in [
        json!({ "username": learner.username }),
        json!({ "certificate": certificate.to_lowercase() }),
        json!({ "order": order }),
        json!({ "learner": learner.id.as_str() }),
    ] {
        let found = search(&staff, query.clone()).await;
        assert_eq!(found.status, StatusCode::OK, "{query}: {}", found.body);
        assert_eq!(found.body["learner_id"], learner.id.as_str(), "{query}");
        assert_eq!(found.body["certificates"][0]["no"], certificate.as_str());
        assert_eq!(found.body["progress"]["cycle"], 2);
        let masked = found.body["id_number"].as_str().unwrap();
        assert!(masked.contains("****************"), "{masked}");
        assert!(!found.body.to_string().contains(learner.id_number()));
    }
    for (query, status) in [
        (
            json!({ "username": "钟检0000000000" }),
            StatusCode::NOT_FOUND,
        ),
        (json!({ "certificate": "NOPE-1" }), StatusCode::NOT_FOUND),
        (json!({}), StatusCode::UNPROCESSABLE_ENTITY),
        (
            json!({ "username": learner.username, "order": order }),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
    ] {
        let answer = search(&staff, query.clone()).await;
        assert_eq!(answer.status, status, "{query}: {}", answer.body);
    }
    let as_learner = search(&learner.token, json!({ "username": learner.username })).await;
    assert_eq!(as_learner.status, StatusCode::FORBIDDEN);
}

/// 学习优惠 (R12): the notice's e-mail becomes a form; staff reject with a
/// reason or approve, which makes the mandatory hours free at once.
async fn a_returning_claim_is_decided_by_staff<S: ticedu_store::Store + Clone + 'static>(
    app: TestApp<S>,
) {
    let staff = app.staff_token().await;
    let holder = app.register_as(Kind::Holder).await;
    let mandatory =
        json!({ "items": [ { "kind": "course", "id": "inspection-laws-and-regulations" } ] });
    let price = app
        .post(payments::QUOTE, Some(&holder.token), mandatory.clone())
        .await;
    assert!(
        price.body["total_fen"].as_u64().unwrap() > 0,
        "{}",
        price.body
    );
    let claim = |no: &str| json!({ "certificate_no": no, "expires_on": "2019-07-06" });
    let filed = app
        .post(
            accounts::RETURNING_CLAIM,
            Some(&holder.token),
            claim("JX-2015-0001"),
        )
        .await;
    assert_eq!(filed.status, StatusCode::NO_CONTENT, "{}", filed.body);
    let queue = app.get(admin::RETURNING_CLAIMS, Some(&staff)).await;
    assert_eq!(
        queue.body["claims"][0]["certificate_no"], "JX-2015-0001",
        "{}",
        queue.body
    );
    let decide = |verdict: serde_json::Value| {
        let (app, staff, id) = (&app, &staff, holder.id.clone());
        async move {
            app.post(
                &path(admin::RETURNING_CLAIM_DECISION, &[&id]),
                Some(staff),
                verdict,
            )
            .await
        }
    };
    let rejected = decide(json!({ "approve": false, "reason": "查无此证书，请核对编号" })).await;
    assert_eq!(rejected.status, StatusCode::NO_CONTENT, "{}", rejected.body);
    let mine = app
        .get(accounts::RETURNING_CLAIM, Some(&holder.token))
        .await;
    assert_eq!(
        (
            mine.body["status"].clone(),
            mine.body["reason"].clone(),
            mine.body["returning"].clone()
        ),
        (
            json!("rejected"),
            json!("查无此证书，请核对编号"),
            json!(false)
        )
    );
    let again = app
        .post(
            accounts::RETURNING_CLAIM,
            Some(&holder.token),
            claim("JX-2015-0002"),
        )
        .await;
    assert_eq!(
        again.status,
        StatusCode::NO_CONTENT,
        "corrected and filed again"
    );
    assert_eq!(
        decide(json!({ "approve": true })).await.status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        decide(json!({ "approve": true })).await.status,
        StatusCode::NO_CONTENT,
        "twice is once"
    );
    let free = app
        .post(payments::QUOTE, Some(&holder.token), mandatory)
        .await;
    assert_eq!(free.body["total_fen"], json!(0), "{}", free.body);
    let done = app
        .post(
            accounts::RETURNING_CLAIM,
            Some(&holder.token),
            claim("JX-2015-0003"),
        )
        .await;
    assert_eq!(done.code(), "claim.already_returning");
    let bad = app
        .post(accounts::RETURNING_CLAIM, Some(&staff), claim("JX 1"))
        .await;
    assert_eq!(
        bad.status,
        StatusCode::FORBIDDEN,
        "staff tokens are not learners'"
    );
}

#[tokio::test]
async fn a_returning_claim_is_decided_by_staff_on_the_embedded_store() {
    a_returning_claim_is_decided_by_staff(spawn_app().await).await;
}

#[tokio::test]
async fn a_returning_claim_is_decided_by_staff_on_dynamodb() {
    a_returning_claim_is_decided_by_staff(TestApp::builder(DynamoDb).spawn().await).await;
}

/// A queue comes a page at a time, oldest first, and narrows to a name; so
/// does the invoice list.
#[tokio::test]
async fn queues_are_paged_and_narrowed_to_a_name() {
    let app = spawn_app().await;
    let staff = app.staff_token().await;
    for name in ["赵职称", "钱职称", "孙职称"] {
        let mut body = registration_as(Kind::Titled);
        body["name"] = json!(name);
        app.register(&body).await;
    }
    let page = async |query: &str| {
        app.get(&format!("{}?{query}", admin::TITLE_CHECKS), Some(&staff))
            .await
    };
    let first = page("limit=2").await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    let names = |answer: &Answer| -> Vec<String> {
        answer.body["learners"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l["name"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(names(&first).len(), 2);
    assert_eq!(
        (first.body["total"].as_u64(), first.body["offset"].as_u64()),
        (Some(3), Some(0))
    );
    let second = page("limit=2&offset=2").await;
    assert_eq!(names(&second).len(), 1);
    let mut all = names(&first);
    all.extend(names(&second));
    all.sort();
    assert_eq!(
        all,
        ["孙职称", "赵职称", "钱职称"],
        "every item once across the pages"
    );
    let narrowed = page(&format!("name={}", "钱")).await;
    assert_eq!(
        (names(&narrowed), narrowed.body["total"].as_u64()),
        (vec!["钱职称".to_owned()], Some(1))
    );
    for query in ["limit=0", "limit=101"] {
        let refused = page(query).await;
        assert_eq!(
            (refused.status, refused.code()),
            (StatusCode::UNPROCESSABLE_ENTITY, "queue.limit"),
            "{query}"
        );
    }
    let invoices = app
        .get(&format!("{}?name=nobody", admin::INVOICES), Some(&staff))
        .await;
    assert_eq!(
        (
            invoices.body["total"].as_u64(),
            invoices.body["invoices"].as_array().map(Vec::len)
        ),
        (Some(0), Some(0))
    );
}
