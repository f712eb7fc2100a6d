//! A browser for the journeys: chromedriver on a free port, one Chromium
//! session per person with its own profile and download folder, and what
//! each page logged, kept with a screenshot when a step fails.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::http::Method;
use fantoccini::wd::{Capabilities, WebDriverCompatibleCommand};
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};

pub type Error = Box<dyn std::error::Error + Send + Sync>;
pub type Result<T, E = Error> = std::result::Result<T, E>;
type UrlError = <reqwest::Url as std::str::FromStr>::Err;

pub const WAIT: Duration = Duration::from_secs(15);
pub const PASSWORD: &str = "学习使我快乐2023";
pub const REASON: &str = "申报资料不实";

pub fn artifacts_dir() -> PathBuf {
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
pub struct Driver {
    child: Child,
    url: String,
}

impl Driver {
    pub async fn start() -> Self {
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
pub struct Browser {
    name: &'static str,
    pub client: Client,
    base: String,
    pub downloads: PathBuf,
    step: Mutex<String>,
    console: Mutex<Vec<String>>,
    _profile: tempfile::TempDir,
}

impl Browser {
    pub async fn open(driver: &Driver, base: &str, name: &'static str) -> Self {
        Self::open_sized(driver, base, name, (375, 667)).await
    }

    /// A browser of its own window size: a phone's (under 600 pixels wide,
    /// emulated with touch) or a desktop's.
    pub async fn open_sized(
        driver: &Driver,
        base: &str,
        name: &'static str,
        size: (u32, u32),
    ) -> Self {
        Self::open_as(driver, base, name, size, None).await
    }

    /// A phone-sized browser that names itself `user_agent` (an Android
    /// phone's browser, WeChat's…), as pages that choose by it see it.
    pub async fn open_with_agent(
        driver: &Driver,
        base: &str,
        name: &'static str,
        user_agent: &str,
    ) -> Self {
        Self::open_as(driver, base, name, (375, 667), Some(user_agent)).await
    }

    async fn open_as(
        driver: &Driver,
        base: &str,
        name: &'static str,
        (width, height): (u32, u32),
        user_agent: Option<&str>,
    ) -> Self {
        let profile = tempfile::tempdir().expect("a profile folder");
        let downloads = profile.path().join("downloads");
        std::fs::create_dir_all(&downloads).expect("a download folder");
        let mut chrome = json!({
            "binary": "/usr/bin/chromium",
            "args": [
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
                format!("--window-size={width},{height}"),
                format!("--user-data-dir={}", profile.path().join("chromium").display()),
            ],
            "prefs": {
                "download.default_directory": downloads.display().to_string(),
                "download.prompt_for_download": false,
            },
        });
        if width < 600 {
            // A phone's viewport, whatever the smallest window the platform allows.
            chrome["mobileEmulation"] = json!({
                "deviceMetrics": { "width": width, "height": height, "pixelRatio": 1.0, "touch": true },
            });
            if let Some(agent) = user_agent {
                chrome["mobileEmulation"]["userAgent"] = json!(agent);
            }
        }
        let capabilities: Capabilities = serde_json::from_value(json!({
            "browserName": "chrome",
            "goog:loggingPrefs": { "browser": "ALL" },
            "goog:chromeOptions": chrome,
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

    pub fn step(&self, what: &str) {
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

    pub async fn goto(&self, path: &str) -> Result<()> {
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

    /// The host of the page open now (`127.0.0.1`).
    pub async fn current_host(&self) -> Result<String> {
        let url = self.client.current_url().await?;
        Ok(url.host_str().ok_or("a page without a host")?.to_owned())
    }

    pub async fn find(&self, css: &str) -> Result<fantoccini::elements::Element> {
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

    pub async fn fill(&self, css: &str, text: &str) -> Result<()> {
        let field = self.find(css).await?;
        field.clear().await?;
        field.send_keys(text).await?;
        Ok(())
    }

    pub async fn click(&self, css: &str) -> Result<()> {
        self.find(css).await?.click().await?;
        Ok(())
    }

    /// The element's text once it contains `needle`.
    pub async fn wait_text(&self, css: &str, needle: &str) -> Result<String> {
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

    pub async fn js(&self, script: &str) -> Result<Value> {
        Ok(self.client.execute(script, vec![]).await?)
    }

    pub async fn count(&self, css: &str) -> Result<usize> {
        Ok(self.client.find_all(Locator::Css(css)).await?.len())
    }

    /// With `TICEDU_SCREENSHOTS` set: the top of the page into `docs/screenshots/<name>.png`.
    pub async fn document(&self, name: &str) -> Result<()> {
        self.document_at(name, None).await
    }

    /// The same, scrolled to `css` when given.
    pub async fn document_at(&self, name: &str, css: Option<&str>) -> Result<()> {
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

    /// `Ok` when the page logged no script error or failed load, else them all.
    pub async fn no_script_errors(&self) -> Result<()> {
        let errors = self.script_errors().await;
        if errors.is_empty() {
            Ok(())
        } else {
            Err(format!("script errors: {errors:#?}").into())
        }
    }

    /// Script errors and failed loads (not the API's 4xx answers, which pages expect).
    pub async fn script_errors(&self) -> Vec<String> {
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
pub async fn check(result: Result<()>, browsers: &[&Browser], journey: &str) {
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
