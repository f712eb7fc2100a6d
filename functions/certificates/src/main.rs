//! The certificates function in AWS Lambda: configuration and clients are built
//! once at cold start, then every request goes through the shared router.

use ticedu_api::{AppState, Platform, telemetry};
use ticedu_store_dynamodb::DynamoStore;

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    telemetry::init_for_lambda();
    let platform = Platform::from_env()?;
    let store = DynamoStore::from_env().await?;
    let printer = std::sync::Arc::new(ticedu_certificates::printing::Printer::from_env());
    lambda_http::run(ticedu_certificates::router(
        AppState::new(store, platform),
        printer,
    ))
    .await
}
