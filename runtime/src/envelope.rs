//! The reply path: a reply's envelope (`ActionStatus`, `ErrorCode`, `ErrorInfo`, `RequestId` and
//! `ErrorDisplay`) and its payload, decoded the way the client does.
//!
//! One strict pass over the body reads the envelope and the payload together
//! ([`decode_with_envelope`]); a reply that drifted from the catalogue takes the tolerant pass of
//! [`crate::drift`] instead. Either way the envelope decides first: a `FAIL` reply becomes
//! [`Error::Service`] whether or not its payload fits the type, and the HTTP status is looked at only
//! after it. Every envelope key is optional, because the service omits some of them on some endpoints
//! (no `ActionStatus` on the global mute APIs, no `ErrorInfo` on some group queries), and `ActionStatus`
//! is an open string (`batchsendmsg` answers `"SomeError"` with code 0 when only some recipients
//! failed; that is a success whose payload lists the failures).

use crate::ReplyPayload;
use crate::drift::{Correction, Schema};
use crate::error::{Error, ErrorCodeInfo, ServiceError};
pub use crate::split::{ENVELOPE_KEYS, Envelope, decode_with_envelope};
use bytes::Bytes;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// Checks a reply the way the client does before decoding the payload: the envelope first (a failure
/// becomes [`Error::Service`]), then the HTTP status. Returns the body of a successful reply. An
/// envelope that drifted (an `ErrorCode` sent as a string) is read tolerantly.
pub fn check_reply(endpoint: &'static str, status: u16, body: Bytes) -> Result<Bytes, Error> {
    check_reply_with(endpoint, status, body, &[])
}

/// [`check_reply`] with the error-code table that gives a failure its meaning.
pub fn check_reply_with(endpoint: &'static str, status: u16, body: Bytes, errors: &'static [ErrorCodeInfo]) -> Result<Bytes, Error> {
    let envelope = match Envelope::from_slice(&body) {
        Ok(e) => e,
        Err(source) => match serde_json::from_slice::<Value>(&body) {
            Ok(Value::Object(mut m)) => take_envelope(&mut m, &mut Vec::new()),
            _ if (200..300).contains(&status) => return Err(Error::Decode { endpoint, source, body }),
            _ => return Err(Error::Http { endpoint, status, body }),
        },
    };
    fail_or_status(endpoint, status, &envelope, &body, errors)?;
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
/// With `tim-rest`'s types (tested in its integration tests):
///
/// ```ignore
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
pub fn decode_reply<T: ReplyPayload>(endpoint: &'static str, status: u16, body: Bytes) -> Result<T, Error> {
    let decoded = decode::<T>(endpoint, status, body, false)?;
    crate::drift::report(endpoint, &decoded.corrections);
    Ok(decoded.value)
}

/// Decodes a reply like [`decode_reply`], keeping the envelope, the raw body and the corrections.
/// With `strict`, any correction is an [`Error::Decode`] that names the JSON paths (the raw body is
/// kept); a failure reply is still [`Error::Service`]. Nothing is reported to `tracing` here.
pub fn decode<T: ReplyPayload>(endpoint: &'static str, status: u16, body: Bytes, strict: bool) -> Result<Decoded<T>, Error> {
    decode_with(endpoint, status, body, strict, T::error_codes())
}

/// [`decode`] for any described type, with the error-code table that gives a failure its meaning.
pub fn decode_with<T: DeserializeOwned + Schema>(
    endpoint: &'static str,
    status: u16,
    body: Bytes,
    strict: bool,
    errors: &'static [ErrorCodeInfo],
) -> Result<Decoded<T>, Error> {
    let frame = Reply { endpoint, status, body: &body, errors };
    let (value, envelope, corrections) = crate::drift::decode_framed::<T, _>(&body, &frame, strict, false)?;
    Ok(Decoded { value, envelope, body, corrections })
}

/// A reply as [`crate::drift::decode_framed`] sees it: the strict pass reads envelope and payload
/// together ([`decode_with_envelope`]); the envelope decides first, then the HTTP status.
struct Reply<'a> {
    endpoint: &'static str,
    status: u16,
    body: &'a Bytes,
    errors: &'static [ErrorCodeInfo],
}

impl crate::drift::Frame for Reply<'_> {
    type Envelope = Envelope;
    type Error = Error;
    const ENVELOPE: bool = true;
    const WHAT: &'static str = "reply";
    fn strict<T: DeserializeOwned>(&self, body: &[u8]) -> Option<(T, Envelope)> {
        decode_with_envelope::<T>(body).ok().map(|(envelope, value)| (value, envelope))
    }
    fn envelope(&self, object: &mut serde_json::Map<String, Value>, corrections: &mut Vec<Correction>) -> Envelope {
        take_envelope(object, corrections)
    }
    fn check(&self, envelope: &Envelope) -> Result<(), Error> {
        fail_or_status(self.endpoint, self.status, envelope, self.body, self.errors)
    }
    fn unreadable(&self, source: serde_json::Error) -> Error {
        unreadable(self.endpoint, self.status, self.body, source)
    }
    fn invalid(&self, source: serde_json::Error) -> Error {
        Error::Decode { endpoint: self.endpoint, source, body: self.body.clone() }
    }
}

/// The error a reply stands for, if any: the envelope first, then the HTTP status. The one place
/// where a failure reply becomes an error.
fn fail_or_status(
    endpoint: &'static str,
    status: u16,
    envelope: &Envelope,
    body: &Bytes,
    errors: &'static [ErrorCodeInfo],
) -> Result<(), Error> {
    if envelope.is_failure() {
        return Err(Error::Service(Box::new(ServiceError::new(endpoint, envelope.clone(), body.clone(), errors))));
    }
    if !(200..300).contains(&status) {
        return Err(Error::Http { endpoint, status, body: body.clone() });
    }
    Ok(())
}

/// [`decode`] by the correcting pass alone: the body parsed into a JSON value, corrected in place
/// ([`crate::drift::correct_payload`]) and decoded. Slower than [`decode`], which reads the body once and
/// takes this pass only for the rare corrections the single pass leaves to it; the two give the same
/// value and the same corrections (the drift suite checks it on every official example).
pub fn decode_correcting<T: ReplyPayload>(endpoint: &'static str, status: u16, body: Bytes, strict: bool) -> Result<Decoded<T>, Error> {
    let frame = Reply { endpoint, status, body: &body, errors: T::error_codes() };
    let (value, envelope, corrections) = crate::drift::decode_framed::<T, _>(&body, &frame, strict, true)?;
    Ok(Decoded { value, envelope, body, corrections })
}

/// Parses a reply body as a JSON object: anything else is [`Error::Decode`] (raw body kept), or
/// [`Error::Http`] under a non-2xx status.
fn parse_object(endpoint: &'static str, status: u16, body: &Bytes) -> Result<serde_json::Map<String, Value>, Error> {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(m)) => Ok(m),
        Ok(_) => Err(unreadable(endpoint, status, body, serde::de::Error::custom("the reply is not a JSON object"))),
        Err(e) => Err(unreadable(endpoint, status, body, e)),
    }
}

/// A reply body that is not a JSON object: [`Error::Decode`] (raw body kept), or [`Error::Http`]
/// under a non-2xx status.
fn unreadable(endpoint: &'static str, status: u16, body: &Bytes, source: serde_json::Error) -> Error {
    let body = body.clone();
    if (200..300).contains(&status) { Error::Decode { endpoint, source, body } } else { Error::Http { endpoint, status, body } }
}

/// Decodes a reply of a command called without types ([`crate::Client::call_json`]): the envelope
/// (a failure becomes [`Error::Service`]), the HTTP status, then the payload as JSON without the
/// envelope keys.
pub fn decode_json(endpoint: &'static str, status: u16, body: Bytes) -> Result<Value, Error> {
    decode_json_with(endpoint, status, body, &[])
}

/// [`decode_json`] with the error-code table that gives a failure its meaning.
pub fn decode_json_with(endpoint: &'static str, status: u16, body: Bytes, errors: &'static [ErrorCodeInfo]) -> Result<Value, Error> {
    let mut map = parse_object(endpoint, status, &body)?;
    let mut corrections = Vec::new();
    let envelope = take_envelope(&mut map, &mut corrections);
    crate::drift::report(endpoint, &corrections);
    fail_or_status(endpoint, status, &envelope, &body, errors)?;
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
                corrections.push(Correction::new(path(), Kind::Coerced { from: JsonKind::Number, to: "string" }));
                Some(n.to_string())
            }
            Value::Bool(b) => {
                corrections.push(Correction::new(path(), Kind::Coerced { from: JsonKind::Bool, to: "string" }));
                Some(b.to_string())
            }
            other => {
                let found = if other.is_array() { JsonKind::Array } else { JsonKind::Object };
                corrections.push(Correction::new(path(), Kind::Absent(Cause::WrongType { expected: "string", found })));
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
                corrections.push(Correction::new("ErrorCode", Kind::Absent(Cause::OutOfRange)));
                None
            }
        },
        Some(Value::String(s)) => match s.trim().parse::<i64>() {
            Ok(c) => {
                corrections.push(Correction::new("ErrorCode", Kind::Coerced { from: JsonKind::String, to: "integer" }));
                Some(c)
            }
            Err(_) => {
                let cause = if s.trim().is_empty() {
                    Cause::EmptyString
                } else {
                    Cause::WrongType { expected: "integer", found: JsonKind::String }
                };
                corrections.push(Correction::new("ErrorCode", Kind::Absent(cause)));
                None
            }
        },
        Some(other) => {
            let found = match other {
                Value::Bool(_) => JsonKind::Bool,
                Value::Array(_) => JsonKind::Array,
                _ => JsonKind::Object,
            };
            corrections.push(Correction::new("ErrorCode", Kind::Absent(Cause::WrongType { expected: "integer", found })));
            None
        }
    };
    Envelope { action_status, error_code, error_info, request_id, error_display }
}

#[cfg(test)]
mod tests {
    use super::decode_reply;
    use crate::split::decode_with_envelope;

    #[derive(Debug, serde::Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Payload {
        #[serde(rename = "MsgKey")]
        msg_key: String,
        #[serde(rename = "List", default)]
        list: Vec<u32>,
    }

    static PAYLOAD: crate::drift::ObjectShape = crate::drift::ObjectShape::new(
        "Payload",
        &[
            crate::drift::FieldShape::new("MsgKey", &[], crate::drift::Shape::Str, true),
            crate::drift::FieldShape::new("List", &[], crate::drift::Shape::Array(&crate::drift::Shape::U32), true),
        ],
    );

    impl crate::drift::Schema for Payload {
        fn shape() -> &'static crate::drift::ObjectShape {
            &PAYLOAD
        }
    }

    impl crate::ReplyPayload for Payload {
        fn error_codes() -> &'static [crate::ErrorCodeInfo] {
            &[]
        }
    }

    #[test]
    fn envelope_keys_are_taken_out_wherever_they_are() {
        let body = br#"{"MsgKey":"k","ErrorCode":0,"List":[1,2],"ActionStatus":"OK","RequestId":"r","ErrorInfo":""}"#;
        let (env, p) = decode_with_envelope::<Payload>(body).expect("decodes");
        assert_eq!(p, Payload { msg_key: "k".into(), list: vec![1, 2] });
        assert_eq!((env.action_status.as_deref(), env.error_code, env.request_id.as_deref()), (Some("OK"), Some(0), Some("r")));
        // The fast path is strict: an unknown key sends the reply to the correcting path.
        let other = br#"{"MsgKey":"k","Other":{"x":1},"ErrorCode":0}"#;
        assert!(decode_with_envelope::<Payload>(other).is_err());
        let fixed = decode_reply::<Payload>("x/y", 200, bytes::Bytes::from_static(other)).expect("corrected");
        assert_eq!(fixed.msg_key, "k");
    }

    #[test]
    fn escaped_keys_take_the_owned_path() {
        let body = br#"{"Msg\u004bey":"k","Error\u0043ode":70001}"#;
        let (env, p) = decode_with_envelope::<Payload>(body).expect("decodes");
        assert_eq!(p.msg_key, "k");
        assert_eq!(env.error_code, Some(70001));
    }

    #[test]
    fn a_failure_without_the_payload_is_a_service_error_and_only_garbage_is_a_decode_error() {
        let fail = decode_reply::<Payload>("x/y", 200, r#"{"ActionStatus":"FAIL","ErrorCode":90001,"ErrorInfo":"bad"}"#.into());
        assert_eq!(fail.expect_err("fail").code(), Some(90001));
        let ok_but_fail = decode_reply::<Payload>("x/y", 200, r#"{"MsgKey":"k","ActionStatus":"FAIL","ErrorCode":0}"#.into());
        assert_eq!(ok_but_fail.expect_err("FAIL status").code(), Some(0));
        let trailing = decode_reply::<Payload>("x/y", 200, r#"{"MsgKey":"k"} x"#.into());
        assert!(matches!(trailing, Err(crate::Error::Decode { .. })));
        let not_object = decode_reply::<Payload>("x/y", 200, r#"[{"MsgKey":"k"}]"#.into());
        assert!(matches!(not_object, Err(crate::Error::Decode { .. })));
        // An envelope value of the wrong type is drift, not a failure: the payload still decodes.
        let wrong_type = decode_reply::<Payload>("x/y", 200, r#"{"MsgKey":"k","ErrorCode":"zero"}"#.into());
        assert_eq!(wrong_type.expect("drift is corrected").msg_key, "k");
    }
}
