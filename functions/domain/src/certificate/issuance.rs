//! The one question issuing asks: may this learner's certificate for the
//! current cycle be issued today? The cycle's hours and the batch day (R7–R10,
//! R17), the title check (R18), and what the learner filed and staff decided
//! (R16, R19, R20). Every answer that is not "yes" says, in Chinese first,
//! what happens next: the learner is never left at a dead end.

use std::borrow::Cow;

use jiff::civil::Date;

use crate::calendar::{CalendarError, WorkCalendar, certificate_available_from};
use crate::cycle::LearnerCycle;
use crate::learner::{LearnerKind, TitleCheck};
use crate::rejection::{Rejection, display_as_rejection};
use crate::requirement::Progress;
use crate::settings::Settings;

/// Where the cycle's filing stands: the renewal registration (R16), the
/// certificate application (R19) or the overdue renewal (R20).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Filed<'a> {
    Nothing,
    /// On record; for an application or an overdue renewal, waiting for staff.
    Waiting,
    Accepted,
    /// Staff turned it down, with a reason the learner reads; they may correct and file again.
    Rejected {
        reason: &'a str,
    },
}

/// Everything issuing depends on, gathered by the caller.
#[derive(Debug, Clone, Copy)]
pub struct IssueFacts<'a> {
    pub kind: &'a LearnerKind,
    pub cycle: &'a LearnerCycle,
    pub progress: &'a Progress,
    pub title_check: Option<TitleCheck>,
    /// The cycle's renewal registration or application.
    pub filed: Filed<'a>,
    /// The cycle's overdue renewal (holders, R20), if one was filed.
    pub overdue: Option<Filed<'a>>,
    pub today: Date,
}

/// Whether the certificate may be issued now, or the first reason it may not,
/// in the order the learner should hear them: what staff are handling first,
/// then what is still to learn, what to file, and last what to wait for.
pub fn decide_issue(
    facts: &IssueFacts<'_>,
    settings: &Settings,
    calendar: &WorkCalendar,
) -> Result<(), IssueRefusal> {
    match facts.overdue {
        Some(Filed::Waiting) => return Err(IssueRefusal::OverdueWithStaff),
        Some(Filed::Rejected { reason }) => {
            return Err(IssueRefusal::OverdueRejected {
                reason: reason.to_owned(),
            });
        }
        Some(Filed::Accepted | Filed::Nothing) | None => {}
    }
    let progress = facts.progress;
    if !progress.is_complete() {
        return Err(IssueRefusal::Incomplete {
            remaining_hours: progress.remaining_hours(),
            expired_on: facts
                .cycle
                .renews
                .filter(|_| facts.cycle.expired_by(facts.today)),
        });
    }
    match facts.kind {
        LearnerKind::Holder(details) => {
            let expiry = details.expires_on;
            if progress.completed_on.is_some_and(|day| day > expiry) {
                return Err(IssueRefusal::OverdueRenewalNeeded { expired_on: expiry });
            }
            if facts.filed == Filed::Nothing {
                return Err(IssueRefusal::NotFiled);
            }
            let available = download_day(expiry, settings, calendar)?;
            if facts.today < available {
                return Err(IssueRefusal::BeforeAvailability { available });
            }
        }
        LearnerKind::New(_) => match facts.filed {
            Filed::Nothing => return Err(IssueRefusal::NotFiled),
            Filed::Waiting => return Err(IssueRefusal::ApplicationWithStaff),
            Filed::Rejected { reason } => {
                return Err(IssueRefusal::ApplicationRejected {
                    reason: reason.to_owned(),
                });
            }
            Filed::Accepted => {}
        },
        LearnerKind::Titled(_) => match facts.title_check {
            Some(TitleCheck::Confirmed) => {}
            Some(TitleCheck::Rejected) => return Err(IssueRefusal::TitleRejected),
            Some(TitleCheck::Pending) | None => return Err(IssueRefusal::TitleNotConfirmed),
        },
    }
    Ok(())
}

/// R17: the day a holder whose certificate expires on `expiry` may download
/// the renewal: the configured working day after the batch date.
pub fn download_day(
    expiry: Date,
    settings: &Settings,
    calendar: &WorkCalendar,
) -> Result<Date, IssueRefusal> {
    let Some(year) = settings.years().find(|year| year.is_batch_date(expiry)) else {
        // A batch date lies in its notice's year or the next (2024-03-01 in 2023's).
        let published = [expiry.year(), expiry.year() - 1]
            .iter()
            .any(|year| settings.year(*year).is_some());
        return Err(if published {
            IssueRefusal::NotABatch { expires_on: expiry }
        } else {
            IssueRefusal::BatchNotPublished { expires_on: expiry }
        });
    };
    certificate_available_from(expiry, year, calendar).map_err(|error| match error {
        CalendarError::YearNotCovered { year } => IssueRefusal::CalendarMissing { year },
        CalendarError::NotABatchDate => IssueRefusal::NotABatch { expires_on: expiry },
    })
}

/// Holders file the renewal registration (R16) and new learners the
/// application (R19); titled learners file nothing, staff check their title.
pub fn must_file(kind: &LearnerKind) -> bool {
    match kind {
        LearnerKind::Holder(_) | LearnerKind::New(_) => true,
        LearnerKind::Titled(_) => false,
    }
}

/// Why a certificate is not issued (yet), and what happens next.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IssueRefusal {
    Incomplete {
        remaining_hours: u32,
        /// The renewed certificate's expiry, once it has passed.
        expired_on: Option<Date>,
    },
    /// R20: the hours were completed after the certificate expired.
    OverdueRenewalNeeded {
        expired_on: Date,
    },
    /// R20: staff handle the overdue renewal; the certificate comes from them.
    OverdueWithStaff,
    OverdueRejected {
        reason: String,
    },
    /// R17: downloads open on the batch's availability day.
    BeforeAvailability {
        available: Date,
    },
    /// The expiry belongs to a year whose notice (batch dates) staff have not entered yet.
    BatchNotPublished {
        expires_on: Date,
    },
    /// The expiry is none of its year's batch dates: staff check it.
    NotABatch {
        expires_on: Date,
    },
    /// The State Council's holiday arrangement for the year is not entered yet.
    CalendarMissing {
        year: i16,
    },
    /// R16, R19: the registration or application comes first.
    NotFiled,
    /// R19: the association reviews a new learner's application.
    ApplicationWithStaff,
    ApplicationRejected {
        reason: String,
    },
    /// R18: staff have not checked the title details yet.
    TitleNotConfirmed,
    TitleRejected,
}

display_as_rejection!(IssueRefusal);

impl Rejection for IssueRefusal {
    fn code(&self) -> &'static str {
        match self {
            Self::Incomplete { .. } => "certificate.incomplete",
            Self::OverdueRenewalNeeded { .. } => "certificate.overdue_renewal_needed",
            Self::OverdueWithStaff => "certificate.overdue_with_staff",
            Self::OverdueRejected { .. } => "certificate.overdue_rejected",
            Self::BeforeAvailability { .. } => "certificate.not_yet_available",
            Self::BatchNotPublished { .. } => "certificate.batch_not_published",
            Self::NotABatch { .. } => "certificate.not_a_batch",
            Self::CalendarMissing { .. } => "calendar.year_not_covered",
            Self::NotFiled => "certificate.not_filed",
            Self::ApplicationWithStaff => "certificate.application_with_staff",
            Self::ApplicationRejected { .. } => "certificate.application_rejected",
            Self::TitleNotConfirmed => "certificate.title_not_confirmed",
            Self::TitleRejected => "certificate.title_rejected",
        }
    }

    fn message_zh(&self) -> Cow<'static, str> {
        match self {
            Self::Incomplete { remaining_hours, expired_on: None } => {
                format!("本周期还需学习 {remaining_hours} 学时，学满后才能申领证书。").into()
            }
            Self::Incomplete { remaining_hours, expired_on: Some(expired) } => format!(
                "您的证书已于 {expired} 到期。本周期还需学习 {remaining_hours} 学时；已学的学时继续有效，学满后请提交超期换证申请。"
            )
            .into(),
            Self::OverdueRenewalNeeded { expired_on } => format!(
                "您在证书到期（{expired_on}）后完成学习，请提交超期换证申请，已学学时全部计入，由协会办理换证。"
            )
            .into(),
            Self::OverdueWithStaff => {
                "您已提交超期换证申请，由协会办理，办结后证书会出现在“我的证书”中。".into()
            }
            Self::OverdueRejected { reason } => format!(
                "协会未受理您的超期换证申请：{reason}。请按说明修改后重新提交。"
            )
            .into(),
            Self::BeforeAvailability { available } => {
                format!("您已学满学时并完成登记。本批次证书自 {available} 起可下载打印。").into()
            }
            Self::BatchNotPublished { expires_on } => format!(
                "您的证书 {expires_on} 到期，属于 {} 年度批次，学时和登记均已记录；协会公布该年度安排后，这里会显示可下载打印证书的日期（通常为到期日后第 7 个工作日）。",
                expires_on.year()
            )
            .into(),
            Self::NotABatch { expires_on } => format!(
                "您登记的证书到期日 {expires_on} 不在协会公布的批次日期中，请联系协会核对。"
            )
            .into(),
            Self::CalendarMissing { year } => format!(
                "{year} 年的法定节假日安排尚未录入，暂无法确定可下载日期；协会录入后这里会显示具体日期。"
            )
            .into(),
            Self::NotFiled => "学时已学满。请提交续证学习登记（持证人员）或新学员证书申请。".into(),
            Self::ApplicationWithStaff => {
                "您的证书申请已提交，正在等待协会审核；审核通过后即可领取证书。".into()
            }
            Self::ApplicationRejected { reason } => format!(
                "协会未通过您的证书申请：{reason}。请按说明修改后重新提交。"
            )
            .into(),
            Self::TitleNotConfirmed => "职称信息尚待协会审核，审核通过后即可领取证书。".into(),
            Self::TitleRejected => {
                "协会未能核实您的职称信息，请联系协会（010-62383899）核对后再领取证书。".into()
            }
        }
    }

    fn message_en(&self) -> Cow<'static, str> {
        match self {
            Self::Incomplete { remaining_hours, expired_on: None } => format!("{remaining_hours} more hours to learn in this cycle before a certificate.").into(),
            Self::Incomplete { remaining_hours, expired_on: Some(expired) } => format!("Your certificate expired on {expired}. {remaining_hours} more hours to learn; the hours learned still count. Then file an overdue renewal.").into(),
            Self::OverdueRenewalNeeded { expired_on } => format!("You completed the hours after your certificate expired ({expired_on}): file an overdue renewal; every hour counts and the association renews the certificate.").into(),
            Self::OverdueWithStaff => "Your overdue renewal is with the association; the certificate appears under My certificates once done.".into(),
            Self::OverdueRejected { reason } => format!("The association declined your overdue renewal: {reason}. Correct it and file again.").into(),
            Self::BeforeAvailability { available } => format!("You have completed the hours. Certificates of this batch can be downloaded from {available}.").into(),
            Self::BatchNotPublished { expires_on } => format!("Your certificate expires on {expires_on}, in the batch of {}. Your hours and registration are on record; the download day appears here once the association publishes that year's dates.", expires_on.year()).into(),
            Self::NotABatch { expires_on } => format!("The expiry date on record, {expires_on}, is none of the association's batch dates: please contact the association.").into(),
            Self::CalendarMissing { year } => format!("The official holidays of {year} are not entered yet; the download day appears here once they are.").into(),
            Self::NotFiled => "Hours complete. File the renewal registration (holders) or the certificate application (new learners).".into(),
            Self::ApplicationWithStaff => "Your certificate application waits for the association's review.".into(),
            Self::ApplicationRejected { reason } => format!("The association declined your application: {reason}. Correct it and file again.").into(),
            Self::TitleNotConfirmed => "The association has not confirmed your title details yet.".into(),
            Self::TitleRejected => "The association could not confirm your title details; please contact it.".into(),
        }
    }
}
