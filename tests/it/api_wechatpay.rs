//! WeChat Pay (R14) end to end against the simulator: orders signed the v3
//! way, payment notices verified, decrypted, checked and applied exactly once.

use reqwest::StatusCode;
use serde_json::{Value, json};
use ticedu_store::ids::{LearnerId, OrderNo};
use ticedu_store::records::OrderStatus;
use ticedu_store::*;
use ticedu_store_embedded::EmbeddedStore;

use crate::helpers::wechatpay_simulator as simulator;
use crate::helpers::*;

const BUNDLE: &str = "certification-40";

async fn notify<S>(app: &TestApp<S>, headers: &[(&'static str, String)], body: &str) -> Answer {
    let mut request = app
        .raw(reqwest::Method::POST, payments::WECHAT_NOTIFY)
        .header("content-type", "application/json")
        .body(body.to_owned());
    for (name, value) in headers {
        request = request.header(*name, value);
    }
    app.send(request).await
}

fn now() -> i64 {
    jiff::Timestamp::now().as_second()
}

/// A new learner's Native order for the 40-hour bundle: (learner, token, order number, total fen).
async fn ordered<S: ticedu_store::Store>(app: &TestApp<S>) -> (LearnerId, String, String, u64) {
    let Learner {
        id: learner, token, ..
    } = app.register(&registration()).await;
    let answer = app
        .post(
            payments::WECHAT_ORDERS,
            Some(&token),
            json!({ "items": [ { "kind": "bundle", "id": BUNDLE } ], "channel": "native" }),
        )
        .await;
    assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.body);
    let order = answer.body["order_no"].as_str().unwrap().to_owned();
    assert_eq!(
        answer.body["code_url"],
        format!("weixin://wxpay/bizpayurl?pr={order}")
    );
    (
        learner,
        token,
        order,
        answer.body["total_fen"].as_u64().unwrap(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_native_order_is_paid_by_one_notice_however_often_it_arrives() {
    native_order_paid_once(
        TestApp::builder(Embedded)
            .wechat(WeChat::Simulator)
            .spawn()
            .await,
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_native_order_is_paid_by_one_notice_on_dynamodb_too() {
    native_order_paid_once(
        TestApp::builder(DynamoDb)
            .wechat(WeChat::Simulator)
            .spawn()
            .await,
    )
    .await;
}

async fn native_order_paid_once<S: Store + Clone + 'static>(app: TestApp<S>) {
    let (learner, token, order, total) = ordered(&app).await;
    assert_eq!(total, 60_000);
    {
        let received = app.simulator.as_ref().expect("a simulator").orders();
        assert_eq!(
            (
                received[0].amount.total,
                received[0].amount.currency.as_str()
            ),
            (60_000, "CNY")
        );
        assert_eq!(received[0].out_trade_no, order);
    }
    let stored = app
        .store
        .order(&OrderNo::parse(&order).unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.status, OrderStatus::Pending);
    assert!(
        app.store.enrollments(&learner).await.unwrap().is_empty(),
        "nothing is bought before the money arrives"
    );

    let (headers, body) =
        simulator::notice(&order, total, "4200001234202307011234567890", now(), false);
    let mut deliveries = tokio::task::JoinSet::new();
    for _ in 0..20 {
        let (address, headers, body) = (app.address.clone(), headers.clone(), body.clone());
        deliveries.spawn(async move {
            let mut request = reqwest::Client::new()
                .post(format!("{address}{}", payments::WECHAT_NOTIFY))
                .header("content-type", "application/json")
                .body(body);
            for (name, value) in headers {
                request = request.header(name, value);
            }
            request.send().await.unwrap().status()
        });
    }
    while let Some(status) = deliveries.join_next().await {
        assert_eq!(status.unwrap(), StatusCode::NO_CONTENT);
    }
    assert_eq!(
        app.store.enrollments(&learner).await.unwrap().len(),
        40,
        "paid once, enrolled once"
    );
    let stored = app
        .store
        .order(&OrderNo::parse(&order).unwrap())
        .await
        .unwrap()
        .unwrap();
    assert!(matches!(stored.status, OrderStatus::Paid { .. }));
    assert_eq!(
        app.get(accounts::ME, Some(&token)).await.body["balance_fen"],
        0,
        "WeChat Pay does not touch the balance"
    );
    let orders = app.get(payments::ORDERS, Some(&token)).await;
    assert_eq!(
        (
            orders.body["orders"][0]["channel"].clone(),
            orders.body["orders"][0]["paid"].clone()
        ),
        (json!("we_chat_pay"), json!(true))
    );
    // The paid order can be invoiced, once.
    let invoice = json!({ "orders": [order], "buyer_name": "中国检验认证集团", "taxpayer_id": "91350100M000100Y43", "email": "finance@example.cn", "delivery": { "kind": "paper", "recipient": "钟检", "phone": "13800138000", "address": "北京市朝阳区 检验路 1 号" } });
    assert_eq!(
        app.post(payments::INVOICES, Some(&token), invoice.clone())
            .await
            .status,
        StatusCode::CREATED
    );
    assert_eq!(
        app.post(payments::INVOICES, Some(&token), invoice)
            .await
            .code(),
        "invoice.not_invoiceable"
    );
}

#[tokio::test]
async fn a_notice_with_a_tampered_ciphertext_but_a_valid_signature_is_refused() {
    let app = app_with_simulator().await;
    let (learner, _, order, total) = ordered(&app).await;
    let (headers, body) =
        simulator::notice(&order, total, "4200001234202307010000000009", now(), false);
    let mut notice: Value = serde_json::from_str(&body).unwrap();
    let ciphertext = notice["resource"]["ciphertext"]
        .as_str()
        .unwrap()
        .to_owned();
    // Another first character: the first byte of the ciphertext changes, the tag no longer fits.
    let rest = &ciphertext[1..];
    let flipped = if ciphertext.starts_with('A') {
        format!("B{rest}")
    } else {
        format!("A{rest}")
    };
    notice["resource"]["ciphertext"] = json!(flipped);
    let body = notice.to_string();
    let timestamp = headers[0].1.parse::<i64>().unwrap();
    let signature =
        ticedu_wechatpay::sign_notice(simulator::PLATFORM_KEY, timestamp, &headers[1].1, &body)
            .unwrap();
    let headers = replace(&headers, "Wechatpay-Signature", &signature);
    let answer = notify(&app, &headers, &body).await;
    assert_eq!(
        (answer.status, answer.body["code"].clone()),
        (StatusCode::BAD_REQUEST, json!("FAIL")),
        "{}",
        answer.body
    );
    assert!(app.store.enrollments(&learner).await.unwrap().is_empty());
}

#[tokio::test]
async fn the_public_key_mode_is_accepted_too() {
    let app = app_with_simulator().await;
    let (learner, _, order, total) = ordered(&app).await;
    let (headers, body) =
        simulator::notice(&order, total, "4200001234202307019999999999", now(), true);
    assert_eq!(
        notify(&app, &headers, &body).await.status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(app.store.enrollments(&learner).await.unwrap().len(), 40);
}

fn replace(
    headers: &[(&'static str, String)],
    name: &str,
    value: &str,
) -> Vec<(&'static str, String)> {
    headers
        .iter()
        .map(|(n, v)| {
            (
                *n,
                if *n == name {
                    value.to_owned()
                } else {
                    v.clone()
                },
            )
        })
        .collect()
}

#[tokio::test]
async fn forged_stale_probe_and_mismatched_notices_change_nothing() {
    let app = app_with_simulator().await;
    let (learner, _, order, total) = ordered(&app).await;
    let (headers, body) =
        simulator::notice(&order, total, "4200001234202307010000000001", now(), false);
    let expect_fail = |answer: &Answer, status: StatusCode| {
        assert_eq!(answer.status, status, "{}", answer.body);
        assert_eq!(
            answer.body["code"], "FAIL",
            "WeChat Pay retries on FAIL: {}",
            answer.body
        );
    };
    expect_fail(
        &notify(&app, &headers, &body.replace("SUCCESS", "SUCCES5")).await,
        StatusCode::UNAUTHORIZED,
    );
    expect_fail(
        &notify(
            &app,
            &replace(&headers, "Wechatpay-Signature", "WECHATPAY/SIGNTEST/abc"),
            &body,
        )
        .await,
        StatusCode::UNAUTHORIZED,
    );
    expect_fail(
        &notify(
            &app,
            &replace(&headers, "Wechatpay-Serial", "PUB_KEY_ID_UNKNOWN"),
            &body,
        )
        .await,
        StatusCode::UNAUTHORIZED,
    );
    expect_fail(
        &notify(&app, &headers[1..], &body).await,
        StatusCode::UNAUTHORIZED,
    );
    let (stale_headers, stale_body) = simulator::notice(
        &order,
        total,
        "4200001234202307010000000002",
        now() - 600,
        false,
    );
    expect_fail(
        &notify(&app, &stale_headers, &stale_body).await,
        StatusCode::UNAUTHORIZED,
    );
    let (cheap_headers, cheap_body) =
        simulator::notice(&order, 1, "4200001234202307010000000003", now(), false);
    expect_fail(
        &notify(&app, &cheap_headers, &cheap_body).await,
        StatusCode::BAD_REQUEST,
    );
    let (unknown_headers, unknown_body) = simulator::notice(
        "TIC1700000000FFFFFFFFFF",
        total,
        "4200001234202307010000000004",
        now(),
        false,
    );
    expect_fail(
        &notify(&app, &unknown_headers, &unknown_body).await,
        StatusCode::NOT_FOUND,
    );
    // Genuine notices, but for another app or another merchant.
    for (transaction_id, edit) in [
        (
            "4200001234202307010000000005",
            (|t: &mut ticedu_wechatpay::Transaction| t.appid = "wx0000000000000000".to_owned())
                as fn(&mut ticedu_wechatpay::Transaction),
        ),
        ("4200001234202307010000000006", |t| {
            t.mchid = "1900000000".to_owned()
        }),
    ] {
        let (other_headers, other_body) =
            simulator::notice_edited(&order, total, transaction_id, now(), edit);
        expect_fail(
            &notify(&app, &other_headers, &other_body).await,
            StatusCode::BAD_REQUEST,
        );
    }
    assert!(app.store.enrollments(&learner).await.unwrap().is_empty());
    let stored = app
        .store
        .order(&OrderNo::parse(&order).unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        stored.status,
        OrderStatus::Pending,
        "still waiting for a real notice"
    );
    assert_eq!(
        notify(&app, &headers, &body).await.status,
        StatusCode::NO_CONTENT,
        "the genuine notice still applies"
    );
}

#[tokio::test]
async fn without_wechat_pay_configured_its_routes_say_so() {
    let app = spawn_app().await;
    let token = app.register(&registration()).await.token;
    let answer = app
        .post(
            payments::WECHAT_ORDERS,
            Some(&token),
            json!({ "items": [ { "kind": "bundle", "id": BUNDLE } ], "channel": "native" }),
        )
        .await;
    assert_eq!(
        (answer.status, answer.code()),
        (StatusCode::SERVICE_UNAVAILABLE, "wechatpay.unavailable")
    );
    let notice = app.post(payments::WECHAT_NOTIFY, None, json!({})).await;
    assert_eq!(
        (notice.status, notice.body["code"].clone()),
        (StatusCode::SERVICE_UNAVAILABLE, json!("FAIL"))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_local_platform_pays_through_its_built_in_simulator() {
    let keys = tempfile::tempdir().unwrap();
    let app = TestApp::builder(Embedded)
        .wechat(WeChat::BuiltInWithKeysIn(keys.path().join("keys")))
        .spawn()
        .await;
    let learner = app.register(&registration()).await;
    let order = app
        .post(
            payments::WECHAT_ORDERS,
            Some(&learner.token),
            json!({ "items": [ { "kind": "bundle", "id": BUNDLE } ], "channel": "native" }),
        )
        .await;
    let paid = app
        .post(
            &format!("{SIMULATOR}/pay/{}", order.text("order_no")),
            None,
            json!({}),
        )
        .await;
    assert_eq!(
        paid.body["answer"], 204,
        "our notify endpoint accepted the simulator's notice: {}",
        paid.body
    );
    assert_eq!(app.store.enrollments(&learner.id).await.unwrap().len(), 40);
    assert!(
        keys.path().join("keys/merchant_key.pem").is_file(),
        "keys are made once and kept"
    );
}

/// A phone's browser outside WeChat (issue 18): the H5 order names the
/// learner's address, its `h5_url` leads to WeChat Pay's page (the
/// simulator's), which pays and sends the learner back to the page's
/// `redirect_url`; by then the notice has made the hours theirs.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_h5_order_goes_to_wechat_pay_and_comes_back_paid() {
    let app = TestApp::builder(Embedded)
        .wechat(WeChat::BuiltIn)
        .spawn()
        .await;
    let learner = app.register(&registration()).await;
    let order = app
        .send(
            app.raw(reqwest::Method::POST, payments::WECHAT_ORDERS)
                .bearer_auth(&learner.token)
                .header("X-Forwarded-For", "203.0.113.7, 10.0.0.1")
                .json(&json!({ "items": [ { "kind": "bundle", "id": BUNDLE } ], "channel": "h5" })),
        )
        .await;
    assert_eq!(order.status, StatusCode::CREATED, "{}", order.body);
    let h5_url = order.text("h5_url").to_owned();
    let placed = app.simulator.as_ref().unwrap().orders();
    let scene = placed[0]
        .scene_info
        .as_ref()
        .expect("an H5 order names the payer");
    assert_eq!(scene.payer_client_ip, "203.0.113.7");
    assert!(order.body["code_url"].is_null() && order.body["jsapi"].is_null());

    let back = format!("{}/pay/?paid={}", app.address, order.text("order_no"));
    let page = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(reqwest::Url::parse_with_params(&h5_url, [("redirect_url", &back)]).unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::SEE_OTHER);
    assert_eq!(page.headers()["location"], back.as_str());
    assert_eq!(app.store.enrollments(&learner.id).await.unwrap().len(), 40);
}

/// The embedded store with the WeChat Pay simulator beside it; tests deliver notices themselves.
async fn app_with_simulator() -> TestApp<EmbeddedStore> {
    TestApp::builder(Embedded)
        .wechat(WeChat::Simulator)
        .spawn()
        .await
}
