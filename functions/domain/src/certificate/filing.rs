//! What a learner files towards a certificate: the renewal registration
//! (续证学习登记, holders, R16), the certificate application (新学员证书申请,
//! new learners, R19), or an overdue renewal (超期换证, holders, R20).

use std::borrow::Cow;

use jiff::civil::Date;

use crate::learner::{DocumentNumber, HolderDetails, LearnerKind};
use crate::rejection::{Rejection, display_as_rejection};

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

/// What an overdue holder states besides what the account holds (R20).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OverdueClaim {
    pub original_certificate_no: DocumentNumber,
    pub expires_on: Date,
}

/// The certificate an overdue renewal (R20) is about: only a holder's, and
/// only one that has expired (otherwise the ordinary registration applies).
pub fn overdue_renewal(
    kind: &LearnerKind,
    claim: OverdueClaim,
    today: Date,
) -> Result<HolderDetails, FilingRefusal> {
    let LearnerKind::Holder(details) = kind else {
        return Err(FilingRefusal::NotAHolder);
    };
    if claim.expires_on >= today {
        return Err(FilingRefusal::NotOverdue);
    }
    Ok(HolderDetails {
        certificate_kind: details.certificate_kind,
        original_certificate_no: claim.original_certificate_no,
        expires_on: claim.expires_on,
    })
}

/// Why a filing is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum FilingRefusal {
    NothingToFile,
    NotAHolder,
    NotOverdue,
}

display_as_rejection!(FilingRefusal);

impl Rejection for FilingRefusal {
    fn code(&self) -> &'static str {
        match self {
            Self::NothingToFile => "certificate.nothing_to_file",
            Self::NotAHolder => "certificate.not_a_holder",
            Self::NotOverdue => "certificate.not_overdue",
        }
    }

    fn message_zh(&self) -> Cow<'static, str> {
        match self {
            Self::NothingToFile => "职称人员无需提交，由协会审核职称信息。",
            Self::NotAHolder => "超期换证只适用于持证人员。",
            Self::NotOverdue => "证书尚未到期，请提交普通的续证学习登记。",
        }
        .into()
    }

    fn message_en(&self) -> Cow<'static, str> {
        match self {
            Self::NothingToFile => {
                "Titled learners file nothing; the association checks the title."
            }
            Self::NotAHolder => "Overdue renewal is for certificate holders only.",
            Self::NotOverdue => {
                "The certificate has not expired: file the ordinary renewal registration."
            }
        }
        .into()
    }
}
