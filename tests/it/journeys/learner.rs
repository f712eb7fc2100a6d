//! The learner's journey: register, log in, redeem a card, buy, pay through
//! the simulator, learn every hour, file, get and download the certificate.

use std::time::{Duration, Instant};

use serde_json::json;
use ticedu_tests::fixtures::{id_number, id_number_seed};

use super::browser::{Browser, PASSWORD, Result, WAIT};
use super::{App, Issued, bundle_into_cart, native_order_scanned};

pub async fn learner_journey(b: &Browser, app: &App, staff: &str) -> Result<Issued> {
    let id_number = id_number(id_number_seed());
    let id_number = id_number.expose();

    b.step(
        "a refused registration shows every problem beside its field, the first focused, no codes",
    );
    b.goto("/register/").await?;
    b.click("form[data-app=register] button[type=submit]")
        .await?;
    b.wait_text("form[data-app=register] .status.bad", "处需要修改")
        .await?;
    if b.js("return document.activeElement.name;").await? != json!("name") {
        return Err("the first empty field is not focused".into());
    }
    b.fill("form[data-app=register] input[name=name]", "钟3")
        .await?;
    b.fill(
        "form[data-app=register] input[name=id_number]",
        "1101051990",
    )
    .await?;
    b.find("form[data-app=register] select[name=category]")
        .await?
        .select_by_value("new")
        .await?;
    b.fill("form[data-app=register] input[name=password]", PASSWORD)
        .await?;
    b.click("form[data-app=register] input[name=consent]")
        .await?;
    b.click("form[data-app=register] button[type=submit]")
        .await?;
    // From the API, at once: the name, the ID number, the empty date, no phone or e-mail.
    b.wait_text("form[data-app=register] .status.bad", "有 4 处需要修改")
        .await?;
    let beside = b
        .js("return Array.from(document.querySelectorAll('form[data-app=register] [aria-invalid=true]')).map(f => f.name + ': ' + document.getElementById(f.getAttribute('aria-describedby').split(' ').pop()).textContent);")
        .await?
        .to_string();
    for said in [
        "name: 姓名",
        "id_number: 身份证",
        "learning_started_on: 请填写开始学习日期",
        "phone: 联系电话",
    ] {
        if !beside.contains(said) {
            return Err(format!("{said:?} is not beside its field: {beside}").into());
        }
    }
    if beside.contains('(') || beside.contains("id_number.") || beside.contains("date.") {
        return Err(format!("a code reaches the page: {beside}").into());
    }
    if b.js("return document.activeElement.name;").await? != json!("name") {
        return Err("the first refused field is not focused".into());
    }
    b.document("register-errors").await?;

    b.step("register");
    b.goto("/").await?;
    b.document("home").await?;
    b.goto("/register/").await?;
    b.fill("form[data-app=register] input[name=name]", "钟检")
        .await?;
    b.fill("form[data-app=register] input[name=id_number]", id_number)
        .await?;
    b.find("form[data-app=register] select[name=category]")
        .await?
        .select_by_value("new")
        .await?;
    // A date input takes typed text in the locale's order; set the ISO value instead.
    b.js("var f = document.querySelector('input[name=learning_started_on]'); f.value = '2026-03-01'; f.dispatchEvent(new Event('input', {bubbles: true}));")
        .await?;
    b.fill("form[data-app=register] input[name=phone]", "13800138000")
        .await?;
    b.fill("form[data-app=register] input[name=password]", PASSWORD)
        .await?;
    b.click("form[data-app=register] input[name=consent]")
        .await?;
    b.click("form[data-app=register] button[type=submit]")
        .await?;
    let said = b
        .wait_text("form[data-app=register] .status.ok", "您的用户名是：")
        .await?;
    let username = said
        .split_once("您的用户名是：")
        .and_then(|(_, rest)| rest.split('。').next())
        .ok_or("no username")?
        .trim()
        .to_owned();
    let expected = format!("钟检{}{}", &id_number[..6], &id_number[14..]);
    if username != expected {
        return Err(format!("the page shows username {username:?}, not {expected:?}").into());
    }
    b.document("register").await?;

    b.step("log in");
    b.goto("/login/").await?;
    b.fill("form[data-app=login] input[name=username]", &username)
        .await?;
    b.fill("form[data-app=login] input[name=password]", PASSWORD)
        .await?;
    b.click("form[data-app=login] button[type=submit]").await?;
    b.wait_text("[data-app=learning] .status", "您还没有购买课程")
        .await?;
    // The learner's home says where they stand and the one thing to do now.
    b.wait_text(
        "[data-app=learning] .next-action .stages li[aria-current=step]",
        "缴费选课",
    )
    .await?;
    b.wait_text("[data-app=learning] .next-action a.todo-link", "去选课")
        .await?;

    b.step("staff issue a study card; the learner redeems it");
    let code = app
        .issue_cards(staff, 1, 30_000, "工行转账 钟检 300 元")
        .await
        .remove(0);
    // As the guide says: 点头像 → 账户中心 → 元账户 → 学习卡.
    b.click("header .account-menu summary.avatar").await?;
    b.wait_text("header .account-menu a", "账户中心").await?;
    b.click("header .account-menu a[href='/account/']").await?;
    b.wait_text("#yuan-account h2", "元账户").await?;
    b.wait_text("#yuan-account h3", "学习卡").await?;
    b.wait_text("[data-app=account] .balance", "¥0.00").await?;
    // As printed on the card: in groups of four.
    let typed = code
        .as_bytes()
        .chunks(4)
        .map(|chunk| std::str::from_utf8(chunk).unwrap())
        .collect::<Vec<_>>()
        .join("-");
    b.fill("form.redeem input[name=code]", &typed).await?;
    b.click("form.redeem button[type=submit]").await?;
    b.wait_text("form.redeem .status.ok", "已充值 ¥300.00")
        .await?;
    b.wait_text("[data-app=account] .balance", "¥300.00")
        .await?;

    b.step("put mandatory hours (confirming they will not count), an elective and one hour in the cart; pay from the balance");
    for (course, mandatory) in [
        ("practitioner-code-of-conduct", true),
        ("draft-survey", false),
    ] {
        b.goto(&format!("/courses/{course}/")).await?;
        if mandatory {
            // A new learner: the page warns, and buying takes a second choice.
            b.wait_text("form[data-buy] .buy-warning", "不计入学时")
                .await?;
            b.click("form[data-buy] button[type=submit]").await?;
            b.wait_text("form[data-buy] .confirm-buy", "确定仍要购买")
                .await?;
            b.click("form[data-buy] button.confirm").await?;
        } else {
            b.click("form[data-buy] button[type=submit]").await?;
        }
        b.wait_text("form[data-buy] .status.ok", "已加入购物车")
            .await?;
    }
    b.document("course").await?;
    // A single hour, from its own page.
    b.goto("/courses/acceptance-sampling-gbt-2828-1/3/").await?;
    b.click("form[data-buy] button[type=submit]").await?;
    b.wait_text("form[data-buy] .status.ok", "共 3 项").await?;
    b.goto("/pay/").await?;
    b.wait_text("[data-app=pay] .cart-total", "合计").await?;
    let lines = b.count("[data-app=pay] .cart-lines li").await?;
    if lines != 3 {
        return Err(format!("the cart lists {lines} lines, not 3").into());
    }
    b.click("form.checkout button.pay-balance").await?;
    b.wait_text("form.checkout .status.ok", "购买成功").await?;
    b.wait_text("[data-app=pay] .cart-total", "购物车是空的")
        .await?;

    b.step("pay for the 40-hour bundle through the WeChat Pay simulator");
    bundle_into_cart(b, "certification-40").await?;
    // The QR code drawn on the page scans to the order's code_url, as a phone would read it.
    native_order_scanned(b).await?;
    b.document_at("pay", Some("form.wechat")).await?;
    b.click("form.wechat button.simulate").await?;
    b.wait_text("form.wechat .status.ok", "支付成功").await?;
    // What was bought, what it cost and whether it counts toward this cycle.
    b.wait_text("form.wechat .status.ok", "共 40 学时，¥600.00")
        .await?;
    b.wait_text("form.wechat .status.ok", "计入第 1 个学习周期")
        .await?;
    b.goto("/account/").await?;
    b.wait_text("[data-app=account] .orders", "¥600.00").await?;
    let orders = b.find("[data-app=account] .orders").await?.text().await?;
    // One order for the cart paid from the balance, one through WeChat Pay.
    if orders.contains("待支付") || orders.lines().count() != 2 {
        return Err(format!("orders after paying: {orders:?}").into());
    }

    b.step("a personal invoice on paper for one order, a company's for the other");
    // As the guide says: 登录后点"开具发票".
    b.wait_text("[data-app=account] button.open-invoice", "开具发票")
        .await?;
    b.click("[data-app=account] button.open-invoice").await?;
    b.click("[data-app=account] .orders input[name=order]")
        .await?;
    select(b, "form.invoice select[name=buyer_kind]", "person").await?;
    b.fill("form.invoice input[name=buyer_name]", "钟检")
        .await?;
    b.fill("form.invoice input[name=email]", "zhong@example.cn")
        .await?;
    select(b, "form.invoice select[name=delivery]", "paper").await?;
    b.fill("form.invoice input[name=recipient]", "钟检").await?;
    b.fill("form.invoice input[name=phone]", "13800138000")
        .await?;
    b.fill(
        "form.invoice input[name=address]",
        "北京市朝阳区检验路 1 号",
    )
    .await?;
    b.click("form.invoice button[type=submit]").await?;
    b.wait_text(
        "[data-app=account] .invoice-result .status.ok",
        "发票申请已提交",
    )
    .await?;
    b.wait_text("[data-app=account] .orders", "已申请发票")
        .await?;
    let started = Instant::now();
    while b
        .count("[data-app=account] .orders input[name=order]")
        .await?
        != 1
    {
        if started.elapsed() > WAIT {
            return Err("the invoiced order is still offered for an invoice".into());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    b.click("[data-app=account] .orders input[name=order]")
        .await?;
    select(b, "form.invoice select[name=buyer_kind]", "company").await?;
    b.fill(
        "form.invoice input[name=buyer_name]",
        "中国检验认证集团北京有限公司",
    )
    .await?;
    b.fill("form.invoice input[name=taxpayer_id]", "91350100M000100Y43")
        .await?;
    select(b, "form.invoice select[name=delivery]", "electronic").await?;
    b.click("form.invoice button[type=submit]").await?;
    // The newest order (WeChat Pay's ¥600) was ticked first; this is the cart's.
    b.wait_text("[data-app=account] .invoice-result .status.ok", "¥150.00")
        .await?;
    let started = Instant::now();
    while b
        .js("return document.querySelector('form.invoice').hidden;")
        .await?
        != json!(true)
    {
        if started.elapsed() > WAIT {
            return Err("the invoice form stays with no order left to invoice".into());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    b.step("the learning page lists the mandatory hours as not counting, and the next lesson");
    b.goto("/learning/").await?;
    b.find("[data-app=learning] .progress:not([hidden])")
        .await?;
    b.wait_text(
        "[data-app=learning] .not-counting:not([hidden]) li",
        "不计入",
    )
    .await?;
    b.find("[data-app=learning] .next-lesson:not([hidden]) a[href='/courses/acceptance-sampling-gbt-2828-1/3/']")
        .await?;

    b.step("mark hours learned and watch the progress bar");
    let progress = "[data-app=learning] .bar";
    let mut seen = vec![
        b.find(progress)
            .await?
            .attr("aria-valuenow")
            .await?
            .unwrap_or_default(),
    ];
    let mut clicks = 0;
    loop {
        let left = b.count("[data-app=learning] .my-courses button").await?;
        if left == 0 {
            break;
        }
        b.click("[data-app=learning] .my-courses button").await?;
        clicks += 1;
        let started = Instant::now();
        while b.count("[data-app=learning] .my-courses button").await? >= left {
            if started.elapsed() > WAIT {
                return Err(format!("marking an hour did not take ({left} left)").into());
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let now = b
            .find(progress)
            .await?
            .attr("aria-valuenow")
            .await?
            .unwrap_or_default();
        if seen.last() != Some(&now) {
            seen.push(now);
        }
        if clicks == 1 {
            // The done state reads differently from the 学过了 button that led to it.
            b.wait_text("[data-app=learning] .my-courses .done", "✓ 已完成")
                .await?;
        }
        if clicks == 20 {
            b.document("learning").await?;
        }
        if clicks > 100 {
            return Err("more than 100 hours to mark".into());
        }
    }
    let values: Vec<u32> = seen.iter().filter_map(|v| v.parse().ok()).collect();
    if values.first() != Some(&0)
        || values.last() != Some(&40)
        || !values.windows(2).all(|w| w[0] < w[1])
    {
        return Err(format!("the progress bar went {seen:?}").into());
    }
    b.wait_text(
        "[data-app=learning] .progress-text",
        "已学满本周期要求的学时",
    )
    .await?;
    let width = b
        .js("return document.querySelector('[data-app=learning] .bar span').style.width;")
        .await?;
    if width != json!("100%") {
        return Err(format!("the bar is {width} wide at the end").into());
    }
    b.document("learning-complete").await?;

    b.step("an hour's page opens its lesson and counts the server's time");
    b.goto("/courses/draft-survey/2/").await?;
    // The test platform's class hour lasts 0 minutes: studied in full at once.
    b.wait_text("[data-lesson] .status.ok", "已学满本学时")
        .await?;
    b.wait_text(".study-length", "0 分钟").await?;
    b.click("form.mark button[type=submit]").await?;
    b.wait_text("form.mark .status.ok", "已记录").await?;

    b.step("file the application, approved by staff, and get the certificate");
    b.goto("/certificates/").await?;
    b.wait_text("[data-app=certificates] .next-step", "新学员证书申请")
        .await?;
    offered(b, [true, false, false]).await?;
    b.fill(
        "[data-app=certificates] input[name=employer]",
        "中国检验认证集团北京有限公司",
    )
    .await?;
    b.click("[data-app=certificates] button.file").await?;
    b.wait_text("[data-app=certificates] .status.ok", "已提交")
        .await?;
    b.wait_text("[data-app=certificates] .next-step", "等待协会审核")
        .await?;
    // Staff approve it (R19) through their API: their pages are another journey.
    let queue = app.get(ticedu_admin::APPLICATIONS, Some(staff)).await;
    let learner = queue.body["applications"][0]["learner_id"]
        .as_str()
        .ok_or("no application waits for staff")?
        .to_owned();
    let approved = app
        .post(
            &crate::helpers::path(ticedu_admin::APPLICATION_DECISION, &[&learner]),
            Some(staff),
            json!({ "approve": true }),
        )
        .await;
    if !approved.status.is_success() {
        return Err(format!("staff could not approve: {}", approved.body).into());
    }
    b.goto("/certificates/").await?;
    b.wait_text("[data-app=certificates] .next-step", "现在可以领取")
        .await?;
    offered(b, [false, true, false]).await?;
    b.click("[data-app=certificates] button.issue").await?;
    let said = b
        .wait_text("[data-app=certificates] .status.ok", "证书已签发：")
        .await?;
    let no = said
        .rsplit('：')
        .next()
        .unwrap_or_default()
        .trim()
        .to_owned();
    b.wait_text("[data-app=certificates] .certificates li", &no)
        .await?;
    b.wait_text("[data-app=certificates] .certificates li a", "有效")
        .await?;
    // The next cycle has begun: nothing to file or collect yet.
    b.wait_text("[data-app=certificates] .next-step", "第 2 个学习周期")
        .await?;
    offered(b, [false, false, false]).await?;
    let verify_url = b
        .find("[data-app=certificates] .certificates li a")
        .await?
        .prop("href")
        .await?
        .ok_or("no verification link")?;
    if !verify_url.contains(&format!("/verify/?no={no}&s=")) {
        return Err(format!("the verification link is {verify_url}").into());
    }
    b.document("certificates").await?;

    b.step("download the PDF");
    b.click("[data-app=certificates] button.download").await?;
    b.wait_text("[data-app=certificates] .status.ok", "证书已下载")
        .await?;
    let file = b.downloads.join(format!("certificate-{no}.pdf"));
    let started = Instant::now();
    loop {
        match std::fs::read(&file) {
            // Chromium writes a `.crdownload` first and renames it when complete.
            Ok(bytes) if bytes.starts_with(b"%PDF") => break,
            _ if started.elapsed() > WAIT => {
                let found: Vec<_> = std::fs::read_dir(&b.downloads)?
                    .filter_map(|e| e.ok().map(|e| e.file_name()))
                    .collect();
                return Err(format!(
                    "no complete {} in the download folder: {found:?}",
                    file.display()
                )
                .into());
            }
            _ => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    }

    b.step("the next cycle, in English");
    b.goto("/en/learning/").await?;
    // The certificate closed the first cycle: the second starts from nothing.
    b.wait_text("[data-app=learning] .progress-text", "Cycle 2 (")
        .await?;
    b.wait_text(
        "[data-app=learning] .progress-text",
        "0 of 40 hours counted",
    )
    .await?;
    b.goto("/en/certificates/").await?;
    b.wait_text("[data-app=certificates] .certificates li a", "Valid")
        .await?;
    b.wait_text(
        "[data-app=certificates] .certificates li button.download",
        "Download the PDF",
    )
    .await?;
    Ok(Issued {
        no,
        verify_url,
        id_number: id_number.to_owned(),
        username,
    })
}

/// Whether the certificates page offers [filing, collecting, an overdue
/// renewal]: only what the learner's state allows is shown.
async fn offered(b: &Browser, expected: [bool; 3]) -> Result<()> {
    let shown = b
        .js("return ['form.filing', 'p.issue', 'form.overdue'].map(function (css) { return !document.querySelector('[data-app=certificates] ' + css).hidden; });")
        .await?;
    if shown != serde_json::json!(expected) {
        return Err(
            format!("[filing, collecting, overdue] shown: {shown}, expected {expected:?}").into(),
        );
    }
    Ok(())
}

/// Chooses `value` in the `<select>` at `css`.
async fn select(b: &Browser, css: &str, value: &str) -> Result<()> {
    b.find(css).await?.select_by_value(value).await?;
    Ok(())
}
