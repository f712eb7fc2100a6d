//! API latency, two ways, each beside a baseline measured in the same run:
//!
//! 1. in-process: every endpoint's handler through the router (no sockets),
//!    p50 and p99 over many calls, on the embedded store; the baseline is the
//!    router answering an unknown `/api/…` path (routing + error body only);
//! 2. over HTTP: the release `ticedu-local` binary in its own process on
//!    loopback, loaded from this process by concurrent clients for a bounded
//!    count and time: throughput and latency of "mark learned" (学过了) and of
//!    public verification, beside the server's static home page.
//!
//! Run: `cargo build --release -p ticedu-local && cargo bench -p ticedu-tests --bench api_latency`

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use serde_json::{Value, json};
use ticedu_api::AppState;
use ticedu_store_embedded::EmbeddedStore;
use ticedu_tests::fixtures::{id_number, id_number_seed};
use ticedu_tests::routes::path;
use tower::ServiceExt;

fn percentile(samples: &mut [Duration], p: f64) -> Duration {
    samples.sort();
    samples[((samples.len() - 1) as f64 * p).round() as usize]
}

fn ms(d: Duration) -> String {
    format!("{:.3} ms", d.as_secs_f64() * 1e3)
}

struct InProcess {
    router: axum::Router,
}

impl InProcess {
    async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Value,
    ) -> (StatusCode, Value) {
        // The loopback host, as a browser on the local platform sends it (certificate links name it).
        let mut request = Request::builder()
            .method(method)
            .uri(path)
            .header("host", "127.0.0.1:8080");
        if let Some(token) = token {
            request = request.header("authorization", format!("Bearer {token}"));
        }
        let request = if body.is_null() {
            request.body(Body::empty())
        } else {
            request
                .header("content-type", "application/json")
                .body(Body::from(body.to_string()))
        }
        .unwrap();
        let response = self.router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap();
        (
            status,
            serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        )
    }
}

/// A learner's bearer token and the hours they bought (`course/number`).
type Bought = (String, Vec<String>);

/// The learners a benchmark works with, made through the API as the pages
/// make them.
struct Learners {
    /// Every hour of the 40-hour bundle marked, still in the cycle (a
    /// certificate closes it, and then its hours are no longer there to mark).
    studying: Bought,
    /// Token and certificate number of one who went on to a certificate
    /// (bought, learned, filed, approved, issued).
    holder: (String, String),
    /// Learners who bought the bundle and marked nothing yet: each hour of
    /// theirs is a first mark, a durable write.
    unmarked: Vec<Bought>,
}

async fn make_learners(
    call: impl AsyncFn(Method, &str, Option<&str>, Value) -> (StatusCode, Value),
    unmarked: usize,
) -> Learners {
    let login = |name: &str, password: &str, path: &str| {
        let body = if path.contains("staff") {
            json!({ "name": name, "password": password })
        } else {
            json!({ "username": name, "password": password })
        };
        (path.to_owned(), body)
    };
    // A staff member's first log-in enrols an authenticator: the code as an app would show it.
    let enrol = async |name: &str, password: &str| -> String {
        let (path, body) = login(name, password, ticedu_admin::LOGIN);
        let enrolment = call(Method::POST, &path, None, body).await.1;
        let secret = totp_rs::Secret::Encoded(enrolment["secret"].as_str().unwrap().to_owned());
        let totp = totp_rs::TOTP::new(
            totp_rs::Algorithm::SHA1,
            6,
            0,
            30,
            secret.to_bytes().unwrap(),
            None,
            String::new(),
        )
        .unwrap();
        call(
            Method::POST,
            ticedu_admin::ENROLMENT,
            enrolment["enrolment_token"].as_str(),
            json!({ "code": totp.generate_current().unwrap() }),
        )
        .await
        .1["access_token"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    // Study cards are finance's and applications the operators' (R5): the
    // development administrator makes a colleague with both roles (one per
    // platform measured) who issues the card and approves the application.
    let (name, staff_password) = ticedu_local::DEMO_STAFF;
    let administrator = enrol(name, staff_password).await;
    let finance_name = format!("bench.finance.{}", id_number_seed() % 1_000_000);
    let finance_password = "bench-finance-2023";
    let (status, created) = call(
        Method::POST,
        ticedu_admin::ACCOUNTS,
        Some(&administrator),
        json!({ "name": finance_name, "display_name": "压测同事", "roles": ["operator", "finance"], "password": finance_password }),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let staff = enrol(&finance_name, finance_password).await;
    // Study cards for `count` learners, issued in batches as finance would.
    let cards = async |count: usize| -> Vec<String> {
        let mut codes = Vec::with_capacity(count);
        while codes.len() < count {
            let batch = (count - codes.len()).min(ticedu_domain::cards::MAX_CARDS_PER_BATCH);
            let issued = call(
                Method::POST,
                ticedu_admin::CARDS,
                Some(&staff),
                json!({ "count": batch, "value_fen": 60000, "note": "bench" }),
            )
            .await
            .1;
            let batch = issued["codes"]
                .as_array()
                .unwrap_or_else(|| panic!("no study cards issued: {issued}"));
            codes.extend(batch.iter().map(|code| code.as_str().unwrap().to_owned()));
        }
        codes
    };
    let bought = async |code: &str| -> Bought {
        let id = id_number(id_number_seed());
        let password = "学习使我快乐2023";
        let (status, registered) = call(
            Method::POST,
            ticedu_accounts::REGISTER,
            None,
            json!({ "name": "钟检", "id_number": id.expose(), "kind": { "category": "new", "learning_started_on": "2024-03-01" }, "phone": "13800138000", "password": password }),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{registered}");
        let (path, body) = login(
            registered["username"].as_str().unwrap(),
            password,
            ticedu_accounts::LOGIN,
        );
        let token = call(Method::POST, &path, None, body).await.1["access_token"]
            .as_str()
            .unwrap()
            .to_owned();
        call(
            Method::POST,
            ticedu_payments::REDEEM,
            Some(&token),
            json!({ "code": code }),
        )
        .await;
        let bought = call(
            Method::POST,
            ticedu_payments::PURCHASE,
            Some(&token),
            json!({ "items": [ { "kind": "bundle", "id": "certification-40" } ] }),
        )
        .await
        .1;
        let hours: Vec<String> = bought["hours"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h.as_str().unwrap().to_owned())
            .collect();
        (token, hours)
    };
    let learned = async |code: &str| -> Bought {
        let (token, hours) = bought(code).await;
        // Each hour's lesson opened, then marked, as the hour page does (the
        // platforms measured here count class hours of 0 minutes).
        for hour in &hours {
            let (course, number) = hour.split_once('/').expect("course/number");
            call(
                Method::POST,
                &ticedu_tests::routes::path(ticedu_learning::OPEN_LESSON, &[&course, &number]),
                Some(&token),
                json!({}),
            )
            .await;
            let (status, marked) =
                call(Method::POST, &mark_path(hour), Some(&token), json!({})).await;
            assert_eq!(status, StatusCode::OK, "{hour}: {marked}");
        }
        (token, hours)
    };
    let mut codes = cards(2 + unmarked).await;
    let (token, _) = learned(&codes.pop().unwrap()).await;
    let (status, filed) = call(
        Method::POST,
        ticedu_certificates::FILING,
        Some(&token),
        json!({ "employer": "中国检验认证集团北京有限公司", "phone": "13800138000" }),
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{filed}");
    let learner = call(Method::GET, ticedu_accounts::ME, Some(&token), Value::Null)
        .await
        .1["learner_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (status, approved) = call(
        Method::POST,
        &ticedu_tests::routes::path(ticedu_admin::APPLICATION_DECISION, &[&learner]),
        Some(&staff),
        json!({ "approve": true }),
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{approved}");
    let issued = call(
        Method::POST,
        ticedu_certificates::ISSUE,
        Some(&token),
        json!({}),
    )
    .await
    .1;
    let no = issued["no"]
        .as_str()
        .unwrap_or_else(|| panic!("no certificate: {issued}"))
        .to_owned();
    let studying = learned(&codes.pop().unwrap()).await;
    let mut fresh = Vec::with_capacity(unmarked);
    for code in &codes {
        fresh.push(bought(code).await);
    }
    Learners {
        studying,
        holder: (token, no),
        unmarked: fresh,
    }
}

/// Learners with nothing marked yet, for the load of first marks: 40 hours
/// each, 12,000 durable writes in all.
const FIRST_MARK_LEARNERS: usize = 300;

/// "Mark learned" for an hour named `course/number`, as purchases list them.
fn mark_path(hour: &str) -> String {
    let (course, number) = hour.split_once('/').expect("course/number");
    path(ticedu_learning::MARK, &[&course, &number])
}

/// One endpoint measured in process: label, method, path, whose token, body, runs.
type Endpoint<'a> = (String, Method, String, Option<&'a str>, Value, usize);

async fn in_process() {
    let dir = tempfile::tempdir().unwrap();
    let store = EmbeddedStore::open(dir.path().join("bench.redb")).unwrap();
    let mut platform = ticedu_local::development_platform().unwrap();
    // Class hours of 0 minutes, as the server below gets them: the set-up marks 40 hours at once.
    Arc::get_mut(&mut platform)
        .expect("the platform is not shared yet")
        .class_hour_minutes = Some(0);
    let app = InProcess {
        router: ticedu_local::app(
            AppState::new(store, Arc::clone(&platform)),
            ticedu_local::Files::default(),
            None,
            None,
        ),
    };
    let call = async |method: Method, path: &str, token: Option<&str>, body: Value| {
        app.call(method, path, token, body).await
    };
    let Learners {
        studying: (token, hours),
        holder: (holder, certificate),
        ..
    } = make_learners(call, 0).await;

    println!(
        "in-process handler latency (embedded store; p50 / p99; ratio of p50 to the routing baseline):"
    );
    let endpoints: Vec<Endpoint> = vec![
        (
            "baseline: unknown /api path".to_owned(),
            Method::GET,
            "/api/nope".to_owned(),
            None,
            Value::Null,
            2000,
        ),
        (
            format!("GET {}", ticedu_accounts::ME),
            Method::GET,
            ticedu_accounts::ME.to_owned(),
            Some(token.as_str()),
            Value::Null,
            1000,
        ),
        (
            format!("GET {}", ticedu_learning::COURSES),
            Method::GET,
            ticedu_learning::COURSES.to_owned(),
            Some(token.as_str()),
            Value::Null,
            1000,
        ),
        (
            format!("GET {}", ticedu_learning::PROGRESS),
            Method::GET,
            ticedu_learning::PROGRESS.to_owned(),
            Some(token.as_str()),
            Value::Null,
            1000,
        ),
        (
            "POST …/hours/{course}/{n}/learned (again)".to_owned(),
            Method::POST,
            mark_path(&hours[0]),
            Some(token.as_str()),
            json!({}),
            1000,
        ),
        (
            format!("POST {}", ticedu_payments::QUOTE),
            Method::POST,
            ticedu_payments::QUOTE.to_owned(),
            Some(token.as_str()),
            json!({ "items": [ { "kind": "course", "id": "draft-survey" } ] }),
            1000,
        ),
        (
            format!("GET {}", ticedu_payments::ORDERS),
            Method::GET,
            ticedu_payments::ORDERS.to_owned(),
            Some(token.as_str()),
            Value::Null,
            1000,
        ),
        (
            format!("GET {}", ticedu_certificates::MINE),
            Method::GET,
            ticedu_certificates::MINE.to_owned(),
            Some(holder.as_str()),
            Value::Null,
            1000,
        ),
        (
            format!("GET {}", ticedu_certificates::VERIFY),
            Method::GET,
            path(ticedu_certificates::VERIFY, &[&certificate]),
            None,
            Value::Null,
            1000,
        ),
        (
            format!("GET {}", ticedu_certificates::PDF),
            Method::GET,
            path(ticedu_certificates::PDF, &[&certificate]),
            Some(holder.as_str()),
            Value::Null,
            100,
        ),
    ];
    let mut baseline = Duration::ZERO;
    for (label, method, path, authed, body, runs) in endpoints {
        let mut samples = Vec::with_capacity(runs);
        for _ in 0..runs {
            let start = Instant::now();
            let (status, _) = app.call(method.clone(), &path, authed, body.clone()).await;
            samples.push(start.elapsed());
            assert!(
                status.is_success() || label.starts_with("baseline"),
                "{label}: {status}"
            );
        }
        let p50 = percentile(&mut samples, 0.5);
        let p99 = percentile(&mut samples, 0.99);
        if baseline.is_zero() {
            baseline = p50;
        }
        println!(
            "  {label:<44} {:>10} / {:>10}  ×{:.1}",
            ms(p50),
            ms(p99),
            p50.as_secs_f64() / baseline.as_secs_f64()
        );
    }
}

struct Server {
    child: Child,
    base: String,
    _dir: tempfile::TempDir,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_server() -> Server {
    let target = std::env::var("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../target")));
    let binary = target.join("release/ticedu-local");
    assert!(
        binary.exists(),
        "build it first: cargo build --release -p ticedu-local"
    );
    let dir = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new(binary)
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
        .env("TICEDU_ADDR", format!("127.0.0.1:{port}"))
        .env("TICEDU_DATA_DIR", dir.path())
        .env("TICEDU_DEMO", "0")
        .env("TICEDU_CLASS_HOUR_MINUTES", "0")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    Server {
        child,
        base: format!("http://127.0.0.1:{port}"),
        _dir: dir,
    }
}

/// `clients` concurrent loops, each calling `request(i)` until `count` calls
/// in all or `limit` elapsed; answers (calls per second, p50, p99).
async fn load(
    client: &reqwest::Client,
    clients: usize,
    count: usize,
    limit: Duration,
    request: impl Fn(&reqwest::Client, usize) -> reqwest::RequestBuilder + Send + Sync + 'static,
) -> (f64, Duration, Duration) {
    let request = Arc::new(request);
    let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..clients {
        let (client, request, next) = (client.clone(), Arc::clone(&request), Arc::clone(&next));
        tasks.spawn(async move {
            let mut samples = Vec::new();
            loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if i >= count || started.elapsed() > limit {
                    return samples;
                }
                let start = Instant::now();
                let response = request(&client, i)
                    .send()
                    .await
                    .expect("the server answers");
                assert!(response.status().is_success(), "{}", response.status());
                response.bytes().await.unwrap();
                samples.push(start.elapsed());
            }
        });
    }
    let mut samples: Vec<Duration> = Vec::new();
    while let Some(done) = tasks.join_next().await {
        samples.extend(done.unwrap());
    }
    let rate = samples.len() as f64 / started.elapsed().as_secs_f64();
    (
        rate,
        percentile(&mut samples, 0.5),
        percentile(&mut samples, 0.99),
    )
}

/// One kind of call under load: makes the `i`-th request.
type LoadRequest = Box<dyn Fn(&reqwest::Client, usize) -> reqwest::RequestBuilder + Send + Sync>;

async fn over_http() {
    let server = start_server();
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(64)
        .build()
        .unwrap();
    let started = Instant::now();
    while client
        .get(format!("{}{}", server.base, ticedu_local::OPENAPI))
        .send()
        .await
        .is_err()
    {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "ticedu-local did not start"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let base = server.base.clone();
    let call = {
        let (client, base) = (client.clone(), base.clone());
        async move |method: Method, path: &str, token: Option<&str>, body: Value| {
            let mut request = client.request(method, format!("{base}{path}")).json(&body);
            if let Some(token) = token {
                request = request.bearer_auth(token);
            }
            let response = request.send().await.unwrap();
            let status = StatusCode::from_u16(response.status().as_u16()).unwrap();
            (
                status,
                response.json::<Value>().await.unwrap_or(Value::Null),
            )
        }
    };
    let Learners {
        studying: (token, hours),
        holder: (_, certificate),
        unmarked,
    } = make_learners(call, FIRST_MARK_LEARNERS).await;
    let first_marks = unmarked.iter().map(|(_, hours)| hours.len()).sum::<usize>();
    println!(
        "over HTTP: the release ticedu-local in its own process, 16 concurrent clients on loopback, ≤ 20,000 calls or 15 s each \
         ({first_marks} first marks of {} learners):",
        unmarked.len()
    );
    // A first mark can be made once: that case ends when every hour is marked.
    const CALLS: usize = 20_000;
    let cases: Vec<(&str, usize, LoadRequest)> = vec![
        ("baseline: GET / (static home page)", CALLS, {
            let base = base.clone();
            Box::new(move |c: &reqwest::Client, _| c.get(format!("{base}/")))
        }),
        (
            "POST mark learned (学过了, first mark: a write)",
            first_marks,
            {
                // Hour by hour across the learners: the calls in flight at once
                // are different learners', as on the platform.
                let base = base.clone();
                let marks: Vec<(String, String)> = (0..first_marks)
                    .map(|i| {
                        let (token, hours) = &unmarked[i % unmarked.len()];
                        (token.clone(), mark_path(&hours[i / unmarked.len()]))
                    })
                    .collect();
                Box::new(move |c: &reqwest::Client, i| {
                    let (token, path) = &marks[i];
                    c.post(format!("{base}{path}"))
                        .bearer_auth(token)
                        .json(&json!({}))
                })
            },
        ),
        ("POST mark learned (again: reads, writes nothing)", CALLS, {
            let (base, token) = (base.clone(), token.clone());
            Box::new(move |c: &reqwest::Client, i| {
                c.post(format!("{base}{}", mark_path(&hours[i % hours.len()])))
                    .bearer_auth(&token)
                    .json(&json!({}))
            })
        }),
        ("GET verify/{no} (public)", CALLS, {
            let base = base.clone();
            Box::new(move |c: &reqwest::Client, _| {
                c.get(format!(
                    "{base}{}",
                    path(ticedu_certificates::VERIFY, &[&certificate])
                ))
            })
        }),
    ];
    for (label, calls, request) in cases {
        let (rate, p50, p99) = load(&client, 16, calls, Duration::from_secs(15), request).await;
        // Each first mark is a durable write: the embedded store's group
        // commit is what lets it pass the disk's one-fsync-per-write rate.
        let goal = if label.contains("first mark") {
            let met = rate >= 5_000.0 && p99 < Duration::from_millis(20);
            format!(
                "   (goal ≥ 5,000/s at p99 < 20 ms: {})",
                if met { "met" } else { "NOT met" }
            )
        } else {
            String::new()
        };
        println!(
            "  {label:<44} {rate:>8.0} req/s   p50 {:>10}   p99 {:>10}{goal}",
            ms(p50),
            ms(p99)
        );
    }
}

#[tokio::main]
async fn main() {
    in_process().await;
    over_http().await;
}
