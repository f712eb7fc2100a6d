//! The local platform: every function's router under `/api`, the OpenAPI
//! document at `/api/openapi.json`, and the built site for everything else.

use std::path::PathBuf;
use std::sync::Arc;

use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{any, get};
use axum::{Json, Router};
use ticedu_api::certificate_signing::CertificateSigner;
use ticedu_api::config::{
    BOOTSTRAP_ADMIN, BootstrapAdmin, CLASS_HOUR_MINUTES, Clock, ConfigError, FIXED_NOW,
    RETIRED_STAFF_LIST, retired_staff_list,
};
use ticedu_api::json::BODY_LIMIT_BYTES;
use ticedu_api::media::MediaSigner;
use ticedu_api::sender::Outbox;
use ticedu_api::tokens::{TokenSigner, TokenVerifier};
use ticedu_api::{ApiError, AppState, Platform};
use ticedu_domain::identity::AccountKeySecret;
use ticedu_domain::staff::StaffName;
use ticedu_payments::wechat::WeChatPay;
use ticedu_payments::wechat_oauth::WeChatOAuth;
use ticedu_store::Store;
use tower_http::services::ServeDir;
use tower_http::trace::TraceLayer;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};

pub mod demo;
pub mod media;
pub mod outbox;
mod reconcile;
pub mod wechatpay_simulator;

pub const OPENAPI: &str = "/api/openapi.json";
pub use reconcile::RECONCILE;
/// The certificate signing keys, for offline verification.
pub const JWKS: &str = "/.well-known/jwks.json";

/// The OpenAPI document of every function served here. It does not depend
/// on the store; the embedded store, the local server's default, stands in
/// for the type the handlers are generic over.
pub fn openapi() -> utoipa::openapi::OpenApi {
    document::<ticedu_store_embedded::EmbeddedStore>()
}

/// The document of the routes [`app`] serves over a store of type `S`, taken
/// from the same route lists that serve them.
fn document<S: Store + Clone + 'static>() -> utoipa::openapi::OpenApi {
    let mut doc = ticedu_accounts::routes::<S>().into_openapi();
    doc.merge(ticedu_learning::routes::<S>().into_openapi());
    doc.merge(ticedu_payments::routes::<S>().into_openapi());
    doc.merge(ticedu_admin::routes::<S>().into_openapi());
    doc.merge(ticedu_certificates::routes::<S>().into_openapi());
    doc.info.title = "ticedu API".to_owned();
    doc.info.description = Some(
        "进出口商品检验鉴定人员继续教育平台 API. Errors: `{code, message, message_en}`.".to_owned(),
    );
    let components = doc.components.get_or_insert_with(Default::default);
    components.add_security_scheme(
        "bearer",
        SecurityScheme::Http(
            HttpBuilder::new()
                .scheme(HttpAuthScheme::Bearer)
                .bearer_format("JWT")
                .build(),
        ),
    );
    doc
}

/// What the local server serves besides the API.
#[derive(Debug, Clone, Default)]
pub struct Files {
    /// The built site (`ticedu-site build`), for every path no route takes.
    pub site: Option<PathBuf>,
    /// The published lesson media (`ticedu-site media`), under `/media/`
    /// to signed requests only.
    pub media: Option<PathBuf>,
}

/// The whole platform over one store, with `files`; `wechat` is the
/// WeChat Pay merchant, if configured, and `oauth` the official account's
/// web authorisation (for paying inside WeChat), if configured.
pub fn app<S: Store + Clone + 'static>(
    state: AppState<S>,
    files: Files,
    wechat: Option<Arc<WeChatPay>>,
    oauth: Option<Arc<WeChatOAuth>>,
) -> Router {
    let document = Arc::new(document::<S>());
    let media = match (files.media, &state.platform.media) {
        (Some(folder), Some(signer)) => {
            media::routes(folder, signer.verifier(), state.platform.clock.clone())
        }
        _ => Router::new(),
    };
    let printer = Arc::new(ticedu_certificates::printing::Printer::from_env());
    // The local server holds every key (`development_platform`, or `Key::ALL`).
    let jwks = state
        .platform
        .certificate_signer()
        .map(|signer| signer.jwks())
        .unwrap_or_else(|_| serde_json::json!({ "keys": [] }));
    let reconcile = reconcile::routes(state.clone(), wechat.clone());
    // The local sink, when the platform sends through it.
    let outbox = state
        .platform
        .sender
        .as_ref()
        .and_then(|sender| sender.as_outbox())
        .map(|outbox| outbox::routes(outbox.clone()))
        .unwrap_or_default();
    let router = Router::new()
        .merge(ticedu_accounts::router(state.clone()))
        .merge(ticedu_learning::router(state.clone()))
        .merge(ticedu_payments::router(state.clone(), wechat, oauth))
        .merge(ticedu_admin::router(state.clone()))
        .merge(ticedu_certificates::router(state, printer))
        .route(
            OPENAPI,
            get(move || async move { Json(document.as_ref().clone()) }),
        )
        .route(JWKS, get(move || async move { Json(jwks) }))
        .merge(media)
        .merge(reconcile)
        .merge(outbox)
        .route("/api", any(api_not_found))
        .route("/api/{*rest}", any(api_not_found))
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(BODY_LIMIT_BYTES));
    let router = match files.site {
        Some(folder) => router.fallback_service(ServeDir::new(folder)),
        None => router,
    };
    router.layer(TraceLayer::new_for_http())
}

async fn method_not_allowed() -> impl IntoResponse {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "route.method_not_allowed",
        "此接口不支持该请求方法。",
        "This route does not take this method.",
    )
}

async fn api_not_found() -> impl IntoResponse {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "route.not_found",
        "没有这个接口。",
        "No such API route.",
    )
}

/// The development administrator (name, password), printed by the local
/// server: bootstrapped at the first log-in unless `TICEDU_BOOTSTRAP_ADMIN`
/// names another; the first log-in enrols an authenticator app.
pub const DEMO_STAFF: (&str, &str) = ("admin", "staff-demo-2023");
/// argon2id (the default parameters) of `DEMO_STAFF.1`, made once.
const DEMO_STAFF_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$hzfwSFM5x9BotbHzOhJNwA$IvHMPWW6wmd7sNw6MFwHyzIPprPboK7f71lp8+NVCYs";

/// The development certificate signing key's id and the key (Ed25519, PKCS#8 PEM).
pub const DEVELOPMENT_CERTIFICATE_KEY: (&str, &str) = (DEV_CERT_KID, DEV_CERT_KEY);
const DEV_CERT_KID: &str = "ticedu-dev-ed25519";
const DEV_CERT_KEY: &str = "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIK6H/mKVwq6QZ2bP5CAPEHq2LT1E3d1758o8oQv8GViD\n-----END PRIVATE KEY-----\n";

/// The development token signing key's id and the key (Ed25519, PKCS#8 PEM).
pub const DEVELOPMENT_TOKEN_KEY: (&str, &str) = (
    "ticedu-dev-tokens",
    "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIF5rMNNZJkTWfmMBBmeslgFQqaSECDkZnRC6dtwka0pc\n-----END PRIVATE KEY-----\n",
);

/// `TICEDU_TOKEN_PUBLIC_KEYS` for the development token key.
pub const DEVELOPMENT_TOKEN_PUBLIC_KEYS: &str =
    "ticedu-dev-tokens:SLdO8UUHIN9Mr+H84wbRSvXIJ8jLw4oLEMMHTwl0T38=";

/// The development media key's id and the key (RSA 2048, PKCS#8 PEM): the
/// local server signs and checks lesson media links with it.
pub const DEVELOPMENT_MEDIA_KEY: (&str, &str) = (
    "ticedu-dev-media",
    include_str!("development-media-key.pem"),
);

/// Development keys, used when the environment gives none: fine on a laptop,
/// never in a deployment (functions read theirs from the environment only).
pub fn development_platform() -> Result<Arc<Platform>, ConfigError> {
    let (token_kid, token_key) = DEVELOPMENT_TOKEN_KEY;
    let token_signer =
        TokenSigner::from_pem(token_kid, token_key).expect("the development key is valid");
    let token_verifier: TokenVerifier = DEVELOPMENT_TOKEN_PUBLIC_KEYS
        .parse()
        .expect("the development public key is valid");
    let account = AccountKeySecret::new(b"ticedu local development key: account lookups".to_vec())
        .expect("long enough");
    let clock = match std::env::var(FIXED_NOW) {
        Ok(text) => Clock::Fixed(text.parse().map_err(|_| ConfigError::Malformed {
            name: FIXED_NOW,
            problem: "not an RFC 3339 instant".to_owned(),
        })?),
        Err(_) => Clock::System,
    };
    // The retired staff list would otherwise be ignored without a word here too.
    if std::env::var(RETIRED_STAFF_LIST).is_ok() {
        return Err(retired_staff_list());
    }
    let bootstrap_admin = match std::env::var(BOOTSTRAP_ADMIN) {
        Ok(text) => text.parse()?,
        Err(_) => BootstrapAdmin {
            name: StaffName::parse(DEMO_STAFF.0).expect("a valid staff name"),
            password_hash: DEMO_STAFF_HASH.to_owned(),
        },
    };
    let signer = CertificateSigner::from_pem(DEV_CERT_KID, DEV_CERT_KEY)
        .expect("the development key is valid");
    let mut platform = Platform::new(token_verifier, 3600, clock, Some(bootstrap_admin))?
        .with_token_signer(token_signer)?
        .with_account_secret(account)
        .with_certificate_signer(signer);
    platform.class_hour_minutes =
        ticedu_api::config::class_hour_minutes(std::env::var(CLASS_HOUR_MINUTES).ok())?;
    let (media_kid, media_key) = DEVELOPMENT_MEDIA_KEY;
    platform.media = Some(
        MediaSigner::from_pem(media::MEDIA_ROOT, media_kid, media_key)
            .expect("the development media key is valid"),
    );
    // Nothing leaves the machine: messages wait in the outbox (`/dev/outbox`).
    platform.sender = Some(Arc::new(Outbox::default()));
    Ok(Arc::new(platform))
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde_json::Value;
    use ticedu_store_embedded::EmbeddedStore as S;

    /// Merging keeps one schema per component name and drops the other
    /// silently: two functions naming different schemas alike would leave
    /// one function's answers documented by the other's schema. (Inside one
    /// function's document utoipa drops the same way before any test can see
    /// it; there schemathesis's response checks are the net: they found the
    /// years' field problems shadowed by the API's `FieldError`.)
    #[test]
    fn no_two_functions_give_one_component_name_different_schemas() {
        let documents = [
            ("accounts", ticedu_accounts::routes::<S>().into_openapi()),
            ("learning", ticedu_learning::routes::<S>().into_openapi()),
            ("payments", ticedu_payments::routes::<S>().into_openapi()),
            ("admin", ticedu_admin::routes::<S>().into_openapi()),
            (
                "certificates",
                ticedu_certificates::routes::<S>().into_openapi(),
            ),
        ];
        let mut seen: BTreeMap<String, (&str, Value)> = BTreeMap::new();
        for (function, document) in &documents {
            let schemas = document.components.iter().flat_map(|c| c.schemas.iter());
            for (name, schema) in schemas {
                let schema = serde_json::to_value(schema).expect("serialisable");
                match seen.get(name) {
                    Some((first, earlier)) => assert_eq!(
                        earlier, &schema,
                        "{first} and {function} both name a schema {name}, differently"
                    ),
                    None => {
                        seen.insert(name.clone(), (function, schema));
                    }
                }
            }
        }
        assert!(seen.len() > 20, "only {} schemas: {seen:?}", seen.len());
    }
}
