//! The app's callback settings: [`Callbacks`], how requests are verified, the window, the deadline and
//! the limits, with their defaults.

use super::{EventSet, LocalReplayGuard, ReplayGuard};
use crate::clock::unix_now;
use crate::transport::BoxFuture;
use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;
use std::sync::atomic::AtomicUsize;
use std::time::Duration;

/// The default window: `RequestTime` may be this far from the app's clock, either way.
pub const DEFAULT_WINDOW: Duration = Duration::from_secs(60);
/// The default deadline for the handler: under the IM server's 2 s, leaving room for the network.
pub const DEFAULT_DEADLINE: Duration = Duration::from_millis(1500);
/// The default limit on a callback body: 1 MiB. The largest documented callback bodies are message
/// callbacks (a message body of at most 12 KB, with its offline-push and cloud data) and membership
/// callbacks listing up to a few hundred members (tens of KB); 1 MiB is twenty times that, and small
/// enough that a flood of large bodies cannot exhaust memory.
pub const DEFAULT_MAX_BODY: usize = 1024 * 1024;
/// The default number of "after" handlers that may run on past the deadline at once.
pub const DEFAULT_LATE_HANDLERS: usize = 64;

/// How requests are verified.
#[derive(Clone)]
pub(super) enum Auth {
    /// Neither a token nor the opt-out: every request is refused.
    Missing,
    /// Signed with this (non-empty) token.
    Token(String),
    /// Not verified, by the app's explicit choice.
    Unsigned,
}

/// The sleep the deadline runs on.
pub(super) type Timer = Arc<dyn Fn(Duration) -> BoxFuture<'static, ()> + Send + Sync>;

/// The app's side of the callback protocol for the events `E` of a generated crate
/// (`tim_rest::callbacks::Callbacks` is this type for `tim_rest::callbacks::Event`).
pub struct Callbacks<E: EventSet> {
    pub(super) sdkappid: u64,
    pub(super) auth: Auth,
    pub(super) window: Duration,
    pub(super) deadline: Duration,
    pub(super) max_body: usize,
    pub(super) late_limit: usize,
    pub(super) late: Arc<AtomicUsize>,
    pub(super) replay: Option<Arc<dyn ReplayGuard>>,
    pub(super) timer: Option<Timer>,
    pub(super) clock: fn() -> u64,
    pub(super) events: PhantomData<fn() -> E>,
}

impl<E: EventSet> Clone for Callbacks<E> {
    fn clone(&self) -> Self {
        Callbacks {
            sdkappid: self.sdkappid,
            auth: self.auth.clone(),
            window: self.window,
            deadline: self.deadline,
            max_body: self.max_body,
            late_limit: self.late_limit,
            late: self.late.clone(),
            replay: self.replay.clone(),
            timer: self.timer.clone(),
            clock: self.clock,
            events: PhantomData,
        }
    }
}

impl<E: EventSet> fmt::Debug for Callbacks<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let auth = match self.auth {
            Auth::Missing => "not configured (every request refused)",
            Auth::Token(_) => "signed (token redacted)",
            Auth::Unsigned => "unsigned (opted out)",
        };
        f.debug_struct("Callbacks")
            .field("sdkappid", &self.sdkappid)
            .field("verification", &auth)
            .field("window", &self.window)
            .field("deadline", &self.deadline)
            .field("max_body", &self.max_body)
            .field("replay_guard", &self.replay.is_some())
            .finish_non_exhaustive()
    }
}

impl<E: EventSet> Callbacks<E> {
    /// Callbacks for application `sdkappid`. Verification must be chosen: [`Callbacks::token`] (the
    /// console's callback authentication token) or [`Callbacks::unsigned`]; until then every request is
    /// refused ([`Rejection::NotConfigured`](super::Rejection::NotConfigured)). The replay guard is on, in process. Inside a tokio runtime
    /// (features `reqwest` or `axum`) the deadline runs on tokio's timer; otherwise set one with
    /// [`Callbacks::timer`].
    pub fn new(sdkappid: u64) -> Self {
        Callbacks {
            sdkappid,
            auth: Auth::Missing,
            window: DEFAULT_WINDOW,
            deadline: DEFAULT_DEADLINE,
            max_body: DEFAULT_MAX_BODY,
            late_limit: DEFAULT_LATE_HANDLERS,
            late: Arc::new(AtomicUsize::new(0)),
            replay: Some(Arc::new(LocalReplayGuard::new())),
            timer: default_timer(),
            clock: unix_now,
            events: PhantomData,
        }
    }

    /// Requires every request to be signed with `token` (the console's callback authentication token).
    /// An empty token verifies nothing: it leaves the callbacks unconfigured (every request refused).
    #[must_use]
    pub fn token(mut self, token: impl Into<String>) -> Self {
        let token = token.into();
        self.auth = if token.is_empty() {
            tracing::error!(target: "tim_rest::callbacks", "empty callback token: every request will be refused");
            Auth::Missing
        } else {
            Auth::Token(token)
        };
        self
    }

    /// Accepts requests without verifying them: anyone who can reach the callback URL can then post any
    /// event as the IM server. Only for apps whose console has callback authentication off, behind
    /// another check (a private network, a gateway that verifies). Logs a WARN.
    #[must_use]
    pub fn unsigned(mut self) -> Self {
        tracing::warn!(
            target: "tim_rest::callbacks",
            sdkappid = self.sdkappid,
            "callbacks accept unsigned requests: anyone who reaches the URL can post events; turn on callback authentication in the console and set the token"
        );
        self.auth = Auth::Unsigned;
        self
    }

    /// How far `RequestTime` may be from the app's clock, either way (default 60 s).
    #[must_use]
    pub fn window(mut self, window: Duration) -> Self {
        self.window = window;
        self
    }

    /// How long the handler may take before the default answer is sent instead (default 1.5 s; the
    /// server gives up after 2 s).
    #[must_use]
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = deadline;
        self
    }

    /// The largest body accepted, in bytes (default [`DEFAULT_MAX_BODY`], 1 MiB); a larger one is
    /// refused with 413.
    #[must_use]
    pub fn max_body(mut self, bytes: usize) -> Self {
        self.max_body = bytes;
        self
    }

    /// How many "after" handlers may run on past the deadline at once (default
    /// [`DEFAULT_LATE_HANDLERS`]); beyond it, an overrunning handler is cancelled.
    #[must_use]
    pub fn late_handlers(mut self, n: usize) -> Self {
        self.late_limit = n;
        self
    }

    /// Keeps the replay guard's records in `guard` (e.g. `pacing::RedisStore` for a fleet, features
    /// `redis` and `callbacks`) instead of the process.
    #[must_use]
    pub fn replay_guard(mut self, guard: impl ReplayGuard) -> Self {
        self.replay = Some(Arc::new(guard));
        self
    }

    /// Turns the replay guard off (a repeated signed request is then accepted within the window).
    #[must_use]
    pub fn no_replay_guard(mut self) -> Self {
        self.replay = None;
        self
    }

    /// The timer the deadline runs on (any async runtime's sleep).
    #[must_use]
    pub fn timer(mut self, sleep: impl Fn(Duration) -> BoxFuture<'static, ()> + Send + Sync + 'static) -> Self {
        self.timer = Some(Arc::new(sleep));
        self
    }

    /// The clock used for the window (Unix seconds), for tests.
    #[must_use]
    pub fn clock(mut self, now: fn() -> u64) -> Self {
        self.clock = now;
        self
    }

    /// The body limit ([`Callbacks::max_body`]).
    pub fn body_limit(&self) -> usize {
        self.max_body
    }
}

#[cfg(any(feature = "reqwest", feature = "axum"))]
fn default_timer() -> Option<Timer> {
    Some(Arc::new(|d| Box::pin(tokio::time::sleep(d))))
}

#[cfg(not(any(feature = "reqwest", feature = "axum")))]
fn default_timer() -> Option<Timer> {
    None
}
