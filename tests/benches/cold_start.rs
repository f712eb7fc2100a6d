//! Cold start of each function binary: the time from exec until it asks a
//! local Lambda Runtime API emulator for its first invocation, beside the
//! exec of `/bin/true` measured in the same run; and each binary's size.
//!
//! Run: `cargo build --release -p ticedu-accounts -p ticedu-learning -p ticedu-payments -p ticedu-admin -p ticedu-certificates &&
//!       cargo bench -p ticedu-tests --bench cold_start`

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const RUNS: usize = 25;

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn release_binary(name: &str) -> PathBuf {
    let target = std::env::var("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../target")));
    target.join("release").join(name)
}

/// Exec to the first `GET …/runtime/invocation/next` on the emulator.
fn cold_start(binary: &PathBuf) -> Duration {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let api = listener.local_addr().unwrap().to_string();
    let started = Instant::now();
    let mut child = Command::new(binary)
        .env_clear()
        .env("AWS_LAMBDA_RUNTIME_API", &api)
        .env("AWS_LAMBDA_FUNCTION_NAME", "ticedu-bench")
        .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "256")
        .env("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
        .env("AWS_LAMBDA_LOG_STREAM_NAME", "bench")
        .env("AWS_LAMBDA_LOG_GROUP_NAME", "bench")
        .env("AWS_REGION", "cn-north-1")
        .env("AWS_ACCESS_KEY_ID", "bench")
        .env("AWS_SECRET_ACCESS_KEY", "bench")
        .env("TICEDU_TABLE", "ticedu")
        .env(
            "TICEDU_TOKEN_PUBLIC_KEYS",
            ticedu_local::DEVELOPMENT_TOKEN_PUBLIC_KEYS,
        )
        .env("TICEDU_TOKEN_SIGNING_KID", ticedu_local::DEVELOPMENT_TOKEN_KEY.0)
        .env("TICEDU_TOKEN_SIGNING_KEY", ticedu_local::DEVELOPMENT_TOKEN_KEY.1)
        .env(
            "TICEDU_ACCOUNT_KEY_SECRET",
            "dGljZWR1IGJlbmNobWFyayBhY2NvdW50IGtleSwgMzIgYnl0ZXMrIQ==",
        )
        .env("TICEDU_CERT_SIGNING_KID", "bench")
        .env("TICEDU_CERT_SIGNING_KEY", "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIK6H/mKVwq6QZ2bP5CAPEHq2LT1E3d1758o8oQv8GViD\n-----END PRIVATE KEY-----\n")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("the binary starts");
    let (stream, _) = listener.accept().unwrap();
    let mut line = String::new();
    BufReader::new(stream).read_line(&mut line).unwrap();
    let elapsed = started.elapsed();
    assert!(
        line.starts_with("GET /2018-06-01/runtime/invocation/next"),
        "unexpected first request: {line}"
    );
    child.kill().ok();
    child.wait().ok();
    elapsed
}

fn exec_true() -> Duration {
    let started = Instant::now();
    Command::new("/bin/true").status().unwrap();
    started.elapsed()
}

fn main() {
    let binaries = ["accounts", "learning", "payments", "admin", "certificates"]
        .map(|name| (name, release_binary(name)));
    if let Some((_, missing)) = binaries.iter().find(|(_, path)| !path.exists()) {
        eprintln!(
            "{} is missing: cargo build --release -p ticedu-accounts -p ticedu-learning -p ticedu-payments -p ticedu-admin -p ticedu-certificates",
            missing.display()
        );
        std::process::exit(1);
    }
    let baseline = median((0..RUNS).map(|_| exec_true()).collect());
    println!(
        "cold start: exec → first request to the Runtime API (median of {RUNS}; ratio to exec of /bin/true)"
    );
    println!(
        "{:<12} {:>10} {:>8} {:>12}",
        "function", "median", "ratio", "binary"
    );
    println!(
        "{:<12} {:>8.2}ms {:>8.2} {:>12}",
        "/bin/true",
        baseline.as_secs_f64() * 1e3,
        1.0,
        "-"
    );
    for (name, path) in &binaries {
        let samples: Vec<_> = (0..RUNS).map(|_| cold_start(path)).collect();
        let median = median(samples);
        let size = std::fs::metadata(path).unwrap().len();
        println!(
            "{name:<12} {:>8.2}ms {:>8.2} {:>10.1}MB",
            median.as_secs_f64() * 1e3,
            median.as_secs_f64() / baseline.as_secs_f64(),
            size as f64 / 1e6
        );
    }
}
