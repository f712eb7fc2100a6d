//! Orders that settle (R14): a pending WeChat Pay order holds its hours until
//! it is paid, cancelled or expired; money that arrives for hours owned by
//! then is refunded through WeChat Pay; finance refunds orders; refund
//! notices are verified. Against the simulator served with the platform.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};
use ticedu_domain::staff::StaffRole;
use ticedu_store::*;

use crate::helpers::*;

fn built_in<K: StoreKind>(builder: TestAppBuilder<K>) -> TestAppBuilder<K> {
    builder.wechat(WeChat::BuiltIn).class_hour_minutes(0)
}

/// Orders expire two seconds after they are placed.
fn short_orders<K: StoreKind>(builder: TestAppBuilder<K>) -> TestAppBuilder<K> {
    built_in(builder).order_lifetime(2)
}

/// WeChat Pay beside the platform: the test delivers every notice itself.
fn beside<K: StoreKind>(builder: TestAppBuilder<K>) -> TestAppBuilder<K> {
    builder.wechat(WeChat::Simulator)
}

on_both_stores!(built_in =>
    a_pending_order_holds_its_hours_until_the_learner_cancels_it,
    finance_refunds_a_balance_order_and_learned_hours_only_when_confirmed,
    finance_refunds_a_wechat_pay_order_through_the_refund_api;
    short_orders =>
    a_double_payment_ends_with_one_purchase_and_one_refund;
    beside =>
    a_refund_notice_is_verified_checked_and_applied_once,
);

const HOUR: &str = "draft-survey/1";

/// A new learner with ¥1,000 in the balance: their token.
async fn learner_with_balance<S: Store>(app: &TestApp<S>) -> String {
    let learner = app.register(&registration()).await;
    let staff = app.staff_token().await;
    let code = app.issue_cards(&staff, 1, 100_000, "bank transfer").await;
    assert_eq!(
        app.redeem(&learner.token, &code[0]).await.status,
        StatusCode::OK
    );
    learner.token
}

fn just(hour: &str) -> Value {
    json!([ { "kind": "hour", "id": hour } ])
}

async fn wechat_order<S>(app: &TestApp<S>, token: &str, items: Value) -> Answer {
    app.post(
        payments::WECHAT_ORDERS,
        Some(token),
        json!({ "items": items, "channel": "native" }),
    )
    .await
}

async fn purchase<S>(app: &TestApp<S>, token: &str, items: Value) -> Answer {
    app.post(payments::PURCHASE, Some(token), json!({ "items": items }))
        .await
}

fn order_path(path: &str, order: &str) -> String {
    path.replace("{order_no}", order)
}

/// The simulator pays `order`; with `notify` false the notice is lost on the way.
async fn pay_at_wechat<S>(app: &TestApp<S>, order: &str, notify: bool) -> Answer {
    let path = format!("/wechatpay-simulator/pay/{order}?notify={notify}");
    app.post(&path, None, json!({})).await
}

async fn a_pending_order_holds_its_hours_until_the_learner_cancels_it<S: Store>(app: TestApp<S>) {
    let token = learner_with_balance(&app).await;
    let placed = wechat_order(&app, &token, just(HOUR)).await;
    assert_eq!(placed.status, StatusCode::CREATED, "{}", placed.body);
    let order = placed.text("order_no");

    let bought = purchase(&app, &token, just(HOUR)).await;
    assert_eq!(
        (bought.status, bought.code()),
        (StatusCode::CONFLICT, "cart.reserved")
    );
    let again = wechat_order(&app, &token, just(HOUR)).await;
    assert_eq!(
        (again.status, again.code()),
        (StatusCode::CONFLICT, "cart.reserved")
    );

    let seen = app
        .get(&order_path(payments::ORDER, &order), Some(&token))
        .await;
    assert_eq!(seen.text("status"), "pending");
    let other = app.register(&registration()).await;
    let foreign = app
        .post(
            &order_path(payments::CANCEL_ORDER, &order),
            Some(&other.token),
            json!({}),
        )
        .await;
    assert_eq!(
        foreign.status,
        StatusCode::NOT_FOUND,
        "another learner's order is not found"
    );

    let cancelled = app
        .post(
            &order_path(payments::CANCEL_ORDER, &order),
            Some(&token),
            json!({}),
        )
        .await;
    assert_eq!(cancelled.status, StatusCode::OK, "{}", cancelled.body);
    assert_eq!(cancelled.text("status"), "cancelled");
    let twice = app
        .post(
            &order_path(payments::CANCEL_ORDER, &order),
            Some(&token),
            json!({}),
        )
        .await;
    assert_eq!(
        twice.text("status"),
        "cancelled",
        "cancelling again changes nothing"
    );
    assert_eq!(
        pay_at_wechat(&app, &order, true).await.status,
        StatusCode::BAD_REQUEST,
        "WeChat Pay takes no payment for a closed order"
    );
    assert_eq!(
        purchase(&app, &token, just(HOUR)).await.status,
        StatusCode::CREATED
    );
}

fn refunds_of(order: &Value) -> Vec<Value> {
    order["refunds"].as_array().cloned().unwrap_or_default()
}

async fn a_double_payment_ends_with_one_purchase_and_one_refund<S: Store>(app: TestApp<S>) {
    let token = learner_with_balance(&app).await;
    let placed = wechat_order(&app, &token, just(HOUR)).await;
    assert_eq!(placed.status, StatusCode::CREATED, "{}", placed.body);
    let (order, total) = (
        placed.text("order_no"),
        placed.body["total_fen"].as_u64().unwrap(),
    );
    // Paid in WeChat at the last moment; the notice is lost.
    assert_eq!(
        pay_at_wechat(&app, &order, false).await.status,
        StatusCode::OK
    );
    tokio::time::sleep(Duration::from_millis(2_200)).await;
    // The order expired here, so the hour is free to buy another way.
    let bought = purchase(&app, &token, just(HOUR)).await;
    assert_eq!(bought.status, StatusCode::CREATED, "{}", bought.body);

    // Following the order asks WeChat Pay, finds the payment, and gives it back.
    let mut seen = Value::Null;
    for _ in 0..50 {
        let answer = app
            .get(&order_path(payments::ORDER, &order), Some(&token))
            .await;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
        seen = answer.body;
        if refunds_of(&seen)
            .first()
            .is_some_and(|r| r["status"] == "succeeded")
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(seen["status"], "paid", "{seen}");
    let refunds = refunds_of(&seen);
    assert_eq!(refunds.len(), 1, "{seen}");
    assert_eq!(refunds[0]["reason"], "already_owned");
    assert_eq!(refunds[0]["amount_fen"], total);
    assert_eq!(
        refunds[0]["status"], "succeeded",
        "the refund notice was applied: {seen}"
    );
    let at_wechat = app.simulator.as_ref().unwrap().refunds();
    assert_eq!(at_wechat.len(), 1, "one refund asked of WeChat Pay");
    assert_eq!(at_wechat[0].amount.refund, total);

    let orders = app.get(payments::ORDERS, Some(&token)).await;
    let paid: Vec<&Value> = orders.body["orders"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| o["status"] == "paid")
        .collect();
    assert_eq!(
        paid.len(),
        2,
        "one bought from the balance, one paid and refunded: {}",
        orders.body
    );
}

async fn finance_refunds_a_balance_order_and_learned_hours_only_when_confirmed<S: Store>(
    app: TestApp<S>,
) {
    let token = learner_with_balance(&app).await;
    let bought = purchase(
        &app,
        &token,
        json!([ { "kind": "hour", "id": "draft-survey/1" }, { "kind": "hour", "id": "draft-survey/2" } ]),
    )
    .await;
    assert_eq!(bought.status, StatusCode::CREATED, "{}", bought.body);
    let (order, total) = (
        bought.text("order_no"),
        bought.body["total_fen"].as_u64().unwrap(),
    );
    assert_eq!(
        app.mark(&token, "draft-survey/1").await.status,
        StatusCode::OK
    );
    let balance = |me: &Value| me["balance_fen"].as_u64().unwrap_or_default();
    let before = balance(&app.get(accounts::ME, Some(&token)).await.body);
    let refunds = order_path(payments::REFUNDS, &order);

    let operator = app.staff_token_with(&[StaffRole::Operator]).await;
    let refused = app
        .post(
            &refunds,
            Some(&operator),
            json!({ "hours": ["draft-survey/2"], "note": "退课" }),
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);

    let finance = app.staff_token_with(&[StaffRole::Finance]).await;
    let learned = app
        .post(
            &refunds,
            Some(&finance),
            json!({ "hours": ["draft-survey/1"], "note": "退课" }),
        )
        .await;
    assert_eq!(
        (learned.status, learned.code()),
        (StatusCode::CONFLICT, "refund.hour_learned")
    );

    let part = app
        .post(
            &refunds,
            Some(&finance),
            json!({ "hours": ["draft-survey/2"], "note": "退课" }),
        )
        .await;
    assert_eq!(part.status, StatusCode::CREATED, "{}", part.body);
    assert_eq!(part.body["refunds"][0]["status"], "succeeded");
    assert_eq!(part.body["refunded_fen"], total / 2);
    assert_eq!(
        balance(&app.get(accounts::ME, Some(&token)).await.body),
        before + total / 2
    );
    let withdrawn = app.open_lesson(&token, "draft-survey/2").await;
    assert_eq!(
        withdrawn.code(),
        "learning.hour_not_bought",
        "{}",
        withdrawn.body
    );

    let too_much = app
        .post(
            &refunds,
            Some(&finance),
            json!({ "amount_fen": total, "note": "多退" }),
        )
        .await;
    assert_eq!(
        (too_much.status, too_much.code()),
        (StatusCode::CONFLICT, "refund.not_refundable")
    );

    let confirmed = app
        .post(
            &refunds,
            Some(&finance),
            json!({ "hours": ["draft-survey/1"], "note": "学员投诉", "withdraw_learned": true }),
        )
        .await;
    assert_eq!(confirmed.status, StatusCode::CREATED, "{}", confirmed.body);
    assert_eq!(
        confirmed.body["refunded_fen"], total,
        "the last hour takes what is left"
    );
    assert_eq!(
        balance(&app.get(accounts::ME, Some(&token)).await.body),
        before + total
    );
    let trail = app.get(admin::AUDIT, Some(&app.staff_token().await)).await;
    let entries = trail.body["entries"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let refunded: Vec<&Value> = entries
        .iter()
        .filter(|e| e["action"] == "order_refunded")
        .collect();
    assert_eq!(refunded.len(), 2, "{}", trail.body);
    assert!(
        refunded
            .iter()
            .any(|e| e.to_string().contains("learned_hours_withdrawn")),
        "the confirmation is in the audit trail: {}",
        trail.body
    );
}

async fn finance_refunds_a_wechat_pay_order_through_the_refund_api<S: Store>(app: TestApp<S>) {
    let token = learner_with_balance(&app).await;
    let placed = wechat_order(&app, &token, just(HOUR)).await;
    let (order, total) = (
        placed.text("order_no"),
        placed.body["total_fen"].as_u64().unwrap(),
    );
    assert_eq!(
        pay_at_wechat(&app, &order, true).await.status,
        StatusCode::OK
    );
    let finance = app.staff_token_with(&[StaffRole::Finance]).await;
    let refunded = app
        .post(
            &order_path(payments::REFUNDS, &order),
            Some(&finance),
            json!({ "hours": [HOUR], "note": "重复报名" }),
        )
        .await;
    assert_eq!(refunded.status, StatusCode::CREATED, "{}", refunded.body);
    assert_eq!(refunded.body["refunds"][0]["amount_fen"], total);
    let mut status = Value::Null;
    for _ in 0..50 {
        let seen = app
            .get(&order_path(payments::ORDER, &order), Some(&token))
            .await;
        status = seen.body["refunds"][0]["status"].clone();
        if status == "succeeded" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(status, "succeeded", "the refund notice settles it");
    let reopened = app.open_lesson(&token, HOUR).await;
    assert_eq!(reopened.code(), "learning.hour_not_bought");

    // A refund notice not signed by WeChat Pay changes nothing.
    let forged = app
        .send(
            app.raw(reqwest::Method::POST, payments::WECHAT_REFUND_NOTIFY)
                .header("content-type", "application/json")
                .header(
                    "Wechatpay-Timestamp",
                    jiff::Timestamp::now().as_second().to_string(),
                )
                .header("Wechatpay-Nonce", "N")
                .header("Wechatpay-Signature", "Zm9yZ2Vk")
                .header("Wechatpay-Serial", "5157F09EFDC096DE15EBE81A47057A72")
                .body("{}"),
        )
        .await;
    assert_eq!(forged.status, StatusCode::UNAUTHORIZED);
}

async fn deliver<S>(
    app: &TestApp<S>,
    path: &str,
    (headers, body): (Vec<(&'static str, String)>, String),
) -> StatusCode {
    let mut request = app
        .raw(reqwest::Method::POST, path)
        .header("content-type", "application/json")
        .body(body);
    for (name, value) in headers {
        request = request.header(name, value);
    }
    app.send(request).await.status
}

async fn a_refund_notice_is_verified_checked_and_applied_once<S: Store>(app: TestApp<S>) {
    use crate::helpers::wechatpay_simulator as simulator;
    let now = || jiff::Timestamp::now().as_second();
    let token = learner_with_balance(&app).await;
    let placed = wechat_order(&app, &token, just(HOUR)).await;
    let (order, total) = (
        placed.text("order_no"),
        placed.body["total_fen"].as_u64().unwrap(),
    );
    let paid = simulator::notice(&order, total, "4200000000202612020000000001", now(), false);
    assert_eq!(
        deliver(&app, payments::WECHAT_NOTIFY, paid).await,
        StatusCode::NO_CONTENT
    );
    let finance = app.staff_token_with(&[StaffRole::Finance]).await;
    let refunded = app
        .post(
            &order_path(payments::REFUNDS, &order),
            Some(&finance),
            json!({ "hours": [HOUR], "note": "退课" }),
        )
        .await;
    assert_eq!(refunded.status, StatusCode::CREATED, "{}", refunded.body);
    assert_eq!(refunded.body["refunds"][0]["status"], "requested");
    let refund_no = refunded.body["refunds"][0]["refund_no"]
        .as_str()
        .unwrap()
        .to_owned();

    let report = |edit: &dyn Fn(&mut ticedu_wechatpay::RefundReport)| {
        let mut report = ticedu_wechatpay::RefundReport {
            mchid: Some(simulator::MCHID.to_owned()),
            out_trade_no: order.clone(),
            out_refund_no: refund_no.clone(),
            refund_id: "50300000000000000000000000001".to_owned(),
            status: "SUCCESS".to_owned(),
            success_time: None,
            amount: ticedu_wechatpay::RefundReportAmount {
                total,
                refund: total,
            },
        };
        edit(&mut report);
        report
    };
    let refusals: [(&str, ticedu_wechatpay::RefundReport, i64, StatusCode); 5] = [
        (
            "stale",
            report(&|_| {}),
            now() - 3600,
            StatusCode::UNAUTHORIZED,
        ),
        (
            "another merchant",
            report(&|r| r.mchid = Some("1900000999".to_owned())),
            now(),
            StatusCode::BAD_REQUEST,
        ),
        (
            "another amount",
            report(&|r| r.amount.refund = total - 1),
            now(),
            StatusCode::BAD_REQUEST,
        ),
        (
            "another order",
            report(&|r| r.out_trade_no = "TIC20230706ABCDEF1234".to_owned()),
            now(),
            StatusCode::BAD_REQUEST,
        ),
        (
            "an unknown refund",
            report(&|r| r.out_refund_no = format!("{order}R9")),
            now(),
            StatusCode::NOT_FOUND,
        ),
    ];
    for (what, report, at, status) in refusals {
        let answered = deliver(
            &app,
            payments::WECHAT_REFUND_NOTIFY,
            simulator::refund_notice(&report, at),
        )
        .await;
        assert_eq!(answered, status, "{what}");
    }
    let (headers, mut body) = simulator::refund_notice(&report(&|_| {}), now());
    body.push(' ');
    assert_eq!(
        deliver(&app, payments::WECHAT_REFUND_NOTIFY, (headers, body)).await,
        StatusCode::UNAUTHORIZED,
        "a body changed after signing"
    );
    let seen = app
        .get(&order_path(payments::ORDER, &order), Some(&token))
        .await;
    assert_eq!(
        seen.body["refunds"][0]["status"], "requested",
        "nothing refused was applied"
    );

    let genuine = simulator::refund_notice(&report(&|_| {}), now());
    let mut deliveries = tokio::task::JoinSet::new();
    for _ in 0..20 {
        let (address, notice) = (app.address.clone(), genuine.clone());
        deliveries.spawn(async move {
            let mut request = reqwest::Client::new()
                .post(format!("{address}{}", payments::WECHAT_REFUND_NOTIFY))
                .header("content-type", "application/json")
                .body(notice.1);
            for (name, value) in notice.0 {
                request = request.header(name, value);
            }
            request.send().await.unwrap().status()
        });
    }
    while let Some(status) = deliveries.join_next().await {
        assert_eq!(
            status.unwrap(),
            StatusCode::NO_CONTENT,
            "every delivery is answered as applied"
        );
    }
    let seen = app
        .get(&order_path(payments::ORDER, &order), Some(&token))
        .await;
    assert_eq!(seen.body["refunds"][0]["status"], "succeeded");
    assert_eq!(seen.body["refunds"].as_array().unwrap().len(), 1);
    let failed = report(&|r| r.status = "ABNORMAL".to_owned());
    assert_eq!(
        deliver(
            &app,
            payments::WECHAT_REFUND_NOTIFY,
            simulator::refund_notice(&failed, now())
        )
        .await,
        StatusCode::BAD_REQUEST,
        "a refund that succeeded does not fail afterwards"
    );
}
