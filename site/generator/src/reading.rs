//! `word_count` and `reading_time` as Zola 0.23 computes them, from a
//! file's Markdown source with fenced code left out: Chinese and Japanese
//! are counted in characters (439 and 653 a minute), other languages in
//! Unicode words (238 a minute in English, 202 in Korean, 200 otherwise).

use unicode_segmentation::UnicodeSegmentation;

/// Words (or characters) and whole minutes, rounded up.
pub fn reading_analytics(markdown: &str, lang: &str) -> (usize, usize) {
    let prose = prose(markdown);
    let primary = lang.split('-').next().unwrap_or(lang);
    let (count, per_minute) = match primary {
        "zh" => (prose.map(letters).sum(), 439),
        "ja" => (prose.map(letters).sum(), 653),
        _ => {
            let words = prose.map(words).sum();
            let per_minute = match primary {
                "en" => 238,
                "ko" => 202,
                _ => 200,
            };
            (words, per_minute)
        }
    };
    (count, count.div_ceil(per_minute))
}

/// Each ``` toggles code on and off: every other piece is prose. Most
/// pages have no backtick at all, which memchr tells faster than a search
/// for the fence does.
fn prose(markdown: &str) -> impl Iterator<Item = &str> {
    let fenced = markdown
        .contains('`')
        .then(|| markdown.split("```").step_by(2));
    let plain = fenced.is_none().then_some(markdown);
    fenced.into_iter().flatten().chain(plain)
}

/// Unicode words (UAX #29, as `unicode_words` finds them) in `text`.
/// Word boundaries always fall at ASCII whitespace, so each piece between
/// it can be counted alone (split as bytes: UTF-8 never has an ASCII byte
/// inside a character), and a piece of ASCII by the rules UAX #29 has for
/// ASCII: counting every word of a 10,000-page site through the full
/// Unicode tables took a fifth of a build.
fn words(text: &str) -> usize {
    ascii_and_han_words(text).unwrap_or_else(|| {
        text.as_bytes()
            .split(u8::is_ascii_whitespace)
            .map(|piece| {
                if piece.is_ascii() {
                    ascii_words(piece)
                } else {
                    let piece = std::str::from_utf8(piece).unwrap_or_default();
                    ascii_and_han_words(piece).unwrap_or_else(|| piece.unicode_words().count())
                }
            })
            .sum()
    })
}

/// Words of a text of ASCII and Han ideographs only; `None` if it has any
/// other character. An ideograph has no word boundary rule of its own in
/// UAX #29: it is a word by itself and breaks whatever stands beside it,
/// as ASCII whitespace does, which is what [`ascii_words`] makes of any
/// byte of a multi-byte character. So the whole text is counted in one
/// pass over its bytes that the compiler turns into vector code: walking
/// it a run of ASCII and a character at a time, as before, took a twelfth
/// of a 10,000-page build, three times as long.
fn ascii_and_han_words(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let tally = Tally::of(bytes);
    if tally.other > 0 {
        return None;
    }
    // A run of `_` alone is no word, which counting where words start would miss.
    let ascii = if tally.underscores > 0 {
        ascii_words(bytes)
    } else {
        tally.starts - tally.joins
    };
    Some(tally.han + ascii)
}

/// What [`ascii_and_han_words`] needs to know of a text's bytes.
#[derive(Default)]
struct Tally {
    /// Runs of ASCII letters and digits (`_` aside).
    starts: usize,
    /// A single `:`, `.` or `'` between two letters, or `,`, `;`, `.` or
    /// `'` between two digits: it makes one word of the runs on each side.
    joins: usize,
    /// Characters that are not ASCII: Han ideographs, unless `other` counts some.
    han: usize,
    /// Characters that are neither ASCII nor of Unicode 1.1's CJK Unified
    /// Ideographs (`U+4E00..=U+9FA5`: every one assigned, so a letter to
    /// `char::is_alphanumeric`, and of no word-break class).
    other: usize,
    underscores: usize,
}

impl Tally {
    /// Bytes a lane counts before it is added up: fewer than 256, so that a
    /// byte holds each count and a vector register many lanes.
    const CHUNK: usize = 128;

    fn of(bytes: &[u8]) -> Self {
        let Some(&first) = bytes.first() else {
            return Self::default();
        };
        let mut tally = Self {
            starts: usize::from(alphanumeric(first)),
            ..Self::default()
        };
        let at = |i: usize| bytes.get(i).copied().unwrap_or(0);
        // Each byte with the two after it (a zero past the end): the chunks
        // look two bytes further, the bytes no chunk covers are looked at alone.
        let whole = bytes.len().saturating_sub(2) / Self::CHUNK;
        for chunk in 0..whole {
            let start = chunk * Self::CHUNK;
            let (a, b, c) = (
                &bytes[start..start + Self::CHUNK],
                &bytes[start + 1..start + 1 + Self::CHUNK],
                &bytes[start + 2..start + 2 + Self::CHUNK],
            );
            let mut sums = [0u8; 5];
            for i in 0..Self::CHUNK {
                let found = Self::window(a[i], b[i], c[i]);
                for (sum, one) in sums.iter_mut().zip(found) {
                    *sum += u8::from(one);
                }
            }
            tally.add(sums.map(usize::from));
        }
        for i in whole * Self::CHUNK..bytes.len() {
            tally.add(Self::window(at(i), at(i + 1), at(i + 2)).map(usize::from));
        }
        tally
    }

    /// Whether a run starts at `b`, `b` joins two runs, `a` leads a
    /// character that is not ASCII, one that is not Han, and whether `a` is `_`.
    /// A lead is followed by its two continuation bytes in valid UTF-8, and
    /// the ideographs are the three-byte characters led by `E4` (second
    /// byte from `B8`) through `E9` (up to `E9 BE A5`).
    #[inline(always)]
    fn window(a: u8, b: u8, c: u8) -> [bool; 5] {
        let start = alphanumeric(b) & !alphanumeric(a);
        let join = (letter(a) & letter(c) & ((b == b':') | (b == b'.') | (b == b'\'')))
            | (digit(a) & digit(c) & ((b == b',') | (b == b';') | (b == b'.') | (b == b'\'')));
        let lead = a >= 0xC0;
        let other = (lead & !(0xE4..=0xE9).contains(&a))
            | ((a == 0xE4) & (b < 0xB8))
            | ((a == 0xE9) & ((b > 0xBE) | ((b == 0xBE) & (c > 0xA5))));
        [start, join, lead, other, a == b'_']
    }

    fn add(&mut self, [starts, joins, han, other, underscores]: [usize; 5]) {
        self.starts += starts;
        self.joins += joins;
        self.han += han;
        self.other += other;
        self.underscores += underscores;
    }
}

/// `u8::is_ascii_alphabetic` and the like, in arithmetic rather than
/// branches, so that a loop of them becomes vector code.
fn letter(b: u8) -> bool {
    (b | 0x20).wrapping_sub(b'a') < 26
}

fn digit(b: u8) -> bool {
    b.wrapping_sub(b'0') < 10
}

fn alphanumeric(b: u8) -> bool {
    letter(b) | digit(b)
}

/// Runs of letters, digits and `_` are one word, joined across a single
/// `:`, `.` or `'` between two letters, or a single `,`, `;`, `.` or `'`
/// between two digits; a run without a letter or digit is no word.
fn ascii_words(text: &[u8]) -> usize {
    let in_word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let mut count = 0;
    let mut start = 0;
    while start < text.len() {
        if !in_word(text[start]) {
            start += 1;
            continue;
        }
        let mut end = start;
        let mut counted = false;
        loop {
            while end < text.len() && in_word(text[end]) {
                counted |= text[end].is_ascii_alphanumeric();
                end += 1;
            }
            let joined = match (
                end.checked_sub(1).map(|i| text[i]),
                text.get(end),
                text.get(end + 1),
            ) {
                (Some(before), Some(&mid), Some(&after)) => {
                    (before.is_ascii_alphabetic()
                        && after.is_ascii_alphabetic()
                        && matches!(mid, b':' | b'.' | b'\''))
                        || (before.is_ascii_digit()
                            && after.is_ascii_digit()
                            && matches!(mid, b',' | b';' | b'.' | b'\''))
                }
                _ => false,
            };
            if !joined {
                break;
            }
            end += 1;
        }
        count += usize::from(counted);
        start = end;
    }
    count
}

fn letters(text: &str) -> usize {
    text.chars().filter(|c| c.is_alphabetic()).count()
}

#[cfg(test)]
mod tests {
    use super::reading_analytics;

    #[test]
    fn english_counts_words_at_238_a_minute_and_skips_code() {
        assert_eq!(reading_analytics("  ", "en"), (0, 0));
        assert_eq!(reading_analytics("Hello World", "en"), (2, 1));
        assert_eq!(
            reading_analytics(&" Hello world".repeat(1000), "en"),
            (2000, 9)
        );
        assert_eq!(
            reading_analytics("hello world ``` code goes here ``` goodbye world", "en"),
            (4, 1)
        );
        assert_eq!(
            reading_analytics(&" Hello world".repeat(1000), "fr"),
            (2000, 10)
        );
    }

    #[test]
    fn ascii_is_counted_as_unicode_word_boundaries_count_it() {
        use unicode_segmentation::UnicodeSegmentation;
        // Tricky pieces, then many pseudo-random strings of the characters the rules treat apart.
        let mut cases: Vec<String> = [
            "don't",
            "e.g.",
            "3.14",
            "1,000.5",
            "a:b",
            "a.1",
            "1.a",
            "a..b",
            "__",
            "a_b",
            "_a",
            "a'",
            "'a",
            "x;y",
            "1;2",
            "a.b.c",
            "1'2",
            "ab-cd",
            "foo.md)",
            "[the](@/x.md)",
        ]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
        let alphabet: Vec<char> = "ab1 2_.,;:'\"-\n\t(x)检验学\u{9FA5}\u{4E00}，。\u{301}é"
            .chars()
            .collect();
        // Longer texts of ASCII and ideographs only (with `_` and without)
        // are counted whole, many bytes at a time, rather than piece by piece.
        let han_and_ascii: Vec<char> = "ab1 2.,;:'\"-\n\t(x)检验学\u{9FA5}\u{4E00}"
            .chars()
            .collect();
        let with_underscore: Vec<char> = han_and_ascii.iter().copied().chain(['_']).collect();
        let mut state: u64 = 0x2545_f491_4f6c_dd1d;
        for n in 0..24_000 {
            let (alphabet, length) = match n % 12 {
                0 => (&han_and_ascii, 100 + state % 400),
                1 => (&with_underscore, 100 + state % 400),
                _ => (&alphabet, state % 12),
            };
            let mut case = String::new();
            for _ in 0..length {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                case.push(alphabet[(state % alphabet.len() as u64) as usize]);
            }
            cases.push(case);
        }
        for case in cases {
            assert_eq!(
                super::words(&case),
                case.unicode_words().count(),
                "{case:?}"
            );
        }
        let mixed = "检验 report 鉴定of cargo. 抽样，证书 x";
        assert_eq!(super::words(mixed), mixed.unicode_words().count());
        // Each ideograph alone and between the ASCII that the rules join across.
        for han in '\u{4E00}'..='\u{9FA5}' {
            for case in [format!("{han}"), format!("a.{han}.1"), format!("1,{han}'a")] {
                assert_eq!(
                    super::words(&case),
                    case.unicode_words().count(),
                    "{case:?}"
                );
            }
        }
    }

    #[test]
    fn chinese_and_japanese_count_characters() {
        assert_eq!(reading_analytics("你好世界，这是中文测试。", "zh"), (10, 1));
        assert_eq!(reading_analytics("こんにちは、世界。", "ja"), (7, 1));
        assert_eq!(reading_analytics("你好世界", "zh-Hant-TW").0, 4);
        assert_eq!(reading_analytics(&"学".repeat(440), "zh"), (440, 2));
    }
}
