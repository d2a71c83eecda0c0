//! A local Tencent IM REST server for tests (cargo feature `mock`).
//!
//! It speaks the protocol like the real service: POST only, `/v4/<servicename>/<command>` of a
//! catalogued command, every query parameter checked (`sdkappid`, `identifier` = the admin,
//! `usersig` verified against the secret key, `random` a u32, `contenttype=json`), the body decoded
//! into the command's request type, and errors reported in the envelope with HTTP status 200 and the
//! real error codes. By default each command answers with its official example reply; tests script
//! replies and faults per command ([`MockServer::on`], [`MockServer::on_command`]) and check that each
//! was used ([`MockServer::assert_all_used`]). A stateful emulator (the `tim-emulator` crate) plugs in
//! through [`Handler`]. Every request is recorded.
//!
//! The module is in parts: `server` (the REST server and its protocol checks), `script` (scripted
//! replies), `hook` (the handler hook), `rules` (limits, rates, paging) and `sender` (the IM server's
//! side of callbacks, [`CallbackSender`]).
//!
//! With `tim-rest` (this example runs as a test of the README):
//!
//! ```ignore
//! # #[tokio::main(flavor = "current_thread")] async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use tim_rest::mock::{MockServer, Reply};
//! let server = MockServer::start(1400000000, "administrator", "test-key").await?;
//! let client = server.client_builder().build()?;
//! server.on::<tim_rest::im_open_login_svc::KickRequest>().fail(70107, "account not found");
//! let err = client.im_open_login_svc().kick(&tim_rest::im_open_login_svc::KickRequest::new("nobody")).await.unwrap_err();
//! assert_eq!(err.code(), Some(70107));
//! assert_eq!(server.requests()[0].command, "kick");
//! # Ok(()) }
//! ```

mod hook;
mod rules;
mod script;
mod sender;
mod server;

pub use hook::{Call, Handler};
pub use script::{Script, UnknownCommand, Unused};
pub use sender::{CallbackSender, Delivered, SERVER_CALLBACK_TIMEOUT, Signing};
pub use server::MockServer;

use crate::registry::Message;
use bytes::Bytes;
use serde_json::Value;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime};

/// What the server answers to one call.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Reply {
    /// The command's official example reply (the first successful one), or a bare OK envelope.
    Example,
    /// This JSON body, verbatim.
    Json(Value),
    /// A `FAIL` envelope with this code and message.
    Fail {
        /// `ErrorCode`.
        code: i64,
        /// `ErrorInfo`.
        info: String,
    },
    /// Any status, content type and bytes (e.g. a gateway's HTML 502 page).
    Raw {
        /// HTTP status.
        status: u16,
        /// `Content-Type`.
        content_type: String,
        /// Body.
        body: Bytes,
    },
    /// The reply after a delay.
    Delay(Duration, Box<Reply>),
    /// Announces the reply's full length but sends only the first half, then closes the connection.
    Truncated(Box<Reply>),
    /// Closes the connection without answering.
    Drop,
    /// A body that never ends: `{"ActionStatus":"OK","ErrorCode":0,"Pad":"xxxx...` streamed in
    /// chunks, without a length, until the client hangs up.
    Endless,
}

impl Reply {
    /// A successful reply: the envelope keys (`ActionStatus` OK, `ErrorCode` 0, `ErrorInfo` "") added to
    /// the encoded payload.
    pub fn ok<T: serde::Serialize>(payload: &T) -> Reply {
        let mut v = serde_json::to_value(payload).unwrap_or(Value::Null);
        if let Value::Object(m) = &mut v {
            m.insert("ActionStatus".into(), "OK".into());
            m.insert("ErrorCode".into(), 0.into());
            m.insert("ErrorInfo".into(), "".into());
        }
        Reply::Json(v)
    }
    /// A `FAIL` reply.
    pub fn fail(code: i64, info: impl Into<String>) -> Reply {
        Reply::Fail { code, info: info.into() }
    }
    /// The gateway HTML page of a 502.
    pub fn bad_gateway() -> Reply {
        Reply::Raw {
            status: 502,
            content_type: "text/html".into(),
            body: Bytes::from_static(
                b"<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>",
            ),
        }
    }
    /// This reply after `delay`.
    pub fn delayed(self, delay: Duration) -> Reply {
        Reply::Delay(delay, Box::new(self))
    }
    /// This reply, cut in half.
    pub fn truncated(self) -> Reply {
        Reply::Truncated(Box::new(self))
    }
    /// A short description (for lists of unused replies).
    pub fn summary(&self) -> String {
        match self {
            Reply::Example => "the example reply".to_owned(),
            Reply::Json(v) => match v.get("ErrorCode").and_then(Value::as_i64) {
                Some(c) if c != 0 => format!("JSON reply with ErrorCode {c}"),
                _ => "JSON reply".to_owned(),
            },
            Reply::Fail { code, .. } => format!("FAIL {code}"),
            Reply::Raw { status, .. } => format!("raw HTTP {status}"),
            Reply::Delay(d, r) => format!("{} after {d:?}", r.summary()),
            Reply::Truncated(r) => format!("{}, truncated", r.summary()),
            Reply::Drop => "a dropped connection".to_owned(),
            Reply::Endless => "an endless body".to_owned(),
        }
    }
}

/// One request the server received.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Recorded {
    /// HTTP method.
    pub method: String,
    /// URL path.
    pub path: String,
    /// Servicename (from the path; empty if the path was not `/v4/<svc>/<cmd>`).
    pub service: String,
    /// Command.
    pub command: String,
    /// The raw query string, exactly as received.
    pub raw_query: String,
    /// The query parameters, percent-decoded, in order.
    pub query: Vec<(String, String)>,
    /// The raw body.
    pub body: Bytes,
    /// The body decoded into the command's request type, when it decoded.
    pub decoded: Option<Arc<dyn Message>>,
    /// The `ErrorCode` the server answered with (0 for success; `None` for raw replies and faults).
    pub answered_code: Option<i64>,
    /// When the request arrived.
    pub received: SystemTime,
}

impl Recorded {
    /// The decoded request as its concrete type.
    pub fn request<T: 'static>(&self) -> Option<&T> {
        self.decoded.as_ref().and_then(|m| m.as_any().downcast_ref::<T>())
    }
    /// The value of query parameter `name`.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.query.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A test that panicked while holding the lock must not hide the server's state from others.
    m.lock().unwrap_or_else(|p| p.into_inner())
}
