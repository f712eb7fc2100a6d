//! Concrete request paths from the functions' route constants, so that a
//! renamed route breaks the build of the tests instead of their run.

use std::fmt::Display;

/// `template` (an axum path such as `ticedu_learning::MARK`) with each
/// `{parameter}` replaced, in order, by one of `values`.
pub fn path(template: &str, values: &[&dyn Display]) -> String {
    let mut filled = String::with_capacity(template.len() + 32);
    let mut rest = template;
    let mut values = values.iter();
    while let Some(open) = rest.find('{') {
        let close = rest[open..]
            .find('}')
            .map(|at| open + at)
            .unwrap_or_else(|| panic!("an unclosed parameter in {template}"));
        let value = values
            .next()
            .unwrap_or_else(|| panic!("too few values for {template}"));
        filled.push_str(&rest[..open]);
        filled.push_str(&value.to_string());
        rest = &rest[close + 1..];
    }
    assert!(values.next().is_none(), "too many values for {template}");
    filled.push_str(rest);
    filled
}
