//! The printable learning record (学时证明): A4 portrait, Chinese first with
//! English beside it, every hour of the cycle on as many pages as it takes,
//! and on the first page the QR code and the text of the verification link.
//!
//! It reuses the certificate's font subsetting, text and QR drawing; only
//! the layout is its own.

use printpdf::{FontId, Mm, Op, PdfDocument, PdfFont, PdfPage};
use ticedu_domain::learning_record::{LearningRecord, RecordedHour};

use crate::{
    CertificateFont, ISSUER_EN, ISSUER_ZH, RenderError, characters_shown, qr_code, rgb, text,
};

const PAGE_WIDTH: Mm = Mm(210.0);
const PAGE_HEIGHT: Mm = Mm(297.0);
const LEFT: f32 = 20.0;
/// Where the hours' table stops on every page: below it, the last page's
/// notes and every page's footer.
const TABLE_BOTTOM: f32 = 40.0;
const ROW: f32 = 7.0;
/// The first row's baseline on the first page (under the header, the fields
/// and the link) and on the pages after it (under the repeated table head).
const FIRST_PAGE_ROWS_FROM: f32 = 166.0;
const NEXT_PAGE_ROWS_FROM: f32 = 265.0;
/// The columns: number, when, course, hour.
const COLUMNS: [f32; 4] = [LEFT, 32.0, 72.0, 170.0];
const TITLE_WIDTH_MM: f32 = 94.0;
const TITLE_SIZE: f32 = 9.5;
const SMALLEST_TITLE_SIZE: f32 = 6.0;
/// Characters of the link per printed line at its size (6 pt: ~1.1 mm a character).
const LINK_LINE_CHARS: usize = 110;

/// How many rows fit from `from` down to the table's bottom.
fn rows_from(from: f32) -> usize {
    ((from - TABLE_BOTTOM) / ROW) as usize + 1
}

/// The hours in pages: the first page holds fewer rows than the next ones.
fn paginate(hours: &[RecordedHour]) -> Vec<&[RecordedHour]> {
    let first = rows_from(FIRST_PAGE_ROWS_FROM).min(hours.len());
    let (head, rest) = hours.split_at(first);
    std::iter::once(head)
        .chain(rest.chunks(rows_from(NEXT_PAGE_ROWS_FROM)))
        .collect()
}

/// The course title at a size that fits its column: long titles print
/// smaller rather than run into the next column, and past the smallest size
/// they are cut with an ellipsis (the course's page has the whole title).
fn fitted_title(title: &str) -> (f32, String) {
    // Han characters are one em wide; Latin letters, digits and punctuation about 0.6.
    let ems = |text: &str| -> f32 {
        text.chars()
            .map(|c| if c.is_ascii() { 0.6 } else { 1.0 })
            .sum()
    };
    let mm_per_pt = 25.4 / 72.0;
    let size_for = |text: &str| TITLE_WIDTH_MM / (ems(text) * mm_per_pt);
    let size = size_for(title);
    if size >= SMALLEST_TITLE_SIZE {
        return (size.min(TITLE_SIZE), title.to_owned());
    }
    let mut cut: String = title.to_owned();
    while !cut.is_empty() && size_for(&format!("{cut}…")) < SMALLEST_TITLE_SIZE {
        cut.pop();
    }
    (SMALLEST_TITLE_SIZE, format!("{cut}…"))
}

fn table_head(ops: &mut Vec<Op>, font: &FontId, y: f32) {
    let heads = [
        ("序号", "No."),
        ("学习时间（北京时间）", "Marked learned (China time)"),
        ("课程", "Course"),
        ("学时", "Hour"),
    ];
    for (x, (zh, en)) in COLUMNS.iter().zip(heads) {
        text(ops, font, 9.0, Mm(*x), Mm(y), zh);
        text(ops, font, 6.0, Mm(*x), Mm(y - 3.5), en);
    }
}

/// The learning record as a PDF: `record` as compiled for its owner and
/// `verify_link`, the absolute verification URL with the record's
/// signature (what the QR code holds and the first page prints).
pub fn render_record(
    font: &CertificateFont,
    record: &LearningRecord,
    verify_link: &str,
) -> Result<Vec<u8>, RenderError> {
    // Refused, never drawn as empty boxes: a name or title the face lacks.
    if !font.covers(record.name.as_str()) {
        return Err(RenderError::NotPrintable("姓名".to_owned()));
    }
    if record.hours.iter().any(|h| !font.covers(&h.course_title)) {
        return Err(RenderError::NotPrintable("课程".to_owned()));
    }
    let font_id = FontId::new();
    let navy = rgb(0.09, 0.20, 0.40);
    let ink = rgb(0.1, 0.1, 0.1);
    let grey = rgb(0.35, 0.35, 0.35);
    let pages = paginate(&record.hours);
    let page_count = pages.len();
    let mut page_ops = Vec::with_capacity(page_count);
    let mut index = 0;
    for (page, hours) in pages.into_iter().enumerate() {
        let mut ops = vec![Op::SetFillColor { col: navy.clone() }];
        let mut y = if page == 0 {
            first_page_header(&mut ops, &font_id, record, verify_link, (&ink, &grey))?;
            ops.push(Op::SetFillColor { col: navy.clone() });
            table_head(&mut ops, &font_id, 176.0);
            FIRST_PAGE_ROWS_FROM
        } else {
            text(
                &mut ops,
                &font_id,
                11.0,
                Mm(LEFT),
                Mm(282.0),
                &format!("继续教育学时证明（续） {}", record.no),
            );
            table_head(&mut ops, &font_id, 275.0);
            NEXT_PAGE_ROWS_FROM
        };
        ops.push(Op::SetFillColor { col: ink.clone() });
        for hour in hours {
            index += 1;
            let (size, title) = fitted_title(&hour.course_title);
            text(
                &mut ops,
                &font_id,
                9.5,
                Mm(COLUMNS[0]),
                Mm(y),
                &index.to_string(),
            );
            text(&mut ops, &font_id, 9.5, Mm(COLUMNS[1]), Mm(y), &hour.when());
            text(&mut ops, &font_id, size, Mm(COLUMNS[2]), Mm(y), &title);
            text(
                &mut ops,
                &font_id,
                9.5,
                Mm(COLUMNS[3]),
                Mm(y),
                &format!("第 {} 学时", hour.number()),
            );
            y -= ROW;
        }
        ops.push(Op::SetFillColor { col: grey.clone() });
        if page + 1 == page_count {
            notes(&mut ops, &font_id, record);
        }
        text(
            &mut ops,
            &font_id,
            8.0,
            Mm(LEFT),
            Mm(14.0),
            &format!(
                "{ISSUER_ZH} · 证明编号 {} · 第 {} 页，共 {} 页 (page {} of {})",
                record.no,
                page + 1,
                page_count,
                page + 1,
                page_count
            ),
        );
        page_ops.push(ops);
    }

    let characters = page_ops
        .iter()
        .flat_map(|ops| characters_shown(ops))
        .collect();
    let subset = font.subset(&characters)?;
    let mut document = PdfDocument::new(&format!("继续教育学时证明 {}", record.no));
    document
        .resources
        .fonts
        .map
        .insert(font_id, PdfFont::new(subset));
    let pages = page_ops
        .into_iter()
        .map(|ops| PdfPage::new(PAGE_WIDTH, PAGE_HEIGHT, ops))
        .collect();
    Ok(crate::compact::save(&mut document, pages))
}

/// The issuer, the title, the record's fields, the QR code and the link.
fn first_page_header(
    ops: &mut Vec<Op>,
    font: &FontId,
    record: &LearningRecord,
    verify_link: &str,
    (ink, grey): (&printpdf::Color, &printpdf::Color),
) -> Result<(), RenderError> {
    text(ops, font, 13.0, Mm(LEFT), Mm(277.0), ISSUER_ZH);
    text(ops, font, 8.0, Mm(LEFT), Mm(271.5), ISSUER_EN);
    text(ops, font, 22.0, Mm(LEFT), Mm(256.0), "继续教育学时证明");
    text(
        ops,
        font,
        11.0,
        Mm(LEFT),
        Mm(249.0),
        "Continuing Education Learning Record",
    );
    let not_counted = if record.not_counted_hours > 0 {
        format!("（另有 {} 学时不计入）", record.not_counted_hours)
    } else {
        String::new()
    };
    let fields = [
        ("证明编号", "Record No.", record.no.to_string()),
        ("姓名", "Name", record.name.to_string()),
        (
            "学习周期",
            "Cycle",
            format!(
                "第 {} 个周期 {} — {}",
                record.cycle_number, record.cycle_start, record.cycle_end
            ),
        ),
        (
            "计入学时",
            "Hours counted",
            format!(
                "{} / {} 学时 hours{not_counted}",
                record.counted_hours, record.required_hours
            ),
        ),
        ("出具日期", "Issued on", record.issued_on.to_string()),
    ];
    let mut y = 236.0;
    for (zh, en, value) in fields {
        ops.push(Op::SetFillColor { col: grey.clone() });
        text(ops, font, 10.0, Mm(LEFT), Mm(y), zh);
        text(ops, font, 6.5, Mm(LEFT), Mm(y - 3.5), en);
        ops.push(Op::SetFillColor { col: ink.clone() });
        text(ops, font, 11.0, Mm(52.0), Mm(y - 0.5), &value);
        y -= 8.5;
    }
    let (qr_left, qr_bottom, qr_side) = (Mm(150.0), Mm(216.0), Mm(42.0));
    ops.extend(qr_code(verify_link, qr_left, qr_bottom, qr_side)?);
    ops.push(Op::SetFillColor { col: grey.clone() });
    text(ops, font, 8.5, qr_left, Mm(211.0), "扫码核验本证明");
    text(
        ops,
        font,
        6.5,
        qr_left,
        Mm(207.0),
        "Scan to verify this record",
    );
    text(
        ops,
        font,
        7.5,
        Mm(LEFT),
        Mm(194.0),
        "核验链接 Verification link:",
    );
    let characters: Vec<char> = verify_link.chars().collect();
    let mut line_y = 190.0;
    for line in characters.chunks(LINK_LINE_CHARS) {
        let line: String = line.iter().collect();
        text(ops, font, 6.0, Mm(LEFT), Mm(line_y), &line);
        line_y -= 3.0;
    }
    Ok(())
}

/// What the record states and what it does not, under the last page's table.
fn notes(ops: &mut Vec<Op>, font: &FontId, record: &LearningRecord) {
    text(
        ops,
        font,
        7.5,
        Mm(LEFT),
        Mm(32.0),
        &format!(
            "本证明列出截至 {} 本周期内点击“学过了”的全部 {} 个学时，时间为北京时间；计入学时按本人类别的学时要求计算。",
            record.issued_on,
            record.hours.len()
        ),
    );
    text(
        ops,
        font,
        6.0,
        Mm(LEFT),
        Mm(28.0),
        "Every class hour marked learned in this cycle up to the issue date, in China time; hours counted follow the learner's requirement.",
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_titles_print_smaller_then_cut() {
        assert_eq!(fitted_title("抽样检验").0, TITLE_SIZE);
        let (size, title) = fitted_title(&"检".repeat(30));
        assert!((SMALLEST_TITLE_SIZE..TITLE_SIZE).contains(&size));
        assert_eq!(title.chars().count(), 30);
        let (size, title) = fitted_title(&"检".repeat(80));
        assert_eq!(size, SMALLEST_TITLE_SIZE);
        assert!(title.ends_with('…') && title.chars().count() < 80);
    }

    #[test]
    fn the_first_page_holds_fewer_rows_than_the_next() {
        assert!(rows_from(FIRST_PAGE_ROWS_FROM) < rows_from(NEXT_PAGE_ROWS_FROM));
        // The last row stays above the table's bottom.
        let last = FIRST_PAGE_ROWS_FROM - ROW * (rows_from(FIRST_PAGE_ROWS_FROM) - 1) as f32;
        assert!(last >= TABLE_BOTTOM);
    }
}
