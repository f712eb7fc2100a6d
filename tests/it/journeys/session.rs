//! A learner's session as a browser keeps it (issue 22): logged in through
//! the form, still logged in in a second tab, shown by a masked name behind
//! the avatar, changing contact details in the account centre, logging out;
//! and the session cookie, copied before the log-out, refused afterwards by
//! a plain HTTP client; then 忘记密码 through the local outbox, and a log-in
//! with the new password.

use reqwest::StatusCode;
use reqwest::header::COOKIE;
use serde_json::Value;

use super::browser::{Browser, Driver, PASSWORD, check};
use super::platform;
use crate::helpers::{accounts, registration};

const NEW_PASSWORD: &str = "新的密码2027abc";

pub async fn session_journey() {
    let app = platform().await;
    let mut body = registration();
    body["password"] = Value::from(PASSWORD);
    let learner = app.register(&body).await;
    let driver = Driver::start().await;
    let b = Browser::open(&driver, &app.address, "session").await;
    let result = async {
        b.step("log in through the form: the session is a cookie scripts cannot read");
        b.goto("/login/").await?;
        b.fill(
            "form[data-app=login] input[name=username]",
            &learner.username,
        )
        .await?;
        b.fill("form[data-app=login] input[name=password]", PASSWORD)
            .await?;
        b.click("form[data-app=login] button[type=submit]").await?;
        b.wait_text("header .account-menu summary", "钟*").await?;
        let readable = b.js("return document.cookie;").await?;
        let readable = readable.as_str().unwrap_or_default();
        if readable.contains("ticedu-session") || readable.contains("eyJ") {
            return Err(format!("the page's scripts read {readable:?}").into());
        }
        let cookie = b.client.get_named_cookie("__Host-ticedu-session").await?;
        if cookie.http_only() != Some(true) || cookie.secure() != Some(true) {
            return Err(format!("the session cookie is {cookie:?}").into());
        }
        let copied = format!("__Host-ticedu-session={}", cookie.value());

        b.step("a second tab is logged in too");
        let first = b.client.window().await?;
        let tab = b.client.new_window(true).await?;
        b.client.switch_to_window(tab.handle).await?;
        b.goto("/account/").await?;
        b.wait_text("[data-app=account] .who-am-i", "钟*").await?;
        let shown = b.find("[data-app=account]").await?.text().await?;
        if shown.contains(learner.id_number()) {
            return Err("the account centre shows the ID number".into());
        }

        b.step("change the contact details in the account centre");
        b.fill("form.contact input[name=phone]", "13900139000")
            .await?;
        b.fill("form.contact input[name=email]", "zhong@example.cn")
            .await?;
        b.fill("form.contact input[name=current_password]", PASSWORD)
            .await?;
        b.click("form.contact button[type=submit]").await?;
        b.wait_text("form.contact .status.ok", "139****9000")
            .await?;
        let me = app.get(accounts::ME, Some(&learner.token)).await;
        if me.body["phone"] != "13900139000" || me.body["email"] != "zhong@example.cn" {
            return Err(format!("the account holds {}", me.body).into());
        }

        b.step("log out from the avatar's menu");
        b.client.close_window().await?;
        b.client.switch_to_window(first).await?;
        b.goto("/learning/").await?;
        b.click("header .account-menu summary").await?;
        b.click("header .account-menu button.logout").await?;
        b.wait_text("form[data-app=login] .status.ok", "您已退出登录")
            .await?;
        b.wait_text("header .who a[href='/login/']", "登录").await?;

        b.step("the copied cookie is refused: the session ended on the server");
        let replayed = app
            .send(
                app.raw(reqwest::Method::GET, accounts::ME)
                    .header(COOKIE, &copied),
            )
            .await;
        if (replayed.status, replayed.code()) != (StatusCode::UNAUTHORIZED, "auth.session_ended") {
            return Err(format!("the old cookie: {} {}", replayed.status, replayed.body).into());
        }

        b.step("忘记密码: a code through the local outbox, then a new password");
        b.click("form[data-app=login] a.forgot").await?;
        b.fill("form.ask-code input[name=username]", &learner.username)
            .await?;
        b.click("form.ask-code button[type=submit]").await?;
        b.wait_text("form.ask-code .status.ok", "验证码已经发出")
            .await?;
        let recovering = b.client.window().await?;
        let mail = b.client.new_window(true).await?;
        b.client.switch_to_window(mail.handle).await?;
        b.goto("/dev/outbox").await?;
        let text = b.wait_text("ol.outbox li.message pre", "验证码是 ").await?;
        let code: String = text
            .split_once("验证码是 ")
            .map(|(_, rest)| rest.chars().take(6).collect())
            .ok_or("no code in the outbox")?;
        b.client.close_window().await?;
        b.client.switch_to_window(recovering).await?;
        b.fill("form.reset input[name=code]", &code).await?;
        b.fill("form.reset input[name=new_password]", NEW_PASSWORD)
            .await?;
        b.click("form.reset button[type=submit]").await?;
        b.wait_text("form.reset .status.ok", "密码已重设").await?;

        b.step("log in with the new password");
        b.goto("/login/").await?;
        b.fill(
            "form[data-app=login] input[name=username]",
            &learner.username,
        )
        .await?;
        b.fill("form[data-app=login] input[name=password]", NEW_PASSWORD)
            .await?;
        b.click("form[data-app=login] button[type=submit]").await?;
        b.wait_text("header .account-menu summary", "钟*").await?;

        b.step("in English: the account centre tops up with a study card, changes the password, logs out");
        let staff = app.staff_token().await;
        let card = app.issue_cards(&staff, 1, 60_000, "English journey").await;
        b.goto("/en/account/").await?;
        b.wait_text("[data-app=account] .who-am-i", "Logged in: 钟*")
            .await?;
        b.fill("form.redeem input[name=code]", &card[0]).await?;
        b.click("form.redeem button[type=submit]").await?;
        b.wait_text("form.redeem .status.ok", "Credited ¥600.00")
            .await?;
        b.wait_text("[data-app=account] .balance", "Balance: ¥600.00")
            .await?;
        b.fill("form.password input[name=current_password]", NEW_PASSWORD)
            .await?;
        b.fill("form.password input[name=new_password]", "another2028pass")
            .await?;
        b.click("form.password button[type=submit]").await?;
        b.wait_text("form.password .status.ok", "Password changed")
            .await?;
        b.click("header .account-menu summary").await?;
        b.click("header .account-menu button.logout").await?;
        b.wait_text("form[data-app=login] .status.ok", "You have logged out")
            .await?;
        if !b.client.current_url().await?.path().starts_with("/en/") {
            return Err("logging out of an English page left English".into());
        }
        b.no_script_errors().await
    }
    .await;
    check(result, &[&b], "session").await;
    b.client.clone().close().await.ok();
}
