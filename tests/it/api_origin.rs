//! Only CloudFront reaches the functions: where the origin secret is
//! configured, a request without CloudFront's secret header (or with a
//! wrong one) is refused with 403 and the usual error body before any
//! handler runs; with the header it is served. Without a configured secret
//! (the local server, the other tests) nothing changes.

use std::collections::HashMap;
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use serde_json::Value;
use tempfile::TempDir;
use ticedu_api::config::{Environment, Key};
use ticedu_api::origin::{self, OriginSecret};
use ticedu_api::{AppState, Platform};
use ticedu_store_embedded::EmbeddedStore;
use tower::ServiceExt;

const SECRET: &str = "c2VjcmV0LWZyb20tdGhlLXBsYXRmb3JtLXNlY3JldC0x";

/// The accounts function's router over a fresh store, with `secret` configured.
fn accounts(secret: Option<OriginSecret>) -> (Router, TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = EmbeddedStore::open(dir.path().join("origin.redb")).expect("open");
    let mut platform = ticedu_local::development_platform().expect("platform");
    Arc::get_mut(&mut platform).expect("not shared").origin = secret;
    (ticedu_accounts::router(AppState::new(store, platform)), dir)
}

async fn current_year(router: &Router, header: Option<&str>) -> (StatusCode, Value) {
    let mut request = Request::get("/api/years/current");
    if let Some(value) = header {
        request = request.header(origin::HEADER, value);
    }
    let answer = router
        .clone()
        .oneshot(request.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = answer.status();
    let body = axum::body::to_bytes(answer.into_body(), 1 << 20)
        .await
        .unwrap();
    (status, serde_json::from_slice(&body).unwrap_or(Value::Null))
}

#[tokio::test]
async fn a_request_without_cloudfronts_header_is_refused_where_the_secret_is_configured() {
    let (router, _dir) = accounts(OriginSecret::new(SECRET, None));

    let (status, body) = current_year(&router, None).await;

    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(body["code"], "origin.direct_access");
    assert!(body["message"].is_string() && body["message_en"].is_string());
}

#[tokio::test]
async fn a_request_with_a_wrong_header_is_refused() {
    let (router, _dir) = accounts(OriginSecret::new(SECRET, None));

    let (status, body) = current_year(&router, Some(&SECRET.replace('c', "d"))).await;

    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(body["code"], "origin.direct_access");
}

#[tokio::test]
async fn a_request_with_cloudfronts_header_is_served() {
    let (router, _dir) = accounts(OriginSecret::new(SECRET, None));

    let (status, _) = current_year(&router, Some(SECRET)).await;

    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn during_a_rotation_the_previous_header_is_served_too() {
    let previous = SECRET.replace('c', "e");
    let (router, _dir) = accounts(OriginSecret::new(SECRET, Some(&previous)));

    assert_eq!(
        current_year(&router, Some(&previous)).await.0,
        StatusCode::OK
    );
    assert_eq!(current_year(&router, Some(SECRET)).await.0, StatusCode::OK);
}

#[tokio::test]
async fn without_a_configured_secret_no_header_is_needed() {
    let (router, _dir) = accounts(None);

    let (status, _) = current_year(&router, None).await;

    assert_eq!(status, StatusCode::OK);
}

#[test]
fn a_lambda_environment_requiring_the_secret_without_it_fails_at_start() {
    let required = |secret: Option<&str>| {
        let mut values = HashMap::from([(origin::REQUIRE.to_owned(), "true".to_owned())]);
        if let Some(secret) = secret {
            values.insert(origin::SECRET.to_owned(), secret.to_owned());
        }
        OriginSecret::from_environment(&Environment::with_secrets(values))
    };

    let missing = required(None).expect_err("a required secret that is missing stops the start");
    assert!(missing.to_string().contains(origin::SECRET), "{missing}");
    let short = required(Some("short")).expect_err("a short secret is refused");
    assert!(short.to_string().contains(origin::SECRET), "{short}");
    assert!(
        !short.to_string().contains("short\""),
        "the value is never printed"
    );
    assert!(required(Some(SECRET)).unwrap().is_some());
}

#[test]
fn the_platform_reads_the_secret_with_the_rest_of_its_configuration() {
    let (kid, pem) = ticedu_local::DEVELOPMENT_CERTIFICATE_KEY;
    let values = |origin: Option<&str>| {
        let mut values: HashMap<String, String> = [
            (
                "TICEDU_TOKEN_PUBLIC_KEYS",
                ticedu_local::DEVELOPMENT_TOKEN_PUBLIC_KEYS,
            ),
            ("TICEDU_CERT_SIGNING_KID", kid),
            ("TICEDU_CERT_SIGNING_KEY", pem),
        ]
        .into_iter()
        .map(|(name, value)| (name.to_owned(), value.to_owned()))
        .collect();
        if let Some(origin) = origin {
            values.insert(origin::SECRET.to_owned(), origin.to_owned());
        }
        Environment::with_secrets(values)
    };

    let with = Platform::from_environment(&values(Some(SECRET)), &[Key::CertificateSigning])
        .expect("configured");
    let without =
        Platform::from_environment(&values(None), &[Key::CertificateSigning]).expect("configured");

    assert!(with.origin.is_some());
    assert!(without.origin.is_none());
}
