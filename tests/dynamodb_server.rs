//! A real DynamoDB-compatible server on loopback for tests: moto (PyPI
//! `moto[server]`), started once per test process on a free port and stopped
//! when the process ends. It runs single-threaded: see `moto_serial.py`.

use std::net::{TcpListener, TcpStream};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use aws_sdk_dynamodb::config::retry::RetryConfig;
use aws_sdk_dynamodb::config::{BehaviorVersion, Credentials, Region};
use aws_sdk_dynamodb::{Client, Config};
use ticedu_store_dynamodb::{DynamoStore, RequestCounter, table};

/// The endpoint of this process's server, started on first use.
pub fn endpoint() -> &'static str {
    static ENDPOINT: OnceLock<String> = OnceLock::new();
    ENDPOINT.get_or_init(start)
}

fn start() -> String {
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
        .port();
    // A watchdog shell owns the server and stops it once this test process is
    // gone, so that no server outlives its tests even if they abort.
    let script = format!(
        "python3 {launcher} {port} >/dev/null 2>&1 & server=$!; \
         while kill -0 {parent} 2>/dev/null && kill -0 $server 2>/dev/null; do sleep 0.5; done; \
         kill $server 2>/dev/null",
        parent = std::process::id(),
        launcher = concat!(env!("CARGO_MANIFEST_DIR"), "/moto_serial.py"),
    );
    // Not waited for: the watchdog outlives this process by design, then exits.
    #[allow(clippy::zombie_processes)]
    Command::new("bash")
        .args(["-c", &script])
        .stdin(Stdio::null())
        .spawn()
        .expect("bash starts the moto server watchdog");
    let deadline = Instant::now() + Duration::from_secs(30);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            Instant::now() < deadline,
            "moto did not start on port {port} within 30 s: install it with `pip install 'moto[server]'` (.ci/test does)"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    format!("http://127.0.0.1:{port}")
}

/// A client of the test server that counts its requests.
pub fn client(counter: &RequestCounter) -> Client {
    client_at(endpoint(), counter, RetryConfig::standard())
}

/// A client of a DynamoDB-compatible server at `endpoint` (the test server,
/// or a proxy in front of it) that counts its requests and retries as `retry` says.
pub fn client_at(endpoint: &str, counter: &RequestCounter, retry: RetryConfig) -> Client {
    let config = Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("cn-north-1"))
        .endpoint_url(endpoint)
        .credentials_provider(Credentials::new("test", "test", None, None, "ticedu-tests"))
        .retry_config(retry)
        .http_client(ticedu_store_dynamodb::https_client())
        .interceptor(counter.clone())
        .build();
    Client::from_conf(config)
}

/// A store on a table of its own, so that tests never see each other's items.
pub async fn fresh_store() -> (DynamoStore, RequestCounter) {
    let counter = RequestCounter::default();
    (store_on(client(&counter)).await, counter)
}

/// A store through `client` on a new table of its own.
pub async fn store_on(client: Client) -> DynamoStore {
    static TABLES: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let name = format!(
        "ticedu-test-{}",
        TABLES.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    );
    table::create(&client, &name)
        .await
        .expect("the test table is created");
    DynamoStore::new(client, name)
}
