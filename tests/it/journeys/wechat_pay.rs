//! Paying inside WeChat (issue 18): in WeChat's browser the pay page sends
//! the learner through WeChat's web authorisation (the simulator's, silent
//! as `snsapi_base` is), comes back, places a JSAPI order for the cart and
//! opens WeChat Pay's sheet with `WeixinJSBridge`, which this test plays by
//! paying through the simulator; the page then sees the order paid.

use ticedu_local::wechatpay_simulator::openid_of;
use ticedu_store::LearnerStore;

use super::browser::{Browser, Driver, check};
use super::{log_in_with, mixed_cart, owns_mixed_cart, platform};
use crate::helpers::Kind;

/// WeChat 8 on an Android phone.
const WECHAT_ANDROID: &str = "Mozilla/5.0 (Linux; Android 14; Pixel 8 Build/UQ1A; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/116.0.0.0 Mobile Safari/537.36 XWEB/1160065 MMWEBSDK/20231202 MMWEBID/2090 MicroMessenger/8.0.47.2560(0x28002F30) WeChat/arm64 Weixin NetType/WIFI Language/zh_CN ABI/arm64";

/// WeChat's bridge as a page inside WeChat finds it, announced with
/// `WeixinJSBridgeReady`: `getBrandWCPayRequest` opens the simulator's pay
/// sheet with the parameters it is given and answers as WeChat does.
const BRIDGE: &str = r#"
window.__bridgeCalls = [];
window.WeixinJSBridge = {
  invoke: function (name, params, callback) {
    window.__bridgeCalls.push({ name: name, params: params });
    if (name !== "getBrandWCPayRequest") { callback({ err_msg: name + ":fail" }); return; }
    fetch("/wechatpay-simulator/jsapi/pay", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(params) })
      .then(function (response) { callback({ err_msg: response.ok ? "get_brand_wcpay_request:ok" : "get_brand_wcpay_request:fail" }); });
  }
};
document.dispatchEvent(new Event("WeixinJSBridgeReady"));
"#;

pub async fn wechat_pay_journey() {
    // The system clock: the simulator dates its notices now, and stale ones are refused.
    let app = platform().await;
    let learner = app.register_as(Kind::New).await;
    let driver = Driver::start().await;
    let b = Browser::open_with_agent(&driver, &app.address, "wechat", WECHAT_ANDROID).await;
    let result = async {
        b.step(
            "inside WeChat, put an elective, a certification course and a single hour in the cart",
        );
        log_in_with(&b, &learner.token).await?;
        mixed_cart(&b).await?;

        b.step("pay with WeChat Pay: through WeChat's authorisation and back, a JSAPI order");
        b.click("form.wechat button[type=submit]").await?;
        b.wait_text("form.wechat .status.ok", "请在微信支付窗口中确认")
            .await?;
        let url = b.client.current_url().await?;
        if url.path() != "/pay/" || url.query().is_some() {
            return Err(format!("back from WeChat's authorisation at {url}").into());
        }
        let stored = app.store.learner(&learner.id).await?.ok_or("the learner")?;
        if stored.wechat_openid.map(String::from) != Some(openid_of("default")) {
            return Err("the openid WeChat gave is not bound to the learner".into());
        }

        b.step("WeChat's bridge becomes ready; its pay sheet pays; the page sees the order paid");
        b.js(BRIDGE).await?;
        b.wait_text("form.wechat .status.ok", "支付成功").await?;
        let calls = b.js("return window.__bridgeCalls;").await?;
        if calls.as_array().map(Vec::len) != Some(1)
            || calls[0]["name"] != "getBrandWCPayRequest"
            || calls[0]["params"]["signType"] != "RSA"
        {
            return Err(format!("the bridge was asked {calls}").into());
        }
        b.wait_text("[data-app=pay] .cart-total", "购物车是空的")
            .await?;
        owns_mixed_cart(&app, &learner.id).await?;
        b.no_script_errors().await?;
        Ok(())
    }
    .await;
    check(result, &[&b], "wechat pay").await;
    b.client.clone().close().await.ok();
}
