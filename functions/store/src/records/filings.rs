//! What is filed towards a certificate and what staff decide on (R12, R16,
//! R19, R20), and what closing a cycle changes.

use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use ticedu_domain::certificate::ApplicationForm;
use ticedu_domain::cycle::CycleNumber;
use ticedu_domain::learner::{DocumentNumber, HolderDetails, LearnerKind};

use super::{Certificate, Learner};

/// R16: a holder's renewal registration (续证学习登记), one per cycle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RenewalRegistration {
    pub details: HolderDetails,
    pub filed_at: Timestamp,
    pub status: FilingStatus,
    /// R20 超期换证: the holder finished after the certificate's expiry, so
    /// staff handle the renewal; such filings wait in staff's queue.
    #[serde(default)]
    pub overdue: bool,
    #[serde(default)]
    pub cycle: CycleNumber,
    /// Staff's decision, once taken (an overdue renewal's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision: Option<StaffDecision>,
}

/// R19: a new learner's certificate application (新学员证书申请), one per
/// cycle, which staff approve before the certificate is issued.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertificateApplication {
    pub learning_started_on: Date,
    pub note: String,
    pub filed_at: Timestamp,
    pub status: FilingStatus,
    /// The application form's fields (records from before the form carry none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub form: Option<ApplicationForm>,
    #[serde(default)]
    pub cycle: CycleNumber,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision: Option<StaffDecision>,
}

/// Where a filing stands. A learner may correct it until staff accept it,
/// and file again after staff rejected it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FilingStatus {
    Filed,
    Accepted,
    Rejected,
}

/// Who on the staff decided a filing, when, and (for a rejection) why: the
/// learner reads the reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffDecision {
    pub by: String,
    pub at: Timestamp,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// Which filing staff decide on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FilingKind {
    /// The renewal registration (R16) or overdue renewal (R20), per cycle.
    Renewal,
    /// The new learner's application (R19), per cycle.
    Application,
    /// The claim to the returning learner's discount (R12), one per learner:
    /// approving it grants the discount in the same write.
    ReturningClaim,
}

/// R12: a learner who took part in an earlier renewal (before the platform,
/// or elsewhere) asks for the discount with that certificate; the notice's
/// e-mail to the association becomes this form, decided by staff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReturningClaim {
    /// The continuing-education certificate of the earlier renewal.
    pub certificate_no: DocumentNumber,
    pub expires_on: Date,
    #[serde(default)]
    pub note: String,
    pub filed_at: Timestamp,
    pub status: FilingStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision: Option<StaffDecision>,
}

/// What issuing a cycle's certificate changes besides storing it, in the
/// same transaction: the learner moves to the next cycle (the holder's expiry
/// to the new certificate's), counts as a returning learner (R12), and the
/// cycle's filing, if any, is accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CycleClosing {
    /// The cycle the certificate closes; refused if the learner is no longer in it.
    pub closes: CycleNumber,
    /// The learner's kind in the next cycle (a holder's new expiry).
    pub next_kind: LearnerKind,
    /// A new or titled learner's new certificate expiry.
    pub certified_until: Option<Date>,
    /// The cycle's filing to accept, with staff's decision when staff issue.
    pub accepts: Option<(FilingKind, Option<StaffDecision>)>,
}

impl CycleClosing {
    /// The closing of the learner's current cycle by `certificate`.
    pub fn of(learner: &Learner, certificate: &Certificate) -> Self {
        let next_kind = match &learner.registration.kind {
            LearnerKind::Holder(details) => LearnerKind::Holder(HolderDetails {
                expires_on: certificate.valid_until,
                ..details.clone()
            }),
            other => other.clone(),
        };
        let certified_until = match next_kind {
            LearnerKind::Holder(_) => None,
            LearnerKind::New(_) | LearnerKind::Titled(_) => Some(certificate.valid_until),
        };
        Self {
            closes: learner.cycle,
            next_kind,
            certified_until,
            accepts: None,
        }
    }

    pub fn accepting(mut self, filing: FilingKind, decision: Option<StaffDecision>) -> Self {
        self.accepts = Some((filing, decision));
        self
    }
}
