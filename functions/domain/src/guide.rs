//! R6: the learning process the guide (网上学习指南) explains, step by step.
//! The site's guide pages and the learner's dashboard both follow this order.

use serde::Serialize;

use crate::learner::LearnerCategory;

/// One step of the process, in the order a learner meets it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    /// R1–R3: 注册账号 with real name and ID number; the username is derived.
    Register,
    /// R12: returning holders ask for the free mandatory hours.
    ClaimDiscount,
    /// R11, R13, R14: pay by bank transfer (then redeem the study card) or by WeChat Pay.
    Pay,
    /// R4, R8, R9: choose courses, hours or a certification bundle.
    ChooseCourses,
    /// R5, R10: study each hour and press 学过了.
    Learn,
    /// R15: ask for an invoice for what was paid.
    RequestInvoice,
    /// R16: holders file the renewal registration (续证学习登记).
    RenewalRegistration,
    /// R18: titled learners' title details are checked by staff.
    TitleCheck,
    /// R19: new learners apply for their certificate (新学员证书申请).
    CertificateApplication,
    /// R17, R21: download the certificate (holders from the batch's availability day).
    DownloadCertificate,
}

impl Step {
    pub fn title_zh(self) -> &'static str {
        match self {
            Self::Register => "注册账号",
            Self::ClaimDiscount => "申请学习优惠",
            Self::Pay => "缴费充值",
            Self::ChooseCourses => "选课",
            Self::Learn => "学习并点击“学过了”",
            Self::RequestInvoice => "开具发票",
            Self::RenewalRegistration => "续证学习登记",
            Self::TitleCheck => "职称信息审核",
            Self::CertificateApplication => "新学员证书申请",
            Self::DownloadCertificate => "下载打印证书",
        }
    }

    pub fn title_en(self) -> &'static str {
        match self {
            Self::Register => "Register",
            Self::ClaimDiscount => "Claim the returning learner's discount",
            Self::Pay => "Pay or top up",
            Self::ChooseCourses => "Choose courses",
            Self::Learn => "Study and press “learned”",
            Self::RequestInvoice => "Request an invoice",
            Self::RenewalRegistration => "Renewal registration",
            Self::TitleCheck => "Title check",
            Self::CertificateApplication => "Certificate application",
            Self::DownloadCertificate => "Download and print the certificate",
        }
    }
}

/// The steps a learner of `category` goes through, in order (R6).
pub fn journey(category: LearnerCategory) -> &'static [Step] {
    use Step::*;
    match category {
        LearnerCategory::Holder => &[
            Register,
            ClaimDiscount,
            Pay,
            ChooseCourses,
            Learn,
            RequestInvoice,
            RenewalRegistration,
            DownloadCertificate,
        ],
        LearnerCategory::New => &[
            Register,
            Pay,
            ChooseCourses,
            Learn,
            RequestInvoice,
            CertificateApplication,
            DownloadCertificate,
        ],
        LearnerCategory::Titled => &[
            Register,
            Pay,
            ChooseCourses,
            Learn,
            RequestInvoice,
            TitleCheck,
            DownloadCertificate,
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_journey_starts_with_registration_and_ends_with_the_certificate() {
        for category in LearnerCategory::ALL {
            let steps = journey(category);
            assert_eq!(steps.first(), Some(&Step::Register));
            assert_eq!(steps.last(), Some(&Step::DownloadCertificate));
            let learn = steps.iter().position(|step| *step == Step::Learn).unwrap();
            let pay = steps.iter().position(|step| *step == Step::Pay).unwrap();
            assert!(pay < learn, "paying comes before learning");
        }
    }

    #[test]
    fn only_holders_renew_and_claim_the_discount_and_only_new_learners_apply() {
        let has = |category, step| journey(category).contains(&step);
        assert!(has(LearnerCategory::Holder, Step::RenewalRegistration));
        assert!(has(LearnerCategory::Holder, Step::ClaimDiscount));
        assert!(!has(LearnerCategory::New, Step::RenewalRegistration));
        assert!(!has(LearnerCategory::New, Step::ClaimDiscount));
        assert!(has(LearnerCategory::New, Step::CertificateApplication));
        assert!(has(LearnerCategory::Titled, Step::TitleCheck));
        assert!(!has(LearnerCategory::Titled, Step::CertificateApplication));
    }
}
