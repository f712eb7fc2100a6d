//! Certificates to print, one per learner kind; shared by the tests and the benchmark.

use jiff::civil::date;
use ticedu_domain::certificate::{CertificateData, certificate_number};
use ticedu_domain::identity::PersonName;
use ticedu_domain::learner::{
    DocumentNumber, HolderCertificateKind, HolderDetails, LearnerCategory, LearnerKind,
    NewLearnerDetails, ShortText, TitleDetails,
};

pub fn holder() -> CertificateData {
    CertificateData {
        no: certificate_number(2023, LearnerCategory::Holder, &[7; 12]),
        name: PersonName::parse("欧阳检鉴").unwrap(),
        kind: LearnerKind::Holder(HolderDetails {
            certificate_kind: HolderCertificateKind::Qualification,
            original_certificate_no: DocumentNumber::parse("JYJD-2019-003187").unwrap(),
            expires_on: date(2023, 7, 6),
        }),
        cycle_start: date(2019, 7, 6),
        cycle_end: date(2023, 7, 6),
        hours: 40,
        issued_on: date(2023, 7, 17),
        valid_until: date(2027, 7, 6),
    }
}

pub fn new_learner() -> CertificateData {
    CertificateData {
        kind: LearnerKind::New(NewLearnerDetails {
            learning_started_on: date(2023, 3, 1),
        }),
        ..holder()
    }
}

pub fn titled() -> CertificateData {
    CertificateData {
        kind: LearnerKind::Titled(TitleDetails {
            title_kind: ShortText::parse("高级工程师").unwrap(),
            issuing_authority: ShortText::parse("天津市人力资源和社会保障局").unwrap(),
            title_certificate_no: DocumentNumber::parse("GJ-2018-0042").unwrap(),
        }),
        ..holder()
    }
}

/// A link as long as real ones: the verification page with the number and
/// the 86-character Ed25519 signature of the public fields (~140
/// characters; links printed before 2026-12 carried a ~420-character JWT).
pub fn verify_link(data: &CertificateData) -> String {
    format!(
        "https://ce.example.cn/verify/?no={}&s={}",
        data.no,
        "Qm9yZWFsaXMtc2lnbmF0dXJlLXNhbXBsZS1mb3ItdGhlLXFyLWNvZGUtYmVuY2htYXJr_-"
            .chars()
            .cycle()
            .take(86)
            .collect::<String>()
    )
}

/// A link of the older form (a JWT in `t=`), still printed on certificates
/// issued before 2026-12: the longest a QR code here has to hold.
pub fn old_verify_link(data: &CertificateData) -> String {
    format!(
        "https://ce.example.cn/verify/?no={}&t={}",
        data.no,
        "eyJhbGciOiJFZERTQSIsImtpZCI6ImRldiJ9.".to_owned() + &"x".repeat(380)
    )
}
