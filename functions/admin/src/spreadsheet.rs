//! Lists staff download to work on in a spreadsheet (study cards to hand
//! out, invoice requests to issue): CSV that Excel opens as it is — UTF-8
//! with a byte-order mark, CRLF line ends — and that never runs a formula
//! a learner typed into a field.

use axum::http::header;
use axum::response::{IntoResponse, Response};

/// A CSV download named `filename`: `header` then `rows`.
pub(crate) fn csv_download(
    filename: &str,
    header: &[&str],
    rows: impl IntoIterator<Item = Vec<String>>,
) -> Response {
    // Excel reads a file without the mark in the system's code page: Chinese becomes mojibake.
    let mut csv = String::from('\u{feff}');
    csv.push_str(&header.join(","));
    csv.push_str("\r\n");
    for row in rows {
        let fields: Vec<String> = row.iter().map(|field| csv_field(field)).collect();
        csv.push_str(&fields.join(","));
        csv.push_str("\r\n");
    }
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}\""),
            ),
        ],
        csv,
    )
        .into_response()
}

/// Yuan with two decimals from fen, as a spreadsheet column reads them.
pub(crate) fn yuan(fen: u64) -> String {
    format!("{}.{:02}", fen / 100, fen % 100)
}

/// A CSV field, quoted when it needs to be; a leading `=+-@` is defused so a spreadsheet never runs it.
fn csv_field(text: &str) -> String {
    let text = if text.starts_with(['=', '+', '-', '@']) {
        format!("'{text}")
    } else {
        text.to_owned()
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_formula_in_a_note_is_defused_and_a_comma_quoted() {
        assert_eq!(csv_field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_field("工行, 钟检"), "\"工行, 钟检\"");
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(yuan(60_000), "600.00");
        assert_eq!(yuan(1_505), "15.05");
    }
}
