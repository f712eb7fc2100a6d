//! The payments function over HTTP: study cards into the balance, quotes,
//! buying hours from the balance (R11–R13).

use reqwest::StatusCode;
use serde_json::json;
use ticedu_domain::money::Fen;
use ticedu_store::ids::LearnerId;
use ticedu_store::records::AuditAction;
use ticedu_store::*;
use ticedu_tests::fixtures::card;

use crate::helpers::*;

async fn learner_with_card<S: Store + Clone + 'static>(
    app: &TestApp<S>,
    body: &serde_json::Value,
    yuan: u64,
) -> (LearnerId, String) {
    let Learner { id, token, .. } = app.register(body).await;
    let study_card = card(Fen::from_yuan(yuan));
    app.store
        .issue_cards(
            std::slice::from_ref(&study_card),
            &ticedu_tests::fixtures::audit(AuditAction::CardsIssued),
        )
        .await
        .unwrap();
    let code = study_card.code.as_str();
    let typed = format!(
        "{}-{} {}",
        &code[..4],
        code[4..8].to_lowercase(),
        &code[8..]
    );
    let redeemed = app.redeem(&token, &typed).await;
    assert_eq!(redeemed.status, StatusCode::OK, "{}", redeemed.body);
    assert_eq!(redeemed.body["balance_fen"], yuan * 100);
    let again = app.redeem(&token, code).await;
    assert_eq!(
        (again.status, again.code()),
        (StatusCode::CONFLICT, "card.redeemed")
    );
    (id, token)
}

#[tokio::test]
async fn a_learner_redeems_a_card_and_buys_hours_from_the_balance() {
    let app = spawn_app().await;
    let (_, token) = learner_with_card(&app, &registration(), 200).await;
    let cart = json!({ "items": [ { "kind": "course", "id": "draft-survey" }, { "kind": "hour", "id": "cargo-damage-survey/1" } ] });
    let quote = app.post(payments::QUOTE, Some(&token), cart.clone()).await;
    assert_eq!(quote.status, StatusCode::OK, "{}", quote.body);
    let hours = quote.body["lines"][0]["hours"].as_u64().unwrap() + 1;
    assert_eq!(quote.body["total_fen"], hours * 1500);
    assert_eq!(quote.body["balance_fen"], 20_000);

    let bought = app
        .post(payments::PURCHASE, Some(&token), cart.clone())
        .await;
    assert_eq!(bought.status, StatusCode::CREATED, "{}", bought.body);
    assert_eq!(bought.body["hours"].as_array().unwrap().len() as u64, hours);
    let me = app.get(accounts::ME, Some(&token)).await;
    assert_eq!(me.body["balance_fen"], 20_000 - hours * 1500);
    let courses = app.get(learning::COURSES, Some(&token)).await;
    assert_eq!(courses.body["courses"].as_array().unwrap().len(), 2);
    let orders = app.get(payments::ORDERS, Some(&token)).await;
    assert_eq!(
        orders.body["orders"][0]["order_no"],
        bought.body["order_no"]
    );
    assert_eq!(orders.body["orders"][0]["paid"], true);

    let again = app.post(payments::PURCHASE, Some(&token), cart).await;
    assert_eq!(
        (again.status, again.code()),
        (StatusCode::UNPROCESSABLE_ENTITY, "cart.already_owned")
    );
    assert_eq!(
        app.get(accounts::ME, Some(&token)).await.body["balance_fen"],
        20_000 - hours * 1500,
        "nothing charged twice"
    );
}

#[tokio::test]
async fn a_purchase_the_balance_does_not_cover_changes_nothing() {
    let app = spawn_app().await;
    let (learner, token) = learner_with_card(&app, &registration(), 15).await;
    let answer = app
        .post(
            payments::PURCHASE,
            Some(&token),
            json!({ "items": [ { "kind": "course", "id": "draft-survey" } ] }),
        )
        .await;
    assert_eq!(
        (answer.status, answer.code()),
        (StatusCode::CONFLICT, "balance.insufficient")
    );
    assert_eq!(
        app.get(accounts::ME, Some(&token)).await.body["balance_fen"],
        1500
    );
    assert!(app.store.enrollments(&learner).await.unwrap().is_empty());
    assert_eq!(
        app.store.ledger(&learner).await.unwrap().len(),
        1,
        "only the card's credit"
    );
}

#[tokio::test]
async fn a_returning_holder_gets_the_mandatory_hours_free() {
    let app = spawn_app().await;
    let body = registration_as(Kind::Holder);
    let (learner, token) = learner_with_card(&app, &body, 450).await;
    app.store
        .set_returning(
            &learner,
            true,
            &ticedu_tests::fixtures::audit(AuditAction::ReturningSet),
        )
        .await
        .unwrap();
    let cart = json!({ "items": [
        { "kind": "course", "id": "inspection-laws-and-regulations" },
        { "kind": "course", "id": "trade-self-discipline-code" },
        { "kind": "course", "id": "practitioner-code-of-conduct" },
        { "kind": "bundle", "id": "certification-30" } ] });
    let quote = app.post(payments::QUOTE, Some(&token), cart.clone()).await;
    assert_eq!(
        (
            quote.body["gross_fen"].clone(),
            quote.body["discount_fen"].clone(),
            quote.body["total_fen"].clone()
        ),
        (json!(60_000), json!(15_000), json!(45_000))
    );
    let bought = app.post(payments::PURCHASE, Some(&token), cart).await;
    assert_eq!(bought.status, StatusCode::CREATED, "{}", bought.body);
    assert_eq!(
        app.get(accounts::ME, Some(&token)).await.body["balance_fen"],
        0
    );
    let new_bundle = app
        .post(
            payments::QUOTE,
            Some(&token),
            json!({ "items": [ { "kind": "bundle", "id": "certification-40" } ] }),
        )
        .await;
    assert_eq!(new_bundle.code(), "cart.bundle_not_for_buyer");
}

#[tokio::test]
async fn bad_carts_and_card_codes_are_refused_with_codes() {
    let app = spawn_app().await;
    let token = app.register(&registration()).await.token;
    let cases = [
        (
            json!({ "items": [] }),
            StatusCode::UNPROCESSABLE_ENTITY,
            "cart.empty",
        ),
        (
            json!({ "items": [ { "kind": "course", "id": "no-such-course" } ] }),
            StatusCode::UNPROCESSABLE_ENTITY,
            "cart.unknown_item",
        ),
        (
            json!({ "items": [ { "kind": "hour", "id": "draft-survey/1" }, { "kind": "course", "id": "draft-survey" } ] }),
            StatusCode::UNPROCESSABLE_ENTITY,
            "cart.hour_twice",
        ),
        (
            json!({ "items": [ { "kind": "course", "id": "Not A Slug" } ] }),
            StatusCode::BAD_REQUEST,
            "request.invalid_field",
        ),
        (
            json!({ "items": [ { "kind": "voucher", "id": "x" } ] }),
            StatusCode::BAD_REQUEST,
            "request.invalid_field",
        ),
    ];
    for (cart, status, code) in cases {
        let answer = app.post(payments::QUOTE, Some(&token), cart.clone()).await;
        assert_eq!((answer.status, answer.code()), (status, code), "{cart}");
    }
    let answer = app
        .post(payments::REDEEM, Some(&token), json!({ "code": "short" }))
        .await;
    assert_eq!(
        (answer.status, answer.code()),
        (StatusCode::UNPROCESSABLE_ENTITY, "card.malformed")
    );
    let answer = app
        .post(
            payments::REDEEM,
            Some(&token),
            json!({ "code": "ABCD EFGH 2345 6789" }),
        )
        .await;
    assert_eq!(
        (answer.status, answer.code()),
        (StatusCode::NOT_FOUND, "card.not_found")
    );
    assert_eq!(
        app.post(payments::QUOTE, None, json!({ "items": [] }))
            .await
            .code(),
        "auth.missing_token"
    );
}

/// Fifty concurrent purchases over HTTP against a balance that covers ten:
/// the store's guarantee holds through the API.
async fn concurrent_purchases<S: Store + Clone + 'static>(app: TestApp<S>) {
    let (learner, token) = learner_with_card(&app, &registration(), 150).await;
    let mut tasks = tokio::task::JoinSet::new();
    for number in 1..=50 {
        let (address, token) = (app.address.clone(), token.clone());
        let course = if number <= 6 {
            "draft-survey".to_owned()
        } else {
            String::new()
        };
        let item = if course.is_empty() {
            json!({ "kind": "hour", "id": format!("acceptance-sampling-gbt-2828-1/{}", (number - 6) % 6 + 1) })
        } else {
            json!({ "kind": "hour", "id": format!("draft-survey/{number}") })
        };
        tasks.spawn(async move {
            reqwest::Client::new()
                .post(format!("{address}{}", payments::PURCHASE))
                .bearer_auth(token)
                .json(&json!({ "items": [item] }))
                .send()
                .await
                .unwrap()
                .status()
        });
    }
    let mut created = 0;
    while let Some(status) = tasks.join_next().await {
        let status = status.unwrap();
        assert!(
            status == StatusCode::CREATED
                || status == StatusCode::CONFLICT
                || status == StatusCode::UNPROCESSABLE_ENTITY,
            "{status}"
        );
        if status == StatusCode::CREATED {
            created += 1;
        }
    }
    assert_eq!(
        created, 10,
        "12 distinct hours requested, the balance pays for 10"
    );
    assert_eq!(
        app.get(accounts::ME, Some(&token)).await.body["balance_fen"],
        0
    );
    let ledger: i64 = app
        .store
        .ledger(&learner)
        .await
        .unwrap()
        .iter()
        .map(|e| e.change_fen)
        .sum();
    assert_eq!(ledger, 0, "the ledger sums to the balance");
    assert_eq!(app.store.enrollments(&learner).await.unwrap().len(), 10);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_purchases_over_http_never_overdraw_on_the_embedded_store() {
    concurrent_purchases(spawn_app().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_purchases_over_http_never_overdraw_on_dynamodb() {
    concurrent_purchases(TestApp::builder(DynamoDb).spawn().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn one_card_redeemed_by_twenty_learners_at_once_credits_one_of_them() {
    let app = spawn_app().await;
    let study_card = card(Fen::from_yuan(600));
    app.store
        .issue_cards(
            std::slice::from_ref(&study_card),
            &ticedu_tests::fixtures::audit(AuditAction::CardsIssued),
        )
        .await
        .unwrap();
    let mut tokens = Vec::new();
    for _ in 0..20 {
        tokens.push(app.register(&registration()).await.token);
    }
    let mut tasks = tokio::task::JoinSet::new();
    for token in &tokens {
        let (address, token, code) = (
            app.address.clone(),
            token.clone(),
            study_card.code.to_string(),
        );
        tasks.spawn(async move {
            reqwest::Client::new()
                .post(format!("{address}{}", payments::REDEEM))
                .bearer_auth(token)
                .json(&json!({ "code": code }))
                .send()
                .await
                .unwrap()
                .status()
        });
    }
    let mut credited = 0;
    while let Some(status) = tasks.join_next().await {
        match status.unwrap() {
            StatusCode::OK => credited += 1,
            StatusCode::CONFLICT => {}
            other => panic!("{other}"),
        }
    }
    assert_eq!(credited, 1);
    let mut total = 0;
    for token in &tokens {
        total += app.get(accounts::ME, Some(token)).await.body["balance_fen"]
            .as_u64()
            .unwrap();
    }
    assert_eq!(total, 60_000);
}

/// Every mix R8 and R9 allow can be bought (issue 18): an elective, a
/// certification course on its own and a single certification hour in one
/// cart, quoted and paid; the certification hours count in the flexible part.
async fn a_mix_of_elective_and_single_certification_courses_is_bought_and_counts<
    S: Store + Clone + 'static,
>(
    app: TestApp<S>,
) {
    let learner = app.register_as(Kind::New).await;
    app.credit(&learner.id, 600).await;
    let cart = json!([
        { "kind": "course", "id": "draft-survey" },
        { "kind": "course", "id": "iso-iec-17020-inspection-bodies" },
        { "kind": "hour", "id": "iso-iec-17025-testing-laboratories/1" },
    ]);
    let quote = app
        .post(
            payments::QUOTE,
            Some(&learner.token),
            json!({ "items": cart }),
        )
        .await;
    assert_eq!(quote.status, StatusCode::OK, "{}", quote.body);
    let hours: u64 = quote.body["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|line| line["hours"].as_u64().unwrap())
        .sum();
    assert_eq!(quote.body["total_fen"], json!(hours * 1500));
    let bought = app.buy(&learner.token, cart).await;
    assert_eq!(bought.len() as u64, hours);
    let certification = bought
        .iter()
        .find(|hour| hour.starts_with("iso-iec-17025"))
        .unwrap();
    app.open_lesson(&learner.token, certification).await;
    let marked = app.mark(&learner.token, certification).await;
    assert_eq!(marked.status, StatusCode::OK, "{}", marked.body);
    assert_eq!(
        marked.body["progress"]["flexible"]["learned_hours"],
        json!(1),
        "{}",
        marked.body
    );
}

/// Invoices for everyone (issue 18, R15): a person by name alone, on paper
/// to a named recipient for the courier; a company with its credit code; no
/// invoice for an order that cost nothing; each order once.
async fn a_person_and_a_company_get_invoices_and_nothing_is_invoiced_for_nothing<
    S: Store + Clone + 'static,
>(
    app: TestApp<S>,
) {
    let buy = |token: String, course: &'static str| {
        let app = &app;
        async move {
            let bought = app
                .post(
                    payments::PURCHASE,
                    Some(&token),
                    json!({ "items": [ { "kind": "course", "id": course } ] }),
                )
                .await;
            assert_eq!(bought.status, StatusCode::CREATED, "{}", bought.body);
            bought.body["order_no"].clone()
        }
    };
    let person = app.register_as(Kind::New).await;
    app.credit(&person.id, 300).await;
    let order = buy(person.token.clone(), "draft-survey").await;
    let paper = json!({ "kind": "paper", "recipient": "钟检", "phone": "13800138000", "address": "北京市朝阳区检验路 1 号" });
    let no_phone = app
        .post(
            payments::INVOICES,
            Some(&person.token),
            json!({ "orders": [order], "buyer_name": "钟检", "email": "zhong@example.cn",
                    "delivery": { "kind": "paper", "recipient": "钟检", "phone": "12", "address": "北京" } }),
        )
        .await;
    assert_eq!(
        no_phone.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        no_phone.body
    );
    let personal = app
        .post(
            payments::INVOICES,
            Some(&person.token),
            json!({ "orders": [order], "buyer_name": "钟检", "email": "zhong@example.cn", "delivery": paper }),
        )
        .await;
    assert_eq!(personal.status, StatusCode::CREATED, "{}", personal.body);

    let company = app.register_as(Kind::New).await;
    app.credit(&company.id, 300).await;
    let order = buy(company.token.clone(), "draft-survey").await;
    let invoiced = app
        .post(
            payments::INVOICES,
            Some(&company.token),
            json!({ "orders": [order], "buyer_name": "中国检验认证集团北京有限公司",
                    "taxpayer_id": "91350100M000100Y43", "email": "finance@example.cn" }),
        )
        .await;
    assert_eq!(invoiced.status, StatusCode::CREATED, "{}", invoiced.body);

    // A returning holder's free mandatory hours: an order of ¥0.
    let holder = app.register_as(Kind::Holder).await;
    app.store
        .set_returning(
            &holder.id,
            true,
            &ticedu_tests::fixtures::audit(AuditAction::ReturningSet),
        )
        .await
        .unwrap();
    let free = buy(holder.token.clone(), "inspection-laws-and-regulations").await;
    let nothing = app
        .post(
            payments::INVOICES,
            Some(&holder.token),
            json!({ "orders": [free], "buyer_name": "李续", "email": "li@example.cn" }),
        )
        .await;
    assert_eq!(
        (nothing.status, nothing.code()),
        (StatusCode::UNPROCESSABLE_ENTITY, "invoice.nothing_paid")
    );

    let staff = app
        .staff_token_with(&[ticedu_domain::staff::StaffRole::Finance])
        .await;
    let queue = app.get(admin::INVOICES, Some(&staff)).await;
    let invoices = queue.body["invoices"].as_array().unwrap();
    let find = |name: &str| {
        invoices
            .iter()
            .find(|invoice| invoice["buyer_name"] == name)
            .unwrap_or_else(|| panic!("{name} in {}", queue.body))
    };
    let person_invoice = find("钟检");
    assert_eq!(
        (
            person_invoice["buyer_kind"].clone(),
            person_invoice["taxpayer_id"].clone(),
            person_invoice["recipient"].clone(),
            person_invoice["phone"].clone()
        ),
        (
            json!("person"),
            json!(null),
            json!("钟检"),
            json!("13800138000")
        )
    );
    assert_eq!(
        find("中国检验认证集团北京有限公司")["buyer_kind"],
        json!("company")
    );
    assert_eq!(
        invoices.len(),
        2,
        "nothing for the ¥0 order: {}",
        queue.body
    );
}

on_both_stores!(
    as_built =>
        a_mix_of_elective_and_single_certification_courses_is_bought_and_counts,
        a_person_and_a_company_get_invoices_and_nothing_is_invoiced_for_nothing,
);
