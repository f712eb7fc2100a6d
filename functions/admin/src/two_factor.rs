//! Two-factor log-in for staff: TOTP (RFC 6238: HMAC-SHA1, six digits, 30
//! second steps, the parameters every authenticator app understands) and
//! one-time recovery codes for a lost phone.

use jiff::Timestamp;
use sha2::{Digest, Sha256};
use totp_rs::{Algorithm, Secret, TOTP};

/// What the authenticator app shows as the account's issuer.
const ISSUER: &str = "ticedu";
const STEP_SECONDS: u64 = 30;
/// Codes of the step before and after count too: phones' clocks drift.
const SKEW_STEPS: u64 = 1;
pub const RECOVERY_CODES: usize = 10;

/// A new random secret, base32 as apps take it: 160 bits, RFC 4226's advice.
pub fn new_secret() -> String {
    let mut bytes = [0u8; 20];
    getrandom::fill(&mut bytes).expect("the operating system's random source works");
    Secret::Raw(bytes.to_vec()).to_encoded().to_string()
}

fn totp(secret: &str, account: &str) -> Option<TOTP> {
    let bytes = Secret::Encoded(secret.to_owned()).to_bytes().ok()?;
    TOTP::new(
        Algorithm::SHA1,
        6,
        0,
        STEP_SECONDS,
        bytes,
        Some(ISSUER.to_owned()),
        account.to_owned(),
    )
    .ok()
}

/// The time step of `code` if it is the code of a step around `now` later
/// than `last_step`: each code is good once, so a code seen over a
/// shoulder or replayed from a log is refused.
pub fn accepted_step(secret: &str, code: &str, now: Timestamp, last_step: u64) -> Option<u64> {
    let code = code.trim();
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let totp = totp(secret, "")?;
    let current = u64::try_from(now.as_second()).ok()? / STEP_SECONDS;
    (current.saturating_sub(SKEW_STEPS)..=current + SKEW_STEPS)
        .filter(|step| *step > last_step)
        .find(|step| totp.generate(step * STEP_SECONDS) == code)
}

/// The `otpauth://` URI an app scans, naming the account.
pub fn otpauth_uri(secret: &str, account: &str) -> Option<String> {
    Some(totp(secret, account)?.get_url())
}

/// The URI as a QR code: an SVG document, sized for a phone's camera.
pub fn qr_svg(uri: &str) -> Option<String> {
    ticedu_api::qr::svg(uri, 200)
}

/// Whether `input` looks like a TOTP code rather than a recovery code.
pub fn is_totp_code(input: &str) -> bool {
    let input = input.trim();
    input.len() == 6 && input.bytes().all(|b| b.is_ascii_digit())
}

/// Ten new recovery codes (`xxxx-xxxx-xxxx-xxxx`, 80 random bits each) and
/// what the store keeps of them.
pub fn new_recovery_codes() -> (Vec<String>, Vec<String>) {
    (0..RECOVERY_CODES)
        .map(|_| {
            let mut bytes = [0u8; 10];
            getrandom::fill(&mut bytes).expect("the operating system's random source works");
            let encoded = Secret::Raw(bytes.to_vec())
                .to_encoded()
                .to_string()
                .to_ascii_lowercase();
            let code = encoded
                .as_bytes()
                .chunks(4)
                .map(|chunk| std::str::from_utf8(chunk).unwrap_or_default())
                .collect::<Vec<_>>()
                .join("-");
            let digest = recovery_digest(&code);
            (code, digest)
        })
        .unzip()
}

/// What is kept of a recovery code: its SHA-256. 80 random bits need no
/// slow hash; as typed, case and dashes do not matter.
pub fn recovery_digest(code: &str) -> String {
    let normalised: String = code
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect();
    hex::encode(Sha256::digest(normalised.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(second: i64) -> Timestamp {
        Timestamp::from_second(second).unwrap()
    }

    /// RFC 6238, appendix B: the SHA-1 secret "12345678901234567890".
    const RFC_SECRET: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

    #[test]
    fn codes_of_rfc_6238_are_accepted_once_and_only_near_their_time() {
        // T = 59 s gives 94287082; six digits: 287082, step 1.
        assert_eq!(accepted_step(RFC_SECRET, "287082", at(59), 0), Some(1));
        assert_eq!(
            accepted_step(RFC_SECRET, "287082", at(59), 1),
            None,
            "the step was used"
        );
        // T = 1111111109 gives 07081804.
        assert_eq!(
            accepted_step(RFC_SECRET, "081804", at(1_111_111_109 + 30), 0),
            Some(1_111_111_109 / 30),
            "a step late still counts"
        );
        assert_eq!(
            accepted_step(RFC_SECRET, "081804", at(1_111_111_109 + 90), 0),
            None
        );
        assert_eq!(accepted_step(RFC_SECRET, "28708", at(59), 0), None);
        assert_eq!(accepted_step(RFC_SECRET, "abcdef", at(59), 0), None);
    }

    #[test]
    fn a_new_secret_makes_a_scannable_uri() {
        let secret = new_secret();
        assert_eq!(secret.len(), 32);
        let uri = otpauth_uri(&secret, "zhang.kj").unwrap();
        assert!(uri.starts_with("otpauth://totp/ticedu:zhang.kj?"), "{uri}");
        assert!(uri.contains(&format!("secret={secret}")));
        assert!(qr_svg(&uri).unwrap().starts_with("<?xml"));
    }

    #[test]
    fn recovery_codes_are_distinct_and_read_as_typed() {
        let (codes, digests) = new_recovery_codes();
        assert_eq!(codes.len(), RECOVERY_CODES);
        assert_eq!(digests.len(), RECOVERY_CODES);
        assert!(codes[0].len() == 19 && codes[0].matches('-').count() == 3);
        assert_ne!(codes[0], codes[1]);
        assert_eq!(
            recovery_digest(&codes[0].to_uppercase().replace('-', " ")),
            digests[0]
        );
        assert!(!is_totp_code(&codes[0]));
        assert!(is_totp_code(" 123456 "));
    }
}
