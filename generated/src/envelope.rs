//! The reply envelope: `ActionStatus`, `ErrorCode`, `ErrorInfo`, `RequestId` and `ErrorDisplay`.
//!
//! The envelope is decoded once, on its own, before the payload: a `FAIL` reply becomes
//! [`Error::Service`] without the payload type having to fit it. Every envelope key is optional,
//! because the service omits some of them on some endpoints (no `ActionStatus` on the global mute
//! APIs, no `ErrorInfo` on some group queries), and `ActionStatus` is an open string (`batchsendmsg`
//! answers `"SomeError"` with code 0 when only some recipients failed; that is a success whose payload
//! lists the failures).

use crate::drift::{Correction, Schema};
use crate::error::{Error, ServiceError};
use bytes::Bytes;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The keys of the envelope, which the runtime decodes; payload types never have them.
pub const ENVELOPE_KEYS: [&str; 5] = ["ActionStatus", "ErrorCode", "ErrorInfo", "RequestId", "ErrorDisplay"];

/// The envelope keys of a reply.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Envelope {
    /// `ActionStatus`: `OK`, `FAIL`, or another status such as `SomeError`.
    #[serde(rename = "ActionStatus", default, skip_serializing_if = "Option::is_none")]
    pub action_status: Option<String>,
    /// `ErrorCode`: 0 on success.
    #[serde(rename = "ErrorCode", default, skip_serializing_if = "Option::is_none")]
    pub error_code: Option<i64>,
    /// `ErrorInfo`: a message; on success empty, `OK`, `ok`, `succeed` or `0` depending on the endpoint.
    #[serde(rename = "ErrorInfo", default, skip_serializing_if = "Option::is_none")]
    pub error_info: Option<String>,
    /// `RequestId`, on newer endpoints.
    #[serde(rename = "RequestId", default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// `ErrorDisplay`, on relationship, profile and recent-contact endpoints.
    #[serde(rename = "ErrorDisplay", default, skip_serializing_if = "Option::is_none")]
    pub error_display: Option<String>,
}

impl Envelope {
    /// Decodes the envelope keys of a reply body, ignoring every other key.
    pub fn from_slice(body: &[u8]) -> Result<Self, serde_json::Error> {
        serde_json::from_slice(body)
    }

    /// Whether the reply reports a failure of the whole call: `ActionStatus` `FAIL` or a non-zero
    /// `ErrorCode`.
    pub fn is_failure(&self) -> bool {
        self.error_code.unwrap_or(0) != 0 || self.action_status.as_deref() == Some("FAIL")
    }
}

/// Checks a reply the way the client does before decoding the payload: the envelope first (a failure
/// becomes [`Error::Service`]), then the HTTP status. Returns the body of a successful reply. An
/// envelope that drifted (an `ErrorCode` sent as a string) is read tolerantly.
pub fn check_reply(endpoint: &'static str, status: u16, body: Bytes) -> Result<Bytes, Error> {
    let envelope = match Envelope::from_slice(&body) {
        Ok(e) => e,
        Err(source) => match serde_json::from_slice::<Value>(&body) {
            Ok(Value::Object(mut m)) => take_envelope(&mut m, &mut Vec::new()),
            _ if (200..300).contains(&status) => return Err(Error::Decode { endpoint, source, body }),
            _ => return Err(Error::Http { endpoint, status, body }),
        },
    };
    fail_or_status(endpoint, status, &envelope, &body)?;
    Ok(body)
}

/// A decoded reply: the typed payload, and what it took to get it.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Decoded<T> {
    /// The payload.
    pub value: T,
    /// The envelope keys of the reply.
    pub envelope: Envelope,
    /// The raw reply body, as received: every field is here, catalogued or not.
    pub body: Bytes,
    /// What the decoder corrected because the reply drifted from the catalogue (empty for a reply
    /// that matches it).
    pub corrections: Vec<Correction>,
}

/// Decodes a whole reply the way the client does: the envelope (a failure becomes
/// [`Error::Service`]), the HTTP status, then the payload, correcting drift from the catalogue (see
/// [`crate::drift`]); each correction is reported as a `tracing` event. Useful for replies obtained
/// some other way (a recorded exchange, another HTTP stack). Never panics, whatever `body` holds.
///
/// ```
/// use tim_rest::envelope::decode_reply;
/// use tim_rest::im_open_login_svc::KickResponse;
/// let ok = decode_reply::<KickResponse>("im_open_login_svc/kick", 200, r#"{"ActionStatus":"OK","ErrorCode":0}"#.into());
/// assert!(ok.is_ok());
/// let fail = decode_reply::<KickResponse>("im_open_login_svc/kick", 200, r#"{"ActionStatus":"FAIL","ErrorCode":70107}"#.into());
/// assert_eq!(fail.unwrap_err().code(), Some(70107));
/// // A drifted reply (an error code sent as a string, a new key) still decodes.
/// let drifted = decode_reply::<KickResponse>("im_open_login_svc/kick", 200, r#"{"ErrorCode":"0","NewKey":1}"#.into());
/// assert!(drifted.is_ok());
/// ```
pub fn decode_reply<T: DeserializeOwned + Schema>(endpoint: &'static str, status: u16, body: Bytes) -> Result<T, Error> {
    let decoded = decode::<T>(endpoint, status, body, false)?;
    crate::drift::report(endpoint, &decoded.corrections);
    Ok(decoded.value)
}

/// Decodes a reply like [`decode_reply`], keeping the envelope, the raw body and the corrections.
/// With `strict`, any correction is an [`Error::Decode`] that names the JSON paths (the raw body is
/// kept); a failure reply is still [`Error::Service`]. Nothing is reported to `tracing` here.
pub fn decode<T: DeserializeOwned + Schema>(endpoint: &'static str, status: u16, body: Bytes, strict: bool) -> Result<Decoded<T>, Error> {
    // The fast path: one strict pass over the body reads envelope and payload together.
    match crate::codec::decode_with_envelope::<T>(&body) {
        Ok((envelope, value)) => {
            fail_or_status(endpoint, status, &envelope, &body)?;
            Ok(Decoded { value, envelope, body, corrections: Vec::new() })
        }
        Err(_) => decode_drifted(endpoint, status, body, strict),
    }
}

/// The error a reply stands for, if any: the envelope first, then the HTTP status.
fn fail_or_status(endpoint: &'static str, status: u16, envelope: &Envelope, body: &Bytes) -> Result<(), Error> {
    if envelope.is_failure() {
        return Err(Error::Service(Box::new(ServiceError::new(endpoint, envelope.clone(), body.clone()))));
    }
    if !(200..300).contains(&status) {
        return Err(Error::Http { endpoint, status, body: body.clone() });
    }
    Ok(())
}

/// The reply did not fit the strict decoder: parse it, take out the envelope, correct the payload
/// with the type's shape, then decode the corrected payload.
fn decode_drifted<T: DeserializeOwned + Schema>(
    endpoint: &'static str,
    status: u16,
    body: Bytes,
    strict: bool,
) -> Result<Decoded<T>, Error> {
    let not_an_object = |source: serde_json::Error, body: Bytes| {
        if (200..300).contains(&status) { Error::Decode { endpoint, source, body } } else { Error::Http { endpoint, status, body } }
    };
    let mut map = match serde_json::from_slice::<Value>(&body) {
        Ok(Value::Object(m)) => m,
        Ok(_) => return Err(not_an_object(serde::de::Error::custom("the reply is not a JSON object"), body)),
        Err(e) => return Err(not_an_object(e, body)),
    };
    let mut corrections = Vec::new();
    let envelope = take_envelope(&mut map, &mut corrections);
    fail_or_status(endpoint, status, &envelope, &body)?;
    corrections.extend(crate::drift::correct_payload(&mut map, T::shape()));
    if strict && !corrections.is_empty() {
        let source = serde::de::Error::custom(crate::drift::describe(&corrections));
        return Err(Error::Decode { endpoint, source, body });
    }
    match serde_json::from_value::<T>(Value::Object(map)) {
        Ok(value) => Ok(Decoded { value, envelope, body, corrections }),
        Err(source) => Err(Error::Decode { endpoint, source, body }),
    }
}

/// Decodes a reply of a command called without types ([`crate::Client::call_json`]): the envelope
/// (a failure becomes [`Error::Service`]), the HTTP status, then the payload as JSON without the
/// envelope keys.
pub fn decode_json(endpoint: &'static str, status: u16, body: Bytes) -> Result<Value, Error> {
    let not_an_object = |source: serde_json::Error, body: Bytes| {
        if (200..300).contains(&status) { Error::Decode { endpoint, source, body } } else { Error::Http { endpoint, status, body } }
    };
    let mut map = match serde_json::from_slice::<Value>(&body) {
        Ok(Value::Object(m)) => m,
        Ok(_) => return Err(not_an_object(serde::de::Error::custom("the reply is not a JSON object"), body)),
        Err(e) => return Err(not_an_object(e, body)),
    };
    let mut corrections = Vec::new();
    let envelope = take_envelope(&mut map, &mut corrections);
    crate::drift::report(endpoint, &corrections);
    fail_or_status(endpoint, status, &envelope, &body)?;
    Ok(Value::Object(map))
}

/// Removes the envelope keys from a reply object and reads them tolerantly.
pub(crate) fn take_envelope(map: &mut serde_json::Map<String, Value>, corrections: &mut Vec<Correction>) -> Envelope {
    use crate::drift::{Cause, JsonKind, Kind};
    let mut text = |key: &'static str, corrections: &mut Vec<Correction>| -> Option<String> {
        let path = || key.to_owned();
        match map.remove(key)? {
            Value::String(s) => Some(s),
            Value::Null => None,
            Value::Number(n) => {
                corrections.push(Correction { path: path(), kind: Kind::Coerced { from: JsonKind::Number, to: "string" } });
                Some(n.to_string())
            }
            Value::Bool(b) => {
                corrections.push(Correction { path: path(), kind: Kind::Coerced { from: JsonKind::Bool, to: "string" } });
                Some(b.to_string())
            }
            other => {
                let found = if other.is_array() { JsonKind::Array } else { JsonKind::Object };
                corrections.push(Correction { path: path(), kind: Kind::Absent(Cause::WrongType { expected: "string", found }) });
                None
            }
        }
    };
    let action_status = text("ActionStatus", corrections);
    let error_info = text("ErrorInfo", corrections);
    let request_id = text("RequestId", corrections);
    let error_display = text("ErrorDisplay", corrections);
    let error_code = match map.remove("ErrorCode") {
        None | Some(Value::Null) => None,
        Some(Value::Number(n)) => match n.as_i64() {
            Some(c) => Some(c),
            None => {
                corrections.push(Correction { path: "ErrorCode".into(), kind: Kind::Absent(Cause::OutOfRange) });
                None
            }
        },
        Some(Value::String(s)) => match s.trim().parse::<i64>() {
            Ok(c) => {
                corrections.push(Correction { path: "ErrorCode".into(), kind: Kind::Coerced { from: JsonKind::String, to: "integer" } });
                Some(c)
            }
            Err(_) => {
                let cause = if s.trim().is_empty() {
                    Cause::EmptyString
                } else {
                    Cause::WrongType { expected: "integer", found: JsonKind::String }
                };
                corrections.push(Correction { path: "ErrorCode".into(), kind: Kind::Absent(cause) });
                None
            }
        },
        Some(other) => {
            let found = match other {
                Value::Bool(_) => JsonKind::Bool,
                Value::Array(_) => JsonKind::Array,
                _ => JsonKind::Object,
            };
            corrections.push(Correction { path: "ErrorCode".into(), kind: Kind::Absent(Cause::WrongType { expected: "integer", found }) });
            None
        }
    };
    Envelope { action_status, error_code, error_info, request_id, error_display }
}
