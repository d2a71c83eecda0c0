//! Receiving Tencent IM callbacks (第三方回调): verify, decode, answer (feature `callbacks`).
//!
//! The IM server POSTs an event to the app's callback URL, with the query parameters `SdkAppid`,
//! `CallbackCommand`, `contenttype`, `ClientIP`, `OptPlatform` and, when authentication is on in the
//! console, `Sign` and `RequestTime`; `Sign` is the lowercase hex SHA-256 of the console's token
//! followed directly by `RequestTime`. The app answers HTTP 200 with the envelope
//! `{"ActionStatus":"OK","ErrorInfo":"","ErrorCode":0}`; for "before" callbacks the `ErrorCode` (and
//! some extra fields) decide what happens, "after" callbacks' replies are ignored. The server waits
//! about 2 seconds, then applies the console's default.
//!
//! [`Callbacks`] does the app's side, before any of its code runs, in this order:
//!
//! 1. parses the query ([`CallbackQuery`]; a security parameter given twice is refused);
//! 2. checks that `SdkAppid` is the app's;
//! 3. checks `Sign` in constant time against the configured token, and that `RequestTime` is within the
//!    window (default 60 s either way). Verification fails closed: a [`Callbacks`] needs a token
//!    ([`Callbacks::token`]), or the explicit opt-out [`Callbacks::unsigned`]; with neither, every request
//!    is refused;
//! 4. refuses a body over the limit ([`Callbacks::max_body`], default 1 MiB) without reading it whole
//!    (the axum route reads the body only after the query passed);
//! 5. refuses a body whose `CallbackCommand` is not the query's;
//! 6. refuses a request already accepted within the window (the [`replay`] guard, on for signed
//!    requests; see there what the signature does and does not protect);
//! 7. decodes the body into the generated event type (drift-tolerant, like REST replies; the
//!    corrections are on [`Incoming::corrections`]).
//!
//! A refused request gets an HTTP error status ([`Rejection::status`]), a body that says why in general
//! terms only, a WARN log line with the command and the reason, and never reaches the handler. An
//! accepted one is logged at DEBUG.
//!
//! **The handler and the deadline.** The handler gets the typed event and returns an [`Answer`] (the
//! generated reply types convert into one: `C2cBeforeSendMsgReply::reject().into()`). The answer must
//! leave before the server's 2 s: at the deadline (default 1.5 s) the command's documented default
//! answer is sent instead, on every path (an undecodable event included, whose handler's answer is
//! never used). Inside a tokio runtime the handler runs on its own task, so even a handler that blocks
//! its thread cannot hold the answer back (on a multi-threaded runtime); what happens to a handler still
//! running at the deadline depends on the callback:
//!
//! - "before" callbacks (the answer decides): the handler is cancelled; its answer could no longer
//!   change anything;
//! - "after" callbacks (a receipt): the handler runs on to completion on its task, so the work it does
//!   (storing, notifying) is not lost; at most [`Callbacks::late_handlers`] (default 64) run on at once,
//!   later ones are cancelled with a WARN.
//!
//! Handlers must not block: call blocking code through `tokio::task::spawn_blocking`. Without a tokio
//! runtime (another executor), the handler runs inline, raced against [`Callbacks::timer`], and is
//! cancelled at the deadline.
//!
//! [`Callbacks::handle`] is the framework-agnostic entry point (query string and body in, status and
//! body out); [`axum`] (feature `axum`) mounts it on a route.

use crate::clock::unix_now;
use crate::transport::BoxFuture;
use bytes::Bytes;
use sha2::{Digest, Sha256};
use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

mod answer;
#[cfg(feature = "axum")]
pub mod axum;
mod event;
mod query;
mod registry;
pub mod replay;

pub use answer::{Answer, CallbackResponse, decode_ack, decode_reply_as};
pub use event::{EventSet, Incoming};
pub use query::{CallbackQuery, OptPlatform, Rejection, sign};
pub use registry::{CallbackExample, CallbackInfo, OutcomeInfo};
pub use replay::{LocalReplayGuard, ReplayGuard};

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
enum Auth {
    /// Neither a token nor the opt-out: every request is refused.
    Missing,
    /// Signed with this (non-empty) token.
    Token(String),
    /// Not verified, by the app's explicit choice.
    Unsigned,
}

type Timer = Arc<dyn Fn(Duration) -> BoxFuture<'static, ()> + Send + Sync>;

/// The app's side of the callback protocol for the events `E` of a generated crate
/// (`tim_rest::callbacks::Callbacks` is this type for `tim_rest::callbacks::Event`).
pub struct Callbacks<E: EventSet> {
    sdkappid: u64,
    auth: Auth,
    window: Duration,
    deadline: Duration,
    max_body: usize,
    late_limit: usize,
    late: Arc<AtomicUsize>,
    replay: Option<Arc<dyn ReplayGuard>>,
    timer: Option<Timer>,
    clock: fn() -> u64,
    events: PhantomData<fn() -> E>,
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

/// Compares two byte strings in constant time (for equal lengths).
fn same(a: &[u8], b: &[u8]) -> bool {
    use subtle::ConstantTimeEq;
    a.len() == b.len() && bool::from(a.ct_eq(b))
}

/// The body's `CallbackCommand`, read without decoding the rest: `None` when the body is not a JSON
/// object (it is then handed on as undecodable), `Some(None)` when the object has none.
fn body_command(body: &[u8]) -> Option<Option<String>> {
    #[derive(serde::Deserialize)]
    struct Only {
        #[serde(rename = "CallbackCommand", default)]
        command: Option<serde_json::Value>,
    }
    // Only an object: serde would also read a one-item array into the struct.
    if body.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
        return None;
    }
    let only = serde_json::from_slice::<Only>(body).ok()?;
    Some(match only.command {
        Some(serde_json::Value::String(s)) => Some(s),
        _ => None,
    })
}

impl<E: EventSet> Callbacks<E> {
    /// Callbacks for application `sdkappid`. Verification must be chosen: [`Callbacks::token`] (the
    /// console's callback authentication token) or [`Callbacks::unsigned`]; until then every request is
    /// refused ([`Rejection::NotConfigured`]). The replay guard is on, in process. Inside a tokio runtime
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

    /// Checks the query in the documented order: application, signature, freshness.
    pub fn verify(&self, query: &CallbackQuery) -> Result<(), Rejection> {
        if query.sdk_appid != self.sdkappid {
            return Err(Rejection::WrongApp { got: query.sdk_appid });
        }
        let token = match &self.auth {
            Auth::Missing => return Err(Rejection::NotConfigured),
            Auth::Unsigned => return Ok(()),
            Auth::Token(t) => t,
        };
        let (Some(given), Some(time)) = (&query.sign, query.request_time) else { return Err(Rejection::Unsigned) };
        if !same(sign(token, time).as_bytes(), given.to_ascii_lowercase().as_bytes()) {
            return Err(Rejection::BadSignature);
        }
        let now = (self.clock)();
        if now.abs_diff(time) > self.window.as_secs() {
            return Err(Rejection::Stale { request_time: time, now });
        }
        Ok(())
    }

    /// Parses and verifies a query string, before the body is read.
    pub fn check_query(&self, query: &str) -> Result<CallbackQuery, Rejection> {
        let q = CallbackQuery::parse(query)?;
        self.verify(&q)?;
        Ok(q)
    }

    /// The checks on the body of a verified request: its size, its `CallbackCommand`, and the replay
    /// guard.
    async fn admit(&self, query: &CallbackQuery, body: &[u8]) -> Result<(), Rejection> {
        if body.len() > self.max_body {
            return Err(Rejection::TooLarge { limit: self.max_body });
        }
        if let Some(in_body) = body_command(body)
            && in_body.as_deref() != Some(query.command.as_str())
        {
            return Err(Rejection::CommandMismatch { query: query.command.clone(), body: in_body });
        }
        if let (Some(guard), Some(time), Auth::Token(_)) = (&self.replay, query.request_time, &self.auth) {
            let digest = Sha256::digest(body);
            let mut key = format!("{}:{time}:{}:", self.sdkappid, query.command);
            for b in digest {
                key.push(char::from(b"0123456789abcdef"[usize::from(b >> 4)]));
                key.push(char::from(b"0123456789abcdef"[usize::from(b & 0x0f)]));
            }
            match guard.first_seen(&key, self.window.saturating_mul(2)).await {
                Ok(true) => {}
                Ok(false) => return Err(Rejection::Replayed),
                Err(e) => return Err(Rejection::GuardUnavailable(e.0)),
            }
        }
        Ok(())
    }

    /// Parses and verifies the query, checks the body, then decodes it. A catalogued event whose body
    /// does not decode comes back as `E::undecodable(..)`, an unknown command as `E::unknown(..)`.
    pub async fn receive(&self, query: &str, body: &[u8]) -> Result<Incoming<E>, Rejection> {
        let query = self.check_query(query)?;
        self.receive_checked(query, body).await
    }

    /// [`Callbacks::receive`] for a query already verified with [`Callbacks::check_query`].
    pub async fn receive_checked(&self, query: CallbackQuery, body: &[u8]) -> Result<Incoming<E>, Rejection> {
        self.admit(&query, body).await?;
        let command = query.command.clone();
        let (event, corrections, undecodable) = match E::decode(&command, body) {
            Some(Ok((event, corrections))) => {
                crate::drift::report(&command, &corrections);
                (event, corrections, false)
            }
            Some(Err(e)) => {
                tracing::warn!(target: "tim_rest::callbacks", command = %command, error = %e, "callback body does not decode");
                (E::undecodable(command, Bytes::copy_from_slice(body), e.to_string()), Vec::new(), true)
            }
            None => (E::unknown(command, serde_json::from_slice(body).unwrap_or(serde_json::Value::Null)), Vec::new(), false),
        };
        Ok(Incoming { query, event, corrections, body: Bytes::copy_from_slice(body), undecodable })
    }

    /// The framework-agnostic entry point: verifies, decodes, runs `handler` within the deadline (see
    /// the [module docs](self)) and returns the status and body to send. A refused request never reaches
    /// the handler; an overrun or an undecodable event gets the command's default answer.
    pub async fn handle<H, F>(&self, query: &str, body: &[u8], handler: H) -> CallbackResponse
    where
        H: FnOnce(Incoming<E>) -> F,
        F: Future<Output = Answer> + Send + 'static,
    {
        match self.check_query(query) {
            Ok(q) => self.handle_checked(q, body, handler).await,
            Err(r) => {
                let command = CallbackQuery::parse(query).map(|q| q.command).unwrap_or_default();
                refused(&command, &r)
            }
        }
    }

    /// [`Callbacks::handle`] for a query already verified with [`Callbacks::check_query`] (the axum route
    /// verifies the query before it reads the body).
    pub async fn handle_checked<H, F>(&self, query: CallbackQuery, body: &[u8], handler: H) -> CallbackResponse
    where
        H: FnOnce(Incoming<E>) -> F,
        F: Future<Output = Answer> + Send + 'static,
    {
        let command = query.command.clone();
        let incoming = match self.receive_checked(query, body).await {
            Ok(i) => i,
            Err(r) => return refused(&command, &r),
        };
        tracing::debug!(target: "tim_rest::callbacks", command = %command, "callback accepted");
        let default = E::default_answer(&command);
        let undecodable = incoming.undecodable;
        // An undecodable event's answer is never used: like an "after" callback, its handler may run on.
        let decides = E::decides(&command) && !undecodable;
        match self.run(handler(incoming), &command, decides).await {
            Some(a) if !undecodable => CallbackResponse::answer(&a),
            _ => CallbackResponse::answer(&default),
        }
    }

    /// Runs the handler's work within the deadline: `Some(answer)` in time, `None` after the deadline
    /// (or a panic on the handler's task).
    async fn run<F>(&self, work: F, command: &str, decides: bool) -> Option<Answer>
    where
        F: Future<Output = Answer> + Send + 'static,
    {
        let Some(timer) = &self.timer else { return Some(work.await) };
        #[cfg(any(feature = "reqwest", feature = "axum"))]
        if let Ok(rt) = tokio::runtime::Handle::try_current() {
            let mut task = rt.spawn(work);
            return match race(&mut task, timer(self.deadline)).await {
                Some(Ok(a)) => Some(a),
                Some(Err(e)) => {
                    tracing::error!(target: "tim_rest::callbacks", command = %command, error = %e, "callback handler failed; answered the default");
                    None
                }
                None if decides => {
                    task.abort();
                    tracing::warn!(target: "tim_rest::callbacks", command = %command, "handler overran the deadline: cancelled, the default answer was sent");
                    None
                }
                None => {
                    if self.late.fetch_add(1, Ordering::AcqRel) < self.late_limit {
                        let late = self.late.clone();
                        rt.spawn(async move {
                            let _ = task.await;
                            late.fetch_sub(1, Ordering::AcqRel);
                        });
                        tracing::warn!(target: "tim_rest::callbacks", command = %command, "handler overran the deadline: the default answer was sent, the handler runs on");
                    } else {
                        self.late.fetch_sub(1, Ordering::AcqRel);
                        task.abort();
                        tracing::warn!(target: "tim_rest::callbacks", command = %command, limit = self.late_limit, "handler overran the deadline with too many late handlers running: cancelled");
                    }
                    None
                }
            };
        }
        let _ = decides;
        let out = race(work, timer(self.deadline)).await;
        if out.is_none() {
            tracing::warn!(target: "tim_rest::callbacks", command = %command, "handler overran the deadline: cancelled, the default answer was sent");
        }
        out
    }
}

/// A refusal: logged with the command and the reason, answered with the status and a general body.
fn refused(command: &str, r: &Rejection) -> CallbackResponse {
    tracing::warn!(target: "tim_rest::callbacks", command = %command, status = r.status(), reason = %r, "callback refused");
    CallbackResponse::rejected(r)
}

/// Polls `work` and `timeout` together: `Some` with the work's output, or `None` when the timeout ends
/// first.
async fn race<T>(work: impl Future<Output = T>, timeout: BoxFuture<'static, ()>) -> Option<T> {
    let mut work = std::pin::pin!(work);
    let mut timeout = timeout;
    std::future::poll_fn(move |cx| {
        if let std::task::Poll::Ready(v) = work.as_mut().poll(cx) {
            return std::task::Poll::Ready(Some(v));
        }
        if timeout.as_mut().poll(cx).is_ready() {
            return std::task::Poll::Ready(None);
        }
        std::task::Poll::Pending
    })
    .await
}

#[cfg(any(feature = "reqwest", feature = "axum"))]
fn default_timer() -> Option<Timer> {
    Some(Arc::new(|d| Box::pin(tokio::time::sleep(d))))
}

#[cfg(not(any(feature = "reqwest", feature = "axum")))]
fn default_timer() -> Option<Timer> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::drift::Correction;
    use serde_json::Value;

    /// A two-command event set for the runtime's own tests (the generated one is tested in
    /// `integration/tests/callbacks.rs`).
    #[derive(Debug, PartialEq)]
    enum TestEvent {
        Ping(Value),
        Unknown(String),
        Raw(String),
    }

    impl EventSet for TestEvent {
        fn decode(command: &str, body: &[u8]) -> Option<Result<(Self, Vec<Correction>), serde_json::Error>> {
            (command == "Test.Ping").then(|| match serde_json::from_slice::<Value>(body) {
                Ok(v @ Value::Object(_)) => Ok((TestEvent::Ping(v), Vec::new())),
                Ok(_) => Err(serde::de::Error::custom("not an object")),
                Err(e) => Err(e),
            })
        }
        fn unknown(command: String, _: Value) -> Self {
            TestEvent::Unknown(command)
        }
        fn undecodable(command: String, _: Bytes, _: String) -> Self {
            TestEvent::Raw(command)
        }
        fn default_answer(_: &str) -> Answer {
            Answer::ok().info("default")
        }
    }

    const TOKEN: &str = "xxxxyyyy";
    fn at_request_time() -> u64 {
        1669872112
    }
    fn signed(cmd: &str, appid: u64, sign: &str) -> String {
        format!(
            "SdkAppid={appid}&CallbackCommand={cmd}&contenttype=json&ClientIP=1.2.3.4&OptPlatform=IOS&Sign={sign}&RequestTime=1669872112"
        )
    }
    fn callbacks() -> Callbacks<TestEvent> {
        Callbacks::new(1400000000).token(TOKEN).clock(at_request_time)
    }
    const GOOD: &str = "17773bc39a671d7b9aa835458704d2a6db81360a5940292b587d6d760d484061";

    #[test]
    fn the_official_signature_example() {
        assert_eq!(sign("xxxxyyyy", 1669872112), GOOD);
        // The page's other spelling of the token does not give that hash.
        assert_ne!(sign("xxxyyy", 1669872112), GOOD);
    }

    #[test]
    fn queries_parse_and_checks_run_in_order() {
        let q = CallbackQuery::parse(&signed("Test.Ping", 1400000000, GOOD)).expect("parses");
        assert_eq!((q.sdk_appid, q.command.as_str(), q.opt_platform.clone()), (1400000000, "Test.Ping", Some(OptPlatform::Ios)));
        assert_eq!(q.client_ip.as_deref(), Some("1.2.3.4"));
        let c = callbacks();
        assert_eq!(c.verify(&q), Ok(()));
        // The app id is checked first: a wrong app with a wrong signature is a wrong app.
        let q = CallbackQuery::parse(&signed("Test.Ping", 1, "bad")).expect("parses");
        assert_eq!(c.verify(&q), Err(Rejection::WrongApp { got: 1 }));
        let q = CallbackQuery::parse(&signed("Test.Ping", 1400000000, &GOOD.to_uppercase())).expect("parses");
        assert_eq!(c.verify(&q), Ok(()), "hex case does not matter");
        let q = CallbackQuery::parse(&signed("Test.Ping", 1400000000, &GOOD.replace('7', "8"))).expect("parses");
        assert_eq!(c.verify(&q), Err(Rejection::BadSignature));
        let q = CallbackQuery::parse("SdkAppid=1400000000&CallbackCommand=Test.Ping").expect("parses");
        assert_eq!(c.verify(&q), Err(Rejection::Unsigned));
        assert_eq!(Callbacks::<TestEvent>::new(1400000000).verify(&q), Err(Rejection::NotConfigured), "no token: fails closed");
        assert_eq!(
            Callbacks::<TestEvent>::new(1400000000).token("").verify(&q),
            Err(Rejection::NotConfigured),
            "an empty token verifies nothing"
        );
        assert_eq!(Callbacks::<TestEvent>::new(1400000000).unsigned().verify(&q), Ok(()), "unsigned by explicit choice");
        // Freshness comes after the signature: a correct signature of an old time is stale.
        let late = callbacks().clock(|| 1669872112 + 61);
        let q = CallbackQuery::parse(&signed("Test.Ping", 1400000000, GOOD)).expect("parses");
        assert_eq!(late.verify(&q), Err(Rejection::Stale { request_time: 1669872112, now: 1669872173 }));
        assert_eq!(late.window(Duration::from_secs(120)).verify(&q), Ok(()));
        assert!(matches!(CallbackQuery::parse("CallbackCommand=X"), Err(Rejection::BadQuery(_))));
        assert!(matches!(CallbackQuery::parse("SdkAppid=1"), Err(Rejection::BadQuery(_))));
        assert!(matches!(CallbackQuery::parse("SdkAppid=x&CallbackCommand=X"), Err(Rejection::BadQuery(_))));
        for dup in [
            "SdkAppid=1&SdkAppid=1&CallbackCommand=X",
            "SdkAppid=1&CallbackCommand=X&CallbackCommand=Y",
            "SdkAppid=1&CallbackCommand=X&Sign=a&Sign=b",
            "SdkAppid=1&CallbackCommand=X&RequestTime=1&RequestTime=2",
        ] {
            let r = CallbackQuery::parse(dup).expect_err("duplicate");
            assert_eq!(r.status(), 400, "{dup}: {r}");
        }
    }

    #[test]
    fn answers_encode_the_envelope_and_their_fields() {
        let body: Value = serde_json::from_slice(&Answer::ok().to_body()).expect("json");
        assert_eq!(body, serde_json::json!({"ActionStatus": "OK", "ErrorInfo": "", "ErrorCode": 0}));
        let body: Value = serde_json::from_slice(&Answer::code(10123).info("no").field("X", 1).to_body()).expect("json");
        assert_eq!(body, serde_json::json!({"ActionStatus": "OK", "ErrorInfo": "no", "ErrorCode": 10123, "X": 1}));
    }

    const PING: &[u8] = br#"{"CallbackCommand":"Test.Ping"}"#;

    fn block_on<F: Future>(f: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread().enable_time().build().expect("runtime").block_on(f)
    }

    #[test]
    fn refused_requests_never_reach_the_handler() {
        let c = callbacks();
        for q in
            [signed("Test.Ping", 1, GOOD), signed("Test.Ping", 1400000000, "00"), "SdkAppid=1400000000&CallbackCommand=Test.Ping".into()]
        {
            let r = block_on(c.handle(&q, PING, |_: Incoming<TestEvent>| async { panic!("handler ran") }));
            assert_eq!(r.status, 403);
            let body: Value = serde_json::from_slice(&r.body).expect("json");
            let info = body["ErrorInfo"].as_str().unwrap_or_default();
            assert!(!info.contains("1400000000") && !info.contains("1669872112"), "no app id or clock in the body: {info}");
        }
    }

    #[test]
    fn overruns_and_undecodable_events_get_the_default() {
        let c = callbacks().deadline(Duration::from_millis(20));
        let q = signed("Test.Ping", 1400000000, GOOD);
        let slow = block_on(c.handle(&q, PING, |_| async {
            tokio::time::sleep(Duration::from_millis(500)).await;
            Answer::code(1)
        }));
        assert_eq!(serde_json::from_slice::<Value>(&slow.body).expect("json")["ErrorInfo"], "default");
        let c = c.no_replay_guard();
        let fast = block_on(c.handle(&q, PING, |i| async move {
            assert_eq!(i.event, TestEvent::Ping(serde_json::json!({"CallbackCommand": "Test.Ping"})));
            Answer::code(1)
        }));
        assert_eq!(serde_json::from_slice::<Value>(&fast.body).expect("json")["ErrorCode"], 1);
        let seen = std::sync::Arc::new(std::sync::Mutex::new(None));
        let s = seen.clone();
        let raw = block_on(c.handle(&q, b"[1]", move |i| async move {
            *s.lock().unwrap_or_else(|p| p.into_inner()) = Some(i.is_undecodable());
            Answer::code(1)
        }));
        assert_eq!(*seen.lock().unwrap_or_else(|p| p.into_inner()), Some(true), "handed to the app raw");
        assert_eq!(serde_json::from_slice::<Value>(&raw.body).expect("json")["ErrorInfo"], "default");
        let q = signed("Test.Other", 1400000000, GOOD);
        let unknown = block_on(c.handle(&q, br#"{"CallbackCommand":"Test.Other"}"#, |i| async move {
            assert_eq!(i.event, TestEvent::Unknown("Test.Other".into()));
            Answer::ok()
        }));
        assert_eq!(unknown.status, 200);
    }
}
