//! Request bodies as they arrive, and their parsing into domain types:
//! every field is checked before any logic runs.

use jiff::civil::Date;
use serde::Deserialize;
use ticedu_api::ApiError;
use ticedu_domain::certificate::OverdueClaim;
use ticedu_domain::learner::{DocumentNumber, ShortText};
use utoipa::ToSchema;

/// 续证学习登记 (R16, holders) or 新学员证书申请 (R19, new learners): the
/// data on record is confirmed; a note may add what staff should know.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct FilingRequest {
    note: Option<String>,
}

impl FilingRequest {
    /// The note, if one was written: blank counts as none.
    pub(crate) fn parse(self) -> Result<Option<ShortText>, ApiError> {
        self.note
            .as_deref()
            .map(str::trim)
            .filter(|note| !note.is_empty())
            .map(ShortText::parse)
            .transpose()
            .map_err(|e| ApiError::invalid(&e))
    }
}

/// 超期换证 (R20): what an overdue holder submits besides what the account
/// already holds (name, ID number, username).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct OverdueRenewalRequest {
    /// 原证书编号
    original_certificate_no: String,
    /// 证书到期日, `YYYY-MM-DD`; must be in the past.
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
