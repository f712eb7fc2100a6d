//! `spawn_app`: the local platform on a free loopback port, over a fresh
//! store, with an HTTP client to drive it.

use std::sync::Arc;

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use tempfile::TempDir;
use ticedu_api::auth::Role;
use ticedu_api::{AppState, Platform};
use ticedu_store::Store;
use ticedu_store_dynamodb::DynamoStore;
use ticedu_store_embedded::EmbeddedStore;

use crate::fixtures::{id_number, id_number_seed};

pub struct TestApp<S> {
    pub address: String,
    pub store: S,
    pub platform: Arc<Platform>,
    client: reqwest::Client,
    _dir: Option<TempDir>,
}

pub async fn spawn_embedded() -> TestApp<EmbeddedStore> {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = EmbeddedStore::open(dir.path().join("app.redb")).expect("open");
    spawn(store, Some(dir), None).await
}

/// The embedded platform with WeChat Pay configured against `wechat`'s simulator.
pub async fn spawn_embedded_with_wechat(
    wechat: Arc<ticedu_payments::wechat::WeChatPay>,
) -> TestApp<EmbeddedStore> {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = EmbeddedStore::open(dir.path().join("app.redb")).expect("open");
    spawn(store, Some(dir), Some(wechat)).await
}

/// The platform on DynamoDB with WeChat Pay configured against `wechat`'s simulator.
pub async fn spawn_dynamodb_with_wechat(
    wechat: Arc<ticedu_payments::wechat::WeChatPay>,
) -> TestApp<DynamoStore> {
    let (store, _) = crate::dynamodb_server::fresh_store().await;
    spawn(store, None, Some(wechat)).await
}

pub async fn spawn_dynamodb() -> TestApp<DynamoStore> {
    let (store, _) = crate::dynamodb_server::fresh_store().await;
    spawn(store, None, None).await
}

/// The platform on DynamoDB (moto) with WeChat Pay against the local
/// simulator served on the same port, as `ticedu-local` runs it: the
/// simulator's pay endpoint sends its notice to this platform.
pub async fn spawn_dynamodb_with_simulator() -> (
    TestApp<DynamoStore>,
    Arc<ticedu_local::wechatpay_simulator::Simulator>,
) {
    let (store, _) = crate::dynamodb_server::fresh_store().await;
    let platform = ticedu_local::development_platform().expect("platform");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a free port");
    let bound = listener.local_addr().expect("bound").to_string();
    let (wechat, simulator) = crate::wechatpay_simulator::served_together(&bound);
    let app =
        ticedu_local::wechatpay_simulator::routes(Arc::clone(&simulator)).merge(ticedu_local::app(
            AppState::new(store.clone(), Arc::clone(&platform)),
            None,
            Some(wechat),
        ));
    tokio::spawn(async move { axum::serve(listener, app).await.expect("server runs") });
    (
        TestApp {
            address: format!("http://{bound}"),
            store,
            platform,
            client: reqwest::Client::new(),
            _dir: None,
        },
        simulator,
    )
}

async fn spawn<S: Store + Clone + 'static>(
    store: S,
    dir: Option<TempDir>,
    wechat: Option<Arc<ticedu_payments::wechat::WeChatPay>>,
) -> TestApp<S> {
    let platform = ticedu_local::development_platform().expect("platform");
    let app = ticedu_local::app(
        AppState::new(store.clone(), Arc::clone(&platform)),
        None,
        wechat,
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a free port");
    let address = format!("http://{}", listener.local_addr().expect("bound"));
    tokio::spawn(async move { axum::serve(listener, app).await.expect("server runs") });
    TestApp {
        address,
        store,
        platform,
        client: reqwest::Client::new(),
        _dir: dir,
    }
}

/// A response's status and JSON body (`Value::Null` when there is none).
pub struct Answer {
    pub status: StatusCode,
    pub body: Value,
    pub headers: reqwest::header::HeaderMap,
}

impl Answer {
    pub fn code(&self) -> &str {
        self.body["code"].as_str().unwrap_or_default()
    }
}

impl<S> TestApp<S> {
    pub async fn request(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Answer {
        let mut request = self
            .client
            .request(method, format!("{}{path}", self.address));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        self.send(request).await
    }

    pub async fn send(&self, request: reqwest::RequestBuilder) -> Answer {
        let response = request.send().await.expect("the server answers");
        let status = response.status();
        let headers = response.headers().clone();
        let text = response.text().await.expect("a body");
        let body = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or(Value::String(text))
        };
        Answer {
            status,
            body,
            headers,
        }
    }

    pub fn raw(&self, method: Method, path: &str) -> reqwest::RequestBuilder {
        self.client
            .request(method, format!("{}{path}", self.address))
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: Value) -> Answer {
        self.request(Method::POST, path, token, Some(body)).await
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> Answer {
        self.request(Method::GET, path, token, None).await
    }

    /// A token the platform would issue for `subject` at `now`.
    pub fn token_at(&self, subject: &str, role: Role, now: jiff::Timestamp) -> String {
        self.platform.tokens.issue(subject, role, now)
    }
}

/// A registration body for a new learner with a fresh valid ID number.
pub fn registration() -> Value {
    json!({
        "name": "钟检",
        "id_number": id_number(id_number_seed()).expose(),
        "kind": { "category": "new", "learning_started_on": "2024-03-01" },
        "phone": "13800138000",
        "password": "学习使我快乐2023",
    })
}

/// Registers `body` and logs in; returns the learner id and a token.
pub async fn register_and_log_in<S>(app: &TestApp<S>, body: &Value) -> (String, String) {
    let registered = app.post("/api/accounts/register", None, body.clone()).await;
    assert_eq!(
        registered.status,
        StatusCode::CREATED,
        "{}",
        registered.body
    );
    let login = app
        .post(
            "/api/accounts/login",
            None,
            json!({ "username": registered.body["username"], "password": body["password"] }),
        )
        .await;
    assert_eq!(login.status, StatusCode::OK, "{}", login.body);
    (
        registered.body["learner_id"].as_str().unwrap().to_owned(),
        login.body["access_token"].as_str().unwrap().to_owned(),
    )
}

/// A token of the development staff login (`ticedu_local::DEMO_STAFF`).
pub async fn staff_token<S>(app: &TestApp<S>) -> String {
    let (name, password) = ticedu_local::DEMO_STAFF;
    let login = app
        .post(
            "/api/staff/login",
            None,
            json!({ "name": name, "password": password }),
        )
        .await;
    assert_eq!(login.status, StatusCode::OK, "{}", login.body);
    login.body["access_token"].as_str().unwrap().to_owned()
}
