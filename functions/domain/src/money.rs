//! Money as integer fen (分), never floating point (R11).

use std::fmt;
use std::iter::Sum;
use std::ops::{Add, Sub};

use serde::{Deserialize, Serialize};

/// An amount of Chinese yuan in fen (1 元 = 100 分). Never negative.
///
/// Arithmetic that could overflow or go below zero is `checked_*`; `+` on
/// amounts that come from the catalogue cannot overflow in practice (u64 fen
/// is 1.8e17 yuan) and saturates rather than wrap if it ever did.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Fen(u64);

impl Fen {
    pub const ZERO: Self = Self(0);

    pub const fn new(fen: u64) -> Self {
        Self(fen)
    }

    pub const fn from_yuan(yuan: u64) -> Self {
        Self(yuan * 100)
    }

    pub const fn get(self) -> u64 {
        self.0
    }

    pub fn checked_add(self, other: Self) -> Option<Self> {
        self.0.checked_add(other.0).map(Self)
    }

    pub fn checked_sub(self, other: Self) -> Option<Self> {
        self.0.checked_sub(other.0).map(Self)
    }

    pub fn checked_mul(self, count: u64) -> Option<Self> {
        self.0.checked_mul(count).map(Self)
    }

    pub fn saturating_mul(self, count: u64) -> Self {
        Self(self.0.saturating_mul(count))
    }
}

impl Add for Fen {
    type Output = Self;
    fn add(self, other: Self) -> Self {
        Self(self.0.saturating_add(other.0))
    }
}

/// Saturates at zero: a discount can never make a price negative.
impl Sub for Fen {
    type Output = Self;
    fn sub(self, other: Self) -> Self {
        Self(self.0.saturating_sub(other.0))
    }
}

impl Sum for Fen {
    fn sum<I: Iterator<Item = Self>>(iter: I) -> Self {
        iter.fold(Self::ZERO, Add::add)
    }
}

/// `¥600.00`: yuan with two decimals, as on a receipt.
impl fmt::Display for Fen {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "¥{}.{:02}", self.0 / 100, self.0 % 100)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forty_hours_at_fifteen_yuan_display_as_six_hundred_yuan() {
        let price = Fen::from_yuan(15).checked_mul(40).unwrap();
        assert_eq!(price, Fen::new(60_000));
        assert_eq!(price.to_string(), "¥600.00");
        assert_eq!(Fen::new(5).to_string(), "¥0.05");
    }

    #[test]
    fn subtraction_never_goes_below_zero() {
        assert_eq!(Fen::new(100) - Fen::new(250), Fen::ZERO);
        assert_eq!(Fen::new(100).checked_sub(Fen::new(250)), None);
    }

    #[test]
    fn overflow_is_reported_not_wrapped() {
        assert_eq!(Fen::new(u64::MAX).checked_add(Fen::new(1)), None);
        assert_eq!(Fen::new(u64::MAX) + Fen::new(1), Fen::new(u64::MAX));
    }
}
