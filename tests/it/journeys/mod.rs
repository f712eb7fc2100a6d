//! The learner's, the verifier's and the staff's journeys through the real
//! pages in headless Chromium, driven over WebDriver (Debian's `chromium` and
//! `chromium-driver`) on a phone-sized window (375×667), in Chinese and
//! English, against the local platform with its WeChat Pay simulator.
//!
//! The learner journeys have staff act through the staff API (`/api/staff/…`);
//! the console journey (`console`) drives the staff's own pages (`/staff/`),
//! on both stores.
//!
//! A failing step keeps a screenshot (PNG), the page's HTML and its console
//! log under `<target dir>/journey-artifacts/`; the failure message names them.
//! With `TICEDU_SCREENSHOTS=1`, the main pages are also saved at phone size to
//! `docs/screenshots/`.

pub(crate) mod browser;
mod console;
mod desktop_pay;
mod forms;
mod guide;
mod learner;
mod lesson;
mod phone_pay;
mod reconciliation;
mod record;
mod refunds;
mod session;
mod staff;
mod verifier;
mod wechat_pay;

use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use ticedu_store_embedded::EmbeddedStore;

use crate::helpers::{Answer, DynamoDb, Embedded, TestApp, WeChat, logs};
use browser::{Browser, Driver, PASSWORD, Result, artifacts_dir, check};
use learner::learner_journey;
use staff::staff_journey;
use verifier::verifier_journey;

type App = TestApp<EmbeddedStore>;

/// The built site and every API, with the WeChat Pay simulator, as `ticedu-local` serves them.
async fn platform() -> App {
    TestApp::builder(Embedded)
        .site()
        .wechat(WeChat::BuiltIn)
        .spawn()
        .await
}

/// Logs `b` in with a token the API issued (the journeys that are not
/// about logging in skip its form): set as the session cookie and its
/// marker, as the log-in's answer would set them.
pub(crate) async fn log_in_with(b: &Browser, token: &str) -> Result<()> {
    use fantoccini::cookies::Cookie;
    b.goto("/").await?;
    // WebDriver wants a domain; an IP address's is its host alone, as a host-only cookie's.
    let host = b.current_host().await?;
    let mut session = Cookie::new("__Host-ticedu-session", token.to_owned());
    session.set_domain(host.clone());
    session.set_path("/");
    session.set_secure(true);
    session.set_http_only(true);
    b.client.add_cookie(session).await?;
    let mut marker = Cookie::new("__Host-ticedu-in", "1");
    marker.set_domain(host);
    marker.set_path("/");
    marker.set_secure(true);
    b.client.add_cookie(marker).await?;
    Ok(())
}

/// On the pay page, puts `bundle` in the cart and waits for its price.
async fn bundle_into_cart(b: &Browser, bundle: &str) -> Result<()> {
    b.goto("/pay/").await?;
    b.find("form.add-bundle select[name=bundle]")
        .await?
        .select_by_value(bundle)
        .await?;
    b.click("form.add-bundle button[type=submit]").await?;
    b.wait_text("[data-app=pay] .cart-total", "合计").await?;
    Ok(())
}

/// The mix the notice allows (R8, R9): an elective course, a certification
/// course and a single hour, each added on its own page, then the pay page
/// showing the three lines priced.
async fn mixed_cart(b: &Browser) -> Result<()> {
    for page in [
        "/courses/draft-survey/",
        "/courses/iso-iec-17020-inspection-bodies/",
        "/courses/iso-iec-17025-testing-laboratories/1/",
    ] {
        b.goto(page).await?;
        b.click("form[data-buy] button[type=submit]").await?;
        b.wait_text("form[data-buy] .status.ok", "已加入购物车")
            .await?;
    }
    b.goto("/pay/").await?;
    b.wait_text("[data-app=pay] .cart-total", "合计").await?;
    let lines = b.count("[data-app=pay] .cart-lines li").await?;
    if lines != 3 {
        return Err(format!("the cart lists {lines} lines, not 3").into());
    }
    Ok(())
}

/// The learner owns what [`mixed_cart`] put in the cart, by one order.
async fn owns_mixed_cart<S: ticedu_store::Store>(
    app: &TestApp<S>,
    learner: &ticedu_store::ids::LearnerId,
) -> Result<()> {
    let orders = app.store.orders_of(learner).await?;
    let [order] = orders.as_slice() else {
        return Err(format!("{} orders, not one", orders.len()).into());
    };
    let owned = app.store.enrollments(learner).await?;
    let hours: Vec<String> = owned.iter().map(|e| e.hour.to_string()).collect();
    if owned.len() != order.hours.len()
        || !hours.iter().any(|h| h.starts_with("draft-survey/"))
        || !hours
            .iter()
            .any(|h| h.starts_with("iso-iec-17020-inspection-bodies/"))
        || !hours.contains(&"iso-iec-17025-testing-laboratories/1".to_owned())
    {
        return Err(format!("the learner owns {hours:?}").into());
    }
    Ok(())
}

/// Places a Native order for the cart on the pay page and reads the QR code
/// it draws, as a phone would: the code's text, checked to be the order's `code_url`.
async fn native_order_scanned(b: &Browser) -> Result<String> {
    b.click("form.wechat button[type=submit]").await?;
    b.wait_text("form.wechat .status.ok", "请用微信扫码支付")
        .await?;
    let code_url = b
        .wait_text("form.wechat .code-url", "weixin://wxpay/")
        .await?;
    // Whole in the viewport first: an element screenshot of a half-visible code is half a code.
    b.js("document.querySelector('form.wechat .qr').scrollIntoView({block: 'center'});")
        .await?;
    let png = b.find("form.wechat .qr").await?.screenshot().await?;
    let scanned = scan_qr(&png)?;
    if scanned != code_url.trim() {
        return Err(
            format!("the QR code reads {scanned:?}, the order's code_url is {code_url:?}").into(),
        );
    }
    Ok(scanned)
}

/// What zbar (Debian's `zbar-tools`) reads in a PNG screenshot.
fn scan_qr(png: &[u8]) -> Result<String> {
    let dir = tempfile::tempdir()?;
    let file = dir.path().join("qr.png");
    std::fs::write(&file, png)?;
    let output = std::process::Command::new("zbarimg")
        .args(["--quiet", "--raw"])
        .arg(&file)
        .output()?;
    if !output.status.success() {
        return Err(format!(
            "zbarimg found no code: {}",
            String::from_utf8_lossy(&output.stderr)
        )
        .into());
    }
    Ok(String::from_utf8(output.stdout)?.trim_end().to_owned())
}

/// An API answer a journey depends on: its body, or the step's error.
fn succeeded(answer: Answer) -> Result<Value> {
    if answer.status.is_success() {
        Ok(answer.body)
    } else {
        Err(format!("{} {}", answer.status, answer.body).into())
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
            "/account/",
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
    logs::capture();
    let app = platform().await;
    let staff = app.staff_token().await;
    let driver = Driver::start().await;
    let learner = Browser::open(&driver, &app.address, "learner").await;
    let verifier = Browser::open(&driver, &app.address, "verifier").await;
    eprintln!(
        "journeys: failures keep screenshots and console logs under {}",
        artifacts_dir().display()
    );

    let issued = learner_journey(&learner, &app, &staff).await;
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
        staff_journey(&learner, &verifier, &app, &staff, &issued).await,
        &[&learner, &verifier],
        "staff",
    )
    .await;
    check(phone_pages(&learner, &issued).await, &[&learner], "phone").await;
    for browser in [&learner, &verifier] {
        check(browser.no_script_errors().await, &[browser], "console").await;
    }
    learner.client.clone().close().await.ok();
    verifier.client.clone().close().await.ok();
    // PIPL: everything the platform logged while serving these journeys.
    let logs = logs::captured();
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
    let app = platform().await;
    let site = app.site.as_deref().expect("the site is served");
    let mut pages = Vec::new();
    html_pages(site, site, &mut pages);
    pages.sort();
    assert!(pages.len() > 300, "the whole site: {} pages", pages.len());
    let driver = Driver::start().await;
    let reader = Browser::open(&driver, &app.address, "reader").await;
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
        reader.no_script_errors().await
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

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_staff_console_in_chromium_on_the_embedded_store() {
    console::console_journey(Embedded).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_staff_console_in_chromium_on_dynamodb() {
    console::console_journey(DynamoDb).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_bought_lesson_plays_and_counts_in_chromium() {
    lesson::lesson_journey().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_phone_pays_through_wechat_pays_h5_page_in_chromium() {
    phone_pay::phone_pay_journey().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_learner_pays_inside_wechat_with_jsapi_in_chromium() {
    wechat_pay::wechat_pay_journey().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_desktop_pays_by_scanning_the_native_qr_code_in_chromium() {
    desktop_pay::desktop_pay_journey().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_session_lasts_across_tabs_and_ends_at_log_out_in_chromium() {
    session::session_journey().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_step_the_guide_names_is_there_in_its_words_in_chromium() {
    guide::guide_journey().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_refused_form_shows_its_problems_beside_the_fields_in_chromium() {
    forms::refused_forms_journey().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_learner_prints_the_learning_record_and_an_employer_verifies_it_in_chromium() {
    record::record_journey().await;
}
