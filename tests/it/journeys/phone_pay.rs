//! Paying from a phone's browser outside WeChat (issue 18): the pay page
//! takes WeChat Pay's H5 route, WeChat Pay's page (the local simulator's)
//! pays and sends the learner back, and the page shows the order paid.

use super::browser::{Browser, Driver, check};
use super::{log_in_with, mixed_cart, owns_mixed_cart, platform};
use crate::helpers::Kind;

/// Chrome on an Android phone: not WeChat's browser.
const ANDROID_CHROME: &str = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Mobile Safari/537.36";

pub async fn phone_pay_journey() {
    // The system clock: the simulator dates its notices now, and stale ones are refused.
    let app = platform().await;
    let learner = app.register_as(Kind::New).await;
    let driver = Driver::start().await;
    let b = Browser::open_with_agent(&driver, &app.address, "phone", ANDROID_CHROME).await;
    let result = async {
        b.step("on a phone, put an elective, a certification course and a single hour in the cart");
        log_in_with(&b, &learner.token).await?;
        mixed_cart(&b).await?;

        b.step("pay with WeChat Pay: to its H5 page and back, paid");
        b.click("form.wechat button[type=submit]").await?;
        b.wait_text("form.wechat .status.ok", "支付成功").await?;
        // Back on the pay page, which has taken `?paid=` out of the address:
        // a reload does not act on the payment twice.
        let url = b.client.current_url().await?;
        if url.path() != "/pay/" || url.query().is_some() {
            return Err(format!("back from WeChat Pay at {url}").into());
        }
        b.wait_text("[data-app=pay] .cart-total", "购物车是空的")
            .await?;
        owns_mixed_cart(&app, &learner.id).await?;
        Ok(())
    }
    .await;
    check(result, &[&b], "phone pay").await;
    b.client.clone().close().await.ok();
}
