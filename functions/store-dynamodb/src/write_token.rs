//! A token per write operation, so that a retry recognises its own write.
//!
//! The SDK retries a request whose answer was lost (a timeout, a reset, a
//! 500), and the request may have been committed before the answer was lost:
//! the retry then meets the operation's own write and fails its conditions
//! as if someone else had been first. Each transaction therefore carries one
//! token, sent as its `ClientRequestToken` (DynamoDB answers a repeat within
//! ten minutes with the first call's success) and stored on every item it
//! puts or updates, so that a cancellation whose failed item carries the
//! token is known for what it is: this operation, applied. The stored copy
//! is what servers without client tokens (moto) and a token older than ten
//! minutes rely on.

use std::sync::Arc;

use aws_sdk_dynamodb::types::AttributeValue;

use crate::keys::Item;

/// The attribute holding the token of the last write to an item.
pub(crate) const ATTRIBUTE: &str = "write_token";
pub(crate) const NAME: &str = "#write_token";
pub(crate) const VALUE: &str = ":write_token";

/// One write operation's token: 32 random hex digits (DynamoDB allows 36).
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct WriteToken(Arc<str>);

impl WriteToken {
    pub(crate) fn new() -> Self {
        let mut bytes = [0u8; 16];
        getrandom::fill(&mut bytes).expect("the operating system's random source works");
        Self(format!("{:032x}", u128::from_be_bytes(bytes)).into())
    }

    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }

    pub(crate) fn value(&self) -> AttributeValue {
        AttributeValue::S(self.0.to_string())
    }

    /// Whether `item` was last written by this operation.
    pub(crate) fn wrote(&self, item: &Item) -> bool {
        matches!(item.get(ATTRIBUTE), Some(AttributeValue::S(token)) if **token == *self.0)
    }

    /// `item` marked as written by this operation.
    pub(crate) fn mark(&self, mut item: Item) -> Item {
        item.insert(ATTRIBUTE.to_owned(), self.value());
        item
    }

    /// `update` also setting the token: DynamoDB allows one SET clause, so
    /// the token joins it, or starts one.
    pub(crate) fn mark_update(&self, update: &str) -> String {
        let set = format!("{NAME} = {VALUE}");
        match set_clause(update) {
            Some(at) => format!("{}{set}, {}", &update[..at], &update[at..]),
            None => format!("{update} SET {set}"),
        }
    }
}

/// Where the first action of the SET clause of `update` starts.
fn set_clause(update: &str) -> Option<usize> {
    let mut offset = 0;
    for word in update.split(' ') {
        if word == "SET" {
            return Some(offset + "SET ".len());
        }
        offset += word.len() + 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_token_joins_an_update_s_set_clause_or_starts_one() {
        let token = WriteToken::new();
        assert_eq!(
            token.mark_update("SET #a = :a REMOVE #b"),
            "SET #write_token = :write_token, #a = :a REMOVE #b"
        );
        assert_eq!(
            token.mark_update("ADD #n :one SET #e = :e"),
            "ADD #n :one SET #write_token = :write_token, #e = :e"
        );
        assert_eq!(
            token.mark_update("ADD #n :one"),
            "ADD #n :one SET #write_token = :write_token"
        );
        assert_eq!(
            token.mark_update("REMOVE #open"),
            "REMOVE #open SET #write_token = :write_token"
        );
    }

    #[test]
    fn tokens_are_distinct_and_fit_dynamodb() {
        let (first, second) = (WriteToken::new(), WriteToken::new());
        assert!(first != second);
        assert_eq!(first.as_str().len(), 32);
        assert!(first.wrote(&first.mark(Item::new())));
        assert!(!second.wrote(&first.mark(Item::new())));
    }
}
