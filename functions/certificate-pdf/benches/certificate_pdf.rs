//! Certificate PDF benchmark: size and median generation time in-process,
//! each beside its budget, and beside the QR code alone measured in the same
//! run — of today's link (number + detached signature) and, as the anchor,
//! of the ~480-character JWT link certificates carried before 2026-12.
//!
//! Run: `cargo bench -p ticedu-certificate-pdf` (needs Debian's fonts-noto-cjk).
//! Budget: ≤ 25 KB and ≤ 4 ms median per certificate, for every learner kind.

#[path = "../tests/sample/mod.rs"]
mod sample;

use std::time::{Duration, Instant};

use ticedu_certificate_pdf::{CertificateFont, render};

const SAMPLES: usize = 200;
const BUDGET_BYTES: usize = 25 * 1024;
const BUDGET: Duration = Duration::from_millis(4);

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1e3)
}

/// The median time of encoding `link` with the `qrcode` crate, which the
/// certificate used before 2026-12: the anchor, measured alike in every run.
fn qr_alone(link: &str) -> (Duration, usize) {
    let encode = || {
        qrcode::QrCode::with_error_correction_level(link.as_bytes(), qrcode::EcLevel::M).unwrap()
    };
    let width = encode().width();
    let samples = (0..SAMPLES)
        .map(|_| {
            let start = Instant::now();
            std::hint::black_box(encode().to_colors());
            start.elapsed()
        })
        .collect();
    (median(samples), width)
}

/// The median time of encoding `link` as the QR code the certificate draws.
fn qr_drawn(link: &str) -> (Duration, i32) {
    let encode = || qrcodegen::QrCode::encode_text(link, qrcodegen::QrCodeEcc::Medium).unwrap();
    let width = encode().size();
    let samples = (0..SAMPLES)
        .map(|_| {
            let start = Instant::now();
            std::hint::black_box(encode());
            start.elapsed()
        })
        .collect();
    (median(samples), width)
}

fn verdict(ok: bool) -> &'static str {
    if ok { "ok" } else { "OVER" }
}

fn main() {
    let started = Instant::now();
    let font = CertificateFont::debian_noto().expect("fonts-noto-cjk");
    println!(
        "font load (once per process): {:.1} ms",
        started.elapsed().as_secs_f64() * 1e3
    );

    let holder = sample::holder();
    let (old_qr, old_width) = qr_alone(&sample::old_verify_link(&holder));
    let old_link = sample::old_verify_link(&holder).len();
    println!(
        "anchor, this run: QR code of a pre-2026-12 link ({old_link} characters, {old_width}×{old_width} modules) {}",
        ms(old_qr)
    );
    for (kind, data) in [
        ("holder", holder),
        ("new", sample::new_learner()),
        ("titled", sample::titled()),
    ] {
        let link = sample::verify_link(&data);
        let size = render(&font, &data, &link).unwrap().len();
        let samples = (0..SAMPLES)
            .map(|_| {
                let start = Instant::now();
                std::hint::black_box(render(&font, &data, &link).unwrap());
                start.elapsed()
            })
            .collect();
        let pdf = median(samples);
        let (qr, width) = qr_drawn(&link);
        println!(
            "{kind:>6}: {:.1} KB (budget ≤ 25 KB: {}), median {} (budget ≤ 4 ms: {}); its QR code ({} characters, {width}×{width}) {} = {:.0}% of it",
            size as f64 / 1024.0,
            verdict(size <= BUDGET_BYTES),
            ms(pdf),
            verdict(pdf <= BUDGET),
            link.len(),
            ms(qr),
            100.0 * qr.as_secs_f64() / pdf.as_secs_f64(),
        );
    }
}
