//! A typed client for the Tencent Cloud IM (即时通信 IM, "Chat") REST API.
//!
//! Every documented `servicename/command` is generated from the catalogue in `spec/`: one module per
//! servicename (`tim_rest::openim`, `tim_rest::group_open_http_svc`, ...) with a request type, a
//! response type and a call function per command. Around it sits a small hand-written runtime: the
//! [`Client`] (HTTPS with rustls, regions, pooling, timeouts, retries), the admin [`usersig`] cache,
//! the reply [`Envelope`] and one [`Error`] type.
//!
//! ```no_run
//! use tim_rest::openim::SendMsgRequest;
//! use tim_rest::types::{MsgElement, TextElem};
//! use tim_rest::{Client, Region};
//!
//! # async fn demo() -> Result<(), tim_rest::Error> {
//! let client = Client::builder(1400000000, "administrator")
//!     .secret_key(std::env::var("TIM_SECRET_KEY").unwrap_or_default())
//!     .region(Region::Singapore)
//!     .build()?;
//! let request = SendMsgRequest::new("bob", vec![MsgElement::Text(TextElem::new("hello"))]);
//! let reply = client.openim().send_msg(&request).await?;
//! println!("sent: {:?}", reply.msg_key);
//! # Ok(()) }
//! ```
//!
//! # Errors
//!
//! Every call returns [`Error`], which says where a failure happened (not sent, timed out, no
//! response, undecodable reply with the raw body kept, or a service error with its code). Match codes
//! with the constants of [`error_codes`]:
//!
//! ```
//! fn is_rate_limited(e: &tim_rest::Error) -> bool {
//!     matches!(e.code(), Some(tim_rest::error_codes::REST_API_RATE_LIMITED | tim_rest::error_codes::SDKAPPID_RATE_LIMITED))
//! }
//! ```
//!
//! # Features
//!
//! One cargo feature per servicename, all on by default; turn default features off and pick the
//! services you call to compile less. `codec` adds the other serde direction to every type
//! (`Deserialize` on requests, `Serialize` on responses) and the registry's decoders; `mock` (which
//! implies `codec`) adds [`mock`], a local server for tests.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

#[rustfmt::skip] // generated and formatted in-process by prettyplease
pub mod api;
mod client;
#[doc(hidden)]
pub mod codec;
pub mod drift;
pub mod envelope;
mod error;
pub mod history;
pub mod region;
pub mod registry;
pub mod results;
pub mod retry;
pub mod usersig;

#[cfg(feature = "mock")]
pub mod mock;

// The generator's snapshot output for its awkward-case fixture, compiled and exercised here.
#[cfg(test)]
#[rustfmt::skip]
#[allow(dead_code, missing_docs)]
#[path = "../../codegen/tests/snapshots/awkward/mod.rs"]
mod fixture_api;
#[cfg(test)]
mod fixture_tests;

pub use api::*;
pub use client::{
    Client, ClientBuilder, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_REPLY_BYTES, DEFAULT_SIG_LIFETIME, DEFAULT_TIMEOUT, PreparedRequest,
};
pub use envelope::{Decoded, Envelope};
pub use error::{Error, ErrorClass, ErrorCodeInfo, ServiceError};
pub use region::Region;
pub use results::{ItemResult, ItemResults};
pub use retry::{RetryClass, RetryPolicy};

/// A catalogued command: implemented by every generated request type. The hand-written client calls
/// any command through this one trait ([`Client::call`]).
pub trait Endpoint: serde::Serialize + std::fmt::Debug + Send + Sync + 'static {
    /// The response payload type.
    type Response: serde::de::DeserializeOwned + drift::Schema + std::fmt::Debug + ItemResults + Send + Sync + 'static;
    /// The wire servicename.
    const SERVICE: &'static str;
    /// The wire command.
    const COMMAND: &'static str;
    /// `servicename/command`, the URL path after `/v4/`.
    const PATH: &'static str;
    /// How the command may be repeated.
    const RETRY: RetryClass;
    /// The wire keys of the request body the catalogue knows, in order.
    const REQUEST_KEYS: &'static [&'static str];
    /// Wire fields added with the request's `extra_field` setter, sent after the known ones.
    fn extra_fields(&self) -> &serde_json::Map<String, serde_json::Value>;
}

/// The README's code blocks, compiled as doctests so the README stays true.
#[cfg(all(doctest, feature = "mock"))]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;
