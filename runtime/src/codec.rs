//! Serde helpers the generated code calls (open enums, tagged unions, lenient collections, redaction).
//! Public for the generated crate; not meant to be called directly.

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
