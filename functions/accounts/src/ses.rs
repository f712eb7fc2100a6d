//! Amazon SES in AWS's global regions: e-mail through SES v2's `SendEmail`
//! (`POST /v2/email/outbound-emails`), signed with SigV4 by `aws-sigv4`
//! over `reqwest`. The SDK's `aws-sdk-sesv2` would do the same one call
//! but adds a generated client to every build of this crate, the local
//! server's included; this is the whole of what is used.
//!
//! Credentials are the function's role's, from the variables Lambda sets
//! (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`),
//! read per message so that a refreshed set is used. SES sends no SMS: a
//! phone number is unreachable here (the China regions' SMS provider, see
//! the README, would carry those).

use std::time::{Duration, SystemTime};

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{
    SignableBody, SignableRequest, SigningParams, SigningSettings, sign,
};
use aws_sigv4::sign::v4;
use aws_smithy_runtime_api::client::identity::Identity;
use serde_json::json;
use ticedu_api::config::{ConfigError, Environment};
use ticedu_api::sender::{Address, Message, SendError, Sender, Sending};
use ticedu_domain::contact::EmailAddress;

/// The verified identity recovery codes are sent from, e.g. `noreply@ticedu.example.cn`.
pub const FROM: &str = "TICEDU_SES_FROM";
/// The SES region, when not the function's own (`AWS_REGION`).
pub const REGION: &str = "TICEDU_SES_REGION";
/// An SES configuration set (bounces, complaints), if any.
pub const CONFIGURATION_SET: &str = "TICEDU_SES_CONFIGURATION_SET";

/// Sends e-mail with SES v2 in one region.
#[derive(Debug, Clone)]
pub struct SesSender {
    from: EmailAddress,
    region: String,
    configuration_set: Option<String>,
    endpoint: String,
    client: reqwest::Client,
}

impl SesSender {
    /// Reads [`FROM`] (required), [`REGION`] (else `AWS_REGION`) and
    /// [`CONFIGURATION_SET`]. `None` without [`FROM`]: recovery then sends
    /// nothing and says so in the logs (the answer stays the same).
    pub fn from_environment(env: &Environment) -> Result<Option<Self>, ConfigError> {
        let Some(from) = env.var(FROM) else {
            return Ok(None);
        };
        let from = EmailAddress::parse(&from).map_err(|_| ConfigError::Malformed {
            name: FROM,
            problem: "not an e-mail address".to_owned(),
        })?;
        let region = env
            .var(REGION)
            .or_else(|| env.var("AWS_REGION"))
            .ok_or(ConfigError::Missing(REGION))?;
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(5))
            .build()
            .map_err(|error| ConfigError::Malformed {
                name: FROM,
                problem: format!("no HTTP client: {error}"),
            })?;
        Ok(Some(Self {
            from,
            endpoint: format!("https://email.{region}.amazonaws.com/v2/email/outbound-emails"),
            region,
            configuration_set: env.var(CONFIGURATION_SET),
            client,
        }))
    }

    /// The request body of `SendEmail` for `message` to `to`.
    fn body(&self, to: &EmailAddress, message: &Message) -> Vec<u8> {
        let mut body = json!({
            "FromEmailAddress": self.from.as_str(),
            "Destination": { "ToAddresses": [to.as_str()] },
            "Content": { "Simple": {
                "Subject": { "Data": message.subject, "Charset": "UTF-8" },
                "Body": { "Text": { "Data": message.text, "Charset": "UTF-8" } },
            } },
        });
        if let Some(set) = &self.configuration_set {
            body["ConfigurationSetName"] = json!(set);
        }
        body.to_string().into_bytes()
    }

    async fn send_email(&self, to: &EmailAddress, message: &Message) -> Result<(), SendError> {
        let credentials = credentials()?;
        let body = self.body(to, message);
        let identity: Identity = credentials.into();
        let params: SigningParams<'_> = v4::SigningParams::builder()
            .identity(&identity)
            .region(&self.region)
            .name("ses")
            .time(SystemTime::now())
            .settings(SigningSettings::default())
            .build()
            .map_err(|error| SendError::Provider(error.to_string()))?
            .into();
        let headers = [("content-type", "application/json")];
        let signable = SignableRequest::new(
            "POST",
            &self.endpoint,
            headers.iter().copied(),
            SignableBody::Bytes(&body),
        )
        .map_err(|error| SendError::Provider(error.to_string()))?;
        let (instructions, _) = sign(signable, &params)
            .map_err(|error| SendError::Provider(error.to_string()))?
            .into_parts();
        let mut request = self
            .client
            .post(&self.endpoint)
            .header("content-type", "application/json");
        for (name, value) in instructions.headers() {
            request = request.header(name, value);
        }
        let response = request
            .body(body)
            .send()
            .await
            .map_err(|error| SendError::Provider(error.without_url().to_string()))?;
        if response.status().is_success() {
            return Ok(());
        }
        let status = response.status();
        // SES names the problem (`MessageRejected`, `TooManyRequestsException`…) in its body, never the recipient.
        let reason = response.text().await.unwrap_or_default();
        Err(SendError::Provider(format!(
            "SES answered {status}: {reason}"
        )))
    }
}

fn credentials() -> Result<Credentials, SendError> {
    let var = |name: &str| std::env::var(name).ok().filter(|value| !value.is_empty());
    match (var("AWS_ACCESS_KEY_ID"), var("AWS_SECRET_ACCESS_KEY")) {
        (Some(id), Some(secret)) => Ok(Credentials::new(
            id,
            secret,
            var("AWS_SESSION_TOKEN"),
            None,
            "lambda-environment",
        )),
        _ => Err(SendError::Provider(
            "no AWS credentials in the environment".to_owned(),
        )),
    }
}

impl Sender for SesSender {
    fn reaches(&self, address: &Address) -> bool {
        matches!(address, Address::Email(_))
    }

    fn send<'a>(&'a self, message: &'a Message) -> Sending<'a> {
        Box::pin(async move {
            match &message.to {
                Address::Email(to) => self.send_email(to, message).await,
                Address::Phone(_) => Err(SendError::Unreachable),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn sender(extra: &[(&str, &str)]) -> Option<SesSender> {
        let mut vars: HashMap<String, String> = HashMap::from([
            (FROM.to_owned(), "noreply@ticedu.example.cn".to_owned()),
            ("AWS_REGION".to_owned(), "ap-southeast-1".to_owned()),
        ]);
        vars.extend(
            extra
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned())),
        );
        SesSender::from_environment(&Environment::with_secrets(vars)).unwrap()
    }

    #[test]
    fn the_endpoint_is_the_regions_and_the_body_is_send_emails() {
        let ses = sender(&[(CONFIGURATION_SET, "ticedu")]).unwrap();
        assert_eq!(
            ses.endpoint,
            "https://email.ap-southeast-1.amazonaws.com/v2/email/outbound-emails"
        );
        let to = EmailAddress::parse("zhong@example.cn").unwrap();
        let message = Message {
            to: Address::Email(to.clone()),
            subject: "验证码".to_owned(),
            text: "123456".to_owned(),
        };
        let body: serde_json::Value = serde_json::from_slice(&ses.body(&to, &message)).unwrap();
        assert_eq!(body["Destination"]["ToAddresses"][0], "zhong@example.cn");
        assert_eq!(body["Content"]["Simple"]["Subject"]["Data"], "验证码");
        assert_eq!(body["ConfigurationSetName"], "ticedu");
        assert!(!ses.reaches(&Address::Phone(
            ticedu_domain::contact::PhoneNumber::parse("13800138000").unwrap()
        )));
    }
}
