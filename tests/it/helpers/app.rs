//! `TestApp`: the local platform on a free loopback port over a fresh store,
//! with an HTTP client to drive it. One builder chooses the store, WeChat
//! Pay, a fixed clock and whether the built site is served.

use std::future::Future;
use std::marker::PhantomData;
use std::path::PathBuf;
use std::sync::Arc;

use jiff::Timestamp;
use jiff::civil::Date;
use reqwest::{Method, StatusCode};
use serde_json::Value;
use tempfile::TempDir;
use ticedu_api::auth::{PasswordStamp, Role};
use ticedu_api::config::Clock;
use ticedu_api::{AppState, Platform};
use ticedu_local::wechatpay_simulator::{PREFIX, Simulator, official_account_at};
use ticedu_store::Store;
use ticedu_store_dynamodb::DynamoStore;
use ticedu_store_embedded::EmbeddedStore;

use super::wechatpay_simulator;

/// Which store a [`TestApp`] runs on; each app gets a fresh one.
pub trait StoreKind {
    type Store: Store + Clone + 'static;
    fn open(dir: &TempDir) -> impl Future<Output = Self::Store> + Send;
}

/// redb in a file of the app's own temporary folder.
pub struct Embedded;

/// The shared moto server, on a table of the app's own.
pub struct DynamoDb;

impl StoreKind for Embedded {
    type Store = EmbeddedStore;
    async fn open(dir: &TempDir) -> EmbeddedStore {
        EmbeddedStore::open(dir.path().join("app.redb")).expect("open")
    }
}

impl StoreKind for DynamoDb {
    type Store = DynamoStore;
    async fn open(_: &TempDir) -> DynamoStore {
        ticedu_tests::dynamodb_server::fresh_store().await.0
    }
}

/// How the platform reaches WeChat Pay.
pub enum WeChat {
    /// Not configured: its routes answer 503.
    Off,
    /// A simulator on a port of its own that trusts both test keys; tests
    /// deliver the payment notices themselves.
    Simulator,
    /// The simulator's routes served with the platform, its pay endpoint
    /// notifying the platform, as `ticedu-local` runs it on a laptop.
    BuiltIn,
    /// `BuiltIn` with the keys `ticedu-local` makes (once) in this folder.
    BuiltInWithKeysIn(PathBuf),
}

/// The builder as it is: the default platform, for [`on_both_stores!`](super::on_both_stores).
pub fn as_built<K: StoreKind>(builder: TestAppBuilder<K>) -> TestAppBuilder<K> {
    builder
}

/// Class hours of one minute, on a clock the test moves, from 2024-03-04.
pub fn one_minute_hours<K: StoreKind>(builder: TestAppBuilder<K>) -> TestAppBuilder<K> {
    builder
        .today(jiff::civil::date(2024, 3, 4))
        .class_hour_minutes(1)
}

#[must_use = "nothing runs until `spawn`"]
pub struct TestAppBuilder<K: StoreKind> {
    kind: PhantomData<K>,
    wechat: WeChat,
    clock: Option<Timestamp>,
    site: bool,
    media: bool,
    store: Option<K::Store>,
    class_hour_minutes: Option<u8>,
    official_account: bool,
    order_lifetime: Option<jiff::SignedDuration>,
}

/// The simulator's base URL when it is served with the platform at `bound`.
fn served_base(bound: &str) -> String {
    format!("http://{bound}{PREFIX}")
}

pub struct TestApp<S> {
    pub address: String,
    pub store: S,
    pub platform: Arc<Platform>,
    /// The simulator WeChat Pay orders go to, with [`WeChat::Simulator`] or a built-in one.
    pub simulator: Option<Arc<Simulator>>,
    /// The built site being served, with [`TestAppBuilder::site`].
    pub site: Option<PathBuf>,
    client: reqwest::Client,
    _dir: TempDir,
}

/// The platform on the embedded store, no WeChat Pay, the system clock.
pub async fn spawn_app() -> TestApp<EmbeddedStore> {
    TestApp::builder(Embedded).spawn().await
}

impl TestApp<()> {
    pub fn builder<K: StoreKind>(_: K) -> TestAppBuilder<K> {
        TestAppBuilder {
            kind: PhantomData,
            wechat: WeChat::Off,
            clock: None,
            site: false,
            media: false,
            store: None,
            class_hour_minutes: Some(0),
            official_account: true,
            order_lifetime: None,
        }
    }
}

impl<K: StoreKind> TestAppBuilder<K> {
    pub fn wechat(self, wechat: WeChat) -> Self {
        Self { wechat, ..self }
    }

    /// WeChat Pay orders expire `seconds` after they are placed (30 minutes otherwise).
    pub fn order_lifetime(self, seconds: i64) -> Self {
        Self {
            order_lifetime: Some(jiff::SignedDuration::from_secs(seconds)),
            ..self
        }
    }

    /// The platform's clock stands still at 10:00 China time on `date`
    /// (until [`TestApp::travel_to`] moves it).
    pub fn today(self, date: Date) -> Self {
        let at = jiff::tz::offset(8)
            .to_timestamp(date.at(10, 0, 0, 0))
            .expect("a valid instant");
        Self {
            clock: Some(at),
            ..self
        }
    }

    /// Serves `store` (another app's, say) instead of a fresh one: what one
    /// app wrote, an app on another day reads.
    pub fn store(self, store: K::Store) -> Self {
        Self {
            store: Some(store),
            ..self
        }
    }

    /// Every class hour lasts `minutes`, as `TICEDU_CLASS_HOUR_MINUTES` sets
    /// it. Unless set, 0: an opened lesson may be marked at once.
    pub fn class_hour_minutes(self, minutes: u8) -> Self {
        Self {
            class_hour_minutes: Some(minutes),
            ..self
        }
    }

    /// WeChat Pay without the official account's app secret: no web
    /// authorisation, so no paying inside WeChat (Native and H5 still work).
    pub fn without_app_secret(self) -> Self {
        Self {
            official_account: false,
            ..self
        }
    }

    /// Class hours last as the data says: the year's `class_hour_minutes`
    /// (staff's or the file's), or the catalogue's `minutes` for an hour.
    pub fn class_hours_from_data(self) -> Self {
        Self {
            class_hour_minutes: None,
            ..self
        }
    }

    /// Builds `site/` and serves it beside the API, as `ticedu-local` does
    /// (with the lesson media).
    pub fn site(self) -> Self {
        Self { site: true, ..self }
    }

    /// Publishes the lesson media of `site/lessons` and serves it under
    /// `/media/` to signed requests, as `ticedu-local` does.
    pub fn media(self) -> Self {
        Self {
            media: true,
            ..self
        }
    }

    pub async fn spawn(self) -> TestApp<K::Store> {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = match self.store {
            Some(store) => store,
            None => K::open(&dir).await,
        };
        let mut platform = ticedu_local::development_platform().expect("platform");
        let unshared = Arc::get_mut(&mut platform).expect("the platform is not shared yet");
        if let Some(at) = self.clock {
            unshared.clock = Clock::settable(at);
        }
        unshared.class_hour_minutes = self.class_hour_minutes;
        let site = self.site.then(|| super::site::build_into(dir.path()));
        let media = (self.site || self.media).then(|| super::site::publish_media_into(dir.path()));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a free port");
        let bound = listener.local_addr().expect("bound").to_string();
        let (wechat, simulator, served_with_platform) = match self.wechat {
            WeChat::Off => (None, None, false),
            WeChat::Simulator => {
                let (base, simulator) = wechatpay_simulator::spawn().await;
                (
                    Some(wechatpay_simulator::wechat_pay(&base)),
                    Some((simulator, base)),
                    false,
                )
            }
            WeChat::BuiltIn => {
                let (wechat, simulator) = wechatpay_simulator::served_together(&bound);
                (Some(wechat), Some((simulator, served_base(&bound))), true)
            }
            WeChat::BuiltInWithKeysIn(keys) => {
                let (wechat, simulator) =
                    ticedu_local::wechatpay_simulator::local(&keys, &bound).expect("keys");
                (Some(wechat), Some((simulator, served_base(&bound))), true)
            }
        };
        let wechat = match (wechat, self.order_lifetime) {
            (Some(wechat), Some(lifetime)) => {
                let mut wechat = Arc::try_unwrap(wechat).expect("not shared yet");
                wechat.order_lifetime = lifetime;
                Some(Arc::new(wechat))
            }
            (wechat, _) => wechat,
        };
        // The simulator also plays the official account's web authorisation,
        // unless the test wants the app secret unset.
        let oauth = simulator
            .as_ref()
            .filter(|_| self.official_account)
            .map(|(_, base)| official_account_at(base, &format!("http://{bound}")));
        let simulator = simulator.map(|(simulator, _)| simulator);
        let files = ticedu_local::Files {
            site: site.clone(),
            media,
        };
        let mut app = ticedu_local::app(
            AppState::new(store.clone(), Arc::clone(&platform)),
            files,
            wechat,
            oauth,
        );
        if served_with_platform {
            let simulator = Arc::clone(simulator.as_ref().expect("a simulator"));
            app = ticedu_local::wechatpay_simulator::routes(simulator).merge(app);
        }
        tokio::spawn(async move { axum::serve(listener, app).await.expect("server runs") });
        TestApp {
            address: format!("http://{bound}"),
            store,
            platform,
            simulator,
            site,
            client: reqwest::Client::new(),
            _dir: dir,
        }
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

    /// The body's `field` as a string; panics naming the answer otherwise.
    pub fn text(&self, field: &str) -> String {
        self.body[field]
            .as_str()
            .unwrap_or_else(|| panic!("no {field} in {}", self.body))
            .to_owned()
    }
}

impl<S> TestApp<S> {
    /// Moves the platform's clock to 10:00 China time on `date`: time travel
    /// for tests that follow learners across cycles. Only an app built with
    /// [`TestAppBuilder::today`] has a clock that moves.
    pub fn travel_to(&self, date: Date) {
        let at = jiff::tz::offset(8)
            .to_timestamp(date.at(10, 0, 0, 0))
            .expect("a valid instant");
        self.platform.clock.set(at);
    }

    /// Moves a settable clock on by `seconds` (a lesson's minutes, say).
    pub fn wait(&self, seconds: i64) {
        let at = self
            .platform
            .clock
            .now()
            .checked_add(jiff::SignedDuration::from_secs(seconds))
            .expect("a valid instant");
        self.platform.clock.set(at);
    }

    pub async fn request(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Answer {
        let mut request = self.raw(method, path);
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

    pub async fn put(&self, path: &str, token: Option<&str>, body: Value) -> Answer {
        self.request(Method::PUT, path, token, Some(body)).await
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> Answer {
        self.request(Method::GET, path, token, None).await
    }

    /// A token the platform would issue for `subject` at `now`.
    pub fn token_at(&self, subject: &str, role: Role, now: Timestamp) -> String {
        let signer = self
            .platform
            .token_signer()
            .expect("the test platform issues tokens");
        let stamp = PasswordStamp::of("a password hash no account has");
        signer.issue(
            subject,
            role,
            &stamp,
            now,
            self.platform.token_lifetime_seconds,
        )
    }
}
