//! Logs: JSON lines in Lambda (CloudWatch parses them), readable lines locally.
//! Fields carry ids, codes and timings; never a name, ID number, username,
//! password or token.

use tracing_subscriber::EnvFilter;

/// The AWS SDK logs whole requests and responses at debug and trace level:
/// DynamoDB items, which hold ID numbers. However verbose `RUST_LOG` makes
/// the rest, the SDK says no more than info.
const SDK_AT_MOST_INFO: [&str; 2] = ["aws_smithy=info", "aws_sdk=info"];

fn filter() -> EnvFilter {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    SDK_AT_MOST_INFO
        .iter()
        .filter_map(|directive| directive.parse().ok())
        .fold(filter, EnvFilter::add_directive)
}

/// For Lambda: JSON, no ANSI colours, no timestamps (CloudWatch adds them).
/// Each line carries its request's span (`"span": {"name": "request",
/// "viewer": …}`, the viewer's address from `CloudFront-Viewer-Address`,
/// see [`crate::origin`]); the only span, and it holds no path or query.
pub fn init_for_lambda() {
    let _ = tracing_subscriber::fmt()
        .json()
        .with_env_filter(filter())
        .with_ansi(false)
        .without_time()
        .with_current_span(true)
        .with_span_list(false)
        .try_init();
}

/// For the local server and tools.
pub fn init_for_terminal() {
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter())
        .with_target(false)
        .try_init();
}
