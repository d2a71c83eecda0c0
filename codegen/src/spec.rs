//! The raw shape of the YAML catalogue, exactly as written in `spec/`.
//!
//! Everything here is deserialized with `serde_yaml` and `deny_unknown_fields`, so a misspelt key is
//! reported by the YAML loader with its line and column. Meaning (type references, names, examples) is
//! checked later, in [`crate::validate`].

use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use std::fmt;
use std::marker::PhantomData;

/// A mapping that keeps the order of the YAML file and rejects duplicate keys.
///
/// Order matters: commands are listed in documentation order and fields in the order the official
/// field tables give them, and the generated code follows that order. Keys may be written as strings
/// or as integers (integer enum values); both are kept as their text.
#[derive(Debug, Clone, PartialEq)]
pub struct OrderedMap<V>(pub Vec<(String, V)>);

impl<V> Default for OrderedMap<V> {
    fn default() -> Self {
        OrderedMap(Vec::new())
    }
}

impl<V> OrderedMap<V> {
    /// Iterates over the entries in file order.
    pub fn iter(&self) -> impl Iterator<Item = (&String, &V)> {
        self.0.iter().map(|(k, v)| (k, v))
    }
    /// The number of entries.
    pub fn len(&self) -> usize {
        self.0.len()
    }
    /// Whether there are no entries.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    /// The value under `key`, if any.
    pub fn get(&self, key: &str) -> Option<&V> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }
}

/// A mapping key: YAML lets keys be strings, integers or booleans; the catalogue keeps their text.
struct Key(String);

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl Visitor<'_> for KeyVisitor {
            type Value = Key;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string or integer key")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Key, E> {
                Ok(Key(v.to_owned()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Key, E> {
                Ok(Key(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Key, E> {
                Ok(Key(v.to_string()))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Key, E> {
                Ok(Key(v.to_string()))
            }
        }
        d.deserialize_any(KeyVisitor)
    }
}

impl<'de, V: Deserialize<'de>> Deserialize<'de> for OrderedMap<V> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct MapVisitor<V>(PhantomData<V>);
        impl<'de, V: Deserialize<'de>> Visitor<'de> for MapVisitor<V> {
            type Value = OrderedMap<V>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a mapping")
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(OrderedMap(Vec::new()))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut out: Vec<(String, V)> = Vec::new();
                while let Some(Key(k)) = map.next_key::<Key>()? {
                    if out.iter().any(|(seen, _)| *seen == k) {
                        return Err(de::Error::custom(format!("duplicate key `{k}`")));
                    }
                    let v = map.next_value::<V>()?;
                    out.push((k, v));
                }
                Ok(OrderedMap(out))
            }
        }
        d.deserialize_map(MapVisitor(PhantomData))
    }
}

/// A title in both languages.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Title {
    /// Chinese title, as the official documentation names the command or service.
    pub zh: String,
    /// English title.
    pub en: String,
}

/// One file `spec/services/<servicename>.yaml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceFile {
    /// The wire servicename (`openim`, `ConfigSvc`, ...), case sensitive.
    pub service: String,
    /// The Rust module name; defaults to the snake case of `service`.
    #[serde(default)]
    pub module: Option<String>,
    /// Title in both languages.
    pub title: Title,
    /// Longer English description of the service.
    #[serde(default)]
    pub description: Option<String>,
    /// One line saying what the service is for, in words (`Accounts: import, delete, check, kick`): the
    /// first line of the Rust module's documentation.
    #[serde(default)]
    pub summary: Option<String>,
    /// Commands in documentation order, keyed by wire command.
    pub commands: OrderedMap<CommandSpec>,
    /// Named types local to this service.
    #[serde(default)]
    pub types: OrderedMap<TypeSpec>,
    /// The code the service answers a request that breaks a documented limit, where a command's page
    /// names none (used by the local server).
    #[serde(default)]
    pub limit_code: Option<i64>,
}

/// One file `spec/types/*.yaml`: named types shared by every service.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TypesFile {
    /// What the types in this file are about.
    #[serde(default)]
    pub description: Option<String>,
    /// The shared named types.
    pub types: OrderedMap<TypeSpec>,
}

/// Declares the spec of an operation (a command or a callback): the keys both have (`name`, `title`,
/// `doc`, `doc_en`, `description`, `examples`, `sources`), written once here, then the kind's own
/// keys. A macro rather than a shared struct because serde's `flatten` cannot be combined with
/// `deny_unknown_fields`, which reports a misspelt key with its line.
macro_rules! operation_spec {
    (
        $(#[$meta:meta])*
        pub struct $spec:ident {
            name: $name_doc:literal,
            examples: $example:ty,
            $($(#[$fmeta:meta])* pub $field:ident: $ty:ty,)*
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Deserialize)]
        #[serde(deny_unknown_fields)]
        pub struct $spec {
            #[doc = $name_doc]
            #[serde(default)]
            pub name: Option<String>,
            /// Title in both languages.
            pub title: Title,
            /// Link to the official Chinese documentation page.
            pub doc: String,
            /// Link to the official English documentation page, when there is one.
            #[serde(default)]
            pub doc_en: Option<String>,
            /// Longer English description.
            #[serde(default)]
            pub description: Option<String>,
            $($(#[$fmeta])* pub $field: $ty,)*
            /// The official examples, verbatim JSON text.
            #[serde(default)]
            pub examples: Vec<$example>,
            /// The official pages the schema was checked against (the currency record).
            #[serde(default)]
            pub sources: Vec<SourceSpec>,
        }

        impl $spec {
            /// The keys every operation has.
            pub fn common(&self) -> OperationSpec<'_> {
                OperationSpec {
                    name: self.name.as_deref(),
                    title: &self.title,
                    doc: &self.doc,
                    doc_en: self.doc_en.as_deref(),
                    description: self.description.as_deref(),
                    examples: self.examples.iter().map(|e| ExampleSpec::from(e.clone())).collect(),
                    sources: &self.sources,
                }
            }
        }
    };
}

/// The keys commands and callbacks share, borrowed from either spec (examples in one shape).
#[derive(Debug, Clone)]
pub struct OperationSpec<'a> {
    /// The Rust name, when set.
    pub name: Option<&'a str>,
    /// Title in both languages.
    pub title: &'a Title,
    /// Chinese documentation link.
    pub doc: &'a str,
    /// English documentation link.
    pub doc_en: Option<&'a str>,
    /// Longer English description.
    pub description: Option<&'a str>,
    /// The official examples (a callback's event as `request`, its reply as `response`).
    pub examples: Vec<ExampleSpec>,
    /// The currency record.
    pub sources: &'a [SourceSpec],
}

operation_spec! {
    /// One command (`servicename/command` pair).
    pub struct CommandSpec {
        name: "The Rust function name; defaults to the snake case of the wire command.",
        examples: ExampleSpec,
        /// Retry class: `safe`, `never`, or `dedupe(Field, ...)`.
        pub retry: String,
        /// Request body fields; `{}` when the body is an empty object.
        pub request: OrderedMap<FieldSpec>,
        /// Response payload fields (the envelope fields are implicit).
        pub response: OrderedMap<FieldSpec>,
        /// Per-item results inside a successful reply.
        #[serde(default)]
        pub results: Vec<ResultsSpec>,
        /// `partial`: the official reply table could not be read whole; `response` lists what is known (all
        /// optional) and the generated reply keeps every other key.
        #[serde(default)]
        pub reply: Option<String>,
        /// How the command pages through a list (its cursor scheme), when it does.
        #[serde(default)]
        pub paging: Option<PagingSpec>,
        /// Documented limits on request fields (list sizes, string lengths, ranges), keyed by field path.
        #[serde(default)]
        pub limits: OrderedMap<LimitSpec>,
        /// Documented call rates: one mapping, or a list when several apply.
        #[serde(default)]
        pub rate: Option<OneOrMany<RateSpec>>,
    }
}

/// A value written either alone or as a list.
#[derive(Debug, Clone, PartialEq)]
pub struct OneOrMany<T>(pub Vec<T>);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for OneOrMany<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = OneOrMany<T>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a mapping or a list of mappings")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
                Ok(OneOrMany(Vec::<T>::deserialize(de::value::SeqAccessDeserializer::new(seq))?))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                Ok(OneOrMany(vec![T::deserialize(de::value::MapAccessDeserializer::new(map))?]))
            }
        }
        d.deserialize_any(V(PhantomData))
    }
}

/// A command's paging rule: which reply list holds the items, how the next request is built from a
/// reply, and which reply is the last.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PagingSpec {
    /// The reply field (an array) holding the page's items; absent when the pages have no one list.
    #[serde(default)]
    pub items: Option<String>,
    /// The request field that sets how many items a page holds.
    #[serde(default)]
    pub size: Option<String>,
    /// The next request: each listed request field gets a new value; every other field is kept.
    pub next: OrderedMap<CursorSpec>,
    /// The reply is the last page when any of these holds.
    pub end: Vec<EndSpec>,
    /// The official page the rule was read from (default: the command's `doc`).
    #[serde(default)]
    pub source: Option<String>,
    /// Maintainer note.
    #[serde(default)]
    pub note: Option<String>,
}

/// Where a cursor field of the next request gets its value.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CursorSpec {
    /// `items`: the field's current value plus the number of items in the reply (offset paging).
    #[serde(default)]
    pub add: Option<String>,
    /// With `add`: leave the field alone when the reply carries this (cursor) field instead.
    #[serde(default)]
    pub unless: Option<String>,
    /// The value of this reply field (kept when the reply lacks it).
    #[serde(default)]
    pub from: Option<String>,
    /// The smallest value of this item field in the reply (walking back through a history).
    #[serde(default)]
    pub min_of: Option<String>,
    /// With `min_of`: subtracted from the smallest value.
    #[serde(default)]
    pub minus: Option<u64>,
}

/// One end condition of a paging rule.
#[derive(Debug, Clone)]
pub enum EndSpec {
    /// `no_items`: a reply without items is the last.
    NoItems,
    /// `{ field: F, is: V }` / `{ field: F, not: V }`: a reply field has (or, with `not`, is present
    /// and has not) this value.
    Field {
        /// The reply field.
        field: String,
        /// The value to compare with.
        value: serde_json::Value,
        /// `not`: the condition holds when the field is present with another value.
        negated: bool,
    },
    /// `{ next: Cursor, is: V }`: the next request's cursor field would have this value.
    Next {
        /// The request (cursor) field.
        field: String,
        /// The value.
        value: serde_json::Value,
    },
    /// `{ reached: Total, by: Offset }`: the next value of request field `by` reaches reply field
    /// `reached` (a total count).
    Reached {
        /// The reply field holding the total.
        total: String,
        /// The request field counting the items read so far.
        by: String,
    },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EndLong {
    #[serde(default)]
    field: Option<String>,
    #[serde(default)]
    next: Option<String>,
    #[serde(default)]
    is: Option<serde_json::Value>,
    #[serde(default)]
    not: Option<serde_json::Value>,
    #[serde(default)]
    reached: Option<String>,
    #[serde(default)]
    by: Option<String>,
}

impl<'de> Deserialize<'de> for EndSpec {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = EndSpec;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("`no_items`, `{ field: F, is: V }`, `{ field: F, not: V }`, `{ next: Cursor, is: V }` or `{ reached: Total, by: Field }`")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<EndSpec, E> {
                match v {
                    "no_items" => Ok(EndSpec::NoItems),
                    other => Err(E::custom(format!("unknown end condition `{other}`: expected `no_items` or a mapping"))),
                }
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<EndSpec, A::Error> {
                let l = EndLong::deserialize(de::value::MapAccessDeserializer::new(map))?;
                match l {
                    EndLong { field: Some(field), next: None, is: Some(value), not: None, reached: None, by: None } => {
                        Ok(EndSpec::Field { field, value, negated: false })
                    }
                    EndLong { field: Some(field), next: None, is: None, not: Some(value), reached: None, by: None } => {
                        Ok(EndSpec::Field { field, value, negated: true })
                    }
                    EndLong { field: None, next: Some(field), is: Some(value), not: None, reached: None, by: None } => {
                        Ok(EndSpec::Next { field, value })
                    }
                    EndLong { field: None, next: None, is: None, not: None, reached: Some(total), by: Some(by) } => {
                        Ok(EndSpec::Reached { total, by })
                    }
                    _ => Err(de::Error::custom(
                        "an end condition is `{ field: F, is: V }`, `{ field: F, not: V }`, `{ next: Cursor, is: V }` or \
                         `{ reached: Total, by: Field }`",
                    )),
                }
            }
        }
        d.deserialize_any(V)
    }
}

/// Declares the spec of a documented call rule (a limit, a rate): its own keys, then the keys every
/// rule has (`code`, `source`, `note`), written once here. A macro for the reason given at
/// `operation_spec!`: serde's `flatten` cannot be combined with `deny_unknown_fields`.
macro_rules! rule_spec {
    (
        $(#[$meta:meta])*
        pub struct $spec:ident {
            $($(#[$fmeta:meta])* pub $field:ident: $ty:ty,)*
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Default, Deserialize)]
        #[serde(deny_unknown_fields)]
        pub struct $spec {
            $($(#[$fmeta])* pub $field: $ty,)*
            /// The error code the server answers a call that breaks the rule (a limit: the page's, else
            /// the service's `limit_code`; a rate: the page's, else 60007).
            #[serde(default)]
            pub code: Option<i64>,
            /// The official page the rule was read from (default: the command's `doc`).
            #[serde(default)]
            pub source: Option<String>,
            /// Maintainer note.
            #[serde(default)]
            pub note: Option<String>,
        }
    };
}

rule_spec! {
    /// A documented limit on one request field.
    pub struct LimitSpec {
        /// A list holds at most this many items.
        #[serde(default)]
        pub max_items: Option<u64>,
        /// A string is at most this many bytes (UTF-8).
        #[serde(default)]
        pub max_bytes: Option<u64>,
        /// An integer is at least this.
        #[serde(default)]
        pub min: Option<i64>,
        /// An integer is at most this.
        #[serde(default)]
        pub max: Option<i64>,
        /// For a top-level request list with `max_items`: whether the batched call may split it into
        /// several requests (default: yes). `false` needs a `note` saying why.
        #[serde(default)]
        pub batch: Option<bool>,
        /// For a batched list: its parts must be sent one after another, in list order (default: no; they
        /// may run concurrently).
        #[serde(default)]
        pub ordered: bool,
        /// For a batched list of objects: the item field naming each item in the reply's per-item results
        /// (default: the `id` of the command's `results`).
        #[serde(default)]
        pub id: Option<String>,
    }
}

rule_spec! {
    /// A documented call rate.
    pub struct RateSpec {
        /// How many units are allowed per period.
        pub limit: u64,
        /// The period: `second`, `minute`, `hour` or `day`.
        pub per: String,
        /// What one unit is: absent for one call; a request list field for each of its items.
        #[serde(default)]
        pub counts: Option<String>,
        /// A request field whose every value has its own quota (e.g. `GroupId`: per group).
        #[serde(default)]
        pub scope: Option<String>,
    }
}

/// One official page a command's schema was compared with.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceSpec {
    /// The page: an `https://` URL of the live documentation, or `intlcloud-documents:<path>` /
    /// `qcloud-documents:<path>` for a file of those public repositories.
    pub page: String,
    /// The page's language: `zh`, `en`, `ja`, `ko`.
    pub lang: String,
    /// The date the page carries (its update time, or the commit that last changed the file), as
    /// `YYYY-MM-DD`, `YYYY-MM` or `YYYY`, or `unknown`.
    pub dated: String,
    /// Whether the whole page could be read (false: cut short; say where in `note`).
    pub whole: bool,
    /// When the page was compared with the spec, `YYYY-MM-DD`.
    pub checked: String,
    /// What the page showed that the spec does not follow, or where it was cut.
    #[serde(default)]
    pub note: Option<String>,
}

/// Where a response carries per-item outcomes (partial failure inside an OK reply).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResultsSpec {
    /// The response field holding the list (an array of objects, or of strings where every entry is a failure).
    pub list: String,
    /// The item field that names the subject (an account, a group...).
    #[serde(default)]
    pub id: Option<String>,
    /// The item field holding the per-item code; absent when every listed item is a failure.
    #[serde(default)]
    pub code: Option<String>,
    /// The item field holding the per-item message.
    #[serde(default)]
    pub info: Option<String>,
    /// Codes that mean success for this list (default `[0]`).
    #[serde(default)]
    pub ok: Option<Vec<i64>>,
}

/// Declares the spec of an official example with the keys of its two bodies (`request`/`response` for
/// commands, `event`/`reply` for callbacks); in Rust both are `request` and `response`.
macro_rules! example_spec {
    ($(#[$meta:meta])* $spec:ident, $req:tt, $req_doc:literal, $resp:tt, $resp_doc:literal) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Deserialize)]
        #[serde(deny_unknown_fields)]
        pub struct $spec {
            /// The doc's caption for the example.
            #[serde(default)]
            pub title: Option<String>,
            /// What was changed from the doc's text (trailing commas, full-width commas...) and why; for a
            /// `legacy` example, the older page it comes from.
            #[serde(default)]
            pub note: Option<String>,
            /// An example from an older version of the page that the current schema no longer matches
            /// exactly (a renamed key, a number that is now a string). It is checked tolerantly and kept to
            /// prove such replies still decode.
            #[serde(default)]
            pub legacy: bool,
            #[doc = $req_doc]
            #[serde(default, rename = $req)]
            pub request: Option<String>,
            #[doc = $resp_doc]
            #[serde(default, rename = $resp)]
            pub response: Option<String>,
        }
    };
}

example_spec!(
    /// One official example of a command.
    ExampleSpec,
    "request",
    "The request body as JSON text.",
    "response",
    "The response body as JSON text."
);

example_spec!(
    /// One official callback example.
    CallbackExampleSpec,
    "event",
    "The event body as JSON text (key `event`).",
    "reply",
    "The app's reply as JSON text (key `reply`)."
);

impl From<CallbackExampleSpec> for ExampleSpec {
    fn from(e: CallbackExampleSpec) -> Self {
        ExampleSpec { title: e.title, note: e.note, legacy: e.legacy, request: e.request, response: e.response }
    }
}

/// A field: either a bare type expression (`To_Account: string`) or a mapping.
#[derive(Debug, Clone, Default)]
pub struct FieldSpec {
    /// The type expression, e.g. `string`, `u64?`, `[MsgElement]`, `map<string>`, `object`.
    pub ty: String,
    /// English description of the field.
    pub doc: Option<String>,
    /// Rust field name override.
    pub rust: Option<String>,
    /// Redacted in `Debug`.
    pub sensitive: bool,
    /// Filled in by the SDK when the request is built (`random`).
    pub auto: Option<String>,
    /// Other wire keys the field is also read from (documentation that disagrees on a key's name).
    pub aliases: Vec<String>,
    /// Fields of an inline object (the type expression then uses `object`).
    pub fields: Option<OrderedMap<FieldSpec>>,
    /// Rust name of the inline object type.
    pub name: Option<String>,
    /// Maintainer note (kept out of the generated code).
    pub note: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FieldSpecLong {
    #[serde(rename = "type")]
    ty: String,
    #[serde(default)]
    doc: Option<String>,
    #[serde(default)]
    rust: Option<String>,
    #[serde(default)]
    sensitive: bool,
    #[serde(default)]
    auto: Option<String>,
    #[serde(default)]
    aliases: Vec<String>,
    #[serde(default)]
    fields: Option<OrderedMap<FieldSpec>>,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    note: Option<String>,
}

impl<'de> Deserialize<'de> for FieldSpec {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = FieldSpec;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a type expression (string) or a field mapping with `type:`")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<FieldSpec, E> {
                Ok(FieldSpec { ty: v.to_owned(), ..FieldSpec::default() })
            }
            fn visit_seq<A: SeqAccess<'de>>(self, _seq: A) -> Result<FieldSpec, A::Error> {
                Err(de::Error::custom("a type expression that starts with `[` must be quoted, e.g. \"[string]\""))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<FieldSpec, A::Error> {
                let l = FieldSpecLong::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(FieldSpec {
                    ty: l.ty,
                    doc: l.doc,
                    rust: l.rust,
                    sensitive: l.sensitive,
                    auto: l.auto,
                    aliases: l.aliases,
                    fields: l.fields,
                    name: l.name,
                    note: l.note,
                })
            }
        }
        d.deserialize_any(V)
    }
}

/// A named type: an object (`fields`), an open enum (`enum` + `values`), a tagged union (`union` +
/// `variants`) or a value of one of several JSON kinds (`oneof`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TypeSpec {
    /// English description.
    #[serde(default)]
    pub doc: Option<String>,
    /// Object fields.
    #[serde(default)]
    pub fields: Option<OrderedMap<FieldSpec>>,
    /// Enum base: `string`, `i32`, `u32`, `i64` or `u64`.
    #[serde(default, rename = "enum")]
    pub enum_base: Option<String>,
    /// Enum values keyed by their wire value.
    #[serde(default)]
    pub values: Option<OrderedMap<EnumValueSpec>>,
    /// Tagged union: names of the tag and content keys.
    #[serde(default)]
    pub union: Option<UnionSpec>,
    /// Tagged union variants keyed by tag value.
    #[serde(default)]
    pub variants: Option<OrderedMap<VariantSpec>>,
    /// Untagged alternatives keyed by Rust variant name, each a type expression.
    #[serde(default)]
    pub oneof: Option<OrderedMap<String>>,
    /// Maintainer note.
    #[serde(default)]
    pub note: Option<String>,
}

/// The keys of a tagged union.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UnionSpec {
    /// The key holding the tag, e.g. `MsgType`.
    pub tag: String,
    /// The key holding the content, e.g. `MsgContent`.
    pub content: String,
}

/// An enum value: nothing, a doc string, or `{ name, doc }`.
#[derive(Debug, Clone, Default)]
pub struct EnumValueSpec {
    /// Rust variant name (required when the value is not a valid identifier, e.g. integers).
    pub name: Option<String>,
    /// English description.
    pub doc: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EnumValueLong {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    doc: Option<String>,
}

impl<'de> Deserialize<'de> for EnumValueSpec {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = EnumValueSpec;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("nothing, a description, or a mapping with `name`/`doc`")
            }
            fn visit_unit<E: de::Error>(self) -> Result<EnumValueSpec, E> {
                Ok(EnumValueSpec::default())
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<EnumValueSpec, E> {
                Ok(EnumValueSpec { name: None, doc: Some(v.to_owned()) })
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<EnumValueSpec, A::Error> {
                let l = EnumValueLong::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(EnumValueSpec { name: l.name, doc: l.doc })
            }
        }
        d.deserialize_any(V)
    }
}

/// A union variant: a type name, or `{ type, name, doc }`.
#[derive(Debug, Clone, Default)]
pub struct VariantSpec {
    /// The named object type of the content.
    pub ty: String,
    /// Rust variant name (defaults to the type name).
    pub name: Option<String>,
    /// English description.
    pub doc: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct VariantLong {
    #[serde(rename = "type")]
    ty: String,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    doc: Option<String>,
}

impl<'de> Deserialize<'de> for VariantSpec {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = VariantSpec;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a type name or a mapping with `type`")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<VariantSpec, E> {
                Ok(VariantSpec { ty: v.to_owned(), ..VariantSpec::default() })
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<VariantSpec, A::Error> {
                let l = VariantLong::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(VariantSpec { ty: l.ty, name: l.name, doc: l.doc })
            }
        }
        d.deserialize_any(V)
    }
}

/// One file `spec/callbacks/<group>.yaml`: the callback (webhook) commands of one documentation
/// category, which the IM server POSTs to the app.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CallbackFile {
    /// The group name: the file stem and the Rust module under `callbacks` (snake_case).
    pub group: String,
    /// Title in both languages.
    pub title: Title,
    /// Longer English description.
    #[serde(default)]
    pub description: Option<String>,
    /// Callback commands keyed by their exact `CallbackCommand` (e.g. `C2C.CallbackBeforeSendMsg`).
    pub callbacks: OrderedMap<CallbackSpec>,
    /// Named types local to this group.
    #[serde(default)]
    pub types: OrderedMap<TypeSpec>,
}

operation_spec! {
    /// One callback command.
    pub struct CallbackSpec {
        name: "Rust name stem (snake_case); defaults to the command without `Callback`, in snake case \
               (`C2C.CallbackBeforeSendMsg` -> `c2c_before_send_msg`).",
        examples: CallbackExampleSpec,
        /// `before`: the app's reply decides the outcome; `after`: a notification whose reply is ignored.
        pub when: String,
        /// The fields of the JSON body the IM server sends.
        pub event: OrderedMap<FieldSpec>,
        /// Fields of the app's reply besides the envelope (`ActionStatus`, `ErrorCode`, `ErrorInfo`).
        #[serde(default)]
        pub reply: OrderedMap<FieldSpec>,
        /// What the reply's `ErrorCode` decides (`before` callbacks), keyed by a snake_case name that
        /// becomes the reply's constructor.
        #[serde(default)]
        pub outcomes: OrderedMap<OutcomeSpec>,
        /// The outcome the IM server applies when the app does not answer in time or answers badly.
        #[serde(default)]
        pub on_failure: Option<String>,
    }
}

/// One documented outcome of a `before` callback.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutcomeSpec {
    /// The `ErrorCode` of the reply.
    #[serde(default)]
    pub code: Option<i64>,
    /// An inclusive range of codes the app may choose from (`[10100, 10200]`).
    #[serde(default)]
    pub codes: Option<Vec<i64>>,
    /// What the IM server does.
    pub doc: String,
}

/// `spec/errors.yaml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ErrorsFile {
    /// Error codes keyed by number.
    pub codes: OrderedMap<ErrorSpec>,
}

/// One error code.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ErrorSpec {
    /// snake_case identifier; becomes a SCREAMING_SNAKE_CASE constant.
    pub name: String,
    /// Which family of the API the code belongs to.
    pub family: String,
    /// `retry`, `transient`, `resign` or `permanent`.
    pub class: String,
    /// Meaning in Chinese, as documented.
    pub zh: String,
    /// Meaning in English.
    pub en: String,
}

/// `spec/gaps.yaml`: commands known to exist but not modelled yet.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GapsFile {
    /// The commands, each with the reason.
    pub gaps: Vec<GapSpec>,
    /// Callback commands known to exist but not modelled, each with the reason.
    #[serde(default)]
    pub callbacks: Vec<CallbackGapSpec>,
}

/// One callback command that is not modelled.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CallbackGapSpec {
    /// The `CallbackCommand`.
    pub command: String,
    /// Why it is not in the catalogue (the sources tried).
    pub reason: String,
    /// The official page, when one exists.
    #[serde(default)]
    pub doc: Option<String>,
}

/// One command that is not modelled.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GapSpec {
    /// Wire servicename.
    pub service: String,
    /// Wire command.
    pub command: String,
    /// Why it is not in the catalogue (what was searched, what could not be read).
    pub reason: String,
    /// The official page, when one exists.
    #[serde(default)]
    pub doc: Option<String>,
}
