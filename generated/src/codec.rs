//! Serde helpers the generated code calls. Not part of the public API.

use serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, Visitor};
use std::fmt;
use std::marker::PhantomData;

/// Reads an absent-or-`null` collection as empty (used with `#[serde(default)]` on response fields).
pub fn null_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

/// Deserializes an open string enum without allocating for known values.
pub fn deserialize_str_enum<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: for<'a> From<&'a str>,
{
    struct V<T>(PhantomData<T>);
    impl<T: for<'a> From<&'a str>> Visitor<'_> for V<T> {
        type Value = T;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a string")
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
            Ok(T::from(v))
        }
    }
    deserializer.deserialize_str(V(PhantomData))
}

/// A tagged union `{ TAG: "...", CONTENT: {...} }` whose content type depends on the tag.
pub trait TaggedUnion: Sized {
    /// The tag key (e.g. `MsgType`).
    const TAG: &'static str;
    /// The content key (e.g. `MsgContent`).
    const CONTENT: &'static str;
    /// Reads the content straight from the map once the tag is known.
    fn content_from_map<'de, A: MapAccess<'de>>(tag: String, map: &mut A) -> Result<Self, A::Error>;
    /// Builds the value from buffered content (when the content came before the tag).
    fn content_from_value(tag: String, content: serde_json::Value) -> Result<Self, serde_json::Error>;
}

enum UnionKey {
    Tag,
    Content,
    Other,
}

struct UnionKeySeed<U>(PhantomData<U>);

impl<'de, U: TaggedUnion> de::DeserializeSeed<'de> for UnionKeySeed<U> {
    type Value = UnionKey;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<UnionKey, D::Error> {
        struct KV<U>(PhantomData<U>);
        impl<U: TaggedUnion> Visitor<'_> for KV<U> {
            type Value = UnionKey;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a key")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<UnionKey, E> {
                Ok(if v == U::TAG {
                    UnionKey::Tag
                } else if v == U::CONTENT {
                    UnionKey::Content
                } else {
                    UnionKey::Other
                })
            }
        }
        d.deserialize_str(KV::<U>(PhantomData))
    }
}

/// Deserializes a tagged union in either key order; the content is decoded directly when the tag
/// comes first and buffered otherwise. A key other than the tag and the content is an error (the
/// drift-correcting path removes it and reports it).
pub fn deserialize_union<'de, D: Deserializer<'de>, U: TaggedUnion>(deserializer: D) -> Result<U, D::Error> {
    struct V<U>(PhantomData<U>);
    impl<'de, U: TaggedUnion> Visitor<'de> for V<U> {
        type Value = U;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            write!(f, "an object with `{}` and `{}`", U::TAG, U::CONTENT)
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<U, A::Error> {
            let mut tag: Option<String> = None;
            let mut buffered: Option<serde_json::Value> = None;
            let mut out: Option<U> = None;
            while let Some(key) = map.next_key_seed(UnionKeySeed::<U>(PhantomData))? {
                match key {
                    UnionKey::Tag => {
                        if tag.is_some() {
                            return Err(de::Error::duplicate_field(U::TAG));
                        }
                        let t: String = map.next_value()?;
                        if let Some(content) = buffered.take() {
                            out = Some(U::content_from_value(t.clone(), content).map_err(de::Error::custom)?);
                        }
                        tag = Some(t);
                    }
                    UnionKey::Content => {
                        if out.is_some() || buffered.is_some() {
                            return Err(de::Error::duplicate_field(U::CONTENT));
                        }
                        match &tag {
                            Some(t) => out = Some(U::content_from_map(t.clone(), &mut map)?),
                            None => buffered = Some(map.next_value()?),
                        }
                    }
                    // Strict, like every generated type: the drift corrector drops unknown keys (and reports them).
                    UnionKey::Other => {
                        map.next_value::<IgnoredAny>()?;
                        return Err(de::Error::custom(format_args!("unknown key next to `{}` and `{}`", U::TAG, U::CONTENT)));
                    }
                }
            }
            match (out, tag) {
                (Some(v), _) => Ok(v),
                (None, Some(_)) => Err(de::Error::missing_field(U::CONTENT)),
                (None, None) => Err(de::Error::missing_field(U::TAG)),
            }
        }
    }
    deserializer.deserialize_map(V(PhantomData))
}

/// Printed in place of a sensitive field.
pub struct Redacted;

impl fmt::Debug for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

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
    env: &'a mut crate::Envelope,
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
    env: &'a mut crate::Envelope,
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
    env: &'a mut crate::Envelope,
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
pub fn decode_with_envelope<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<(crate::Envelope, T), serde_json::Error> {
    let mut env = crate::Envelope::default();
    let mut de = serde_json::Deserializer::from_slice(body);
    let payload = T::deserialize(SplitEnvelope { inner: &mut de, env: &mut env })?;
    de.end()?;
    Ok((env, payload))
}

#[cfg(test)]
mod tests {
    use super::decode_with_envelope;
    use crate::envelope::decode_reply;

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
