//! The learner's session cookie, and the CSRF rule that comes with it.
//!
//! The site's pages log in with `{"cookie": true}`: the token then travels
//! in a cookie the page's scripts cannot read (`HttpOnly`), only over HTTPS
//! (`Secure`; browsers treat `http://localhost` and `127.0.0.1` as secure, so
//! the local server sets the same cookie), for the whole site and only this
//! host (the `__Host-` prefix: `Secure`, `Path=/`, no `Domain`), and never
//! on a request another site starts (`SameSite=Strict`: the pages are static
//! and call the API from script, so a link from elsewhere loses nothing).
//! Programs keep sending `Authorization: Bearer`; a bearer header wins over
//! the cookie. Beside it goes [`MARKER_NAME`], readable by the pages and
//! holding nothing but `1`, so that a page knows without a request whether
//! to show the log-in link or the account (the server decides either way).
//!
//! CSRF: a request authenticated by the cookie that may change something
//! (any method but GET, HEAD, OPTIONS) must carry [`CSRF_HEADER`]. A form on
//! another site cannot add a header, and a script on another origin can add
//! one only after a CORS preflight, which the API never approves (it sends
//! no CORS headers); with `SameSite=Strict` on top, a forged request carries
//! neither the cookie nor the header. A token in the header would add
//! nothing here: the rule it would enforce, "the request came from our own
//! origin", is what the header's mere presence already proves.

use axum::http::header::{COOKIE, SET_COOKIE};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method};

use crate::tokens::TokenError;

/// The session cookie's name.
pub const COOKIE_NAME: &str = "__Host-ticedu-session";
/// The pages' hint that a session cookie is set: `1`, nothing secret.
pub const MARKER_NAME: &str = "__Host-ticedu-in";
/// The header the site's pages send with every API call.
pub const CSRF_HEADER: &str = "x-ticedu-csrf";

/// Where a request's token came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Presented {
    Bearer,
    Cookie,
}

/// The request's token and where it came from: the bearer header if there
/// is one, else the session cookie. A cookie on a request that changes
/// something is refused without [`CSRF_HEADER`].
pub fn token<'a>(
    method: &Method,
    headers: &'a HeaderMap,
) -> Result<(&'a str, Presented), TokenError> {
    if let Some(value) = headers.get(axum::http::header::AUTHORIZATION) {
        let value = value.to_str().map_err(|_| TokenError::Invalid)?;
        return match value.split_once(' ') {
            Some((scheme, token))
                if scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty() =>
            {
                Ok((token.trim(), Presented::Bearer))
            }
            _ => Err(TokenError::Invalid),
        };
    }
    let token = cookie(headers).ok_or(TokenError::Missing)?;
    if changes_something(method) && !headers.contains_key(CSRF_HEADER) {
        return Err(TokenError::CrossSite);
    }
    Ok((token, Presented::Cookie))
}

/// Whether `headers` carry [`CSRF_HEADER`]: what a request that sets the
/// cookie (log-in) must show too.
pub fn from_own_pages(headers: &HeaderMap) -> bool {
    headers.contains_key(CSRF_HEADER)
}

fn changes_something(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// The session cookie's value, from any `Cookie` header.
fn cookie(headers: &HeaderMap) -> Option<&str> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE_NAME)
        .map(|(_, value)| value.trim())
        .filter(|value| !value.is_empty())
}

/// The two `Set-Cookie` headers of a session: `token` (HttpOnly) and the
/// pages' marker, both for `max_age_seconds`.
pub fn set_cookies(token: &str, max_age_seconds: i64) -> [(HeaderName, HeaderValue); 2] {
    let age = max_age_seconds.max(0);
    let session =
        format!("{COOKIE_NAME}={token}; Path=/; Max-Age={age}; HttpOnly; Secure; SameSite=Strict");
    let marker = format!("{MARKER_NAME}=1; Path=/; Max-Age={age}; Secure; SameSite=Strict");
    // A JWT is base64url and dots: always a valid header value.
    let value = |text: String| {
        HeaderValue::from_str(&text).unwrap_or_else(|_| HeaderValue::from_static(""))
    };
    [(SET_COOKIE, value(session)), (SET_COOKIE, value(marker))]
}

/// The `Set-Cookie` headers that remove both cookies.
pub fn clear_cookies() -> [(HeaderName, HeaderValue); 2] {
    [
        (
            SET_COOKIE,
            HeaderValue::from_static(
                "__Host-ticedu-session=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Strict",
            ),
        ),
        (
            SET_COOKIE,
            HeaderValue::from_static(
                "__Host-ticedu-in=; Path=/; Max-Age=0; Secure; SameSite=Strict",
            ),
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(
                HeaderName::from_bytes(name.as_bytes()).unwrap(),
                HeaderValue::from_str(value).unwrap(),
            );
        }
        map
    }

    #[test]
    fn the_cookie_is_found_among_others() {
        let map = headers(&[("cookie", "a=1; __Host-ticedu-session=tok.en; b=2")]);
        assert_eq!(token(&Method::GET, &map), Ok(("tok.en", Presented::Cookie)));
        assert_eq!(
            token(&Method::GET, &headers(&[("cookie", "ticedu-session=x")])),
            Err(TokenError::Missing)
        );
    }

    #[test]
    fn a_cookie_that_changes_something_needs_the_header_and_a_bearer_does_not() {
        let cookie = ("cookie", "__Host-ticedu-session=t");
        assert_eq!(
            token(&Method::POST, &headers(&[cookie])),
            Err(TokenError::CrossSite)
        );
        assert_eq!(
            token(&Method::DELETE, &headers(&[cookie, (CSRF_HEADER, "1")])),
            Ok(("t", Presented::Cookie))
        );
        assert_eq!(
            token(
                &Method::POST,
                &headers(&[cookie, ("authorization", "Bearer b")])
            ),
            Ok(("b", Presented::Bearer))
        );
    }

    #[test]
    fn the_cookie_is_host_only_http_only_secure_and_strict() {
        let [(_, session), (_, marker)] = set_cookies("abc", 3600);
        let session = session.to_str().unwrap();
        assert!(session.starts_with("__Host-ticedu-session=abc; Path=/;"));
        for flag in ["HttpOnly", "Secure", "SameSite=Strict", "Max-Age=3600"] {
            assert!(session.contains(flag), "{flag}");
        }
        assert!(!session.contains("Domain"));
        let marker = marker.to_str().unwrap();
        assert!(marker.starts_with("__Host-ticedu-in=1;") && !marker.contains("HttpOnly"));
        for (_, cleared) in clear_cookies() {
            assert!(cleared.to_str().unwrap().contains("Max-Age=0"));
        }
    }
}
