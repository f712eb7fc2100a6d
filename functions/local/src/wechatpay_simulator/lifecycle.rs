//! An order's life at the simulated WeChat Pay: query by `out_trade_no`
//! (`NOTPAY`, `SUCCESS` with the transaction, `CLOSED`), close, refunds
//! (`POST /v3/refund/domestic/refunds`, answered `PROCESSING`, then a signed
//! refund notice `SUCCESS` to the request's `notify_url`), and no payment of
//! an order that is closed or past its `time_expire`.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use axum::extract::{Path as UrlPath, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{Value, json};
use ticedu_wechatpay::{OrderRequest, RefundReport, RefundReportAmount, RefundRequest};

use super::{PREFIX, Simulator, deliver, signed_path};

/// What happened to orders after they were placed.
#[derive(Default)]
pub(super) struct Lifecycle {
    closed: Mutex<HashSet<String>>,
    refunds: Mutex<Vec<RefundReport>>,
}

type Answer = (StatusCode, Json<Value>);

fn refused(status: StatusCode, code: &str, message: &str) -> Answer {
    (status, Json(json!({ "code": code, "message": message })))
}

impl Simulator {
    /// The payment of `order`, if it was paid: (transaction id, fen).
    fn payment_of(&self, order: &str) -> Option<(String, u64)> {
        self.bill
            .lock()
            .ok()?
            .iter()
            .find(|payment| payment.out_trade_no == order)
            .map(|payment| (payment.transaction_id.clone(), payment.total_fen))
    }

    fn is_closed(&self, order: &str) -> bool {
        self.lifecycle
            .closed
            .lock()
            .is_ok_and(|closed| closed.contains(order))
    }

    /// Refuses paying an order that is closed or past its `time_expire`, as WeChat Pay's pay sheet does.
    pub(super) fn payable(&self, request: &OrderRequest) -> Result<(), Answer> {
        let expired = request
            .time_expire
            .as_deref()
            .and_then(|at| at.parse::<jiff::Timestamp>().ok())
            .is_some_and(|until| jiff::Timestamp::now() >= until);
        if expired || self.is_closed(&request.out_trade_no) {
            return Err(refused(
                StatusCode::BAD_REQUEST,
                "ORDER_CLOSED",
                "the order is closed",
            ));
        }
        Ok(())
    }

    /// The refunds taken so far.
    pub fn refunds(&self) -> Vec<RefundReport> {
        self.lifecycle
            .refunds
            .lock()
            .map(|refunds| refunds.clone())
            .unwrap_or_default()
    }

    pub(super) fn signed_by_merchant(
        &self,
        method: &str,
        headers: &HeaderMap,
        path: &str,
        body: &str,
    ) -> bool {
        let authorization = headers
            .get("Authorization")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        self.verify_authorization(method, authorization, path, body)
            .is_some()
    }
}

pub(super) fn routes() -> Router<Arc<Simulator>> {
    Router::new()
        .route(
            &format!("{PREFIX}/v3/pay/transactions/out-trade-no/{{order}}"),
            get(query),
        )
        .route(
            &format!("{PREFIX}/v3/pay/transactions/out-trade-no/{{order}}/close"),
            post(close),
        )
        .route(
            &format!("{PREFIX}/v3/refund/domestic/refunds"),
            post(refund),
        )
}

async fn query(
    State(simulator): State<Arc<Simulator>>,
    UrlPath(order): UrlPath<String>,
    uri: Uri,
    headers: HeaderMap,
) -> Answer {
    if !simulator.signed_by_merchant("GET", &headers, signed_path(&uri), "") {
        return refused(
            StatusCode::UNAUTHORIZED,
            "SIGN_ERROR",
            "signature does not verify",
        );
    }
    let Some(request) = simulator
        .orders()
        .into_iter()
        .find(|o| o.out_trade_no == order)
    else {
        return refused(StatusCode::NOT_FOUND, "ORDER_NOT_EXIST", "no such order");
    };
    let (appid, mchid) = (&simulator.merchant.appid, &simulator.merchant.mchid);
    if let Some((transaction_id, total)) = simulator.payment_of(&order) {
        return (
            StatusCode::OK,
            Json(json!({
                "appid": appid, "mchid": mchid, "out_trade_no": order,
                "transaction_id": transaction_id, "trade_state": "SUCCESS",
                "trade_state_desc": "支付成功",
                "amount": { "total": total, "payer_total": total, "currency": "CNY", "payer_currency": "CNY" },
            })),
        );
    }
    let state = if simulator.payable(&request).is_err() {
        "CLOSED"
    } else {
        "NOTPAY"
    };
    (
        StatusCode::OK,
        Json(json!({
            "appid": appid, "mchid": mchid, "out_trade_no": order, "trade_state": state,
            "trade_state_desc": state,
            "amount": { "total": request.amount.total, "currency": "CNY" },
        })),
    )
}

async fn close(
    State(simulator): State<Arc<Simulator>>,
    UrlPath(order): UrlPath<String>,
    uri: Uri,
    headers: HeaderMap,
    body: String,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    if !simulator.signed_by_merchant("POST", &headers, signed_path(&uri), &body) {
        return refused(
            StatusCode::UNAUTHORIZED,
            "SIGN_ERROR",
            "signature does not verify",
        )
        .into_response();
    }
    if !simulator.orders().iter().any(|o| o.out_trade_no == order) {
        return refused(StatusCode::NOT_FOUND, "ORDER_NOT_EXIST", "no such order").into_response();
    }
    if simulator.payment_of(&order).is_some() {
        return refused(StatusCode::BAD_REQUEST, "ORDERPAID", "the order was paid").into_response();
    }
    if let Ok(mut closed) = simulator.lifecycle.closed.lock() {
        closed.insert(order);
    }
    StatusCode::NO_CONTENT.into_response()
}

async fn refund(
    State(simulator): State<Arc<Simulator>>,
    uri: Uri,
    headers: HeaderMap,
    body: String,
) -> Answer {
    if !simulator.signed_by_merchant("POST", &headers, signed_path(&uri), &body) {
        return refused(
            StatusCode::UNAUTHORIZED,
            "SIGN_ERROR",
            "signature does not verify",
        );
    }
    let Ok(request) = serde_json::from_str::<RefundRequest>(&body) else {
        return refused(StatusCode::BAD_REQUEST, "PARAM_ERROR", "bad body");
    };
    let Some((transaction_id, paid)) = simulator.payment_of(&request.out_trade_no) else {
        return refused(
            StatusCode::BAD_REQUEST,
            "INVALID_REQUEST",
            "the order is not paid",
        );
    };
    let known = simulator.refunds();
    // The same out_refund_no again is the same refund, never a second one.
    if let Some(same) = known
        .iter()
        .find(|r| r.out_refund_no == request.out_refund_no)
    {
        return (StatusCode::OK, Json(json!(same)));
    }
    let refunded: u64 = known
        .iter()
        .filter(|r| r.out_trade_no == request.out_trade_no)
        .map(|r| r.amount.refund)
        .sum();
    if request.amount.total != paid || refunded + request.amount.refund > paid {
        return refused(
            StatusCode::BAD_REQUEST,
            "INVALID_REQUEST",
            "the amount does not fit the payment",
        );
    }
    let report = RefundReport {
        mchid: Some(simulator.merchant.mchid.clone()),
        out_trade_no: request.out_trade_no.clone(),
        out_refund_no: request.out_refund_no.clone(),
        refund_id: format!("5030{}", transaction_id.get(4..).unwrap_or_default()),
        status: "PROCESSING".to_owned(),
        success_time: None,
        amount: RefundReportAmount {
            total: paid,
            refund: request.amount.refund,
        },
    };
    if let Ok(mut refunds) = simulator.lifecycle.refunds.lock() {
        refunds.push(report.clone());
    }
    // The money goes back a moment later, and WeChat Pay says so by notice.
    let notice_of = {
        let mut done = report.clone();
        done.status = "SUCCESS".to_owned();
        done.success_time = Some(jiff::Timestamp::now().to_string());
        done
    };
    let simulator = Arc::clone(&simulator);
    tokio::spawn(async move {
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        let notice = simulator.refund_notice(&notice_of, jiff::Timestamp::now().as_second());
        if let Err(error) = deliver(&request.notify_url, notice).await {
            tracing::warn!(%error, "the simulator's refund notice was not delivered");
        }
    });
    (StatusCode::OK, Json(json!(report)))
}
