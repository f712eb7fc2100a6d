//! The staff's journey through the staff API (the site has no staff pages),
//! and what the verifier and the learner then see in their browsers.

use axum::http::Method;
use serde_json::json;
use ticedu_tests::fixtures::{id_number, id_number_seed};

use super::browser::{Browser, PASSWORD, REASON, Result};
use super::{App, Issued, succeeded};
use crate::helpers::{accounts, admin, path};

pub async fn staff_journey(
    learner: &Browser,
    verifier: &Browser,
    app: &App,
    staff: &str,
    issued: &Issued,
) -> Result<()> {
    learner.step("staff issue cards for a bank transfer and list them");
    let codes = app
        .issue_cards(staff, 3, 60_000, "建行转账 某检验公司 1800 元")
        .await;
    let listed = succeeded(
        app.send(
            app.raw(Method::GET, &format!("{}?format=csv", admin::CARDS))
                .bearer_auth(staff),
        )
        .await,
    )?;
    let listed = listed.as_str().ok_or("the list is not text")?;
    if !codes.iter().all(|code| listed.contains(code.as_str())) {
        return Err(format!("the printable list lacks the new cards: {listed}").into());
    }

    learner.step("staff check a titled learner's details");
    succeeded(
        app.post(
            accounts::REGISTER,
            None,
            json!({
                "name": "钱职",
                "id_number": id_number(id_number_seed()).expose(),
                "kind": { "category": "titled", "title_kind": "高级工程师", "issuing_authority": "北京市人力资源和社会保障局", "title_certificate_no": "GJ-2019-0001" },
                "phone": "13900139000",
                "password": PASSWORD,
            }),
        )
        .await,
    )?;
    let pending = succeeded(app.get(admin::TITLE_CHECKS, Some(staff)).await)?;
    let waiting = pending["learners"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|l| l["name"] == json!("钱职"))
        .ok_or("the titled learner is not waiting for a check")?;
    let titled_id = waiting["learner_id"].as_str().ok_or("no learner id")?;
    if waiting["kind"]["title_kind"] != json!("高级工程师") {
        return Err(format!("staff see {waiting}").into());
    }
    succeeded(
        app.post(
            &path(admin::TITLE_CHECK, &[&titled_id]),
            Some(staff),
            json!({ "decision": "confirmed" }),
        )
        .await,
    )?;

    learner.step("staff revoke the certificate");
    succeeded(
        app.post(
            &path(admin::REVOKE, &[&issued.no]),
            Some(staff),
            json!({ "reason": REASON }),
        )
        .await,
    )?;

    verifier.step("the verification page says revoked, and since when, not why");
    verifier.goto(&issued.verify_url).await?;
    verifier
        .wait_text("form[data-app=verify] .verdict.revoked", "已撤销")
        .await?;
    let said = verifier
        .wait_text("form[data-app=verify] .result", "被协会撤销，不再有效")
        .await?;
    if said.contains(REASON) {
        return Err(format!("the public page shows why: {said}").into());
    }
    verifier.document("verify-revoked").await?;
    verifier
        .goto(&issued.verify_url.replacen("/verify/", "/en/verify/", 1))
        .await?;
    verifier
        .wait_text("form[data-app=verify] .verdict.revoked", "Revoked")
        .await?;
    verifier
        .wait_text("form[data-app=verify] .result", "it is no longer valid")
        .await?;

    learner.step("the learner sees it revoked, and why, with no download");
    learner.goto("/certificates/").await?;
    learner
        .wait_text("[data-app=certificates] .certificates li a", "已撤销")
        .await?;
    learner
        .wait_text("[data-app=certificates] .certificates li a", REASON)
        .await?;
    if learner
        .count("[data-app=certificates] .certificates button.download")
        .await?
        != 0
    {
        return Err("a revoked certificate still offers its PDF".into());
    }
    Ok(())
}
