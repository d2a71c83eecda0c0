//! Serde helpers the generated code calls (open enums, tagged unions, lenient collections, redaction).
//! Public for the generated crate; not meant to be called directly.

use serde::de::{self, Deserialize, Deserializer, MapAccess, Visitor};
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

/// A documented 0/1 flag (`flag` in the catalogue): `bool` in Rust, the integer 0 or 1 on the wire.
/// Reading takes the integer the catalogue describes (any non-zero integer is `true`); a flag sent as
/// `true`/`false` or as a string is drift, which the tolerant pass converts and reports like any other
/// integer's (and strict decoding refuses). Use with `#[serde(with = "flag")]`.
pub mod flag {
    use serde::de::{self, Deserializer, Visitor};
    use serde::ser::Serializer;
    use std::fmt;

    /// Writes `true` as `1` and `false` as `0`.
    #[allow(clippy::trivially_copy_pass_by_ref)] // serde's `with` passes a reference
    pub fn serialize<S: Serializer>(value: &bool, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_u8(u8::from(*value))
    }

    /// Reads `0`/`1` (any non-zero integer as `true`).
    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<bool, D::Error> {
        deserializer.deserialize_any(FlagVisitor)
    }

    struct FlagVisitor;

    impl Visitor<'_> for FlagVisitor {
        type Value = bool;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a 0/1 flag")
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<bool, E> {
            Ok(v != 0)
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<bool, E> {
            Ok(v != 0)
        }
    }
}

/// [`flag`] for an optional field (`flag?`): `None` is left out or read from `null`.
pub mod opt_flag {
    use serde::de::{self, Deserializer, Visitor};
    use serde::ser::Serializer;
    use std::fmt;

    /// Writes `Some(true)` as `1`, `Some(false)` as `0` (`None` is skipped by the field's attributes).
    #[allow(clippy::ref_option)] // serde's `with` passes a reference
    pub fn serialize<S: Serializer>(value: &Option<bool>, serializer: S) -> Result<S::Ok, S::Error> {
        match value {
            Some(b) => serializer.serialize_u8(u8::from(*b)),
            None => serializer.serialize_none(),
        }
    }

    /// Reads `null` as `None`, anything [`super::flag`] reads as `Some`.
    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<bool>, D::Error> {
        deserializer.deserialize_option(OptVisitor)
    }

    struct OptVisitor;

    impl<'de> Visitor<'de> for OptVisitor {
        type Value = Option<bool>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a 0/1 flag or null")
        }
        fn visit_none<E: de::Error>(self) -> Result<Option<bool>, E> {
            Ok(None)
        }
        fn visit_unit<E: de::Error>(self) -> Result<Option<bool>, E> {
            Ok(None)
        }
        fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Option<bool>, D::Error> {
            super::flag::deserialize(deserializer).map(Some)
        }
    }
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
    /// An element without a usable tag (missing, `null`, not a string): the whole element, verbatim.
    fn untagged(element: serde_json::Value) -> Self;
}

enum UnionKey {
    Tag,
    Content,
    Other(String),
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
                    UnionKey::Other(v.to_owned())
                })
            }
        }
        d.deserialize_str(KV::<U>(PhantomData))
    }
}

/// Deserializes a tagged union in either key order; the content is decoded directly when the tag
/// comes first and buffered otherwise. With a string tag, a key other than the tag and the content is an
/// error (the drift-correcting path removes it and reports it). An element without a usable tag (none,
/// `null`, or not a string) is kept whole, verbatim ([`TaggedUnion::untagged`]): nothing is dropped.
pub fn deserialize_union<'de, D: Deserializer<'de>, U: TaggedUnion>(deserializer: D) -> Result<U, D::Error> {
    struct V<U>(PhantomData<U>);
    impl<'de, U: TaggedUnion> Visitor<'de> for V<U> {
        type Value = U;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            write!(f, "an object with `{}` and `{}`", U::TAG, U::CONTENT)
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<U, A::Error> {
            let mut tag: Option<String> = None;
            let mut odd_tag: Option<serde_json::Value> = None;
            let mut buffered: Option<serde_json::Value> = None;
            let mut out: Option<U> = None;
            let mut others = serde_json::Map::new();
            while let Some(key) = map.next_key_seed(UnionKeySeed::<U>(PhantomData))? {
                match key {
                    UnionKey::Tag => {
                        if tag.is_some() || odd_tag.is_some() {
                            return Err(de::Error::duplicate_field(U::TAG));
                        }
                        match map.next_value::<serde_json::Value>()? {
                            serde_json::Value::String(t) => {
                                if let Some(content) = buffered.take() {
                                    out = Some(U::content_from_value(t.clone(), content).map_err(de::Error::custom)?);
                                }
                                tag = Some(t);
                            }
                            other => odd_tag = Some(other),
                        }
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
                    UnionKey::Other(k) => {
                        let v = map.next_value::<serde_json::Value>()?;
                        others.insert(k, v);
                    }
                }
            }
            if tag.is_none() {
                let mut element = others;
                if let Some(t) = odd_tag {
                    element.insert(U::TAG.to_owned(), t);
                }
                if let Some(c) = buffered {
                    element.insert(U::CONTENT.to_owned(), c);
                }
                return Ok(U::untagged(serde_json::Value::Object(element)));
            }
            // Strict, like every generated type: the drift corrector drops unknown keys (and reports them).
            if let Some(k) = others.keys().next() {
                return Err(de::Error::custom(format_args!("unknown key `{k}` next to `{}` and `{}`", U::TAG, U::CONTENT)));
            }
            out.ok_or_else(|| de::Error::missing_field(U::CONTENT))
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
