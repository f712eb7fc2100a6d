//! The HTTP layer every ticedu function shares. A function is an axum
//! `Router` over [`AppState`]; the same router runs in AWS Lambda (through
//! `lambda_http`), in the local server and in tests.
//!
//! - [`error`]: the one error type, mapped to status + `{code, message, message_en}`;
//! - [`json`]: strict JSON bodies whose errors never echo values;
//! - [`path`]: path segments parsed into domain types, answering the type's own 404;
//! - [`routing`]: each route served and documented from its handler's `#[utoipa::path]`;
//! - [`tokens`]: EdDSA access tokens: a signing key where tokens are issued, public keys everywhere;
//! - [`auth`]: the learner/staff extractors, which refuse tokens older than the password;
//! - [`session`]: the learner's session cookie (HttpOnly, Secure, SameSite=Strict) and its CSRF rule;
//! - [`sender`]: messages to a learner's e-mail or phone (recovery codes), and the local outbox;
//! - [`caller_limit`]: per-caller limits on the public routes, counted in the store;
//! - [`config`]: typed configuration read once, and the platform clock;
//! - [`media`]: signed, short-lived access to a bought hour's lesson files (CloudFront signed URLs);
//! - [`origin`]: only requests through CloudFront (its secret header), logged with the viewer's address;
//! - [`qr`]: QR codes as SVG, drawn here;
//! - [`password`]: the password policy and argon2id hashing;
//! - [`standing`]: a learner's current cycle and filings, what comes next, and issuing its certificate;
//! - [`telemetry`]: JSON logs in Lambda, no personal data in any field;
//! - [`years`]: the yearly settings and calendars in effect: bundled, overlaid by staff's saves.

pub mod auth;
pub mod caller_limit;
pub mod certificate_signing;
pub mod config;
pub mod error;
pub mod fields;
pub mod ids;
pub mod json;
pub mod login;
pub mod media;
pub mod origin;
pub mod password;
pub mod path;
pub mod qr;
pub mod routing;
pub mod sender;
pub mod session;
pub mod standing;
pub mod state;
pub mod telemetry;
pub mod tokens;
pub mod views;
pub mod years;

pub use config::Platform;
pub use error::{ApiError, ApiResult, ErrorBody, FieldError};
pub use fields::FieldErrors;
pub use json::ApiJson;
pub use path::{FromPathSegment, PathParam};
pub use state::AppState;
