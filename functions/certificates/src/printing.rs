//! Printing certificates: the font, loaded on the first print (verifications
//! and issuance never pay for it), and the site address the QR code points to.

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
    font: OnceLock<Result<CertificateFont, String>>,
    site_url: Option<String>,
}

impl Printer {
    pub fn new(font_path: PathBuf, font_index: usize, site_url: Option<String>) -> Self {
        Self {
            font_path,
            font_index,
            font: OnceLock::new(),
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
                let printer = Self::new(font_path.into(), 0, site_url);
                let _ = printer.font.set(Err(error));
                printer
            }
        }
    }

    /// The font, read and parsed on first use (~50 ms for the 19 MB collection).
    pub fn font(&self) -> Result<&CertificateFont, ApiError> {
        let loaded = self.font.get_or_init(|| {
            CertificateFont::load(&self.font_path, self.font_index).map_err(|error| {
                tracing::error!(%error, "certificate font");
                error.to_string()
            })
        });
        loaded.as_ref().map_err(|_| {
            ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "certificate.printing_unavailable",
                "证书打印暂不可用，请稍后再试。",
                "Certificate printing is unavailable; please try again later.",
            )
        })
    }

    /// The site's address for links printed on certificates. Without
    /// `TICEDU_SITE_URL` (the local platform) it is the host the request
    /// named: plain HTTP on loopback, HTTPS anywhere else.
    pub fn site_url(&self, headers: &HeaderMap) -> Result<String, ApiError> {
        if let Some(url) = &self.site_url {
            return Ok(url.clone());
        }
        let host = headers
            .get(header::HOST)
            .and_then(|host| host.to_str().ok())
            .filter(|host| {
                !host.is_empty()
                    && host.chars().all(|c| {
                        c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']')
                    })
            })
            .ok_or_else(|| {
                ApiError::new(
                    StatusCode::BAD_REQUEST,
                    "request.no_host",
                    "请求缺少有效的 Host。",
                    "The request names no valid Host.",
                )
            })?;
        let loopback = ["localhost", "127.0.0.1", "[::1]"]
            .iter()
            .any(|name| host == *name || host.starts_with(&format!("{name}:")));
        Ok(format!(
            "{}://{host}",
            if loopback { "http" } else { "https" }
        ))
    }
}
