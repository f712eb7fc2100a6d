//! Reconciliation in the staff console, in Chromium: a learner pays a
//! Native order whose notice is lost (the simulator pays without notifying);
//! finance open 对账 for the day, run it on the local platform, find the
//! payment WeChat Pay has and the platform lacks, and apply it; the learner
//! then owns the bundle's hours, and the console shows who applied it.

use std::time::Instant;

use serde_json::json;
use ticedu_domain::reconciliation::china_date;
use ticedu_domain::staff::StaffRole;
use ticedu_store::Store;
use ticedu_store::ids::OrderNo;
use ticedu_store::records::OrderStatus;

use super::browser::{Browser, Driver, Result, check};
use super::{platform, succeeded};
use crate::helpers::{SIMULATOR, TestApp, payments, registration};

const DESKTOP: (u32, u32) = (1280, 900);

/// A learner's order paid in the simulator without the notice: (learner, order number).
async fn lost_notice<S: Store>(app: &TestApp<S>) -> Result<(ticedu_store::ids::LearnerId, String)> {
    let learner = app.register(&registration()).await;
    let order = succeeded(
        app.post(
            payments::WECHAT_ORDERS,
            Some(&learner.token),
            json!({ "items": [ { "kind": "bundle", "id": "certification-40" } ], "channel": "native" }),
        )
        .await,
    )?;
    let order = order["order_no"]
        .as_str()
        .ok_or("no order number")?
        .to_owned();
    succeeded(
        app.post(
            &format!("{SIMULATOR}/pay/{order}?notify=false"),
            None,
            json!({}),
        )
        .await,
    )?;
    Ok((learner.id, order))
}

async fn finance_apply<S: Store>(b: &Browser, app: &TestApp<S>) -> Result<()> {
    let (learner, order) = lost_notice(app).await?;
    let day = china_date(jiff::Timestamp::now()).to_string();
    let token = app.staff_token_with(&[StaffRole::Finance]).await;
    b.goto("/staff/").await?;
    b.js(&format!(
        "sessionStorage.setItem('ticedu.staff.token', {});",
        json!(token)
    ))
    .await?;

    b.step("finance open the day's reconciliation, not yet run");
    b.goto(&format!("/staff/reconciliation/?day={day}")).await?;
    b.wait_text("section.reconciliation .summary", "尚未对账")
        .await?;

    b.step("finance run it on the local platform and find the lost payment");
    b.click("form.reconciliation-day button.run").await?;
    let mismatch = format!("article[data-order='{order}']");
    b.wait_text(&mismatch, "微信有、平台无").await?;
    b.wait_text(&mismatch, "¥600.00").await?;
    b.wait_text("section.reconciliation .summary", "差异 1 笔")
        .await?;
    b.document_at("console-reconciliation", Some("section.reconciliation"))
        .await?;

    b.step("finance apply the payment");
    b.js("window.confirm = function () { return true; };")
        .await?;
    b.click(&format!("{mismatch} button.apply")).await?;
    b.wait_text(".console .status.ok", "已补记").await?;
    b.wait_text(&mismatch, "staff.finance").await?;
    if b.count(&format!("{mismatch} button.apply")).await? != 0 {
        return Err("an applied payment still offers to apply it".into());
    }
    let status = app
        .store
        .order(&OrderNo::parse(&order)?)
        .await?
        .ok_or("the order")?
        .status;
    if !matches!(status, OrderStatus::Paid { .. }) {
        return Err(format!("the order is {status:?}").into());
    }
    let owned = app.store.enrollments(&learner).await?.len();
    if owned != 40 {
        return Err(format!("the learner owns {owned} hours, not the bundle's 40").into());
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn finance_apply_a_lost_payment_from_the_days_reconciliation_in_chromium() {
    let started = Instant::now();
    let app = platform().await;
    let driver = Driver::start().await;
    let finance = Browser::open_sized(&driver, &app.address, "finance", DESKTOP).await;
    check(
        finance_apply(&finance, &app).await,
        &[&finance],
        "reconciliation",
    )
    .await;
    check(
        finance.no_script_errors().await,
        &[&finance],
        "reconciliation",
    )
    .await;
    finance.client.clone().close().await.ok();
    eprintln!("reconciliation in Chromium: {:?}", started.elapsed());
}
