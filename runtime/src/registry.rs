//! The records of the command registry: names, doc links, retry class, the official examples, and
//! functions that decode a request or a response body into its typed value and encode it back.
//!
//! The list itself is what a generated crate provides (`tim_rest::registry::commands()`, and
//! [`crate::Api`]); the local test server routes and checks requests with it, applications can use it
//! to route or log. The decoders need the `codec` feature (both serde directions on every type).

use crate::RetryClass;
use serde_json::Value;
use std::any::Any;
use std::fmt;
use std::marker::PhantomData;

/// A decoded request or response, type-erased. Downcast with `as_any().downcast_ref::<T>()`.
pub trait Message: Any + fmt::Debug + Send + Sync {
    /// Encodes the value back to JSON.
    fn to_json(&self) -> Result<Value, serde_json::Error>;
    /// For downcasting to the concrete type.
    fn as_any(&self) -> &dyn Any;
}

impl<T: serde::Serialize + fmt::Debug + Any + Send + Sync> Message for T {
    fn to_json(&self) -> Result<Value, serde_json::Error> {
        serde_json::to_value(self)
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// Decoders of one command's bodies.
pub trait CommandCodec: Send + Sync {
    /// Decodes a request body (strict: unknown keys are errors).
    fn decode_request(&self, body: &[u8]) -> Result<Box<dyn Message>, serde_json::Error>;
    /// Decodes a request from JSON.
    fn decode_request_value(&self, body: Value) -> Result<Box<dyn Message>, serde_json::Error>;
    /// Decodes the payload of a response body strictly (exact types, no unknown keys; the envelope keys
    /// are skipped: decode them with [`crate::Envelope::from_slice`]). The client corrects drifted
    /// replies instead ([`crate::envelope::decode`]); this is the check the catalogue's own tests use.
    fn decode_response(&self, body: &[u8]) -> Result<Box<dyn Message>, serde_json::Error>;
    /// Decodes a response payload from JSON.
    fn decode_response_value(&self, body: Value) -> Result<Box<dyn Message>, serde_json::Error>;
    /// Decodes a whole reply the way the client does ([`crate::envelope::decode`]): a failure reply is
    /// [`crate::Error::Service`]; a reply that drifted from the catalogue is corrected (or, with
    /// `strict`, is [`crate::Error::Decode`] naming the paths).
    fn decode_reply(&self, body: bytes::Bytes, strict: bool) -> Result<crate::envelope::Decoded<Box<dyn Message>>, crate::Error>;
    /// [`decode_reply`](Self::decode_reply) by the correcting pass alone
    /// ([`crate::envelope::decode_correcting`]), the reference the single tolerant pass is tested
    /// against. By default the same as `decode_reply`.
    fn decode_reply_correcting(
        &self,
        body: bytes::Bytes,
        strict: bool,
    ) -> Result<crate::envelope::Decoded<Box<dyn Message>>, crate::Error> {
        self.decode_reply(body, strict)
    }
    /// Checks a decoded request against the command's documented limits.
    fn check_limits(&self, request: &dyn Message) -> Result<(), Box<crate::LimitViolation>>;
}

/// The [`CommandCodec`] of request type `E`.
pub struct Codec<E>(PhantomData<fn() -> E>);

impl<E> Codec<E> {
    /// The codec (a zero-sized value).
    pub const NEW: Self = Codec(PhantomData);
}

#[cfg(feature = "codec")]
impl<E> CommandCodec for Codec<E>
where
    E: crate::Endpoint + serde::de::DeserializeOwned,
    E::Response: serde::Serialize,
{
    fn decode_request(&self, body: &[u8]) -> Result<Box<dyn Message>, serde_json::Error> {
        Ok(Box::new(serde_json::from_slice::<E>(body)?))
    }
    fn decode_request_value(&self, body: Value) -> Result<Box<dyn Message>, serde_json::Error> {
        Ok(Box::new(serde_json::from_value::<E>(body)?))
    }
    fn decode_response(&self, body: &[u8]) -> Result<Box<dyn Message>, serde_json::Error> {
        Ok(Box::new(crate::envelope::decode_with_envelope::<E::Response>(body)?.1))
    }
    fn decode_response_value(&self, mut body: Value) -> Result<Box<dyn Message>, serde_json::Error> {
        if let Value::Object(m) = &mut body {
            for k in crate::envelope::ENVELOPE_KEYS {
                m.remove(k);
            }
        }
        Ok(Box::new(serde_json::from_value::<E::Response>(body)?))
    }
    fn decode_reply(&self, body: bytes::Bytes, strict: bool) -> Result<crate::envelope::Decoded<Box<dyn Message>>, crate::Error> {
        let d = crate::envelope::decode::<E::Response>(E::PATH, 200, body, strict)?;
        Ok(crate::envelope::Decoded { value: Box::new(d.value), envelope: d.envelope, body: d.body, corrections: d.corrections })
    }
    fn decode_reply_correcting(
        &self,
        body: bytes::Bytes,
        strict: bool,
    ) -> Result<crate::envelope::Decoded<Box<dyn Message>>, crate::Error> {
        let d = crate::envelope::decode_correcting::<E::Response>(E::PATH, 200, body, strict)?;
        Ok(crate::envelope::Decoded { value: Box::new(d.value), envelope: d.envelope, body: d.body, corrections: d.corrections })
    }
    fn check_limits(&self, request: &dyn Message) -> Result<(), Box<crate::LimitViolation>> {
        match request.as_any().downcast_ref::<E>() {
            Some(r) => r.check_limits(),
            None => Ok(()),
        }
    }
}

/// One official example of a command, verbatim JSON text (built by generated code).
#[derive(Debug, Clone, Copy)]
pub struct Example {
    /// The doc's caption.
    pub title: Option<&'static str>,
    /// From an older version of the page: the current types no longer match it exactly (a renamed
    /// key, a number that is now a string), so it decodes only with drift correction.
    pub legacy: bool,
    /// Request body.
    pub request: Option<&'static str>,
    /// Response body.
    pub response: Option<&'static str>,
}

/// A command's paging rule, as data (for the local server and tools; the typed calls use
/// [`crate::paging::Paged`]).
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct PagingInfo {
    /// The response list holding a page's items.
    pub items: Option<&'static str>,
    /// The request field setting the page size.
    pub size: Option<&'static str>,
    /// How each cursor of the next request gets its value.
    pub next: &'static [CursorInfo],
    /// The reply is the last page when any of these holds.
    pub end: &'static [EndInfo],
}

impl PagingInfo {
    /// A rule (used by generated code).
    pub const fn new(
        items: Option<&'static str>,
        size: Option<&'static str>,
        next: &'static [CursorInfo],
        end: &'static [EndInfo],
    ) -> Self {
        PagingInfo { items, size, next, end }
    }
}

/// One cursor field of the next request.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct CursorInfo {
    /// The request field.
    pub field: &'static str,
    /// Whether it is a string (otherwise an integer).
    pub string: bool,
    /// Where its value comes from.
    pub how: CursorHow,
}

impl CursorInfo {
    /// A cursor (used by generated code).
    pub const fn new(field: &'static str, string: bool, how: CursorHow) -> Self {
        CursorInfo { field, string, how }
    }
}

/// Where a cursor's next value comes from.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub enum CursorHow {
    /// Its value plus the number of items received; left alone when the reply carries `unless`.
    AddItems {
        /// A response field.
        unless: Option<&'static str>,
    },
    /// This response field.
    From(&'static str),
    /// The smallest value of this item field, minus `minus`.
    MinOf {
        /// An item field.
        field: &'static str,
        /// Subtracted.
        minus: u64,
    },
}

/// An end condition of a paging rule.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub enum EndInfo {
    /// A reply without items is the last.
    NoItems,
    /// A response field is this string (`negated`: present and not this string).
    Str {
        /// The response field.
        field: &'static str,
        /// The value.
        value: &'static str,
        /// `not:` rather than `is:`.
        negated: bool,
    },
    /// A response field is this integer (`negated`: present and not this integer).
    Int {
        /// The response field.
        field: &'static str,
        /// The value.
        value: i64,
        /// `not:` rather than `is:`.
        negated: bool,
    },
    /// The next request's cursor field `field` would be this string.
    NextStr {
        /// The request field.
        field: &'static str,
        /// The value.
        value: &'static str,
    },
    /// The next request's cursor field `field` would be this integer.
    NextInt {
        /// The request field.
        field: &'static str,
        /// The value.
        value: i64,
    },
    /// The next value of request field `by` reaches response field `total`.
    Reached {
        /// The response field holding the total.
        total: &'static str,
        /// The request field counting items.
        by: &'static str,
    },
}

/// What the registry records of commands and callbacks share: titles and doc links.
/// [`CommandInfo`] and [`crate::callbacks::CallbackInfo`] embed it as `op` and dereference to it, so
/// `info.doc` or `info.title_en` reads the same on both. (The official examples stay fields of each
/// record: a command's have a request and a response, a callback's an event and a reply.)
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OperationInfo {
    /// Chinese title.
    pub title_zh: &'static str,
    /// English title.
    pub title_en: &'static str,
    /// Official Chinese documentation.
    pub doc: &'static str,
    /// Official English documentation.
    pub doc_en: Option<&'static str>,
}

/// One catalogued command (built by generated code, as a `static` table).
pub struct CommandInfo {
    /// Wire servicename, e.g. `openim`.
    pub service: &'static str,
    /// Wire command, e.g. `sendmsg`.
    pub command: &'static str,
    /// Rust module (and cargo feature), e.g. `openim`.
    pub module: &'static str,
    /// Rust call function, e.g. `send_msg`.
    pub function: &'static str,
    /// Rust request type, e.g. `SendMsgRequest`.
    pub request_type: &'static str,
    /// Rust response type, e.g. `SendMsgResponse`.
    pub response_type: &'static str,
    /// Titles and doc links (also readable as fields of the record itself).
    pub op: OperationInfo,
    /// Retry class.
    pub retry: RetryClass,
    /// `servicename/command`, the URL path after `/v4/`.
    pub path: &'static str,
    /// The wire keys of the request body, in catalogue order.
    pub request_keys: &'static [&'static str],
    /// The official examples.
    pub examples: &'static [Example],
    /// The documented call rates.
    pub rates: &'static [crate::pacing::RateRule],
    /// Index of the first rate rule in the crate's table of pacing schedules.
    pub rate_slot: Option<usize>,
    /// The documented limits on request fields.
    pub limits: &'static [crate::limits::LimitInfo],
    /// The paging rule, for a command that returns a list page by page.
    pub paging: Option<&'static PagingInfo>,
    /// The wire keys of the request lists a batched call splits.
    pub batch: &'static [&'static str],
    /// Decoders of the command's bodies (feature `codec`).
    #[cfg(feature = "codec")]
    pub codec: &'static dyn CommandCodec,
}

impl std::ops::Deref for CommandInfo {
    type Target = OperationInfo;
    fn deref(&self) -> &OperationInfo {
        &self.op
    }
}

impl CommandInfo {
    /// `servicename/command` (the same text as the `path` field).
    pub fn path(&self) -> String {
        self.path.to_owned()
    }
}

impl fmt::Debug for CommandInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CommandInfo")
            .field("service", &self.service)
            .field("command", &self.command)
            .field("function", &self.function)
            .field("doc", &self.doc)
            .field("retry", &self.retry)
            .finish_non_exhaustive()
    }
}
