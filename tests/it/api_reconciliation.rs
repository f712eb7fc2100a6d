//! Reconciliation with WeChat Pay's trade bill (R14), end to end against the
//! simulator served with the platform: a notice lost on the way is found in
//! the day's bill and applied by finance, once; an amount that differs and
//! a payment the bill lacks are reported; staff without the finance role
//! are refused.

use reqwest::StatusCode;
use serde_json::{Value, json};
use ticedu_domain::reconciliation::china_date;
use ticedu_domain::staff::StaffRole;
use ticedu_store::ids::{LearnerId, OrderNo};
use ticedu_store::records::{AuditAction, OrderStatus};
use ticedu_store::*;
use ticedu_wechatpay::bill::BillPayment;

use crate::helpers::wechatpay_simulator as simulator;
use crate::helpers::*;

fn built_in<K: StoreKind>(builder: TestAppBuilder<K>) -> TestAppBuilder<K> {
    builder.wechat(WeChat::BuiltIn)
}

on_both_stores!(built_in =>
    a_lost_notice_is_found_in_the_bill_and_applied_once_by_finance,
    an_amount_that_differs_and_a_payment_the_bill_lacks_are_reported,
);

/// The simulator's bills are dated by the system clock, as the platform's here.
fn today() -> String {
    china_date(jiff::Timestamp::now()).to_string()
}

/// A new learner's Native order for the 40-hour bundle: (learner, order number, total fen).
async fn ordered<S: Store>(app: &TestApp<S>) -> (LearnerId, String, u64) {
    let learner = app.register(&registration()).await;
    let answer = app
        .post(
            payments::WECHAT_ORDERS,
            Some(&learner.token),
            json!({ "items": [ { "kind": "bundle", "id": "certification-40" } ], "channel": "native" }),
        )
        .await;
    assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.body);
    (
        learner.id,
        answer.text("order_no"),
        answer.body["total_fen"].as_u64().expect("a total"),
    )
}

async fn reconcile<S>(app: &TestApp<S>) -> Answer {
    let day = today();
    let answer = app
        .post(
            &ticedu_local::RECONCILE.replace("{day}", &day),
            None,
            json!({}),
        )
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    answer
}

async fn mismatches<S>(app: &TestApp<S>, token: &str) -> Vec<Value> {
    let answer = app
        .get(&path(admin::RECONCILIATION, &[&today()]), Some(token))
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    answer.body["mismatches"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

async fn status<S: Store>(app: &TestApp<S>, order: &str) -> OrderStatus {
    app.store
        .order(&OrderNo::parse(order).unwrap())
        .await
        .unwrap()
        .expect("the order")
        .status
}

async fn a_lost_notice_is_found_in_the_bill_and_applied_once_by_finance<
    S: Store + Clone + 'static,
>(
    app: TestApp<S>,
) {
    let (learner, lost, total) = ordered(&app).await;
    let paid = app
        .post(
            &format!("{SIMULATOR}/pay/{lost}?notify=false"),
            None,
            json!({}),
        )
        .await;
    assert_eq!(paid.status, StatusCode::OK, "{}", paid.body);
    let transaction = paid.text("transaction_id");
    let (_, delivered, _) = ordered(&app).await;
    let notified = app
        .post(&format!("{SIMULATOR}/pay/{delivered}"), None, json!({}))
        .await;
    assert_eq!(notified.body["answer"], 204, "{}", notified.body);
    assert_eq!(status(&app, &lost).await, OrderStatus::Pending);
    assert!(app.store.enrollments(&learner).await.unwrap().is_empty());

    let run = reconcile(&app).await;
    assert_eq!(
        (
            run.body["bill_payments"].as_u64(),
            run.body["mismatches"].as_u64()
        ),
        (Some(2), Some(1)),
        "{}",
        run.body
    );
    let operator = app.staff_token_with(&[StaffRole::Operator]).await;
    let refused = app
        .get(&path(admin::RECONCILIATION, &[&today()]), Some(&operator))
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let finance = app.staff_token_with(&[StaffRole::Finance]).await;
    let found = mismatches(&app, &finance).await;
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0]["kind"], "missing_here");
    assert_eq!(found[0]["order_no"], lost.as_str());
    assert_eq!(found[0]["transaction_id"], transaction.as_str());
    assert_eq!(found[0]["bill_amount_fen"], total);
    assert_eq!(found[0]["our_amount_fen"], total);
    assert_eq!(found[0]["resolved_by"], Value::Null);

    let apply = json!({ "order_no": lost, "transaction_id": transaction, "amount_fen": total });
    let apply_path = path(admin::RECONCILIATION_PAYMENTS, &[&today()]);
    let refused = app.post(&apply_path, Some(&operator), apply.clone()).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(status(&app, &lost).await, OrderStatus::Pending);

    let applied = app.post(&apply_path, Some(&finance), apply.clone()).await;
    assert_eq!(applied.status, StatusCode::OK, "{}", applied.body);
    assert_eq!(applied.body["applied"], true);
    assert!(matches!(
        status(&app, &lost).await,
        OrderStatus::Paid { transaction: Some(t), .. } if t.as_str() == transaction
    ));
    let owned = app.store.enrollments(&learner).await.unwrap();
    assert_eq!(owned.len(), 40, "the learner owns the bundle's hours");
    assert!(owned.iter().all(|e| e.order.as_str() == lost));

    let again = app.post(&apply_path, Some(&finance), apply).await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.body);
    assert_eq!(
        again.body["applied"], false,
        "applying twice does nothing more"
    );
    assert_eq!(app.store.enrollments(&learner).await.unwrap().len(), 40);
    let audited: Vec<_> = app
        .store
        .learner_audit_trail(&learner)
        .await
        .unwrap()
        .into_iter()
        .filter(|entry| entry.action == AuditAction::MissingPaymentApplied)
        .collect();
    assert_eq!(audited.len(), 1, "one audit entry: {audited:?}");
    assert_eq!(audited[0].by.as_str(), "staff.finance");
    assert_eq!(audited[0].subject.as_deref(), Some(lost.as_str()));
    let resolved = mismatches(&app, &finance).await;
    assert_eq!(resolved[0]["resolved_by"], "staff.finance");

    // The day's next run finds both sides agreeing.
    let rerun = reconcile(&app).await;
    assert_eq!(rerun.body["mismatches"], 0, "{}", rerun.body);
    assert_eq!(rerun.body["applied_payments"], 2, "{}", rerun.body);
}

async fn an_amount_that_differs_and_a_payment_the_bill_lacks_are_reported<
    S: Store + Clone + 'static,
>(
    app: TestApp<S>,
) {
    // WeChat Pay's bill says one fen less than the order.
    let (_, short, total) = ordered(&app).await;
    let sim = app.simulator.as_ref().expect("a simulator");
    sim.record_bill_payment(BillPayment {
        traded_at: jiff::tz::offset(8).to_datetime(jiff::Timestamp::now()),
        appid: simulator::APPID.to_owned(),
        mchid: simulator::MCHID.to_owned(),
        transaction_id: "4200000000202612010000000001".to_owned(),
        out_trade_no: short.clone(),
        trade_type: "NATIVE".to_owned(),
        total_fen: total - 1,
    });
    // A notice we applied for money the bill does not show.
    let (_, unbilled, unbilled_total) = ordered(&app).await;
    let (headers, body) = simulator::notice(
        &unbilled,
        unbilled_total,
        "4200000000202612010000000002",
        jiff::Timestamp::now().as_second(),
        false,
    );
    let mut request = app
        .raw(reqwest::Method::POST, payments::WECHAT_NOTIFY)
        .header("content-type", "application/json")
        .body(body);
    for (name, value) in headers {
        request = request.header(name, value);
    }
    assert_eq!(app.send(request).await.status, StatusCode::NO_CONTENT);

    reconcile(&app).await;
    let finance = app.staff_token_with(&[StaffRole::Finance]).await;
    let mut found = mismatches(&app, &finance).await;
    found.sort_by_key(|m| m["kind"].as_str().map(str::to_owned));
    assert_eq!(found.len(), 2, "{found:?}");
    assert_eq!(found[0]["kind"], "amount_differs");
    assert_eq!(found[0]["order_no"], short.as_str());
    assert_eq!(
        (&found[0]["bill_amount_fen"], &found[0]["our_amount_fen"]),
        (&json!(total - 1), &json!(total))
    );
    assert_eq!(found[1]["kind"], "missing_there");
    assert_eq!(found[1]["order_no"], unbilled.as_str());
    assert_eq!(found[1]["bill_amount_fen"], Value::Null);

    let refused = app
        .post(
            &path(admin::RECONCILIATION_PAYMENTS, &[&today()]),
            Some(&finance),
            json!({ "order_no": short, "transaction_id": "4200000000202612010000000001", "amount_fen": total - 1 }),
        )
        .await;
    assert_eq!(refused.status, StatusCode::CONFLICT, "{}", refused.body);
    assert_eq!(refused.code(), "reconciliation.amount_differs");
    assert_eq!(status(&app, &short).await, OrderStatus::Pending);
}

/// The daily schedule's event, as the Lambda runtime turns it into a request
/// (`lambda_http`, feature `pass_through`), through the payments binary's routes.
async fn scheduled(routes: &axum::Router, event: Value) -> (StatusCode, Value) {
    use tower::ServiceExt;
    let request: lambda_http::request::LambdaRequest =
        serde_json::from_value(event).expect("any JSON is a pass-through event");
    let request: lambda_http::Request = request.into();
    let response = routes.clone().oneshot(request).await.expect("infallible");
    let status = StatusCode::from_u16(response.status().as_u16()).unwrap();
    let body = axum::body::to_bytes(response.into_body(), 1 << 20)
        .await
        .expect("a body");
    (status, serde_json::from_slice(&body).unwrap_or(Value::Null))
}

#[tokio::test]
async fn the_schedules_event_runs_the_job_and_an_http_request_cannot() {
    let app = spawn_app().await;
    let (base, _simulator) = simulator::spawn().await;
    let routes = ticedu_payments::scheduled::scheduled_routes(
        ticedu_api::AppState::new(app.store.clone(), std::sync::Arc::clone(&app.platform)),
        Some(simulator::wechat_pay(&base)),
    );
    let (status, body) = scheduled(
        &routes,
        json!({ "job": ticedu_payments::reconciliation::RECONCILE_JOB, "bill_date": "2026-12-01" }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["day"], "2026-12-01");
    assert_eq!(body["mismatches"], 0, "a day without trades: {body}");
    let day = jiff::civil::date(2026, 12, 1);
    assert!(app.store.reconciliation(day).await.unwrap().is_some());

    let (status, _) = scheduled(&routes, json!({ "job": "something_else" })).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    use tower::ServiceExt;
    let http = axum::http::Request::post(ticedu_payments::scheduled::EVENTS)
        .header("content-type", "application/json")
        .body(axum::body::Body::from(
            json!({ "job": ticedu_payments::reconciliation::RECONCILE_JOB }).to_string(),
        ))
        .unwrap();
    let answer = routes.clone().oneshot(http).await.unwrap();
    assert_eq!(
        answer.status().as_u16(),
        404,
        "only the runtime's pass-through event runs the job"
    );
}
