//! Request bodies and query strings as they arrive, and their parsing into
//! domain types: a handler sees only values that are valid.

use axum::http::StatusCode;
use serde::Deserialize;
use ticedu_api::ApiError;
use ticedu_domain::cards::CardBatch;
use ticedu_domain::learner::{ShortText, TitleCheck};
use ticedu_domain::money::Fen;
use ticedu_store::records::{InvoiceStatus, StaffDecision};
use utoipa::{IntoParams, ToSchema};

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct IssueCards {
    /// 1–99 cards (`MAX_CARDS_PER_BATCH`).
    count: usize,
    /// Each card's value in fen, e.g. 60000 for a 40-hour cycle.
    value_fen: u64,
    /// The bank transfer they pay for, for the association's books; up to 200 characters.
    note: String,
}

impl IssueCards {
    pub fn parse(self) -> Result<CardBatch, ApiError> {
        CardBatch::new(self.count, Fen::new(self.value_fen), &self.note)
            .map_err(|e| ApiError::invalid(&e))
    }
}

#[derive(Deserialize, IntoParams)]
pub(crate) struct CardListFormat {
    /// `json` (default) or `csv`: a printable list for handing cards out.
    format: Option<String>,
}

impl CardListFormat {
    /// Anything but `csv` answers JSON, as a browser's default should.
    pub fn is_csv(&self) -> bool {
        self.format.as_deref() == Some("csv")
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Decision {
    /// `confirmed` or `rejected`.
    #[schema(value_type = String)]
    pub decision: TitleCheck,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Returning {
    pub returning: bool,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Revocation {
    /// Why, for the record (not shown publicly); up to 60 characters.
    reason: String,
}

impl Revocation {
    pub fn parse(self) -> Result<ShortText, ApiError> {
        ShortText::parse(&self.reason).map_err(|e| ApiError::invalid(&e))
    }
}

#[derive(Deserialize, IntoParams)]
pub(crate) struct InvoiceFilter {
    /// `requested` (default) or `issued`.
    status: Option<String>,
}

impl InvoiceFilter {
    pub fn parse(self) -> Result<InvoiceStatus, ApiError> {
        match self.status.as_deref().unwrap_or("requested") {
            "requested" => Ok(InvoiceStatus::Requested),
            "issued" => Ok(InvoiceStatus::Issued),
            _ => Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invoice.status",
                "状态应为 requested 或 issued。",
                "The status is requested or issued.",
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn issue(note: &str) -> Result<CardBatch, ApiError> {
        IssueCards {
            count: 1,
            value_fen: 60_000,
            note: note.to_owned(),
        }
        .parse()
    }

    #[test]
    fn a_card_note_holds_a_whole_bank_reference() {
        // Longer than a ShortText: payer, account, date and amount together.
        let reference = "中国工商银行北京分行 转账 2023-07-01 付款人 北京某检验鉴定有限公司 账号 0200 0000 0000 0000 000 金额 600.00 元 用途 钟检 继续教育学习卡";
        assert!(reference.chars().count() > 60);
        assert_eq!(issue(reference).unwrap().note().as_str(), reference);
        let refused = issue(&"汇".repeat(201)).err().unwrap();
        assert_eq!(
            (refused.status, refused.code()),
            (StatusCode::UNPROCESSABLE_ENTITY, "cards.note")
        );
    }

    #[test]
    fn invoices_are_listed_by_a_known_status_requested_by_default() {
        let filter = |status: Option<&str>| {
            InvoiceFilter {
                status: status.map(str::to_owned),
            }
            .parse()
        };
        assert_eq!(filter(None).unwrap(), InvoiceStatus::Requested);
        assert_eq!(filter(Some("issued")).unwrap(), InvoiceStatus::Issued);
        assert_eq!(filter(Some("paid")).err().unwrap().code(), "invoice.status");
    }
}

/// Staff's verdict on a filing waiting for them: a new learner's application
/// (R19) or an overdue renewal (R20).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct FilingVerdict {
    /// `true` approves (an overdue renewal: issues its certificate).
    pub approve: bool,
    /// Why it is rejected, in words the learner reads; required to reject.
    pub reason: Option<String>,
}

impl FilingVerdict {
    /// The decision as stored: a rejection needs its reason.
    pub(crate) fn decision(
        self,
        by: &str,
        at: jiff::Timestamp,
    ) -> Result<(bool, StaffDecision), ApiError> {
        let reason = self
            .reason
            .as_deref()
            .map(str::trim)
            .filter(|reason| !reason.is_empty())
            .map(ShortText::parse)
            .transpose()
            .map_err(|e| ApiError::invalid(&e))?;
        if !self.approve && reason.is_none() {
            return Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "filing.reason_required",
                "驳回时请填写原因，学员会看到它。",
                "A rejection needs a reason; the learner reads it.",
            ));
        }
        Ok((
            self.approve,
            StaffDecision {
                by: by.to_owned(),
                at,
                reason: reason.map(|reason| reason.to_string()),
            },
        ))
    }
}
