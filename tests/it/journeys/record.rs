//! 学时证明 in Chromium at phone size: a learner with nothing learned is
//! told so on My learning; with three hours learned, the same link prints
//! the record; the PDF the page's session downloads carries a QR code whose
//! link an employer opens: verified, in Chinese and English; the same link
//! altered says it cannot be verified.

use jiff::civil::date;
use serde_json::json;

use super::browser::{Browser, Driver, Result, check};
use super::{log_in_with, scan_qr};
use crate::helpers::{Embedded, Kind, TestApp};

pub async fn record_journey() {
    let app = TestApp::builder(Embedded)
        .site()
        .today(date(2026, 3, 2))
        .spawn()
        .await;
    let learner = app.register_as(Kind::New).await;
    let driver = Driver::start().await;
    let b = Browser::open(&driver, &app.address, "record").await;
    let employer = Browser::open(&driver, &app.address, "employer").await;

    let result = async {
        b.step("nothing learned yet: the print link says so on the page");
        log_in_with(&b, &learner.token).await?;
        b.goto("/learning/").await?;
        b.click("a[data-record]").await?;
        b.wait_text(".print-record-link .status.bad", "还没有学过的学时")
            .await?;

        b.step("three hours learned: the link prints the record");
        app.credit(&learner.id, 600).await;
        let hours = app
            .buy(
                &learner.token,
                json!([{ "kind": "hour", "id": "draft-survey/1" }, { "kind": "hour", "id": "draft-survey/2" }, { "kind": "hour", "id": "draft-survey/3" }]),
            )
            .await;
        app.learn(&learner.token, &hours).await;
        b.goto("/learning/").await?;
        b.click("a[data-record]").await?;
        b.wait_text(".print-record-link .status.ok", "学时证明已下载")
            .await?;

        b.step("the PDF the page's session gets: its QR code's link");
        let pdf = b
            .js(r#"
                return fetch('/api/certificates/learning-record', { credentials: 'same-origin' })
                  .then(function (r) { return r.arrayBuffer(); })
                  .then(function (buffer) { return Array.from(new Uint8Array(buffer)); });
            "#)
            .await?;
        let pdf: Vec<u8> = serde_json::from_value(pdf)?;
        let link = scan_first_page(&pdf)?;
        let page = link
            .split_once("/verify/")
            .map(|(_, query)| format!("/verify/{query}"))
            .ok_or_else(|| format!("the QR code holds {link:?}"))?;
        if page.contains(learner.id_number()) || page.contains(&learner.username) {
            return Err(format!("personal data in the record's link: {page}").into());
        }

        employer.step("an employer opens the record's link");
        employer.goto(&page).await?;
        employer
            .wait_text(".record-result .verdict.valid", "协会出具的学时证明")
            .await?;
        let details = employer
            .wait_text(".record-result .result", "3 / 40")
            .await?;
        if !details.contains("钟*") || details.contains("钟检") {
            return Err(format!("the public page says {details:?}").into());
        }
        employer.document("verify-record").await?;

        employer.step("in English");
        employer.goto(&format!("/en{page}")).await?;
        employer
            .wait_text(".record-result .verdict.valid", "Issued by the association")
            .await?;

        employer.step("the same link with more hours cannot be verified");
        employer.goto(&page.replacen("&h=3&", "&h=30&", 1)).await?;
        employer
            .wait_text(".record-result .verdict.unverifiable", "无法核验")
            .await?;
        Ok(())
    }
    .await;
    check(result, &[&b, &employer], "record").await;
    for browser in [&b, &employer] {
        check(browser.no_script_errors().await, &[browser], "console").await;
    }
    b.client.clone().close().await.ok();
    employer.client.clone().close().await.ok();
}

/// The first page of `pdf` rendered at 150 dpi (Debian's `poppler-utils`), scanned.
fn scan_first_page(pdf: &[u8]) -> Result<String> {
    let dir = tempfile::tempdir()?;
    let file = dir.path().join("record.pdf");
    std::fs::write(&file, pdf)?;
    let prefix = dir.path().join("page");
    let rendered = std::process::Command::new("pdftoppm")
        .args(["-r", "150", "-png", "-f", "1", "-l", "1", "-singlefile"])
        .arg(&file)
        .arg(&prefix)
        .status()?;
    if !rendered.success() {
        return Err("pdftoppm could not render the record".into());
    }
    scan_qr(&std::fs::read(dir.path().join("page.png"))?)
}
