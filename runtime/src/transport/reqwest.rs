//! The default transport: reqwest with rustls (ring), one pooled keep-alive client shared by clones of
//! the [`Client`](crate::Client) (feature `reqwest`).

use super::{BoxFuture, HttpRequest, HttpResponse, Transport, TransportError};
use crate::clock::Shown;
use std::fmt;
use std::time::Duration;

/// Sends with a `reqwest::Client`: the one [`crate::ClientBuilder`] configures, or the application's own
/// ([`ReqwestTransport::new`], e.g. one with its proxies and middleware-free defaults).
#[derive(Debug, Clone)]
pub struct ReqwestTransport {
    http: reqwest::Client,
    /// The connect timeout `http` was built with, when this crate built it (for error messages).
    connect_timeout: Option<Duration>,
}

impl ReqwestTransport {
    /// Sends with `http`, as configured by the application. The client's timeout, reply ceiling and
    /// retries still apply per call.
    pub fn new(http: reqwest::Client) -> Self {
        ReqwestTransport { http, connect_timeout: None }
    }
}

/// Installs rustls' ring provider as the process default, unless one is installed already. reqwest is
/// built here with `rustls-no-provider`, and a `reqwest::Client` panics at build time without a
/// provider: call this before building your own client for [`ReqwestTransport::new`] /
/// [`crate::ClientBuilder::reqwest_client`] unless your reqwest features bring a provider (the default
/// transport calls it itself).
pub fn install_crypto_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// The settings [`crate::ClientBuilder`] turns into a `reqwest::Client`.
#[derive(Debug, Clone)]
pub(crate) struct Options {
    pub connect_timeout: Duration,
    pub pool_idle_timeout: Duration,
    pub pool_max_idle_per_host: usize,
    pub https_only: bool,
    pub root_certificates: Vec<Vec<u8>>,
}

impl Options {
    pub(crate) fn build(&self) -> Result<ReqwestTransport, String> {
        // reqwest is built without a bundled crypto provider; use ring unless the application
        // installed another provider already (then `install_default` leaves it in place).
        install_crypto_provider();
        let mut http = reqwest::Client::builder()
            .connect_timeout(self.connect_timeout)
            .pool_idle_timeout(self.pool_idle_timeout)
            .pool_max_idle_per_host(self.pool_max_idle_per_host)
            .tcp_nodelay(true)
            .user_agent(concat!("tim-rest/", env!("CARGO_PKG_VERSION")))
            .https_only(self.https_only);
        for cert in &self.root_certificates {
            let c =
                if cert.starts_with(b"-----BEGIN") { reqwest::Certificate::from_pem(cert) } else { reqwest::Certificate::from_der(cert) };
            let c = c.map_err(|e| format!("invalid root certificate: {e}"))?;
            http = http.add_root_certificate(c);
        }
        let http = http.build().map_err(|e| format!("cannot build the HTTP client: {e}"))?;
        Ok(ReqwestTransport { http, connect_timeout: Some(self.connect_timeout) })
    }
}

/// No connection within the connect timeout: nothing was sent.
#[derive(Debug)]
struct ConnectTimedOut {
    after: Option<Duration>,
    source: reqwest::Error,
}

impl fmt::Display for ConnectTimedOut {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.after {
            Some(d) => write!(f, "no connection within {} (the connect timeout)", Shown(d)),
            None => f.write_str("no connection within the connect timeout"),
        }
    }
}

impl std::error::Error for ConnectTimedOut {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

/// The first cause of `e` below reqwest's own layers: reqwest's messages are generic ("error sending
/// request" for a request that was sent, "error decoding response body" for a body cut short), the
/// HTTP stack's say what happened ("connection closed before message completed").
fn cause(e: &reqwest::Error) -> &(dyn std::error::Error + 'static) {
    let mut current: &(dyn std::error::Error + 'static) = e;
    while current.is::<reqwest::Error>() {
        match current.source() {
            Some(next) => current = next,
            None => break,
        }
    }
    current
}

/// What went wrong after the request left, named plainly, with the HTTP stack's cause as its source.
#[derive(Debug)]
struct Failed {
    what: &'static str,
    error: reqwest::Error,
}

impl fmt::Display for Failed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.what)
    }
}

impl std::error::Error for Failed {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(cause(&self.error))
    }
}

impl ReqwestTransport {
    /// Where a reqwest failure before the reply's head happened; its URL (which holds the UserSig) is
    /// removed first. A connect timeout is a connection failure (nothing was sent), not a timeout of the
    /// attempt.
    fn classify(&self, e: reqwest::Error) -> TransportError {
        let e = e.without_url();
        if e.is_connect() {
            if e.is_timeout() {
                return TransportError::Connect(Box::new(ConnectTimedOut { after: self.connect_timeout, source: e }));
            }
            TransportError::Connect(Box::new(e))
        } else if e.is_timeout() {
            TransportError::Timeout
        } else if e.is_builder() {
            TransportError::Invalid(Box::new(e))
        } else if e.is_request() {
            TransportError::NoResponse(Box::new(Failed { what: "the connection closed or failed before a reply arrived", error: e }))
        } else {
            TransportError::NoResponse(Box::new(e))
        }
    }
}

/// A failure while the body of an answered request was read: a timeout, or a reply cut short.
fn body_failure(e: reqwest::Error, received: usize, expected: Option<u64>) -> TransportError {
    let e = e.without_url();
    if e.is_timeout() {
        return TransportError::Timeout;
    }
    let source = Box::new(Failed { what: "the connection closed or failed before the end of the body", error: e });
    TransportError::Truncated { received: received as u64, expected, source }
}

impl Transport for ReqwestTransport {
    fn send(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, TransportError>> {
        Box::pin(async move {
            let limit = request.max_response_bytes;
            let mut resp = self
                .http
                .post(request.url)
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .timeout(request.timeout)
                .body(request.body)
                .send()
                .await
                .map_err(|e| self.classify(e))?;
            let status = resp.status().as_u16();
            let expected = resp.content_length();
            if expected.is_some_and(|n| n > limit as u64) {
                return Err(TransportError::TooLarge);
            }
            // Read chunk by chunk and stop at the ceiling: a runaway body is never buffered whole.
            let mut buf = bytes::BytesMut::with_capacity(expected.map_or(8 * 1024, |n| n as usize));
            loop {
                let chunk = match resp.chunk().await {
                    Ok(Some(chunk)) => chunk,
                    Ok(None) => break,
                    Err(e) => return Err(body_failure(e, buf.len(), expected)),
                };
                if buf.len() + chunk.len() > limit {
                    return Err(TransportError::TooLarge);
                }
                buf.extend_from_slice(&chunk);
            }
            Ok(HttpResponse { status, body: buf.freeze() })
        })
    }

    fn sleep(&self, delay: Duration) -> BoxFuture<'static, ()> {
        Box::pin(tokio::time::sleep(delay))
    }
}
