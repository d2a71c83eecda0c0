//! What the test modules share: the app of the local server and its secret key.

use tim_rest::mock::MockServer;

/// The SDKAppID every local server and client of these tests uses.
pub const APPID: u64 = 1400000000;

/// The secret key of that app (a test value, not a real key).
pub const KEY: &str = "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e";

/// The console token that signs callback requests in the callback tests.
pub const TOKEN: &str = "console-token";

/// A local server for [`APPID`] with the admin `administrator`, on 127.0.0.1.
pub async fn server() -> MockServer {
    MockServer::start(APPID, "administrator", KEY).await.expect("bind 127.0.0.1")
}

/// A log sink for `tracing` events.
#[derive(Clone, Default)]
pub struct Captured(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    /// Everything logged so far.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap_or_else(|p| p.into_inner())).into_owned()
    }
}

/// Tests that capture logs run one at a time: tracing's level filter is shared by every subscriber of
/// the process.
static CAPTURING: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Captures the events of this thread at `level` and above until the guards drop.
pub async fn capture(level: tracing::Level) -> (Captured, tracing::subscriber::DefaultGuard, tokio::sync::MutexGuard<'static, ()>) {
    let lock = CAPTURING.lock().await;
    let logs = Captured::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt().with_max_level(level).with_writer(move || writer.clone()).finish();
    (logs, tracing::subscriber::set_default(subscriber), lock)
}
