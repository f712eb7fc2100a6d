//! A function's configuration at cold start: the secrets named in
//! `TICEDU_SECRET_ARNS` (comma-separated Secrets Manager ARNs, each holding a
//! flat JSON object keyed by `TICEDU_…` variable names) over the process
//! environment. Read once, so keys never sit in the Lambda's plain
//! environment and every request after the first pays nothing for them.

use std::collections::HashMap;

use aws_sdk_secretsmanager::Client;
use ticedu_api::config::Environment;

/// The variable naming the secrets to read.
pub const SECRET_ARNS: &str = "TICEDU_SECRET_ARNS";

#[derive(Debug, thiserror::Error)]
pub enum SecretsError {
    #[error("reading secret {arn}: {message}")]
    Read { arn: String, message: String },
    #[error("secret {arn} is not a JSON object of strings")]
    NotAnObject { arn: String },
    #[error("secret {arn} holds {key:?}, which is not a TICEDU_ setting")]
    ForeignKey { arn: String, key: String },
    #[error("{key:?} is set by more than one secret")]
    Duplicate { key: String },
}

/// The process environment overlaid by the secrets `TICEDU_SECRET_ARNS` names
/// (none when it is unset: local runs and tests configure by environment).
pub async fn environment() -> Result<Environment, SecretsError> {
    let arns: Vec<String> = std::env::var(SECRET_ARNS)
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|arn| !arn.is_empty())
        .map(str::to_owned)
        .collect();
    if arns.is_empty() {
        return Ok(Environment::process());
    }
    read(&Client::new(&ticedu_aws::sdk_config()), &arns).await
}

/// Reads every secret in `arns` with `client`.
pub async fn read(client: &Client, arns: &[String]) -> Result<Environment, SecretsError> {
    let mut values = HashMap::new();
    for arn in arns {
        let answer = client
            .get_secret_value()
            .secret_id(arn)
            .send()
            .await
            .map_err(|error| SecretsError::Read {
                arn: arn.clone(),
                // The SDK's error names the failure, never the secret's value.
                message: aws_sdk_secretsmanager::error::DisplayErrorContext(error).to_string(),
            })?;
        let not_an_object = || SecretsError::NotAnObject { arn: arn.clone() };
        let text = answer.secret_string().ok_or_else(not_an_object)?;
        let object: HashMap<String, serde_json::Value> =
            serde_json::from_str(text).map_err(|_| not_an_object())?;
        for (key, value) in object {
            if !key.starts_with("TICEDU_") {
                return Err(SecretsError::ForeignKey {
                    arn: arn.clone(),
                    key,
                });
            }
            let serde_json::Value::String(value) = value else {
                return Err(not_an_object());
            };
            if values.insert(key.clone(), value).is_some() {
                return Err(SecretsError::Duplicate { key });
            }
        }
    }
    Ok(Environment::with_secrets(values))
}
