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

mod admit;
mod answer;
#[cfg(feature = "axum")]
#[cfg_attr(docsrs, doc(cfg(feature = "axum")))]
pub mod axum;
mod config;
mod event;
mod handler;
mod query;
mod registry;
pub mod replay;
#[cfg(test)]
mod testing;

pub use answer::{Answer, CallbackResponse, decode_ack, decode_reply_as};
pub use config::{Callbacks, DEFAULT_DEADLINE, DEFAULT_LATE_HANDLERS, DEFAULT_MAX_BODY, DEFAULT_WINDOW};
pub use event::{EventSet, Incoming};
pub use query::{CallbackQuery, OptPlatform, Rejection, sign};
pub use registry::{CallbackExample, CallbackInfo, OutcomeInfo};
pub use replay::{LocalReplayGuard, ReplayGuard};
