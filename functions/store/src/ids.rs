//! Identifiers the platform mints. Each is parsed once at the edge, so a value
//! that exists has the right shape for a storage key and a URL.

use std::borrow::Cow;
use std::fmt;

use serde::{Deserialize, Deserializer, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("malformed {kind}")]
pub struct MalformedId {
    pub kind: &'static str,
}

macro_rules! token_id {
    ($(#[$doc:meta])* $name:ident, $kind:literal, $valid:expr) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            pub fn parse(input: &str) -> Result<Self, MalformedId> {
                let valid: fn(&str) -> bool = $valid;
                if valid(input) { Ok(Self(input.to_owned())) } else { Err(MalformedId { kind: $kind }) }
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({})", stringify!($name), self.0)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = Cow::<'de, str>::deserialize(deserializer)?;
                Self::parse(&text).map_err(serde::de::Error::custom)
            }
        }
    };
}

fn lower_hex(text: &str, length: usize) -> bool {
    text.len() == length
        && text
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

fn upper_alphanumeric(text: &str, lengths: std::ops::RangeInclusive<usize>) -> bool {
    lengths.contains(&text.len())
        && text
            .bytes()
            .all(|b| b.is_ascii_digit() || b.is_ascii_uppercase())
}

token_id!(
    /// A learner's account: 32 lower-case hex characters, random. This is what
    /// tokens and URLs carry; it says nothing about the person.
    LearnerId,
    "learner id",
    |text| lower_hex(text, 32)
);

token_id!(
    /// A learner's session, from log-in to log-out: 32 lower-case hex
    /// characters, random. Access tokens carry it (`sid`), so that log-out
    /// can end the session on the server.
    SessionId,
    "session id",
    |text| lower_hex(text, 32)
);

token_id!(
    /// An order, also WeChat Pay's `out_trade_no` (6–32 characters there):
    /// 20–32 upper-case letters and digits.
    OrderNo,
    "order number",
    |text| upper_alphanumeric(text, 20..=32)
);

token_id!(
    /// A study card's code (学习卡): 16 upper-case letters and digits, handed
    /// out by staff after a bank transfer arrived (R13). A bearer secret.
    CardCode,
    "study card code",
    |text| upper_alphanumeric(text, 16..=16)
);

token_id!(
    /// A certificate number: 4–40 upper-case letters, digits and hyphens, the
    /// shape of the platform's numbers and of the association's older ones
    /// (see [`ticedu_domain::import::is_certificate_number`]).
    CertificateNo,
    "certificate number",
    ticedu_domain::import::is_certificate_number
);

token_id!(
    /// An invoice request: 32 lower-case hex characters, random.
    InvoiceId,
    "invoice id",
    |text| lower_hex(text, 32)
);

token_id!(
    /// WeChat Pay's own id of a payment (`transaction_id`): up to 32 digits and letters.
    TransactionId,
    "transaction id",
    |text| (1..=32).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_alphanumeric())
);

token_id!(
    /// A refund, also WeChat Pay's `out_refund_no`: the order's number, `R`
    /// and the refund's place among the order's refunds (1–99), so that
    /// asking for the same refund again can never pay it twice.
    RefundNo,
    "refund number",
    |text| RefundNo::split(text).is_some()
);

impl RefundNo {
    /// The `n`th refund (from 1) of `order`.
    pub fn nth(order: &OrderNo, n: usize) -> Result<Self, MalformedId> {
        Self::parse(&format!("{order}R{n}"))
    }

    /// The order it refunds.
    pub fn order(&self) -> OrderNo {
        Self::split(&self.0)
            .map(|(order, _)| order)
            .expect("a parsed refund number names its order")
    }

    fn split(text: &str) -> Option<(OrderNo, u8)> {
        let (order, n) = text.rsplit_once('R')?;
        // One spelling per refund: no leading zeros.
        (!n.starts_with('0')).then_some(())?;
        let n: u8 = n.parse().ok().filter(|n| (1..=99).contains(n))?;
        Some((OrderNo::parse(order).ok()?, n))
    }
}

impl LearnerId {
    /// The id of the account a person whose certificates were imported
    /// (R12) gets when they register, and under which those certificates are
    /// stored until then: the first 32 of the account key's 64 hex
    /// characters. The account key is an HMAC-SHA-256 of the ID number under
    /// the platform's secret, so its first half is as unlinkable to the
    /// number as the whole; and it is already a storage key, so the id tells
    /// a reader of the table nothing new. 128 bits keep it from ever meeting
    /// a random id.
    pub fn of_account(key: &ticedu_domain::identity::AccountKey) -> Self {
        Self(key.as_str().chars().take(32).collect())
    }
}

impl CardCode {
    /// Codes are read aloud and typed from a phone: accept spaces, hyphens and lower case.
    pub fn parse_typed(input: &str) -> Result<Self, MalformedId> {
        let cleaned: String = input.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
        Self::parse(&cleaned.to_ascii_uppercase())
    }
}

/// A record's key within one of a learner's cycles: the first cycle keeps the
/// key such records had before cycles existed (`base`), later ones add
/// `@<n>`, so that nothing stored earlier moves or changes meaning.
pub fn in_cycle(base: &str, cycle: ticedu_domain::cycle::CycleNumber) -> String {
    if cycle.is_first() {
        base.to_owned()
    } else {
        format!("{base}@{cycle}")
    }
}

/// The base of a key made by [`in_cycle`], and its cycle.
pub fn split_cycle(key: &str) -> (&str, ticedu_domain::cycle::CycleNumber) {
    use ticedu_domain::cycle::CycleNumber;
    match key.rsplit_once('@') {
        Some((base, number)) => match number.parse().ok().and_then(CycleNumber::new) {
            Some(cycle) => (base, cycle),
            None => (key, CycleNumber::FIRST),
        },
        None => (key, CycleNumber::FIRST),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_accept_only_their_shape() {
        assert!(LearnerId::parse(&"a".repeat(32)).is_ok());
        assert!(LearnerId::parse(&"A".repeat(32)).is_err());
        assert!(OrderNo::parse("TIC20230706ABCDEF1234").is_ok());
        assert!(OrderNo::parse("tic20230706abcdef1234").is_err());
        assert!(CertificateNo::parse("TIC-2023-H-7Q4K9M2X").is_ok());
        assert!(CertificateNo::parse("TIC 2023").is_err());
        assert!(
            CertificateNo::parse("JX-0001").is_ok(),
            "the association's older numbers"
        );
        assert!(CertificateNo::parse("JX1").is_err());
    }

    #[test]
    fn a_refund_number_names_its_order_and_place_once() {
        let order = OrderNo::parse("TIC20230706ABCDEFR123").unwrap();
        let second = RefundNo::nth(&order, 2).unwrap();
        assert_eq!(second.as_str(), "TIC20230706ABCDEFR123R2");
        assert_eq!(second.order(), order);
        assert!(RefundNo::nth(&order, 100).is_err());
        assert!(RefundNo::nth(&order, 0).is_err());
        for malformed in [
            "TIC20230706ABCDEFR123R02",
            "TIC20230706ABCDEFR123R",
            "SHORTR1",
        ] {
            assert!(RefundNo::parse(malformed).is_err(), "{malformed}");
        }
    }

    #[test]
    fn a_typed_card_code_is_cleaned_up() {
        assert_eq!(
            CardCode::parse_typed("abcd-efgh 2345 6789")
                .unwrap()
                .as_str(),
            "ABCDEFGH23456789"
        );
        assert!(CardCode::parse_typed("abcd-efgh").is_err());
    }

    #[test]
    fn the_first_cycle_keeps_the_keys_stored_before_cycles() {
        use ticedu_domain::cycle::CycleNumber;
        let second = CycleNumber::FIRST.next();
        assert_eq!(in_cycle("MARK#law/1", CycleNumber::FIRST), "MARK#law/1");
        assert_eq!(in_cycle("MARK#law/1", second), "MARK#law/1@2");
        assert_eq!(split_cycle("abc@2"), ("abc", second));
        assert_eq!(split_cycle("abc"), ("abc", CycleNumber::FIRST));
        assert_eq!(split_cycle("abc@0"), ("abc@0", CycleNumber::FIRST));
    }
}
