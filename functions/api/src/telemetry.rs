//! Logs: JSON lines in Lambda (CloudWatch parses them), readable lines locally.
//! Fields carry ids, codes and timings; never a name, ID number, username,
//! password or token.

use tracing_subscriber::EnvFilter;

fn filter() -> EnvFilter {
    EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"))
}

/// For Lambda: JSON, no ANSI colours, no timestamps (CloudWatch adds them).
pub fn init_for_lambda() {
    let _ = tracing_subscriber::fmt()
        .json()
        .with_env_filter(filter())
        .with_ansi(false)
        .without_time()
        .with_current_span(false)
        .try_init();
}

/// For the local server and tools.
pub fn init_for_terminal() {
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter())
        .with_target(false)
        .try_init();
}
