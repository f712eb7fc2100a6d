//! Where a learner stands in their current cycle: the facts the certificate
//! rules read (hours, filings, staff's decisions), gathered once for the
//! learner's own pages, their certificate and staff's decisions alike; and
//! the one way a cycle's certificate is issued.

use jiff::civil::Date;
use serde::Serialize;
use ticedu_domain::Rejection;
use ticedu_domain::calendar::WorkCalendar;
use ticedu_domain::certificate::{CertificateData, Filed, IssueFacts, IssueRefusal, decide_issue};
use ticedu_domain::cycle::LearnerCycle;
use ticedu_domain::learner::LearnerKind;
use ticedu_domain::requirement::{LearnedHour, Progress};
use ticedu_domain::settings::Settings;
use ticedu_store::records::{
    AuditEntry, Certificate, CertificateApplication, CycleClosing, FilingKind, FilingStatus,
    Learner, RenewalRegistration, StaffDecision,
};
use ticedu_store::{CertificateStore, FilingStore, ProgressStore, StoreError};
use utoipa::ToSchema;

use crate::views::progress_of;
use crate::{ApiError, ApiResult};

/// A learner's current cycle with everything filed in it.
#[derive(Debug, Clone)]
pub struct Standing {
    pub learner: Learner,
    pub cycle: LearnerCycle,
    pub progress: Progress,
    /// Every mark the learner made, in all cycles, as read.
    pub marks: Vec<LearnedHour>,
    pub renewal: Option<RenewalRegistration>,
    pub application: Option<CertificateApplication>,
}

impl Standing {
    /// Reads the learner's marks and the current cycle's filing.
    pub async fn of<S: ProgressStore + FilingStore>(
        store: &S,
        learner: Learner,
    ) -> Result<Self, StoreError> {
        let marks = store.marks(learner.id()).await?;
        let progress = progress_of(&learner, &marks);
        let cycle = learner.current_cycle();
        let (renewal, application) = match learner.registration.kind {
            LearnerKind::Holder(_) => (store.renewal(learner.id(), learner.cycle).await?, None),
            LearnerKind::New(_) => (None, store.application(learner.id(), learner.cycle).await?),
            LearnerKind::Titled(_) => (None, None),
        };
        Ok(Self {
            learner,
            cycle,
            progress,
            marks,
            renewal,
            application,
        })
    }

    /// The facts [`decide_issue`] reads, on `today`.
    pub fn facts(&self, today: Date) -> IssueFacts<'_> {
        let (filed, overdue) = match (&self.renewal, &self.application) {
            (Some(renewal), _) if renewal.overdue => (
                Filed::Nothing,
                Some(filed(renewal.status, renewal.decision.as_ref())),
            ),
            (Some(renewal), _) => (filed(renewal.status, renewal.decision.as_ref()), None),
            (None, Some(application)) => (
                filed(application.status, application.decision.as_ref()),
                None,
            ),
            (None, None) => (Filed::Nothing, None),
        };
        IssueFacts {
            kind: &self.learner.registration.kind,
            cycle: &self.cycle,
            progress: &self.progress,
            title_check: self.learner.title_check,
            filed,
            overdue,
            today,
        }
    }

    pub fn decide(
        &self,
        today: Date,
        settings: &Settings,
        calendar: &WorkCalendar,
    ) -> Result<(), IssueRefusal> {
        decide_issue(&self.facts(today), settings, calendar)
    }

    /// What the learner should do or wait for next, in words.
    pub fn next_step(&self, today: Date, settings: &Settings, calendar: &WorkCalendar) -> NextStep {
        match self.decide(today, settings, calendar) {
            Ok(()) => NextStep {
                code: "certificate.ready".into(),
                message: "学时已学满，现在可以领取本周期的证书。".into(),
                message_en: "The hours are complete: collect this cycle's certificate now.".into(),
            },
            Err(refusal) => NextStep {
                code: refusal.code().into(),
                message: refusal.message_zh().into_owned(),
                message_en: refusal.message_en().into_owned(),
            },
        }
    }

    /// The filing issuing accepts, with staff's decision when staff issue.
    fn filing_to_accept(
        &self,
        decision: Option<StaffDecision>,
    ) -> Option<(FilingKind, Option<StaffDecision>)> {
        match &self.learner.registration.kind {
            LearnerKind::Holder(_) => self
                .renewal
                .as_ref()
                .map(|_| (FilingKind::Renewal, decision)),
            LearnerKind::New(_) => self
                .application
                .as_ref()
                .map(|_| (FilingKind::Application, None)),
            LearnerKind::Titled(_) => None,
        }
    }
}

fn filed(status: FilingStatus, decision: Option<&StaffDecision>) -> Filed<'_> {
    match status {
        FilingStatus::Filed => Filed::Waiting,
        FilingStatus::Accepted => Filed::Accepted,
        FilingStatus::Rejected => Filed::Rejected {
            reason: decision
                .and_then(|d| d.reason.as_deref())
                .unwrap_or("未说明原因"),
        },
    }
}

/// What happens next for the learner, Chinese first.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NextStep {
    /// Machine-readable: `certificate.ready`, or the reason a certificate is not issued yet.
    pub code: String,
    pub message: String,
    pub message_en: String,
}

/// Issues the certificate that closes the learner's current cycle, as of
/// `today`, and opens the next one, in one write. The caller has decided
/// that it may be issued; `by_staff` is staff's decision and the audit
/// entry of it when staff issue it (an overdue renewal, R20): the entry is
/// written in the same transaction, naming the certificate.
pub async fn issue_certificate<S: CertificateStore>(
    store: &S,
    standing: &Standing,
    today: Date,
    by_staff: Option<(StaffDecision, AuditEntry)>,
) -> ApiResult<Certificate> {
    let (decision, audit) = by_staff.unzip();
    let random: [u8; 12] = crate::ids::random_bytes(12)?
        .try_into()
        .map_err(|_| ApiError::unavailable())?;
    let learner = &standing.learner;
    let data = CertificateData::issue(
        learner.registration.name.clone(),
        learner.registration.kind.clone(),
        &standing.cycle,
        &standing.progress,
        today,
        &random,
    );
    let certificate = Certificate::issue(learner.id().clone(), learner.cycle, data)
        .map_err(|_| ApiError::unavailable())?;
    let mut closing = CycleClosing::of(learner, &certificate);
    if let Some((filing, decision)) = standing.filing_to_accept(decision) {
        closing = closing.accepting(filing, decision);
    }
    let audit = audit.map(|entry| entry.subject(certificate.no.to_string()));
    store
        .issue_certificate(&certificate, &closing, audit.as_ref())
        .await?;
    tracing::info!(learner = %learner.id(), certificate = %certificate.no, cycle = %learner.cycle, "certificate issued");
    Ok(certificate)
}
