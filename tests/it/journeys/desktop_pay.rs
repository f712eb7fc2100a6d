//! Paying on a computer (issue 18): the pay page places a Native order for
//! the cart and draws its QR code; a phone's WeChat scans it (this test reads
//! the code from a screenshot with zbar and hands what it read to the
//! simulator, as WeChat would) and pays; the page, following the order,
//! sees it paid without being touched.

use serde_json::json;

use super::browser::{Browser, Driver, check};
use super::{log_in_with, mixed_cart, native_order_scanned, owns_mixed_cart, platform, succeeded};
use crate::helpers::Kind;

pub async fn desktop_pay_journey() {
    // The system clock: the simulator dates its notices now, and stale ones are refused.
    let app = platform().await;
    let learner = app.register_as(Kind::New).await;
    let driver = Driver::start().await;
    let b = Browser::open_sized(&driver, &app.address, "desktop", (1280, 800)).await;
    let result = async {
        b.step(
            "on a computer, put an elective, a certification course and a single hour in the cart",
        );
        log_in_with(&b, &learner.token).await?;
        mixed_cart(&b).await?;

        b.step("pay with WeChat Pay: a Native order, its QR code drawn on the page");
        let scanned = native_order_scanned(&b).await?;

        b.step("a phone's WeChat scans the code and pays; the page sees the order paid");
        succeeded(
            app.post(
                "/wechatpay-simulator/scan",
                None,
                json!({ "code_url": scanned }),
            )
            .await,
        )?;
        b.wait_text("form.wechat .status.ok", "支付成功").await?;
        b.wait_text("[data-app=pay] .cart-total", "购物车是空的")
            .await?;
        owns_mixed_cart(&app, &learner.id).await?;
        b.goto("/account/").await?;
        let orders = b.wait_text("[data-app=account] .orders", "已支付").await?;
        if orders.contains("待支付") || orders.lines().count() != 1 {
            return Err(format!("orders after paying: {orders:?}").into());
        }
        b.no_script_errors().await?;
        Ok(())
    }
    .await;
    check(result, &[&b], "desktop pay").await;
    b.client.clone().close().await.ok();
}
