//! Every log line a test process writes, kept in memory so that a test can
//! assert what the platform logged (PIPL: no ID number, username or password).

use std::sync::Mutex;

static LINES: Mutex<Vec<u8>> = Mutex::new(Vec::new());

struct Sink;

impl std::io::Write for Sink {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        LINES.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Installs the capturing subscriber (JSON, every level) as this process's
/// global default; harmless when called again.
pub fn capture() {
    let _ = tracing_subscriber::fmt()
        .json()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(|| Sink)
        .try_init();
}

/// Everything logged since [`capture`].
pub fn captured() -> String {
    String::from_utf8_lossy(&LINES.lock().unwrap()).into_owned()
}
