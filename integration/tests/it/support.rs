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

thread_local! {
    /// The sink and level of the capture running on this thread, if any.
    static SINK: std::cell::RefCell<Option<(Captured, tracing::Level)>> = const { std::cell::RefCell::new(None) };
}

/// Writes an event to this thread's sink (an event another thread logs goes nowhere).
struct ThreadSink;

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for ThreadSink {
    type Writer = Captured;
    fn make_writer(&'a self) -> Captured {
        SINK.with(|s| s.borrow().as_ref().map(|(c, _)| c.clone())).unwrap_or_default()
    }
}

/// One process-wide subscriber, installed once, that decides per event whether the event's thread is
/// capturing at its level. Thread-local subscribers (`set_default`) are not enough: tracing caches each
/// call site's interest across all subscribers, and a call site first reached on another thread while
/// a capture starts or ends can stay switched off for it. Here every call site is asked each time.
fn install() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        use tracing_subscriber::layer::SubscriberExt;
        // A dynamic filter: its call-site interest is "sometimes", so it is asked at every event.
        let capturing = tracing_subscriber::filter::dynamic_filter_fn(|meta, _| {
            SINK.with(|s| s.borrow().as_ref().is_some_and(|(_, level)| meta.level() <= level))
        });
        let subscriber = tracing_subscriber::fmt().with_max_level(tracing::Level::TRACE).with_writer(ThreadSink).finish().with(capturing);
        // Another global subscriber would only mean no capture works; the tests that rely on one say so.
        let _ = tracing::subscriber::set_global_default(subscriber);
    });
}

/// Ends the capture of its thread when dropped.
pub struct CaptureGuard(());

impl Drop for CaptureGuard {
    fn drop(&mut self) {
        SINK.with(|s| s.borrow_mut().take());
    }
}

/// Captures the events logged on this thread at `level` and above until the guard drops. The
/// `#[tokio::test]` runtime runs a test on one thread, so this is the test's own events.
pub fn capture(level: tracing::Level) -> (Captured, CaptureGuard) {
    install();
    let logs = Captured::default();
    SINK.with(|s| *s.borrow_mut() = Some((logs.clone(), level)));
    (logs, CaptureGuard(()))
}
