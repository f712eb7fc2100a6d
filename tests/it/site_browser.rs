//! The real site in headless Chromium (Debian's `chromium`): one page of
//! every template, in Chinese and English, on a phone-sized window, served
//! with the API by the local server; no page may log anything to the console
//! (script errors, failed loads).

use std::process::Command;

use crate::helpers::{Embedded, TestApp};

const PAGES: [&str; 13] = [
    "/",
    "/guide/",
    "/guide/fees/",
    "/courses/",
    "/courses/draft-survey/",
    "/courses/draft-survey/1/",
    "/register/",
    "/login/",
    "/learning/",
    "/pay/",
    "/certificates/",
    "/verify/",
    "/search/",
];

/// The DOM after scripts ran, and every console line Chromium logged.
fn visit(url: &str, profile: &std::path::Path) -> (String, Vec<String>) {
    let output = Command::new("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
            "--window-size=375,667",
            "--enable-logging=stderr",
            "--v=0",
            "--virtual-time-budget=2000",
            "--dump-dom",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(url)
        .output()
        .expect("chromium runs: install Debian's chromium (.ci/test does)");
    let console = String::from_utf8_lossy(&output.stderr)
        .lines()
        .filter(|line| line.contains(":CONSOLE"))
        .map(str::to_owned)
        .collect();
    (
        String::from_utf8_lossy(&output.stdout).into_owned(),
        console,
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_template_renders_in_chromium_without_console_messages() {
    let app = TestApp::builder(Embedded).site().spawn().await;
    let dir = tempfile::tempdir().unwrap();
    let profile = dir.path().join("chromium");
    let mut failures = Vec::new();
    for prefix in ["", "/en"] {
        for page in PAGES {
            let url = format!("{}{prefix}{page}", app.address);
            let visit_url = url.clone();
            let profile = profile.clone();
            let (dom, console) = tokio::task::spawn_blocking(move || visit(&visit_url, &profile))
                .await
                .unwrap();
            let expected_lang = if prefix.is_empty() {
                "lang=\"zh-CN\""
            } else {
                "lang=\"en\""
            };
            if !dom.contains(expected_lang) || !dom.contains("<main id=\"main\">") {
                failures.push(format!("{url}: the page did not render"));
            }
            failures.extend(console.into_iter().map(|line| format!("{url}: {line}")));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
