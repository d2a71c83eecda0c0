//! The records of the callback registry (built by generated code).

#[cfg(feature = "codec")]
use super::Answer;
use crate::registry::OperationInfo;
use std::fmt;

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
    /// Titles and doc links (also readable as fields of the record itself).
    pub op: OperationInfo,
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

impl std::ops::Deref for CallbackInfo {
    type Target = OperationInfo;
    fn deref(&self) -> &OperationInfo {
        &self.op
    }
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
