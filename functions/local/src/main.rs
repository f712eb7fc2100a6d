//! `ticedu-local`: the platform on localhost.
//!
//! Environment (all optional):
//! - `TICEDU_ADDR`: where to listen (default `127.0.0.1:8080`);
//! - `TICEDU_SITE_DIR`: a built site to serve; by default the site in `site/`
//!   is built into `<data dir>/public` first;
//! - `TICEDU_MEDIA_DIR`: published lesson media to serve under `/media/` (to
//!   signed links only); by default `site/lessons` is published into
//!   `<data dir>/media` first;
//! - `TICEDU_STORE`: `embedded` (default) or `dynamodb`;
//! - `TICEDU_DATA_DIR`: the embedded store's folder (default `.ticedu`);
//! - `TICEDU_TABLE`, `AWS_ENDPOINT_URL`, `AWS_REGION`…: DynamoDB, when chosen;
//!   `TICEDU_CREATE_TABLE=1` creates the table first (for a local DynamoDB);
//! - `TICEDU_TOKEN_PUBLIC_KEYS`, `TICEDU_ACCOUNT_KEY_SECRET`: real keys (then
//!   every key a function uses is required, as `Key::ALL`); without them,
//!   development keys are used and a warning says so;
//! - `TICEDU_NOW`: a fixed clock, for demos;
//! - `TICEDU_CLASS_HOUR_MINUTES`: every class hour's study length in
//!   minutes instead of the data's (0: no waiting), for demos;
//! - `TICEDU_DEMO`: `0` skips the demo data the embedded store is otherwise
//!   seeded with on first run (learners at different stages, study cards).
//!
//! `ticedu-local reconcile [YYYY-MM-DD]` asks the running server (at
//! `TICEDU_ADDR`) to reconcile a day (default: yesterday, China time) of
//! WeChat Pay's trade bill with the orders, as the payments function does
//! every morning in a deployment; finance staff see the result in the console.

use std::path::PathBuf;
use std::sync::Arc;

use ticedu_api::config::{ACCOUNT_KEY_SECRET, Key, TOKEN_PUBLIC_KEYS};
use ticedu_api::{AppState, Platform, telemetry};
use ticedu_store_embedded::EmbeddedStore;

type Error = Box<dyn std::error::Error + Send + Sync>;

/// mimalloc: the store's writer thread allocates what the request threads
/// free, and glibc's malloc spent a sixth of a durable 学过了 mark's CPU on
/// it (issue 21's load benchmark).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> Result<(), Error> {
    telemetry::init_for_terminal();
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("reconcile") => return reconcile(args.get(1).map(String::as_str)).await,
        Some(other) => {
            return Err(format!("unknown command {other:?} (commands: reconcile)").into());
        }
        None => {}
    }
    let env =
        |name: &str, default: &str| std::env::var(name).unwrap_or_else(|_| default.to_owned());
    let real_keys =
        std::env::var(TOKEN_PUBLIC_KEYS).is_ok() || std::env::var(ACCOUNT_KEY_SECRET).is_ok();
    let platform = if real_keys {
        // One process runs every function: it holds every key.
        let mut platform = Platform::from_env(Key::ALL)?;
        // Nothing leaves the machine: messages wait in the outbox (`/dev/outbox`).
        Arc::get_mut(&mut platform)
            .expect("the platform is not shared yet")
            .sender = Some(Arc::new(ticedu_api::sender::Outbox::default()));
        platform
    } else {
        tracing::warn!(
            "no {TOKEN_PUBLIC_KEYS} / {ACCOUNT_KEY_SECRET}: using development keys, not for real data"
        );
        ticedu_local::development_platform()?
    };
    let data_dir = PathBuf::from(env("TICEDU_DATA_DIR", ".ticedu"));
    std::fs::create_dir_all(&data_dir)?;
    let listener = tokio::net::TcpListener::bind(env("TICEDU_ADDR", "127.0.0.1:8080")).await?;
    let address = listener.local_addr()?;
    // Without a real merchant, WeChat Pay is the built-in simulator (TICEDU_WECHATPAY_SIMULATOR=0 turns it off).
    // The simulator also plays WeChat's web authorisation, for paying inside WeChat.
    let (wechat, oauth, simulator) = match ticedu_payments::wechat::WeChatPay::from_env()? {
        Some(wechat) => (
            Some(wechat),
            ticedu_payments::wechat_oauth::WeChatOAuth::from_environment(
                &ticedu_api::config::Environment::process(),
            )?,
            None,
        ),
        None if env("TICEDU_WECHATPAY_SIMULATOR", "1") != "0" => {
            let (wechat, simulator) = ticedu_local::wechatpay_simulator::local(
                &data_dir.join("wechatpay-simulator"),
                &address.to_string(),
            )?;
            let oauth = ticedu_local::wechatpay_simulator::official_account(&address.to_string());
            (Some(wechat), Some(oauth), Some(simulator))
        }
        None => (None, None, None),
    };
    let development_admin = platform
        .bootstrap_admin
        .as_ref()
        .filter(|admin| admin.name.as_str() == ticedu_local::DEMO_STAFF.0)
        .is_some();
    let bootstrap_name = platform
        .bootstrap_admin
        .as_ref()
        .map(|admin| admin.name.to_string());
    let site = match std::env::var("TICEDU_SITE_DIR") {
        Ok(folder) => PathBuf::from(folder),
        Err(_) => {
            let output = data_dir.join("public");
            let report =
                ticedu_site::build(&ticedu_site::SiteDirs::new("site"), &output, Some(""))?;
            tracing::info!(
                pages = report.pages + report.sections + report.data_pages,
                "site built"
            );
            output
        }
    };
    let media = match std::env::var("TICEDU_MEDIA_DIR") {
        Ok(folder) => PathBuf::from(folder),
        Err(_) => {
            let output = data_dir.join("media");
            let report =
                ticedu_site::lessons::publish(&ticedu_site::SiteDirs::new("site"), &output)?;
            tracing::info!(
                lessons = report.lessons,
                files = report.files,
                "lesson media published"
            );
            output
        }
    };
    let files = ticedu_local::Files {
        site: Some(site),
        media: Some(media),
    };
    let mut demo = None;
    let app = match env("TICEDU_STORE", "embedded").as_str() {
        "embedded" => {
            let store = EmbeddedStore::open(data_dir.join("ticedu.redb"))?;
            tracing::info!(path = %data_dir.display(), "embedded store");
            if env("TICEDU_DEMO", "1") != "0" {
                demo = Some(ticedu_local::demo::seed(&store, &platform).await?);
            }
            ticedu_local::app(AppState::new(store, platform), files, wechat, oauth)
        }
        #[cfg(feature = "dynamodb")]
        "dynamodb" => {
            let store = ticedu_store_dynamodb::DynamoStore::from_env().await?;
            if env("TICEDU_CREATE_TABLE", "0") == "1" {
                ticedu_store_dynamodb::table::create(store.client(), store.table_name()).await?;
            }
            tracing::info!(table = store.table_name(), "DynamoDB store");
            ticedu_local::app(AppState::new(store, platform), files, wechat, oauth)
        }
        #[cfg(not(feature = "dynamodb"))]
        "dynamodb" => {
            return Err("this ticedu-local was built without DynamoDB: \
                 cargo run -p ticedu-local --features dynamodb"
                .into());
        }
        other => {
            return Err(format!("TICEDU_STORE must be embedded or dynamodb, not {other}").into());
        }
    };
    println!(
        "ticedu is running at http://{address}/ (API under /api, OpenAPI at /api/openapi.json)"
    );
    println!(
        "messages the platform sends (password-recovery codes) wait at http://{address}{}",
        ticedu_local::outbox::OUTBOX
    );
    if development_admin {
        let (name, password) = ticedu_local::DEMO_STAFF;
        println!(
            "staff console: http://{address}/staff/ — the development administrator \"{name}\", password \"{password}\" (development only; the first log-in enrols an authenticator app)"
        );
    } else if let Some(admin) = &bootstrap_name {
        println!(
            "staff console: http://{address}/staff/ — the first administrator is \"{admin}\" (TICEDU_BOOTSTRAP_ADMIN)"
        );
    }
    if simulator.is_some() {
        println!(
            "WeChat Pay is simulated: POST {}/pay/<order number> pays an order (the pay page has a button for it); inside WeChat (a MicroMessenger user agent) the page goes through the simulated web authorisation and pays with WeixinJSBridge, which a browser outside WeChat lacks: POST {}/jsapi/pay with the order's jsapi parameters plays it",
            ticedu_local::wechatpay_simulator::PREFIX,
            ticedu_local::wechatpay_simulator::PREFIX
        );
    }
    if let Some(demo) = demo {
        print_demo(&demo, &address.to_string());
    }
    let printer = ticedu_certificates::printing::Printer::from_env();
    if !printer.font_present() {
        println!(
            "certificates print with Noto Sans CJK, not found at {}: install it (Debian/Ubuntu: `sudo apt-get install fonts-noto-cjk`) or set TICEDU_CERT_FONT to a .ttc/.otf — the next print finds it, no restart needed",
            printer.font_path().display()
        );
    }
    let app = match simulator {
        Some(simulator) => ticedu_local::wechatpay_simulator::routes(simulator).merge(app),
        None => app,
    };
    // Static files go out as headers then body: without TCP_NODELAY, Nagle's
    // algorithm waits for the client's delayed ACK (~40 ms) between them.
    let listener = axum::serve::ListenerExt::tap_io(listener, |tcp| {
        let _ = tcp.set_nodelay(true);
    });
    axum::serve(listener, app).await?;
    Ok(())
}

/// What to open and which demo logins exist (never an ID number).
fn print_demo(demo: &ticedu_local::demo::Demo, address: &str) {
    use ticedu_local::demo;
    println!();
    println!(
        "demo data{}: log in at http://{address}/login/ (English: http://{address}/en/login/) with password \"{}\"",
        if demo.seeded { " (seeded now)" } else { "" },
        demo::PASSWORD
    );
    for learner in &demo.learners {
        println!("  {:<16} {}", learner.username, learner.stage.describe());
    }
    if demo.unused_cards.is_empty() {
        println!("  no unused demo study cards left; staff can issue more (POST /api/staff/cards)");
    } else {
        println!(
            "unused study cards (¥{} each), to redeem at http://{address}/pay/:",
            demo::CARD_VALUE.get() / 100
        );
        for code in &demo.unused_cards {
            println!("  {code}");
        }
    }
    if let Some(no) = &demo.revoked_certificate {
        println!("a revoked certificate: http://{address}/verify/?no={no}");
    }
    println!(
        "staff work in the console at http://{address}/staff/ (login above); TICEDU_DEMO=0 skips the demo data"
    );
}

/// `reconcile [day]`: the running server reconciles the day and says what it found.
async fn reconcile(day: Option<&str>) -> Result<(), Error> {
    let day = match day {
        Some(day) => day
            .parse::<jiff::civil::Date>()
            .map_err(|_| format!("{day:?} is not a day (YYYY-MM-DD)"))?,
        None => ticedu_domain::reconciliation::day_to_reconcile(jiff::Timestamp::now()),
    };
    let address = std::env::var("TICEDU_ADDR").unwrap_or_else(|_| "127.0.0.1:8080".to_owned());
    let url = format!(
        "http://{address}{}",
        ticedu_local::RECONCILE.replace("{day}", &day.to_string())
    );
    let response = reqwest::Client::new()
        .post(&url)
        .send()
        .await
        .map_err(|e| format!("is ticedu-local running at {address}? {e}"))?;
    let status = response.status();
    let body = response.text().await?;
    println!("{body}");
    if status.is_success() {
        println!("the day's mismatches: http://{address}/staff/reconciliation/?day={day}");
        Ok(())
    } else {
        Err(format!("reconciliation of {day} failed: {status}").into())
    }
}
