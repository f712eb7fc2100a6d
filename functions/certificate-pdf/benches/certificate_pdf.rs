//! Certificate PDF benchmark: size and median generation time in-process,
//! beside the cost of the QR code alone measured in the same run.
//!
//! Run: `cargo bench -p ticedu-certificate-pdf` (needs Debian's fonts-noto-cjk).
//! Anchor: ≤ 25 KB and ≤ 4 ms median per certificate.

#[path = "../tests/sample/mod.rs"]
mod sample;

use std::time::{Duration, Instant};

use ticedu_certificate_pdf::{CertificateFont, render};

const SAMPLES: usize = 200;

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn main() {
    let started = Instant::now();
    let font = CertificateFont::debian_noto().expect("fonts-noto-cjk");
    let load = started.elapsed();
    println!(
        "font load (once per process): {:.1} ms",
        load.as_secs_f64() * 1e3
    );

    for (kind, data) in [
        ("holder", sample::holder()),
        ("new", sample::new_learner()),
        ("titled", sample::titled()),
    ] {
        let link = sample::verify_link(&data);
        let size = render(&font, &data, &link).unwrap().len();
        let mut pdf = Vec::with_capacity(SAMPLES);
        let mut qr = Vec::with_capacity(SAMPLES);
        for _ in 0..SAMPLES {
            let start = Instant::now();
            std::hint::black_box(render(&font, &data, &link).unwrap());
            pdf.push(start.elapsed());
            let start = Instant::now();
            std::hint::black_box(qrcode::QrCode::new(link.as_bytes()).unwrap().to_colors());
            qr.push(start.elapsed());
        }
        let (pdf, qr) = (median(pdf), median(qr));
        println!(
            "{kind:>6}: {:.1} KB (anchor ≤ 25 KB), median {:.2} ms (anchor ≤ 4 ms); QR alone {:.2} ms = {:.0}% of it",
            size as f64 / 1024.0,
            pdf.as_secs_f64() * 1e3,
            qr.as_secs_f64() * 1e3,
            100.0 * qr.as_secs_f64() / pdf.as_secs_f64(),
        );
    }
}
