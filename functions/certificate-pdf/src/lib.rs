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
mod record;

use std::borrow::Cow;
use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};

use allsorts::binary::read::ReadScope;
use allsorts::error::ParseError;
use allsorts::font_data::FontData;
use allsorts::subset::{CmapTarget, SubsetProfile};
use allsorts::tables::FontTableProvider;
use flate2::Compression;
use flate2::write::ZlibEncoder;

use printpdf::{
    Color, CurTransMat, FontId, Mm, Op, PaintMode, ParsedFont, PdfDocument, PdfFont, PdfFontHandle,
    PdfPage, PdfSaveOptions, Point, Pt, Rect, Rgb, TextItem,
};
use qrcodegen::{QrCode, QrCodeEcc};
use ticedu_domain::certificate::CertificateData;
use ticedu_domain::learner::LearnerKind;

pub use record::render_record;

/// Where Debian's `fonts-noto-cjk` puts the collection, and the index of its
/// Simplified Chinese face (index 0 is the Japanese one, whose glyph shapes
/// differ for many Han characters).
pub const DEBIAN_NOTO_CJK: &str = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc";
pub const NOTO_CJK_SIMPLIFIED_CHINESE: usize = 2;

/// A parsed CJK font face, loaded once per process.
pub struct CertificateFont {
    face: ParsedFont,
}

#[derive(Debug, thiserror::Error)]
pub enum FontError {
    #[error("cannot read the certificate font {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path} has no usable font face at index {index}")]
    Parse { path: PathBuf, index: usize },
    #[error("the certificate font has no glyph for {0:?}")]
    MissingGlyph(char),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot cut the certificate font down to the characters printed: {0}")]
pub struct SubsetError(String);

impl CertificateFont {
    /// Reads face `index` of the font file at `path` (a `.ttc` collection or a single `.otf`/`.ttf`).
    pub fn load(path: &Path, index: usize) -> Result<Self, FontError> {
        let bytes = std::fs::read(path).map_err(|source| FontError::Read {
            path: path.to_owned(),
            source,
        })?;
        let face = ParsedFont::from_bytes(&bytes, index, &mut Vec::new()).ok_or_else(|| {
            FontError::Parse {
                path: path.to_owned(),
                index,
            }
        })?;
        let font = Self { face };
        // A face without Han glyphs (the wrong index, a Latin font) would
        // print empty boxes on every certificate: refuse it at start instead.
        for probe in ['证', '书', 'A', '0'] {
            if font.face.lookup_glyph_index(probe as u32).is_none() {
                return Err(FontError::MissingGlyph(probe));
            }
        }
        Ok(font)
    }

    /// Loads the Simplified Chinese face of Debian's Noto Sans CJK.
    pub fn debian_noto() -> Result<Self, FontError> {
        Self::load(Path::new(DEBIAN_NOTO_CJK), NOTO_CJK_SIMPLIFIED_CHINESE)
    }

    /// Whether every character of `text` can be printed (names may use rare Han characters).
    pub fn covers(&self, text: &str) -> bool {
        text.chars()
            .filter(|c| !c.is_whitespace())
            .all(|c| self.face.lookup_glyph_index(c as u32).is_some())
    }

    /// A font holding only `characters` (those the face has), with a Unicode
    /// cmap of its own, ready to embed whole.
    pub fn subset(&self, characters: &BTreeSet<char>) -> Result<ParsedFont, SubsetError> {
        let error = |e: &dyn std::fmt::Display| SubsetError(e.to_string());
        let mapped: Vec<(char, u16)> = characters
            .iter()
            .filter_map(|&c| Some((c, self.face.lookup_glyph_index(c as u32)?)))
            .collect();
        // The subsetter wants .notdef first and no repeats; a BTreeSet sorts and dedups.
        let glyphs: BTreeSet<u16> = mapped.iter().map(|&(_, glyph)| glyph).chain([0]).collect();
        let glyphs: Vec<u16> = glyphs.into_iter().collect();
        let file = ReadScope::new(&self.face.original_bytes)
            .read::<FontData<'_>>()
            .map_err(|e| error(&e))?;
        let provider = file
            .table_provider(self.face.font_index as usize)
            .map_err(|e| error(&e))?;
        // The subsetter builds the subset's cmap by walking the face's whole
        // cmap (~65,000 mappings, a tenth of a certificate's time) to find
        // those of the glyphs kept; handed a cmap of just the characters
        // printed, it finds the same mappings at once.
        let provider = WithTable {
            face: &provider,
            tag: allsorts::tag::CMAP,
            data: unicode_cmap(&mapped),
        };
        let bytes =
            allsorts::subset::subset(&provider, &glyphs, &SubsetProfile::Pdf, CmapTarget::Unicode)
                .map_err(|e| error(&e))?;
        let bytes = cff::without_subroutines(&bytes).unwrap_or(bytes);
        ParsedFont::from_bytes(&bytes, 0, &mut Vec::new())
            .ok_or_else(|| SubsetError("the subset does not parse".to_owned()))
    }
}

/// A font with one table replaced.
struct WithTable<'a, P> {
    face: &'a P,
    tag: u32,
    data: Vec<u8>,
}

impl<P: FontTableProvider> FontTableProvider for WithTable<'_, P> {
    fn table_data(&self, tag: u32) -> Result<Option<Cow<'_, [u8]>>, ParseError> {
        if tag == self.tag {
            Ok(Some(Cow::Borrowed(&self.data)))
        } else {
            self.face.table_data(tag)
        }
    }

    fn has_table(&self, tag: u32) -> bool {
        tag == self.tag || self.face.has_table(tag)
    }

    fn table_tags(&self) -> Option<Vec<u32>> {
        self.face.table_tags()
    }
}

/// A cmap table with one subtable, Windows UCS-4 (format 12), one group per
/// character: the encoding every Unicode face has, Extension B included.
fn unicode_cmap(mapped: &[(char, u16)]) -> Vec<u8> {
    const HEADER: u32 = 4 + 8;
    let groups = mapped.len() as u32;
    let length = 16 + 12 * groups;
    let mut cmap = Vec::with_capacity((HEADER + length) as usize);
    // version 0, one encoding record: platform 3 (Windows), encoding 10 (UCS-4)
    for half in [0u16, 1, 3, 10] {
        cmap.extend(half.to_be_bytes());
    }
    cmap.extend(HEADER.to_be_bytes());
    cmap.extend(12u16.to_be_bytes());
    cmap.extend(0u16.to_be_bytes());
    for word in [length, 0, groups] {
        cmap.extend(word.to_be_bytes());
    }
    // `mapped` comes from a BTreeSet: ascending characters, as format 12 requires.
    for &(c, glyph) in mapped {
        for word in [c as u32, c as u32, u32::from(glyph)] {
            cmap.extend(word.to_be_bytes());
        }
    }
    cmap
}

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
    // Already a subset: printpdf embeds it as it is. Its streams are
    // compressed below, not by printpdf (`optimize`).
    let options = PdfSaveOptions {
        subset_fonts: false,
        optimize: false,
        ..PdfSaveOptions::default()
    };
    let mut pdf = document
        .with_pages(vec![page])
        .to_lopdf_document(&options, &mut Vec::new());
    drop_default_widths(&mut pdf);
    compress_streams(&mut pdf);
    let mut bytes = Vec::with_capacity(32 * 1024);
    // As printpdf's own `save` does: writing to memory fails only for an
    // encrypted document (an incremental save), which this never is.
    let _ = pdf.save_to(&mut bytes);
    Ok(bytes)
}

/// Removes from each CID font's `/W` the widths equal to its `/DW`: printpdf
/// lists every glyph, so each Han character, all of the default 1000, cost
/// a dozen bytes in a dictionary that is not compressed.
fn drop_default_widths(pdf: &mut lopdf::Document) {
    use lopdf::Object;
    for object in pdf.objects.values_mut() {
        let Ok(font) = object.as_dict_mut() else {
            continue;
        };
        let Ok(descendants) = font
            .get_mut(b"DescendantFonts")
            .and_then(Object::as_array_mut)
        else {
            continue;
        };
        for cid_font in descendants.iter_mut().filter_map(|d| d.as_dict_mut().ok()) {
            let Ok(default) = cid_font.get(b"DW").and_then(Object::as_i64) else {
                continue;
            };
            let Ok(widths) = cid_font.get_mut(b"W").and_then(Object::as_array_mut) else {
                continue;
            };
            let mut kept = Vec::with_capacity(widths.len());
            // printpdf writes only the `first [w1 w2 …]` form.
            for pair in widths.chunks(2) {
                let (Ok(first), Some(Object::Array(run))) = (pair[0].as_i64(), pair.get(1)) else {
                    kept.extend(pair.iter().cloned());
                    continue;
                };
                let mut start = None;
                for (i, width) in run.iter().enumerate() {
                    let default_width = width.as_i64().is_ok_and(|w| w == default);
                    match (start, default_width) {
                        (None, false) => start = Some(i),
                        (Some(s), true) => {
                            kept.push(Object::Integer(first + s as i64));
                            kept.push(Object::Array(run[s..i].to_vec()));
                            start = None;
                        }
                        _ => {}
                    }
                }
                if let Some(s) = start {
                    kept.push(Object::Integer(first + s as i64));
                    kept.push(Object::Array(run[s..].to_vec()));
                }
            }
            *widths = kept;
        }
    }
}

/// Deflates every stream, as printpdf's `optimize` does, but at the levels
/// that pay: the font program's charstrings are dense already (deflate takes
/// a tenth off at any level, the fastest within 0.3%), while the page's
/// drawing operators shrink by a quarter more at the default level than at
/// the fastest. lopdf's own is the best level, as slow as it gets for a few
/// bytes fewer.
fn compress_streams(pdf: &mut lopdf::Document) {
    for object in pdf.objects.values_mut() {
        let lopdf::Object::Stream(stream) = object else {
            continue;
        };
        if !stream.allows_compression || stream.dict.has(b"Filter") {
            continue;
        }
        let font_program = matches!(
            stream.dict.get(b"Subtype").and_then(lopdf::Object::as_name),
            Ok(b"CIDFontType0C" | b"OpenType")
        );
        let level = if font_program {
            Compression::fast()
        } else {
            Compression::default()
        };
        let mut encoder = ZlibEncoder::new(Vec::with_capacity(stream.content.len() / 2), level);
        // Writing to a Vec cannot fail.
        if encoder.write_all(&stream.content).is_err() {
            continue;
        }
        let Ok(compressed) = encoder.finish() else {
            continue;
        };
        if compressed.len() < stream.content.len() {
            stream.dict.set("Filter", "FlateDecode");
            stream.set_content(compressed);
        }
    }
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
