//! JSON request bodies: parsed strictly (unknown fields refused by each
//! request type's `deny_unknown_fields`), with errors that name the field but
//! never echo a value.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::{StatusCode, header};
use serde::de::DeserializeOwned;

use crate::error::ApiError;

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

/// Parses a body, mapping every failure to a 400 that names the field at fault.
pub fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let deserializer = &mut serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(deserializer).map_err(|error| {
        let path = error.path().to_string();
        let inner = error.inner();
        if inner.is_syntax() || inner.is_eof() {
            return ApiError::new(
                StatusCode::BAD_REQUEST,
                "request.malformed_json",
                "请求内容不是有效的 JSON。",
                "The request body is not valid JSON.",
            );
        }
        // serde names fields and variants in these messages, never values.
        let message = inner.to_string();
        let names_only = [
            "unknown field",
            "missing field",
            "unknown variant",
            "duplicate field",
        ]
        .iter()
        .any(|start| message.starts_with(start));
        let detail = if names_only {
            message
                .split(" at line")
                .next()
                .unwrap_or_default()
                .to_owned()
        } else {
            "wrong type or value".to_owned()
        };
        let field = if path == "." {
            "the body".to_owned()
        } else {
            format!("`{path}`")
        };
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "request.invalid_field",
            format!("请求内容有误：{field}（{detail}）。"),
            format!("Invalid request body: {field}: {detail}."),
        )
    })
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

    #[test]
    fn a_wrong_type_names_the_field_but_not_the_value() {
        let error = parse::<Body>(br#"{"name": "a", "count": "110105199004086782"}"#).unwrap_err();
        assert!(
            error.body.message_en.contains("`count`"),
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
