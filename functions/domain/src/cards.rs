//! Study cards (学习卡, R13): what staff may hand out for one bank transfer.
//!
//! A card is money: once issued it can be redeemed into a balance. The
//! limits below keep a slip of the keyboard (an extra zero in the count or
//! the value) from minting a fortune, and make every batch traceable to the
//! transfer it pays for.

use std::borrow::Cow;
use std::fmt;

use crate::money::Fen;
use crate::rejection::{Rejection, display_as_rejection};

/// Study cards issued in one go at most. Also what a store writes in one
/// transaction, so the store re-exports it rather than keeping its own:
/// DynamoDB's 100 items, less the staff audit entry written with the batch.
pub const MAX_CARDS_PER_BATCH: usize = 99;

/// The largest study card: a whole cycle of certification at most, with room.
pub const MAX_CARD_VALUE: Fen = Fen::from_yuan(10_000);

/// Bank references (payer, account, date, amount) run longer than a
/// [`ShortText`](crate::learner::ShortText)'s 60 characters.
const NOTE_MAX: usize = 200;

/// Staff's reference for a batch, e.g. the bank transfer it pays for:
/// trimmed, 1–200 characters.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct CardNote(String);

impl CardNote {
    pub fn parse(input: &str) -> Result<Self, CardBatchError> {
        let note = input.trim();
        if note.is_empty() || note.chars().count() > NOTE_MAX {
            return Err(CardBatchError::Note);
        }
        Ok(Self(note.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for CardNote {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for CardNote {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CardNote({:?})", self.0)
    }
}

/// A batch staff may issue: `count` cards of `value` each, for the transfer in `note`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardBatch {
    count: usize,
    value: Fen,
    note: CardNote,
}

impl CardBatch {
    /// Checks count, value and note in that order, so the first mistake on
    /// the form is the one reported.
    pub fn new(count: usize, value: Fen, note: &str) -> Result<Self, CardBatchError> {
        if !(1..=MAX_CARDS_PER_BATCH).contains(&count) {
            return Err(CardBatchError::Count);
        }
        if value == Fen::ZERO || value > MAX_CARD_VALUE {
            return Err(CardBatchError::Value);
        }
        let note = CardNote::parse(note)?;
        Ok(Self { count, value, note })
    }

    pub fn count(&self) -> usize {
        self.count
    }

    pub fn value(&self) -> Fen {
        self.value
    }

    pub fn note(&self) -> &CardNote {
        &self.note
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CardBatchError {
    Count,
    Value,
    Note,
}

display_as_rejection!(CardBatchError);

impl Rejection for CardBatchError {
    fn code(&self) -> &'static str {
        match self {
            Self::Count => "cards.count",
            Self::Value => "cards.value",
            Self::Note => "cards.note",
        }
    }

    fn message_zh(&self) -> Cow<'static, str> {
        match self {
            Self::Count => format!("一次发放 1–{MAX_CARDS_PER_BATCH} 张学习卡。").into(),
            Self::Value => format!(
                "学习卡面值应在 0.01–{} 元之间。",
                MAX_CARD_VALUE.get() / 100
            )
            .into(),
            Self::Note => format!("请填写 {NOTE_MAX} 字以内的备注（如汇款信息）。").into(),
        }
    }

    fn message_en(&self) -> Cow<'static, str> {
        match self {
            Self::Count => format!("Issue 1 to {MAX_CARDS_PER_BATCH} cards at a time.").into(),
            Self::Value => format!(
                "A card is worth 0.01 to {} yuan.",
                MAX_CARD_VALUE.get() / 100
            )
            .into(),
            Self::Note => {
                format!("Add a note of up to {NOTE_MAX} characters (e.g. the bank transfer).")
                    .into()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_batch_within_the_limits_keeps_its_trimmed_note() {
        let batch = CardBatch::new(3, Fen::from_yuan(600), "  工行转账 2023-07-01  ").unwrap();
        assert_eq!(
            (batch.count(), batch.value(), batch.note().as_str()),
            (3, Fen::from_yuan(600), "工行转账 2023-07-01")
        );
    }

    #[test]
    fn each_limit_is_refused_with_its_own_code() {
        let note = "x";
        let code = |count, value| {
            CardBatch::new(count, Fen::new(value), note)
                .unwrap_err()
                .code()
        };
        assert_eq!(code(0, 100), "cards.count");
        assert_eq!(code(MAX_CARDS_PER_BATCH + 1, 100), "cards.count");
        assert_eq!(code(1, 0), "cards.value");
        assert_eq!(code(1, MAX_CARD_VALUE.get() + 1), "cards.value");
        assert!(CardBatch::new(MAX_CARDS_PER_BATCH, MAX_CARD_VALUE, note).is_ok());
    }

    #[test]
    fn a_note_is_required_and_bounded() {
        assert_eq!(CardNote::parse(" ").unwrap_err().code(), "cards.note");
        assert!(CardNote::parse(&"汇".repeat(NOTE_MAX)).is_ok());
        assert_eq!(
            CardNote::parse(&"汇".repeat(NOTE_MAX + 1))
                .unwrap_err()
                .code(),
            "cards.note"
        );
    }

    #[test]
    fn messages_state_the_limits_they_enforce() {
        assert!(CardBatchError::Count.message_en().contains("99"));
        assert!(CardBatchError::Value.message_zh().contains("10000"));
        assert!(CardBatchError::Note.message_en().contains("200"));
    }
}
