//! The small trait between the client core and an HTTP stack.
//!
//! The core (URL building, signing, envelope, errors, retry decisions) depends on no HTTP library; it
//! hands each attempt to a [`Transport`] and gets the status and the body back. Two come with the
//! crate's features: [`ReqwestTransport`](crate::transport::reqwest::ReqwestTransport) (feature
//! `reqwest`, the default: rustls, a pooled keep-alive client, or the application's own
//! `reqwest::Client`), and any type of yours: implement [`Transport::send`] and [`Transport::sleep`]
//! and pass it to [`crate::ClientBuilder::transport`].
//!
//! What the trait asks for:
//!
//! - `send`: `POST` [`HttpRequest::url`] with the header `Content-Type: application/json` and
//!   [`HttpRequest::body`]; read the whole reply body, but stop with [`TransportError::TooLarge`] once it
//!   exceeds [`HttpRequest::max_response_bytes`]; give up with [`TransportError::Timeout`] after
//!   [`HttpRequest::timeout`]. Say *where* a failure happened ([`TransportError`]): it decides whether
//!   the call may be repeated. A connection that could not be made in time is
//!   [`TransportError::Connect`] (nothing was sent), a body that stops early is
//!   [`TransportError::Truncated`]. The URL carries the UserSig: never log it (the core removes it from any
//!   error message it keeps, but cannot see your logs).
//! - `sleep`: wait before a retry. The core has no timer of its own, so it runs on any executor (or
//!   none: a blocking transport can sleep the thread and return a ready future).
//!
//! A transport over hyper's pooled client, in about forty lines, is in
//! `integration/examples/custom_transport.rs`.

use bytes::Bytes;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

#[cfg(feature = "reqwest")]
#[cfg_attr(docsrs, doc(cfg(feature = "reqwest")))]
pub mod reqwest;

/// A boxed, `Send` future (what [`Transport`] methods return).
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Any error, boxed.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// One attempt of a call: `POST url` with a JSON body.
#[derive(Clone)]
#[non_exhaustive]
pub struct HttpRequest {
    /// `https://host/v4/servicename/command?sdkappid=..&identifier=..&usersig=..&random=..&contenttype=json`.
    /// It holds the UserSig: treat it as a secret.
    pub url: String,
    /// The JSON body.
    pub body: Bytes,
    /// The time allowed for the whole attempt (connect, send, read).
    pub timeout: Duration,
    /// The largest reply body to read.
    pub max_response_bytes: usize,
}

impl fmt::Debug for HttpRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shown = self.url.split_once('?').map_or(self.url.as_str(), |(path, _)| path);
        f.debug_struct("HttpRequest")
            .field("url", &format_args!("{shown}?<query redacted>"))
            .field("body_len", &self.body.len())
            .field("timeout", &self.timeout)
            .field("max_response_bytes", &self.max_response_bytes)
            .finish()
    }
}

/// The reply to one attempt.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct HttpResponse {
    /// The HTTP status.
    pub status: u16,
    /// The whole body.
    pub body: Bytes,
}

impl HttpResponse {
    /// A reply with this status and body.
    pub fn new(status: u16, body: impl Into<Bytes>) -> Self {
        HttpResponse { status, body: body.into() }
    }
}

/// Where sending one request failed. The variant decides whether the call may be repeated.
#[derive(Debug)]
#[non_exhaustive]
pub enum TransportError {
    /// Not sent: no connection could be made (DNS, refused, TLS handshake).
    Connect(BoxError),
    /// No complete reply within the timeout; the request may or may not have taken effect.
    Timeout,
    /// Sent, but the connection failed before a reply arrived.
    NoResponse(BoxError),
    /// Sent and answered, but the connection closed (or failed) while the reply body was being read:
    /// `received` bytes arrived of the `expected` the reply announced (`Content-Length`, when it had
    /// one).
    Truncated {
        /// The body bytes that arrived.
        received: u64,
        /// The announced length of the body, if any.
        expected: Option<u64>,
        /// What the HTTP stack said.
        source: BoxError,
    },
    /// The reply body is larger than [`HttpRequest::max_response_bytes`]; reading stopped there.
    TooLarge,
    /// The request could not be made at all (an invalid URL, a misconfigured client): not sent.
    Invalid(BoxError),
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TransportError::Connect(e) => write!(f, "could not connect: {e}"),
            TransportError::Timeout => f.write_str("timed out"),
            TransportError::NoResponse(e) => write!(f, "no complete response: {e}"),
            TransportError::Truncated { received, expected: Some(n), source } => {
                write!(f, "the reply was cut short after {received} of {n} bytes: {source}")
            }
            TransportError::Truncated { received, expected: None, source } => {
                write!(f, "the reply was cut short after {received} bytes: {source}")
            }
            TransportError::TooLarge => f.write_str("the reply is too large"),
            TransportError::Invalid(e) => write!(f, "invalid request: {e}"),
        }
    }
}

impl std::error::Error for TransportError {}

/// Sends requests for the client. See the [module docs](self) for what an implementation must do.
pub trait Transport: Send + Sync + 'static {
    /// Sends one attempt and reads its whole reply.
    fn send(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, TransportError>>;

    /// Waits `delay` before a retry.
    fn sleep(&self, delay: Duration) -> BoxFuture<'static, ()>;
}

/// A transport failure as the client keeps it: the error's message and its sources, with the UserSig
/// taken out (an HTTP library may put the URL, which holds it, into its errors).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransportFailure {
    message: String,
}

impl TransportFailure {
    /// Keeps the message of `error` and of its sources, replacing each `secret` (raw and
    /// percent-encoded) with `<redacted>`, and dropping any URL query string.
    pub fn redacted(error: &(dyn std::error::Error + 'static), secrets: &[&str]) -> Self {
        let mut message = error.to_string();
        let mut source = error.source();
        while let Some(s) = source {
            let text = s.to_string();
            if !message.contains(&text) {
                message.push_str(": ");
                message.push_str(&text);
            }
            source = s.source();
        }
        TransportFailure { message: redact(&message, secrets) }
    }

    /// The message.
    pub fn message(&self) -> &str {
        &self.message
    }
}

/// Removes secrets and URL query strings from a message.
pub(crate) fn redact(text: &str, secrets: &[&str]) -> String {
    let mut out = text.to_owned();
    for s in secrets.iter().filter(|s| !s.is_empty()) {
        let encoded = percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string();
        out = out.replace(*s, "<redacted>").replace(&encoded, "<redacted>");
    }
    // Anything that looks like a query string after `/v4/...?` goes too.
    while let Some(start) = out.find("?sdkappid=") {
        let end = out[start..].find(|c: char| c.is_whitespace() || c == ')' || c == '"').map_or(out.len(), |e| start + e);
        out.replace_range(start..end, "?<query redacted>");
    }
    out
}

impl fmt::Display for TransportFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for TransportFailure {}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    struct Leaky;
    impl fmt::Display for Leaky {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("error sending request for url (https://h/v4/a/b?sdkappid=1&identifier=admin&usersig=eJw*SIG-_&random=1): refused, sig eJw*SIG-_")
        }
    }
    impl std::error::Error for Leaky {}

    #[test]
    fn failures_keep_the_message_without_the_signature_or_the_query() {
        let f = TransportFailure::redacted(&Leaky, &["eJw*SIG-_"]);
        assert!(!f.message().contains("eJw*SIG"), "{f}");
        assert!(!f.message().contains("usersig="), "{f}");
        assert!(f.message().contains("refused"), "{f}");
        assert!(f.message().contains("https://h/v4/a/b?<query redacted>"), "{f}");
    }
}
