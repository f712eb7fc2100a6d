//! The association's staff (协会工作人员): who they are and what each role
//! may do. Accounts live in the store; this is the rulebook the staff
//! function checks before every action.

use std::collections::BTreeSet;
use std::fmt;

use serde::{Deserialize, Serialize};

use std::borrow::Cow;

use crate::rejection::Rejection;

/// What a staff member does for the association. An account holds one or
/// more: a small office often has one person keep the books and answer
/// learners.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StaffRole {
    /// 业务: learners, queues (titles, applications, overdue renewals,
    /// returning-discount claims), certificates, corrections.
    Operator,
    /// 财务: study cards for bank transfers, orders, invoices.
    Finance,
    /// 管理员: staff accounts, yearly settings and calendars, imports, the
    /// whole audit trail.
    Administrator,
}

impl StaffRole {
    pub const ALL: [Self; 3] = [Self::Operator, Self::Finance, Self::Administrator];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Operator => "operator",
            Self::Finance => "finance",
            Self::Administrator => "administrator",
        }
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            Self::Operator => "业务",
            Self::Finance => "财务",
            Self::Administrator => "管理员",
        }
    }
}

/// The roles of one account: never empty.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "Vec<StaffRole>", into = "Vec<StaffRole>")]
pub struct StaffRoles(BTreeSet<StaffRole>);

impl StaffRoles {
    pub fn new(roles: impl IntoIterator<Item = StaffRole>) -> Result<Self, StaffRejection> {
        let roles: BTreeSet<_> = roles.into_iter().collect();
        if roles.is_empty() {
            return Err(StaffRejection::NoRole);
        }
        Ok(Self(roles))
    }

    pub fn contains(&self, role: StaffRole) -> bool {
        self.0.contains(&role)
    }

    pub fn iter(&self) -> impl Iterator<Item = StaffRole> + '_ {
        self.0.iter().copied()
    }
}

impl TryFrom<Vec<StaffRole>> for StaffRoles {
    type Error = StaffRejection;
    fn try_from(roles: Vec<StaffRole>) -> Result<Self, Self::Error> {
        Self::new(roles)
    }
}

impl From<StaffRoles> for Vec<StaffRole> {
    fn from(roles: StaffRoles) -> Self {
        roles.0.into_iter().collect()
    }
}

impl fmt::Display for StaffRoles {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<_> = self.iter().map(StaffRole::as_str).collect();
        f.write_str(&names.join(","))
    }
}

/// A staff login name: 2–32 lowercase ASCII letters, digits, `.`, `-` or
/// `_`, starting with a letter. It names the account in tokens and in the
/// audit trail, so it never changes; the display name may.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct StaffName(String);

impl StaffName {
    pub fn parse(text: &str) -> Result<Self, StaffRejection> {
        let text = text.trim();
        let mut chars = text.chars();
        let starts_with_letter = chars.next().is_some_and(|c| c.is_ascii_lowercase());
        let rest_allowed = chars
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '-' | '_'));
        if !(2..=32).contains(&text.len()) || !starts_with_letter || !rest_allowed {
            return Err(StaffRejection::BadName);
        }
        Ok(Self(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for StaffName {
    type Error = StaffRejection;
    fn try_from(text: String) -> Result<Self, Self::Error> {
        Self::parse(&text)
    }
}

impl From<StaffName> for String {
    fn from(name: StaffName) -> Self {
        name.0
    }
}

impl fmt::Display for StaffName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// How a colleague is shown: their name as people say it (张会计), 1–40 characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct DisplayName(String);

impl DisplayName {
    pub fn parse(text: &str) -> Result<Self, StaffRejection> {
        let text = text.trim();
        let count = text.chars().count();
        if !(1..=40).contains(&count) || text.chars().any(char::is_control) {
            return Err(StaffRejection::BadDisplayName);
        }
        Ok(Self(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for DisplayName {
    type Error = StaffRejection;
    fn try_from(text: String) -> Result<Self, Self::Error> {
        Self::parse(&text)
    }
}

impl From<DisplayName> for String {
    fn from(name: DisplayName) -> Self {
        name.0
    }
}

/// Something a staff member asks to do, and the role it takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StaffAction {
    /// Find a learner and see where they stand (every role: finance looks
    /// up a payer, the administrator answers a complaint).
    ReadLearners,
    /// See a learner's full ID number (audited each time).
    RevealIdNumber,
    /// Decide queues, grant discounts, correct details, revoke or reissue certificates.
    Operate,
    /// Study cards, orders, invoices.
    Finance,
    /// Staff accounts, yearly settings and calendars, imports, the whole audit trail.
    Administer,
}

impl StaffAction {
    /// The role that may do this.
    pub fn role(self) -> Option<StaffRole> {
        match self {
            Self::ReadLearners => None,
            Self::RevealIdNumber | Self::Operate => Some(StaffRole::Operator),
            Self::Finance => Some(StaffRole::Finance),
            Self::Administer => Some(StaffRole::Administrator),
        }
    }

    /// Whether an account with `roles` may do this.
    pub fn allowed_to(self, roles: &StaffRoles) -> bool {
        self.role().is_none_or(|role| roles.contains(role))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum StaffRejection {
    #[error("a staff account needs at least one role")]
    NoRole,
    #[error(
        "a staff login name is 2-32 lowercase letters, digits, '.', '-' or '_', starting with a letter"
    )]
    BadName,
    #[error("a display name is 1-40 characters")]
    BadDisplayName,
}

impl Rejection for StaffRejection {
    fn code(&self) -> &'static str {
        match self {
            Self::NoRole => "staff.no_role",
            Self::BadName => "staff.bad_name",
            Self::BadDisplayName => "staff.bad_display_name",
        }
    }

    fn message_zh(&self) -> Cow<'static, str> {
        Cow::Borrowed(match self {
            Self::NoRole => "工作人员账号至少需要一个角色。",
            Self::BadName => "登录名为 2–32 位小写字母、数字或 . - _，以字母开头。",
            Self::BadDisplayName => "显示名称为 1–40 个字符。",
        })
    }

    fn message_en(&self) -> Cow<'static, str> {
        Cow::Borrowed(match self {
            Self::NoRole => "A staff account needs at least one role.",
            Self::BadName => {
                "A login name is 2–32 lowercase letters, digits, '.', '-' or '_', starting with a letter."
            }
            Self::BadDisplayName => "A display name is 1–40 characters.",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_lowercase_ascii_and_start_with_a_letter() {
        assert!(StaffName::parse("zhang.kj").is_ok());
        assert!(StaffName::parse("ops-2").is_ok());
        for bad in ["", "a", "Zhang", "1ops", "张会计", "a b", &"a".repeat(33)] {
            assert_eq!(StaffName::parse(bad), Err(StaffRejection::BadName), "{bad}");
        }
    }

    #[test]
    fn each_action_takes_its_role_and_reading_learners_takes_any() {
        let finance = StaffRoles::new([StaffRole::Finance]).unwrap();
        assert!(StaffAction::ReadLearners.allowed_to(&finance));
        assert!(StaffAction::Finance.allowed_to(&finance));
        assert!(!StaffAction::Operate.allowed_to(&finance));
        assert!(!StaffAction::RevealIdNumber.allowed_to(&finance));
        assert!(!StaffAction::Administer.allowed_to(&finance));
        let admin = StaffRoles::new([StaffRole::Administrator]).unwrap();
        assert!(
            !StaffAction::Operate.allowed_to(&admin),
            "administering accounts is not deciding learners' filings"
        );
        assert!(StaffRoles::new([]).is_err());
        let roles: StaffRoles =
            serde_json::from_str(r#"["finance","operator","finance"]"#).unwrap();
        assert_eq!(roles.to_string(), "operator,finance");
        assert!(serde_json::from_str::<StaffRoles>("[]").is_err());
    }
}
