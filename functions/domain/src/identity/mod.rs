//! Who a learner is: real name, resident ID number and the derived username (R1–R3).
//!
//! R3 (one account per ID number) is enforced by the stores, keyed on [`IdNumber`].

mod id_number;
mod name;
mod username;

pub use id_number::{IdNumber, IdNumberError, IdNumberShape, check_character};
pub use name::{PersonName, PersonNameError};
pub use username::{Username, UsernameError};

#[cfg(test)]
mod tests;
