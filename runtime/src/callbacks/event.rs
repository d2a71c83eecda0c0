//! What a generated crate's event set provides, and a verified request as the handler receives it.

use super::{Answer, CallbackQuery};
use crate::drift::Correction;
use bytes::Bytes;
use serde_json::Value;

/// The set of callback events of a generated crate (its `callbacks::Event` enum).
pub trait EventSet: Sized + Send + 'static {
    /// Decodes the body of `command`, correcting drift; `None` when the command is not catalogued.
    fn decode(command: &str, body: &[u8]) -> Option<Result<(Self, Vec<Correction>), serde_json::Error>>;
    /// A command the catalogue does not have, with its body as JSON (or `null` when it is not JSON).
    fn unknown(command: String, body: Value) -> Self;
    /// A catalogued command whose body could not be decoded (not a JSON object), raw.
    fn undecodable(command: String, body: Bytes, error: String) -> Self;
    /// What the IM server does when the app does not answer usably: the answer to send in that case.
    /// `ErrorCode` 0 for every documented callback except those whose page says otherwise.
    fn default_answer(command: &str) -> Answer;
    /// Whether the app's answer decides the outcome ("before" callbacks); "after" callbacks and unknown
    /// commands are receipts.
    fn decides(command: &str) -> bool {
        let _ = command;
        false
    }
}

/// A verified callback request, decoded.
#[derive(Debug)]
#[non_exhaustive]
pub struct Incoming<E> {
    /// The query parameters.
    pub query: CallbackQuery,
    /// The event.
    pub event: E,
    /// What the decoder corrected because the event drifted from the catalogue.
    pub corrections: Vec<Correction>,
    /// The raw body.
    pub body: Bytes,
    /// The event could not be decoded (it is `E::undecodable(..)`).
    pub(crate) undecodable: bool,
}

impl<E> Incoming<E> {
    /// Whether the body could not be decoded into the command's event type (the event is then the
    /// raw kind, and the default answer is sent whatever the handler returns).
    pub fn is_undecodable(&self) -> bool {
        self.undecodable
    }

    /// What the decoder had to correct because the body did not fit the catalogue (a number sent as a
    /// string, a missing field read as its zero value...): empty for an event that decoded as is. A
    /// handler that must not act on a corrected value (a filled-in zero) checks this first.
    pub fn corrections(&self) -> &[Correction] {
        &self.corrections
    }

    /// Whether any value of the event was corrected.
    pub fn was_corrected(&self) -> bool {
        !self.corrections.is_empty()
    }
}
