//! The learner's, the verifier's and the staff's journeys through the real
//! pages in headless Chromium, driven over WebDriver (Debian's `chromium` and
//! `chromium-driver`) on a phone-sized window (375×667), in Chinese and
//! English, against the local platform with its WeChat Pay simulator.
//!
//! The site has no staff pages: staff act through the staff API (`/api/staff/…`),
//! as the association's tools would, and the browser shows what follows.
//!
//! A failing step keeps a screenshot (PNG), the page's HTML and its console
//! log under `<target dir>/journey-artifacts/`; the failure message names them.
//! With `TICEDU_SCREENSHOTS=1`, the main pages are also saved at phone size to
//! `docs/screenshots/`.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::http::Method;
use fantoccini::wd::{Capabilities, WebDriverCompatibleCommand};
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};
use ticedu_api::AppState;
use ticedu_store_embedded::EmbeddedStore;
use ticedu_tests::fixtures::{id_number, id_number_seed};

type Error = Box<dyn std::error::Error + Send + Sync>;
type Result<T, E = Error> = std::result::Result<T, E>;
type UrlError = <reqwest::Url as std::str::FromStr>::Err;

const WAIT: Duration = Duration::from_secs(15);
const PASSWORD: &str = "学习使我快乐2023";
const REASON: &str = "申报资料不实";

fn artifacts_dir() -> PathBuf {
    // CARGO_TARGET_TMPDIR is `<target dir>/tmp`.
    Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .unwrap_or(Path::new(env!("CARGO_TARGET_TMPDIR")))
        .join("journey-artifacts")
}

fn screenshots_dir() -> Option<PathBuf> {
    std::env::var_os("TICEDU_SCREENSHOTS")
        .filter(|flag| flag != "0")
        .map(|_| Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/screenshots"))
}

/// chromedriver on a free loopback port, stopped when dropped.
struct Driver {
    child: Child,
    url: String,
}

impl Driver {
    async fn start() -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let child = Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver runs: install Debian's chromium-driver (.ci/test does)");
        let url = format!("http://127.0.0.1:{port}");
        let started = Instant::now();
        while reqwest::get(format!("{url}/status")).await.is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "chromedriver did not start"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Self { child, url }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// chromedriver's `se/log`: what the page logged to the console, and failed loads.
#[derive(Debug)]
struct BrowserLog;

impl WebDriverCompatibleCommand for BrowserLog {
    fn endpoint(
        &self,
        base_url: &reqwest::Url,
        session_id: Option<&str>,
    ) -> Result<reqwest::Url, UrlError> {
        base_url.join(&format!(
            "session/{}/se/log",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _: &reqwest::Url) -> (Method, Option<String>) {
        (Method::POST, Some(r#"{"type":"browser"}"#.to_owned()))
    }
}

/// Collects the page's console messages (and errors) as they happen, from
/// wherever the log can be read back by `window.__journeyLog`.
const CAPTURE_CONSOLE: &str = r#"
if (!window.__journeyLog) {
  window.__journeyLog = [];
  ["log", "info", "warn", "error"].forEach(function (kind) {
    var original = console[kind];
    console[kind] = function () {
      window.__journeyLog.push(kind + ": " + Array.prototype.map.call(arguments, String).join(" "));
      return original.apply(console, arguments);
    };
  });
  window.addEventListener("error", function (e) { window.__journeyLog.push("error: " + e.message); });
  window.addEventListener("unhandledrejection", function (e) { window.__journeyLog.push("unhandled rejection: " + e.reason); });
}
"#;

/// One browser (own profile, own download folder) and what it went through.
struct Browser {
    name: &'static str,
    client: Client,
    base: String,
    downloads: PathBuf,
    step: Mutex<String>,
    console: Mutex<Vec<String>>,
    _profile: tempfile::TempDir,
}

impl Browser {
    async fn open(driver: &Driver, base: &str, name: &'static str) -> Self {
        let profile = tempfile::tempdir().expect("a profile folder");
        let downloads = profile.path().join("downloads");
        std::fs::create_dir_all(&downloads).expect("a download folder");
        let capabilities: Capabilities = serde_json::from_value(json!({
            "browserName": "chrome",
            "goog:loggingPrefs": { "browser": "ALL" },
            "goog:chromeOptions": {
                "binary": "/usr/bin/chromium",
                "args": [
                    "--headless",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--no-first-run",
                    "--window-size=375,667",
                    format!("--user-data-dir={}", profile.path().join("chromium").display()),
                ],
                // A phone's viewport, whatever the smallest window the platform allows.
                "mobileEmulation": {
                    "deviceMetrics": { "width": 375, "height": 667, "pixelRatio": 1.0, "touch": true },
                },
                "prefs": {
                    "download.default_directory": downloads.display().to_string(),
                    "download.prompt_for_download": false,
                },
            },
        }))
        .expect("capabilities");
        let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(capabilities)
            .connect(&driver.url)
            .await
            .expect("a WebDriver session in chromium");
        Self {
            name,
            client,
            base: base.to_owned(),
            downloads,
            step: Mutex::new(String::new()),
            console: Mutex::new(Vec::new()),
            _profile: profile,
        }
    }

    fn step(&self, what: &str) {
        *self.step.lock().unwrap() = what.to_owned();
    }

    /// Keeps what the page logged so far (the capture dies with the page).
    async fn collect_console(&self) {
        let mut lines = Vec::new();
        if let Ok(Value::Array(entries)) = self.client.issue_cmd(BrowserLog).await {
            for entry in &entries {
                lines.push(format!(
                    "[{}] {}",
                    entry["level"].as_str().unwrap_or("?"),
                    entry["message"].as_str().unwrap_or_default()
                ));
            }
        }
        if let Ok(Value::Array(captured)) = self
            .client
            .execute("return window.__journeyLog || [];", vec![])
            .await
        {
            lines.extend(
                captured
                    .iter()
                    .map(|line| format!("[page] {}", line.as_str().unwrap_or_default())),
            );
        }
        self.console.lock().unwrap().extend(lines);
    }

    async fn goto(&self, path: &str) -> Result<()> {
        self.collect_console().await;
        let url = if path.starts_with("http") {
            path.to_owned()
        } else {
            format!("{}{path}", self.base)
        };
        self.client.goto(&url).await?;
        self.client.execute(CAPTURE_CONSOLE, vec![]).await?;
        Ok(())
    }

    async fn find(&self, css: &str) -> Result<fantoccini::elements::Element> {
        let started = Instant::now();
        loop {
            match self.client.find(Locator::Css(css)).await {
                Ok(element) => return Ok(element),
                Err(_) if started.elapsed() < WAIT => {
                    tokio::time::sleep(Duration::from_millis(100)).await
                }
                Err(error) => return Err(format!("no {css}: {error}").into()),
            }
        }
    }

    async fn fill(&self, css: &str, text: &str) -> Result<()> {
        let field = self.find(css).await?;
        field.clear().await?;
        field.send_keys(text).await?;
        Ok(())
    }

    async fn click(&self, css: &str) -> Result<()> {
        self.find(css).await?.click().await?;
        Ok(())
    }

    /// The element's text once it contains `needle`.
    async fn wait_text(&self, css: &str, needle: &str) -> Result<String> {
        let started = Instant::now();
        let mut last = String::new();
        while started.elapsed() < WAIT {
            if let Ok(element) = self.client.find(Locator::Css(css)).await {
                if let Ok(text) = element.text().await {
                    if text.contains(needle) {
                        return Ok(text);
                    }
                    last = text;
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Err(format!("{css} never said {needle:?}; it said {last:?}").into())
    }

    async fn js(&self, script: &str) -> Result<Value> {
        Ok(self.client.execute(script, vec![]).await?)
    }

    async fn count(&self, css: &str) -> Result<usize> {
        Ok(self.client.find_all(Locator::Css(css)).await?.len())
    }

    /// With `TICEDU_SCREENSHOTS` set: the top of the page into `docs/screenshots/<name>.png`.
    async fn document(&self, name: &str) -> Result<()> {
        self.document_at(name, None).await
    }

    /// The same, scrolled to `css` when given.
    async fn document_at(&self, name: &str, css: Option<&str>) -> Result<()> {
        if let Some(folder) = screenshots_dir() {
            match css {
                Some(css) => {
                    self.find(css).await?;
                    self.client
                        .execute(
                            "document.querySelector(arguments[0]).scrollIntoView();",
                            vec![json!(css)],
                        )
                        .await?
                }
                None => self.js("window.scrollTo(0, 0);").await?,
            };
            std::fs::create_dir_all(&folder)?;
            // Let transitions (the progress bar) settle.
            tokio::time::sleep(Duration::from_millis(400)).await;
            std::fs::write(
                folder.join(format!("{name}.png")),
                self.client.screenshot().await?,
            )?;
        }
        Ok(())
    }

    /// Screenshot, HTML and console log of the failed step; returns where they are.
    async fn keep_artifacts(&self, journey: &str) -> String {
        let folder = artifacts_dir().join(journey);
        let _ = std::fs::create_dir_all(&folder);
        let stem = self.name;
        if let Ok(png) = self.client.screenshot().await {
            let _ = std::fs::write(folder.join(format!("{stem}.png")), png);
        }
        if let Ok(html) = self.client.source().await {
            let _ = std::fs::write(folder.join(format!("{stem}.html")), html);
        }
        self.collect_console().await;
        let url = self
            .client
            .current_url()
            .await
            .map(|u| u.to_string())
            .unwrap_or_default();
        let mut log = format!("url: {url}\nstep: {}\n", self.step.lock().unwrap());
        for line in self.console.lock().unwrap().iter() {
            log.push_str(line);
            log.push('\n');
        }
        let _ = std::fs::write(folder.join(format!("{stem}.console.log")), log);
        folder.display().to_string()
    }

    /// Script errors and failed loads (not the API's 4xx answers, which pages expect).
    async fn script_errors(&self) -> Vec<String> {
        self.collect_console().await;
        self.console
            .lock()
            .unwrap()
            .iter()
            .filter(|line| {
                line.contains("Uncaught")
                    || line.contains("unhandled rejection")
                    // A page or an asset that failed to load (the API's answers are expected).
                    || (line.starts_with("[SEVERE]") && !line.contains("/api/"))
            })
            .cloned()
            .collect()
    }
}

/// On failure: artifacts kept, and a panic naming the step and where they are.
async fn check(result: Result<()>, browsers: &[&Browser], journey: &str) {
    if let Err(error) = result {
        let mut kept = Vec::new();
        for browser in browsers {
            // Read first: `keep_artifacts` takes the lock too.
            let step = browser.step.lock().unwrap().clone();
            let folder = browser.keep_artifacts(journey).await;
            kept.push(format!("{} (at step {step:?}): {folder}", browser.name));
        }
        panic!(
            "the {journey} journey failed: {error}\nartifacts (screenshot, HTML, console log):\n  {}",
            kept.join("\n  ")
        );
    }
}

struct Platform {
    base: String,
    /// The built site being served.
    site: PathBuf,
    http: reqwest::Client,
    _dir: tempfile::TempDir,
}

impl Platform {
    /// The built site and every API, with the WeChat Pay simulator, as `ticedu-local` serves them.
    async fn start() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join("public");
        ticedu_site::build(
            &ticedu_site::SiteDirs::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../site")),
            &site,
            Some(""),
        )
        .unwrap();
        let store = EmbeddedStore::open(dir.path().join("journeys.redb")).unwrap();
        let platform = ticedu_local::development_platform().unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap().to_string();
        let (wechat, simulator) = ticedu_tests::wechatpay_simulator::served_together(&address);
        let app = ticedu_local::wechatpay_simulator::routes(simulator).merge(ticedu_local::app(
            AppState::new(store, Arc::clone(&platform)),
            Some(site.clone()),
            Some(wechat),
        ));
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Self {
            base: format!("http://{address}"),
            site: dir.path().join("public"),
            http: reqwest::Client::new(),
            _dir: dir,
        }
    }

    async fn call(&self, method: Method, path: &str, token: Option<&str>, body: Value) -> Value {
        let mut request = self
            .http
            .request(method, format!("{}{path}", self.base))
            .json(&body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.expect("the platform answers");
        let status = response.status();
        let text = response.text().await.unwrap_or_default();
        assert!(status.is_success(), "{path}: {status} {text}");
        serde_json::from_str(&text).unwrap_or(Value::Null)
    }

    async fn staff_token(&self) -> String {
        let (name, password) = ticedu_local::DEMO_STAFF;
        self.call(
            Method::POST,
            "/api/staff/login",
            None,
            json!({ "name": name, "password": password }),
        )
        .await["access_token"]
            .as_str()
            .unwrap()
            .to_owned()
    }
}

/// What the learner's journey leaves for the others.
struct Issued {
    no: String,
    verify_url: String,
    /// What must never reach a log line (checked after the journeys).
    id_number: String,
    username: String,
}

async fn learner_journey(b: &Browser, platform: &Platform, staff: &str) -> Result<Issued> {
    let id_number = id_number(id_number_seed());
    let id_number = id_number.expose();

    b.step("register");
    b.goto("/").await?;
    b.document("home").await?;
    b.goto("/register/").await?;
    b.fill("form[data-app=register] input[name=name]", "钟检")
        .await?;
    b.fill("form[data-app=register] input[name=id_number]", id_number)
        .await?;
    b.find("form[data-app=register] select[name=category]")
        .await?
        .select_by_value("new")
        .await?;
    // A date input takes typed text in the locale's order; set the ISO value instead.
    b.js("var f = document.querySelector('input[name=learning_started_on]'); f.value = '2026-03-01'; f.dispatchEvent(new Event('input', {bubbles: true}));")
        .await?;
    b.fill("form[data-app=register] input[name=phone]", "13800138000")
        .await?;
    b.fill("form[data-app=register] input[name=password]", PASSWORD)
        .await?;
    b.click("form[data-app=register] button[type=submit]")
        .await?;
    let said = b
        .wait_text("form[data-app=register] .status.ok", "您的用户名是：")
        .await?;
    let username = said
        .rsplit('：')
        .next()
        .ok_or("no username")?
        .trim()
        .to_owned();
    let expected = format!("钟检{}{}", &id_number[..6], &id_number[14..]);
    if username != expected {
        return Err(format!("the page shows username {username:?}, not {expected:?}").into());
    }
    b.document("register").await?;

    b.step("log in");
    b.goto("/login/").await?;
    b.fill("form[data-app=login] input[name=username]", &username)
        .await?;
    b.fill("form[data-app=login] input[name=password]", PASSWORD)
        .await?;
    b.click("form[data-app=login] button[type=submit]").await?;
    b.wait_text("[data-app=learning] .status", "您还没有购买课程")
        .await?;

    b.step("staff issue a study card; the learner redeems it");
    let cards = platform
        .call(
            Method::POST,
            "/api/staff/cards",
            Some(staff),
            json!({ "count": 1, "value_fen": 30_000, "note": "工行转账 钟检 300 元" }),
        )
        .await;
    let code = cards["codes"][0].as_str().ok_or("no card code")?.to_owned();
    b.goto("/pay/").await?;
    b.wait_text("[data-app=pay] .balance", "¥0.00").await?;
    // As printed on the card: in groups of four.
    let typed = code
        .as_bytes()
        .chunks(4)
        .map(|chunk| std::str::from_utf8(chunk).unwrap())
        .collect::<Vec<_>>()
        .join("-");
    b.fill("form.redeem input[name=code]", &typed).await?;
    b.click("form.redeem button[type=submit]").await?;
    b.wait_text("form.redeem .status.ok", "已充值 ¥300.00")
        .await?;
    b.wait_text("[data-app=pay] .balance", "¥300.00").await?;

    b.step("buy mandatory hours and an elective from the balance");
    for course in ["practitioner-code-of-conduct", "draft-survey"] {
        b.goto(&format!("/courses/{course}/")).await?;
        b.click("form[data-buy] button[type=submit]").await?;
        b.wait_text("form[data-buy] .status.ok", "购买成功").await?;
    }
    b.document("course").await?;

    b.step("pay for the 40-hour bundle through the WeChat Pay simulator");
    b.goto("/pay/").await?;
    b.find("form.wechat select[name=bundle]")
        .await?
        .select_by_value("certification-40")
        .await?;
    b.click("form.wechat button[type=submit]").await?;
    b.wait_text("form.wechat .status.ok", "请用微信扫码支付")
        .await?;
    b.wait_text("form.wechat .code-url", "weixin://wxpay/")
        .await?;
    b.document_at("pay", Some("form.wechat")).await?;
    b.click("form.wechat button.simulate").await?;
    b.wait_text("form.wechat .status.ok", "支付成功").await?;
    b.wait_text("[data-app=pay] .orders", "¥600.00").await?;
    let orders = b.find("[data-app=pay] .orders").await?.text().await?;
    if orders.contains("待支付") || orders.lines().count() != 3 {
        return Err(format!("orders after paying: {orders:?}").into());
    }

    b.step("mark hours learned and watch the progress bar");
    b.goto("/learning/").await?;
    b.find("[data-app=learning] .progress:not([hidden])")
        .await?;
    let progress = "[data-app=learning] .bar";
    let mut seen = vec![
        b.find(progress)
            .await?
            .attr("aria-valuenow")
            .await?
            .unwrap_or_default(),
    ];
    let mut clicks = 0;
    loop {
        let left = b.count("[data-app=learning] .my-courses button").await?;
        if left == 0 {
            break;
        }
        b.click("[data-app=learning] .my-courses button").await?;
        clicks += 1;
        let started = Instant::now();
        while b.count("[data-app=learning] .my-courses button").await? >= left {
            if started.elapsed() > WAIT {
                return Err(format!("marking an hour did not take ({left} left)").into());
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let now = b
            .find(progress)
            .await?
            .attr("aria-valuenow")
            .await?
            .unwrap_or_default();
        if seen.last() != Some(&now) {
            seen.push(now);
        }
        if clicks == 20 {
            b.document("learning").await?;
        }
        if clicks > 100 {
            return Err("more than 100 hours to mark".into());
        }
    }
    let values: Vec<u32> = seen.iter().filter_map(|v| v.parse().ok()).collect();
    if values.first() != Some(&0)
        || values.last() != Some(&40)
        || !values.windows(2).all(|w| w[0] < w[1])
    {
        return Err(format!("the progress bar went {seen:?}").into());
    }
    b.wait_text(
        "[data-app=learning] .progress-text",
        "已学满本周期要求的学时",
    )
    .await?;
    let width = b
        .js("return document.querySelector('[data-app=learning] .bar span').style.width;")
        .await?;
    if width != json!("100%") {
        return Err(format!("the bar is {width} wide at the end").into());
    }
    b.document("learning-complete").await?;

    b.step("file the application and get the certificate");
    b.goto("/certificates/").await?;
    b.click("[data-app=certificates] button.file").await?;
    b.wait_text("[data-app=certificates] .status.ok", "已提交")
        .await?;
    b.click("[data-app=certificates] button.issue").await?;
    let said = b
        .wait_text("[data-app=certificates] .status.ok", "证书已签发：")
        .await?;
    let no = said
        .rsplit('：')
        .next()
        .unwrap_or_default()
        .trim()
        .to_owned();
    b.wait_text("[data-app=certificates] .certificates li", &no)
        .await?;
    b.wait_text("[data-app=certificates] .certificates li a", "有效")
        .await?;
    let verify_url = b
        .find("[data-app=certificates] .certificates li a")
        .await?
        .prop("href")
        .await?
        .ok_or("no verification link")?;
    if !verify_url.contains(&format!("/verify/?no={no}&t=")) {
        return Err(format!("the verification link is {verify_url}").into());
    }
    b.document("certificates").await?;

    b.step("download the PDF");
    b.click("[data-app=certificates] button.download").await?;
    b.wait_text("[data-app=certificates] .status.ok", "证书已下载")
        .await?;
    let file = b.downloads.join(format!("certificate-{no}.pdf"));
    let started = Instant::now();
    loop {
        match std::fs::read(&file) {
            // Chromium writes a `.crdownload` first and renames it when complete.
            Ok(bytes) if bytes.starts_with(b"%PDF") => break,
            _ if started.elapsed() > WAIT => {
                let found: Vec<_> = std::fs::read_dir(&b.downloads)?
                    .filter_map(|e| e.ok().map(|e| e.file_name()))
                    .collect();
                return Err(format!(
                    "no complete {} in the download folder: {found:?}",
                    file.display()
                )
                .into());
            }
            _ => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    }

    b.step("the same, in English");
    b.goto("/en/learning/").await?;
    b.wait_text(
        "[data-app=learning] .progress-text",
        "You have completed this cycle's hours.",
    )
    .await?;
    b.goto("/en/certificates/").await?;
    b.wait_text("[data-app=certificates] .certificates li a", "Valid")
        .await?;
    b.wait_text(
        "[data-app=certificates] .certificates li button.download",
        "Download the PDF",
    )
    .await?;
    Ok(Issued {
        no,
        verify_url,
        id_number: id_number.to_owned(),
        username,
    })
}

async fn verifier_journey(b: &Browser, issued: &Issued) -> Result<()> {
    b.step("open the QR code's link");
    b.goto(&issued.verify_url).await?;
    b.wait_text("form[data-app=verify] .verdict.valid", "有效")
        .await?;
    let signature = b
        .wait_text("form[data-app=verify] p.signature.ok", "协会签名有效")
        .await?;
    if !signature.contains(&issued.no) || !signature.contains("钟*") {
        return Err(format!("the signature line says {signature:?}").into());
    }
    b.document("verify").await?;

    b.step("find it by number and name");
    b.goto("/verify/").await?;
    b.fill("form[data-app=verify] input[name=no]", &issued.no)
        .await?;
    b.fill("form[data-app=verify] input[name=name]", "钟检")
        .await?;
    b.click("form[data-app=verify] button[type=submit]").await?;
    b.wait_text("form[data-app=verify] .verdict.valid", "有效")
        .await?;
    b.wait_text("form[data-app=verify] .result", &issued.no)
        .await?;

    b.step("a wrong name finds nothing");
    b.fill("form[data-app=verify] input[name=name]", "李四")
        .await?;
    b.click("form[data-app=verify] button[type=submit]").await?;
    b.wait_text("form[data-app=verify] .result", "证书不存在")
        .await?;
    if b.count("form[data-app=verify] .verdict").await? != 0 {
        return Err("a wrong name still shows a verdict".into());
    }

    b.step("in English");
    let english = issued.verify_url.replacen("/verify/", "/en/verify/", 1);
    b.goto(&english).await?;
    b.wait_text("form[data-app=verify] .verdict.valid", "Valid")
        .await?;
    b.wait_text(
        "form[data-app=verify] p.signature.ok",
        "Signed by the association",
    )
    .await?;
    Ok(())
}

async fn staff_journey(
    learner: &Browser,
    verifier: &Browser,
    platform: &Platform,
    staff: &str,
    issued: &Issued,
) -> Result<()> {
    learner.step("staff issue cards for a bank transfer and list them");
    let cards = platform
        .call(
            Method::POST,
            "/api/staff/cards",
            Some(staff),
            json!({ "count": 3, "value_fen": 60_000, "note": "建行转账 某检验公司 1800 元" }),
        )
        .await;
    let codes: Vec<String> = serde_json::from_value(cards["codes"].clone())?;
    let listed = platform
        .http
        .get(format!("{}/api/staff/cards?format=csv", platform.base))
        .bearer_auth(staff)
        .send()
        .await?
        .text()
        .await?;
    if !codes.iter().all(|code| listed.contains(code.as_str())) {
        return Err(format!("the printable list lacks the new cards: {listed}").into());
    }

    learner.step("staff check a titled learner's details");
    let titled = platform
        .call(
            Method::POST,
            "/api/accounts/register",
            None,
            json!({
                "name": "钱职",
                "id_number": id_number(id_number_seed()).expose(),
                "kind": { "category": "titled", "title_kind": "高级工程师", "issuing_authority": "北京市人力资源和社会保障局", "title_certificate_no": "GJ-2019-0001" },
                "phone": "13900139000",
                "password": PASSWORD,
            }),
        )
        .await;
    let titled_id = titled["learner_id"].as_str().ok_or("no learner id")?;
    let pending = platform
        .call(
            Method::GET,
            "/api/staff/title-checks",
            Some(staff),
            Value::Null,
        )
        .await;
    let waiting = pending["learners"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|l| l["learner_id"] == json!(titled_id))
        .ok_or("the titled learner is not waiting for a check")?;
    if waiting["kind"]["title_kind"] != json!("高级工程师") {
        return Err(format!("staff see {waiting}").into());
    }
    platform
        .call(
            Method::POST,
            &format!("/api/staff/title-checks/{titled_id}"),
            Some(staff),
            json!({ "decision": "confirmed" }),
        )
        .await;

    learner.step("staff revoke the certificate");
    platform
        .call(
            Method::POST,
            &format!("/api/staff/certificates/{}/revoke", issued.no),
            Some(staff),
            json!({ "reason": REASON }),
        )
        .await;

    verifier.step("the verification page says revoked, and why");
    verifier.goto(&issued.verify_url).await?;
    verifier
        .wait_text("form[data-app=verify] .verdict.revoked", "已撤销")
        .await?;
    verifier
        .wait_text("form[data-app=verify] .result", REASON)
        .await?;
    verifier.document("verify-revoked").await?;
    verifier
        .goto(&issued.verify_url.replacen("/verify/", "/en/verify/", 1))
        .await?;
    verifier
        .wait_text("form[data-app=verify] .verdict.revoked", "Revoked")
        .await?;
    verifier
        .wait_text(
            "form[data-app=verify] .result",
            &format!("Reason: {REASON}"),
        )
        .await?;

    learner.step("the learner sees it revoked, with no download");
    learner.goto("/certificates/").await?;
    learner
        .wait_text("[data-app=certificates] .certificates li a", "已撤销")
        .await?;
    if learner
        .count("[data-app=certificates] .certificates button.download")
        .await?
        != 0
    {
        return Err("a revoked certificate still offers its PDF".into());
    }
    Ok(())
}

/// Every key page, in both languages, fits the 375-pixel-wide window.
async fn phone_pages(b: &Browser, issued: &Issued) -> Result<()> {
    let verify = issued
        .verify_url
        .split_once("/verify/")
        .map(|(_, query)| format!("/verify/{query}"))
        .unwrap_or_default();
    for prefix in ["", "/en"] {
        for page in [
            "/",
            "/courses/",
            "/courses/draft-survey/",
            "/guide/",
            "/register/",
            "/login/",
            "/learning/",
            "/pay/",
            "/certificates/",
            verify.as_str(),
        ] {
            b.step(&format!("{prefix}{page} at 375×667"));
            b.goto(&format!("{prefix}{page}")).await?;
            b.find("main#main").await?;
            // Let the scripts fill the page in.
            tokio::time::sleep(Duration::from_millis(300)).await;
            let size = b
                .js("return [window.innerWidth, document.documentElement.scrollWidth, document.documentElement.lang];")
                .await?;
            let expected_lang = if prefix.is_empty() { "zh-CN" } else { "en" };
            if size[0] != json!(375)
                || size[1].as_u64() > Some(375)
                || size[2] != json!(expected_lang)
            {
                return Err(
                    format!("{prefix}{page}: [window width, page width, lang] = {size}").into(),
                );
            }
        }
    }
    b.goto("/en/").await?;
    b.document("home-en").await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn learner_verifier_and_staff_journeys_in_chromium() {
    let started = Instant::now();
    ticedu_tests::logs::capture();
    let platform = Platform::start().await;
    let staff = platform.staff_token().await;
    let driver = Driver::start().await;
    let learner = Browser::open(&driver, &platform.base, "learner").await;
    let verifier = Browser::open(&driver, &platform.base, "verifier").await;
    eprintln!(
        "journeys: failures keep screenshots and console logs under {}",
        artifacts_dir().display()
    );

    let issued = learner_journey(&learner, &platform, &staff).await;
    let issued = match issued {
        Ok(issued) => issued,
        Err(error) => {
            check(Err(error), &[&learner], "learner").await;
            unreachable!()
        }
    };
    eprintln!("learner journey done after {:?}", started.elapsed());
    check(
        verifier_journey(&verifier, &issued).await,
        &[&verifier],
        "verifier",
    )
    .await;
    check(
        staff_journey(&learner, &verifier, &platform, &staff, &issued).await,
        &[&learner, &verifier],
        "staff",
    )
    .await;
    check(phone_pages(&learner, &issued).await, &[&learner], "phone").await;
    for browser in [&learner, &verifier] {
        let errors = browser.script_errors().await;
        check(
            if errors.is_empty() {
                Ok(())
            } else {
                Err(format!("script errors: {errors:#?}").into())
            },
            &[browser],
            "console",
        )
        .await;
    }
    learner.client.clone().close().await.ok();
    verifier.client.clone().close().await.ok();
    // PIPL: everything the platform logged while serving these journeys.
    let logs = ticedu_tests::logs::captured();
    assert!(logs.lines().count() > 20, "the journeys were logged");
    for (what, secret) in [
        ("an ID number", issued.id_number.as_str()),
        ("a username", issued.username.as_str()),
        ("a password", PASSWORD),
        ("the staff password", ticedu_local::DEMO_STAFF.1),
    ] {
        let leaks: Vec<&str> = logs.lines().filter(|line| line.contains(secret)).collect();
        assert!(leaks.is_empty(), "log lines hold {what}: {leaks:#?}");
    }
    eprintln!("journeys in Chromium: {:?}", started.elapsed());
}

/// The URL path of every HTML page under `site` (`a/index.html` → `/a/`).
fn html_pages(site: &Path, folder: &Path, pages: &mut Vec<String>) {
    for entry in std::fs::read_dir(folder).expect("the built site") {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            html_pages(site, &path, pages);
        } else if path.extension().is_some_and(|e| e == "html") {
            let relative = path.strip_prefix(site).expect("inside the site");
            let url = format!("/{}", relative.display());
            pages.push(url.strip_suffix("index.html").unwrap_or(&url).to_owned());
        }
    }
}

/// Every generated page — guide, catalogue, each course and class hour, in
/// both languages — opened in Chromium at phone size: it loads, has its main
/// landmark and a `lang`, and no page logs a script error or a failed load.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_page_of_the_site_loads_in_chromium() {
    let started = Instant::now();
    let platform = Platform::start().await;
    let mut pages = Vec::new();
    html_pages(&platform.site, &platform.site, &mut pages);
    pages.sort();
    assert!(pages.len() > 300, "the whole site: {} pages", pages.len());
    let driver = Driver::start().await;
    let reader = Browser::open(&driver, &platform.base, "reader").await;
    let result = async {
        for page in &pages {
            reader.step(page);
            reader.goto(page).await?;
            reader.find("main#main").await?;
            let lang = reader.js("return document.documentElement.lang;").await?;
            if lang != json!("zh-CN") && lang != json!("en") {
                return Err(format!("{page}: lang = {lang}").into());
            }
        }
        let errors = reader.script_errors().await;
        if errors.is_empty() {
            Ok(())
        } else {
            Err(format!("script errors: {errors:#?}").into())
        }
    }
    .await;
    check(result, &[&reader], "every page").await;
    reader.client.clone().close().await.ok();
    eprintln!(
        "{} pages in Chromium in {:?}",
        pages.len(),
        started.elapsed()
    );
}
