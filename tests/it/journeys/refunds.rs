//! Orders that settle, in Chromium: a learner cancels an unpaid WeChat Pay
//! order under 我的订单 (its hour is free again at once); finance look up a
//! balance order in the console and refund one of its hours; the learner's
//! balance has the money back and the hour is withdrawn. And a double
//! payment: an order paid in WeChat at the last moment whose notice is lost,
//! the hour bought again from the balance elsewhere once it expired, ends
//! with one purchase and one refund that 我的订单 shows. And invoices for
//! everyone: a person by name, a company with its credit code and a paper
//! invoice to a named recipient.

use std::time::Instant;

use serde_json::{Value, json};
use ticedu_domain::staff::StaffRole;
use ticedu_store::Store;
use ticedu_store::records::InvoiceStatus;

use super::browser::{Browser, Driver, Result, check};
use super::{log_in_with, platform, succeeded};
use crate::helpers::{Embedded, SIMULATOR, TestApp, WeChat, accounts, payments, registration};

const DESKTOP: (u32, u32) = (1280, 900);

/// A learner with ¥1,000 in the balance: their token.
async fn learner_with_balance<S: Store>(app: &TestApp<S>) -> Result<String> {
    let learner = app.register(&registration()).await;
    let staff = app.staff_token().await;
    let code = app.issue_cards(&staff, 1, 100_000, "bank transfer").await;
    succeeded(app.redeem(&learner.token, &code[0]).await)?;
    Ok(learner.token)
}

fn balance(me: &Value) -> u64 {
    me["balance_fen"].as_u64().unwrap_or_default()
}

async fn cancel_and_refund<S: Store>(
    learner_browser: &Browser,
    finance_browser: &Browser,
    app: &TestApp<S>,
) -> Result<()> {
    let token = learner_with_balance(app).await?;
    let bought = succeeded(
        app.post(
            payments::PURCHASE,
            Some(&token),
            json!({ "items": [ { "kind": "hour", "id": "draft-survey/1" }, { "kind": "hour", "id": "draft-survey/2" } ] }),
        )
        .await,
    )?;
    let (bought_no, total) = (
        bought["order_no"]
            .as_str()
            .ok_or("an order number")?
            .to_owned(),
        bought["total_fen"].as_u64().ok_or("a total")?,
    );
    let pending = succeeded(
        app.post(
            payments::WECHAT_ORDERS,
            Some(&token),
            json!({ "items": [ { "kind": "hour", "id": "draft-survey/3" } ], "channel": "native" }),
        )
        .await,
    )?;
    let pending_no = pending["order_no"]
        .as_str()
        .ok_or("an order number")?
        .to_owned();

    let b = learner_browser;
    b.step("the learner finds the unpaid order under 我的订单 and cancels it");
    log_in_with(b, &token).await?;
    b.goto("/account/").await?;
    b.wait_text("ul.orders", &pending_no).await?;
    b.wait_text("ul.orders", "待支付").await?;
    b.click("ul.orders button.cancel-order").await?;
    b.wait_text("ul.orders", "已取消").await?;
    if b.count("ul.orders button.cancel-order").await? != 0 {
        return Err("a cancelled order still offers to cancel it".into());
    }
    succeeded(
        app.post(
            payments::PURCHASE,
            Some(&token),
            json!({ "items": [ { "kind": "hour", "id": "draft-survey/3" } ] }),
        )
        .await,
    )
    .map_err(|e| format!("the cancelled order's hour could not be bought: {e}"))?;

    let f = finance_browser;
    f.step("finance look up the balance order and refund one hour");
    let before = balance(&app.get(accounts::ME, Some(&token)).await.body);
    let finance = app.staff_token_with(&[StaffRole::Finance]).await;
    f.goto("/staff/").await?;
    f.js(&format!(
        "sessionStorage.setItem('ticedu.staff.token', {});",
        json!(finance)
    ))
    .await?;
    f.goto("/staff/orders/").await?;
    f.fill("form.order-find input[name=order]", &bought_no)
        .await?;
    f.click("form.order-find button").await?;
    f.wait_text("article.order", "已支付").await?;
    f.click("form.refund input[value='draft-survey/2']").await?;
    f.fill("form.refund input[name=note]", "学员退课").await?;
    f.js("window.confirm = function () { return true; };")
        .await?;
    f.click("form.refund button[type=submit]").await?;
    f.wait_text(".console .status.ok", "已退款").await?;
    f.wait_text("article.order ul.refunds", "已退款").await?;
    f.wait_text("article.order ul.refunds", "学员退课").await?;
    f.document_at("console-refund", Some("article.order"))
        .await?;

    let after = balance(&app.get(accounts::ME, Some(&token)).await.body);
    if after != before + total / 2 {
        return Err(format!(
            "the balance went from {before} to {after}, not up by {}",
            total / 2
        )
        .into());
    }
    let lesson = app.open_lesson(&token, "draft-survey/2").await;
    if lesson.code() != "learning.hour_not_bought" {
        return Err(format!("the refunded hour still opens: {}", lesson.body).into());
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_learner_cancels_an_order_and_finance_refunds_one_in_chromium() {
    let started = Instant::now();
    let app = platform().await;
    let driver = Driver::start().await;
    let learner = Browser::open(&driver, &app.address, "learner").await;
    let finance = Browser::open_sized(&driver, &app.address, "finance", DESKTOP).await;
    check(
        cancel_and_refund(&learner, &finance, &app).await,
        &[&learner, &finance],
        "refunds",
    )
    .await;
    for browser in [&learner, &finance] {
        check(browser.no_script_errors().await, &[browser], "refunds").await;
    }
    learner.client.clone().close().await.ok();
    finance.client.clone().close().await.ok();
    eprintln!("cancel and refund in Chromium: {:?}", started.elapsed());
}

async fn paid_twice<S: Store>(b: &Browser, app: &TestApp<S>) -> Result<()> {
    let token = learner_with_balance(app).await?;
    let hour = "draft-survey/3";
    let placed = succeeded(
        app.post(
            payments::WECHAT_ORDERS,
            Some(&token),
            json!({ "items": [ { "kind": "hour", "id": hour } ], "channel": "native" }),
        )
        .await,
    )?;
    let order = placed["order_no"]
        .as_str()
        .ok_or("an order number")?
        .to_owned();
    b.step("the learner pays in WeChat at the last moment; the notice is lost and the order expires here");
    succeeded(
        app.post(
            &format!("{SIMULATOR}/pay/{order}?notify=false"),
            None,
            json!({}),
        )
        .await,
    )?;
    tokio::time::sleep(std::time::Duration::from_millis(3_200)).await;

    // On another device, without opening 我的订单 (which would have asked WeChat
    // Pay about the order first, found the payment, and refused buying it again).
    b.step("the learner buys the hour again from the balance elsewhere");
    succeeded(
        app.post(
            payments::PURCHASE,
            Some(&token),
            json!({ "items": [ { "kind": "hour", "id": hour } ] }),
        )
        .await,
    )?;
    log_in_with(b, &token).await?;

    b.step("我的订单 shows the WeChat Pay order paid and refunded");
    let mut shown = String::new();
    for _ in 0..30 {
        b.goto("/account/").await?;
        shown = b.wait_text("ul.orders", &order).await?;
        if shown.contains("已退款") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    }
    if !shown.contains("已退款") {
        return Err(format!("我的订单 shows no refund: {shown}").into());
    }
    let orders = succeeded(app.get(payments::ORDERS, Some(&token)).await)?;
    let list = orders["orders"].as_array().ok_or("orders")?;
    let paid = list.iter().filter(|o| o["status"] == "paid").count();
    let refunds: Vec<&Value> = list
        .iter()
        .flat_map(|o| o["refunds"].as_array().into_iter().flatten())
        .collect();
    if paid != 2 || refunds.len() != 1 || refunds[0]["reason"] != "already_owned" {
        return Err(format!("not one purchase and one refund: {orders}").into());
    }
    let at_wechat = app.simulator.as_ref().ok_or("a simulator")?.refunds().len();
    if at_wechat != 1 {
        return Err(format!("{at_wechat} refunds asked of WeChat Pay").into());
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_double_payment_ends_with_one_purchase_and_one_refund_in_chromium() {
    // The system clock (the simulator dates its notices now), orders that expire in 3 seconds.
    let app = TestApp::builder(Embedded)
        .site()
        .wechat(WeChat::BuiltIn)
        .order_lifetime(3)
        .spawn()
        .await;
    let driver = Driver::start().await;
    let learner = Browser::open(&driver, &app.address, "learner").await;
    check(
        paid_twice(&learner, &app).await,
        &[&learner],
        "double payment",
    )
    .await;
    check(
        learner.no_script_errors().await,
        &[&learner],
        "double payment",
    )
    .await;
    learner.client.clone().close().await.ok();
}

/// Ticks `order` under 我的订单 and requests its invoice with the form as filled by `fill`.
async fn request_invoice(b: &Browser, order: &str, fill: &str) -> Result<()> {
    b.goto("/account/").await?;
    b.wait_text("ul.orders", order).await?;
    // 登录后点"开具发票", as the guide says.
    b.click("button.open-invoice").await?;
    b.click(&format!("ul.orders input[value='{order}']"))
        .await?;
    b.js(fill).await?;
    b.click("form.invoice button[type=submit]").await?;
    b.wait_text(".invoice-result .status.ok", "发票申请已提交")
        .await?;
    Ok(())
}

async fn invoices<S: Store>(b: &Browser, app: &TestApp<S>) -> Result<()> {
    let token = learner_with_balance(app).await?;
    let mut orders = Vec::new();
    for hour in ["draft-survey/1", "draft-survey/2"] {
        let bought = succeeded(
            app.post(
                payments::PURCHASE,
                Some(&token),
                json!({ "items": [ { "kind": "hour", "id": hour } ] }),
            )
            .await,
        )?;
        orders.push(
            bought["order_no"]
                .as_str()
                .ok_or("an order number")?
                .to_owned(),
        );
    }
    log_in_with(b, &token).await?;

    b.step("an individual asks for an electronic invoice by name only");
    request_invoice(
        b,
        &orders[0],
        r#"var f = document.querySelector("form.invoice");
           f.elements.buyer_name.value = "钟检";
           f.elements.email.value = "zhong@example.cn";"#,
    )
    .await?;

    b.step("a company asks for a paper invoice with its credit code, sent to a named recipient");
    request_invoice(
        b,
        &orders[1],
        r#"var f = document.querySelector("form.invoice");
           f.elements.buyer_kind.value = "company";
           f.elements.buyer_kind.dispatchEvent(new Event("change"));
           f.elements.buyer_name.value = "中国检验认证集团北京有限公司";
           f.elements.taxpayer_id.value = "91350100M000100Y43";
           f.elements.email.value = "finance@example.cn";
           f.elements.delivery.value = "paper";
           f.elements.delivery.dispatchEvent(new Event("change"));
           f.elements.recipient.value = "王会计";
           f.elements.phone.value = "13800138000";
           f.elements.address.value = "北京市朝阳区某路 1 号";"#,
    )
    .await?;
    let listed = b.wait_text("ul.orders", &orders[1]).await?;
    if listed.matches("已申请发票").count() != 2 {
        return Err(format!("both orders should show an invoice requested: {listed}").into());
    }
    if b.count("form.invoice:not([hidden])").await? != 0 {
        return Err("the invoice form stays with nothing left to invoice".into());
    }
    let mut requested = app
        .store
        .invoices_with_status(InvoiceStatus::Requested)
        .await?;
    requested.sort_by_key(|invoice| invoice.taxpayer_id.is_some());
    let made_out: Vec<(&str, bool)> = requested
        .iter()
        .map(|invoice| (invoice.buyer_name.as_str(), invoice.taxpayer_id.is_some()))
        .collect();
    if made_out != [("钟检", false), ("中国检验认证集团北京有限公司", true)] {
        return Err(format!("the invoices stored: {made_out:?}").into());
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_person_and_a_company_request_invoices_in_chromium() {
    let app = platform().await;
    let driver = Driver::start().await;
    let learner = Browser::open(&driver, &app.address, "learner").await;
    check(invoices(&learner, &app).await, &[&learner], "invoices").await;
    learner.client.clone().close().await.ok();
}
