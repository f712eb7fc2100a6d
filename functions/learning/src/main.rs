//! The learning function in AWS Lambda: configuration and clients are built
//! once at cold start, then every request goes through the shared router.

use ticedu_api::{AppState, Platform, telemetry};
use ticedu_store_dynamodb::DynamoStore;

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    telemetry::init_for_lambda();
    // Secrets are fetched once here; each request then finds them in memory.
    let env = ticedu_secrets::environment().await?;
    // No private key: tokens are only checked (the media key is optional).
    let platform = Platform::from_environment(&env, &[])?;
    let store = DynamoStore::from_env().await?;
    lambda_http::run(ticedu_learning::router(AppState::new(store, platform))).await
}
