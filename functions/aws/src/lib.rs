//! The configuration every AWS SDK client of a function is built from, read
//! from the environment Lambda gives the function: `AWS_REGION`, the
//! execution role's `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` /
//! `AWS_SESSION_TOKEN`, and `AWS_ENDPOINT_URL` when a local server stands in
//! for AWS (tests, the local platform with DynamoDB).
//!
//! Why not `aws-config`: its default chain (profile files, SSO, web
//! identity through STS, the EC2 metadata service) is code a Lambda function
//! never runs but every function's package carried — the STS client among
//! it — and the certificates function's zip was over its 4 MB budget
//! (issue 21). In Lambda the chain's first link, the environment, is the
//! one that answers; this reads only that.

use aws_credential_types::Credentials;
use aws_credential_types::provider::SharedCredentialsProvider;
use aws_smithy_async::rt::sleep::default_async_sleep;
use aws_smithy_http_client::tls::{Provider, rustls_provider::CryptoMode};
use aws_smithy_runtime_api::client::behavior_version::BehaviorVersion;
use aws_smithy_runtime_api::client::http::SharedHttpClient;
use aws_types::SdkConfig;
use aws_types::region::Region;

/// The shared configuration for SDK clients (`Client::new(&config)`), from
/// the process environment.
pub fn sdk_config() -> SdkConfig {
    sdk_config_from(|name| std::env::var(name).ok())
}

/// [`sdk_config`] over any source of variables (tests give their own).
pub fn sdk_config_from(var: impl Fn(&str) -> Option<String>) -> SdkConfig {
    let var = |name: &str| var(name).filter(|value| !value.is_empty());
    let mut config = SdkConfig::builder()
        .behavior_version(BehaviorVersion::latest())
        .http_client(https_client());
    // Retries and timeouts wait on tokio's timer, as aws-config would set.
    if let Some(sleep) = default_async_sleep() {
        config = config.sleep_impl(sleep);
    }
    if let Some(region) = var("AWS_REGION").or_else(|| var("AWS_DEFAULT_REGION")) {
        config = config.region(Region::new(region));
    }
    if let (Some(key), Some(secret)) = (var("AWS_ACCESS_KEY_ID"), var("AWS_SECRET_ACCESS_KEY")) {
        let credentials =
            Credentials::new(key, secret, var("AWS_SESSION_TOKEN"), None, "environment");
        config = config.credentials_provider(SharedCredentialsProvider::new(credentials));
    }
    if let Some(endpoint) = var("AWS_ENDPOINT_URL") {
        config = config.endpoint_url(endpoint);
    }
    config.build()
}

/// The HTTPS client every AWS SDK client here is given: rustls on ring, the
/// provider reqwest already brings, instead of the SDK's default aws-lc (a C
/// library that took a minute of every fresh build).
pub fn https_client() -> SharedHttpClient {
    aws_smithy_http_client::Builder::new()
        .tls_provider(Provider::Rustls(CryptoMode::Ring))
        .build_https()
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_credential_types::provider::ProvideCredentials;

    fn from(pairs: &[(&str, &str)]) -> SdkConfig {
        let pairs: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        sdk_config_from(|name| {
            pairs
                .iter()
                .find(|(key, _)| key == name)
                .map(|(_, value)| value.clone())
        })
    }

    #[tokio::test]
    async fn lambdas_environment_gives_region_credentials_and_endpoint() {
        let config = from(&[
            ("AWS_REGION", "cn-north-1"),
            ("AWS_ACCESS_KEY_ID", "AKID"),
            ("AWS_SECRET_ACCESS_KEY", "secret"),
            ("AWS_SESSION_TOKEN", "session"),
            ("AWS_ENDPOINT_URL", "http://127.0.0.1:5000"),
        ]);
        assert_eq!(config.region().map(|r| r.as_ref()), Some("cn-north-1"));
        assert_eq!(config.endpoint_url(), Some("http://127.0.0.1:5000"));
        let credentials = config
            .credentials_provider()
            .expect("a provider")
            .provide_credentials()
            .await
            .expect("credentials");
        assert_eq!(credentials.access_key_id(), "AKID");
        assert_eq!(credentials.session_token(), Some("session"));
        assert!(config.sleep_impl().is_some(), "retries need a timer");
    }

    #[test]
    fn the_older_region_variable_counts_and_empty_values_do_not() {
        let config = from(&[
            ("AWS_REGION", ""),
            ("AWS_DEFAULT_REGION", "ap-southeast-1"),
            ("AWS_ACCESS_KEY_ID", "AKID"),
            ("AWS_ENDPOINT_URL", ""),
        ]);
        assert_eq!(config.region().map(|r| r.as_ref()), Some("ap-southeast-1"));
        assert_eq!(config.endpoint_url(), None);
        assert!(
            config.credentials_provider().is_none(),
            "a key without its secret is no credentials"
        );
    }
}
