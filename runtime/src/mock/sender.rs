//! The IM server's side of callbacks: [`CallbackSender`] POSTs an event to the app's callback URL,
//! signed like the server signs it (or deliberately not), and returns the app's answer.

use bytes::Bytes;
use serde_json::Value;
use std::time::Duration;

/// How [`CallbackSender::deliver`] signs a callback request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Signing {
    /// `Sign` and `RequestTime` from the sender's token and the current time, as the IM server does.
    Token,
    /// No `Sign` and no `RequestTime` (authentication off in the console).
    Unsigned,
    /// A `Sign` made with another token.
    WrongToken,
    /// A correct `Sign` for a `RequestTime` ten minutes old (a replayed request).
    Stale,
}

/// What the app answered to a delivered callback.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Delivered {
    /// The HTTP status.
    pub status: u16,
    /// The body.
    pub body: Bytes,
    /// The body as JSON, when it is JSON.
    pub json: Option<Value>,
    /// The query string that was sent.
    pub query: String,
}

impl Delivered {
    /// The answer's `ErrorCode`, when the body has one.
    pub fn error_code(&self) -> Option<i64> {
        self.json.as_ref().and_then(|v| v.get("ErrorCode")).and_then(Value::as_i64)
    }
}

/// Plays the IM server's side of callbacks: POSTs an event to the app's callback URL, with the query
/// parameters the server sends, signed or not, and returns the app's answer. For end-to-end tests of
/// callback handlers.
///
/// ```ignore
/// let sender = CallbackSender::new(1400000000).token("console-token");
/// let answer = sender.deliver(&url, "C2C.CallbackBeforeSendMsg", &event_json, Signing::Token).await?;
/// assert_eq!(answer.error_code(), Some(1));
/// ```
#[derive(Clone)]
pub struct CallbackSender {
    sdkappid: u64,
    token: String,
    http: reqwest::Client,
    timeout: Option<Duration>,
}

/// How long the IM server waits for the app's answer to a callback: 2 seconds (第三方回调简介,
/// <https://cloud.tencent.com/document/product/269/1522>: the app must answer within 2 s, or the server
/// applies the default).
pub const SERVER_CALLBACK_TIMEOUT: Duration = Duration::from_secs(2);

impl std::fmt::Debug for CallbackSender {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CallbackSender").field("sdkappid", &self.sdkappid).finish_non_exhaustive()
    }
}

impl CallbackSender {
    /// A sender for application `sdkappid`, with an empty token until [`CallbackSender::token`].
    pub fn new(sdkappid: u64) -> Self {
        crate::transport::reqwest::install_crypto_provider();
        CallbackSender { sdkappid, token: String::new(), http: reqwest::Client::new(), timeout: None }
    }

    /// Gives up on an answer after `timeout` (default: none; the IM server waits
    /// [`SERVER_CALLBACK_TIMEOUT`]). A delivery that times out is an error
    /// ([`crate::Error::NoResponse`]).
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// The console's callback authentication token, used by [`Signing::Token`] and [`Signing::Stale`].
    #[must_use]
    pub fn token(mut self, token: impl Into<String>) -> Self {
        self.token = token.into();
        self
    }

    /// POSTs `event` for `command` to `url` and returns the answer.
    pub async fn deliver(&self, url: &str, command: &str, event: &Value, signing: Signing) -> Result<Delivered, crate::Error> {
        self.deliver_raw(url, command, Bytes::from(event.to_string()), signing).await
    }

    /// POSTs `body` verbatim (e.g. JSON that does not decode) for `command` to `url`.
    pub async fn deliver_raw(&self, url: &str, command: &str, body: Bytes, signing: Signing) -> Result<Delivered, crate::Error> {
        let enc = |s: &str| percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string();
        let mut query =
            format!("SdkAppid={}&CallbackCommand={}&contenttype=json&ClientIP=127.0.0.1&OptPlatform=RESTAPI", self.sdkappid, enc(command));
        let now = crate::clock::unix_now();
        let signed = match signing {
            Signing::Token => Some((crate::callbacks::sign(&self.token, now), now)),
            Signing::WrongToken => Some((crate::callbacks::sign(&format!("{}-wrong", self.token), now), now)),
            Signing::Stale => Some((crate::callbacks::sign(&self.token, now - 600), now - 600)),
            Signing::Unsigned => None,
        };
        if let Some((sign, time)) = signed {
            query.push_str(&format!("&Sign={sign}&RequestTime={time}"));
        }
        let sep = if url.contains('?') { '&' } else { '?' };
        let endpoint = "callback delivery";
        let mut request = self.http.post(format!("{url}{sep}{query}")).header(reqwest::header::CONTENT_TYPE, "application/json").body(body);
        if let Some(t) = self.timeout {
            request = request.timeout(t);
        }
        let resp = request
            .send()
            .await
            .map_err(|e| crate::Error::NoResponse { endpoint, source: crate::TransportFailure::redacted(&e.without_url(), &[]) })?;
        let status = resp.status().as_u16();
        let body = resp
            .bytes()
            .await
            .map_err(|e| crate::Error::NoResponse { endpoint, source: crate::TransportFailure::redacted(&e.without_url(), &[]) })?;
        let json = serde_json::from_slice(&body).ok();
        Ok(Delivered { status, body, json, query })
    }
}
