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

use crate::auth::{Secret, TokenKeys};
use crate::certificate_signing::CertificateSigner;
use crate::media::{MediaKeyError, MediaSigner};

/// `kid:base64secret[,kid:base64secret…]`: the token signing keys.
pub const JWT_KEYS: &str = "TICEDU_JWT_KEYS";
/// The key id that signs new tokens; the first of `TICEDU_JWT_KEYS` if unset.
pub const JWT_ACTIVE_KID: &str = "TICEDU_JWT_ACTIVE_KID";
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
    pub tokens: TokenKeys,
    pub account_secret: AccountKeySecret,
    pub clock: Clock,
    pub throttle: ThrottlePolicy,
    /// The first administrator, from the deployment's secret.
    pub bootstrap_admin: Option<BootstrapAdmin>,
    /// How long a staff member's access token lasts.
    pub staff_token_lifetime_seconds: i64,
    /// Signs certificates for offline verification.
    pub certificate_signer: CertificateSigner,
    /// `TICEDU_CLASS_HOUR_MINUTES`: every hour's study length instead of
    /// the data's, for demos and tests (0: no waiting). `None` in production.
    pub class_hour_minutes: Option<u8>,
    /// Signs learners' access to the lesson media of the hours they bought;
    /// none where media is not deployed.
    pub media: Option<MediaSigner>,
    /// CloudFront's secret origin header (`crate::origin`); none locally.
    pub origin: Option<crate::origin::OriginSecret>,
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
    pub fn from_env() -> Result<Arc<Self>, ConfigError> {
        Self::from_environment(&Environment::process())
    }

    /// Like [`Platform::from_env`], from `env` (the environment and fetched secrets).
    pub fn from_environment(env: &Environment) -> Result<Arc<Self>, ConfigError> {
        let keys = env.required(JWT_KEYS)?;
        let mut ring = HashMap::new();
        let mut first = None;
        for entry in keys
            .split(',')
            .map(str::trim)
            .filter(|entry| !entry.is_empty())
        {
            let (kid, secret) = entry
                .split_once(':')
                .ok_or_else(|| malformed(JWT_KEYS, "expected kid:base64secret"))?;
            let secret = Secret::new(decode_base64(JWT_KEYS, secret)?)
                .ok_or_else(|| malformed(JWT_KEYS, "a secret has fewer than 32 bytes"))?;
            first.get_or_insert_with(|| kid.to_owned());
            ring.insert(kid.to_owned(), secret);
        }
        let active = env
            .var(JWT_ACTIVE_KID)
            .or(first)
            .ok_or_else(|| malformed(JWT_KEYS, "no key"))?;
        let lifetime = match env.var(TOKEN_LIFETIME) {
            Some(text) => text
                .parse()
                .map_err(|_| malformed(TOKEN_LIFETIME, "not a number of seconds"))?,
            None => 3600,
        };
        let tokens = TokenKeys::new(ring, &active, lifetime)
            .ok_or_else(|| malformed(JWT_ACTIVE_KID, "names no key of TICEDU_JWT_KEYS"))?;
        let account_secret = AccountKeySecret::new(decode_base64(
            ACCOUNT_KEY_SECRET,
            &env.required(ACCOUNT_KEY_SECRET)?,
        )?)
        .ok_or_else(|| malformed(ACCOUNT_KEY_SECRET, "fewer than 32 bytes"))?;
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
        let signer = CertificateSigner::from_pem(
            &env.required(CERT_SIGNING_KID)?,
            &env.required(CERT_SIGNING_KEY)?,
        )
        .map_err(|e| malformed(CERT_SIGNING_KEY, &e.to_string()))?;
        let mut platform = Self::new(tokens, account_secret, clock, bootstrap_admin, signer)?;
        platform.staff_token_lifetime_seconds = staff_lifetime.clamp(60, lifetime);
        platform.class_hour_minutes = class_hour_minutes(env.var(CLASS_HOUR_MINUTES))?;
        platform.media = media_signer(env)?;
        platform.origin = crate::origin::OriginSecret::from_environment(env)?;
        Ok(Arc::new(platform))
    }

    pub fn new(
        tokens: TokenKeys,
        account_secret: AccountKeySecret,
        clock: Clock,
        bootstrap_admin: Option<BootstrapAdmin>,
        certificate_signer: CertificateSigner,
    ) -> Result<Self, ConfigError> {
        let staff_token_lifetime_seconds =
            DEFAULT_STAFF_TOKEN_LIFETIME_SECONDS.min(tokens.lifetime_seconds());
        Ok(Self {
            catalogue: Catalogue::bundled()?,
            settings: Settings::bundled()?,
            calendar: WorkCalendar::bundled()?,
            tokens,
            account_secret,
            clock,
            throttle: ThrottlePolicy {
                max_failures: 5,
                window_seconds: 15 * 60,
            },
            bootstrap_admin,
            staff_token_lifetime_seconds,
            certificate_signer,
            class_hour_minutes: None,
            media: None,
            origin: None,
        })
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
