//! Request bodies as they arrive, and their parsing into domain types:
//! every field is checked before any logic runs.

use axum::http::StatusCode;
use jiff::civil::Date;
use serde::Deserialize;
use ticedu_api::ApiError;
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
    /// The application form (R19): the employer and a phone number are required.
    pub(crate) fn form(
        self,
        account_phone: Option<&PhoneNumber>,
    ) -> Result<ApplicationForm, ApiError> {
        let missing = |field: &'static str, zh: &'static str, en: &'static str| {
            ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, field, zh, en)
        };
        Ok(ApplicationForm {
            employer: self.employer.ok_or_else(|| {
                missing(
                    "application.employer_required",
                    "请填写工作单位。",
                    "Enter your employer.",
                )
            })?,
            position: self.position,
            education: self.education,
            phone: self
                .phone
                .or_else(|| account_phone.cloned())
                .ok_or_else(|| {
                    missing(
                        "application.phone_required",
                        "请填写联系电话。",
                        "Enter a phone number.",
                    )
                })?,
        })
    }
}

/// An optional line of text: blank counts as none.
fn optional_text(text: Option<String>) -> Result<Option<ShortText>, ApiError> {
    text.as_deref()
        .map(str::trim)
        .filter(|text| !text.is_empty())
        .map(ShortText::parse)
        .transpose()
        .map_err(|e| ApiError::invalid(&e))
}

impl FilingRequest {
    pub(crate) fn parse(self) -> Result<FilingCommand, ApiError> {
        let phone = self
            .phone
            .as_deref()
            .map(str::trim)
            .filter(|phone| !phone.is_empty())
            .map(PhoneNumber::parse)
            .transpose()
            .map_err(|e| ApiError::invalid(&e))?;
        Ok(FilingCommand {
            note: optional_text(self.note)?,
            employer: optional_text(self.employer)?,
            position: optional_text(self.position)?,
            education: optional_text(self.education)?,
            phone,
        })
    }
}

/// 超期换证 (R20): what an overdue holder submits besides what the account
/// already holds (name, ID number, username).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct OverdueRenewalRequest {
    /// 原证书编号
    original_certificate_no: String,
    /// 证书到期日, `YYYY-MM-DD`: the account's, and in the past.
    #[schema(value_type = String, format = Date)]
    expires_on: Date,
}

impl OverdueRenewalRequest {
    pub(crate) fn parse(self) -> Result<OverdueClaim, ApiError> {
        Ok(OverdueClaim {
            original_certificate_no: DocumentNumber::parse(self.original_certificate_no.trim())
                .map_err(|e| ApiError::invalid(&e))?,
            expires_on: self.expires_on,
        })
    }
}
