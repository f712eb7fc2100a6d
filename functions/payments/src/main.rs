//! The payments function in AWS Lambda: configuration and clients are built
//! once at cold start, then every request goes through the shared router.

use ticedu_api::{AppState, Platform, telemetry};
use ticedu_store_dynamodb::DynamoStore;

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    telemetry::init_for_lambda();
    // Secrets are fetched once here; each request then finds them in memory.
    let env = ticedu_secrets::environment().await?;
    // No private key: tokens are only checked (WeChat Pay has its own secret).
    let platform = Platform::from_environment(&env, &[])?;
    let store = DynamoStore::from_env().await?;
    let wechat = ticedu_payments::wechat::WeChatPay::from_environment(&env)?;
    let oauth = ticedu_payments::wechat_oauth::WeChatOAuth::from_environment(&env)?;
    let state = AppState::new(store, platform);
    // The daily reconciliation's scheduled event comes to this binary too (see `reconciliation`).
    let scheduled = ticedu_payments::scheduled::scheduled_routes(state.clone(), wechat.clone());
    lambda_http::run(ticedu_payments::router(state, wechat, oauth).merge(scheduled)).await
}
