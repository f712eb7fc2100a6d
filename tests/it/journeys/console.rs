//! The staff console (`/staff/`) in Chromium, one browser per person: the
//! first administrator enrols an authenticator and creates an operator and
//! a finance colleague; the operator (on a phone) enrols too, finds a
//! learner, sees their ID number, works through the queues and is refused
//! the administrator's pages; finance issues study cards for a transfer and
//! marks an invoice issued, then is throttled after wrong codes; the
//! administrator finds every action in the audit trail. The learners and
//! their filings are arranged over HTTP, as learners' own pages would.

use std::time::{Duration, Instant};

use jiff::{SignedDuration, Timestamp};
use reqwest::StatusCode;
use serde_json::{Value, json};
use ticedu_store::Store;
use totp_rs::{Algorithm, Secret, TOTP};

use super::browser::{Browser, Driver, REASON, Result, WAIT, check};
use super::succeeded;
use crate::helpers::{Kind, Learner, StoreKind, TestApp, accounts, admin, payments};

const DESKTOP: (u32, u32) = (1280, 900);
const PHONE: (u32, u32) = (375, 667);
const OPERATOR: (&str, &str) = ("ops.li", "业务密码2027a");
const FINANCE: (&str, &str) = ("fin.wang", "财务密码2027b");

/// What an authenticator app shows for `secret` at `at`.
fn code(secret: &str, at: Timestamp) -> Result<String> {
    let bytes = Secret::Encoded(secret.to_owned())
        .to_bytes()
        .map_err(|e| format!("the page's secret is not base32: {e:?}"))?;
    let totp = TOTP::new(Algorithm::SHA1, 6, 0, 30, bytes, None, String::new())?;
    Ok(totp.generate(u64::try_from(at.as_second())?))
}

/// What the journey arranges over HTTP: a learner waiting for their
/// application, one for their returning-discount claim, one for the title
/// check, and an invoice request.
struct Waiting {
    applicant: Learner,
    claimant: Learner,
    titled: Learner,
    invoice: String,
    order: String,
}

async fn arrange<S: Store + Clone + 'static>(app: &TestApp<S>) -> Result<Waiting> {
    let applicant = app.complete_learner().await;
    app.file(&applicant.token).await;
    let orders = succeeded(app.get(payments::ORDERS, Some(&applicant.token)).await)?;
    let order = orders["orders"][0]["order_no"].clone();
    let order_no = order.as_str().ok_or("no order number")?.to_owned();
    let invoice = succeeded(
        app.post(
            payments::INVOICES,
            Some(&applicant.token),
            json!({ "orders": [order], "buyer_name": "中国检验认证集团北京有限公司", "taxpayer_id": "91350100M000100Y43", "email": "finance@example.cn" }),
        )
        .await,
    )?;
    let claimant = app.register_as(Kind::Holder).await;
    succeeded(
        app.post(
            accounts::RETURNING_CLAIM,
            Some(&claimant.token),
            json!({ "certificate_no": "JX-2019-0815", "expires_on": "2023-07-06" }),
        )
        .await,
    )?;
    let titled = app.register_as(Kind::Titled).await;
    Ok(Waiting {
        applicant,
        claimant,
        titled,
        invoice: invoice["invoice_id"]
            .as_str()
            .ok_or("no invoice id")?
            .to_owned(),
        order: order_no,
    })
}

/// Waits until `script` (an expression) is true in the page.
async fn until(b: &Browser, what: &str, script: &str) -> Result<()> {
    let started = Instant::now();
    while started.elapsed() < WAIT {
        if b.js(&format!("return !!({script});")).await? == json!(true) {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Err(format!("{what}: never true: {script}").into())
}

/// Logs in at `/staff/` with name and password, which begins the
/// enrolment of an account without an authenticator; enrols one with a
/// code computed from the secret the page shows. The secret.
async fn log_in_and_enrol<S>(
    b: &Browser,
    app: &TestApp<S>,
    (name, password): (&str, &str),
    screenshots: bool,
) -> Result<String> {
    b.step(&format!(
        "{name} logs in for the first time and enrols an authenticator"
    ));
    b.goto("/staff/").await?;
    b.fill("form.login input[name=name]", name).await?;
    b.fill("form.login input[name=password]", password).await?;
    if screenshots {
        b.document("console-login").await?;
    }
    b.click("form.login button[type=submit]").await?;
    until(
        b,
        "the enrolment shows",
        "!document.querySelector('form.enrol').hidden",
    )
    .await?;
    until(
        b,
        "the QR code loads",
        "document.querySelector('form.enrol img.qr').naturalWidth > 0",
    )
    .await?;
    let secret = b
        .find("form.enrol .secret")
        .await?
        .text()
        .await?
        .replace(' ', "");
    if screenshots {
        b.document("console-enrol").await?;
    }
    // A wrong code first: refused, the enrolment stays open.
    let right = code(&secret, app.platform.clock.now())?;
    b.fill("form.enrol input[name=code]", &wrong(&right))
        .await?;
    act(b, "form.enrol button[type=submit]").await?;
    b.wait_text(".console .status.bad", "用户名或密码错误")
        .await?;
    b.fill("form.enrol input[name=code]", &right).await?;
    act(b, "form.enrol button[type=submit]").await?;
    b.wait_text(".console .status.ok", "请保存下面的恢复码")
        .await?;
    let codes = b.count(".recovery .codes li").await?;
    if codes != 10 {
        return Err(format!("{codes} recovery codes shown, not 10").into());
    }
    b.click(".recovery button.saved").await?;
    until(b, "the overview shows", "!document.querySelector('.dashboard').hidden && document.querySelectorAll('.dashboard .counts li').length > 0").await?;
    if b.count(".recovery .codes li").await? != 0 {
        return Err("the recovery codes stay on the page".into());
    }
    Ok(secret)
}

/// Clicks `css` once the status region is empty, so that what it says next
/// is this action's answer.
async fn act(b: &Browser, css: &str) -> Result<()> {
    b.js("document.querySelector('.console .status').textContent = '';")
        .await?;
    b.click(css).await
}

/// Another six digits than `code`.
fn wrong(code: &str) -> String {
    let number: u32 = code.parse().unwrap_or(0);
    format!("{:06}", (number + 1) % 1_000_000)
}

/// The number on the overview's tile of `queue`.
async fn tile(b: &Browser, queue: &str) -> Result<Value> {
    b.find(&format!(".dashboard .counts [data-queue={queue}] .number"))
        .await?;
    b.js(&format!(
        "return Number(document.querySelector('.dashboard .counts [data-queue={queue}] .number').textContent);"
    ))
    .await
}

async fn administrator<S>(b: &Browser, app: &TestApp<S>) -> Result<()> {
    let secret = log_in_and_enrol(b, app, ticedu_local::DEMO_STAFF, true).await?;
    let nav = b
        .js("return Array.from(document.querySelectorAll('.console-nav a[data-role]')).filter(a => !a.hidden).map(a => a.getAttribute('href'));")
        .await?;
    if !nav.to_string().contains("/staff/accounts/") || nav.to_string().contains("/staff/queues/") {
        return Err(format!("an administrator's navigation: {nav}").into());
    }

    b.step("the administrator logs out and in again with a code from the app");
    b.click(".console-nav .logout").await?;
    b.fill("form.login input[name=name]", ticedu_local::DEMO_STAFF.0)
        .await?;
    b.fill(
        "form.login input[name=password]",
        ticedu_local::DEMO_STAFF.1,
    )
    .await?;
    b.click("form.login button[type=submit]").await?;
    b.wait_text(".console .status.bad", "6 位验证码").await?;
    until(
        b,
        "the code field shows",
        "document.activeElement === document.querySelector('form.login input[name=code]')",
    )
    .await?;
    // The enrolment used this step's code: the app's next one is good.
    let next = app.platform.clock.now() + SignedDuration::from_secs(30);
    b.fill("form.login input[name=code]", &code(&secret, next)?)
        .await?;
    b.click("form.login button[type=submit]").await?;
    until(
        b,
        "the overview shows",
        "!document.querySelector('.dashboard').hidden",
    )
    .await?;
    for (queue, at_least) in [
        ("applications", 1),
        ("returning_claims", 1),
        ("title_checks", 1),
        ("invoices", 1),
    ] {
        let count = tile(b, queue).await?;
        if count.as_u64() < Some(at_least) {
            return Err(format!("the overview counts {count} {queue}").into());
        }
    }
    b.document("console-dashboard").await?;

    b.step("an empty new-account form is refused beside its fields, the first focused");
    b.goto("/staff/accounts/").await?;
    act(b, "form.create button[type=submit]").await?;
    let marked = b
        .js("return [Array.from(document.querySelectorAll('form.create [aria-invalid=true]')).map(f => f.name + ': ' + document.getElementById(f.getAttribute('aria-describedby').split(' ').pop()).textContent), document.activeElement.name];")
        .await?;
    if marked
        != json!([
            [
                "name: 请填写登录名。",
                "display_name: 请填写显示名称。",
                "password: 请填写初始密码。"
            ],
            "name"
        ])
    {
        return Err(format!("the empty form marked {marked}").into());
    }

    b.step("the administrator creates an operator and a finance colleague");
    for ((name, password), display, role) in [
        (OPERATOR, "李业务", "operator"),
        (FINANCE, "王财务", "finance"),
    ] {
        b.fill("form.create input[name=name]", name).await?;
        b.fill("form.create input[name=display_name]", display)
            .await?;
        b.click(&format!("form.create input[name=roles][value={role}]"))
            .await?;
        b.fill("form.create input[name=password]", password).await?;
        act(b, "form.create button[type=submit]").await?;
        b.wait_text(".console .status.ok", &format!("已创建账号 {name}"))
            .await?;
        b.wait_text(&format!("[data-account='{name}'] h3"), display)
            .await?;
    }
    b.document("console-accounts").await?;

    b.step("the administrator opens the years and, in English, the import");
    b.goto("/staff/years/").await?;
    b.wait_text(".years .items", "2023").await?;
    until(
        b,
        "the editor is filled in",
        "document.querySelector('form.year-edit textarea').value.indexOf('source') >= 0",
    )
    .await?;
    b.document("console-years").await?;
    b.goto("/en/staff/imports/").await?;
    b.fill("form.import textarea[name=csv]", "姓名\n张三\n")
        .await?;
    act(b, "form.import button[type=submit]").await?;
    b.find(".console .status.bad").await?;
    let said = b.find(".console .status").await?.text().await?;
    if said.is_empty() || said.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)) {
        return Err(format!("the English import page says {said:?}").into());
    }
    Ok(())
}

async fn operator<S: Store>(b: &Browser, app: &TestApp<S>, waiting: &Waiting) -> Result<()> {
    log_in_and_enrol(b, app, OPERATOR, false).await?;
    let nav = b
        .js("return Array.from(document.querySelectorAll('.console-nav a[data-role]')).filter(a => !a.hidden).map(a => a.getAttribute('href'));")
        .await?;
    if !nav.to_string().contains("/staff/queues/") || nav.to_string().contains("/staff/accounts/") {
        return Err(format!("an operator's navigation: {nav}").into());
    }

    b.step("the operator looks learners up by name: namesakes to choose from");
    b.find(".dashboard form.find select[name=by]")
        .await?
        .select_by_value("name")
        .await?;
    b.fill(".dashboard form.find input[name=q]", "钟检").await?;
    b.click(".dashboard form.find button[type=submit]").await?;
    b.wait_text(".dashboard .matches", "找到 3 位学员").await?;

    b.step("the operator finds a learner by username and sees the ID number");
    let applicant = &waiting.applicant;
    b.find(".dashboard form.find select[name=by]")
        .await?
        .select_by_value("username")
        .await?;
    b.fill(".dashboard form.find input[name=q]", &applicant.username)
        .await?;
    b.click(".dashboard form.find button[type=submit]").await?;
    b.wait_text("article.learner h2", "钟检").await?;
    let masked = b.find("article.learner .id-number").await?.text().await?;
    if masked.contains(applicant.id_number()) || masked.is_empty() {
        return Err(format!("the ID number is not masked: {masked}").into());
    }
    b.wait_text("article.learner", "40 / 40").await?;
    b.wait_text(
        "article.learner .learned-hours .studied-total",
        "本周期合计学习时长",
    )
    .await?;
    b.click("article.learner button.reveal").await?;
    b.wait_text("article.learner .id-number", applicant.id_number())
        .await?;
    b.wait_text(".learner-trail", "查看身份证号码").await?;
    b.document_at("console-learner", Some("article.learner"))
        .await?;

    b.step("the operator approves the application");
    b.goto("/staff/queues/").await?;
    let application = format!(
        "[data-queue=applications] article[data-learner='{}']",
        applicant.id
    );
    b.wait_text(&application, "中国检验认证集团北京有限公司")
        .await?;
    b.document_at("console-queues", Some("[data-queue=applications]"))
        .await?;
    act(b, &format!("{application} button.approve")).await?;
    b.wait_text(".console .status.ok", "已批准").await?;
    until(
        b,
        "the application leaves the queue",
        &format!("!document.querySelector(\"{application}\")"),
    )
    .await?;

    b.step("the operator decides the returning-discount claim: a rejection needs a reason");
    let claim = format!(
        "[data-queue=returning_claims] article[data-learner='{}']",
        waiting.claimant.id
    );
    b.wait_text(&claim, "JX-2019-0815").await?;
    act(b, &format!("{claim} button.reject")).await?;
    b.wait_text(".console .status.bad", "驳回时请填写原因")
        .await?;
    act(b, &format!("{claim} button.approve")).await?;
    b.wait_text(".console .status.ok", "已批准").await?;
    until(
        b,
        "the claim leaves the queue",
        &format!("!document.querySelector(\"{claim}\")"),
    )
    .await?;

    b.step("the operator confirms the titled learner's title");
    let title = format!(
        "[data-queue=title_checks] article[data-learner='{}']",
        waiting.titled.id
    );
    b.wait_text(&title, "高级工程师").await?;
    act(b, &format!("{title} button.approve")).await?;
    b.wait_text(".console .status.ok", "职称已核对").await?;
    until(
        b,
        "the title leaves the queue",
        &format!("!document.querySelector(\"{title}\")"),
    )
    .await?;

    b.step("from a learner's page the operator grants the returning discount");
    b.goto(&format!("/staff/learners/?learner={}", waiting.titled.id))
        .await?;
    b.wait_text("article.learner", "未开通").await?;
    act(b, "article.learner button.grant").await?;
    b.wait_text(".console .status.ok", "已开通学习优惠").await?;
    b.wait_text("article.learner", "已开通（必修课免费）")
        .await?;

    b.step("from a learner's page the operator corrects the phone number, with a reason");
    b.fill(
        "article.learner form.correction input[name=phone]",
        "13911112222",
    )
    .await?;
    act(b, "article.learner form.correction button").await?;
    b.wait_text(
        "article.learner form.correction .field-error",
        "请填写更正原因",
    )
    .await?;
    b.fill(
        "article.learner form.correction input[name=reason]",
        "学员来电更换手机号",
    )
    .await?;
    act(b, "article.learner form.correction button").await?;
    b.wait_text(".console .status.ok", "已更正").await?;
    b.wait_text("article.learner", "13911112222").await?;
    b.wait_text(".learner-trail", "更正学员信息").await?;

    b.step("from a learner's page the operator revokes a certificate with a reason");
    // The approved applicant collects the certificate on their own page.
    let issued = succeeded(app.issue_certificate(&applicant.token).await)?;
    let no = issued["no"].as_str().ok_or("no certificate number")?;
    b.goto(&format!("/staff/learners/?learner={}", applicant.id))
        .await?;
    b.wait_text("article.learner .certificates", no).await?;
    b.step("from a learner's page the operator reissues the certificate under a new number");
    b.fill(
        "article.learner form.reissue input[name=reason]",
        "证书遗失补发",
    )
    .await?;
    act(b, "article.learner form.reissue button").await?;
    let said = b.wait_text(".console .status.ok", "已补发新证书").await?;
    let reissued = said
        .split("已补发新证书 ")
        .nth(1)
        .and_then(|rest| rest.split('，').next())
        .ok_or("no new certificate number in the message")?
        .to_owned();
    let no = reissued.as_str();
    b.wait_text("article.learner .certificates", no).await?;
    // Revoking asks first; the journey answers yes.
    b.js("window.confirm = function () { return true; };")
        .await?;
    b.fill("article.learner form.revoke input[name=reason]", REASON)
        .await?;
    act(b, "article.learner form.revoke button").await?;
    b.wait_text(".console .status.ok", &format!("证书 {no} 已撤销"))
        .await?;
    b.wait_text("article.learner .certificates", REASON).await?;
    b.wait_text(".learner-trail", "撤销证书").await?;

    b.step("the operator cannot open the administrator's pages");
    b.goto("/staff/accounts/").await?;
    b.wait_text(".console .status.bad", "您没有权限").await?;
    if b.count("[data-account]").await? != 0 {
        return Err("an operator sees the staff accounts".into());
    }
    b.goto("/staff/audit/").await?;
    b.wait_text(".console .status.bad", "您没有权限").await?;
    Ok(())
}

async fn finance<S>(b: &Browser, app: &TestApp<S>, waiting: &Waiting) -> Result<()> {
    let secret = log_in_and_enrol(b, app, FINANCE, false).await?;

    b.step("finance issue three study cards for a bank transfer");
    b.goto("/staff/cards/").await?;
    b.fill("form.issue input[name=count]", "3").await?;
    b.fill("form.issue input[name=value]", "600").await?;
    b.fill(
        "form.issue input[name=note]",
        "建行转账 2027-02-27 北京某检验公司 1800 元",
    )
    .await?;
    act(b, "form.issue button[type=submit]").await?;
    b.wait_text(".console .status.ok", "已发放 3 张学习卡，每张 ¥600.00")
        .await?;
    let codes = b
        .js("return Array.from(document.querySelectorAll('.issued .codes li')).map(li => li.textContent.replace(/-/g, ''));")
        .await?;
    let codes: Vec<String> = serde_json::from_value(codes)?;
    if codes.len() != 3 {
        return Err(format!("issued {codes:?}").into());
    }
    for code in &codes {
        b.wait_text(&format!("section.list tr[data-code='{code}']"), "未使用")
            .await?;
    }
    b.document("console-cards").await?;

    b.step("finance look up the learner's order");
    b.goto("/staff/orders/").await?;
    b.fill("form.order-find input[name=order]", &waiting.order)
        .await?;
    b.click("form.order-find button[type=submit]").await?;
    b.wait_text("article.order", "已支付").await?;
    b.wait_text("article.order", "¥600.00").await?;

    b.step("finance mark the invoice issued");
    b.goto("/staff/invoices/").await?;
    let invoice = format!("article[data-invoice='{}']", waiting.invoice);
    b.wait_text(&invoice, "91350100M000100Y43").await?;
    b.fill(&format!("{invoice} input[name=number]"), "12-34")
        .await?;
    act(b, &format!("{invoice} button.mark")).await?;
    b.wait_text(".console .status.bad", "发票号码为 8–20 位数字")
        .await?;
    b.fill(
        &format!("{invoice} input[name=number]"),
        "24112000000012345678",
    )
    .await?;
    act(b, &format!("{invoice} button.mark")).await?;
    b.wait_text(".console .status.ok", "已标记为已开具").await?;
    b.find("form.invoice-filter select[name=status]")
        .await?
        .select_by_value("issued")
        .await?;
    b.wait_text(&invoice, "已开具").await?;
    b.wait_text(&invoice, "24112000000012345678").await?;

    b.step("wrong codes are refused, then throttled");
    b.click(".console-nav .logout").await?;
    b.fill("form.login input[name=name]", FINANCE.0).await?;
    b.fill("form.login input[name=password]", FINANCE.1).await?;
    b.click("form.login button[type=submit]").await?;
    b.wait_text(".console .status.bad", "6 位验证码").await?;
    let bad = wrong(&code(&secret, app.platform.clock.now())?);
    let mut said = String::new();
    for _ in 0..6 {
        b.fill("form.login input[name=code]", &bad).await?;
        b.js("document.querySelector('.console .status').textContent = '';")
            .await?;
        b.click("form.login button[type=submit]").await?;
        until(
            b,
            "an answer",
            "document.querySelector('.console .status').textContent !== ''",
        )
        .await?;
        said = b.find(".console .status").await?.text().await?;
        if said.contains("次数过多") {
            break;
        }
        if !said.contains("用户名或密码错误") {
            return Err(format!("a wrong code says {said:?}").into());
        }
    }
    if !said.contains("次数过多") {
        return Err(format!("wrong codes are not throttled: {said:?}").into());
    }
    Ok(())
}

/// A learner's token opens nothing of the staff's.
async fn learners_get_nothing<S>(app: &TestApp<S>, learner: &Learner) -> Result<()> {
    for answer in [
        app.get(admin::ME, Some(&learner.token)).await,
        app.get(admin::QUEUES, Some(&learner.token)).await,
        app.get(admin::ACCOUNTS, Some(&learner.token)).await,
        app.post(
            admin::LEARNERS,
            Some(&learner.token),
            json!({ "username": learner.username }),
        )
        .await,
    ] {
        if answer.status != StatusCode::FORBIDDEN {
            return Err(format!("a learner's token got {} {}", answer.status, answer.body).into());
        }
    }
    Ok(())
}

/// Every action of the journey is in the administrator's audit trail.
async fn audit_trail(b: &Browser) -> Result<()> {
    b.step("the administrator reads the audit trail");
    b.goto("/staff/audit/").await?;
    b.find(".trail tbody tr").await?;
    let actions = b
        .js("return Array.from(document.querySelectorAll('.trail tbody tr')).map(tr => tr.getAttribute('data-action'));")
        .await?;
    let missing: Vec<&str> = [
        "staff_account_created",
        "staff_totp_enrolled",
        "staff_logged_in",
        "id_number_revealed",
        "application_decided",
        "returning_claim_decided",
        "title_check_decided",
        "cards_issued",
        "invoice_issued",
        "returning_set",
        "certificate_revoked",
        "learner_corrected",
        "certificate_reissued",
    ]
    .into_iter()
    .filter(|action| !actions.to_string().contains(&format!("\"{action}\"")))
    .collect();
    b.document("console-audit").await?;
    if !missing.is_empty() {
        return Err(format!("the audit trail lacks {missing:?}; it has {actions}").into());
    }
    Ok(())
}

pub async fn console_journey<K: StoreKind>(kind: K)
where
    K::Store: Store,
{
    let started = Instant::now();
    let app = TestApp::builder(kind).site().spawn().await;
    let waiting = match arrange(&app).await {
        Ok(waiting) => waiting,
        Err(error) => panic!("arranging the console journey: {error}"),
    };
    let driver = Driver::start().await;
    let admin = Browser::open_sized(&driver, &app.address, "administrator", DESKTOP).await;
    let operator_b = Browser::open_sized(&driver, &app.address, "operator", PHONE).await;
    let finance_b = Browser::open_sized(&driver, &app.address, "finance", DESKTOP).await;

    check(administrator(&admin, &app).await, &[&admin], "console").await;
    check(
        operator(&operator_b, &app, &waiting).await,
        &[&operator_b],
        "console",
    )
    .await;
    check(
        finance(&finance_b, &app, &waiting).await,
        &[&finance_b],
        "console",
    )
    .await;
    check(
        learners_get_nothing(&app, &waiting.applicant).await,
        &[],
        "console",
    )
    .await;
    check(audit_trail(&admin).await, &[&admin], "console").await;
    for browser in [&admin, &operator_b, &finance_b] {
        check(browser.no_script_errors().await, &[browser], "console").await;
    }
    for browser in [admin, operator_b, finance_b] {
        browser.client.clone().close().await.ok();
    }
    eprintln!("the staff console in Chromium: {:?}", started.elapsed());
}
