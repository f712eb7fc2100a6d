//! Zola's own filters (`markdown`, `num_format`), each a type implementing
//! `tera::Filter`; the ones Zola takes from `tera-contrib` are registered in
//! [`crate::templates`].

mod markdown;
mod num_format;

pub use markdown::Markdown;
pub use num_format::NumFormat;
