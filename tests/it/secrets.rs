//! Cold-start secrets against a real Secrets Manager API (moto on loopback):
//! the platform is configured from them, and a malformed secret stops the
//! function at start rather than running it half-configured.

use aws_sdk_secretsmanager::Client;
use aws_sdk_secretsmanager::config::{BehaviorVersion, Credentials, Region};
use serde_json::json;
use ticedu_api::Platform;
use ticedu_api::config::Key;
use ticedu_secrets::{SecretsError, read};
use ticedu_tests::dynamodb_server::endpoint;

fn client() -> Client {
    let config = aws_sdk_secretsmanager::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("cn-north-1"))
        .endpoint_url(endpoint())
        .credentials_provider(Credentials::new("test", "test", None, None, "ticedu-tests"))
        .http_client(ticedu_store_dynamodb::https_client())
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

/// The development keys, one secret per key, as an operator stores them
/// (`infra/keys.sh`): account key, token signing key, certificate key.
fn account_secret() -> serde_json::Value {
    json!({ "TICEDU_ACCOUNT_KEY_SECRET": "dGhpcy1pcy1hbm90aGVyLTMyLWJ5dGUtZGV2LXNlY3JldA==" })
}

fn token_secret() -> serde_json::Value {
    let (kid, pem) = ticedu_local::DEVELOPMENT_TOKEN_KEY;
    json!({ "TICEDU_TOKEN_SIGNING_KID": kid, "TICEDU_TOKEN_SIGNING_KEY": pem })
}

fn certificate_secret() -> serde_json::Value {
    let (kid, pem) = ticedu_local::DEVELOPMENT_CERTIFICATE_KEY;
    json!({ "TICEDU_CERT_SIGNING_KID": kid, "TICEDU_CERT_SIGNING_KEY": pem })
}

/// The public token keys sit in the plain environment (a template
/// parameter); the tests add them to the secrets read, which take precedence.
fn with_public_keys(mut secret: serde_json::Value) -> serde_json::Value {
    secret["TICEDU_TOKEN_PUBLIC_KEYS"] = json!(ticedu_local::DEVELOPMENT_TOKEN_PUBLIC_KEYS);
    secret
}

#[tokio::test]
async fn the_platform_is_configured_from_the_secrets() {
    let client = client();
    let arns = [
        secret(&client, with_public_keys(account_secret())).await,
        secret(&client, token_secret()).await,
        secret(&client, certificate_secret()).await,
        secret(
            &client,
            json!({ "TICEDU_BOOTSTRAP_ADMIN": "admin:$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA" }),
        )
        .await,
    ];
    let env = read(&client, &arns).await.unwrap();
    assert!(env.var("TICEDU_TOKEN_SIGNING_KEY").is_some());
    let platform = Platform::from_environment(&env, Key::ALL).expect("a complete configuration");
    assert_eq!(
        platform.bootstrap_admin.as_ref().map(|a| a.name.as_str()),
        Some("admin")
    );
    assert_eq!(platform.keys(), Key::ALL);
    assert!(platform.staff_token_lifetime_seconds < platform.token_lifetime_seconds);
    let mut retired = with_public_keys(account_secret());
    retired["TICEDU_STAFF"] =
        json!("staff:$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA");
    let retired = read(&client, &[secret(&client, retired).await])
        .await
        .unwrap();
    let refusal = Platform::from_environment(&retired, &[Key::Account])
        .expect_err("the old staff list is refused");
    assert!(refusal.to_string().contains("TICEDU_STAFF"), "{refusal}");
    assert!(
        !format!("{env:?}").contains("dGhpcy1pcy1h"),
        "Debug shows names, never values"
    );
}

#[tokio::test]
async fn a_function_holds_only_the_keys_its_main_names_and_stops_without_one() {
    let client = client();
    let public = secret(&client, with_public_keys(json!({}))).await;
    let certificate = secret(&client, certificate_secret()).await;
    // The learning function: public token keys only.
    let learning = read(&client, std::slice::from_ref(&public)).await.unwrap();
    let platform = Platform::from_environment(&learning, &[]).expect("public keys suffice");
    assert!(platform.keys().is_empty());
    assert!(
        platform.token_signer().is_err(),
        "no token can be issued here"
    );
    assert!(platform.account_secret().is_err());
    // The accounts function's secrets granted to the certificates function
    // by mistake: the certificate key stops it at start, naming the variable.
    let misgranted = read(&client, &[public.clone(), certificate.clone()])
        .await
        .unwrap();
    let missing = Platform::from_environment(&misgranted, &[Key::Account, Key::TokenSigning])
        .expect_err("the account key is missing");
    assert!(
        missing.to_string().contains("TICEDU_TOKEN_SIGNING")
            || missing.to_string().contains("TICEDU_ACCOUNT_KEY_SECRET"),
        "{missing}"
    );
    // A key present but not named is left unread.
    let certificates = Platform::from_environment(&misgranted, &[]).unwrap();
    assert!(certificates.certificate_signer().is_err());
    // A signing key whose public key the others do not hold is refused at start.
    let mut foreign = token_secret();
    foreign["TICEDU_TOKEN_SIGNING_KID"] = json!("unlisted");
    let unlisted = read(&client, &[public, secret(&client, foreign).await])
        .await
        .unwrap();
    let refusal = Platform::from_environment(&unlisted, &[Key::TokenSigning])
        .expect_err("the public key ring lacks the signing key");
    assert!(
        refusal.to_string().contains("TICEDU_TOKEN_SIGNING_KID"),
        "{refusal}"
    );
    // The HS256 ring is retired: refused rather than ignored.
    let old = read(
        &client,
        &[secret(
            &client,
            with_public_keys(json!({ "TICEDU_JWT_KEYS": "k1:c2VjcmV0" })),
        )
        .await],
    )
    .await
    .unwrap();
    let refusal = Platform::from_environment(&old, &[]).expect_err("HS256 keys are refused");
    assert!(refusal.to_string().contains("TICEDU_JWT_KEYS"), "{refusal}");
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

#[test]
fn a_certificate_signed_before_a_key_rotation_verifies_after_it() {
    let env = |key: (&str, &str), retired: &str| {
        ticedu_api::config::Environment::with_secrets(
            [
                (
                    "TICEDU_TOKEN_PUBLIC_KEYS",
                    ticedu_local::DEVELOPMENT_TOKEN_PUBLIC_KEYS,
                ),
                ("TICEDU_CERT_SIGNING_KID", key.0),
                ("TICEDU_CERT_SIGNING_KEY", key.1),
                ("TICEDU_CERT_RETIRED_PUBLIC_KEYS", retired),
            ]
            .into_iter()
            .map(|(name, value)| (name.to_owned(), value.to_owned()))
            .collect(),
        )
    };
    let before = Platform::from_environment(
        &env(ticedu_local::DEVELOPMENT_CERTIFICATE_KEY, ""),
        &[Key::CertificateSigning],
    )
    .unwrap();
    let old = before.certificate_signer().unwrap();
    let printed = old.sign(&json!({ "no": "2026-000001" }));
    let old_x = before.certificate_signer().unwrap().jwks()["keys"][0]["x"].clone();
    // The rotation: the development token key stands in for a new Ed25519 key.
    let retired = format!("{}:{}", old.kid(), old_x.as_str().unwrap());
    let after = Platform::from_environment(
        &env(
            ("cert-next", ticedu_local::DEVELOPMENT_TOKEN_KEY.1),
            &retired,
        ),
        &[Key::CertificateSigning],
    )
    .unwrap();
    let signer = after.certificate_signer().unwrap();
    let claims: serde_json::Value = signer.verify(&printed).expect("still verifies");
    assert_eq!(claims["no"], "2026-000001");
    let jwks = signer.jwks();
    let kids: Vec<&str> = jwks["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|key| key["kid"].as_str().unwrap())
        .collect();
    assert_eq!(kids, ["cert-next", old.kid()]);
    assert_eq!(jwks["keys"][1]["x"], old_x);
}
