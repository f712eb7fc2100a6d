//! A DynamoDB that fails as the real one does: an HTTP proxy on loopback in
//! front of the test server (moto) that answers the writes it is told to
//! with DynamoDB's own refusals, or forwards a write and loses its answer.
//!
//! moto applies one request at a time and never throttles, so without this
//! neither the SDK's retries nor the adapter's own ever run in a test. A
//! fault is scripted for the next writes (TransactWriteItems, PutItem,
//! UpdateItem, DeleteItem); reads always pass.

use std::collections::VecDeque;
use std::convert::Infallible;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use aws_sdk_dynamodb::config::retry::RetryConfig;
use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::header::{CONTENT_TYPE, HeaderValue};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{HeaderMap, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use serde_json::json;
use ticedu_store_dynamodb::{DynamoStore, RequestCounter};
use ticedu_tests::dynamodb_server::{client_at, endpoint, store_on};
use tokio::net::TcpListener;
use tokio::sync::Notify;

/// What one write meets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Cancelled for a conflicting transaction (a single-item write:
    /// `TransactionConflictException`); nothing written.
    Conflict,
    /// `ProvisionedThroughputExceededException`; nothing written.
    ThroughputExceeded,
    /// `ThrottlingException`; nothing written.
    Throttling,
    /// HTTP 500 `InternalServerError`; nothing written.
    InternalError,
    /// Written, then the connection closes without an answer, as when the
    /// client's timeout strikes after DynamoDB committed.
    LostAfterCommit,
    /// Written, then answered HTTP 500 `InternalServerError`.
    InternalErrorAfterCommit,
}

impl Fault {
    fn forwarded(self) -> bool {
        matches!(self, Self::LostAfterCommit | Self::InternalErrorAfterCommit)
    }
}

/// The operations that write.
const WRITES: [&str; 5] = [
    "TransactWriteItems",
    "PutItem",
    "UpdateItem",
    "DeleteItem",
    "BatchWriteItem",
];

/// The faults the next writes meet, one each, in order, and the
/// `ClientRequestToken` of every TransactWriteItems the proxy saw; shared by
/// a test and its proxy.
#[derive(Clone, Default)]
pub struct Faults {
    script: Arc<Mutex<VecDeque<Fault>>>,
    tokens: Arc<Mutex<Vec<Option<String>>>>,
}

impl Faults {
    /// The next writes meet `faults`, one each, in this order.
    pub fn on_next_writes(&self, faults: &[Fault]) {
        self.script().extend(faults);
    }

    /// How many of the scripted faults no write has met yet.
    pub fn pending(&self) -> usize {
        self.script().len()
    }

    /// The `ClientRequestToken` of each TransactWriteItems sent, in order.
    pub fn transaction_tokens(&self) -> Vec<Option<String>> {
        lock(&self.tokens).clone()
    }

    fn saw_transaction(&self, request: &[u8]) {
        let token = serde_json::from_slice::<serde_json::Value>(request)
            .ok()
            .and_then(|request| Some(request.get("ClientRequestToken")?.as_str()?.to_owned()));
        lock(&self.tokens).push(token);
    }

    fn next(&self, operation: &str) -> Option<Fault> {
        if !WRITES.contains(&operation) {
            return None;
        }
        self.script().pop_front()
    }

    fn script(&self) -> std::sync::MutexGuard<'_, VecDeque<Fault>> {
        lock(&self.script)
    }
}

fn lock<T>(shared: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // A test that panicked while holding it has failed already.
    shared
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// A store on a fresh table behind its own faulty proxy, with the faults
/// its writes will meet. Its client retries as a deployed one does
/// (standard mode, three attempts), only sooner, to keep the tests short.
pub async fn faulty_store() -> (DynamoStore, RequestCounter, Faults) {
    let faults = Faults::default();
    let proxy = start(faults.clone()).await;
    let counter = RequestCounter::default();
    let retry = RetryConfig::standard()
        .with_max_attempts(3)
        .with_initial_backoff(Duration::from_millis(20));
    let store = store_on(client_at(&proxy, &counter, retry)).await;
    (store, counter, faults)
}

/// Starts a proxy to the test server on a free port of loopback, on the
/// caller's runtime (it ends with the test); returns its endpoint.
async fn start(faults: Faults) -> String {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a free port on loopback");
    let address = listener.local_addr().expect("a bound address");
    let upstream = Arc::new(Upstream {
        http: reqwest::Client::new(),
        endpoint: endpoint().to_owned(),
    });
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let faults = faults.clone();
            let upstream = Arc::clone(&upstream);
            tokio::spawn(serve(stream, faults, upstream));
        }
    });
    format!("http://{address}")
}

struct Upstream {
    http: reqwest::Client,
    endpoint: String,
}

/// One client connection. A lost answer ends the connection with the
/// request still unanswered: the client reads a connection closed mid-request.
async fn serve(stream: tokio::net::TcpStream, faults: Faults, upstream: Arc<Upstream>) {
    let lost = Arc::new(Notify::new());
    let service = {
        let lost = Arc::clone(&lost);
        service_fn(move |request| {
            handle(
                request,
                faults.clone(),
                Arc::clone(&upstream),
                Arc::clone(&lost),
            )
        })
    };
    let connection = http1::Builder::new().serve_connection(TokioIo::new(stream), service);
    tokio::select! {
        _ = connection => {}
        () = lost.notified() => {}
    }
}

async fn handle(
    request: Request<Incoming>,
    faults: Faults,
    upstream: Arc<Upstream>,
    lost: Arc<Notify>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let (parts, body) = request.into_parts();
    let body = match body.collect().await {
        Ok(body) => body.to_bytes(),
        Err(_) => return Ok(answer(StatusCode::BAD_REQUEST, json!({}))),
    };
    let operation = parts
        .headers
        .get("x-amz-target")
        .and_then(|target| target.to_str().ok())
        .and_then(|target| target.strip_prefix("DynamoDB_20120810."))
        .unwrap_or_default()
        .to_owned();
    if operation == "TransactWriteItems" {
        faults.saw_transaction(&body);
    }
    let fault = faults.next(&operation);
    if fault.is_none_or(Fault::forwarded) {
        let forwarded = upstream.forward(parts.headers, body.clone()).await;
        match fault {
            None => return Ok(forwarded),
            Some(Fault::LostAfterCommit) => {
                lost.notify_one();
                std::future::pending::<()>().await;
            }
            Some(_) => {}
        }
    }
    Ok(match fault.unwrap_or(Fault::InternalError) {
        Fault::Conflict if operation == "TransactWriteItems" => cancelled_by_conflict(&body),
        Fault::Conflict => error(
            StatusCode::BAD_REQUEST,
            "com.amazonaws.dynamodb.v20120810#TransactionConflictException",
            "Transaction is ongoing for the item",
        ),
        Fault::ThroughputExceeded => error(
            StatusCode::BAD_REQUEST,
            "com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException",
            "The level of configured provisioned throughput for the table was exceeded.",
        ),
        Fault::Throttling => error(
            StatusCode::BAD_REQUEST,
            "com.amazon.coral.availability#ThrottlingException",
            "Throughput exceeds the current capacity of your table or index.",
        ),
        Fault::InternalError | Fault::InternalErrorAfterCommit | Fault::LostAfterCommit => error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "com.amazonaws.dynamodb.v20120810#InternalServerError",
            "Internal server error",
        ),
    })
}

impl Upstream {
    async fn forward(&self, mut headers: HeaderMap, body: Bytes) -> Response<Full<Bytes>> {
        headers.remove(hyper::header::HOST);
        headers.remove(hyper::header::CONTENT_LENGTH);
        let response = self
            .http
            .post(&self.endpoint)
            .headers(headers)
            .body(body)
            .send()
            .await
            .expect("the test server answers");
        let status = response.status();
        let content_type = response.headers().get(CONTENT_TYPE).cloned();
        let body = response.bytes().await.expect("the test server's answer");
        let mut answer = Response::new(Full::new(body));
        *answer.status_mut() = status;
        if let Some(content_type) = content_type {
            answer.headers_mut().insert(CONTENT_TYPE, content_type);
        }
        answer
    }
}

/// A TransactWriteItems cancelled because another transaction holds its
/// first item: one reason per item, as DynamoDB answers.
fn cancelled_by_conflict(request: &[u8]) -> Response<Full<Bytes>> {
    let items = serde_json::from_slice::<serde_json::Value>(request)
        .ok()
        .and_then(|request| Some(request.get("TransactItems")?.as_array()?.len()))
        .unwrap_or(1);
    let reasons: Vec<_> = (0..items)
        .map(|item| match item {
            0 => json!({"Code": "TransactionConflict", "Message": "Transaction is ongoing for the item"}),
            _ => json!({"Code": "None"}),
        })
        .collect();
    answer(
        StatusCode::BAD_REQUEST,
        json!({
            "__type": "com.amazonaws.dynamodb.v20120810#TransactionCanceledException",
            "Message": "Transaction cancelled, please refer cancellation reasons for specific reasons",
            "CancellationReasons": reasons,
        }),
    )
}

fn error(status: StatusCode, kind: &str, message: &str) -> Response<Full<Bytes>> {
    answer(status, json!({"__type": kind, "message": message}))
}

fn answer(status: StatusCode, body: serde_json::Value) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(body.to_string())));
    *response.status_mut() = status;
    response.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static("application/x-amz-json-1.0"),
    );
    response
}
