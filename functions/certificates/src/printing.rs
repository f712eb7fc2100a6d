//! Printing certificates: the font, loaded on the first print (verifications
//! and issuance never pay for it) and kept once loaded — a failed load is not
//! kept, so a font installed after the start is found by the next print —, and
//! the site address the QR code points to.

use std::path::PathBuf;
use std::sync::OnceLock;

use axum::http::{HeaderMap, StatusCode, header};
use ticedu_api::ApiError;
use ticedu_certificate_pdf::{CertificateFont, DEBIAN_NOTO_CJK, NOTO_CJK_SIMPLIFIED_CHINESE};

/// The font file (a `.ttc` collection or an `.otf`); Lambda gets it from the font layer.
pub const FONT: &str = "TICEDU_CERT_FONT";
/// Which face of a collection; defaults to Noto Sans CJK's Simplified Chinese face.
pub const FONT_INDEX: &str = "TICEDU_CERT_FONT_INDEX";
/// The public site, e.g. `https://ce.example.cn`: QR codes link to its verification page.
pub const SITE_URL: &str = "TICEDU_SITE_URL";

pub struct Printer {
    font_path: PathBuf,
    font_index: usize,
    font: OnceLock<CertificateFont>,
    /// A configuration that can never load (a bad face number): no retry helps.
    misconfigured: Option<String>,
    site_url: Option<String>,
}

impl Printer {
    pub fn new(font_path: PathBuf, font_index: usize, site_url: Option<String>) -> Self {
        Self {
            font_path,
            font_index,
            font: OnceLock::new(),
            misconfigured: None,
            site_url: site_url.map(|url| url.trim_end_matches('/').to_owned()),
        }
    }

    /// From `TICEDU_CERT_FONT` (default: Debian's Noto Sans CJK), `TICEDU_CERT_FONT_INDEX`
    /// and `TICEDU_SITE_URL` (default: the address the request came to). A
    /// bad face number is logged now and makes printing unavailable, while
    /// everything else keeps working.
    pub fn from_env() -> Self {
        let font_path = std::env::var(FONT).unwrap_or_else(|_| DEBIAN_NOTO_CJK.to_owned());
        let site_url = std::env::var(SITE_URL).ok().filter(|url| !url.is_empty());
        let font_index = match std::env::var(FONT_INDEX) {
            Ok(index) => index.parse().map_err(|_| index),
            Err(_) if font_path.ends_with(".ttc") => Ok(NOTO_CJK_SIMPLIFIED_CHINESE),
            Err(_) => Ok(0),
        };
        match font_index {
            Ok(index) => Self::new(font_path.into(), index, site_url),
            Err(bad) => {
                let error = format!("{FONT_INDEX} must be a face number, got {bad:?}");
                tracing::error!(%error, "certificate font");
                let mut printer = Self::new(font_path.into(), 0, site_url);
                printer.misconfigured = Some(error);
                printer
            }
        }
    }

    /// The font, read and parsed on first use (~50 ms for the 19 MB
    /// collection). A missing or unreadable file is tried again on the next
    /// print (two loads racing at the first print both succeed; one is kept).
    pub fn font(&self) -> Result<&CertificateFont, ApiError> {
        if let Some(font) = self.font.get() {
            return Ok(font);
        }
        if self.misconfigured.is_some() {
            return Err(unavailable());
        }
        match CertificateFont::load(&self.font_path, self.font_index) {
            Ok(font) => Ok(self.font.get_or_init(|| font)),
            Err(error) => {
                tracing::error!(%error, path = %self.font_path.display(), "certificate font");
                Err(unavailable())
            }
        }
    }

    /// Whether the font file is where printing will look for it (the local
    /// server says so at start; printing still works once it appears).
    pub fn font_present(&self) -> bool {
        self.misconfigured.is_none() && self.font_path.is_file()
    }

    /// Where printing looks for the font.
    pub fn font_path(&self) -> &std::path::Path {
        &self.font_path
    }

    /// The site's address for links printed on certificates. Without
    /// `TICEDU_SITE_URL` only the local platform can print: its links name
    /// the loopback host the request came to. Elsewhere a link to a guessed
    /// host (an API gateway's, say) would be a QR code that verifies
    /// nothing, so printing is refused until the address is configured.
    pub fn site_url(&self, headers: &HeaderMap) -> Result<String, ApiError> {
        if let Some(url) = &self.site_url {
            return Ok(url.clone());
        }
        let host = headers
            .get(header::HOST)
            .and_then(|host| host.to_str().ok())
            .unwrap_or_default();
        let loopback = ["localhost", "127.0.0.1", "[::1]"].iter().any(|name| {
            host.strip_prefix(name).is_some_and(|port| {
                port.is_empty()
                    || port
                        .strip_prefix(':')
                        .is_some_and(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
            })
        });
        if loopback {
            return Ok(format!("http://{host}"));
        }
        tracing::error!("{SITE_URL} is not set: certificates cannot link to the verification page");
        Err(unavailable())
    }
}

fn unavailable() -> ApiError {
    ApiError::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "certificate.printing_unavailable",
        "证书打印暂不可用，请稍后再试。",
        "Certificate printing is unavailable; please try again later.",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_host(host: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::HOST, host.parse().unwrap());
        headers
    }

    #[test]
    fn the_configured_address_wins() {
        let printer = Printer::new("f.ttc".into(), 2, Some("https://ce.example.cn/".into()));
        assert_eq!(
            printer.site_url(&with_host("abc.execute-api.aws")).unwrap(),
            "https://ce.example.cn"
        );
    }

    #[test]
    fn without_it_only_loopback_hosts_are_trusted() {
        let printer = Printer::new("f.ttc".into(), 2, None);
        assert_eq!(
            printer.site_url(&with_host("127.0.0.1:8080")).unwrap(),
            "http://127.0.0.1:8080"
        );
        assert_eq!(
            printer.site_url(&with_host("localhost")).unwrap(),
            "http://localhost"
        );
        for host in [
            "abc.execute-api.aws",
            "127.0.0.1.evil.cn",
            "localhost:80x",
            "localhost:",
        ] {
            assert_eq!(
                printer.site_url(&with_host(host)).unwrap_err().code(),
                "certificate.printing_unavailable",
                "{host}"
            );
        }
        assert!(printer.site_url(&HeaderMap::new()).is_err());
    }

    #[test]
    fn a_font_installed_after_a_failed_print_is_found_by_the_next() {
        let installed = std::path::Path::new(DEBIAN_NOTO_CJK);
        assert!(
            installed.is_file(),
            "the test command installs fonts-noto-cjk"
        );
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("NotoSansCJK-Regular.ttc");
        let printer = Printer::new(path.clone(), NOTO_CJK_SIMPLIFIED_CHINESE, None);
        assert!(!printer.font_present());
        assert_eq!(
            printer.font().err().map(|e| e.code()),
            Some("certificate.printing_unavailable")
        );
        // Installed meanwhile, without a restart.
        std::os::unix::fs::symlink(installed, &path).unwrap();
        assert!(printer.font_present());
        assert!(printer.font().is_ok(), "the failed load was not kept");
    }

    #[test]
    fn a_bad_face_number_never_loads() {
        let mut printer = Printer::new(DEBIAN_NOTO_CJK.into(), 0, None);
        printer.misconfigured = Some("bad face".to_owned());
        assert!(!printer.font_present());
        assert!(printer.font().is_err());
    }
}
