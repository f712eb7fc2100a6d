//! The one question issuing asks: may this learner's certificate be issued
//! today? The cycle's hours and the batch day (R7–R10, R17), the title check
//! (R18), and what the learner must have filed first (R16, R19, R20).

use std::borrow::Cow;

use jiff::civil::Date;

use super::{NotYet, may_issue};
use crate::calendar::WorkCalendar;
use crate::learner::{LearnerKind, TitleCheck};
use crate::rejection::{Rejection, display_as_rejection};
use crate::requirement::Progress;
use crate::settings::Settings;

/// What the learner has filed with the association towards a certificate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Filed {
    Nothing,
    /// 续证学习登记 (holders, R16) or 新学员证书申请 (new learners, R19).
    Filing,
    /// 超期换证 (R20): the renewal is with staff, not with the cycle's rules.
    OverdueRenewal,
}

/// Everything issuing depends on, gathered by the caller.
#[derive(Debug, Clone, Copy)]
pub struct IssueFacts<'a> {
    pub kind: &'a LearnerKind,
    pub progress: &'a Progress,
    pub title_check: Option<TitleCheck>,
    pub filed: Filed,
    pub today: Date,
}

/// Whether the certificate may be issued now, or the first reason it may not.
/// The order is what the learner should hear first: an overdue renewal
/// overrides everything; then what is still to learn or wait for; filing last,
/// as it is the step taken once the hours are done.
pub fn decide_issue(
    facts: &IssueFacts<'_>,
    settings: &Settings,
    calendar: &WorkCalendar,
) -> Result<(), IssueRefusal> {
    if facts.filed == Filed::OverdueRenewal {
        return Err(IssueRefusal::OverdueWithStaff);
    }
    may_issue(
        facts.kind,
        facts.progress,
        facts.title_check,
        facts.today,
        settings,
        calendar,
    )
    .map_err(IssueRefusal::NotYet)?;
    if must_file(facts.kind) && facts.filed == Filed::Nothing {
        return Err(IssueRefusal::NotFiled);
    }
    Ok(())
}

/// Holders file the renewal registration (R16) and new learners the
/// application (R19); titled learners file nothing, staff check their title.
pub fn must_file(kind: &LearnerKind) -> bool {
    match kind {
        LearnerKind::Holder(_) | LearnerKind::New(_) => true,
        LearnerKind::Titled(_) => false,
    }
}

/// Why a certificate is not issued.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IssueRefusal {
    /// R20: staff handle an overdue renewal; the certificate comes from them.
    OverdueWithStaff,
    NotYet(NotYet),
    /// R16, R19: the registration or application comes first.
    NotFiled,
}

display_as_rejection!(IssueRefusal);

impl Rejection for IssueRefusal {
    fn code(&self) -> &'static str {
        match self {
            Self::OverdueWithStaff => "certificate.overdue_with_staff",
            Self::NotYet(not_yet) => not_yet.code(),
            Self::NotFiled => "certificate.not_filed",
        }
    }

    fn message_zh(&self) -> Cow<'static, str> {
        match self {
            Self::OverdueWithStaff => {
                "您已提交超期换证申请，由协会办理，办结后证书会出现在“我的证书”中。".into()
            }
            Self::NotYet(not_yet) => not_yet.message_zh(),
            Self::NotFiled => "请先提交续证学习登记（持证人员）或新学员证书申请。".into(),
        }
    }

    fn message_en(&self) -> Cow<'static, str> {
        match self {
            Self::OverdueWithStaff => "Your overdue renewal is with the association; the certificate appears under My certificates once done.".into(),
            Self::NotYet(not_yet) => not_yet.message_en(),
            Self::NotFiled => "File the renewal registration (holders) or the certificate application (new learners) first.".into(),
        }
    }
}
