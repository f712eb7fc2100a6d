//! The simulator's trade bill (交易账单): every payment it made is kept
//! (order, transaction, amount, time) and served as WeChat Pay serves the
//! bill: `GET …/v3/bill/tradebill?bill_date=…&bill_type=ALL` (signed) answers
//! the file's SHA1 and a download URL; `GET …/v3/billdownload/file?token=…`
//! (signed over that URL's path and query) answers the file, in WeChat
//! Pay's format. A day without payments answers `NO_STATEMENT_EXIST`.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use jiff::civil::Date;
use serde_json::json;
use ticedu_wechatpay::bill::{BillPayment, sha1_hex, write_trade_bill};

use super::{PREFIX, Simulator, nonce, signed_path};

impl Simulator {
    /// Keeps a payment for the bill, made now (China time).
    pub fn record_payment(&self, order: &str, total_fen: u64, transaction_id: &str) {
        let traded_at = jiff::tz::offset(8).to_datetime(jiff::Timestamp::now());
        self.record_bill_payment(BillPayment {
            traded_at,
            appid: self.merchant.appid.clone(),
            mchid: self.merchant.mchid.clone(),
            transaction_id: transaction_id.to_owned(),
            out_trade_no: order.to_owned(),
            trade_type: "NATIVE".to_owned(),
            total_fen,
        });
    }

    /// Puts any payment in the bill (a test's amount that differs, say).
    pub fn record_bill_payment(&self, payment: BillPayment) {
        if let Ok(mut bill) = self.bill.lock() {
            bill.push(payment);
        }
    }

    /// The payments of `day`'s bill.
    pub fn bill_payments(&self, day: Date) -> Vec<BillPayment> {
        self.bill
            .lock()
            .map(|bill| {
                bill.iter()
                    .filter(|payment| payment.traded_at.date() == day)
                    .cloned()
                    .collect()
            })
            .unwrap_or_default()
    }
}

pub(super) fn bill_routes() -> Router<Arc<Simulator>> {
    Router::new()
        .route(&format!("{PREFIX}/v3/bill/tradebill"), get(trade_bill))
        .route(&format!("{PREFIX}/v3/billdownload/file"), get(download))
}

fn refused(status: StatusCode, code: &str, message: &str) -> Response {
    (status, Json(json!({ "code": code, "message": message }))).into_response()
}

fn day_of(query: &HashMap<String, String>, name: &str) -> Option<Date> {
    query.get(name)?.parse().ok()
}

async fn trade_bill(
    State(simulator): State<Arc<Simulator>>,
    uri: Uri,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    if !simulator.signed_by_merchant("GET", &headers, signed_path(&uri), "") {
        return refused(
            StatusCode::UNAUTHORIZED,
            "SIGN_ERROR",
            "signature does not verify",
        );
    }
    let Some(day) = day_of(&query, "bill_date") else {
        return refused(StatusCode::BAD_REQUEST, "PARAM_ERROR", "bill_date");
    };
    let payments = simulator.bill_payments(day);
    if payments.is_empty() {
        return refused(
            StatusCode::BAD_REQUEST,
            "NO_STATEMENT_EXIST",
            "the bill does not exist",
        );
    }
    let file = write_trade_bill(&payments);
    let host = headers
        .get(axum::http::header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("127.0.0.1");
    Json(json!({
        "hash_type": "SHA1",
        "hash_value": sha1_hex(file.as_bytes()),
        "download_url": format!("http://{host}{PREFIX}/v3/billdownload/file?token={day}{}", nonce(8)),
    }))
    .into_response()
}

async fn download(
    State(simulator): State<Arc<Simulator>>,
    uri: Uri,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    // The signature covers the download URL's path and query, as they are.
    let signed = uri
        .path_and_query()
        .map(|pq| pq.as_str())
        .unwrap_or_default();
    if !simulator.signed_by_merchant("GET", &headers, signed, "") {
        return refused(
            StatusCode::UNAUTHORIZED,
            "SIGN_ERROR",
            "signature does not verify",
        );
    }
    let Some(day) = query
        .get("token")
        .and_then(|token| token.get(..10))
        .and_then(|day| day.parse().ok())
    else {
        return refused(StatusCode::BAD_REQUEST, "PARAM_ERROR", "token");
    };
    write_trade_bill(&simulator.bill_payments(day)).into_response()
}
