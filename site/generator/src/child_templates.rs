//! What a child template holds outside its blocks, as Zola 0.23 treats it.
//!
//! Zola 0.23 builds with Tera 2.0.0, which renders a template that
//! `extends` another from its blocks alone and ignores anything else at its
//! top level: text, `{{ … }}`, an `{% include %}`, a `{% set %}`. Tera 2.4
//! (ours: several times faster than 2.0 on a large site) refuses such a
//! template instead ("This content would be ignored"), so a site Zola builds
//! would not build. Before a template is handed to Tera, that top level is
//! blanked here, keeping its lines so that errors point where they did.

use std::borrow::Cow;

/// `source` without what Tera 2.0 ignores at the top level of a child
/// template: only `extends`, the blocks and component definitions (which
/// Tera 2.4 allows there) stay, with every line break. Any other template,
/// or one this scan cannot read to the end (Tera then says what is wrong),
/// is returned as it is.
pub fn without_ignored_top_level(source: &str) -> Cow<'_, str> {
    match blank_top_level(source) {
        Some(blanked) if blanked != source => Cow::Owned(blanked),
        _ => Cow::Borrowed(source),
    }
}

/// A piece of template text: its byte range and, for a tag, its name.
enum Piece<'a> {
    Text,
    Comment,
    Expression,
    Tag(&'a str),
    /// `{% raw %}` … `{% endraw %}`, as one piece.
    Raw,
}

fn blank_top_level(source: &str) -> Option<String> {
    let pieces = pieces(source)?;
    // Only a child template: its first piece that is not blank text or a comment is `extends`.
    let first = pieces.iter().find(|(piece, range)| match piece {
        Piece::Text => !source[range.clone()].trim().is_empty(),
        Piece::Comment => false,
        _ => true,
    });
    if !matches!(first, Some((Piece::Tag("extends"), _))) {
        return None;
    }
    let mut out = String::with_capacity(source.len());
    let (mut blocks, mut in_component) = (0usize, false);
    for (piece, range) in &pieces {
        let text = &source[range.clone()];
        let kept = match piece {
            Piece::Tag("block") => {
                blocks += 1;
                true
            }
            Piece::Tag("endblock") => {
                blocks = blocks.saturating_sub(1);
                true
            }
            Piece::Tag("component") if blocks == 0 => {
                in_component = true;
                true
            }
            Piece::Tag("endcomponent") if blocks == 0 && in_component => {
                in_component = false;
                true
            }
            Piece::Tag("extends") | Piece::Comment => true,
            _ => blocks > 0 || in_component,
        };
        if kept {
            out.push_str(text);
        } else {
            // Blank text keeps its spaces (a child template may hold any); the rest keeps its lines.
            match piece {
                Piece::Text if text.trim().is_empty() => out.push_str(text),
                _ => out.extend(text.chars().filter(|&c| c == '\n')),
            }
        }
    }
    Some(out)
}

/// `source` cut into pieces, in order, with Tera's default delimiters;
/// `None` if a delimiter is left open.
fn pieces(source: &str) -> Option<Vec<(Piece<'_>, std::ops::Range<usize>)>> {
    let bytes = source.as_bytes();
    let mut pieces = Vec::new();
    let mut at = 0;
    while at < source.len() {
        let Some(start) = find_opening(source, at) else {
            pieces.push((Piece::Text, at..source.len()));
            break;
        };
        if start > at {
            pieces.push((Piece::Text, at..start));
        }
        let (piece, end) = match bytes[start + 1] {
            b'#' => (Piece::Comment, source[start..].find("#}")? + start + 2),
            b'{' => (Piece::Expression, closing(source, start + 2, "}}")?),
            _ => {
                let end = closing(source, start + 2, "%}")?;
                match tag_name(&source[start + 2..end - 2]) {
                    "raw" => (Piece::Raw, end_of_raw(source, end)?),
                    name => (Piece::Tag(name), end),
                }
            }
        };
        pieces.push((piece, start..end));
        at = end;
    }
    Some(pieces)
}

fn find_opening(source: &str, from: usize) -> Option<usize> {
    let bytes = source.as_bytes();
    (from..bytes.len().saturating_sub(1))
        .find(|&i| bytes[i] == b'{' && matches!(bytes[i + 1], b'{' | b'%' | b'#'))
}

/// The end (past `close`) of a tag or expression whose inside starts at
/// `from`, skipping quoted strings, where a `%}` is text.
fn closing(source: &str, from: usize, close: &str) -> Option<usize> {
    let bytes = source.as_bytes();
    let mut i = from;
    while i < bytes.len() {
        match bytes[i] {
            quote @ (b'"' | b'\'' | b'`') => {
                i += 1 + source[i + 1..].find(quote as char)? + 1;
            }
            _ if source[i..].starts_with(close) => return Some(i + close.len()),
            _ => i += 1,
        }
    }
    None
}

/// A tag's name: its first word, whitespace control (`-`) aside.
fn tag_name(inside: &str) -> &str {
    let inside = inside.strip_prefix('-').unwrap_or(inside).trim_start();
    let end = inside
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(inside.len());
    &inside[..end]
}

/// The end of the `{% endraw %}` after a `{% raw %}` ending at `from`.
fn end_of_raw(source: &str, from: usize) -> Option<usize> {
    let mut at = from;
    loop {
        let start = at + source[at..].find("{%")?;
        let end = closing(source, start + 2, "%}")?;
        if tag_name(&source[start + 2..end - 2]) == "endraw" {
            return Some(end);
        }
        at = end;
    }
}

#[cfg(test)]
mod tests {
    use super::without_ignored_top_level as clean;

    #[test]
    fn text_expressions_and_tags_outside_blocks_are_blanked_keeping_lines() {
        let child = "{% extends \"base.html\" %}\n\nA child\n\n{% include \"x.html\" %}\n{{ page.title }}\n{% block content %}kept {{ x }}{% endblock content %}\n";
        assert_eq!(
            clean(child),
            "{% extends \"base.html\" %}\n\n\n\n\n\n{% block content %}kept {{ x }}{% endblock content %}\n"
        );
    }

    #[test]
    fn blocks_in_blocks_components_comments_and_raw_are_read_as_tera_reads_them() {
        let child = concat!(
            "{# a note #}\n{%- extends 'base.html' -%}\n",
            "{% component Card(title) %}<b>{{ title }}</b>{% endcomponent %}\n",
            "{% block outer %}{% block inner %}in{% endblock %}{% raw %}{% endblock %}{% endraw %}{% endblock %}\n",
            "{% set x = \"%} {% block fake %}\" %}stray\n",
            "{% raw %}{% block no %}{% endraw %}",
        );
        assert_eq!(
            clean(child),
            concat!(
                "{# a note #}\n{%- extends 'base.html' -%}\n",
                "{% component Card(title) %}<b>{{ title }}</b>{% endcomponent %}\n",
                "{% block outer %}{% block inner %}in{% endblock %}{% raw %}{% endblock %}{% endraw %}{% endblock %}\n",
                "\n",
            )
        );
    }

    #[test]
    fn templates_that_extend_nothing_or_hold_nothing_stray_are_left_as_they_are() {
        for source in [
            "<p>{{ page.title }}</p>{% block b %}{% endblock %}",
            "{% extends \"base.html\" %}\n{% block b %}x{% endblock b %}\n",
            "{% extends \"base.html\" %}\n{% block b %}never closed",
            "{% extends \"base.html\" %} {{ unclosed ",
        ] {
            assert!(
                matches!(clean(source), std::borrow::Cow::Borrowed(_)),
                "{source}"
            );
        }
    }
}
