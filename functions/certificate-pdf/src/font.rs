//! The certificate's CJK face: loaded once per process, asked whether it
//! covers a text, and cut down to the characters a document prints.

use std::borrow::Cow;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use allsorts::binary::read::ReadScope;
use allsorts::error::ParseError;
use allsorts::font_data::FontData;
use allsorts::subset::{CmapTarget, SubsetProfile};
use allsorts::tables::FontTableProvider;
use printpdf::ParsedFont;

use crate::cff;

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
pub(crate) struct WithTable<'a, P> {
    pub(crate) face: &'a P,
    pub(crate) tag: u32,
    pub(crate) data: Vec<u8>,
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
