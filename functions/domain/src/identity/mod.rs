//! Who a learner is: real name, resident ID number and the derived username (R1–R3).
//!
//! R3 (one account per ID number): every store keeps [`AccountKey`] unique.

mod account_key;
mod id_number;
mod name;
mod username;

pub use account_key::{AccountKey, AccountKeySecret, LookupKey, UsernameKey, recovery_digest};
pub use id_number::{IdNumber, IdNumberError, IdNumberShape, check_character};
pub use name::{PersonName, PersonNameError};
pub use username::{Username, UsernameError};

#[cfg(test)]
mod tests;
