//! Splitting a reply into its envelope and its payload: the envelope keys, and the one pass over a
//! reply body that takes them out while the payload type reads the rest.
//!
//! Nothing here knows errors or drift: the error type (which keeps a failed reply and decodes its
//! payload on request) and the reply decoder ([`crate::envelope`]) both build on it.

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize};
use std::fmt;

/// A map key, borrowed from the input when it has no escapes.
enum Key<'de> {
    Borrowed(&'de str),
    Owned(String),
}

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string key")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key::Borrowed(v))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key::Owned(v.to_owned()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Key<'de>, E> {
                Ok(Key::Owned(v))
            }
        }
        d.deserialize_str(V)
    }
}

impl Key<'_> {
    fn as_str(&self) -> &str {
        match self {
            Key::Borrowed(s) => s,
            Key::Owned(s) => s,
        }
    }
}

/// Presents a JSON object to a payload type with the envelope keys taken out (into `env`), so the
/// envelope and the payload are decoded in one pass over the body.
struct SplitEnvelope<'a, D> {
    inner: D,
    env: &'a mut Envelope,
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for SplitEnvelope<'_, D> {
    type Error = D::Error;
    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        self.inner.deserialize_map(SplitVisitor { visitor, env: self.env })
    }
    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf option unit
        unit_struct newtype_struct seq tuple tuple_struct map struct enum identifier ignored_any
    }
}

struct SplitVisitor<'a, V> {
    visitor: V,
    env: &'a mut Envelope,
}

impl<'de, V: Visitor<'de>> Visitor<'de> for SplitVisitor<'_, V> {
    type Value = V::Value;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a reply object")
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<V::Value, A::Error> {
        self.visitor.visit_map(SplitMap { inner: map, env: self.env })
    }
}

struct SplitMap<'a, A> {
    inner: A,
    env: &'a mut Envelope,
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for SplitMap<'_, A> {
    type Error = A::Error;
    fn next_key_seed<K: de::DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, A::Error> {
        loop {
            let Some(key) = self.inner.next_key::<Key<'de>>()? else { return Ok(None) };
            match key.as_str() {
                "ActionStatus" => self.env.action_status = self.inner.next_value()?,
                "ErrorCode" => self.env.error_code = self.inner.next_value()?,
                "ErrorInfo" => self.env.error_info = self.inner.next_value()?,
                "RequestId" => self.env.request_id = self.inner.next_value()?,
                "ErrorDisplay" => self.env.error_display = self.inner.next_value()?,
                _ => {
                    return match key {
                        Key::Borrowed(s) => seed.deserialize(de::value::BorrowedStrDeserializer::<A::Error>::new(s)).map(Some),
                        Key::Owned(s) => seed.deserialize(de::value::StringDeserializer::<A::Error>::new(s)).map(Some),
                    };
                }
            }
        }
    }
    fn next_value_seed<V: de::DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, A::Error> {
        self.inner.next_value_seed(seed)
    }
}

/// Decodes the envelope and the payload of a reply body in one pass. Payload types never declare
/// envelope keys (the generator rejects that), so nothing is taken from them.
pub fn decode_with_envelope<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<(Envelope, T), serde_json::Error> {
    let mut env = Envelope::default();
    let mut de = serde_json::Deserializer::from_slice(body);
    let payload = T::deserialize(SplitEnvelope { inner: &mut de, env: &mut env })?;
    de.end()?;
    Ok((env, payload))
}

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
