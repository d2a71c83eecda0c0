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
//! 1. parses the query ([`CallbackQuery`]);
//! 2. checks that `SdkAppid` is the app's;
//! 3. checks `Sign` in constant time against the configured token (a request without one is refused
//!    when a token is configured);
//! 4. checks that `RequestTime` is within the replay window (default 60 s either way);
//! 5. decodes the body into the generated event type (drift-tolerant, like REST replies).
//!
//! A refused request gets an HTTP error status and never reaches the handler ([`Rejection`]). The
//! handler gets the typed event and returns an [`Answer`] (the generated reply types convert into one:
//! `C2cBeforeSendMsgReply::reject().into()`). When the handler overruns the deadline (default
//! 1.5 s, under the server's 2 s), or the event cannot be decoded, the documented default answer of the
//! command is sent instead (normally: allow); an undecodable event is still handed to the handler, raw,
//! and its answer ignored.
//!
//! [`Callbacks::handle`] is the framework-agnostic entry point (query string and body in, status and
//! body out); [`axum`] (feature `axum`) mounts it on a route.

use crate::client::unix_now;
use crate::drift::Correction;
use crate::transport::BoxFuture;
use bytes::Bytes;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Duration;

#[cfg(feature = "axum")]
pub mod axum;

/// The default replay window: `RequestTime` may be this far from the app's clock, either way.
pub const DEFAULT_WINDOW: Duration = Duration::from_secs(60);
/// The default deadline for the handler: under the IM server's 2 s, leaving room for the network.
pub const DEFAULT_DEADLINE: Duration = Duration::from_millis(1500);

/// The platform a callback's action came from (`OptPlatform`). An open enum: other values are kept.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum OptPlatform {
    /// `RESTAPI`: the app's own server.
    RestApi,
    /// `Web`.
    Web,
    /// `Android`.
    Android,
    /// `iOS` (`State.StateChange` sends `IOS`).
    Ios,
    /// `Windows`.
    Windows,
    /// `Mac`.
    Mac,
    /// `iPad`.
    IPad,
    /// `Unknown`.
    Unknown,
    /// A value this SDK does not know, kept verbatim.
    Other(String),
}

impl OptPlatform {
    /// Reads the query value.
    pub fn parse(value: &str) -> OptPlatform {
        match value {
            "RESTAPI" => OptPlatform::RestApi,
            "Web" => OptPlatform::Web,
            "Android" => OptPlatform::Android,
            "iOS" | "IOS" => OptPlatform::Ios,
            "Windows" => OptPlatform::Windows,
            "Mac" => OptPlatform::Mac,
            "iPad" => OptPlatform::IPad,
            "Unknown" => OptPlatform::Unknown,
            other => OptPlatform::Other(other.to_owned()),
        }
    }
}

/// The query parameters of a callback request.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CallbackQuery {
    /// `SdkAppid`.
    pub sdk_appid: u64,
    /// `CallbackCommand`, e.g. `C2C.CallbackBeforeSendMsg`.
    pub command: String,
    /// `contenttype` (`json`).
    pub content_type: Option<String>,
    /// `ClientIP`: the IP of the client that acted.
    pub client_ip: Option<String>,
    /// `OptPlatform`.
    pub opt_platform: Option<OptPlatform>,
    /// `Sign`, when authentication is on.
    pub sign: Option<String>,
    /// `RequestTime` (Unix seconds), when authentication is on.
    pub request_time: Option<u64>,
}

impl fmt::Debug for CallbackQuery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CallbackQuery")
            .field("sdk_appid", &self.sdk_appid)
            .field("command", &self.command)
            .field("client_ip", &self.client_ip)
            .field("opt_platform", &self.opt_platform)
            .field("signed", &self.sign.is_some())
            .field("request_time", &self.request_time)
            .finish_non_exhaustive()
    }
}

impl CallbackQuery {
    /// Parses a query string (`SdkAppid=..&CallbackCommand=..&..`, percent-encoded, without the `?`).
    pub fn parse(query: &str) -> Result<CallbackQuery, Rejection> {
        let mut sdk_appid = None;
        let mut q = CallbackQuery {
            sdk_appid: 0,
            command: String::new(),
            content_type: None,
            client_ip: None,
            opt_platform: None,
            sign: None,
            request_time: None,
        };
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            let v = v.replace('+', " ");
            let v = percent_encoding::percent_decode_str(&v).decode_utf8_lossy().into_owned();
            match k {
                "SdkAppid" => {
                    sdk_appid = Some(v.trim().parse::<u64>().map_err(|_| Rejection::BadQuery("SdkAppid is not a number".into()))?)
                }
                "CallbackCommand" => q.command = v,
                "contenttype" => q.content_type = Some(v),
                "ClientIP" => q.client_ip = Some(v),
                "OptPlatform" => q.opt_platform = Some(OptPlatform::parse(&v)),
                "Sign" => q.sign = Some(v),
                "RequestTime" => {
                    q.request_time = Some(v.trim().parse::<u64>().map_err(|_| Rejection::BadQuery("RequestTime is not a number".into()))?)
                }
                _ => {}
            }
        }
        q.sdk_appid = sdk_appid.ok_or_else(|| Rejection::BadQuery("SdkAppid is missing".into()))?;
        if q.command.is_empty() {
            return Err(Rejection::BadQuery("CallbackCommand is missing".into()));
        }
        Ok(q)
    }
}

/// `Sign`: the lowercase hex SHA-256 of `token` followed by `request_time`.
///
/// ```
/// // The official page's example.
/// let sign = tim_rest_runtime::callbacks::sign("xxxxyyyy", 1669872112);
/// assert_eq!(sign, "17773bc39a671d7b9aa835458704d2a6db81360a5940292b587d6d760d484061");
/// ```
pub fn sign(token: &str, request_time: u64) -> String {
    let digest = Sha256::new().chain_update(token.as_bytes()).chain_update(request_time.to_string().as_bytes()).finalize();
    let mut out = String::with_capacity(64);
    for b in digest {
        out.push(char::from(b"0123456789abcdef"[usize::from(b >> 4)]));
        out.push(char::from(b"0123456789abcdef"[usize::from(b & 0x0f)]));
    }
    out
}

/// Why a callback request was refused before any handler ran.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Rejection {
    /// The query is not a callback query (a parameter missing or malformed).
    BadQuery(String),
    /// `SdkAppid` is another application's.
    WrongApp {
        /// What the request said.
        got: u64,
    },
    /// A token is configured but the request carries no `Sign` or no `RequestTime`.
    Unsigned,
    /// `Sign` does not match the token and `RequestTime`.
    BadSignature,
    /// `RequestTime` is outside the replay window.
    Stale {
        /// `RequestTime`.
        request_time: u64,
        /// The app's clock.
        now: u64,
    },
}

impl Rejection {
    /// The HTTP status the app answers with: 400 for a malformed query, 403 otherwise.
    pub fn status(&self) -> u16 {
        match self {
            Rejection::BadQuery(_) => 400,
            _ => 403,
        }
    }
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rejection::BadQuery(m) => write!(f, "not a callback request: {m}"),
            Rejection::WrongApp { got } => write!(f, "SdkAppid {got} is not this application's"),
            Rejection::Unsigned => f.write_str("the request is not signed (Sign and RequestTime are required)"),
            Rejection::BadSignature => f.write_str("the signature does not match"),
            Rejection::Stale { request_time, now } => write!(f, "RequestTime {request_time} is outside the replay window (now {now})"),
        }
    }
}

impl std::error::Error for Rejection {}

/// The app's answer to a callback: the envelope (`ActionStatus` `OK`, `ErrorCode`, `ErrorInfo`) and, for
/// some "before" callbacks, more fields. The generated reply types convert into it.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Answer {
    /// `ErrorCode`: 0 allows; "before" callbacks document what other codes do.
    pub code: i64,
    /// `ErrorInfo`.
    pub info: String,
    /// The other fields of the reply (e.g. a replaced `MsgBody`).
    pub fields: Map<String, Value>,
}

impl Answer {
    /// `ErrorCode` 0 with no other field: "allow" for "before" callbacks, the receipt for "after" ones.
    pub fn ok() -> Answer {
        Answer { code: 0, info: String::new(), fields: Map::new() }
    }

    /// An answer with this `ErrorCode`.
    pub fn code(code: i64) -> Answer {
        Answer { code, ..Answer::ok() }
    }

    /// Sets `ErrorInfo` (some callbacks pass it on to the client, with a custom code).
    #[must_use]
    pub fn info(mut self, info: impl Into<String>) -> Answer {
        self.info = info.into();
        self
    }

    /// Adds a reply field.
    #[must_use]
    pub fn field(mut self, key: impl Into<String>, value: impl Into<Value>) -> Answer {
        self.fields.insert(key.into(), value.into());
        self
    }

    /// The reply body.
    pub fn to_body(&self) -> Bytes {
        let mut m = self.fields.clone();
        m.insert("ActionStatus".into(), "OK".into());
        m.insert("ErrorCode".into(), self.code.into());
        m.insert("ErrorInfo".into(), self.info.clone().into());
        Bytes::from(Value::Object(m).to_string())
    }

    /// Builds an answer from a generated reply: its `ErrorCode`, `ErrorInfo` and other fields as the
    /// reply type serializes them.
    pub fn from_reply<R: serde::Serialize>(reply: &R) -> Answer {
        let mut fields = match serde_json::to_value(reply) {
            Ok(Value::Object(m)) => m,
            _ => Map::new(),
        };
        let code = fields.remove("ErrorCode").and_then(|v| v.as_i64()).unwrap_or(0);
        let info = match fields.remove("ErrorInfo") {
            Some(Value::String(s)) => s,
            _ => String::new(),
        };
        fields.remove("ActionStatus");
        Answer { code, info, fields }
    }
}

/// One documented outcome of a "before" callback: what an `ErrorCode` (or a range of them) makes the
/// IM server do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutcomeInfo {
    /// The reply constructor's name (`allow`, `reject`, `drop`, `reject_with`...).
    pub name: &'static str,
    /// The code, or the lowest of the range.
    pub code: i64,
    /// The highest code of the range (`code` for a single code).
    pub code_max: i64,
    /// What the server does.
    pub doc: &'static str,
}

/// One official example of a callback: the event the server sends and/or a reply the app may give.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CallbackExample {
    /// The doc's caption.
    pub title: Option<&'static str>,
    /// From an older version of the page (decodes only with drift correction).
    pub legacy: bool,
    /// The event body.
    pub event: Option<&'static str>,
    /// A reply body.
    pub reply: Option<&'static str>,
}

/// One catalogued callback command (built by generated code, as a `static` table).
#[derive(Clone, Copy)]
pub struct CallbackInfo {
    /// The `CallbackCommand`, e.g. `C2C.CallbackBeforeSendMsg`.
    pub command: &'static str,
    /// The catalogue group (and Rust module under `callbacks`), e.g. `c2c`.
    pub group: &'static str,
    /// The Rust event type, e.g. `C2cBeforeSendMsgEvent`.
    pub event_type: &'static str,
    /// The Rust reply type of a "before" callback, e.g. `C2cBeforeSendMsgReply`.
    pub reply_type: Option<&'static str>,
    /// Chinese title.
    pub title_zh: &'static str,
    /// English title.
    pub title_en: &'static str,
    /// Official Chinese documentation.
    pub doc: &'static str,
    /// Official English documentation.
    pub doc_en: Option<&'static str>,
    /// `before` (the reply decides) or `after` (the reply is ignored).
    pub when: &'static str,
    /// The documented outcomes of a "before" callback.
    pub outcomes: &'static [OutcomeInfo],
    /// The official examples.
    pub examples: &'static [CallbackExample],
    /// Decodes a reply body strictly (the catalogue's own tests use it) into an [`Answer`] (feature
    /// `codec`).
    #[cfg(feature = "codec")]
    pub decode_reply: fn(&[u8]) -> Result<Answer, serde_json::Error>,
}

impl fmt::Debug for CallbackInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CallbackInfo")
            .field("command", &self.command)
            .field("when", &self.when)
            .field("doc", &self.doc)
            .finish_non_exhaustive()
    }
}

/// Decodes a "before" callback's reply body strictly as the generated reply type `R` (the envelope's
/// `ActionStatus` aside), then as an [`Answer`].
pub fn decode_reply_as<R: serde::de::DeserializeOwned + serde::Serialize>(body: &[u8]) -> Result<Answer, serde_json::Error> {
    let mut v: Value = serde_json::from_slice(body)?;
    if let Value::Object(m) = &mut v {
        m.remove("ActionStatus");
    }
    Ok(Answer::from_reply(&serde_json::from_value::<R>(v)?))
}

/// Decodes an "after" callback's reply body: the envelope only (any other key is an error).
pub fn decode_ack(body: &[u8]) -> Result<Answer, serde_json::Error> {
    let v: Value = serde_json::from_slice(body)?;
    let Value::Object(mut m) = v else { return Err(serde::de::Error::custom("a reply is a JSON object")) };
    m.remove("ActionStatus");
    let code = match m.remove("ErrorCode") {
        None => 0,
        Some(c) => c.as_i64().ok_or_else(|| serde::de::Error::custom("ErrorCode is not an integer"))?,
    };
    let info = match m.remove("ErrorInfo") {
        None => String::new(),
        Some(Value::String(s)) => s,
        Some(_) => return Err(serde::de::Error::custom("ErrorInfo is not a string")),
    };
    if let Some(k) = m.keys().next() {
        return Err(serde::de::Error::custom(format_args!("unknown key `{k}` in an after-callback reply")));
    }
    Ok(Answer::code(code).info(info))
}

/// What the app sends back: an HTTP status and a JSON body.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct CallbackResponse {
    /// 200, or 400/403 for a refused request.
    pub status: u16,
    /// The JSON body.
    pub body: Bytes,
}

impl CallbackResponse {
    fn answer(a: &Answer) -> CallbackResponse {
        CallbackResponse { status: 200, body: a.to_body() }
    }

    fn rejected(r: &Rejection) -> CallbackResponse {
        let body = serde_json::json!({"ActionStatus": "FAIL", "ErrorCode": 1, "ErrorInfo": r.to_string()});
        CallbackResponse { status: r.status(), body: Bytes::from(body.to_string()) }
    }
}

/// The set of callback events of a generated crate (its `callbacks::Event` enum).
pub trait EventSet: Sized + Send + 'static {
    /// Decodes the body of `command`, correcting drift; `None` when the command is not catalogued.
    fn decode(command: &str, body: &[u8]) -> Option<Result<(Self, Vec<Correction>), serde_json::Error>>;
    /// A command the catalogue does not have, with its body as JSON (or `null` when it is not JSON).
    fn unknown(command: String, body: Value) -> Self;
    /// A catalogued command whose body could not be decoded (not a JSON object), raw.
    fn undecodable(command: String, body: Bytes, error: String) -> Self;
    /// What the IM server does when the app does not answer usably: the answer to send in that case.
    /// `ErrorCode` 0 for every documented callback except those whose page says otherwise.
    fn default_answer(command: &str) -> Answer;
}

/// A verified callback request, decoded.
#[derive(Debug)]
#[non_exhaustive]
pub struct Incoming<E> {
    /// The query parameters.
    pub query: CallbackQuery,
    /// The event.
    pub event: E,
    /// What the decoder corrected because the event drifted from the catalogue.
    pub corrections: Vec<Correction>,
    /// The raw body.
    pub body: Bytes,
    /// The event could not be decoded (it is `E::undecodable(..)`).
    undecodable: bool,
}

impl<E> Incoming<E> {
    /// Whether the body could not be decoded into the command's event type (the event is then the
    /// raw kind, and the default answer is sent whatever the handler returns).
    pub fn is_undecodable(&self) -> bool {
        self.undecodable
    }
}

type Timer = Arc<dyn Fn(Duration) -> BoxFuture<'static, ()> + Send + Sync>;

/// The app's side of the callback protocol for the events `E` of a generated crate
/// (`tim_rest::callbacks::Callbacks` is this type for `tim_rest::callbacks::Event`).
pub struct Callbacks<E: EventSet> {
    sdkappid: u64,
    token: Option<String>,
    window: Duration,
    deadline: Duration,
    timer: Option<Timer>,
    clock: fn() -> u64,
    events: PhantomData<fn() -> E>,
}

impl<E: EventSet> Clone for Callbacks<E> {
    fn clone(&self) -> Self {
        Callbacks {
            sdkappid: self.sdkappid,
            token: self.token.clone(),
            window: self.window,
            deadline: self.deadline,
            timer: self.timer.clone(),
            clock: self.clock,
            events: PhantomData,
        }
    }
}

impl<E: EventSet> fmt::Debug for Callbacks<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Callbacks")
            .field("sdkappid", &self.sdkappid)
            .field("token", &self.token.as_ref().map(|_| "<redacted>"))
            .field("window", &self.window)
            .field("deadline", &self.deadline)
            .finish_non_exhaustive()
    }
}

/// Compares two byte strings in constant time (for equal lengths).
fn same(a: &[u8], b: &[u8]) -> bool {
    use subtle::ConstantTimeEq;
    a.len() == b.len() && bool::from(a.ct_eq(b))
}

impl<E: EventSet> Callbacks<E> {
    /// Callbacks for application `sdkappid`, unsigned (authentication off in the console). With the
    /// `reqwest` or `axum` feature, the handler deadline runs on tokio's timer; otherwise set one with
    /// [`Callbacks::timer`] (without a timer, the deadline is not enforced).
    pub fn new(sdkappid: u64) -> Self {
        Callbacks {
            sdkappid,
            token: None,
            window: DEFAULT_WINDOW,
            deadline: DEFAULT_DEADLINE,
            timer: default_timer(),
            clock: unix_now,
            events: PhantomData,
        }
    }

    /// Requires every request to be signed with `token` (the console's callback authentication token).
    #[must_use]
    pub fn token(mut self, token: impl Into<String>) -> Self {
        self.token = Some(token.into());
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

    /// The timer the deadline runs on (any async runtime's sleep).
    #[must_use]
    pub fn timer(mut self, sleep: impl Fn(Duration) -> BoxFuture<'static, ()> + Send + Sync + 'static) -> Self {
        self.timer = Some(Arc::new(sleep));
        self
    }

    /// The clock used for the replay window (Unix seconds), for tests.
    #[must_use]
    pub fn clock(mut self, now: fn() -> u64) -> Self {
        self.clock = now;
        self
    }

    /// Checks the query in the documented order: application, signature, freshness.
    pub fn verify(&self, query: &CallbackQuery) -> Result<(), Rejection> {
        if query.sdk_appid != self.sdkappid {
            return Err(Rejection::WrongApp { got: query.sdk_appid });
        }
        let Some(token) = &self.token else { return Ok(()) };
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

    /// Parses and verifies the query, then decodes the body. A catalogued event whose body does not
    /// decode comes back as `E::undecodable(..)`, an unknown command as `E::unknown(..)`.
    pub fn receive(&self, query: &str, body: &[u8]) -> Result<Incoming<E>, Rejection> {
        let query = CallbackQuery::parse(query)?;
        self.verify(&query)?;
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
            None => (E::unknown(command, serde_json::from_slice(body).unwrap_or(Value::Null)), Vec::new(), false),
        };
        Ok(Incoming { query, event, corrections, body: Bytes::copy_from_slice(body), undecodable })
    }

    /// The framework-agnostic entry point: verifies, decodes, runs `handler` within the deadline and
    /// returns the status and body to send. A refused request never reaches the handler; an overrun or
    /// an undecodable event gets the command's default answer.
    pub async fn handle<H, F>(&self, query: &str, body: &[u8], handler: H) -> CallbackResponse
    where
        H: FnOnce(Incoming<E>) -> F,
        F: Future<Output = Answer> + Send,
    {
        let incoming = match self.receive(query, body) {
            Ok(i) => i,
            Err(r) => {
                tracing::warn!(target: "tim_rest::callbacks", rejection = %r, "callback refused");
                return CallbackResponse::rejected(&r);
            }
        };
        let default = E::default_answer(&incoming.query.command);
        let undecodable = incoming.undecodable;
        let command = incoming.query.command.clone();
        let answer = handler(incoming);
        if undecodable {
            // Handed to the app raw; the server gets the documented default.
            let _ = answer.await;
            return CallbackResponse::answer(&default);
        }
        match &self.timer {
            Some(timer) => match race(answer, timer(self.deadline)).await {
                Some(a) => CallbackResponse::answer(&a),
                None => {
                    tracing::warn!(target: "tim_rest::callbacks", command = %command, "handler overran the deadline; answered the default");
                    CallbackResponse::answer(&default)
                }
            },
            None => CallbackResponse::answer(&answer.await),
        }
    }
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
        assert_eq!(Callbacks::<TestEvent>::new(1400000000).verify(&q), Ok(()), "no token: unsigned is fine");
        // Freshness comes after the signature: a correct signature of an old time is stale.
        let late = callbacks().clock(|| 1669872112 + 61);
        let q = CallbackQuery::parse(&signed("Test.Ping", 1400000000, GOOD)).expect("parses");
        assert_eq!(late.verify(&q), Err(Rejection::Stale { request_time: 1669872112, now: 1669872173 }));
        assert_eq!(late.window(Duration::from_secs(120)).verify(&q), Ok(()));
        assert!(matches!(CallbackQuery::parse("CallbackCommand=X"), Err(Rejection::BadQuery(_))));
        assert!(matches!(CallbackQuery::parse("SdkAppid=1"), Err(Rejection::BadQuery(_))));
        assert!(matches!(CallbackQuery::parse("SdkAppid=x&CallbackCommand=X"), Err(Rejection::BadQuery(_))));
    }

    #[test]
    fn answers_encode_the_envelope_and_their_fields() {
        let body: Value = serde_json::from_slice(&Answer::ok().to_body()).expect("json");
        assert_eq!(body, serde_json::json!({"ActionStatus": "OK", "ErrorInfo": "", "ErrorCode": 0}));
        let body: Value = serde_json::from_slice(&Answer::code(10123).info("no").field("X", 1).to_body()).expect("json");
        assert_eq!(body, serde_json::json!({"ActionStatus": "OK", "ErrorInfo": "no", "ErrorCode": 10123, "X": 1}));
    }

    fn block_on<F: Future>(f: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread().enable_time().build().expect("runtime").block_on(f)
    }

    #[test]
    fn refused_requests_never_reach_the_handler() {
        let c = callbacks();
        for q in
            [signed("Test.Ping", 1, GOOD), signed("Test.Ping", 1400000000, "00"), "SdkAppid=1400000000&CallbackCommand=Test.Ping".into()]
        {
            let r = block_on(c.handle(&q, b"{}", |_: Incoming<TestEvent>| async { panic!("handler ran") }));
            assert_eq!(r.status, 403);
        }
    }

    #[test]
    fn overruns_and_undecodable_events_get_the_default() {
        let c = callbacks().deadline(Duration::from_millis(20));
        let q = signed("Test.Ping", 1400000000, GOOD);
        let slow = block_on(c.handle(&q, b"{}", |_| async {
            tokio::time::sleep(Duration::from_millis(500)).await;
            Answer::code(1)
        }));
        assert_eq!(serde_json::from_slice::<Value>(&slow.body).expect("json")["ErrorInfo"], "default");
        let fast = block_on(c.handle(&q, b"{}", |i| async move {
            assert_eq!(i.event, TestEvent::Ping(serde_json::json!({})));
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
        let unknown = block_on(c.handle(&q, b"{}", |i| async move {
            assert_eq!(i.event, TestEvent::Unknown("Test.Other".into()));
            Answer::ok()
        }));
        assert_eq!(unknown.status, 200);
    }
}
