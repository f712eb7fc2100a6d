//! The certificates function in AWS Lambda: configuration and clients are built
//! once at cold start, then every request goes through the shared router.

use ticedu_api::config::Key;
use ticedu_api::{AppState, Platform, telemetry};
use ticedu_store_dynamodb::DynamoStore;

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    telemetry::init_for_lambda();
    // Secrets are fetched once here; each request then finds them in memory.
    let env = ticedu_secrets::environment().await?;
    // Certificates are signed here; tokens are only checked.
    let platform = Platform::from_environment(&env, &[Key::CertificateSigning])?;
    let store = DynamoStore::from_env().await?;
    let printer = std::sync::Arc::new(ticedu_certificates::printing::Printer::from_env());
    lambda_http::run(ticedu_certificates::router(
        AppState::new(store, platform),
        printer,
    ))
    .await
}
