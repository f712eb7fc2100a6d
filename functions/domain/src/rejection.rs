//! What every refusal of user input carries: a stable machine-readable code and
//! a message for people, Chinese first, English second.

use std::borrow::Cow;

/// A refusal that can be shown to the person who caused it.
///
/// Messages never repeat the rejected input: it may be an ID number, and an
/// error message can end up in a log line or on a screen someone else sees.
pub trait Rejection: std::error::Error {
    /// Stable, dotted, lower-case: `id_number.check_character`. Clients branch on it.
    fn code(&self) -> &'static str;
    /// 中文说明。
    fn message_zh(&self) -> Cow<'static, str>;
    /// The same explanation in English.
    fn message_en(&self) -> Cow<'static, str>;
    /// What sort of refusal this is; most are input a rule does not accept.
    fn kind(&self) -> RejectionKind {
        RejectionKind::Invalid
    }
}

/// What sort of refusal a rule makes, so that the HTTP layer maps each sort
/// to one status in one place instead of each handler choosing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RejectionKind {
    /// The input breaks a rule (422).
    Invalid,
    /// The request conflicts with the state of what it names (409).
    Conflict,
}

/// Implements `Display` as "中文 (English)" for a [`Rejection`], so that
/// `to_string()` is readable by both audiences.
macro_rules! display_as_rejection {
    ($ty:ty) => {
        impl std::fmt::Display for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                use $crate::rejection::Rejection as _;
                write!(f, "{} ({})", self.message_zh(), self.message_en())
            }
        }
    };
}
pub(crate) use display_as_rejection;
