//! The one error type of the crate. Each variant says where the failure happened, which is what
//! decides whether a call may be repeated:
//!
//! | variant | the request... |
//! |---|---|
//! | [`Error::Build`] | was never sent (invalid configuration or request) |
//! | [`Error::Connect`] | was never sent (no connection could be made) |
//! | [`Error::RateLimited`] | was never sent: pacing would have had to wait longer than allowed |
//! | [`Error::PacingStore`] | was never sent: the shared pacing store could not be reached |
//! | [`Error::Timeout`] | may or may not have reached the server: no whole reply within the per-attempt timeout |
//! | [`Error::NoResponse`] | was sent, but the connection failed before a reply arrived |
//! | [`Error::Truncated`] | was sent and answered, but the connection closed before the whole reply arrived |
//! | [`Error::Http`] | got a non-2xx HTTP status, e.g. a gateway's HTML 502 page |
//! | [`Error::ReplyTooLarge`] | got a reply larger than the client's ceiling; reading stopped there |
//! | [`Error::Decode`] | got a reply that is not JSON (or, with strict decoding, one that drifted from the catalogue); the raw body is kept |
//! | [`Error::Service`] | was answered by the IM service with an error code |
//! | [`Error::Paging`] | (a page stream) got a reply whose cursor would repeat the last request |
//!
//! Whether the client repeats a call after a failure follows one rule, [`Error::class`] (which also
//! answers [`Error::is_retryable`]), with the command's retry class for failures that leave the outcome
//! unknown (see [`crate::retry`]).
//!
//! No variant carries the secret key or the UserSig: a transport's error is kept as a message with the
//! signature and the URL's query string taken out ([`TransportFailure`]).

use crate::clock::Shown;
use crate::split::Envelope;
pub use crate::transport::TransportFailure;
use bytes::Bytes;
use std::fmt;
use std::time::Duration;

/// What a failure says about repeating the call: for an error code, its class in `spec/errors.yaml`;
/// for the other failures, [`Error::class`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorClass {
    /// The request did not take effect; repeating it later may succeed (rate limits, busy server).
    Retry,
    /// A temporary failure after which the request may or may not have taken effect (internal
    /// timeouts); repeat only commands that are safe to repeat.
    Transient,
    /// The UserSig is expired or invalid; a fresh signature may succeed.
    Resign,
    /// Repeating will not help (bad parameters, missing permission, limits reached...).
    Permanent,
}

/// One row of the documented error-code table. Built by generated code (the fields are public so
/// that a generated crate can build its table as a `static`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ErrorCodeInfo {
    /// The code.
    pub code: i64,
    /// The constant's name in the generated crate's `error_codes` module.
    pub name: &'static str,
    /// The family (common, account, c2c, group, sns, profile, ...).
    pub family: &'static str,
    /// What the code says about repeating the call.
    pub class: ErrorClass,
    /// The documented meaning, in Chinese.
    pub zh: &'static str,
    /// The meaning, in English.
    pub en: &'static str,
}

/// An error reply of the IM service: `ActionStatus` `FAIL` or a non-zero `ErrorCode`.
#[derive(Clone)]
#[non_exhaustive]
pub struct ServiceError {
    /// `servicename/command` of the call.
    pub endpoint: &'static str,
    /// `ErrorCode`.
    pub code: i64,
    /// `ErrorInfo` (may be empty).
    pub info: String,
    /// `ActionStatus`, when the reply had one.
    pub action_status: Option<String>,
    /// `RequestId`, when the reply had one: quote it to Tencent support.
    pub request_id: Option<String>,
    /// `ErrorDisplay`, when the reply had one.
    pub display: Option<String>,
    meaning: Option<&'static ErrorCodeInfo>,
    body: Bytes,
}

/// The row of `table` (sorted by code, as generated) for `code`.
pub fn lookup(table: &'static [ErrorCodeInfo], code: i64) -> Option<&'static ErrorCodeInfo> {
    table.binary_search_by_key(&code, |e| e.code).ok().and_then(|i| table.get(i))
}

impl ServiceError {
    pub(crate) fn new(endpoint: &'static str, env: Envelope, body: Bytes, errors: &'static [ErrorCodeInfo]) -> Self {
        let code = env.error_code.unwrap_or(0);
        ServiceError {
            endpoint,
            meaning: lookup(errors, code),
            code,
            info: env.error_info.unwrap_or_default(),
            action_status: env.action_status,
            request_id: env.request_id,
            display: env.error_display,
            body,
        }
    }

    /// The documented meaning of the code, if the table has it.
    pub fn meaning(&self) -> Option<&'static ErrorCodeInfo> {
        self.meaning
    }

    /// What the code says about repeating the call; undocumented codes count as permanent.
    pub fn class(&self) -> ErrorClass {
        self.meaning().map_or(ErrorClass::Permanent, |m| m.class)
    }

    /// The raw reply body: a failed reply may still carry per-item details.
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// Decodes the payload of the raw reply as `T` (for example the command's response type, to read
    /// the per-item results a failed batch call still reports); the envelope keys are skipped.
    pub fn payload<T: serde::de::DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        crate::split::decode_with_envelope::<T>(&self.body).map(|(_, t)| t)
    }
}

impl fmt::Debug for ServiceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServiceError")
            .field("endpoint", &self.endpoint)
            .field("code", &self.code)
            .field("info", &self.info)
            .field("action_status", &self.action_status)
            .field("request_id", &self.request_id)
            .field("display", &self.display)
            .field("body_len", &self.body.len())
            .finish()
    }
}

impl fmt::Display for ServiceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} failed with error code {}", self.endpoint, self.code)?;
        if !self.info.is_empty() {
            write!(f, ": {}", self.info)?;
        }
        if let Some(m) = self.meaning() {
            write!(f, " ({})", m.en)?;
        }
        if let Some(id) = &self.request_id {
            write!(f, " [RequestId {id}]")?;
        }
        Ok(())
    }
}

impl std::error::Error for ServiceError {}

/// Any failure of a call.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The request was not sent: the client configuration or the request is invalid.
    #[error("request not sent: {0}")]
    Build(String),
    /// The request was not sent: no connection could be made.
    #[error("request to {endpoint} not sent: could not connect: {source}")]
    Connect {
        /// `servicename/command`.
        endpoint: &'static str,
        /// What the transport said, without the UserSig or the URL's query.
        #[source]
        source: TransportFailure,
    },
    /// No whole reply within the time allowed for one attempt ([`crate::ClientBuilder::timeout`]); the
    /// request may or may not have taken effect. (A connection that cannot be made within the connect
    /// timeout is [`Error::Connect`]: nothing was sent.)
    #[error("request to {endpoint} timed out: no reply within {} (the timeout of one attempt)", Shown(*after))]
    Timeout {
        /// `servicename/command`.
        endpoint: &'static str,
        /// How long the attempt waited: the client's per-attempt timeout.
        after: Duration,
    },
    /// The request was sent but the connection failed before a reply arrived; it may or may not have
    /// taken effect.
    #[error("request to {endpoint} got no complete response: {source}")]
    NoResponse {
        /// `servicename/command`.
        endpoint: &'static str,
        /// What the transport said, without the UserSig or the URL's query.
        #[source]
        source: TransportFailure,
    },
    /// The server answered, but the connection closed (or failed) before the whole reply body arrived:
    /// `received` bytes of the `expected` its `Content-Length` announced. The request reached the server
    /// and may have taken effect.
    #[error("reply of {endpoint} was cut short: {}", Cut { received: *received, expected: *expected })]
    Truncated {
        /// `servicename/command`.
        endpoint: &'static str,
        /// The body bytes that arrived.
        received: u64,
        /// The length the reply announced (`Content-Length`), when it announced one.
        expected: Option<u64>,
        /// What the transport said, without the UserSig or the URL's query.
        #[source]
        source: TransportFailure,
    },
    /// The HTTP status was not 2xx (the IM service itself answers 200 even for errors, so this
    /// usually comes from a gateway or proxy).
    #[error("request to {endpoint} got HTTP status {status}")]
    Http {
        /// `servicename/command`.
        endpoint: &'static str,
        /// The status code.
        status: u16,
        /// The raw body (often an HTML page).
        body: Bytes,
    },
    /// The reply body was larger than the client's ceiling
    /// ([`crate::ClientBuilder::max_reply_bytes`]); reading stopped there. The request may have taken
    /// effect.
    #[error("reply of {endpoint} is larger than {limit} bytes; reading stopped")]
    ReplyTooLarge {
        /// `servicename/command`.
        endpoint: &'static str,
        /// The ceiling, in bytes.
        limit: usize,
    },
    /// The reply could not be decoded; the raw body is kept.
    #[error("reply of {endpoint} could not be decoded: {source}")]
    Decode {
        /// `servicename/command`.
        endpoint: &'static str,
        /// The decoding error.
        #[source]
        source: serde_json::Error,
        /// The raw body.
        body: Bytes,
    },
    /// The IM service answered with an error code.
    #[error(transparent)]
    Service(Box<ServiceError>),
    /// The request was not sent: the command's documented rate would have made it wait longer than
    /// [`crate::pacing::Pacing::max_wait`].
    #[error("request to {endpoint} not sent: pacing would wait {} for the command's rate", Shown(*wait))]
    RateLimited {
        /// `servicename/command`.
        endpoint: &'static str,
        /// How long the call would have had to wait.
        wait: std::time::Duration,
    },
    /// The request was not sent: the shared pacing store could not be reached in time
    /// ([`crate::pacing::RateStore`]).
    #[error("request to {endpoint} not sent: the pacing store failed: {message}")]
    PacingStore {
        /// `servicename/command`.
        endpoint: &'static str,
        /// What the store said.
        message: String,
    },
    /// A page stream stopped: the reply's cursor would have repeated the last request (the pages
    /// read before are kept).
    #[error("paging through {endpoint} stopped: {reason}")]
    Paging {
        /// `servicename/command`.
        endpoint: &'static str,
        /// Why.
        reason: String,
    },
}

impl Error {
    /// The IM error code, for service errors.
    pub fn code(&self) -> Option<i64> {
        match self {
            Error::Service(e) => Some(e.code),
            _ => None,
        }
    }

    /// The service error, if this is one.
    pub fn as_service(&self) -> Option<&ServiceError> {
        match self {
            Error::Service(e) => Some(e),
            _ => None,
        }
    }

    /// The raw reply body, when a reply arrived.
    pub fn body(&self) -> Option<&[u8]> {
        match self {
            Error::Http { body, .. } | Error::Decode { body, .. } => Some(body),
            Error::Service(e) => Some(e.body()),
            _ => None,
        }
    }

    /// Whether the request certainly did not take effect (never sent, or refused before execution).
    pub fn not_applied(&self) -> bool {
        match self {
            Error::Build(_) | Error::Connect { .. } | Error::RateLimited { .. } | Error::PacingStore { .. } => true,
            Error::Service(e) => matches!(e.class(), ErrorClass::Retry | ErrorClass::Resign),
            _ => false,
        }
    }

    /// What this failure says about repeating the call: the one rule the client's
    /// [`RetryPolicy`](crate::RetryPolicy) follows.
    ///
    /// | failure | class |
    /// |---|---|
    /// | [`Error::Connect`] (nothing was sent), HTTP 429 | [`ErrorClass::Retry`] |
    /// | [`Error::Timeout`], [`Error::NoResponse`], [`Error::Truncated`], HTTP 502, 503, 504 | [`ErrorClass::Transient`]: the outcome is unknown |
    /// | [`Error::Service`] | the code's class (`spec/errors.yaml`; an undocumented code is permanent) |
    /// | anything else | [`ErrorClass::Permanent`] |
    ///
    /// "Anything else" includes [`Error::RateLimited`] and [`Error::PacingStore`]: the call was not sent
    /// ([`Error::not_applied`]), but the pacing already waited as long as it was allowed to, so repeating
    /// it at once would fail the same way; make it again later.
    pub fn class(&self) -> ErrorClass {
        match self {
            Error::Connect { .. } | Error::Http { status: 429, .. } => ErrorClass::Retry,
            Error::Timeout { .. } | Error::NoResponse { .. } | Error::Truncated { .. } | Error::Http { status: 502..=504, .. } => {
                ErrorClass::Transient
            }
            Error::Service(e) => e.class(),
            _ => ErrorClass::Permanent,
        }
    }

    /// Whether repeating the call may succeed: the client's [`RetryPolicy`](crate::RetryPolicy) repeats
    /// it (within its attempts), for a command that may be repeated. True for every class but
    /// [`ErrorClass::Permanent`] (see [`Error::class`]). A [`ErrorClass::Transient`] failure may have
    /// taken effect: the client repeats it only for commands whose retry class allows it (`safe`,
    /// `dedupe`), or with [`RetryPolicy::retry_unconfirmed_never`](crate::RetryPolicy::retry_unconfirmed_never).
    /// An [`ErrorClass::Resign`] code is repeated once, with a fresh UserSig.
    pub fn is_retryable(&self) -> bool {
        self.class() != ErrorClass::Permanent
    }
}

/// How much of a reply body arrived before the connection closed.
struct Cut {
    received: u64,
    expected: Option<u64>,
}

impl fmt::Display for Cut {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.expected {
            Some(n) => write!(f, "the connection closed after {} of the {n} bytes it announced", self.received),
            None => write!(f, "the connection closed after {} bytes, before the reply was complete", self.received),
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    static CODES: [ErrorCodeInfo; 4] = [
        ErrorCodeInfo { code: 20004, name: "NET_ERROR", family: "c2c", class: ErrorClass::Transient, zh: "", en: "network error" },
        ErrorCodeInfo { code: 60007, name: "RATE_LIMITED", family: "common", class: ErrorClass::Retry, zh: "", en: "too many calls" },
        ErrorCodeInfo { code: 70001, name: "SIG_EXPIRED", family: "account", class: ErrorClass::Resign, zh: "", en: "UserSig expired" },
        ErrorCodeInfo { code: 70107, name: "NO_ACCOUNT", family: "account", class: ErrorClass::Permanent, zh: "", en: "no such account" },
    ];

    fn service(code: i64) -> Error {
        let env = Envelope { action_status: Some("FAIL".into()), error_code: Some(code), ..Envelope::default() };
        Error::Service(Box::new(ServiceError::new("x/y", env, Bytes::new(), &CODES)))
    }

    fn failure() -> TransportFailure {
        TransportFailure::redacted(&std::io::Error::other("reset"), &[])
    }

    fn http(status: u16) -> Error {
        Error::Http { endpoint: "x/y", status, body: Bytes::new() }
    }

    /// Every kind of failure, with the class it must have (the retry policy's tests use it too).
    pub(crate) fn every_failure() -> Vec<(Error, ErrorClass)> {
        let decode = serde_json::from_slice::<serde_json::Value>(b"<html>").expect_err("not JSON");
        vec![
            (Error::Connect { endpoint: "x/y", source: failure() }, ErrorClass::Retry),
            (http(429), ErrorClass::Retry),
            (service(60007), ErrorClass::Retry),
            (Error::Timeout { endpoint: "x/y", after: Duration::from_secs(5) }, ErrorClass::Transient),
            (Error::NoResponse { endpoint: "x/y", source: failure() }, ErrorClass::Transient),
            (Error::Truncated { endpoint: "x/y", received: 1, expected: Some(2), source: failure() }, ErrorClass::Transient),
            (http(502), ErrorClass::Transient),
            (http(503), ErrorClass::Transient),
            (http(504), ErrorClass::Transient),
            (service(20004), ErrorClass::Transient),
            (service(70001), ErrorClass::Resign),
            (service(70107), ErrorClass::Permanent),
            (service(99999), ErrorClass::Permanent),
            (http(500), ErrorClass::Permanent),
            (http(404), ErrorClass::Permanent),
            (Error::Build("bad".into()), ErrorClass::Permanent),
            (Error::ReplyTooLarge { endpoint: "x/y", limit: 1 }, ErrorClass::Permanent),
            (Error::Decode { endpoint: "x/y", source: decode, body: Bytes::from_static(b"<html>") }, ErrorClass::Permanent),
            (Error::RateLimited { endpoint: "x/y", wait: Duration::from_secs(90) }, ErrorClass::Permanent),
            (Error::PacingStore { endpoint: "x/y", message: "down".into() }, ErrorClass::Permanent),
            (Error::Paging { endpoint: "x/y", reason: "loop".into() }, ErrorClass::Permanent),
        ]
    }

    #[test]
    fn each_failure_has_its_class_and_is_retryable_unless_permanent() {
        for (err, class) in every_failure() {
            assert_eq!(err.class(), class, "{err}");
            assert_eq!(err.is_retryable(), class != ErrorClass::Permanent, "{err}");
        }
    }

    #[test]
    fn messages_say_how_long_and_how_much() {
        let timeout = Error::Timeout { endpoint: "x/y", after: Duration::from_secs(5) };
        assert_eq!(timeout.to_string(), "request to x/y timed out: no reply within 5 s (the timeout of one attempt)");
        let cut = Error::Truncated { endpoint: "x/y", received: 10, expected: Some(64), source: failure() };
        assert_eq!(cut.to_string(), "reply of x/y was cut short: the connection closed after 10 of the 64 bytes it announced");
        let cut = Error::Truncated { endpoint: "x/y", received: 10, expected: None, source: failure() };
        assert_eq!(cut.to_string(), "reply of x/y was cut short: the connection closed after 10 bytes, before the reply was complete");
        let limited = Error::RateLimited { endpoint: "x/y", wait: Duration::from_millis(61_500) };
        assert_eq!(limited.to_string(), "request to x/y not sent: pacing would wait 61.5 s for the command's rate");
    }
}
