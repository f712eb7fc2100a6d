//! Path parameters parsed into domain types at the edge.
//!
//! A handler takes `PathParam<CertificateNo>` (or a tuple of typed segments)
//! instead of `Path<String>`: a segment that does not parse answers the same
//! 404 as a well-formed one that names nothing, with the type's own code, so
//! a client cannot tell "malformed" from "unknown" and nothing is echoed.

use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;

use crate::ApiError;

/// A value that can stand in one segment of a route's path.
pub trait FromPathSegment: Sized {
    /// The answer for a segment that names nothing: usually a 404 whose code
    /// says what was looked for (`certificate.not_found`, `account.not_found`).
    fn not_found() -> ApiError;

    /// `None` for a segment that cannot name such a value; the extractor
    /// then answers [`FromPathSegment::not_found`].
    fn from_segment(segment: &str) -> Option<Self>;
}

/// Parsed path parameters: one typed value, or a tuple of them in the order
/// the route names them (`/hours/{course}/{number}` → `(CourseId, NonZeroU16)`).
#[derive(Debug, Clone)]
pub struct PathParam<T>(pub T);

/// The tuple forms the extractor understands; implemented below for one to
/// three segments.
pub trait FromPathSegments: Sized {
    fn from_segments(segments: &[String]) -> Result<Self, ApiError>;
}

impl<T: FromPathSegment> FromPathSegments for T {
    fn from_segments(segments: &[String]) -> Result<Self, ApiError> {
        match segments {
            [one] => T::from_segment(one).ok_or_else(T::not_found),
            _ => Err(T::not_found()),
        }
    }
}

macro_rules! tuple_segments {
    ($($name:ident),+; $count:literal) => {
        impl<$($name: FromPathSegment),+> FromPathSegments for ($($name,)+) {
            fn from_segments(segments: &[String]) -> Result<Self, ApiError> {
                let [$($name),+] = segments else {
                    return Err(route_not_found());
                };
                Ok(($(<$name as FromPathSegment>::from_segment($name).ok_or_else(<$name as FromPathSegment>::not_found)?,)+))
            }
        }
    };
}

/// A route declared with another number of segments than its handler takes
/// is a programming error; it still answers a 404, never a panic.
fn route_not_found() -> ApiError {
    ApiError::not_found(
        "route.not_found",
        "没有这个地址。",
        "There is nothing at this address.",
    )
}

#[allow(non_snake_case)]
mod tuples {
    use super::*;
    tuple_segments!(A, B; 2);
    tuple_segments!(A, B, C; 3);
}

impl<S, T> FromRequestParts<S> for PathParam<T>
where
    S: Send + Sync,
    T: FromPathSegments + Send,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let Path(segments) = Path::<Vec<String>>::from_request_parts(parts, state)
            .await
            .map_err(|_| route_not_found())?;
        T::from_segments(&segments).map(PathParam)
    }
}

impl FromPathSegment for std::num::NonZeroU16 {
    fn not_found() -> ApiError {
        route_not_found()
    }

    fn from_segment(segment: &str) -> Option<Self> {
        // Only plain decimal digits: "+1" or "01" would be a second name for one hour.
        if segment.starts_with('0') || !segment.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        segment.parse().ok()
    }
}

/// The store's identifiers in a path: a segment that is not one names nothing,
/// so it answers exactly what an unknown one does.
macro_rules! store_id_segment {
    ($ty:ty, $refusal:ident, $parse:expr) => {
        impl FromPathSegment for $ty {
            fn not_found() -> ApiError {
                ApiError::from(ticedu_store::Refusal::$refusal)
            }

            fn from_segment(segment: &str) -> Option<Self> {
                let parse: fn(&str) -> Option<Self> = $parse;
                parse(segment)
            }
        }
    };
}

mod store_ids {
    use ticedu_store::ids::{CardCode, CertificateNo, InvoiceId, LearnerId, OrderNo};

    use super::{ApiError, FromPathSegment};

    store_id_segment!(LearnerId, UnknownLearner, |s| LearnerId::parse(s).ok());
    store_id_segment!(ticedu_domain::staff::StaffName, UnknownStaffAccount, |s| {
        ticedu_domain::staff::StaffName::parse(s).ok()
    });
    store_id_segment!(OrderNo, UnknownOrder, |s| OrderNo::parse(s).ok());
    store_id_segment!(InvoiceId, UnknownInvoice, |s| InvoiceId::parse(s).ok());
    // Staff copy codes from a printed list or a phone call: spaced or lower case, as at redemption.
    store_id_segment!(CardCode, UnknownCard, |s| CardCode::parse_typed(s).ok());
    // A number pasted with a stray space still finds its certificate.
    store_id_segment!(CertificateNo, UnknownCertificate, |s| {
        CertificateNo::parse(s.trim()).ok()
    });
}

/// A class hour is named by two segments, `{course}/{number}`. Either one
/// failing names no hour, so both answer the same 404, as does a well-formed
/// hour the catalogue does not hold (the handler asks the catalogue).
impl FromPathSegments for ticedu_domain::catalogue::HourId {
    fn from_segments(segments: &[String]) -> Result<Self, ApiError> {
        let [course, number] = segments else {
            return Err(route_not_found());
        };
        let course =
            ticedu_domain::catalogue::CourseId::parse(course).map_err(|_| unknown_hour())?;
        let number = std::num::NonZeroU16::from_segment(number).ok_or_else(unknown_hour)?;
        Ok(Self::new(course, number))
    }
}

/// The answer for a class hour that is not in the catalogue.
pub fn unknown_hour() -> ApiError {
    ApiError::not_found(
        "learning.unknown_hour",
        "课程目录中没有这个学时。",
        "There is no such class hour in the catalogue.",
    )
}

#[cfg(test)]
mod tests {
    use std::num::NonZeroU16;

    use axum::Router;
    use axum::body::Body;
    use axum::http::{Request, StatusCode};
    use axum::routing::get;
    use tower::ServiceExt;

    use super::*;

    async fn status(router: Router, uri: &str) -> StatusCode {
        router
            .oneshot(Request::get(uri).body(Body::empty()).unwrap())
            .await
            .unwrap()
            .status()
    }

    #[tokio::test]
    async fn a_segment_that_parses_reaches_the_handler_typed() {
        let router = Router::new().route(
            "/hours/{number}",
            get(|PathParam(n): PathParam<NonZeroU16>| async move { n.get().to_string() }),
        );
        assert_eq!(status(router.clone(), "/hours/3").await, StatusCode::OK);
        assert_eq!(
            status(router.clone(), "/hours/0").await,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            status(router.clone(), "/hours/03").await,
            StatusCode::NOT_FOUND
        );
        assert_eq!(status(router, "/hours/x").await, StatusCode::NOT_FOUND);
    }

    #[tokio::test]
    async fn tuples_parse_each_segment_in_order() {
        let router = Router::new().route(
            "/a/{x}/{y}",
            get(
                |PathParam((x, y)): PathParam<(NonZeroU16, NonZeroU16)>| async move {
                    (x.get() + y.get()).to_string()
                },
            ),
        );
        assert_eq!(status(router.clone(), "/a/1/2").await, StatusCode::OK);
        assert_eq!(status(router, "/a/1/b").await, StatusCode::NOT_FOUND);
    }
}
