//! The staff function in AWS Lambda: configuration and clients are built
//! once at cold start, then every request goes through the shared router.

use ticedu_api::config::Key;
use ticedu_api::{AppState, Platform, telemetry};
use ticedu_store_dynamodb::DynamoStore;

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    telemetry::init_for_lambda();
    // Secrets are fetched once here; each request then finds them in memory.
    let env = ticedu_secrets::environment().await?;
    // Staff log in here (tokens), and look learners up by name, username
    // and ID number (the account key).
    let platform = Platform::from_environment(&env, &[Key::Account, Key::TokenSigning])?;
    let store = DynamoStore::from_env().await?;
    lambda_http::run(ticedu_admin::router(AppState::new(store, platform))).await
}
