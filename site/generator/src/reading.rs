//! `word_count` and `reading_time` as Zola 0.23 computes them, from a
//! file's Markdown source with fenced code left out: Chinese and Japanese
//! are counted in characters (439 and 653 a minute), other languages in
//! Unicode words (238 a minute in English, 202 in Korean, 200 otherwise).

use unicode_segmentation::UnicodeSegmentation;

/// Words (or characters) and whole minutes, rounded up.
pub fn reading_analytics(markdown: &str, lang: &str) -> (usize, usize) {
    // Each ``` toggles code on and off: every other piece is prose.
    let prose = markdown.split("```").step_by(2);
    let primary = lang.split('-').next().unwrap_or(lang);
    let (count, per_minute) = match primary {
        "zh" => (prose.map(letters).sum(), 439),
        "ja" => (prose.map(letters).sum(), 653),
        _ => {
            let words = prose.map(|text| text.unicode_words().count()).sum();
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
        assert_eq!(reading_analytics(&" Hello world".repeat(1000), "en"), (2000, 9));
        assert_eq!(
            reading_analytics("hello world ``` code goes here ``` goodbye world", "en"),
            (4, 1)
        );
        assert_eq!(reading_analytics(&" Hello world".repeat(1000), "fr"), (2000, 10));
    }

    #[test]
    fn chinese_and_japanese_count_characters() {
        assert_eq!(reading_analytics("你好世界，这是中文测试。", "zh"), (10, 1));
        assert_eq!(reading_analytics("こんにちは、世界。", "ja"), (7, 1));
        assert_eq!(reading_analytics("你好世界", "zh-Hant-TW").0, 4);
        assert_eq!(reading_analytics(&"学".repeat(440), "zh"), (440, 2));
    }
}
