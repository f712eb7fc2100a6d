//! A client-side search index that works for Chinese: Zola's elasticlunr
//! splits words on spaces, which Chinese text has none of (zola#1349,
//! #2800). Our index keeps each page's title and leading text, and the
//! browser matches by substring, which needs no word segmentation at all.

use serde::Serialize;

#[derive(Debug, Serialize)]
pub struct Document {
    pub url: String,
    pub title: String,
    pub text: String,
}

/// Characters of body text kept per page: enough to find a page by what it is about.
pub const TEXT_CHARACTERS: usize = 240;

pub fn document(url: String, title: &str, plain_text: &str) -> Document {
    Document {
        url,
        title: title.to_owned(),
        text: plain_text.chars().take(TEXT_CHARACTERS).collect(),
    }
}
