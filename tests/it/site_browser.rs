//! The real site in headless Chromium (Debian's `chromium`): one page of
//! every template, in Chinese and English, on a phone-sized window, served
//! with the API by the local server; no page may log anything to the console
//! (script errors, failed loads).

use std::process::Command;

use crate::helpers::{Embedded, TestApp};

const PAGES: [&str; 20] = [
    "/",
    "/guide/",
    "/guide/fees/",
    // Guide pages embedding a class hour and a notice through components.
    "/guide/learning/",
    "/guide/courses/",
    "/notices/",
    "/notices/2023-continuing-education/",
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
    "/staff/",
    "/staff/learners/",
    "/staff/cards/",
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

/// The staff console's pages ask robots not to index them, are in neither
/// the sitemap nor the search index, and say without JavaScript that they
/// need it.
#[test]
fn the_staff_console_is_kept_out_of_the_sitemap_and_search_and_needs_javascript() {
    let dir = tempfile::tempdir().unwrap();
    let site = crate::helpers::site::build_into(dir.path());
    let read = |file: &str| std::fs::read_to_string(site.join(file)).unwrap();
    let sitemap = read("sitemap.xml");
    assert!(sitemap.contains("/guide/fees/</loc>"), "{sitemap}");
    assert!(!sitemap.contains("/staff/"), "{sitemap}");
    for index in ["search_index.zh.json", "search_index.en.json"] {
        assert!(!read(index).contains("/staff/"), "{index}");
    }
    let pages = [
        "",
        "learners/",
        "queues/",
        "cards/",
        "orders/",
        "invoices/",
        "accounts/",
        "years/",
        "imports/",
        "audit/",
    ];
    for (prefix, notice) in [
        ("", "协会工作台需要启用 JavaScript"),
        ("en/", "The staff console needs JavaScript"),
    ] {
        for page in pages {
            let html = read(&format!("{prefix}staff/{page}index.html"));
            assert!(
                html.contains(r#"<meta name="robots" content="noindex, nofollow">"#),
                "/{prefix}staff/{page}"
            );
            assert!(html.contains(notice), "/{prefix}staff/{page}");
            assert!(html.contains("staff.js"), "/{prefix}staff/{page}");
        }
    }
}

/// The guide's fee and batch tables are built from `site/data/`; in a
/// browser, `year.js` replaces them with the year staff entered since.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_guide_shows_the_year_staff_entered_after_the_build() {
    use crate::helpers::{admin, path};
    let app = TestApp::builder(Embedded)
        .site()
        .today(jiff::civil::date(2027, 1, 4))
        .spawn()
        .await;
    let staff = app.staff_token().await;
    let settings = serde_json::json!({
        "source": "测试：中检协〔2027〕1号",
        "price_per_hour_fen": 1650,
        "batch_expiry_dates": ["2027-07-06"],
        "certificate_available_after_working_days": 7,
        "returning_learner_free_mandatory": false,
        "class_hour_minutes": 45,
        "expected_version": 0,
    });
    let saved = app
        .put(
            &path(admin::YEAR_SETTINGS, &[&2027]),
            Some(&staff),
            settings,
        )
        .await;
    assert!(saved.status.is_success(), "{}", saved.body);
    // Made up for the test: 2027's real calendar is entered by staff.
    let calendar = serde_json::json!({
        "source": "测试用数据，非官方通知",
        "holidays": [{ "name": "元旦", "from": "2027-01-01", "to": "2027-01-03" }],
        "workdays": [],
        "expected_version": 0,
    });
    let saved = app
        .put(
            &path(admin::YEAR_CALENDAR, &[&2027]),
            Some(&staff),
            calendar,
        )
        .await;
    assert!(saved.status.is_success(), "{}", saved.body);

    let built =
        std::fs::read_to_string(app.site.as_ref().unwrap().join("guide/fees/index.html")).unwrap();
    assert!(
        built.contains("<td data-fen=\"40\">600</td>"),
        "the build has the data file's year"
    );

    let dir = tempfile::tempdir().unwrap();
    let profile = dir.path().join("chromium");
    let fees = format!("{}/guide/fees/", app.address);
    let (dom, console) = tokio::task::spawn_blocking(move || visit(&fees, &profile))
        .await
        .unwrap();
    assert!(console.is_empty(), "{console:?}");
    assert!(dom.contains("<span data-year=\"\">2027</span>"), "{dom}");
    assert!(dom.contains("<td data-fen=\"40\">660</td>"), "{dom}");
    // 2027 grants no discount: returning holders pay the full 40 hours.
    assert!(
        dom.contains("<td data-fen=\"40\" data-returning=\"\">660</td>"),
        "{dom}"
    );

    let profile = dir.path().join("chromium");
    let batches = format!("{}/guide/certificates/", app.address);
    let (dom, _) = tokio::task::spawn_blocking(move || visit(&batches, &profile))
        .await
        .unwrap();
    assert!(
        dom.contains("<th scope=\"row\">2027-07-06</th><td>2027-07-15</td>"),
        "{dom}"
    );
    assert!(
        !dom.contains("2023-07-17"),
        "the built 2023 rows were replaced"
    );
}
