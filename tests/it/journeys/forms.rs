//! Every form a learner or an employer fills, refused (issue 22): sent empty
//! or with a malformed value, in Chinese and English, each shows its
//! problems beside the fields (marked invalid, the message linked for screen
//! readers), all at once, with the first one focused, and no internal code
//! anywhere a person reads.

use std::time::{Duration, Instant};

use serde_json::{Value, json};

use super::browser::{Browser, Driver, Result, check};
use super::guide::{Learners, platform_in_first_cycle, start_as};

/// One form, refused.
struct Refusal {
    who: &'static str,
    page: &'static str,
    /// A button that shows the form first (the invoice form opens from the orders).
    open: Option<&'static str>,
    form: &'static str,
    fill: &'static [(&'static str, &'static str)],
}

const REFUSALS: &[Refusal] = &[
    Refusal {
        who: "visitor",
        page: "/register/",
        open: None,
        form: "form[data-app=register]",
        // A made-up number whose check character is wrong, the rest left empty.
        fill: &[("input[name=id_number]", "110105198805129010")],
    },
    Refusal {
        who: "visitor",
        page: "/login/",
        open: None,
        form: "form[data-app=login]",
        fill: &[],
    },
    Refusal {
        who: "visitor",
        page: "/recover/",
        open: None,
        form: "form.ask-code",
        fill: &[],
    },
    Refusal {
        who: "visitor",
        page: "/verify/",
        open: None,
        form: "form[data-app=verify]",
        fill: &[],
    },
    Refusal {
        who: "learner",
        page: "/account/",
        open: None,
        form: "form.redeem",
        fill: &[("input[name=code]", "ABC")],
    },
    Refusal {
        who: "learner",
        page: "/account/",
        open: None,
        form: "form.claim",
        fill: &[],
    },
    Refusal {
        who: "learner",
        page: "/account/",
        open: None,
        form: "form.contact",
        fill: &[("input[name=phone]", "123")],
    },
    Refusal {
        who: "learner",
        page: "/account/",
        open: None,
        form: "form.password",
        fill: &[],
    },
    Refusal {
        who: "paid",
        page: "/account/",
        open: Some("button.open-invoice"),
        form: "form.invoice",
        fill: &[],
    },
    Refusal {
        who: "new-complete",
        page: "/certificates/",
        open: None,
        form: "form.filing",
        fill: &[],
    },
    Refusal {
        who: "overdue",
        page: "/certificates/",
        open: None,
        form: "form.overdue",
        fill: &[],
    },
];

pub async fn refused_forms_journey() {
    let app = platform_in_first_cycle().await;
    let learners = Learners::prepare(&app).await;
    let driver = Driver::start().await;
    let b = Browser::open(&driver, &app.address, "forms").await;
    let result = async {
        for prefix in ["", "/en"] {
            for refusal in REFUSALS {
                refuse(&b, &learners, prefix, refusal).await?;
            }
        }
        b.no_script_errors().await
    }
    .await;
    check(result, &[&b], "refused forms").await;
}

async fn refuse(b: &Browser, learners: &Learners, prefix: &str, refusal: &Refusal) -> Result<()> {
    let what = format!(
        "{prefix}{} {} ({})",
        refusal.page, refusal.form, refusal.who
    );
    b.step(&format!("{what}: sent as it is refused"));
    start_as(b, learners, refusal.who).await?;
    b.goto(&format!("{prefix}{}", refusal.page)).await?;
    if let Some(opener) = refusal.open {
        wait_shown(b, opener).await?;
        b.click(opener).await?;
    }
    wait_shown(b, refusal.form).await?;
    for (field, value) in refusal.fill {
        b.fill(&format!("{} {field}", refusal.form), value).await?;
    }
    b.click(&format!("{} button[type=submit]", refusal.form))
        .await?;
    let started = Instant::now();
    let marked = loop {
        let marked = b.client.execute(MARKS, vec![json!(refusal.form)]).await?;
        if !marked.is_null() {
            break marked;
        }
        if started.elapsed() > Duration::from_secs(10) {
            return Err(format!("{what}: no field was marked invalid").into());
        }
        tokio::time::sleep(Duration::from_millis(150)).await;
    };
    let fields = marked["fields"].as_array().cloned().unwrap_or_default();
    for field in &fields {
        if field["beside"] != json!(true) || field["note"].as_str().unwrap_or_default().is_empty() {
            return Err(format!("{what}: a field's problem is not beside it: {field}").into());
        }
    }
    if marked["focused"] != json!(true) {
        return Err(format!("{what}: the first marked field is not focused: {marked}").into());
    }
    if let Some(code) = marked["code"].as_str() {
        return Err(format!("{what}: a person reads the internal code “{code}”: {marked}").into());
    }
    Ok(())
}

async fn wait_shown(b: &Browser, css: &str) -> Result<()> {
    let started = Instant::now();
    let script = "var e = document.querySelector(arguments[0]); return !!e && !e.closest('[hidden]') && e.getClientRects().length > 0;";
    while b.client.execute(script, vec![Value::from(css)]).await? != json!(true) {
        if started.elapsed() > Duration::from_secs(10) {
            return Err(format!("{css} is never shown").into());
        }
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
    Ok(())
}

/// The form's marked fields, each with its linked note and whether the note
/// stands beside it; whether the first is focused; and any API code
/// ("text.empty", "registration.expiry_not_a_batch") in what the page shows.
/// Null while nothing is marked.
const MARKS: &str = r##"
var form = document.querySelector(arguments[0]);
var bad = Array.from(form.querySelectorAll("[aria-invalid=true]"));
if (!bad.length) return null;
var fields = bad.map(function (field) {
  var id = (field.getAttribute("aria-describedby") || "").split(" ").filter(function (id) { return id.indexOf("field-error-") === 0; })[0];
  var note = id && document.getElementById(id);
  var around = field.closest("label") || field.parentElement;
  return { name: field.name, note: note ? note.textContent : null, beside: !!note && (around.contains(note) || note.previousElementSibling === around || note.previousElementSibling === field) };
});
var shown = form.innerText + " " + (document.querySelector(form.getAttribute("data-status") || "#none") || { innerText: "" }).innerText;
var code = shown.match(/\b[a-z]{2,}\.[a-z]{2,}(_[a-z]+)*\b/);
return { fields: fields, focused: document.activeElement === bad[0], code: code ? code[0] : null };
"##;
