//! The hand-written runtime of `tim-rest`, the typed SDK for the Tencent Cloud IM (即时通信 IM, "Chat")
//! server API. Applications depend on `tim-rest`, which is generated from the catalogue and re-exports
//! everything here; this crate holds what is written by hand:
//!
//! - the client core ([`Client`], [`ClientBuilder`]): URL building, the admin [`usersig`] cache,
//!   retries ([`retry`]) and regions ([`region`]), with no HTTP stack of its own: requests go through a
//!   [`transport::Transport`] (reqwest with rustls behind the default `reqwest` feature, or yours);
//! - the reply path ([`envelope`]): the envelope, one-pass decoding, and the drift-correcting pass
//!   ([`drift`]) for replies that do not match the catalogue;
//! - errors ([`Error`]) and per-item results ([`results`]);
//! - the records of the command registry ([`registry`]) and the serde helpers generated code calls
//!   ([`codec`]);
//! - reading downloaded message-history files ([`history`]);
//! - receiving the IM server's callbacks: verification, decoding, answers, an axum route
//!   (`callbacks`, features `callbacks` and `axum`);
//! - a local test server (module `mock`, feature `mock`), which can also deliver callbacks.
//!
//! The traits [`Endpoint`], [`ReplyPayload`] and [`Api`] are how generated code plugs in.

#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]
#![warn(missing_docs)]

pub mod batch;
#[cfg(feature = "callbacks")]
#[cfg_attr(docsrs, doc(cfg(feature = "callbacks")))]
pub mod callbacks;
mod client;
mod clock;
#[doc(hidden)]
pub mod codec;
pub mod drift;
mod env;
pub mod envelope;
mod error;
pub mod history;
pub mod limits;
pub mod pacing;
pub mod paging;
pub mod region;
pub mod registry;
pub mod results;
pub mod retry;
mod split;
mod store;
pub mod transport;
pub mod usersig;

#[cfg(feature = "mock")]
#[cfg_attr(docsrs, doc(cfg(feature = "mock")))]
pub mod mock;

pub use batch::{BatchOptions, BatchOutcome, Batched};
pub use bytes;
pub use client::{
    Client, ClientBuilder, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_REPLY_BYTES, DEFAULT_SIG_LIFETIME, DEFAULT_TIMEOUT, PreparedRequest,
};
pub use envelope::{Decoded, Envelope};
pub use error::{Error, ErrorClass, ErrorCodeInfo, ServiceError, TransportFailure, lookup as lookup_error_code};
pub use futures_core::Stream;
pub use limits::LimitViolation;
pub use pacing::{Pacing, Rate};
pub use paging::{Items, Paged, PagedItems, Pages};
pub use region::Region;
pub use results::{ItemResult, ItemResults};
pub use retry::{RetryClass, RetryPolicy};

/// A catalogued command: implemented by every generated request type. The client calls any command
/// through this one trait ([`Client::call`]).
pub trait Endpoint: serde::Serialize + std::fmt::Debug + Send + Sync + 'static {
    /// The response payload type.
    type Response: ReplyPayload + std::fmt::Debug + ItemResults + Send + Sync + 'static;
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
    /// The official documentation page.
    const DOC: &'static str = "";
    /// The documented call rates (`rate:` in the catalogue), which the client paces calls to.
    const RATES: &'static [pacing::RateRule] = &[];
    /// Index of the command's first rate rule in the crate's table of pacing schedules
    /// ([`Api::rate_table`]); `None` when the command has no table entry.
    const RATE_SLOT: Option<usize> = None;
    /// Checks the documented limits of the request (`limits:` in the catalogue); the client calls it
    /// before sending ([`ClientBuilder::check_limits`]).
    fn check_limits(&self) -> Result<(), Box<LimitViolation>> {
        Ok(())
    }
    /// The units the request takes under rate rule `rule`: 1, or the items of the list the rule counts.
    fn rate_units(&self, rule: usize) -> u64 {
        let _ = rule;
        1
    }
    /// The value of rate rule `rule`'s scope field (e.g. the `GroupId`), for rules with a scope.
    fn rate_scope(&self, rule: usize) -> Option<String> {
        let _ = rule;
        None
    }
}

/// A reply payload type of a generated crate: decodable (strictly, then with drift correction) and
/// tied to its crate's error-code table, which gives a failure reply its documented meaning.
pub trait ReplyPayload: serde::de::DeserializeOwned + drift::Schema {
    /// The error-code table of the crate that defines the type, sorted by code.
    fn error_codes() -> &'static [ErrorCodeInfo];
}

/// A generated API crate, as seen through its client type: the commands it catalogues and its
/// error-code table. [`ClientBuilder::build`] makes a `C: Api` from the core [`Client`]; the local
/// test server routes by [`Api::find`].
pub trait Api: From<Client> + Send + Sync + 'static {
    /// Every catalogued command compiled in.
    fn commands() -> &'static [&'static [registry::CommandInfo]];
    /// The error-code table, sorted by code.
    fn error_codes() -> &'static [ErrorCodeInfo];
    /// Every documented rate rule of the catalogue, in the order of the pacing schedules
    /// ([`Endpoint::RATE_SLOT`]).
    fn rate_table() -> &'static [pacing::SlotRule] {
        &[]
    }
    /// Finds a command by its wire names (case sensitive, like the URL).
    fn find(service: &str, command: &str) -> Option<&'static registry::CommandInfo> {
        Self::commands().iter().flat_map(|list| list.iter()).find(|c| c.service == service && c.command == command)
    }
}

/// The core client knows no catalogue: it calls typed [`Endpoint`]s and untyped commands.
impl Api for Client {
    fn commands() -> &'static [&'static [registry::CommandInfo]] {
        &[]
    }
    fn error_codes() -> &'static [ErrorCodeInfo] {
        &[]
    }
}
