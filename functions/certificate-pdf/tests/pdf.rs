//! The printed certificate read back the way people and machines read it:
//! its text through `pdftotext` and its QR code through `zbarimg` on a
//! 150 dpi rendering (both from Debian, installed by the test command).

mod readback;
mod sample;

use std::path::Path;

use readback::{font, path, run};
use ticedu_certificate_pdf::{CertificateFont, RenderError, render};
use ticedu_domain::certificate::CertificateData;

fn printed(data: &CertificateData) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("certificate.pdf");
    std::fs::write(
        &pdf,
        render(&font(), data, &sample::verify_link(data)).unwrap(),
    )
    .unwrap();
    let text = run("pdftotext", &["-layout", path(&pdf), "-"]);
    (dir, text)
}

#[test]
fn a_holders_certificate_states_the_r18_fields() {
    let data = sample::holder();
    let (_dir, text) = printed(&data);
    for expected in [
        "检验鉴定从业人员继续教育证书",
        "中国出入境检验检疫协会",
        data.no.as_str(),
        "欧阳检鉴",
        "持证人员",
        "资格证",
        "JYJD-2019-003187",
        "2019-07-06 — 2023-07-06",
        "40 学时",
        "2023-07-17",
        "2027-07-06",
        "Valid until",
    ] {
        assert!(
            text.contains(expected),
            "{expected:?} missing from:\n{text}"
        );
    }
}

#[test]
fn new_and_titled_learners_get_their_own_fields() {
    let (_dir, text) = printed(&sample::new_learner());
    assert!(
        text.contains("开始学习日期") && text.contains("2023-03-01"),
        "{text}"
    );
    assert!(!text.contains("原证书编号"), "{text}");

    let (_dir, text) = printed(&sample::titled());
    for expected in ["高级工程师", "天津市人力资源和社会保障局", "GJ-2018-0042"] {
        assert!(
            text.contains(expected),
            "{expected:?} missing from:\n{text}"
        );
    }
}

/// What `zbarimg` reads from the certificate printed with `link`, rendered at 150 dpi.
fn scanned(data: &CertificateData, link: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("certificate.pdf");
    std::fs::write(&pdf, render(&font(), data, link).unwrap()).unwrap();
    let prefix = dir.path().join("page");
    run(
        "pdftoppm",
        &[
            "-r",
            "150",
            "-png",
            "-singlefile",
            path(&pdf),
            path(&prefix),
        ],
    );
    run(
        "zbarimg",
        &["--quiet", "--raw", path(&dir.path().join("page.png"))],
    )
    .trim_end()
    .to_owned()
}

#[test]
fn the_qr_code_scans_to_the_verification_link() {
    let data = sample::holder();
    let link = sample::verify_link(&data);
    assert_eq!(scanned(&data, &link), link);
}

#[test]
fn a_reprint_with_a_link_of_the_older_longer_form_still_scans() {
    let data = sample::titled();
    let link = sample::old_verify_link(&data);
    assert_eq!(scanned(&data, &link), link);
}

#[test]
fn only_the_glyphs_used_are_embedded() {
    let data = sample::holder();
    let pdf = render(&font(), &data, &sample::verify_link(&data)).unwrap();
    // The face is 16 MB; a subset of ~100 glyphs is a few kilobytes.
    assert!(pdf.len() < 64 * 1024, "{} bytes", pdf.len());
}

#[test]
fn a_link_too_long_for_any_qr_code_is_refused() {
    let data = sample::holder();
    let link = format!("https://ce.example.cn/verify/?t={}", "x".repeat(5000));
    assert_eq!(render(&font(), &data, &link), Err(RenderError::LinkTooLong));
}

#[test]
fn the_wrong_face_of_the_collection_is_refused_at_load() {
    // Index 0 is the Japanese face: it has Han glyphs, so it loads; a missing file does not.
    let missing = CertificateFont::load(Path::new("/nonexistent/font.ttc"), 2);
    assert!(missing.is_err());
    assert!(
        font().covers("欧阳检鉴 𠀋"),
        "the Simplified Chinese face covers Extension B"
    );
}

#[test]
fn a_name_with_a_character_the_font_lacks_is_refused_not_printed_as_a_box() {
    // U+30000, CJK Extension G: beyond what Noto Sans CJK covers.
    let name = "\u{30000}欧阳";
    assert!(!font().covers(name));
    let data = CertificateData {
        name: ticedu_domain::identity::PersonName::parse(name).unwrap(),
        ..sample::holder()
    };
    assert_eq!(
        render(&font(), &data, &sample::verify_link(&data)),
        Err(RenderError::NotPrintable("姓名".to_owned()))
    );
}

#[test]
fn a_name_beyond_the_basic_plane_prints_and_reads_back() {
    let data = CertificateData {
        name: ticedu_domain::identity::PersonName::parse("𠀋欧阳").unwrap(),
        ..sample::holder()
    };
    let (_dir, text) = printed(&data);
    assert!(text.contains("𠀋欧阳"), "{text}");
}
