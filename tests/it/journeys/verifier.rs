//! The verifier's journey: the QR code's link, then a search by number and
//! name, in both languages.

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

    b.step("find it by number and name");
    b.goto("/verify/").await?;
    b.fill("form[data-app=verify] input[name=no]", &issued.no)
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
    b.wait_text("form[data-app=verify] .result", "证书不存在")
        .await?;
    if b.count("form[data-app=verify] .verdict").await? != 0 {
        return Err("a wrong name still shows a verdict".into());
    }

    b.step("in English");
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
