//! What a learner files towards a certificate: the renewal registration
//! (续证学习登记, holders, R16), the certificate application (新学员证书申请,
//! new learners, R19), or an overdue renewal (超期换证, holders, R20).

use std::borrow::Cow;

use jiff::civil::Date;

use serde::{Deserialize, Serialize};

use crate::contact::PhoneNumber;
use crate::learner::{DocumentNumber, HolderDetails, LearnerKind, ShortText};
use crate::rejection::{Rejection, display_as_rejection};
use crate::requirement::Progress;

/// The filing a learner's kind calls for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Filing<'a> {
    /// R16: the holder confirms the certificate on record.
    RenewalRegistration(&'a HolderDetails),
    /// R19: the new learner confirms when learning started.
    Application { learning_started_on: Date },
}

/// The filing for this kind of learner; titled learners file nothing (R18:
/// staff check their title instead).
pub fn filing_for(kind: &LearnerKind) -> Result<Filing<'_>, FilingRefusal> {
    match kind {
        LearnerKind::Holder(details) => Ok(Filing::RenewalRegistration(details)),
        LearnerKind::New(details) => Ok(Filing::Application {
            learning_started_on: details.learning_started_on,
        }),
        LearnerKind::Titled(_) => Err(FilingRefusal::NothingToFile),
    }
}

/// R19: the fields of the association's application form
/// (继续教育学习证书申请表) beyond what the account holds (name, ID number,
/// and when learning started).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplicationForm {
    /// 工作单位
    pub employer: ShortText,
    /// 职务 / 岗位
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position: Option<ShortText>,
    /// 学历
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub education: Option<ShortText>,
    /// 联系电话
    pub phone: PhoneNumber,
}

/// What an overdue holder states besides what the account holds (R20).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OverdueClaim {
    pub original_certificate_no: DocumentNumber,
    pub expires_on: Date,
}

/// The certificate an overdue renewal (R20) renews: the holder's own, as on
/// record, once it has expired and the cycle's hours were completed after it
/// (the notice: 证书到期后完成学习的学员). The hours learned late count.
pub fn overdue_renewal(
    kind: &LearnerKind,
    progress: &Progress,
    claim: OverdueClaim,
    today: Date,
) -> Result<HolderDetails, FilingRefusal> {
    let LearnerKind::Holder(details) = kind else {
        return Err(FilingRefusal::NotAHolder);
    };
    if details.expires_on >= today {
        return Err(FilingRefusal::NotOverdue {
            expires_on: details.expires_on,
        });
    }
    if claim.expires_on != details.expires_on {
        return Err(FilingRefusal::ExpiryMismatch {
            on_record: details.expires_on,
        });
    }
    match progress.completed_on {
        None => Err(FilingRefusal::Incomplete {
            remaining_hours: progress.remaining_hours(),
        }),
        Some(day) if day <= details.expires_on => Err(FilingRefusal::CompletedInTime),
        Some(_) => Ok(HolderDetails {
            certificate_kind: details.certificate_kind,
            original_certificate_no: claim.original_certificate_no,
            expires_on: claim.expires_on,
        }),
    }
}

/// Why a filing is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum FilingRefusal {
    NothingToFile,
    NotAHolder,
    NotOverdue {
        expires_on: Date,
    },
    /// The expiry stated is not the one on record for the account.
    ExpiryMismatch {
        on_record: Date,
    },
    Incomplete {
        remaining_hours: u32,
    },
    /// Completed before the expiry: the ordinary registration applies.
    CompletedInTime,
}

display_as_rejection!(FilingRefusal);

impl Rejection for FilingRefusal {
    fn code(&self) -> &'static str {
        match self {
            Self::NothingToFile => "certificate.nothing_to_file",
            Self::NotAHolder => "certificate.not_a_holder",
            Self::NotOverdue { .. } => "certificate.not_overdue",
            Self::ExpiryMismatch { .. } => "certificate.expiry_mismatch",
            Self::Incomplete { .. } => "certificate.incomplete",
            Self::CompletedInTime => "certificate.completed_in_time",
        }
    }

    fn message_zh(&self) -> Cow<'static, str> {
        match self {
            Self::NothingToFile => "职称人员无需提交，由协会审核职称信息。".into(),
            Self::NotAHolder => "超期换证只适用于持证人员。".into(),
            Self::NotOverdue { expires_on } => format!(
                "您的证书 {expires_on} 到期，尚未过期：学满学时后请提交普通的续证学习登记。"
            )
            .into(),
            Self::ExpiryMismatch { on_record } => format!(
                "填写的到期日与账户登记的到期日（{on_record}）不一致；如登记有误，请联系协会更正。"
            )
            .into(),
            Self::Incomplete { remaining_hours } => format!(
                "超期换证也需学满本周期学时，还需学习 {remaining_hours} 学时；已学学时继续有效。"
            )
            .into(),
            Self::CompletedInTime => {
                "您在证书到期前已学满学时，无需超期换证：请提交续证学习登记后下载证书。".into()
            }
        }
    }

    fn message_en(&self) -> Cow<'static, str> {
        match self {
            Self::NothingToFile => {
                "Titled learners file nothing; the association checks the title.".into()
            }
            Self::NotAHolder => "Overdue renewal is for certificate holders only.".into(),
            Self::NotOverdue { expires_on } => format!("Your certificate expires on {expires_on} and has not expired: once the hours are done, file the ordinary renewal registration.").into(),
            Self::ExpiryMismatch { on_record } => format!("The expiry date differs from the one on record for your account ({on_record}); contact the association if the record is wrong.").into(),
            Self::Incomplete { remaining_hours } => format!("An overdue renewal also needs the cycle's hours: {remaining_hours} more to learn; the hours learned still count.").into(),
            Self::CompletedInTime => "You completed the hours before the expiry, so no overdue renewal is needed: file the renewal registration and download the certificate.".into(),
        }
    }
}
