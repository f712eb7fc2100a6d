//! Refusals field by field: a request is checked whole and every field's
//! problem is answered at once, each message starting with the field's name
//! as the forms print it, so a person can put every mistake right in one go.

use std::borrow::Cow;

use axum::http::StatusCode;
use jiff::civil::Date;
use ticedu_domain::Rejection;

use crate::error::{ApiError, FieldError};

/// The name a person knows a request field by (中文, English), from the
/// field's last path segment; `None` for a field no form has.
pub fn label(path: &str) -> Option<(&'static str, &'static str)> {
    if path == "delivery" || path == "delivery.kind" {
        return Some(("交付方式", "Delivery"));
    }
    let name = path.rsplit('.').next().unwrap_or(path);
    Some(match name {
        "name" => ("姓名", "Name"),
        "id_number" => ("身份证号码", "ID number"),
        "category" | "kind" => ("学员类别", "Kind of learner"),
        "certificate_kind" => ("证书类别", "Certificate kind"),
        "original_certificate_no" => ("原证书编号", "Certificate number"),
        "expires_on" => ("证书到期日", "Expiry date"),
        "learning_started_on" => ("开始学习日期", "Date learning started"),
        "title_kind" => ("职称类别", "Title"),
        "issuing_authority" => ("颁证机关", "Issuing authority"),
        "title_certificate_no" => ("职称证书编号", "Title certificate number"),
        "phone" => ("联系电话", "Phone"),
        "email" => ("电子邮箱", "Email"),
        "password" => ("密码", "Password"),
        "current_password" => ("当前密码", "Current password"),
        "new_password" => ("新密码", "New password"),
        "username" => ("用户名", "Username"),
        "certificate_no" => ("证书编号", "Certificate number"),
        "code" => ("学习卡号", "Study card code"),
        "buyer_name" => ("抬头名称", "Invoice name"),
        "taxpayer_id" => ("统一社会信用代码", "Unified social credit code"),
        "recipient" => ("收件人", "Recipient"),
        "address" => ("收件地址", "Address"),
        "employer" => ("工作单位", "Employer"),
        "position" => ("职务 / 岗位", "Position"),
        "education" => ("学历", "Education"),
        "note" => ("备注", "Note"),
        "items" => ("购物车", "Cart"),
        "orders" => ("订单", "Orders"),
        _ => return None,
    })
}

/// "证书到期日：…" unless the rule's own words name the field already.
fn named(
    path: &str,
    zh: Cow<'static, str>,
    en: Cow<'static, str>,
) -> (Cow<'static, str>, Cow<'static, str>) {
    let Some((label_zh, label_en)) = label(path) else {
        return (zh, en);
    };
    let zh = if zh.contains(label_zh) {
        zh
    } else {
        format!("{label_zh}：{zh}").into()
    };
    let en = if en.to_lowercase().contains(&label_en.to_lowercase()) {
        en
    } else {
        format!("{label_en}: {en}").into()
    };
    (zh, en)
}

/// Collects every field's refusal of one request.
#[derive(Debug, Default)]
pub struct FieldErrors(Vec<FieldError>);

impl FieldErrors {
    pub fn new() -> Self {
        Self::default()
    }

    /// A field's refusal in the rule's own code and words, named.
    pub fn push(
        &mut self,
        field: &'static str,
        code: &'static str,
        message: impl Into<Cow<'static, str>>,
        message_en: impl Into<Cow<'static, str>>,
    ) {
        let (message, message_en) = named(field, message.into(), message_en.into());
        self.0.push(FieldError {
            field: field.into(),
            code,
            message,
            message_en,
        });
    }

    /// The value, or `None` with the rule's refusal noted against `field`.
    pub fn check<T, R: Rejection>(
        &mut self,
        field: &'static str,
        result: Result<T, R>,
    ) -> Option<T> {
        result
            .map_err(|rejection| {
                self.push(
                    field,
                    rejection.code(),
                    rejection.message_zh(),
                    rejection.message_en(),
                )
            })
            .ok()
    }

    /// A required field left empty.
    pub fn missing(&mut self, field: &'static str) {
        let (zh, en) = label(field).unwrap_or(("此项", "This field"));
        self.0.push(FieldError {
            field: field.into(),
            code: "field.missing",
            message: format!("请填写{zh}。").into(),
            message_en: format!("{en} is required.").into(),
        });
    }

    /// A date as a date input sends it: empty is missing, not misformatted.
    pub fn date(&mut self, field: &'static str, text: &str) -> Option<Date> {
        let text = text.trim();
        if text.is_empty() {
            let (zh, en) = label(field).unwrap_or(("日期", "The date"));
            self.0.push(FieldError {
                field: field.into(),
                code: "date.missing",
                message: format!("请填写{zh}。").into(),
                message_en: format!("{en} is required.").into(),
            });
            return None;
        }
        text.parse::<Date>().ok().or_else(|| {
            self.push(
                field,
                "date.invalid",
                "应为有效日期，例如 2027-07-06。",
                "must be a real date, such as 2027-07-06.",
            );
            None
        })
    }

    /// `Ok` when no field was refused, else one 422 carrying them all.
    pub fn finish(self) -> Result<(), ApiError> {
        match ApiError::from_fields(StatusCode::UNPROCESSABLE_ENTITY, self.0) {
            Some(error) => Err(error),
            None => Ok(()),
        }
    }
}

impl ApiError {
    /// One error for several fields: the first's code (what a program
    /// branched on before `fields` existed), a message naming them all.
    pub fn from_fields(status: StatusCode, fields: Vec<FieldError>) -> Option<Self> {
        let first = fields.first()?;
        let mut error = if fields.len() == 1 {
            Self::new(
                status,
                first.code,
                first.message.clone(),
                first.message_en.clone(),
            )
        } else {
            let names = |zh: bool| {
                fields
                    .iter()
                    .map(|field| match label(&field.field) {
                        Some((label_zh, label_en)) => {
                            if zh { label_zh } else { label_en }.to_owned()
                        }
                        None => field.field.to_string(),
                    })
                    .collect::<Vec<_>>()
            };
            Self::new(
                status,
                first.code,
                format!(
                    "有 {} 处需要修改：{}。",
                    fields.len(),
                    names(true).join("、")
                ),
                format!(
                    "{} fields need correcting: {}.",
                    fields.len(),
                    names(false).join(", ")
                ),
            )
        };
        error.body.fields = Some(fields);
        Some(error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_refused_field_is_answered_at_once_each_named() {
        let mut errors = FieldErrors::new();
        errors.missing("kind.title_kind");
        assert_eq!(errors.date("kind.expires_on", " "), None);
        assert_eq!(errors.date("kind.learning_started_on", "2024-13-01"), None);
        let error = errors.finish().unwrap_err();
        assert_eq!(error.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(error.code(), "field.missing");
        let fields = error.body.fields.as_ref().unwrap();
        let said: Vec<_> = fields
            .iter()
            .map(|f| (f.field.as_ref(), f.code, f.message.as_ref()))
            .collect();
        assert_eq!(
            said,
            [
                ("kind.title_kind", "field.missing", "请填写职称类别。"),
                ("kind.expires_on", "date.missing", "请填写证书到期日。"),
                (
                    "kind.learning_started_on",
                    "date.invalid",
                    "开始学习日期：应为有效日期，例如 2027-07-06。"
                ),
            ]
        );
        assert_eq!(
            error.body.message,
            "有 3 处需要修改：职称类别、证书到期日、开始学习日期。"
        );
    }

    #[test]
    fn a_rule_that_names_its_field_is_not_named_twice() {
        let mut errors = FieldErrors::new();
        errors.push(
            "password",
            "password.too_short",
            "密码至少 8 位。",
            "A password has at least 8 characters.",
        );
        let error = errors.finish().unwrap_err();
        assert_eq!(error.body.message, "密码至少 8 位。");
        assert_eq!(
            error.body.message_en,
            "A password has at least 8 characters."
        );
    }

    #[test]
    fn nothing_refused_is_ok() {
        assert!(FieldErrors::new().finish().is_ok());
    }
}
