//! The printable certificate (R18): one A4 landscape page, Chinese first
//! with English beside it, the kind-specific fields, and a vector QR code of
//! the public verification link.
//!
//! The font is parsed once ([`CertificateFont::load`]) and every PDF embeds
//! a subset of it holding only the characters the certificate prints
//! ([`CertificateFont::subset`]), so a certificate stays around 20 KB
//! although the CJK face is 16 MB. The subset is cut here, with the
//! subsetter printpdf itself builds on, rather than by printpdf's
//! `text_layout` feature: that feature brings a whole layout engine
//! (azul), which took a third of a first build's CPU time. The QR code is drawn as filled rectangles, not as
//! an image: it stays sharp at any print or screen resolution.

mod cff;
mod compact;
mod font;
mod record;

use std::collections::BTreeSet;

use printpdf::{
    Color, CurTransMat, FontId, Mm, Op, PaintMode, PdfDocument, PdfFont, PdfFontHandle, PdfPage,
    Point, Pt, Rect, Rgb, TextItem,
};
use qrcodegen::{QrCode, QrCodeEcc};
use ticedu_domain::certificate::CertificateData;
use ticedu_domain::learner::LearnerKind;

pub use font::{
    CertificateFont, DEBIAN_NOTO_CJK, FontError, NOTO_CJK_SIMPLIFIED_CHINESE, SubsetError,
};
pub use record::render_record;

const PAGE_WIDTH: Mm = Mm(297.0);
const PAGE_HEIGHT: Mm = Mm(210.0);
const ISSUER_ZH: &str = "中国出入境检验检疫协会";
const ISSUER_EN: &str = "China Entry-Exit Inspection and Quarantine Association";

/// One labelled line: Chinese label, English label, value.
struct Field {
    zh: &'static str,
    en: &'static str,
    value: String,
}

fn field(zh: &'static str, en: &'static str, value: impl Into<String>) -> Field {
    Field {
        zh,
        en,
        value: value.into(),
    }
}

/// The fields the certificate states, in print order (R18).
fn fields(data: &CertificateData) -> Vec<Field> {
    let category = data.kind.category();
    let mut fields = vec![
        field("证书编号", "Certificate No.", data.no.clone()),
        field("姓名", "Name", data.name.to_string()),
        field(
            "学员类别",
            "Learner",
            format!("{} {}", category.label_zh(), category.label_en()),
        ),
    ];
    match &data.kind {
        LearnerKind::Holder(holder) => {
            fields.push(field(
                "原证书类别",
                "Original certificate",
                format!(
                    "{} {}",
                    holder.certificate_kind.label_zh(),
                    holder.certificate_kind.label_en()
                ),
            ));
            fields.push(field(
                "原证书编号",
                "Original certificate No.",
                holder.original_certificate_no.to_string(),
            ));
        }
        LearnerKind::New(new) => fields.push(field(
            "开始学习日期",
            "Learning started",
            new.learning_started_on.to_string(),
        )),
        LearnerKind::Titled(titled) => {
            fields.push(field("职称类别", "Title", titled.title_kind.to_string()));
            fields.push(field(
                "颁证机关",
                "Issued by",
                titled.issuing_authority.to_string(),
            ));
            fields.push(field(
                "职称证书编号",
                "Title certificate No.",
                titled.title_certificate_no.to_string(),
            ));
        }
    }
    fields.extend([
        field(
            "学习周期",
            "Cycle",
            format!("{} — {}", data.cycle_start, data.cycle_end),
        ),
        field("完成学时", "Hours", format!("{} 学时 hours", data.hours)),
        field("发证日期", "Issued on", data.issued_on.to_string()),
        field("有效期至", "Valid until", data.valid_until.to_string()),
    ]);
    fields
}

fn rgb(r: f32, g: f32, b: f32) -> Color {
    Color::Rgb(Rgb {
        r,
        g,
        b,
        icc_profile: None,
    })
}

fn text(ops: &mut Vec<Op>, font: &FontId, size: f32, x: Mm, y: Mm, line: &str) {
    ops.extend([
        Op::StartTextSection,
        Op::SetFont {
            font: PdfFontHandle::External(font.clone()),
            size: Pt(size),
        },
        Op::SetTextCursor {
            pos: Point::new(x, y),
        },
        Op::ShowText {
            items: vec![TextItem::Text(line.to_owned())],
        },
        Op::EndTextSection,
    ]);
}

/// The QR code of `link`, `(left, bottom)` its lower-left corner. It is drawn
/// in module units (a transformation matrix scales them) so that every
/// coordinate in the file is a small integer, and each run of dark modules
/// is one rectangle, as tall as the rows below that repeat it exactly: the
/// code costs a few kilobytes, not tens.
fn qr_code(link: &str, left: Mm, bottom: Mm, side: Mm) -> Result<Vec<Op>, RenderError> {
    // Level M survives a crease or a smudge on paper; the link is short enough for it.
    // qrcodegen raises the level where the link fits in a code of the same size anyway.
    let code =
        QrCode::encode_text(link, QrCodeEcc::Medium).map_err(|_| RenderError::LinkTooLong)?;
    let width = code.size();
    let module = Pt::from(side).0 / width as f32;
    let mut ops = vec![
        Op::SaveGraphicsState,
        Op::SetTransformationMatrix {
            matrix: CurTransMat::Raw([
                module,
                0.0,
                0.0,
                module,
                Pt::from(left).0,
                Pt::from(bottom).0,
            ]),
        },
    ];
    // Each row's runs of dark modules, as (first column, column past the end).
    let rows: Vec<Vec<(i32, i32)>> = (0..width)
        .map(|row| {
            let mut runs = Vec::new();
            let mut column = 0;
            while column < width {
                if !code.get_module(column, row) {
                    column += 1;
                    continue;
                }
                let start = column;
                while column < width && code.get_module(column, row) {
                    column += 1;
                }
                runs.push((start, column));
            }
            runs
        })
        .collect();
    for (row, runs) in rows.iter().enumerate() {
        for &(start, end) in runs {
            // Drawn already, as part of the rectangle of the row above.
            if row > 0 && rows[row - 1].contains(&(start, end)) {
                continue;
            }
            let height = rows[row..]
                .iter()
                .take_while(|below| below.contains(&(start, end)))
                .count();
            ops.push(Op::DrawRectangle {
                rectangle: Rect {
                    x: Pt(start as f32),
                    // Rows count down from the top; PDF's y counts up.
                    y: Pt((width as usize - row - height) as f32),
                    width: Pt((end - start) as f32),
                    height: Pt(height as f32),
                    mode: Some(PaintMode::Fill),
                    winding_order: None,
                },
            });
        }
    }
    ops.push(Op::RestoreGraphicsState);
    Ok(ops)
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RenderError {
    #[error("the verification link does not fit in a QR code")]
    LinkTooLong,
    #[error("the certificate font cannot print {0:?}")]
    NotPrintable(String),
    #[error(transparent)]
    Subset(#[from] SubsetError),
}

/// The certificate as a PDF: `data` as issued and `verify_link`, the absolute
/// verification URL with its signed token (what the QR code holds).
pub fn render(
    font: &CertificateFont,
    data: &CertificateData,
    verify_link: &str,
) -> Result<Vec<u8>, RenderError> {
    let fields = fields(data);
    if let Some(missing) = fields.iter().find(|f| !font.covers(&f.value)) {
        return Err(RenderError::NotPrintable(missing.zh.to_owned()));
    }
    let mut document = PdfDocument::new(&format!("继续教育证书 {}", data.no));
    // The font is added once the page's text is known: it is cut down to that text.
    let font_id = FontId::new();
    let navy = rgb(0.09, 0.20, 0.40);
    let ink = rgb(0.1, 0.1, 0.1);
    let grey = rgb(0.35, 0.35, 0.35);

    let mut ops = vec![
        // A double frame, as on the printed certificates people know.
        Op::SetOutlineColor { col: navy.clone() },
        Op::SetOutlineThickness { pt: Pt(2.5) },
        Op::DrawRectangle {
            rectangle: frame(Mm(8.0)),
        },
        Op::SetOutlineThickness { pt: Pt(0.8) },
        Op::DrawRectangle {
            rectangle: frame(Mm(11.0)),
        },
        Op::SetFillColor { col: navy.clone() },
    ];
    text(&mut ops, &font_id, 13.0, Mm(24.0), Mm(188.0), ISSUER_ZH);
    text(&mut ops, &font_id, 9.0, Mm(24.0), Mm(182.0), ISSUER_EN);
    text(
        &mut ops,
        &font_id,
        28.0,
        Mm(24.0),
        Mm(164.0),
        "检验鉴定从业人员继续教育证书",
    );
    text(
        &mut ops,
        &font_id,
        13.0,
        Mm(24.0),
        Mm(155.0),
        "Certificate of Continuing Education — Inspection and Appraisal Professionals",
    );

    let mut y = 138.0;
    for field in &fields {
        ops.push(Op::SetFillColor { col: grey.clone() });
        text(&mut ops, &font_id, 11.0, Mm(24.0), Mm(y), field.zh);
        text(&mut ops, &font_id, 7.5, Mm(24.0), Mm(y - 4.0), field.en);
        ops.push(Op::SetFillColor { col: ink.clone() });
        text(
            &mut ops,
            &font_id,
            13.0,
            Mm(72.0),
            Mm(y - 1.0),
            &field.value,
        );
        y -= 11.0;
    }

    let (qr_left, qr_bottom, qr_side) = (Mm(212.0), Mm(62.0), Mm(62.0));
    ops.push(Op::SetFillColor { col: ink.clone() });
    ops.extend(qr_code(verify_link, qr_left, qr_bottom, qr_side)?);
    ops.push(Op::SetFillColor { col: grey });
    text(
        &mut ops,
        &font_id,
        10.0,
        qr_left,
        Mm(55.0),
        "扫码核验本证书的真伪与状态",
    );
    text(
        &mut ops,
        &font_id,
        7.5,
        qr_left,
        Mm(50.5),
        "Scan to verify this certificate",
    );
    ops.push(Op::SetFillColor { col: navy });
    text(&mut ops, &font_id, 12.0, Mm(212.0), Mm(30.0), ISSUER_ZH);
    text(
        &mut ops,
        &font_id,
        9.0,
        Mm(212.0),
        Mm(25.0),
        &format!("发证日期 {}", data.issued_on),
    );

    let subset = font.subset(&characters_shown(&ops))?;
    document
        .resources
        .fonts
        .map
        .insert(font_id, PdfFont::new(subset));
    let page = PdfPage::new(PAGE_WIDTH, PAGE_HEIGHT, ops);
    Ok(compact::save(&mut document, vec![page]))
}

/// Every character the page's text sections show.
fn characters_shown(ops: &[Op]) -> BTreeSet<char> {
    ops.iter()
        .filter_map(|op| match op {
            Op::ShowText { items } => Some(items),
            _ => None,
        })
        .flatten()
        .filter_map(|item| match item {
            TextItem::Text(text) => Some(text.chars()),
            _ => None,
        })
        .flatten()
        .collect()
}

fn frame(inset: Mm) -> Rect {
    let (inset, width, height) = (Pt::from(inset), Pt::from(PAGE_WIDTH), Pt::from(PAGE_HEIGHT));
    Rect {
        x: inset,
        y: inset,
        width: width - inset - inset,
        height: height - inset - inset,
        mode: Some(PaintMode::Stroke),
        winding_order: None,
    }
}
