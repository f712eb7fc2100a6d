//! axe-core (Deque's accessibility engine, MPL-2.0) in headless Chromium on
//! one page of every template, in Chinese and English, at phone size: no
//! serious or critical violation. The learner's pages are checked logged
//! out and logged in with a bought course; the registration form also with
//! its errors shown beside the fields, the home page also with its menu open.
//!
//! axe-core is not vendored: `.ci/test` installs it from npm into
//! `~/.cache/ticedu/axe` (`TICEDU_AXE_CORE` names another `axe.min.js`).

use std::path::PathBuf;
use std::time::Duration;

use serde_json::json;

use crate::helpers::{Embedded, Kind, TestApp};
use crate::journeys::browser::{Browser, Driver};
use crate::journeys::log_in_with;

/// One page of each template anyone can open.
const PAGES: [&str; 27] = [
    "/",
    "/notices/",
    "/notices/2023-continuing-education/",
    "/guide/",
    "/guide/fees/",
    "/courses/",
    "/courses/draft-survey/",
    "/courses/draft-survey/1/",
    "/search/",
    "/register/",
    "/login/",
    "/learning/",
    "/pay/",
    "/certificates/",
    "/verify/",
    "/verify/?no=CIQ-2026-000000",
    "/help/",
    "/help/refunds/",
    "/help/privacy/",
    "/no-such-page/",
    "/staff/",
    "/staff/learners/",
    "/staff/queues/",
    "/staff/cards/",
    "/staff/orders/",
    "/staff/years/",
    "/staff/audit/",
];

/// The learner's own pages, checked again logged in.
const LEARNER_PAGES: [&str; 4] = [
    "/learning/",
    "/pay/",
    "/certificates/",
    "/courses/draft-survey/1/",
];

fn axe_source() -> String {
    let path = std::env::var_os("TICEDU_AXE_CORE")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(std::env::var_os("HOME").unwrap_or_default())
                .join(".cache/ticedu/axe/node_modules/axe-core/axe.min.js")
        });
    std::fs::read_to_string(&path).unwrap_or_else(|error| {
        panic!(
            "axe-core at {}: {error}; install it with `npm install --prefix ~/.cache/ticedu/axe axe-core@4.14.1` (.ci/test does)",
            path.display()
        )
    })
}

/// Runs axe on the page as it stands; the serious and critical violations, in words.
async fn violations(b: &Browser, axe: &str, at: &str) -> Vec<String> {
    // Let the page's scripts answer from the API first.
    tokio::time::sleep(Duration::from_millis(600)).await;
    b.js(axe).await.expect("axe-core loads into the page");
    let found = b
        .client
        .execute_async(
            "var done = arguments[arguments.length - 1];
             axe.run(document)
               .then(function (r) { done({ passes: r.passes.length, violations: r.violations.map(function (v) {
                 return { id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map(function (n) { return n.target.join(' '); }) };
               }) }); })
               .catch(function (e) { done({ error: String(e) }); });",
            vec![],
        )
        .await
        .expect("axe runs");
    // A run that checked nothing would pass anything.
    if found["passes"].as_u64().unwrap_or(0) == 0 {
        return vec![format!("{at}: axe did not run: {found}")];
    }
    found["violations"]
        .as_array()
        .expect("axe's violations")
        .iter()
        .filter(|v| matches!(v["impact"].as_str(), Some("serious" | "critical")))
        .map(|v| {
            format!(
                "{at}: {} ({}): {} — {}",
                v["id"], v["impact"], v["help"], v["nodes"]
            )
        })
        .collect()
}

async fn check_pages(b: &Browser, axe: &str, pages: &[&str], failures: &mut Vec<String>) {
    for prefix in ["", "/en"] {
        for page in pages {
            let at = format!("{prefix}{page}");
            b.goto(&at).await.expect("the page opens");
            failures.extend(violations(b, axe, &at).await);
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_template_has_no_serious_or_critical_accessibility_violation() {
    let axe = axe_source();
    let app = TestApp::builder(Embedded).site().spawn().await;
    let driver = Driver::start().await;
    let b = Browser::open(&driver, &app.address, "accessibility").await;
    let mut failures = Vec::new();

    check_pages(&b, &axe, &PAGES, &mut failures).await;

    for prefix in ["", "/en"] {
        let at = format!("{prefix}/ (menu open)");
        b.goto(&format!("{prefix}/")).await.unwrap();
        b.click("header.top details.menu summary").await.unwrap();
        failures.extend(violations(&b, &axe, &at).await);

        let at = format!("{prefix}/register/ (refused)");
        b.goto(&format!("{prefix}/register/")).await.unwrap();
        b.fill("form[data-app=register] input[name=name]", "钟3")
            .await
            .unwrap();
        b.click("form[data-app=register] input[name=consent]")
            .await
            .unwrap();
        b.fill("form[data-app=register] input[name=password]", "abc")
            .await
            .unwrap();
        b.click("form[data-app=register] button[type=submit]")
            .await
            .unwrap();
        b.find("form[data-app=register] .field-error")
            .await
            .unwrap();
        failures.extend(violations(&b, &axe, &at).await);

        let at = format!("{prefix}/search/ (results)");
        b.goto(&format!("{prefix}/search/")).await.unwrap();
        b.fill("form[data-app=search] input[name=q]", "抽样")
            .await
            .unwrap();
        failures.extend(violations(&b, &axe, &at).await);
    }

    let learner = app.register_as(Kind::New).await;
    let staff = app.staff_token().await;
    let cards = app.issue_cards(&staff, 1, 60_000, "无障碍检查").await;
    app.redeem(&learner.token, &cards[0]).await;
    app.buy(
        &learner.token,
        json!([{ "kind": "course", "id": "draft-survey" }]),
    )
    .await;
    log_in_with(&b, &learner.token).await.unwrap();
    check_pages(&b, &axe, &LEARNER_PAGES, &mut failures).await;

    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
