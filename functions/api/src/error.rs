//! The one error every handler returns, and the one place it becomes a
//! response: a status and `{ "code", "message" (中文), "message_en" }`, with
//! `fields` when the input was refused field by field.

use std::borrow::Cow;

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use ticedu_domain::{Rejection, RejectionKind};
use ticedu_store::{Refusal, StoreError};
use utoipa::ToSchema;

/// What a client receives when a request fails. Messages never repeat the
/// request's data (it may hold an ID number).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ErrorBody {
    /// Stable and machine-readable, e.g. `id_number.check_character`.
    pub code: &'static str,
    /// 中文说明。
    pub message: Cow<'static, str>,
    /// The same in English.
    pub message_en: Cow<'static, str>,
    /// Every field refused, when the request was checked field by field
    /// (then `code` and the messages are the first's, or a summary of all):
    /// a form shows each beside its field.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fields: Option<Vec<FieldError>>,
}

/// One field's refusal. Its messages name the field as a person knows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FieldError {
    /// Where the field is in the request body, dotted: `kind.expires_on`.
    pub field: Cow<'static, str>,
    /// Stable and machine-readable, e.g. `date.missing`.
    pub code: &'static str,
    /// 中文说明，以字段名开头。
    pub message: Cow<'static, str>,
    /// The same in English, starting with the field's name.
    pub message_en: Cow<'static, str>,
}

#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub body: ErrorBody,
    /// Seconds, for 429 answers.
    pub retry_after: Option<u64>,
}

impl ApiError {
    pub fn new(
        status: StatusCode,
        code: &'static str,
        message: impl Into<Cow<'static, str>>,
        message_en: impl Into<Cow<'static, str>>,
    ) -> Self {
        Self {
            status,
            body: ErrorBody {
                code,
                message: message.into(),
                message_en: message_en.into(),
                fields: None,
            },
            retry_after: None,
        }
    }

    /// A domain rule refused the input: 422 with the rule's own code and messages.
    pub fn invalid(rejection: &impl Rejection) -> Self {
        Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            rejection.code(),
            rejection.message_zh(),
            rejection.message_en(),
        )
    }

    /// A domain rule refused the request: the status its kind of refusal
    /// maps to, with the rule's own code and messages.
    pub fn refused(rejection: &impl Rejection) -> Self {
        let status = match rejection.kind() {
            RejectionKind::Invalid => StatusCode::UNPROCESSABLE_ENTITY,
            RejectionKind::Conflict => StatusCode::CONFLICT,
        };
        Self::new(
            status,
            rejection.code(),
            rejection.message_zh(),
            rejection.message_en(),
        )
    }

    pub fn code(&self) -> &'static str {
        self.body.code
    }

    pub fn not_found(code: &'static str, message: &'static str, message_en: &'static str) -> Self {
        Self::new(StatusCode::NOT_FOUND, code, message, message_en)
    }

    pub fn unavailable() -> Self {
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "service.unavailable",
            "服务暂时不可用，请稍后重试。",
            "The service is unavailable; please try again shortly.",
        )
    }
}

/// For callers outside a request (the local server's demo data) that put
/// every failure in one `Box<dyn Error>`.
impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.body.message_en, self.body.code)
    }
}

impl std::error::Error for ApiError {}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (self.status, Json(self.body)).into_response();
        if let Some(seconds) = self.retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::Refused(refusal) => refusal.into(),
            StoreError::Unavailable { operation, message } => {
                tracing::error!(operation, error = %message, "store unavailable");
                Self::unavailable()
            }
        }
    }
}

/// "学过了" pressed before the hour's study length: how long is left, in words and in `Retry-After`.
fn too_early(remaining_seconds: u32) -> ApiError {
    let (minutes, seconds) = (remaining_seconds / 60, remaining_seconds % 60);
    let mut error = ApiError::new(
        StatusCode::CONFLICT,
        "learning.too_early",
        format!("本学时还需学习 {minutes} 分 {seconds} 秒，学满后才能标记“学过了”。"),
        format!(
            "{minutes} min {seconds} s of this class hour are left before it can be marked learned."
        ),
    );
    error.retry_after = Some(u64::from(remaining_seconds.max(1)));
    error
}

impl From<Refusal> for ApiError {
    fn from(refusal: Refusal) -> Self {
        use StatusCode as S;
        let (status, code, zh, en) = match refusal {
            Refusal::StudyTooShort { remaining_seconds } => {
                return too_early(remaining_seconds);
            }
            Refusal::LessonChanged => (
                S::CONFLICT,
                "learning.lesson_changed",
                "您在别处打开了另一节课，请回到本课重新开始计时。",
                "Another lesson was opened meanwhile; open this one again to go on.",
            ),
            Refusal::AccountExists => (
                S::CONFLICT,
                "account.exists",
                "该身份证号码已注册账号，每人只能注册一个账号。请直接登录。",
                "An account with this ID number exists already; each person has one account. Please log in.",
            ),
            Refusal::UsernameTaken => (
                S::CONFLICT,
                "account.username_taken",
                "已有账号使用相同的用户名，请联系协会处理。",
                "Another account has the same username; please contact the association.",
            ),
            Refusal::UnknownLearner => (
                S::NOT_FOUND,
                "account.not_found",
                "账号不存在。",
                "No such account.",
            ),
            Refusal::InsufficientBalance => (
                S::CONFLICT,
                "balance.insufficient",
                "账户余额不足。",
                "The balance does not cover this amount.",
            ),
            Refusal::UnknownCard => (
                S::NOT_FOUND,
                "card.not_found",
                "学习卡不存在，请核对卡号。",
                "No such study card; please check the code.",
            ),
            Refusal::CardAlreadyRedeemed => (
                S::CONFLICT,
                "card.redeemed",
                "该学习卡已充值使用。",
                "This study card was redeemed already.",
            ),
            Refusal::CardVoided => (
                S::CONFLICT,
                "card.voided",
                "该学习卡已作废，请联系协会。",
                "This study card was voided; please contact the association.",
            ),
            Refusal::CardExists => (
                S::CONFLICT,
                "card.exists",
                "学习卡号已存在。",
                "A study card with this code exists already.",
            ),
            Refusal::AlreadyOwned => (
                S::CONFLICT,
                "cart.already_owned",
                "其中有已购买的学时。",
                "Some of these class hours were bought already.",
            ),
            Refusal::HourReserved => (
                S::CONFLICT,
                "cart.reserved",
                "其中有学时正在另一笔待支付的微信订单中：请先完成支付，或在“我的订单”中取消该订单。",
                "Some of these class hours are in another WeChat Pay order waiting for payment: pay it, or cancel it under My orders.",
            ),
            Refusal::OrderPaid => (
                S::CONFLICT,
                "order.paid",
                "该订单已支付，不能取消。",
                "This order was paid and can no longer be cancelled.",
            ),
            Refusal::NotRefundable => (
                S::CONFLICT,
                "refund.not_refundable",
                "无法退款：订单未支付、学时不在订单中或已退款，或金额超过可退金额。",
                "Cannot refund: the order is unpaid, the hours are not in it or were refunded, or the amount exceeds what is left.",
            ),
            Refusal::HourLearned => (
                S::CONFLICT,
                "refund.hour_learned",
                "要退的学时中有已标记“学过了”的：确认撤回这些学时后才能退款。",
                "Some of the hours to withdraw were marked learned: confirm withdrawing them to refund.",
            ),
            Refusal::UnknownRefund => (
                S::NOT_FOUND,
                "refund.not_found",
                "退款不存在。",
                "No such refund.",
            ),
            Refusal::OrderExists => (
                S::CONFLICT,
                "order.exists",
                "订单号已存在。",
                "An order with this number exists already.",
            ),
            Refusal::UnknownOrder => (
                S::NOT_FOUND,
                "order.not_found",
                "订单不存在。",
                "No such order.",
            ),
            Refusal::NoticeMismatch => (
                S::CONFLICT,
                "payment.notice_mismatch",
                "支付通知与订单不符。",
                "The payment notice does not match the order.",
            ),
            Refusal::HourNotBought => (
                S::FORBIDDEN,
                "learning.hour_not_bought",
                "尚未购买该学时，购买后才能学习。",
                "This class hour has not been bought yet.",
            ),
            Refusal::FilingClosed => (
                S::CONFLICT,
                "filing.closed",
                "协会已受理，不能再修改。",
                "The association has accepted this filing; it can no longer change.",
            ),
            Refusal::FilingDecided => (
                S::CONFLICT,
                "filing.decided",
                "该申请已处理或不在待审核状态。",
                "This filing was decided already, or none is waiting.",
            ),
            Refusal::CycleClosed => (
                S::CONFLICT,
                "certificate.cycle_closed",
                "本周期的证书已签发，请刷新页面。",
                "This cycle's certificate was issued already; reload the page.",
            ),
            Refusal::CertificateExists => (
                S::CONFLICT,
                "certificate.exists",
                "证书编号已存在。",
                "A certificate with this number exists already.",
            ),
            Refusal::UnknownCertificate => (
                S::NOT_FOUND,
                "certificate.not_found",
                "未找到相符的证书。请核对证书编号（及持证人姓名）是否与证书上印的完全一致；如仍有疑问，请联系协会核实。",
                "No certificate matches. Check that the number (and the holder's name) are exactly as printed on the certificate; if in doubt, ask the association.",
            ),
            Refusal::AlreadyRevoked => (
                S::CONFLICT,
                "certificate.revoked",
                "证书已被撤销。",
                "The certificate was revoked already.",
            ),
            Refusal::NotInvoiceable => (
                S::CONFLICT,
                "invoice.not_invoiceable",
                "所选订单不能开票：未支付、不属于您或已申请过发票。",
                "These orders cannot be invoiced: unpaid, not yours, or invoiced already.",
            ),
            Refusal::UnknownInvoice => (
                S::NOT_FOUND,
                "invoice.not_found",
                "发票申请不存在。",
                "No such invoice request.",
            ),
            Refusal::InvoiceAlreadyIssued => (
                S::CONFLICT,
                "invoice.issued",
                "发票已开具。",
                "The invoice was issued already.",
            ),
            Refusal::StaleYearVersion => (
                S::CONFLICT,
                "years.stale_version",
                "该年度数据已被他人修改，请刷新后重新编辑。",
                "Someone changed this year's data since you read it; reload and edit again.",
            ),
            Refusal::PriorRecordChanged => (
                S::CONFLICT,
                "account.retry",
                "协会正在导入您以往的证书记录，请稍后重新提交注册。",
                "The association is importing your earlier certificates right now; please register again in a moment.",
            ),
            Refusal::LearnerChanged => (
                S::CONFLICT,
                "learner.changed",
                "该学员信息刚被修改，请刷新后重试。",
                "The learner's details changed meanwhile; reload and try again.",
            ),
            Refusal::StaffAccountExists => (
                S::CONFLICT,
                "staff.exists",
                "已有同名的工作人员账号。",
                "A staff account with this name exists already.",
            ),
            Refusal::UnknownStaffAccount => (
                S::NOT_FOUND,
                "staff.not_found",
                "工作人员账号不存在。",
                "No such staff account.",
            ),
            Refusal::StaleStaffAccount => (
                S::CONFLICT,
                "staff.stale",
                "该账号刚被修改，请刷新后重试。",
                "The account changed meanwhile; reload and try again.",
            ),
            Refusal::TooLarge => (
                S::PAYLOAD_TOO_LARGE,
                "request.too_large",
                "一次提交的项目过多。",
                "Too many items in one request.",
            ),
        };
        Self::new(status, code, zh, en)
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
