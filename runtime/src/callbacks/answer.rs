//! The app's answers: the envelope and reply fields, and the decoders the catalogue's tests use.

use super::Rejection;
use bytes::Bytes;
use serde_json::{Map, Value};

/// The app's answer to a callback: the envelope (`ActionStatus` `OK`, `ErrorCode`, `ErrorInfo`) and, for
/// some "before" callbacks, more fields. The generated reply types convert into it.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Answer {
    /// `ErrorCode`: 0 allows; "before" callbacks document what other codes do.
    pub code: i64,
    /// `ErrorInfo`.
    pub info: String,
    /// The other fields of the reply (e.g. a replaced `MsgBody`).
    pub fields: Map<String, Value>,
}

impl Answer {
    /// `ErrorCode` 0 with no other field: "allow" for "before" callbacks, the receipt for "after" ones.
    pub fn ok() -> Answer {
        Answer { code: 0, info: String::new(), fields: Map::new() }
    }

    /// An answer with this `ErrorCode`.
    pub fn code(code: i64) -> Answer {
        Answer { code, ..Answer::ok() }
    }

    /// Sets `ErrorInfo` (some callbacks pass it on to the client, with a custom code).
    #[must_use]
    pub fn info(mut self, info: impl Into<String>) -> Answer {
        self.info = info.into();
        self
    }

    /// Adds a reply field.
    #[must_use]
    pub fn field(mut self, key: impl Into<String>, value: impl Into<Value>) -> Answer {
        self.fields.insert(key.into(), value.into());
        self
    }

    /// The reply body.
    pub fn to_body(&self) -> Bytes {
        let mut m = self.fields.clone();
        m.insert("ActionStatus".into(), "OK".into());
        m.insert("ErrorCode".into(), self.code.into());
        m.insert("ErrorInfo".into(), self.info.clone().into());
        Bytes::from(Value::Object(m).to_string())
    }

    /// Builds an answer from a generated reply: its `ErrorCode`, `ErrorInfo` and other fields as the
    /// reply type serializes them.
    pub fn from_reply<R: serde::Serialize>(reply: &R) -> Answer {
        let mut fields = match serde_json::to_value(reply) {
            Ok(Value::Object(m)) => m,
            _ => Map::new(),
        };
        let code = fields.remove("ErrorCode").and_then(|v| v.as_i64()).unwrap_or(0);
        let info = match fields.remove("ErrorInfo") {
            Some(Value::String(s)) => s,
            _ => String::new(),
        };
        fields.remove("ActionStatus");
        Answer { code, info, fields }
    }
}

/// Decodes a "before" callback's reply body strictly as the generated reply type `R` (the envelope's
/// `ActionStatus` aside), then as an [`Answer`].
pub fn decode_reply_as<R: serde::de::DeserializeOwned + serde::Serialize>(body: &[u8]) -> Result<Answer, serde_json::Error> {
    let mut v: Value = serde_json::from_slice(body)?;
    if let Value::Object(m) = &mut v {
        m.remove("ActionStatus");
    }
    Ok(Answer::from_reply(&serde_json::from_value::<R>(v)?))
}

/// Decodes an "after" callback's reply body: the envelope only (any other key is an error).
pub fn decode_ack(body: &[u8]) -> Result<Answer, serde_json::Error> {
    let v: Value = serde_json::from_slice(body)?;
    let Value::Object(mut m) = v else { return Err(serde::de::Error::custom("a reply is a JSON object")) };
    m.remove("ActionStatus");
    let code = match m.remove("ErrorCode") {
        None => 0,
        Some(c) => c.as_i64().ok_or_else(|| serde::de::Error::custom("ErrorCode is not an integer"))?,
    };
    let info = match m.remove("ErrorInfo") {
        None => String::new(),
        Some(Value::String(s)) => s,
        Some(_) => return Err(serde::de::Error::custom("ErrorInfo is not a string")),
    };
    if let Some(k) = m.keys().next() {
        return Err(serde::de::Error::custom(format_args!("unknown key `{k}` in an after-callback reply")));
    }
    Ok(Answer::code(code).info(info))
}

/// What the app sends back: an HTTP status and a JSON body.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct CallbackResponse {
    /// 200, or 400/403 for a refused request.
    pub status: u16,
    /// The JSON body.
    pub body: Bytes,
}

impl CallbackResponse {
    pub(crate) fn answer(a: &Answer) -> CallbackResponse {
        CallbackResponse { status: 200, body: a.to_body() }
    }

    /// The refusal of a request: its status, and a body that says why in general terms only
    /// ([`Rejection::reason`]).
    pub(crate) fn rejected(r: &Rejection) -> CallbackResponse {
        let body = serde_json::json!({"ActionStatus": "FAIL", "ErrorCode": 1, "ErrorInfo": r.reason()});
        CallbackResponse { status: r.status(), body: Bytes::from(body.to_string()) }
    }
}

#[cfg(test)]
mod tests {
    use super::Answer;
    use serde_json::Value;

    #[test]
    fn answers_encode_the_envelope_and_their_fields() {
        let body: Value = serde_json::from_slice(&Answer::ok().to_body()).expect("json");
        assert_eq!(body, serde_json::json!({"ActionStatus": "OK", "ErrorInfo": "", "ErrorCode": 0}));
        let body: Value = serde_json::from_slice(&Answer::code(10123).info("no").field("X", 1).to_body()).expect("json");
        assert_eq!(body, serde_json::json!({"ActionStatus": "OK", "ErrorInfo": "no", "ErrorCode": 10123, "X": 1}));
    }
}
