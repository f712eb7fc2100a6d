//! The verifier's journey, as an employer makes it: the QR code's link,
//! the same certificate in English by the language link; then from the home
//! page to 证书查询 and a search by the number as typed from paper (lower
//! case, spaces) and the name.

use super::Issued;
use super::browser::{Browser, Result};

pub async fn verifier_journey(b: &Browser, issued: &Issued) -> Result<()> {
    b.step("open the QR code's link");
    b.goto(&issued.verify_url).await?;
    b.wait_text("form[data-app=verify] .verdict.valid", "有效")
        .await?;
    let signature = b
        .wait_text("form[data-app=verify] p.signature.ok", "协会签名有效")
        .await?;
    if !signature.contains(&issued.no) || !signature.contains("钟*") {
        return Err(format!("the signature line says {signature:?}").into());
    }
    b.document("verify").await?;

    b.step("the language link, in the phone's menu, opens the same certificate in English");
    b.click("header.top nav details.menu summary").await?;
    if b.count("header.top nav a[aria-current=page][href='/verify/']")
        .await?
        != 1
    {
        return Err("the menu does not mark 证书查询 as the current page".into());
    }
    b.click("header.top nav a[lang=en]").await?;
    b.wait_text("form[data-app=verify] .verdict.valid", "Valid")
        .await?;
    b.wait_text("form[data-app=verify] .result", &issued.no)
        .await?;

    b.step("from the home page to 证书查询; the number as typed from paper, and the name");
    b.goto("/").await?;
    b.click("section.cards a.card.verify").await?;
    b.find("form[data-app=verify] input[name=no]").await?;
    let typed = issued.no.to_lowercase().replacen('-', " - ", 1);
    b.fill("form[data-app=verify] input[name=no]", &typed)
        .await?;
    b.fill("form[data-app=verify] input[name=name]", "钟检")
        .await?;
    b.click("form[data-app=verify] button[type=submit]").await?;
    b.wait_text("form[data-app=verify] .verdict.valid", "有效")
        .await?;
    b.wait_text("form[data-app=verify] .result", &issued.no)
        .await?;

    b.step("a wrong name finds nothing");
    b.fill("form[data-app=verify] input[name=name]", "李四")
        .await?;
    b.click("form[data-app=verify] button[type=submit]").await?;
    b.wait_text("form[data-app=verify] .result", "未找到相符的证书")
        .await?;
    if b.count("form[data-app=verify] .verdict").await? != 0 {
        return Err("a wrong name still shows a verdict".into());
    }

    b.step("search the site: results say what they are; nothing found says so");
    b.goto("/search/").await?;
    b.fill("form[data-app=search] input[name=q]", "抽样")
        .await?;
    b.wait_text("form[data-app=search] .count", "找到").await?;
    let results = b
        .find("form[data-app=search] .results")
        .await?
        .text()
        .await?;
    if !results.contains("课程") || !results.contains("学时") {
        return Err(format!("search results without their kind: {results:?}").into());
    }
    b.fill("form[data-app=search] input[name=q]", "没有这样的词语")
        .await?;
    b.wait_text("form[data-app=search] .count", "无结果")
        .await?;

    b.step("in English, from the home page: the number in lower case, a wrong name");
    b.goto("/en/").await?;
    b.click("section.cards a.card.verify").await?;
    b.fill(
        "form[data-app=verify] input[name=no]",
        &issued.no.to_lowercase(),
    )
    .await?;
    b.click("form[data-app=verify] button[type=submit]").await?;
    b.wait_text("form[data-app=verify] .verdict.valid", "Valid")
        .await?;
    b.fill("form[data-app=verify] input[name=name]", "李四")
        .await?;
    b.click("form[data-app=verify] button[type=submit]").await?;
    b.wait_text("form[data-app=verify] .result", "No certificate matches")
        .await?;

    b.step("in English, by the QR code's link");
    let english = issued.verify_url.replacen("/verify/", "/en/verify/", 1);
    b.goto(&english).await?;
    b.wait_text("form[data-app=verify] .verdict.valid", "Valid")
        .await?;
    b.wait_text(
        "form[data-app=verify] p.signature.ok",
        "Signed by the association",
    )
    .await?;
    Ok(())
}
