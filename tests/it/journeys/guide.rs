//! The guide, walked in its own words (issue 22): every click path a guide
//! page names (the `ui` component of `site/templates/embeds.html` marks them:
//! "点“头像”→“账户中心”→“元账户”→“学习卡”") is taken in Chromium, in
//! Chinese and English, by the learner it is written for, on the page it
//! starts from. Each label must be a control or heading the page shows
//! (or opens from a menu) under the guide's very words, so a renamed
//! button or a dropped screen fails here instead of stranding a learner
//! who follows the guide and phones the association.

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use ticedu_store::Store;

use super::browser::{Browser, Driver, Result, check};
use super::log_in_with;
use crate::helpers::{
    Embedded, Kind, Learner, TestApp, WeChat, holder_cycle_cart, learning, registration,
};

/// How long a label may take to appear (pages fill in from the API).
const WAIT: Duration = Duration::from_secs(10);

/// Fewer marked paths than this per language means the markup broke, not
/// that the guide got shorter: the walk must not pass by finding nothing.
const AT_LEAST: usize = 12;

/// One click path as a guide page names it.
#[derive(Debug)]
struct Path {
    page: String,
    start: String,
    who: String,
    labels: Vec<String>,
}

/// The learners the guide's steps are written for, each where its step applies.
pub(super) struct Learners {
    /// A holder who just registered: nothing bought, the discount not claimed.
    learner: Learner,
    /// Owns the mandatory course whose first hour the guide shows, unlearned.
    studying: Learner,
    /// A holder with 40 hours, inside the certificate's validity, not filed.
    holder_complete: Learner,
    /// A new learner with 40 hours, not applied; paid by balance (an order to invoice).
    new_complete: Learner,
    /// A holder who finished after the certificate expired.
    overdue: Learner,
    /// Holds a certificate.
    certified: Learner,
}

impl Learners {
    pub(super) async fn prepare<S: Store>(app: &TestApp<S>) -> Self {
        let holder_expiring = |expires_on: &str| {
            let mut body = registration();
            body["kind"] = json!({
                "category": "holder",
                "certificate_kind": "qualification",
                "original_certificate_no": "ZG-2019-0301",
                "expires_on": expires_on,
            });
            body
        };
        let learner = app.register_as(Kind::Holder).await;

        let studying = app.register_as(Kind::Holder).await;
        app.credit(&studying.id, 150).await;
        app.buy(
            &studying.token,
            json!([ { "kind": "course", "id": "inspection-laws-and-regulations" } ]),
        )
        .await;

        let holder_complete = app.register(&holder_expiring("2024-03-01")).await;
        complete_holder(app, &holder_complete).await;
        let overdue = app.register(&holder_expiring("2023-07-06")).await;
        complete_holder(app, &overdue).await;

        let new_complete = complete_new(app).await;
        let certified = complete_new(app).await;
        app.file_and_approve(&certified.token, &certified.id).await;
        let issued = app.issue_certificate(&certified.token).await;
        assert!(issued.status.is_success(), "{}", issued.body);

        let learners = Self {
            learner,
            studying,
            holder_complete,
            new_complete,
            overdue,
            certified,
        };
        for (who, code) in [
            ("holder-complete", "certificate.not_filed"),
            ("new-complete", "certificate.not_filed"),
            ("overdue", "certificate.overdue_renewal_needed"),
        ] {
            let progress = app
                .get(
                    learning::PROGRESS,
                    Some(&learners.by_name(who).unwrap().token),
                )
                .await;
            assert_eq!(
                progress.body["next_step"]["code"],
                json!(code),
                "{who}: {}",
                progress.body
            );
        }
        learners
    }

    /// The learner a path is for; `None` for a visitor who is not logged in.
    pub(super) fn by_name(&self, who: &str) -> Option<&Learner> {
        match who {
            "learner" => Some(&self.learner),
            "studying" => Some(&self.studying),
            "holder-complete" => Some(&self.holder_complete),
            "new-complete" | "paid" => Some(&self.new_complete),
            "overdue" => Some(&self.overdue),
            "certified" => Some(&self.certified),
            _ => None,
        }
    }
}

/// Funds and learns a holder's whole cycle (R8).
async fn complete_holder<S: Store>(app: &TestApp<S>, holder: &Learner) {
    app.credit(&holder.id, 600).await;
    let hours = app.buy(&holder.token, holder_cycle_cart()).await;
    app.learn(&holder.token, &hours).await;
}

/// A new learner who started this year and learned the 40-hour bundle (R17).
async fn complete_new<S: Store>(app: &TestApp<S>) -> Learner {
    let mut body = registration();
    body["kind"]["learning_started_on"] = json!("2024-01-02");
    let learner = app.register(&body).await;
    app.credit(&learner.id, 600).await;
    let hours = app
        .buy(
            &learner.token,
            json!([ { "kind": "bundle", "id": "certification-40" } ]),
        )
        .await;
    app.learn(&learner.token, &hours).await;
    learner
}

/// The platform on a day inside the first cycle: one holder's certificate
/// (2024-03-01, a batch date) still valid, the other's (2023-07-06) expired.
pub(super) async fn platform_in_first_cycle() -> TestApp<ticedu_store_embedded::EmbeddedStore> {
    TestApp::builder(Embedded)
        .site()
        .wechat(WeChat::BuiltIn)
        .today(jiff::civil::date(2024, 2, 20))
        .spawn()
        .await
}

pub async fn guide_journey() {
    let app = platform_in_first_cycle().await;
    let learners = Learners::prepare(&app).await;
    let driver = Driver::start().await;
    let b = Browser::open(&driver, &app.address, "guide").await;
    let result = async {
        for prefix in ["", "/en"] {
            let paths = marked_paths(&b, prefix).await?;
            if paths.len() < AT_LEAST {
                return Err(format!(
                    "the guide{prefix} marks {} click paths, fewer than {AT_LEAST}: {paths:?}",
                    paths.len()
                )
                .into());
            }
            for path in &paths {
                walk(&b, &learners, prefix, path).await?;
            }
            eprintln!("guide{prefix}: walked {} click paths", paths.len());
        }
        b.no_script_errors().await
    }
    .await;
    check(result, &[&b], "guide").await;
}

/// Every click path the guide's pages in one language mark.
async fn marked_paths(b: &Browser, prefix: &str) -> Result<Vec<Path>> {
    b.step(&format!("{prefix}/guide/: its pages"));
    b.goto(&format!("{prefix}/guide/")).await?;
    let pages = b
        .js(&format!(
            r#"return Array.from(new Set(Array.from(document.querySelectorAll("main a[href^='{prefix}/guide/']"))
                .map(function (a) {{ return new URL(a.href).pathname; }})
                .filter(function (p) {{ return p !== "{prefix}/guide/"; }})));"#
        ))
        .await?;
    let pages: Vec<String> = serde_json::from_value(pages)?;
    if pages.len() < 5 {
        return Err(format!("the guide's index links {pages:?}").into());
    }
    let mut paths = Vec::new();
    for page in pages {
        b.step(&format!("{page}: its click paths"));
        b.goto(&page).await?;
        let marked = b
            .js(r#"return Array.from(document.querySelectorAll(".ui-steps")).map(function (s) {
                return { start: s.dataset.start, who: s.dataset.who,
                         labels: Array.from(s.querySelectorAll(".ui-label")).map(function (l) { return l.textContent.trim(); }) };
            });"#)
            .await?;
        for one in marked.as_array().into_iter().flatten() {
            paths.push(Path {
                page: page.clone(),
                start: one["start"].as_str().unwrap_or("/").to_owned(),
                who: one["who"].as_str().unwrap_or("visitor").to_owned(),
                labels: serde_json::from_value(one["labels"].clone())?,
            });
        }
    }
    Ok(paths)
}

/// A fresh start in `b` as `who` (a prepared learner, or a visitor).
pub(super) async fn start_as(b: &Browser, learners: &Learners, who: &str) -> Result<()> {
    b.client.delete_all_cookies().await?;
    b.goto("/").await?;
    b.js("localStorage.clear(); sessionStorage.clear();")
        .await?;
    match (who, learners.by_name(who)) {
        ("visitor", _) => Ok(()),
        (_, Some(learner)) => log_in_with(b, &learner.token).await,
        (who, None) => Err(format!("no learner is prepared for who=\"{who}\"").into()),
    }
}

/// Takes one path: logged in as whom it is for, from its start page, each
/// label in turn found and clicked (or, for a heading, seen).
async fn walk(b: &Browser, learners: &Learners, prefix: &str, path: &Path) -> Result<()> {
    let route = path.labels.join(" → ");
    b.step(&format!("{} says {route} ({})", path.page, path.who));
    start_as(b, learners, &path.who)
        .await
        .map_err(|error| format!("{}: {error}", path.page))?;
    b.goto(&format!("{prefix}{}", path.start)).await?;
    for label in &path.labels {
        b.step(&format!(
            "{} says {route} ({}): “{label}” on {prefix}{}",
            path.page, path.who, path.start
        ));
        take(b, label).await?;
    }
    Ok(())
}

/// Finds the control or heading named `label` and clicks it (opening the
/// menu that holds it first), or fails naming what the page offers instead.
async fn take(b: &Browser, label: &str) -> Result<()> {
    let started = Instant::now();
    loop {
        let found = b.client.execute(FIND, vec![Value::from(label)]).await?;
        match found["action"].as_str() {
            Some("click") | Some("open") => {
                let target = b
                    .client
                    .find(fantoccini::Locator::Css("[data-guide-walk]"))
                    .await?;
                target.click().await.map_err(|error| {
                    format!("“{label}” ({}) cannot be clicked: {error}", found["what"])
                })?;
                if found["action"] == "click" {
                    // Let a navigation or the page's script begin before the next label is looked for.
                    tokio::time::sleep(Duration::from_millis(200)).await;
                    return Ok(());
                }
            }
            Some("select") | Some("seen") => return Ok(()),
            _ if started.elapsed() < WAIT => tokio::time::sleep(Duration::from_millis(150)).await,
            _ => {
                let offered = b
                    .js(r#"return Array.from(document.querySelectorAll("main a, main button, main summary, header a"))
                        .filter(function (e) { return e.getClientRects().length; })
                        .map(function (e) { return e.textContent.replace(/\s+/g, " ").trim(); }).slice(0, 40);"#)
                    .await?;
                return Err(format!(
                    "no visible control or heading named “{label}” on {}; it offers {offered}",
                    b.client.current_url().await?
                )
                .into());
            }
        }
    }
}

/// Marks the best match for a label with `data-guide-walk` and says what to
/// do with it: shown before hidden in a closed menu (what a reader sees
/// first); then an exact name before a name that starts with it
/// ("持证人员（续证）") before one that holds it (the avatar's
/// "（头像，账户菜单）"); then controls before headings. The guide's own text
/// is never a match.
const FIND: &str = r#"
var label = arguments[0].replace(/\s+/g, " ").trim().toLowerCase();
document.querySelectorAll("[data-guide-walk]").forEach(function (e) { e.removeAttribute("data-guide-walk"); });
function shown(e) {
  if (e.closest("[hidden]")) return false;
  var style = getComputedStyle(e);
  return e.getClientRects().length > 0 && style.visibility !== "hidden";
}
var best = null, bestScore = 0;
document.querySelectorAll("a[href], button, summary, label, option, h1, h2, h3, legend").forEach(function (e) {
  if (e.closest(".ui-steps")) return;
  var text = e.textContent.replace(/\s+/g, " ").trim().toLowerCase();
  var match = text === label ? 3
    : text.indexOf(label) === 0 && /^[\s（(：:]/.test(text.slice(label.length)) ? 2
    : text.indexOf(label) >= 0 ? 1 : 0;
  if (!match) return;
  var control = /^(A|BUTTON|SUMMARY|LABEL|OPTION)$/.test(e.tagName);
  // A closed <details> keeps its content laid out but not shown: inside one
  // (and not its summary), a control is reached by opening the menu first.
  var menu = e.closest("details:not([open])");
  var summary = e.closest("summary");
  if (menu && summary && summary.parentElement === menu) menu = null;
  var visible = !menu && (e.tagName === "OPTION" ? shown(e.parentElement) : shown(e));
  if (!visible && !(menu && shown(menu))) return;
  var score = (visible ? 8 : 0) + match * 2 + (control ? 1 : 0);
  if (score > bestScore) { best = { element: e, visible: visible, menu: menu, control: control }; bestScore = score; }
});
if (!best) return { action: "none" };
var e = best.element;
if (!best.visible) {
  best.menu.querySelector("summary").setAttribute("data-guide-walk", "");
  return { action: "open", what: best.menu.querySelector("summary").outerHTML.slice(0, 200) };
}
if (e.tagName === "OPTION") {
  e.parentElement.value = e.value;
  e.parentElement.dispatchEvent(new Event("change", { bubbles: true }));
  return { action: "select" };
}
if (!best.control) { e.scrollIntoView({ block: "center" }); return { action: "seen" }; }
e.scrollIntoView({ block: "center" });
e.setAttribute("data-guide-walk", "");
return { action: "click", what: e.outerHTML.slice(0, 200) };
"#;
