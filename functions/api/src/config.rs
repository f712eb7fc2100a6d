//! Typed configuration, read once at cold start. A missing or malformed
//! variable stops the function with its name; secrets never print.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use base64::Engine;
use jiff::civil::Date;
use jiff::{Timestamp, tz};
use ticedu_domain::DataErrors;
use ticedu_domain::calendar::WorkCalendar;
use ticedu_domain::catalogue::Catalogue;
use ticedu_domain::catalogue::Lesson;
use ticedu_domain::identity::AccountKeySecret;
use ticedu_domain::settings::{MAX_CLASS_HOUR_MINUTES, Settings, YearSettings};
use ticedu_domain::staff::StaffName;

use crate::certificate_signing::CertificateSigner;
use crate::error::ApiError;
use crate::media::{MediaKeyError, MediaSigner};
use crate::tokens::{TokenSigner, TokenVerifier};

/// `kid:base64(raw Ed25519 public key)[,…]`: the keys access tokens are
/// checked against (public; every function).
pub const TOKEN_PUBLIC_KEYS: &str = "TICEDU_TOKEN_PUBLIC_KEYS";
/// The Ed25519 key (PKCS#8 PEM) that signs access tokens, and its key id,
/// which `TICEDU_TOKEN_PUBLIC_KEYS` must list with its public key: only the
/// functions that log people in hold it.
pub const TOKEN_SIGNING_KEY: &str = "TICEDU_TOKEN_SIGNING_KEY";
pub const TOKEN_SIGNING_KID: &str = "TICEDU_TOKEN_SIGNING_KID";
/// The HS256 key ring this platform had before tokens were signed with
/// Ed25519: refused at start, so that it cannot be silently ignored.
pub const RETIRED_JWT_KEYS: &str = "TICEDU_JWT_KEYS";
/// Access token lifetime in seconds (default 3600).
pub const TOKEN_LIFETIME: &str = "TICEDU_TOKEN_LIFETIME_SECONDS";
/// Base64 of at least 32 bytes: keys the HMACs of ID numbers and usernames.
pub const ACCOUNT_KEY_SECRET: &str = "TICEDU_ACCOUNT_KEY_SECRET";
/// The first administrator, `name:argon2id-hash`: created in the store at
/// their first log-in, once in the store's life (optional). Every other staff
/// account is created by an administrator in the console.
pub const BOOTSTRAP_ADMIN: &str = "TICEDU_BOOTSTRAP_ADMIN";
/// The list of staff logins this platform had before staff accounts lived in
/// the store: refused at start, so that it cannot be silently ignored.
pub const RETIRED_STAFF_LIST: &str = "TICEDU_STAFF";
/// Staff access token lifetime in seconds (default 900, at most the learners').
pub const STAFF_TOKEN_LIFETIME: &str = "TICEDU_STAFF_TOKEN_LIFETIME_SECONDS";
/// Staff sessions are shorter than learners': staff tokens open every account.
pub const DEFAULT_STAFF_TOKEN_LIFETIME_SECONDS: i64 = 15 * 60;
/// The Ed25519 key (PKCS#8 PEM) that signs certificates, and its key id.
pub const CERT_SIGNING_KEY: &str = "TICEDU_CERT_SIGNING_KEY";
pub const CERT_SIGNING_KID: &str = "TICEDU_CERT_SIGNING_KID";
/// The public keys of retired certificate signing keys,
/// `kid:base64(raw public key)[,…]`: published in the JWKS beside the
/// current one, so that certificates signed before a rotation still verify.
pub const CERT_RETIRED_PUBLIC_KEYS: &str = "TICEDU_CERT_RETIRED_PUBLIC_KEYS";
/// An RFC 3339 instant at which the clock stands still (demos and tests).
pub const FIXED_NOW: &str = "TICEDU_NOW";
/// Where lesson media is served (`https://…/media`, no trailing slash), the
/// CloudFront public key's ID, and its RSA private key (PEM, in the
/// platform secret): all three, or none (lessons then offer no media).
pub const MEDIA_URL: &str = "TICEDU_MEDIA_URL";
pub const MEDIA_KEY_ID: &str = "TICEDU_MEDIA_KEY_ID";
pub const MEDIA_KEY: &str = "TICEDU_MEDIA_KEY";
/// Minutes every class hour is studied, replacing the data's lengths (demos
/// and tests only; 0: marking needs no waiting).
pub const CLASS_HOUR_MINUTES: &str = "TICEDU_CLASS_HOUR_MINUTES";

/// A key only some functions hold. Each function's `main.rs` names those its
/// code uses; [`Platform::from_environment`] stops the function at cold start
/// when one of them is missing, and loads no other (`tests/it/infra.rs`
/// holds the names against the code and the secrets the template grants).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    /// `TICEDU_ACCOUNT_KEY_SECRET`: derives the storage keys of ID numbers,
    /// usernames and look-ups (accounts, admin).
    Account,
    /// `TICEDU_TOKEN_SIGNING_KEY`/`_KID`: issues access tokens (accounts, admin).
    TokenSigning,
    /// `TICEDU_CERT_SIGNING_KEY`/`_KID`: signs certificates (certificates).
    CertificateSigning,
}

impl Key {
    /// Every key: the local server runs every function in one process.
    pub const ALL: &[Key] = &[Key::Account, Key::TokenSigning, Key::CertificateSigning];

    /// The variable that holds the key.
    pub fn variable(self) -> &'static str {
        match self {
            Key::Account => ACCOUNT_KEY_SECRET,
            Key::TokenSigning => TOKEN_SIGNING_KEY,
            Key::CertificateSigning => CERT_SIGNING_KEY,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("environment variable {0} is not set")]
    Missing(&'static str),
    #[error("environment variable {name} is malformed: {problem}")]
    Malformed { name: &'static str, problem: String },
    #[error(transparent)]
    Data(#[from] DataErrors),
}

/// The platform's clock, in China Standard Time (UTC+8, no daylight saving).
#[derive(Debug, Clone)]
pub enum Clock {
    System,
    Fixed(Timestamp),
    /// Stands still where it was last set, in whole seconds: tests follow a
    /// learner through cycles over years (2023 → 2031) on one platform.
    Settable(Arc<AtomicI64>),
}

impl Clock {
    /// A settable clock standing at `at`.
    pub fn settable(at: Timestamp) -> Self {
        Self::Settable(Arc::new(AtomicI64::new(at.as_second())))
    }

    /// Moves a settable clock to `at`; the other clocks do not move.
    pub fn set(&self, at: Timestamp) {
        if let Self::Settable(seconds) = self {
            seconds.store(at.as_second(), Ordering::SeqCst);
        }
    }

    pub fn now(&self) -> Timestamp {
        match self {
            Self::System => Timestamp::now(),
            Self::Fixed(at) => *at,
            Self::Settable(seconds) => {
                Timestamp::from_second(seconds.load(Ordering::SeqCst)).unwrap_or(Timestamp::MAX)
            }
        }
    }

    /// Today's date in China.
    pub fn today(&self) -> Date {
        tz::offset(8).to_datetime(self.now()).date()
    }
}

/// Login throttling: at most `max_failures` wrong passwords per username in a window.
#[derive(Debug, Clone, Copy)]
pub struct ThrottlePolicy {
    pub max_failures: u32,
    pub window_seconds: i64,
}

/// Everything a function knows besides its store: the year's data, keys, clock.
#[derive(Debug)]
pub struct Platform {
    pub catalogue: Catalogue,
    pub settings: Settings,
    pub calendar: WorkCalendar,
    /// Checks access tokens: every function.
    pub token_verifier: TokenVerifier,
    /// How long a learner's access token lasts.
    pub token_lifetime_seconds: i64,
    /// Issues access tokens: the functions that log people in.
    token_signer: Option<TokenSigner>,
    account_secret: Option<AccountKeySecret>,
    pub clock: Clock,
    pub throttle: ThrottlePolicy,
    /// The first administrator, from the deployment's secret.
    pub bootstrap_admin: Option<BootstrapAdmin>,
    /// How long a staff member's access token lasts.
    pub staff_token_lifetime_seconds: i64,
    /// Signs certificates for offline verification: the certificates function.
    certificate_signer: Option<CertificateSigner>,
    /// `TICEDU_CLASS_HOUR_MINUTES`: every hour's study length instead of
    /// the data's, for demos and tests (0: no waiting). `None` in production.
    pub class_hour_minutes: Option<u8>,
    /// Signs learners' access to the lesson media of the hours they bought;
    /// none where media is not deployed.
    pub media: Option<MediaSigner>,
    /// CloudFront's secret origin header (`crate::origin`); none locally.
    pub origin: Option<crate::origin::OriginSecret>,
    /// Carries password-recovery codes (`crate::sender`): set by the
    /// accounts function at cold start, the outbox on the local server.
    pub sender: Option<Arc<dyn crate::sender::Sender>>,
}

/// Reads `TICEDU_CLASS_HOUR_MINUTES` from its text, if set: 0 to 120.
pub fn class_hour_minutes(text: Option<String>) -> Result<Option<u8>, ConfigError> {
    text.map(|text| {
        text.trim()
            .parse::<u8>()
            .ok()
            .filter(|minutes| *minutes <= MAX_CLASS_HOUR_MINUTES)
            .ok_or_else(|| malformed(CLASS_HOUR_MINUTES, "not a number of minutes from 0 to 120"))
    })
    .transpose()
}

/// The refusal of a configuration that still lists staff in `TICEDU_STAFF`.
pub fn retired_staff_list() -> ConfigError {
    malformed(
        RETIRED_STAFF_LIST,
        "staff accounts live in the store now: set TICEDU_BOOTSTRAP_ADMIN (one name:argon2id-hash) for the first administrator, who creates the others",
    )
}

/// The first administrator: a login name and an argon2id PHC hash
/// (`ticedu-api`'s `Password::hash`, or `argon2 … -id -e`).
#[derive(Clone)]
pub struct BootstrapAdmin {
    pub name: StaffName,
    pub password_hash: String,
}

impl std::fmt::Debug for BootstrapAdmin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "BootstrapAdmin({})", self.name)
    }
}

impl std::str::FromStr for BootstrapAdmin {
    type Err = ConfigError;

    /// `name:phc-hash`.
    fn from_str(text: &str) -> Result<Self, ConfigError> {
        let expected = || malformed(BOOTSTRAP_ADMIN, "expected name:argon2id-hash");
        let (name, hash) = text.trim().split_once(':').ok_or_else(expected)?;
        let name = StaffName::parse(name).map_err(|_| expected())?;
        if !hash.starts_with("$argon2") {
            return Err(expected());
        }
        Ok(Self {
            name,
            password_hash: hash.to_owned(),
        })
    }
}

/// Where configuration comes from: the process environment, overlaid by
/// the secrets a Lambda function fetched once at cold start (so keys never
/// sit in its plain environment).
#[derive(Clone, Default)]
pub struct Environment {
    secrets: HashMap<String, String>,
}

impl Environment {
    /// The process environment alone.
    pub fn process() -> Self {
        Self::default()
    }

    /// The process environment, with `secrets` (named like the variables) taking precedence.
    pub fn with_secrets(secrets: HashMap<String, String>) -> Self {
        Self { secrets }
    }

    pub fn var(&self, name: &str) -> Option<String> {
        self.secrets
            .get(name)
            .cloned()
            .or_else(|| std::env::var(name).ok())
    }

    fn required(&self, name: &'static str) -> Result<String, ConfigError> {
        self.var(name).ok_or(ConfigError::Missing(name))
    }
}

impl std::fmt::Debug for Environment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Names only: the values are keys.
        f.debug_struct("Environment")
            .field("secrets", &self.secrets.keys().collect::<Vec<_>>())
            .finish()
    }
}

impl Platform {
    /// Reads the process environment (see the constants of this module) and
    /// the data compiled into the binary.
    pub fn from_env(keys: &[Key]) -> Result<Arc<Self>, ConfigError> {
        Self::from_environment(&Environment::process(), keys)
    }

    /// Like [`Platform::from_env`], from `env` (the environment and fetched
    /// secrets), holding exactly the `keys` the function uses (and the public
    /// token keys, which every function uses).
    pub fn from_environment(env: &Environment, keys: &[Key]) -> Result<Arc<Self>, ConfigError> {
        if env.var(RETIRED_JWT_KEYS).is_some() {
            return Err(malformed(
                RETIRED_JWT_KEYS,
                "HS256 token keys are retired: set TICEDU_TOKEN_PUBLIC_KEYS everywhere and TICEDU_TOKEN_SIGNING_KEY/_KID where tokens are issued (infra/README.md, \"Secrets\")",
            ));
        }
        for key in Key::ALL.iter().filter(|key| !keys.contains(key)) {
            if env.var(key.variable()).is_some() {
                tracing::warn!(
                    variable = key.variable(),
                    "set but not used by this function: left unread; remove it from its secrets"
                );
            }
        }
        let verifier: TokenVerifier = env.required(TOKEN_PUBLIC_KEYS)?.parse().map_err(
            |e: crate::tokens::TokenKeyError| malformed(TOKEN_PUBLIC_KEYS, &e.to_string()),
        )?;
        let lifetime = match env.var(TOKEN_LIFETIME) {
            Some(text) => text
                .parse()
                .map_err(|_| malformed(TOKEN_LIFETIME, "not a number of seconds"))?,
            None => 3600,
        };
        let clock = match env.var(FIXED_NOW) {
            Some(text) => Clock::Fixed(
                text.parse()
                    .map_err(|_| malformed(FIXED_NOW, "not an RFC 3339 instant"))?,
            ),
            None => Clock::System,
        };
        if env.var(RETIRED_STAFF_LIST).is_some() {
            return Err(retired_staff_list());
        }
        let bootstrap_admin = env
            .var(BOOTSTRAP_ADMIN)
            .map(|text| text.parse())
            .transpose()?;
        let staff_lifetime = match env.var(STAFF_TOKEN_LIFETIME) {
            Some(text) => text
                .parse()
                .map_err(|_| malformed(STAFF_TOKEN_LIFETIME, "not a number of seconds"))?,
            None => DEFAULT_STAFF_TOKEN_LIFETIME_SECONDS,
        };
        let mut platform = Self::new(verifier, lifetime, clock, bootstrap_admin)?;
        if keys.contains(&Key::TokenSigning) {
            let signer = TokenSigner::from_pem(
                &env.required(TOKEN_SIGNING_KID)?,
                &env.required(TOKEN_SIGNING_KEY)?,
            )
            .map_err(|e| malformed(TOKEN_SIGNING_KEY, &e.to_string()))?;
            platform = platform.with_token_signer(signer)?;
        }
        if keys.contains(&Key::Account) {
            let secret = AccountKeySecret::new(decode_base64(
                ACCOUNT_KEY_SECRET,
                &env.required(ACCOUNT_KEY_SECRET)?,
            )?)
            .ok_or_else(|| malformed(ACCOUNT_KEY_SECRET, "fewer than 32 bytes"))?;
            platform = platform.with_account_secret(secret);
        }
        if keys.contains(&Key::CertificateSigning) {
            let retired = env.var(CERT_RETIRED_PUBLIC_KEYS).unwrap_or_default();
            let signer = CertificateSigner::from_pem(
                &env.required(CERT_SIGNING_KID)?,
                &env.required(CERT_SIGNING_KEY)?,
            )
            .map_err(|e| malformed(CERT_SIGNING_KEY, &e.to_string()))?
            .with_retired(&retired)
            .map_err(|e| malformed(CERT_RETIRED_PUBLIC_KEYS, &e.to_string()))?;
            platform = platform.with_certificate_signer(signer);
        }
        platform.staff_token_lifetime_seconds = staff_lifetime.clamp(60, lifetime);
        platform.class_hour_minutes = class_hour_minutes(env.var(CLASS_HOUR_MINUTES))?;
        platform.media = media_signer(env)?;
        platform.origin = crate::origin::OriginSecret::from_environment(env)?;
        Ok(Arc::new(platform))
    }

    /// A platform that checks tokens with `token_verifier` and holds no
    /// optional key: add them with the `with_…` methods.
    pub fn new(
        token_verifier: TokenVerifier,
        token_lifetime_seconds: i64,
        clock: Clock,
        bootstrap_admin: Option<BootstrapAdmin>,
    ) -> Result<Self, ConfigError> {
        Ok(Self {
            catalogue: Catalogue::bundled()?,
            settings: Settings::bundled()?,
            calendar: WorkCalendar::bundled()?,
            token_verifier,
            token_lifetime_seconds,
            token_signer: None,
            account_secret: None,
            clock,
            throttle: ThrottlePolicy {
                max_failures: 5,
                window_seconds: 15 * 60,
            },
            bootstrap_admin,
            staff_token_lifetime_seconds: DEFAULT_STAFF_TOKEN_LIFETIME_SECONDS
                .min(token_lifetime_seconds),
            certificate_signer: None,
            class_hour_minutes: None,
            media: None,
            origin: None,
            sender: None,
        })
    }

    /// Issues tokens with `signer`, whose public key the verifier must hold
    /// under its key id: tokens the other functions would refuse are a
    /// configuration error, found at start.
    pub fn with_token_signer(mut self, signer: TokenSigner) -> Result<Self, ConfigError> {
        if !self.token_verifier.trusts(&signer) {
            return Err(malformed(
                TOKEN_SIGNING_KID,
                "TICEDU_TOKEN_PUBLIC_KEYS does not list this key id with the signing key's public key",
            ));
        }
        self.token_signer = Some(signer);
        Ok(self)
    }

    pub fn with_account_secret(mut self, secret: AccountKeySecret) -> Self {
        self.account_secret = Some(secret);
        self
    }

    pub fn with_certificate_signer(mut self, signer: CertificateSigner) -> Self {
        self.certificate_signer = Some(signer);
        self
    }

    /// The token signing key. Only a function whose `main.rs` names
    /// [`Key::TokenSigning`] has one, and it then cannot start without it;
    /// asking elsewhere is a bug, answered 500 and logged.
    pub fn token_signer(&self) -> Result<&TokenSigner, ApiError> {
        self.token_signer
            .as_ref()
            .ok_or_else(|| undeclared(Key::TokenSigning))
    }

    /// The account key (see [`Platform::token_signer`] for its absence).
    pub fn account_secret(&self) -> Result<&AccountKeySecret, ApiError> {
        self.account_secret
            .as_ref()
            .ok_or_else(|| undeclared(Key::Account))
    }

    /// The certificate signing key (see [`Platform::token_signer`] for its absence).
    pub fn certificate_signer(&self) -> Result<&CertificateSigner, ApiError> {
        self.certificate_signer
            .as_ref()
            .ok_or_else(|| undeclared(Key::CertificateSigning))
    }

    /// Which optional keys this platform holds.
    pub fn keys(&self) -> Vec<Key> {
        let mut keys = Vec::new();
        if self.account_secret.is_some() {
            keys.push(Key::Account);
        }
        if self.token_signer.is_some() {
            keys.push(Key::TokenSigning);
        }
        if self.certificate_signer.is_some() {
            keys.push(Key::CertificateSigning);
        }
        keys
    }

    /// How long `lesson` is studied before it may be marked learned (R10)
    /// in `year`: the data's length, unless this platform overrides it.
    pub fn study_seconds(&self, lesson: &Lesson, year: &YearSettings) -> u32 {
        match self.class_hour_minutes {
            Some(minutes) => u32::from(minutes) * 60,
            None => lesson.study_seconds(year),
        }
    }
}

/// The media signer, if `TICEDU_MEDIA_URL`, `TICEDU_MEDIA_KEY_ID` and
/// `TICEDU_MEDIA_KEY` are all set; half a configuration is refused.
fn media_signer(env: &Environment) -> Result<Option<MediaSigner>, ConfigError> {
    match (
        env.var(MEDIA_URL),
        env.var(MEDIA_KEY_ID),
        env.var(MEDIA_KEY),
    ) {
        (None, None, None) => Ok(None),
        (Some(url), Some(key_id), Some(key)) => {
            MediaSigner::from_pem(url.trim(), key_id.trim(), &key)
                .map(Some)
                .map_err(|error| {
                    let name = match error {
                        MediaKeyError::BaseUrl => MEDIA_URL,
                        MediaKeyError::PrivateKey => MEDIA_KEY,
                    };
                    malformed(name, &error.to_string())
                })
        }
        (url, key_id, _) => Err(ConfigError::Missing(if url.is_none() {
            MEDIA_URL
        } else if key_id.is_none() {
            MEDIA_KEY_ID
        } else {
            MEDIA_KEY
        })),
    }
}

/// Code used a key its function's `main.rs` does not name.
fn undeclared(key: Key) -> ApiError {
    tracing::error!(
        variable = key.variable(),
        "this function uses a key its main.rs does not name: it was started without it"
    );
    ApiError::unavailable()
}

fn malformed(name: &'static str, problem: &str) -> ConfigError {
    ConfigError::Malformed {
        name,
        problem: problem.to_owned(),
    }
}

fn decode_base64(name: &'static str, text: &str) -> Result<Vec<u8>, ConfigError> {
    base64::engine::general_purpose::STANDARD
        .decode(text.trim())
        .map_err(|_| malformed(name, "not base64"))
}
