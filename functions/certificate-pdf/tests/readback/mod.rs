//! What both read-back suites share: the font the test command installs and
//! the Debian tools (`pdftotext`, `pdfinfo`, `pdftoppm`, `zbarimg`) they
//! read a printed PDF with.

use std::path::Path;
use std::process::Command;

use ticedu_certificate_pdf::CertificateFont;

pub fn font() -> CertificateFont {
    CertificateFont::debian_noto().expect("fonts-noto-cjk is installed by the test command")
}

/// `program`'s standard output; fails the test when it fails.
pub fn run(program: &str, args: &[&str]) -> String {
    let output = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{program} (installed by the test command): {e}"));
    assert!(
        output.status.success(),
        "{program} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("UTF-8 output")
}

pub fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}
