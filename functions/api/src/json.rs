//! JSON request bodies: parsed strictly (unknown fields refused by each
//! request type's `deny_unknown_fields`), with errors that name the field but
//! never echo a value.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::{StatusCode, header};
use serde::de::DeserializeOwned;
use serde_json::Value;
use serde_path_to_error::Segment;

use crate::error::{ApiError, FieldError};
use crate::fields::label;

/// Request bodies larger than this are refused before parsing.
pub const BODY_LIMIT_BYTES: usize = 16 * 1024;

/// A JSON body of type `T`.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        let is_json = request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .is_some_and(|value| {
                value
                    .split(';')
                    .next()
                    .is_some_and(|mime| mime.trim().eq_ignore_ascii_case("application/json"))
            });
        if !is_json {
            return Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "request.content_type",
                "请求内容应为 JSON（Content-Type: application/json）。",
                "The request body must be JSON (Content-Type: application/json).",
            ));
        }
        let bytes = Bytes::from_request(request, state).await.map_err(|_| {
            ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "request.too_large",
                "请求内容过大。",
                "The request body is too large.",
            )
        })?;
        parse(&bytes).map(ApiJson)
    }
}

/// Parses a body, mapping every failure to a 400 that names the field at
/// fault as a person knows it (its form label) and says what it expects.
pub fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let deserializer = &mut serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(deserializer).map_err(|error| {
        let inner = error.inner();
        if inner.is_syntax() || inner.is_eof() {
            return ApiError::new(
                StatusCode::BAD_REQUEST,
                "request.malformed_json",
                "请求内容不是有效的 JSON。",
                "The request body is not valid JSON.",
            );
        }
        let path = error.path().to_string();
        let sent = serde_json::from_slice::<Value>(bytes)
            .ok()
            .and_then(|body| value_at(&body, error.path()).cloned());
        let field = refusal(&path, &inner.to_string(), sent.as_ref());
        let mut answer = ApiError::new(
            StatusCode::BAD_REQUEST,
            "request.invalid_field",
            field.message.clone(),
            field.message_en.clone(),
        );
        if path != "." {
            answer.body.fields = Some(vec![field]);
        }
        answer
    })
}

/// The value the body holds at `path`, if any.
fn value_at<'a>(body: &'a Value, path: &serde_path_to_error::Path) -> Option<&'a Value> {
    path.iter().try_fold(body, |value, segment| match segment {
        Segment::Seq { index } => value.get(index),
        Segment::Map { key } => value.get(key.as_str()),
        Segment::Enum { .. } => Some(value),
        Segment::Unknown => None,
    })
}

/// What a field's refusal says. serde's own words name fields, variants
/// and types but may quote a value (an ID number sent as a number), so only
/// the kind of problem is taken from them.
fn refusal(path: &str, serde_says: &str, sent: Option<&Value>) -> FieldError {
    let (label_zh, label_en) = match label(path) {
        Some((zh, en)) => (zh.to_owned(), en.to_owned()),
        None if path == "." => ("请求内容".to_owned(), "The request body".to_owned()),
        None => (format!("`{path}`"), format!("`{path}`")),
    };
    let quoted_name = || serde_says.split('`').nth(1).unwrap_or_default().to_owned();
    let blank = matches!(sent, Some(Value::Null))
        || sent
            .and_then(Value::as_str)
            .is_some_and(|text| text.trim().is_empty());
    let (code, zh, en): (&'static str, String, String) = if serde_says.starts_with("missing field")
    {
        let missing = if path == "." {
            quoted_name()
        } else {
            format!("{path}.{}", quoted_name())
        };
        let (zh, en) = label(&missing).map_or_else(
            || (format!("`{missing}`"), format!("`{missing}`")),
            |(zh, en)| (zh.to_owned(), en.to_owned()),
        );
        return FieldError {
            field: missing.trim_start_matches('.').to_owned().into(),
            code: "field.missing",
            message: format!("请填写{zh}。").into(),
            message_en: format!("{en} is required.").into(),
        };
    } else if serde_says.starts_with("unknown field") || serde_says.starts_with("duplicate field") {
        let which = if serde_says.starts_with("unknown") {
            ("无法识别的", "unknown")
        } else {
            ("重复的", "duplicate")
        };
        (
            "field.unknown",
            format!("请求内容有误：{}字段 `{}`。", which.0, quoted_name()),
            format!(
                "Invalid request body: {} field `{}`.",
                which.1,
                quoted_name()
            ),
        )
    } else if blank {
        (
            "field.missing",
            format!("请填写{label_zh}。"),
            format!("{label_en} is required."),
        )
    } else if serde_says.starts_with("unknown variant") {
        (
            "field.choice",
            format!("{label_zh}：不是可选的值之一。"),
            format!("{label_en}: not one of the choices."),
        )
    } else {
        let (zh, en) = expected(path, serde_says);
        (
            "field.type",
            format!("{label_zh}：应为{zh}。"),
            format!("{label_en}: must be {en}."),
        )
    };
    FieldError {
        field: path.to_owned().into(),
        code,
        message: zh.into(),
        message_en: en.into(),
    }
}

/// What a field holds, in words: from serde's "expected …" (a type, never a value).
fn expected(path: &str, serde_says: &str) -> (&'static str, &'static str) {
    if path.ends_with("_on") {
        return ("日期，例如 2027-07-06", "a date such as 2027-07-06");
    }
    let wanted = serde_says.rsplit("expected ").next().unwrap_or_default();
    if !serde_says.contains("expected ") {
        ("有效的值", "a valid value")
    } else if wanted.contains("string") {
        ("文字", "text")
    } else if wanted.contains("bool") {
        ("是或否（true / false）", "true or false")
    } else if wanted.contains("sequence") {
        ("列表", "a list")
    } else if wanted.contains("struct") || wanted.contains("map") || wanted.contains("enum") {
        ("对象", "an object")
    } else if [
        "u8", "u16", "u32", "u64", "i8", "i16", "i32", "i64", "usize", "integer",
    ]
    .iter()
    .any(|number| wanted.contains(number))
    {
        ("整数", "a whole number")
    } else {
        ("有效的值", "a valid value")
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::*;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Body {
        name: String,
        count: u32,
    }

    #[test]
    fn malformed_json_is_a_400_with_its_own_code() {
        assert_eq!(
            parse::<Body>(b"{\"name\": ").unwrap_err().code(),
            "request.malformed_json"
        );
        assert_eq!(
            parse::<Body>(b"not json").unwrap_err().code(),
            "request.malformed_json"
        );
    }

    #[test]
    fn an_unknown_field_is_named() {
        let error = parse::<Body>(br#"{"name": "a", "count": 1, "admin": true}"#).unwrap_err();
        assert_eq!(error.code(), "request.invalid_field");
        assert!(
            error.body.message_en.contains("unknown field `admin`"),
            "{:?}",
            error.body
        );
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Claim {
        #[serde(rename = "expires_on")]
        expires: jiff::civil::Date,
    }

    #[test]
    fn an_empty_date_is_missing_and_a_wrong_one_says_what_a_date_is() {
        let error = parse::<Claim>(br#"{"expires_on": ""}"#).unwrap_err();
        assert_eq!(error.body.message, "请填写证书到期日。");
        let fields = error.body.fields.as_ref().unwrap();
        assert_eq!(
            (fields[0].field.as_ref(), fields[0].code),
            ("expires_on", "field.missing")
        );
        let error = parse::<Claim>(br#"{"expires_on": "2027-02-30"}"#).unwrap_err();
        assert_eq!(
            error.body.message,
            "证书到期日：应为日期，例如 2027-07-06。"
        );
        assert_eq!(
            error.body.message_en,
            "Expiry date: must be a date such as 2027-07-06."
        );
        let error = parse::<Claim>(b"{}").unwrap_err();
        assert_eq!(error.body.message_en, "Expiry date is required.");
    }

    #[test]
    fn a_wrong_type_names_the_field_but_not_the_value() {
        let error = parse::<Body>(br#"{"name": "a", "count": "110105199004086782"}"#).unwrap_err();
        assert!(
            error
                .body
                .message_en
                .contains("`count`: must be a whole number"),
            "{:?}",
            error.body
        );
        assert!(
            !error.body.message_en.contains("110105"),
            "{:?}",
            error.body
        );
        assert!(!error.body.message.contains("110105"), "{:?}", error.body);
    }
}
