//! A certificate as its owner sees it, and the signed token its QR code
//! carries: shared by issuing, listing and printing.

use jiff::civil::Date;
use serde::Serialize;
use ticedu_api::certificate_signing::CertificateSigner;
use ticedu_domain::certificate::{CertificateData, PublicStatus, public_status};
use ticedu_domain::learner::{LearnerCategory, LearnerKind};
use ticedu_store::ids::CertificateNo;
use ticedu_store::records::{Certificate, CertificateStatus};
use utoipa::ToSchema;

/// The data a certificate states, as stored.
pub(crate) fn data_of(certificate: &Certificate) -> CertificateData {
    CertificateData {
        no: certificate.no.to_string(),
        name: certificate.name.clone(),
        kind: certificate.kind.clone(),
        cycle_start: certificate.cycle_start,
        cycle_end: certificate.cycle_end,
        hours: certificate.hours,
        issued_on: certificate.issued_on,
        valid_until: certificate.valid_until,
    }
}

/// A certificate as its owner sees it.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct MyCertificate {
    no: String,
    name: String,
    #[schema(value_type = Object)]
    kind: LearnerKind,
    hours: u32,
    cycle_start: String,
    cycle_end: String,
    issued_on: String,
    valid_until: String,
    /// `valid`, `expired`, `revoked` or `tampered`.
    status: String,
    /// Why staff revoked it: its owner reads it; the public page does not show it.
    revocation_reason: Option<String>,
    /// The public verification page of this certificate with its signature
    /// (what the QR code holds): `/verify/?no=…&s=…`.
    verify_path: String,
    /// EdDSA JWT over the public fields; verifiable offline with `/.well-known/jwks.json`.
    token: String,
}

impl MyCertificate {
    pub(crate) fn of(certificate: Certificate, today: Date, signer: &CertificateSigner) -> Self {
        let token = signed(&certificate, signer);
        let link = verify_path(&certificate.no, &signature(&certificate, signer));
        let status = status_of(&certificate, today);
        let revocation_reason = match &certificate.status {
            CertificateStatus::Revoked { reason, .. } => Some(reason.clone()),
            CertificateStatus::Valid => None,
        };
        Self {
            revocation_reason,
            verify_path: link,
            token,
            no: certificate.no.to_string(),
            name: certificate.name.to_string(),
            kind: certificate.kind,
            hours: certificate.hours,
            cycle_start: certificate.cycle_start.to_string(),
            cycle_end: certificate.cycle_end.to_string(),
            issued_on: certificate.issued_on.to_string(),
            valid_until: certificate.valid_until.to_string(),
            status: status_text(status),
        }
    }
}

/// What the signed token states: the public fields only. It travels in the
/// QR code, so it carries nothing more: every byte makes the code denser.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
struct SignedCertificate {
    iss: String,
    /// The certificate number.
    sub: String,
    /// Masked, as on the public page.
    name: String,
    category: String,
    hours: u32,
    cycle_start: String,
    cycle_end: String,
    issued_on: String,
    valid_until: String,
}

/// How the signatures name a learner's category (and the verification answer's `category`).
pub(crate) fn category_code(category: LearnerCategory) -> &'static str {
    match category {
        LearnerCategory::Holder => "holder",
        LearnerCategory::New => "new",
        LearnerCategory::Titled => "titled",
    }
}

pub(crate) fn signed(certificate: &Certificate, signer: &CertificateSigner) -> String {
    signer.sign(&SignedCertificate {
        iss: "ticedu".to_owned(),
        sub: certificate.no.to_string(),
        name: certificate.name.masked(),
        category: category_code(certificate.kind.category()).to_owned(),
        hours: certificate.hours,
        cycle_start: certificate.cycle_start.to_string(),
        cycle_end: certificate.cycle_end.to_string(),
        issued_on: certificate.issued_on.to_string(),
        valid_until: certificate.valid_until.to_string(),
    })
}

/// The text a certificate's detached signature covers: the same public
/// fields as the JWT, one a line, in this order, after a version line. The
/// verification page rebuilds it from the public answer; an offline
/// verifier from the printed certificate (the name masked as the page masks
/// it). Documented in `site/content/guide/verification.md`.
pub(crate) fn signed_text(certificate: &Certificate) -> String {
    [
        "ticedu-certificate-v1".to_owned(),
        certificate.no.to_string(),
        certificate.name.masked(),
        category_code(certificate.kind.category()).to_owned(),
        certificate.hours.to_string(),
        certificate.cycle_start.to_string(),
        certificate.cycle_end.to_string(),
        certificate.issued_on.to_string(),
        certificate.valid_until.to_string(),
    ]
    .join("\n")
}

/// The detached signature of the certificate's public fields (86 characters).
pub(crate) fn signature(certificate: &Certificate, signer: &CertificateSigner) -> String {
    signer.sign_detached(signed_text(certificate).as_bytes())
}

/// The verification page of a certificate with its signature: what the QR
/// code links to. Links printed before carry `t=` (the JWT) instead of `s=`;
/// the page checks either.
pub(crate) fn verify_path(no: &CertificateNo, signature: &str) -> String {
    format!("/verify/?no={no}&s={signature}")
}

pub(crate) fn status_of(certificate: &Certificate, today: Date) -> PublicStatus {
    public_status(
        &data_of(certificate),
        &certificate.data_hash,
        matches!(certificate.status, CertificateStatus::Revoked { .. }),
        today,
    )
}

pub(crate) fn status_text(status: PublicStatus) -> String {
    match status {
        PublicStatus::Valid => "valid",
        PublicStatus::Expired => "expired",
        PublicStatus::Revoked => "revoked",
        PublicStatus::Tampered => "tampered",
    }
    .to_owned()
}
