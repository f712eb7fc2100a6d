//! A page's front matter when it is written in the plainest TOML, read
//! without the TOML parser: on a 10,000-page site, its tokens and serde's
//! calls through them were a quarter of reading the content. Anything
//! else (an escape, a comment, spaces out of place, a float, a table other
//! than `[extra]`, a key met twice, a field of the wrong type or unknown)
//! goes to the TOML parser, so what this reads is exactly what it reads,
//! and every error is still its own.

use std::str::FromStr;

use crate::content::PageFront;

/// `front` read as [`toml::from_str`] reads it, if every line is empty,
/// `[extra]` (once, after the page's own fields) or `key = value`, the key
/// bare and the value a string without `\` or control characters, `true`,
/// `false`, an integer in plain decimal, a date (`2024-01-20`) or an array
/// of such strings written `["a", "b"]`.
pub fn plain_page_front(front: &str) -> Option<PageFront> {
    let mut page = PageFront::default();
    // Each field of the page once, as TOML allows; `extra` refuses a key twice itself.
    let mut seen = [false; FIELDS.len()];
    let mut in_extra = false;
    for line in front.split('\n') {
        if line.is_empty() {
            continue;
        }
        if line == "[extra]" {
            if in_extra {
                return None;
            }
            in_extra = true;
            continue;
        }
        let (key, value) = line.split_once(" = ")?;
        if key.is_empty()
            || !key
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        {
            return None;
        }
        let value = plain_value(value)?;
        if in_extra {
            if page.extra.insert(key.to_owned(), value).is_some() {
                return None;
            }
            continue;
        }
        let field = FIELDS.iter().position(|name| *name == key)?;
        if std::mem::replace(&mut seen[field], true) {
            return None;
        }
        let text = |value: toml::Value| match value {
            toml::Value::String(text) => Some(text),
            _ => None,
        };
        let flag = |value: toml::Value| value.as_bool();
        let texts = |value: toml::Value| match value {
            toml::Value::Array(items) => items.into_iter().map(text).collect(),
            _ => None,
        };
        match key {
            "title" => page.title = Some(text(value)?),
            "description" => page.description = Some(text(value)?),
            "date" | "updated" => {
                if !matches!(value, toml::Value::String(_) | toml::Value::Datetime(_)) {
                    return None;
                }
                let date = if key == "date" {
                    &mut page.date
                } else {
                    &mut page.updated
                };
                *date = Some(value);
            }
            "weight" => page.weight = Some(value.as_integer()?),
            "draft" => page.draft = flag(value)?,
            "render" => page.render = Some(flag(value)?),
            "in_search_index" => page.in_search_index = Some(flag(value)?),
            "slug" => page.slug = Some(text(value)?),
            "path" => page.path = Some(text(value)?),
            "template" => page.template = Some(text(value)?),
            "aliases" => page.aliases = texts(value)?,
            "authors" => page.authors = texts(value)?,
            _ => return None,
        }
    }
    Some(page)
}

/// The page's fields this reads (`taxonomies` and an inline `extra` are the parser's).
const FIELDS: [&str; 13] = [
    "title",
    "description",
    "date",
    "updated",
    "weight",
    "draft",
    "render",
    "in_search_index",
    "slug",
    "path",
    "template",
    "aliases",
    "authors",
];

fn plain_value(value: &str) -> Option<toml::Value> {
    if let Some(inner) = value.strip_prefix('[') {
        let inner = inner.strip_suffix(']')?;
        if inner.is_empty() {
            return Some(toml::Value::Array(Vec::new()));
        }
        return inner
            .split(", ")
            .map(|item| plain_string(item).map(toml::Value::String))
            .collect::<Option<Vec<_>>>()
            .map(toml::Value::Array);
    }
    if value.starts_with('"') {
        return plain_string(value).map(toml::Value::String);
    }
    match value {
        "true" => return Some(toml::Value::Boolean(true)),
        "false" => return Some(toml::Value::Boolean(false)),
        _ => {}
    }
    let bytes = value.as_bytes();
    if bytes.len() == 10
        && bytes[4] == b'-'
        && bytes[7] == b'-'
        && bytes
            .iter()
            .enumerate()
            .all(|(i, b)| i == 4 || i == 7 || b.is_ascii_digit())
    {
        // The parser's own reading of the date: it refuses a day the month does not have.
        return toml::value::Datetime::from_str(value)
            .ok()
            .map(toml::Value::Datetime);
    }
    // Decimal digits, no sign but `-`, no leading zero, no `_`: as TOML reads them.
    let digits = value.strip_prefix('-').unwrap_or(value);
    let plain = !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit())
        && (digits == "0" || !digits.starts_with('0'));
    if plain {
        return value.parse::<i64>().ok().map(toml::Value::Integer);
    }
    None
}

/// The text of `"…"` with no `"`, `\` or control character inside (TOML
/// allows a tab, which is left to the parser with the rest).
fn plain_string(quoted: &str) -> Option<String> {
    let inner = quoted.strip_prefix('"')?.strip_suffix('"')?;
    inner
        .bytes()
        .all(|b| b != b'"' && b != b'\\' && b >= 0x20 && b != 0x7F)
        .then(|| inner.to_owned())
}

#[cfg(test)]
mod tests {
    use super::plain_page_front;
    use crate::content::PageFront;

    /// What the fast path reads is what the parser reads; what it leaves
    /// to the parser, it leaves whole.
    fn check(front: &str) -> bool {
        let parsed = toml::from_str::<PageFront>(front);
        match plain_page_front(front) {
            Some(plain) => {
                let parsed = parsed.unwrap_or_else(|e| panic!("{front:?}: {e}"));
                assert_eq!(format!("{plain:?}"), format!("{parsed:?}"), "{front:?}");
                true
            }
            None => false,
        }
    }

    #[test]
    fn plain_front_matter_reads_as_the_toml_parser_reads_it() {
        let plain = [
            "",
            "title = \"Post 1\"\n",
            "title = \"Post 7\"\ndescription = \"Synthetic post number 7\"\ndate = 2023-08-08\n[extra]\nauthor = \"Author 7\"\nhours = 7\ntags = [\"a\", \"b\"]\nfeatured = false\n",
            "date = \"2024-01-20 09:00\"\nupdated = 2024-02-29\nweight = -0\ndraft = true\nrender = false\nin_search_index = true\n",
            "slug = \"x\"\npath = \"/a/b\"\ntemplate = \"t.html\"\naliases = []\nauthors = [\"检验\", \"b c\"]\n",
            "title = \"\"\n\n[extra]\nn = 0\nm = 9223372036854775807\nk-1 = \"é\"\n",
        ];
        for front in plain {
            assert!(check(front), "{front:?} is plain");
        }
        let for_the_parser = [
            "title = 'Post'\n",
            "title = \"a \\\"b\\\"\"\n",
            "title = \"tab\there\"\n",
            "title=\"x\"\n",
            "title = \"x\" # note\n",
            " title = \"x\"\n",
            "title = \"x\"\r\n",
            "title = \"x\"\ntitle = \"y\"\n",
            "title = 5\n",
            "weight = \"5\"\n",
            "weight = 007\n",
            "weight = +5\n",
            "weight = 1_000\n",
            "weight = 1.5\n",
            "weight = 9223372036854775808\n",
            "date = 2023-02-30\n",
            "date = 2023-13-01\n",
            "date = 2023-01-01T10:00:00\n",
            "date = true\n",
            "draft = \"yes\"\n",
            "colour = \"red\"\n",
            "extra = {}\n",
            "taxonomies = { tags = [\"a\"] }\n",
            "[taxonomies]\ntags = [\"a\"]\n",
            "[extra]\na = 1\na = 2\n",
            "[extra]\n[extra]\n",
            "[extra]\n\"quoted key\" = 1\n",
            "[extra]\na.b = 1\n",
            "[extra]\nlist = [1, 2]\n",
            "[extra]\nlist = [\"a\",\"b\"]\n",
            "[extra]\nlist = [\"a\", \"b\",]\n",
            "aliases = [\"a\", 1]\n",
        ];
        for front in for_the_parser {
            assert!(!check(front), "{front:?} is left to the parser");
        }
        // Front matters of lines of both kinds, in pseudo-random order.
        let lines: Vec<&str> = plain
            .iter()
            .chain(&for_the_parser)
            .flat_map(|front| front.lines())
            .chain(["[extra]", "", "date = 2024-02-29", "date = 2023-02-29"])
            .collect();
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut read_plain = 0;
        for _ in 0..5_000 {
            let mut front = String::new();
            for _ in 0..state % 6 {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                front.push_str(lines[(state % lines.len() as u64) as usize]);
                front.push('\n');
            }
            read_plain += usize::from(check(&front));
        }
        assert!(
            read_plain > 100,
            "{read_plain} of the mixed front matters were plain"
        );
    }
}
