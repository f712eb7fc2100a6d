//! A lesson in Chromium at phone size (issue 17): before buying, the hour
//! page keeps its lecture locked; the learner buys the course, the lecture
//! plays (its `currentTime` advances), 学过了 pressed early is refused with
//! the time left, and accepted once the study length has passed on the
//! platform's clock (1-minute hours); the courseware shows with its figure. The lecture's bare URL is refused, and
//! the signature for hour 1 does not open hour 2.

use std::time::{Duration, Instant};

use jiff::ToSpan;
use jiff::civil::date;
use serde_json::json;

use super::browser::{Browser, Driver, WAIT, check};
use super::log_in_with;
use crate::helpers::{Embedded, Kind, TestApp};

const COURSE: &str = "acceptance-sampling-gbt-2828-1";

pub async fn lesson_journey() {
    let app = TestApp::builder(Embedded)
        .site()
        .today(date(2026, 3, 2))
        .class_hour_minutes(1)
        .spawn()
        .await;
    let learner = app.register_as(Kind::New).await;
    app.credit(&learner.id, 600).await;
    let driver = Driver::start().await;
    let b = Browser::open(&driver, &app.address, "lesson").await;

    let result = async {
        b.step("log in (the token the API issued), and find the lecture locked");
        log_in_with(&b, &learner.token).await?;
        let hour = format!("/courses/{COURSE}/1/");
        b.goto(&hour).await?;
        b.wait_text(".lesson .locked", "仅向已购买本学时的学员开放")
            .await?;
        b.wait_text("[data-lesson] .status.bad", "购买").await?;
        if b.js("return document.querySelector('video.lecture').hidden;").await? != json!(true)
        {
            return Err("the lecture shows before the hour is bought".into());
        }

        b.step("buy the course: into the cart, paid from the balance");
        b.goto(&format!("/courses/{COURSE}/")).await?;
        b.click("form[data-buy] button[type=submit]").await?;
        b.wait_text("form[data-buy] .status.ok", "已加入购物车").await?;
        b.goto("/pay/").await?;
        b.wait_text("[data-app=pay] .cart-total", "合计").await?;
        b.click("form.checkout button.pay-balance").await?;
        b.wait_text("form.checkout .status.ok", "购买成功").await?;

        b.step("the lecture plays");
        b.goto(&hour).await?;
        b.wait_text("[data-lesson] .status.ok", "还需学习约 1 分钟")
            .await?;
        b.js("var v = document.querySelector('video.lecture'); v.muted = true; v.play();")
            .await?;
        let started = Instant::now();
        loop {
            let at = b
                .js("var v = document.querySelector('video.lecture'); return v.hidden ? -1 : v.currentTime;")
                .await?;
            if at.as_f64().is_some_and(|seconds| seconds > 1.0) {
                break;
            }
            if started.elapsed() > WAIT {
                let error = b
                    .js("var v = document.querySelector('video.lecture'); return [v.currentSrc, v.error && v.error.code, v.readyState];")
                    .await?;
                return Err(format!("the lecture does not play: currentTime {at}, [src, error, readyState] {error}").into());
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        b.document_at("lesson", Some(".lesson")).await?;

        b.step("the courseware shows, its figure loaded through the hour's signature");
        b.wait_text(".lesson .courseware", "批").await?;
        let started = Instant::now();
        loop {
            let figure = b
                .js("var img = document.querySelector('.courseware img'); return img ? [img.complete, img.naturalWidth] : null;")
                .await?;
            if figure[0] == json!(true) && figure[1].as_u64().is_some_and(|width| width > 0) {
                break;
            }
            if started.elapsed() > WAIT {
                return Err(format!("the courseware's figure did not load: {figure}").into());
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }

        b.step("学过了 too early is refused with the time left");
        b.click("form.mark button[type=submit]").await?;
        b.wait_text("form.mark .status.bad", "本学时还需学习").await?;

        b.step("after the study length, 学过了 is recorded");
        let later = app.platform.clock.now() + 61.seconds();
        app.platform.clock.set(later);
        b.click("form.mark button[type=submit]").await?;
        b.wait_text("form.mark .status.ok", "已记录").await?;

        b.step("the lecture's URL without the signature, and on hour 2, is refused");
        let statuses = b
            .js(r#"
                var signed = document.querySelector('video.lecture').src;
                var bare = signed.split('?')[0];
                var query = signed.split('?')[1];
                var other = bare.replace('/1/lecture.mp4', '/2/lecture.mp4') + '?' + query;
                return Promise.all([signed, bare, other].map(function (url) {
                    return fetch(url, { headers: { Range: 'bytes=0-99' } }).then(function (r) { return r.status; });
                }));
            "#)
            .await?;
        if statuses != json!([206, 403, 403]) {
            return Err(format!(
                "[own signed range, bare URL, hour 1's signature on hour 2] answered {statuses}"
            )
            .into());
        }
        let errors = b.script_errors().await;
        // The refused fetches above are the test's own; nothing else may fail.
        let unexpected: Vec<&String> = errors.iter().filter(|e| !e.contains("403")).collect();
        if unexpected.is_empty() {
            Ok(())
        } else {
            Err(format!("script errors: {unexpected:#?}").into())
        }
    }
    .await;
    check(result, &[&b], "lesson").await;
    b.client.clone().close().await.ok();
}
