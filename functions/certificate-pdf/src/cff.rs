//! The subset font's CFF outlines without subroutines.
//!
//! allsorts keeps a subset's subroutine INDEXes as long as the face's (Noto
//! Sans CJK's Han subroutines number 28,516) and empties the unused entries,
//! so that no charstring has to be rewritten. A certificate uses about two
//! hundred of them: the offsets of the rest made the font program ~80 KB
//! before compression, four times its outlines, and deflating it was the
//! largest part of a certificate's time. Here each glyph's subroutine calls
//! are replaced by the subroutines' code, as font tools do when they
//! "desubroutinize": for a hundred glyphs this is smaller even compressed,
//! since every call and every INDEX offset goes. The font DICTs no glyph
//! uses go too.
//!
//! Anything this does not expect (an arithmetic operator, a computed
//! subroutine number, a non-CID font) leaves the subset as allsorts made it.

use allsorts::binary::read::{ReadArrayCow, ReadScope};
use allsorts::binary::write::{WriteBinary, WriteBuffer};
use allsorts::cff::{CFF, CFFVariant, FDSelect, IndexU16, MaybeOwnedIndex};
use allsorts::font_data::FontData;
use allsorts::tables::FontTableProvider;

use crate::font::WithTable;

/// `otf`, an OpenType font with CID-keyed CFF outlines, with its charstrings
/// desubroutinized and only the font DICTs they use; `None` where it cannot
/// be done safely.
pub(crate) fn without_subroutines(otf: &[u8]) -> Option<Vec<u8>> {
    let file = ReadScope::new(otf).read::<FontData<'_>>().ok()?;
    let provider = file.table_provider(0).ok()?;
    let cff_data = provider.read_table_data(allsorts::tag::CFF).ok()?;
    let mut cff = ReadScope::new(&cff_data).read::<CFF<'_>>().ok()?;
    if cff.fonts.len() != 1 {
        return None;
    }
    let font = &cff.fonts[0];
    let CFFVariant::CID(cid) = &font.data else {
        return None;
    };
    let mut charstrings = Vec::with_capacity(font.char_strings_index.len());
    for glyph in 0..font.char_strings_index.len() {
        let code = font.char_strings_index.read_object(glyph)?;
        let fd = usize::from(cid.fd_select.font_dict_index(u16::try_from(glyph).ok()?)?);
        let local = cid.local_subr_indices.get(fd).and_then(Option::as_ref);
        let mut inliner = Inliner {
            global: &cff.global_subr_index,
            local,
            out: Vec::with_capacity(code.len() * 2),
            depth: 0,
            stems: 0,
            last_operand: None,
        };
        if inliner.run(code, 0)? != Flow::EndChar {
            return None;
        }
        charstrings.push(inliner.out);
    }

    let charstrings_count = u16::try_from(charstrings.len()).ok()?;
    let charstrings = index(&charstrings)?;
    let empty = index(&[])?;
    // A Private DICT that names local subroutines keeps an INDEX of one that
    // only returns: allsorts offers no way to drop the entry from the DICT.
    let one_return = index(&[vec![RETURN]])?;
    let read = |bytes| {
        ReadScope::new(bytes)
            .read::<IndexU16>()
            .ok()
            .map(MaybeOwnedIndex::Borrowed)
    };
    cff.global_subr_index = read(&empty)?;
    let font = &mut cff.fonts[0];
    font.char_strings_index = read(&charstrings)?;
    let CFFVariant::CID(cid) = &mut font.data else {
        return None;
    };
    for local in cid.local_subr_indices.iter_mut().flatten() {
        *local = read(&one_return)?;
    }
    // Only the font DICTs (and their Private DICTs) some glyph uses: the
    // face has 18, for as many kinds of glyph; a certificate uses two or three.
    let glyph_dicts = (0..charstrings_count)
        .map(|glyph| cid.fd_select.font_dict_index(glyph))
        .collect::<Option<Vec<u8>>>()?;
    let mut used: Vec<u8> = glyph_dicts.clone();
    used.sort_unstable();
    used.dedup();
    let font_dicts = used
        .iter()
        .map(|&fd| {
            cid.font_dict_index
                .read_object(usize::from(fd))
                .map(<[u8]>::to_vec)
        })
        .collect::<Option<Vec<_>>>()?;
    let font_dicts = index(&font_dicts)?;
    cid.font_dict_index = read(&font_dicts)?;
    let keep = |fd: usize| {
        used.binary_search(&u8::try_from(fd).unwrap_or(u8::MAX))
            .is_ok()
    };
    let mut fd = 0;
    cid.private_dicts.retain(|_| (keep(fd), fd += 1).0);
    let mut fd = 0;
    cid.local_subr_indices.retain(|_| (keep(fd), fd += 1).0);
    let renumbered = glyph_dicts
        .iter()
        .map(|fd| {
            used.binary_search(fd)
                .ok()
                .and_then(|new| u8::try_from(new).ok())
        })
        .collect::<Option<Vec<u8>>>()?;
    cid.fd_select = FDSelect::Format0 {
        glyph_font_dict_indices: ReadArrayCow::Owned(renumbered),
    };

    let mut table = WriteBuffer::new();
    CFF::write(&mut table, &cff).ok()?;
    let tags = provider.table_tags()?;
    let font = WithTable {
        face: &provider,
        tag: allsorts::tag::CFF,
        data: table.into_inner(),
    };
    allsorts::subset::whole_font(&font, &tags).ok()
}

const RETURN: u8 = 11;

/// A CFF INDEX (count, offset size, 1-based offsets, data) of `items`.
fn index(items: &[Vec<u8>]) -> Option<Vec<u8>> {
    let count = u16::try_from(items.len()).ok()?;
    let mut out = count.to_be_bytes().to_vec();
    if items.is_empty() {
        return Some(out);
    }
    let end = 1 + items.iter().map(Vec::len).sum::<usize>();
    let size = match end {
        0..=0xFF => 1,
        0x100..=0xFFFF => 2,
        0x1_0000..=0xFF_FFFF => 3,
        _ => 4,
    };
    out.push(size as u8);
    let mut offset = 1usize;
    for item in items.iter().map(Vec::len).chain([0]) {
        out.extend(&(offset as u32).to_be_bytes()[4 - size..]);
        offset += item;
    }
    for item in items {
        out.extend(item);
    }
    Some(out)
}

#[derive(Debug, PartialEq, Eq)]
enum Flow {
    Return,
    EndChar,
}

/// Copies a Type 2 charstring, replacing each subroutine call by the
/// subroutine's code. It follows the argument stack's depth, not its values:
/// enough to count the stem hints a hintmask's length depends on.
struct Inliner<'a> {
    global: &'a MaybeOwnedIndex<'a>,
    local: Option<&'a MaybeOwnedIndex<'a>>,
    out: Vec<u8>,
    depth: usize,
    stems: usize,
    /// Where in `out` the last operand starts and its value, while it is the
    /// last thing written: the number of the subroutine a call takes.
    last_operand: Option<(usize, Option<i32>)>,
}

/// The Type 2 charstring limit on subroutine nesting.
const MAX_NESTING: u8 = 10;

impl Inliner<'_> {
    fn run(&mut self, code: &[u8], nesting: u8) -> Option<Flow> {
        let mut i = 0;
        while i < code.len() {
            let b0 = code[i];
            let (length, value) = match b0 {
                28 => (
                    3,
                    Some(i32::from(i16::from_be_bytes([
                        *code.get(i + 1)?,
                        *code.get(i + 2)?,
                    ]))),
                ),
                32..=246 => (1, Some(i32::from(b0) - 139)),
                247..=250 => (
                    2,
                    Some((i32::from(b0) - 247) * 256 + i32::from(*code.get(i + 1)?) + 108),
                ),
                251..=254 => (
                    2,
                    Some(-(i32::from(b0) - 251) * 256 - i32::from(*code.get(i + 1)?) - 108),
                ),
                255 => (5, None),
                _ => (0, None),
            };
            if length > 0 {
                self.last_operand = Some((self.out.len(), value));
                self.out.extend(code.get(i..i + length)?);
                self.depth += 1;
                i += length;
                continue;
            }
            let last_operand = self.last_operand.take();
            i += 1;
            match b0 {
                // callsubr, callgsubr
                10 | 29 => {
                    let (start, number) = last_operand?;
                    self.out.truncate(start);
                    self.depth -= 1;
                    let subrs = if b0 == 10 { self.local? } else { self.global };
                    let index = usize::try_from(number? + bias(subrs.len())).ok()?;
                    let subr = subrs.read_object(index)?;
                    if nesting >= MAX_NESTING {
                        return None;
                    }
                    if self.run(subr, nesting + 1)? == Flow::EndChar {
                        return Some(Flow::EndChar);
                    }
                }
                RETURN => return Some(Flow::Return),
                // endchar
                14 => {
                    self.out.push(b0);
                    return Some(Flow::EndChar);
                }
                // hstem, vstem, hstemhm, vstemhm
                1 | 3 | 18 | 23 => {
                    self.stems += self.depth / 2;
                    self.out.push(b0);
                    self.depth = 0;
                }
                // hintmask, cntrmask: operands before them are vstems; one
                // mask bit per stem follows.
                19 | 20 => {
                    self.stems += self.depth / 2;
                    let mask = self.stems.div_ceil(8);
                    self.out.push(b0);
                    self.out.extend(code.get(i..i + mask)?);
                    i += mask;
                    self.depth = 0;
                }
                // escape: only the flex operators (and the obsolete no-op
                // dotsection); the arithmetic ones would need the values.
                12 => {
                    let b1 = *code.get(i)?;
                    if !matches!(b1, 0 | 34..=37) {
                        return None;
                    }
                    self.out.extend([b0, b1]);
                    i += 1;
                    self.depth = 0;
                }
                // rmoveto, hmoveto, vmoveto and the line and curve operators
                4..=8 | 21 | 22 | 24..=27 | 30 | 31 => {
                    self.out.push(b0);
                    self.depth = 0;
                }
                _ => return None,
            }
        }
        // A subroutine may end without `return`; a glyph may not end without `endchar`.
        Some(Flow::Return)
    }
}

/// What a charstring adds to a subroutine number to index an INDEX of `count`.
fn bias(count: usize) -> i32 {
    match count {
        0..1240 => 107,
        1240..33900 => 1131,
        _ => 32768,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(bytes: &[u8]) -> MaybeOwnedIndex<'_> {
        MaybeOwnedIndex::Borrowed(ReadScope::new(bytes).read::<IndexU16>().unwrap())
    }

    fn inline(code: &[u8], local: &[Vec<u8>], global: &[Vec<u8>]) -> Option<Vec<u8>> {
        let (local, global) = (index(local).unwrap(), index(global).unwrap());
        let (local, global) = (read(&local), read(&global));
        let mut inliner = Inliner {
            global: &global,
            local: Some(&local),
            out: Vec::new(),
            depth: 0,
            stems: 0,
            last_operand: None,
        };
        (inliner.run(code, 0)? == Flow::EndChar).then_some(inliner.out)
    }

    // Small integers v are the byte v + 139; subroutine 0 of an INDEX of
    // fewer than 1240 is called as -107, the byte 32.
    const CALL_0: [u8; 2] = [32, 10];
    const CALLG_0: [u8; 2] = [32, 29];

    #[test]
    fn calls_are_replaced_by_the_code_called_and_hint_masks_keep_their_length() {
        // 10 20 30 40 hstemhm (two stems); 50 60 then the subroutine: hintmask
        // with one vstem more, three bits in one byte; the global subroutine
        // moves and ends the glyph.
        let mut glyph = vec![149, 159, 169, 179, 18, 189, 199];
        glyph.extend(CALL_0);
        glyph.extend(CALLG_0);
        let local = [vec![19, 0b1110_0000, RETURN]];
        let global = [vec![149, 159, 21, 14]];
        assert_eq!(
            inline(&glyph, &local, &global),
            Some(vec![
                149,
                159,
                169,
                179,
                18,
                189,
                199,
                19,
                0b1110_0000,
                149,
                159,
                21,
                14
            ])
        );
    }

    #[test]
    fn a_subroutine_number_that_is_computed_is_left_alone() {
        // 1 2 add callsubr: the number is not in the code as it stands.
        let glyph = [140, 141, 12, 10, 10, 14];
        assert_eq!(inline(&glyph, &[vec![RETURN]], &[]), None);
    }

    #[test]
    fn an_index_of_nothing_is_its_count_alone_and_offsets_fit_their_size() {
        assert_eq!(index(&[]), Some(vec![0, 0]));
        assert_eq!(
            index(&[vec![7], vec![8, 9]]),
            Some(vec![0, 2, 1, 1, 2, 4, 7, 8, 9])
        );
        let long = index(&[vec![0; 300]]).unwrap();
        assert_eq!(&long[..7], &[0, 1, 2, 0, 1, 1, 45]);
    }
}
