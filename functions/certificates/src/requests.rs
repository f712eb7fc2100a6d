//! Request bodies as they arrive, and their parsing into domain types:
//! every field is checked before any logic runs.

use serde::Deserialize;
use ticedu_api::{ApiError, FieldErrors};
use ticedu_domain::certificate::{ApplicationForm, OverdueClaim};
use ticedu_domain::contact::PhoneNumber;
use ticedu_domain::learner::{DocumentNumber, ShortText};
use utoipa::ToSchema;

/// 续证学习登记 (R16, holders) or 新学员证书申请 (R19, new learners): the
/// data on record is confirmed; a note may add what staff should know. A new
/// learner's application also carries the form's fields (证书申请表).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct FilingRequest {
    note: Option<String>,
    /// 工作单位 (applications: required)
    employer: Option<String>,
    /// 职务 / 岗位
    position: Option<String>,
    /// 学历
    education: Option<String>,
    /// 联系电话 (applications: required; the account's phone if left out)
    phone: Option<String>,
}

/// A filing request's checked content.
pub(crate) struct FilingCommand {
    pub note: Option<ShortText>,
    pub employer: Option<ShortText>,
    pub position: Option<ShortText>,
    pub education: Option<ShortText>,
    pub phone: Option<PhoneNumber>,
}

impl FilingCommand {
    /// The application form (R19): the employer and a phone number are
    /// required, both answered at once when missing.
    pub(crate) fn form(
        self,
        account_phone: Option<&PhoneNumber>,
    ) -> Result<ApplicationForm, ApiError> {
        let mut errors = FieldErrors::new();
        if self.employer.is_none() {
            errors.push(
                "employer",
                "application.employer_required",
                "请填写工作单位。",
                "Enter your employer.",
            );
        }
        let phone = self.phone.or_else(|| account_phone.cloned());
        if phone.is_none() {
            errors.push(
                "phone",
                "application.phone_required",
                "请填写联系电话。",
                "Enter a phone number.",
            );
        }
        errors.finish()?;
        match (self.employer, phone) {
            (Some(employer), Some(phone)) => Ok(ApplicationForm {
                employer,
                position: self.position,
                education: self.education,
                phone,
            }),
            _ => Err(ApiError::unavailable()),
        }
    }
}

/// An optional line of text: blank counts as none.
fn optional_text(
    errors: &mut FieldErrors,
    field: &'static str,
    text: Option<String>,
) -> Option<ShortText> {
    text.as_deref()
        .map(str::trim)
        .filter(|text| !text.is_empty())
        .and_then(|text| errors.check(field, ShortText::parse(text)))
}

impl FilingRequest {
    pub(crate) fn parse(self) -> Result<FilingCommand, ApiError> {
        let mut errors = FieldErrors::new();
        let phone = self
            .phone
            .as_deref()
            .map(str::trim)
            .filter(|phone| !phone.is_empty())
            .and_then(|phone| errors.check("phone", PhoneNumber::parse(phone)));
        let command = FilingCommand {
            note: optional_text(&mut errors, "note", self.note),
            employer: optional_text(&mut errors, "employer", self.employer),
            position: optional_text(&mut errors, "position", self.position),
            education: optional_text(&mut errors, "education", self.education),
            phone,
        };
        errors.finish()?;
        Ok(command)
    }
}

/// 超期换证 (R20): what an overdue holder submits besides what the account
/// already holds (name, ID number, username).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct OverdueRenewalRequest {
    /// 原证书编号
    original_certificate_no: String,
    /// 证书到期日, `YYYY-MM-DD`: the account's, and in the past (read as
    /// text, so that an empty one is answered as missing with the number).
    #[schema(value_type = String, format = Date)]
    expires_on: String,
}

impl OverdueRenewalRequest {
    pub(crate) fn parse(self) -> Result<OverdueClaim, ApiError> {
        let mut errors = FieldErrors::new();
        let number = errors.check(
            "original_certificate_no",
            DocumentNumber::parse(self.original_certificate_no.trim()),
        );
        let expires_on = errors.date("expires_on", &self.expires_on);
        errors.finish()?;
        match (number, expires_on) {
            (Some(original_certificate_no), Some(expires_on)) => Ok(OverdueClaim {
                original_certificate_no,
                expires_on,
            }),
            _ => Err(ApiError::unavailable()),
        }
    }
}
