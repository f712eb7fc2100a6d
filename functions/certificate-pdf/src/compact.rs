//! What is done to a document after printpdf built it and before it is
//! saved: the size a certificate costs (issue 21's 25 KB budget).

use std::io::Write;

use flate2::Compression;
use flate2::write::ZlibEncoder;
use printpdf::{PdfDocument, PdfPage, PdfSaveOptions};

/// The document with `pages`, its font already a subset (printpdf embeds it
/// as it is), made small as below and written out.
pub(crate) fn save(document: &mut PdfDocument, pages: Vec<PdfPage>) -> Vec<u8> {
    // Streams are compressed here, not by printpdf (`optimize`).
    let options = PdfSaveOptions {
        subset_fonts: false,
        optimize: false,
        ..PdfSaveOptions::default()
    };
    let mut pdf = document
        .with_pages(pages)
        .to_lopdf_document(&options, &mut Vec::new());
    drop_default_widths(&mut pdf);
    compress_streams(&mut pdf);
    let mut bytes = Vec::with_capacity(32 * 1024);
    // As printpdf's own `save` does: writing to memory fails only for an
    // encrypted document (an incremental save), which this never is.
    let _ = pdf.save_to(&mut bytes);
    bytes
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
