//! Requests reach the functions only through CloudFront. The HTTP API's
//! own `execute-api` address is public; CloudFront adds a secret header to
//! every request it sends there (the template's `OriginCustomHeaders`), and
//! every route refuses a request without it, so nobody skips the CDN, its
//! security headers or its web ACL by calling the API directly.
//!
//! The check applies only where the secret is configured: in Lambda it
//! comes from the platform secret (`TICEDU_ORIGIN_SECRET`), and the template
//! sets `TICEDU_REQUIRE_ORIGIN_SECRET` so that a secret missing from it stops
//! the function at cold start instead of switching the check off. The local
//! server and the tests configure none.
//!
//! The same step opens the request's span with the viewer's address, which
//! CloudFront passes as `CloudFront-Viewer-Address` (the HTTP API's access
//! log only knows the address of the connection, CloudFront's).

use std::future::Future;
use std::pin::Pin;

use axum::extract::Request;
use axum::handler::Handler;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use tracing::Instrument;

use crate::config::{ConfigError, Environment};
use crate::error::ApiError;
use crate::state::AppState;

/// The header CloudFront adds to every request for the API origin.
pub const HEADER: &str = "x-ticedu-origin";
/// The header's value, in the platform secret.
pub const SECRET: &str = "TICEDU_ORIGIN_SECRET";
/// The value before a rotation, accepted too while CloudFront changes over.
pub const PREVIOUS_SECRET: &str = "TICEDU_ORIGIN_SECRET_PREVIOUS";
/// Set (to `true`) in Lambda's plain environment: a deployment without
/// `TICEDU_ORIGIN_SECRET` is refused at start.
pub const REQUIRE: &str = "TICEDU_REQUIRE_ORIGIN_SECRET";
/// The viewer's address and port, added by CloudFront when the origin
/// request policy forwards it.
pub const VIEWER_ADDRESS: &str = "cloudfront-viewer-address";

/// Shortest accepted secret: `keys.sh` makes 32 random bytes (43 characters).
const MIN_SECRET_LEN: usize = 32;

/// The secret header values CloudFront may send: the current one, and the
/// previous one during a rotation. Never printed.
#[derive(Clone)]
pub struct OriginSecret {
    current: Vec<u8>,
    previous: Option<Vec<u8>>,
}

impl std::fmt::Debug for OriginSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("OriginSecret(…)")
    }
}

impl OriginSecret {
    /// `current` (and `previous`), each at least 32 characters.
    pub fn new(current: &str, previous: Option<&str>) -> Option<Self> {
        let secret = |text: &str| {
            let text = text.trim();
            (text.len() >= MIN_SECRET_LEN).then(|| text.as_bytes().to_vec())
        };
        Some(Self {
            current: secret(current)?,
            previous: match previous {
                Some(text) => Some(secret(text)?),
                None => None,
            },
        })
    }

    /// Reads `TICEDU_ORIGIN_SECRET` (and `…_PREVIOUS`): none unless set, or
    /// unless `TICEDU_REQUIRE_ORIGIN_SECRET` requires it.
    pub fn from_environment(env: &Environment) -> Result<Option<Self>, ConfigError> {
        let required = env.var(REQUIRE).is_some_and(|value| value.trim() == "true");
        match env.var(SECRET) {
            None if required => Err(ConfigError::Missing(SECRET)),
            None => Ok(None),
            Some(current) => Self::new(&current, env.var(PREVIOUS_SECRET).as_deref())
                .map(Some)
                .ok_or_else(|| ConfigError::Malformed {
                    name: SECRET,
                    problem: format!(
                        "{SECRET} and {PREVIOUS_SECRET} need at least {MIN_SECRET_LEN} characters"
                    ),
                }),
        }
    }

    /// Whether `headers` carry the secret header with an accepted value.
    pub fn admits(&self, headers: &HeaderMap) -> bool {
        let Some(sent) = headers.get(HEADER) else {
            return false;
        };
        let sent = sent.as_bytes();
        // Both compared, always: the time taken does not tell which matched.
        let current = constant_time_eq(sent, &self.current);
        let previous = self
            .previous
            .as_ref()
            .is_some_and(|previous| constant_time_eq(sent, previous));
        current | previous
    }
}

/// Equal bytes, in time that depends on the lengths only (the secret's
/// length is no secret: `keys.sh` always makes 43 characters).
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let difference = a
        .iter()
        .zip(b)
        .fold(0u8, |difference, (x, y)| difference | (x ^ y));
    std::hint::black_box(difference) == 0
}

/// The refusal of a request that did not come through CloudFront: 403 with
/// the usual error body.
pub fn not_through_cloudfront() -> ApiError {
    ApiError::new(
        StatusCode::FORBIDDEN,
        "origin.direct_access",
        "请通过本站网址访问。",
        "Please use the site's address.",
    )
}

/// A router state that may hold the origin secret.
pub trait OriginCheck {
    fn origin_secret(&self) -> Option<&OriginSecret>;
}

impl<S> OriginCheck for AppState<S> {
    fn origin_secret(&self) -> Option<&OriginSecret> {
        self.platform.origin.as_ref()
    }
}

/// A handler that first refuses requests without the origin header (where
/// the state holds a secret), and runs in a span carrying the viewer's
/// address. [`documented`](crate::routing::documented) wraps every route's
/// handler in it.
#[derive(Clone)]
pub struct ThroughCloudFront<H>(pub H);

impl<H, T, S> Handler<T, S> for ThroughCloudFront<H>
where
    H: Handler<T, S>,
    T: 'static,
    S: OriginCheck + Clone + Send + Sync + 'static,
{
    type Future = Pin<Box<dyn Future<Output = Response> + Send>>;

    fn call(self, request: Request, state: S) -> Self::Future {
        let admitted = state
            .origin_secret()
            .is_none_or(|secret| secret.admits(request.headers()));
        // The address alone: no path (it may hold a certificate number) and
        // no query (verification's `?name=` is a person's name).
        let viewer = viewer(request.headers()).unwrap_or_default().to_owned();
        let span = tracing::info_span!("request", viewer = %viewer);
        if !admitted {
            let _entered = span.enter();
            tracing::warn!("request without the origin header refused");
            return Box::pin(std::future::ready(not_through_cloudfront().into_response()));
        }
        Box::pin(self.0.call(request, state).instrument(span))
    }
}

/// The caller's address as CloudFront saw it, when CloudFront passed it on.
pub fn viewer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(VIEWER_ADDRESS)
        .and_then(|value| value.to_str().ok())
        .map(viewer_ip)
        .filter(|ip| !ip.is_empty())
}

/// `CloudFront-Viewer-Address` is `ip:port` (IPv6 unbracketed, so the port
/// is after the last colon): the address without the port.
fn viewer_ip(address: &str) -> &str {
    address.rsplit_once(':').map_or(address, |(ip, _port)| ip)
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    const SECRET_VALUE: &str = "0123456789abcdef0123456789abcdef0123456";

    fn headers(value: Option<&str>) -> HeaderMap {
        let mut headers = HeaderMap::new();
        if let Some(value) = value {
            headers.insert(HEADER, HeaderValue::from_str(value).unwrap());
        }
        headers
    }

    #[test]
    fn only_the_configured_values_are_admitted() {
        let secret =
            OriginSecret::new(SECRET_VALUE, Some(&SECRET_VALUE.replace('0', "z"))).unwrap();
        assert!(secret.admits(&headers(Some(SECRET_VALUE))));
        assert!(secret.admits(&headers(Some(&SECRET_VALUE.replace('0', "z")))));
        assert!(!secret.admits(&headers(None)));
        assert!(!secret.admits(&headers(Some(&SECRET_VALUE[1..]))));
        assert!(!secret.admits(&headers(Some(&SECRET_VALUE.replace('1', "2")))));
    }

    #[test]
    fn a_short_secret_is_refused() {
        assert!(OriginSecret::new("short", None).is_none());
        assert!(OriginSecret::new(SECRET_VALUE, Some("short")).is_none());
    }

    #[test]
    fn the_viewer_address_loses_its_port() {
        assert_eq!(viewer_ip("198.51.100.10:46532"), "198.51.100.10");
        assert_eq!(viewer_ip("2001:db8::1:42838"), "2001:db8::1");
        assert_eq!(viewer_ip(""), "");
    }

    #[test]
    fn the_secret_never_prints() {
        let secret = OriginSecret::new(SECRET_VALUE, None).unwrap();
        assert!(!format!("{secret:?}").contains("0123"));
    }
}
