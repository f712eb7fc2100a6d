//! The accounts function in AWS Lambda: configuration and clients are built
//! once at cold start, then every request goes through the shared router.

use std::sync::Arc;

use ticedu_accounts::ses::SesSender;
use ticedu_api::config::Key;
use ticedu_api::{AppState, Platform, telemetry};
use ticedu_store_dynamodb::DynamoStore;

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    telemetry::init_for_lambda();
    // Secrets are fetched once here; each request then finds them in memory.
    let env = ticedu_secrets::environment().await?;
    // Learners register and log in here: the account key derives their
    // storage keys, and this function issues their tokens.
    let mut platform = Platform::from_environment(&env, &[Key::Account, Key::TokenSigning])?;
    // Password-recovery codes go out through SES where it is configured.
    if let Some(ses) = SesSender::from_environment(&env)? {
        Arc::get_mut(&mut platform)
            .expect("the platform is not shared yet")
            .sender = Some(Arc::new(ses));
    }
    let store = DynamoStore::from_env().await?;
    lambda_http::run(ticedu_accounts::router(AppState::new(store, platform))).await
}
