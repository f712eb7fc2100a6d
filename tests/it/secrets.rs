//! Cold-start secrets against a real Secrets Manager API (moto on loopback):
//! the platform is configured from them, and a malformed secret stops the
//! function at start rather than running it half-configured.

use aws_sdk_secretsmanager::Client;
use aws_sdk_secretsmanager::config::{BehaviorVersion, Credentials, Region};
use serde_json::json;
use ticedu_api::Platform;
use ticedu_secrets::{SecretsError, read};
use ticedu_tests::dynamodb_server::endpoint;

fn client() -> Client {
    let config = aws_sdk_secretsmanager::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("cn-north-1"))
        .endpoint_url(endpoint())
        .credentials_provider(Credentials::new("test", "test", None, None, "ticedu-tests"))
        .build();
    Client::from_conf(config)
}

async fn secret(client: &Client, value: serde_json::Value) -> String {
    let name = format!("ticedu-test-{}", ticedu_api::ids::random_hex(8).unwrap());
    client
        .create_secret()
        .name(name)
        .secret_string(value.to_string())
        .send()
        .await
        .expect("moto creates the secret")
        .arn()
        .expect("an ARN")
        .to_owned()
}

/// The development platform's keys, as an operator would store them.
fn platform_secret() -> serde_json::Value {
    let (kid, pem) = ticedu_local::DEVELOPMENT_CERTIFICATE_KEY;
    json!({
        "TICEDU_JWT_KEYS": "k1:dGhpcy1pcy1hLTMyLWJ5dGUtZGV2ZWxvcG1lbnQta2V5IQ==",
        "TICEDU_ACCOUNT_KEY_SECRET": "dGhpcy1pcy1hbm90aGVyLTMyLWJ5dGUtZGV2LXNlY3JldA==",
        "TICEDU_CERT_SIGNING_KID": kid,
        "TICEDU_CERT_SIGNING_KEY": pem,
    })
}

#[tokio::test]
async fn the_platform_is_configured_from_the_secrets() {
    let client = client();
    let platform_arn = secret(&client, platform_secret()).await;
    let staff_arn = secret(
        &client,
        json!({ "TICEDU_BOOTSTRAP_ADMIN": "admin:$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA" }),
    )
    .await;
    let env = read(&client, &[platform_arn, staff_arn]).await.unwrap();
    assert!(env.var("TICEDU_JWT_KEYS").unwrap().starts_with("k1:"));
    let platform = Platform::from_environment(&env).expect("a complete configuration");
    assert_eq!(
        platform.bootstrap_admin.as_ref().map(|a| a.name.as_str()),
        Some("admin")
    );
    assert!(platform.staff_token_lifetime_seconds < platform.tokens.lifetime_seconds());
    let mut retired = platform_secret();
    retired["TICEDU_STAFF"] =
        json!("staff:$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA");
    let retired = read(&client, &[secret(&client, retired).await])
        .await
        .unwrap();
    let refusal = Platform::from_environment(&retired).expect_err("the old staff list is refused");
    assert!(refusal.to_string().contains("TICEDU_STAFF"), "{refusal}");
    assert!(
        !format!("{env:?}").contains("dGhpcy1pcy1h"),
        "Debug shows names, never values"
    );
}

#[tokio::test]
async fn malformed_or_foreign_secrets_are_refused() {
    let client = client();
    let not_json = secret(&client, json!("just a string")).await;
    assert!(matches!(
        read(&client, &[not_json]).await,
        Err(SecretsError::NotAnObject { .. })
    ));
    let foreign = secret(&client, json!({ "AWS_SECRET_ACCESS_KEY": "x" })).await;
    assert!(matches!(
        read(&client, &[foreign]).await,
        Err(SecretsError::ForeignKey { key, .. }) if key == "AWS_SECRET_ACCESS_KEY"
    ));
    let a = secret(&client, json!({ "TICEDU_BOOTSTRAP_ADMIN": "a" })).await;
    let b = secret(&client, json!({ "TICEDU_BOOTSTRAP_ADMIN": "b" })).await;
    assert!(matches!(
        read(&client, &[a, b]).await,
        Err(SecretsError::Duplicate { .. })
    ));
    let missing = "arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:absent-AbCdEf";
    let error = read(&client, &[missing.to_owned()]).await.unwrap_err();
    assert!(matches!(error, SecretsError::Read { .. }), "{error}");
}
