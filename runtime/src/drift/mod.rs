//! Replies that drift from the catalogue: tolerant decoding, corrections, strict mode.
//!
//! The official pages and the server move: a field is added or renamed, a number arrives as its
//! decimal string, a value is `null`. A reply that took effect on the server must not fail because of
//! that. Each reply is read once, by one of two passes over the bytes:
//!
//! 1. **Strict.** The generated serde code decodes the body (exact JSON types, no unknown keys). An
//!    undrifted reply is done here.
//! 2. **Tolerant.** The same generated code reads the body through a deserializer adapter that knows each
//!    value's [`Shape`] (static data the generator writes next to each type) and corrects as it goes:
//!    integers accept decimal strings, strings accept numbers and booleans, `null` and unusable values
//!    read as absent, a missing required field gets its type's zero value (Smithy 2.0's "client error
//!    correction"), unknown keys are skipped. Each change is a [`Correction`] naming the JSON path, never
//!    the value; past [`FULL_PATHS`] corrections in one reply, the rest are grouped by path pattern with
//!    a [`count`](Correction::count).
//!
//! A reply goes to the strict pass unless its type drifted within the last [`DRIFT_MEMORY`] replies; when
//! the strict pass fails, the tolerant pass reads the body again (the only case with two passes).
//! Inside the tolerant pass, what has never drifted is still read by the strict code: each object type
//! remembers which of its fields (and whether anything inside it) drifted in an earlier reply, and the
//! other fields and objects skip the adapter. A cursor sent as a string thus costs nothing on the
//! thousands of list items beside it. An object whose type drifted only in its integer fields, and only
//! by conversions (a number as its string, a boolean, an integral float), is handed whole to the
//! generated code, whose integer fields are [`lenient`]: strict anywhere else, they convert such a value
//! there and note the correction, which the tolerant pass reports with its path. A systematic drift of
//! a time or a sequence number in every item of a list is thus read at nearly strict speed. If
//! something drifts where it never did, the strict read of that part fails and the tolerant pass starts
//! over with the adapter everywhere (once: the place is remembered). The rare corrections the tolerant
//! pass cannot make as the tokens go by (an array item or map entry left out, a field sent under its
//! key and under an alias, a union element whose content comes before its tag, objects nested deeper
//! than 48 levels or with more than 256 fields) hand the reply to the
//! **correcting pass**: the body parsed into JSON, corrected in place ([`correct_payload`]), decoded by
//! the strict code. Both give the same value and the same corrections (the drift suite checks it).
//!
//! A client reports corrections as `tracing` events (target `tim_rest::drift`), or, built with
//! [`crate::ClientBuilder::strict_decoding`], turns them into [`crate::Error::Decode`] naming the paths.
//! Collections are not corrections: a list or map the reply leaves out (or sends as `null`) reads as
//! empty by the catalogue's own rules.

use serde_json::{Map, Number, Value};
use std::fmt;

mod convert;
pub mod lenient;
mod tolerant;
pub use tolerant::{FALLBACK, is_fallback};

/// How a value is read, as the generator describes each field. Enums are described by their wire type
/// (open enums accept any value of it); values of several JSON kinds are [`Shape::Any`].
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub enum Shape {
    /// A string.
    Str,
    /// `true` / `false`.
    Bool,
    /// A 32-bit signed integer.
    I32,
    /// A 32-bit unsigned integer.
    U32,
    /// A 64-bit signed integer.
    I64,
    /// A 64-bit unsigned integer.
    U64,
    /// A number.
    F64,
    /// Any JSON value (free-form content, values of several kinds).
    Any,
    /// An array of items of this shape.
    Array(&'static Shape),
    /// An object with arbitrary keys and values of this shape.
    Map(&'static Shape),
    /// An object with known keys.
    Object(&'static ObjectShape),
    /// A tagged union.
    Union(&'static UnionShape),
}

/// One field of an [`ObjectShape`].
#[derive(Debug)]
#[non_exhaustive]
pub struct FieldShape {
    /// The wire key.
    pub key: &'static str,
    /// Other keys the field is read from.
    pub aliases: &'static [&'static str],
    /// How the value is read.
    pub shape: Shape,
    /// Whether the catalogue requires the field (absent, `null` or unusable: its zero value is used).
    pub required: bool,
}

impl FieldShape {
    /// A field description (used by the generated statics).
    pub const fn new(key: &'static str, aliases: &'static [&'static str], shape: Shape, required: bool) -> Self {
        FieldShape { key, aliases, shape, required }
    }
}

/// After a reply of a type drifts, how many of its next replies skip the strict attempt (each clean
/// one counts down): a server that changed a type drifts in most replies, and a strict attempt that
/// fails near the end of a body costs a second parse.
pub const DRIFT_MEMORY: u8 = 16;

const fn required_mask(fields: &[FieldShape]) -> Option<u64> {
    if fields.len() > 64 {
        return None;
    }
    let mut mask = 0u64;
    let mut i = 0;
    while i < fields.len() {
        if fields[i].required && !matches!(fields[i].shape, Shape::Array(_) | Shape::Map(_)) {
            mask |= 1 << i;
        }
        i += 1;
    }
    Some(mask)
}

/// The known keys of an object type.
#[derive(Debug)]
#[non_exhaustive]
pub struct ObjectShape {
    /// The Rust type name.
    pub name: &'static str,
    /// The fields, in catalogue order.
    pub fields: &'static [FieldShape],
    /// Keys the catalogue does not have are kept (a partly documented reply), not dropped.
    pub open: bool,
    /// How many more replies of this type go straight to the tolerant pass: set to [`DRIFT_MEMORY`]
    /// when one drifts, counted down by each that does not.
    drifting: std::sync::atomic::AtomicU8,
    /// The required fields that are not lists or maps (those are filled when missing), as bits, when
    /// the object has at most 64 fields.
    pub(crate) required_mask: Option<u64>,
    /// Whether the Rust type's serde fields are this shape's keys, in order (0: not known yet, 1: yes,
    /// 2: no): then the tolerant pass names fields by index.
    keys_match: std::sync::atomic::AtomicU8,
    /// Whether a value in an object of this type (or below it) has drifted: until then the tolerant
    /// pass hands such objects to the strict generated code, at strict speed.
    inner_drift: std::sync::atomic::AtomicBool,
    /// The fields (the first 64) a value of which has drifted, as bits: until then the tolerant pass
    /// hands the field's values to the strict generated code.
    fields_drifted: std::sync::atomic::AtomicU64,
    /// Whether an object of this type has had a key the catalogue does not have: until then, in an
    /// object with drifted fields, the tolerant pass hands the keys to the derived code and looks only
    /// for the drifted fields' keys.
    keys_drift: std::sync::atomic::AtomicBool,
    /// The number the generator gave the type, which its lenient fields name ([`lenient`]);
    /// `u32::MAX` when it has none.
    pub(crate) id: u32,
    /// The fields (of the first 64) whose generated deserializers are lenient ([`lenient`]), as bits.
    pub(crate) lenient: u64,
    /// The fields a value of which drifted in a way the lenient deserializers do not absorb (anything
    /// but a conversion: a `null`, a field left out, an unusable value), as bits.
    hard: std::sync::atomic::AtomicU64,
}

impl ObjectShape {
    /// An object description (used by the generated statics).
    pub const fn new(name: &'static str, fields: &'static [FieldShape]) -> Self {
        ObjectShape {
            name,
            fields,
            open: false,
            drifting: std::sync::atomic::AtomicU8::new(0),
            required_mask: required_mask(fields),
            keys_match: std::sync::atomic::AtomicU8::new(0),
            inner_drift: std::sync::atomic::AtomicBool::new(false),
            fields_drifted: std::sync::atomic::AtomicU64::new(0),
            keys_drift: std::sync::atomic::AtomicBool::new(false),
            id: u32::MAX,
            lenient: 0,
            hard: std::sync::atomic::AtomicU64::new(0),
        }
    }

    /// The description of a partly documented reply, which keeps the keys the catalogue does not have.
    pub const fn open(name: &'static str, fields: &'static [FieldShape]) -> Self {
        ObjectShape {
            name,
            fields,
            open: true,
            drifting: std::sync::atomic::AtomicU8::new(0),
            required_mask: required_mask(fields),
            keys_match: std::sync::atomic::AtomicU8::new(0),
            inner_drift: std::sync::atomic::AtomicBool::new(false),
            fields_drifted: std::sync::atomic::AtomicU64::new(0),
            keys_drift: std::sync::atomic::AtomicBool::new(false),
            id: u32::MAX,
            lenient: 0,
            hard: std::sync::atomic::AtomicU64::new(0),
        }
    }

    /// Names the type `id` and its fields whose generated deserializers are lenient (`fields`, as
    /// bits): the generated code's `deserialize_with = "…::drift::lenient::req::<ID, u64, _>"`
    /// attributes carry `ID = id * 64 + field index` (used by the generated statics).
    #[must_use]
    pub const fn lenient(mut self, id: u32, fields: u64) -> Self {
        self.id = id;
        self.lenient = fields;
        self
    }

    /// Whether one of the last [`DRIFT_MEMORY`] replies of this type drifted (the next one skips the
    /// strict attempt).
    pub fn drifting(&self) -> bool {
        self.drifting.load(std::sync::atomic::Ordering::Relaxed) > 0
    }

    /// Whether `serde_fields` (what a derived `Deserialize` names its fields) are this shape's keys in
    /// order, so that fields can be named by index. Checked once per type.
    pub(crate) fn keys_match(&self, serde_fields: &[&str]) -> bool {
        use std::sync::atomic::Ordering;
        match self.keys_match.load(Ordering::Relaxed) {
            1 => true,
            2 => false,
            _ => {
                // serde lists each field's name and aliases together (in its own order), fields in order.
                let mut rest = serde_fields;
                let mut yes = !self.open;
                for f in self.fields {
                    let n = 1 + f.aliases.len();
                    let Some((names, tail)) = rest.split_at_checked(n) else {
                        yes = false;
                        break;
                    };
                    if !names.contains(&f.key) || !names.iter().all(|a| *a == f.key || f.aliases.contains(a)) {
                        yes = false;
                        break;
                    }
                    rest = tail;
                }
                let yes = yes && rest.is_empty();
                self.keys_match.store(if yes { 1 } else { 2 }, Ordering::Relaxed);
                yes
            }
        }
    }

    /// Whether nothing in an object of this type has drifted yet (see [`tolerant`]: such objects are
    /// read strictly inside the tolerant pass).
    #[inline]
    pub(crate) fn inner_clean(&self) -> bool {
        !self.inner_drift.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Remembers that a value in an object of this type drifted.
    #[inline]
    pub(crate) fn mark_inner_drift(&self) {
        use std::sync::atomic::Ordering;
        if !self.inner_drift.load(Ordering::Relaxed) {
            self.inner_drift.store(true, Ordering::Relaxed);
        }
    }

    /// Whether no value of field `i` has drifted yet (fields past the 64th always count as drifted).
    #[inline]
    pub(crate) fn field_clean(&self, i: usize) -> bool {
        i < 64 && self.fields_drifted.load(std::sync::atomic::Ordering::Relaxed) & (1 << i) == 0
    }

    /// Remembers that a value of field `i` drifted.
    #[inline]
    pub(crate) fn mark_field_drifted(&self, i: usize) {
        use std::sync::atomic::Ordering;
        if self.field_clean(i) {
            self.fields_drifted.fetch_or(1 << i, Ordering::Relaxed);
        }
    }

    /// The fields (the first 64) a value of which has drifted, as bits.
    #[inline]
    pub(crate) fn drifted_fields(&self) -> u64 {
        self.fields_drifted.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Whether no object of this type has had an unknown key yet.
    #[inline]
    pub(crate) fn keys_clean(&self) -> bool {
        !self.keys_drift.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Remembers that an object of this type had an unknown key.
    #[inline]
    pub(crate) fn mark_keys_drift(&self) {
        use std::sync::atomic::Ordering;
        if !self.keys_drift.load(Ordering::Relaxed) {
            self.keys_drift.store(true, Ordering::Relaxed);
        }
    }

    /// Remembers that a value of field `i` drifted in a way the lenient deserializers do not absorb.
    #[inline]
    pub(crate) fn mark_field_hard(&self, i: usize) {
        use std::sync::atomic::Ordering;
        if i < 64 && self.hard.load(Ordering::Relaxed) & (1 << i) == 0 {
            self.hard.fetch_or(1 << i, Ordering::Relaxed);
        }
    }

    /// Whether an object of this type can be handed whole to its generated code in the tolerant pass:
    /// no unknown key was seen, and every field that drifted has a lenient deserializer and drifted
    /// only by conversions, which that deserializer absorbs ([`lenient`]).
    #[inline]
    pub(crate) fn whole(&self) -> bool {
        use std::sync::atomic::Ordering;
        self.id != u32::MAX
            && !self.open
            && self.fields.len() <= 64
            && self.keys_clean()
            && self.drifted_fields() & (!self.lenient | self.hard.load(Ordering::Relaxed)) == 0
    }

    fn set_drifting(&self, yes: bool) {
        use std::sync::atomic::Ordering;
        let now = self.drifting.load(Ordering::Relaxed);
        let next = if yes { DRIFT_MEMORY } else { now.saturating_sub(1) };
        if now != next {
            self.drifting.store(next, Ordering::Relaxed);
        }
    }
}

/// A tagged union `{ TAG: "variant", CONTENT: {...} }`.
#[derive(Debug)]
#[non_exhaustive]
pub struct UnionShape {
    /// The Rust type name.
    pub name: &'static str,
    /// The tag key.
    pub tag: &'static str,
    /// The content key.
    pub content: &'static str,
    /// The known variants: tag value and content shape. Other tags are kept verbatim.
    pub variants: &'static [(&'static str, &'static ObjectShape)],
}

impl UnionShape {
    /// A union description (used by the generated statics).
    pub const fn new(
        name: &'static str,
        tag: &'static str,
        content: &'static str,
        variants: &'static [(&'static str, &'static ObjectShape)],
    ) -> Self {
        UnionShape { name, tag, content, variants }
    }
}

/// A type the generator described: every object type read from a reply or a callback.
pub trait Schema {
    /// The type's description.
    fn shape() -> &'static ObjectShape;
}

/// The JSON kind of a value, for messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum JsonKind {
    /// `null`.
    Null,
    /// `true` / `false`.
    Bool,
    /// A number.
    Number,
    /// A number with a fractional part.
    Fraction,
    /// A string.
    String,
    /// An array.
    Array,
    /// An object.
    Object,
}

impl JsonKind {
    fn of(v: &Value) -> JsonKind {
        match v {
            Value::Null => JsonKind::Null,
            Value::Bool(_) => JsonKind::Bool,
            Value::Number(n) if n.is_f64() => JsonKind::Fraction,
            Value::Number(_) => JsonKind::Number,
            Value::String(_) => JsonKind::String,
            Value::Array(_) => JsonKind::Array,
            Value::Object(_) => JsonKind::Object,
        }
    }
    fn name(self) -> &'static str {
        match self {
            JsonKind::Null => "null",
            JsonKind::Bool => "boolean",
            JsonKind::Number => "number",
            JsonKind::Fraction => "fractional number",
            JsonKind::String => "string",
            JsonKind::Array => "array",
            JsonKind::Object => "object",
        }
    }
}

impl fmt::Display for JsonKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Why a value could not be used as it was.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Cause {
    /// The key was absent.
    Missing,
    /// The value was `null`.
    Null,
    /// An empty (or blank) string where a number was expected.
    EmptyString,
    /// An integer outside the range of the field's type.
    OutOfRange,
    /// A value of another JSON kind.
    WrongType {
        /// What the catalogue has.
        expected: &'static str,
        /// What arrived.
        found: JsonKind,
    },
    /// A union element without a usable tag.
    NoTag,
}

impl fmt::Display for Cause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Cause::Missing => f.write_str("required field missing"),
            Cause::Null => f.write_str("null"),
            Cause::EmptyString => f.write_str("empty string"),
            Cause::OutOfRange => f.write_str("integer out of range"),
            Cause::WrongType { expected, found } => write!(f, "{found} where {expected} was expected"),
            Cause::NoTag => f.write_str("union element without a string tag"),
        }
    }
}

/// What the decoder did to one value.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Kind {
    /// A value of another JSON kind read without loss, e.g. a decimal string read as an integer.
    Coerced {
        /// What arrived.
        from: JsonKind,
        /// What the catalogue has.
        to: &'static str,
    },
    /// An optional field read as absent.
    Absent(Cause),
    /// A required field given its type's zero value.
    Filled(Cause),
    /// An array item or map entry left out.
    Dropped(Cause),
    /// A key the catalogue does not have, ignored (the raw reply still holds it).
    UnknownKey,
    /// A field sent under its own key and under an alias: the alias's value was ignored.
    AliasIgnored,
}

impl Kind {
    /// Whether information was lost (a value absent, zero-filled or dropped).
    pub fn is_lossy(&self) -> bool {
        matches!(self, Kind::Absent(_) | Kind::Filled(_) | Kind::Dropped(_) | Kind::AliasIgnored)
    }

    /// What is wrong, without what the tolerant reading does about it (for strict-mode errors).
    pub fn problem(&self) -> String {
        match self {
            Kind::Coerced { from, to } => format!("{from} where the catalogue has {to}"),
            Kind::Absent(c) | Kind::Filled(c) | Kind::Dropped(c) => c.to_string(),
            Kind::UnknownKey => "unknown key".to_owned(),
            Kind::AliasIgnored => "sent under the field's own key and under an alias".to_owned(),
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Kind::Coerced { from, to } => write!(f, "{from} read as {to}"),
            Kind::Absent(c) => write!(f, "{c}; read as absent"),
            Kind::Filled(c) => write!(f, "{c}; filled with the zero value"),
            Kind::Dropped(c) => write!(f, "{c}; item left out"),
            Kind::UnknownKey => f.write_str("unknown key ignored"),
            Kind::AliasIgnored => f.write_str("also sent under the field's own key; this alias was ignored"),
        }
    }
}

/// One correction: where, and what was done. It never holds the value itself (which may be personal
/// data).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Correction {
    /// The JSON path in the payload, e.g. `MemberList[3].JoinTime`; in a grouped correction (see
    /// [`count`](Self::count)) each array index is `[*]`, e.g. `MemberList[*].JoinTime`.
    pub path: String,
    /// What was done.
    pub kind: Kind,
    /// How many values this correction stands for: 1, except in a reply with more than
    /// [`FULL_PATHS`] corrections, where the corrections after the first [`FULL_PATHS`] are grouped
    /// by path pattern and kind, each group listed once (after the others) with its count.
    pub count: usize,
}

/// How many corrections of one reply are listed each with its own path; the rest are grouped (see
/// [`Correction::count`]). A server that changed a type drifts in every item of every reply: the
/// grouping keeps such a reply about as cheap to decode as a clean one, and its report readable.
pub const FULL_PATHS: usize = 32;

impl Correction {
    /// One correction at one place.
    pub(crate) fn new(path: impl Into<String>, kind: Kind) -> Self {
        Correction { path: path.into(), kind, count: 1 }
    }
}

impl fmt::Display for Correction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.kind)?;
        if self.count > 1 {
            write!(f, " ({} times)", self.count)?;
        }
        Ok(())
    }
}

/// Groups the corrections after the first [`FULL_PATHS`] by path pattern (indices as `[*]`) and kind.
pub(crate) fn fold(mut corrections: Vec<Correction>) -> Vec<Correction> {
    if corrections.len() <= FULL_PATHS {
        return corrections;
    }
    let rest = corrections.split_off(FULL_PATHS);
    let mut groups: Vec<Correction> = Vec::new();
    for c in rest {
        let pattern = index_pattern(&c.path);
        match groups.iter_mut().find(|g| g.path == pattern && g.kind == c.kind) {
            Some(g) => g.count += c.count,
            None => groups.push(Correction { path: pattern, kind: c.kind, count: c.count }),
        }
    }
    corrections.extend(groups);
    corrections
}

/// `a[3].b[12]` → `a[*].b[*]`.
fn index_pattern(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut rest = path;
    while let Some(open) = rest.find('[') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find(']') {
            Some(close) if after[..close].bytes().all(|b| b.is_ascii_digit()) => {
                out.push_str("[*]");
                rest = &after[close + 1..];
            }
            _ => {
                out.push('[');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

enum Seg {
    Key(String),
    Index(usize),
}

/// Walks a JSON value with a shape, correcting it in place.
struct Corrector {
    path: Vec<Seg>,
    out: Vec<Correction>,
}

/// Zero values are built only this deep (recursive types end in lists, which are empty).
const MAX_ZERO_DEPTH: usize = 16;

impl Corrector {
    fn path_with(&self, last: Option<&Seg>) -> String {
        let mut s = String::new();
        for seg in self.path.iter().chain(last) {
            match seg {
                Seg::Key(k) => {
                    if !s.is_empty() {
                        s.push('.');
                    }
                    s.push_str(k);
                }
                Seg::Index(i) => {
                    s.push('[');
                    s.push_str(&i.to_string());
                    s.push(']');
                }
            }
        }
        if s.is_empty() {
            s.push('$');
        }
        s
    }

    fn report(&mut self, last: Option<Seg>, kind: Kind) {
        let path = self.path_with(last.as_ref());
        self.out.push(Correction::new(path, kind));
    }

    fn coerced(&mut self, from: JsonKind, to: &'static str) {
        self.report(None, Kind::Coerced { from, to });
    }

    /// Corrects `v` to fit `shape`. `Err` when the value cannot be used at all (the caller decides
    /// whether that means absent, zero or dropped).
    fn correct(&mut self, v: &mut Value, shape: &'static Shape) -> Result<(), Cause> {
        match shape {
            Shape::Any => Ok(()),
            Shape::Str => match v {
                Value::String(_) => Ok(()),
                Value::Number(n) => {
                    *v = Value::String(n.to_string());
                    self.coerced(JsonKind::Number, "string");
                    Ok(())
                }
                Value::Bool(b) => {
                    *v = Value::String(b.to_string());
                    self.coerced(JsonKind::Bool, "string");
                    Ok(())
                }
                other => Err(wrong(other, "string")),
            },
            Shape::Bool => match v {
                Value::Bool(_) => Ok(()),
                Value::Number(n) if n.as_u64() == Some(0) || n.as_u64() == Some(1) => {
                    let b = n.as_u64() == Some(1);
                    *v = Value::Bool(b);
                    self.coerced(JsonKind::Number, "boolean");
                    Ok(())
                }
                Value::String(s) => {
                    let b = match s.trim() {
                        "true" | "1" => true,
                        "false" | "0" => false,
                        "" => return Err(Cause::EmptyString),
                        _ => return Err(wrong(v, "boolean")),
                    };
                    *v = Value::Bool(b);
                    self.coerced(JsonKind::String, "boolean");
                    Ok(())
                }
                other => Err(wrong(other, "boolean")),
            },
            Shape::I32 => self.integer(v, i128::from(i32::MIN), i128::from(i32::MAX)),
            Shape::U32 => self.integer(v, 0, i128::from(u32::MAX)),
            Shape::I64 => self.integer(v, i128::from(i64::MIN), i128::from(i64::MAX)),
            Shape::U64 => self.integer(v, 0, i128::from(u64::MAX)),
            Shape::F64 => match v {
                Value::Number(_) => Ok(()),
                Value::String(s) => {
                    let t = s.trim();
                    if t.is_empty() {
                        return Err(Cause::EmptyString);
                    }
                    match t.parse::<f64>().ok().and_then(Number::from_f64) {
                        Some(n) => {
                            *v = Value::Number(n);
                            self.coerced(JsonKind::String, "number");
                            Ok(())
                        }
                        None => Err(wrong(v, "number")),
                    }
                }
                other => Err(wrong(other, "number")),
            },
            Shape::Array(item) => match v {
                Value::Array(items) => {
                    let old = std::mem::take(items);
                    let mut kept = Vec::with_capacity(old.len());
                    for (i, mut x) in old.into_iter().enumerate() {
                        if x.is_null() {
                            self.report(Some(Seg::Index(i)), Kind::Dropped(Cause::Null));
                            continue;
                        }
                        self.path.push(Seg::Index(i));
                        let r = self.correct(&mut x, item);
                        self.path.pop();
                        match r {
                            Ok(()) => kept.push(x),
                            Err(c) => self.report(Some(Seg::Index(i)), Kind::Dropped(c)),
                        }
                    }
                    *v = Value::Array(kept);
                    Ok(())
                }
                other => Err(wrong(other, "array")),
            },
            Shape::Map(item) => match v {
                Value::Object(m) => {
                    let old = std::mem::take(m);
                    let mut kept = Map::new();
                    for (k, mut x) in old {
                        if x.is_null() {
                            self.report(Some(Seg::Key(k)), Kind::Dropped(Cause::Null));
                            continue;
                        }
                        self.path.push(Seg::Key(k));
                        let r = self.correct(&mut x, item);
                        let seg = self.path.pop();
                        let Some(Seg::Key(k)) = seg else { continue };
                        match r {
                            Ok(()) => {
                                kept.insert(k, x);
                            }
                            Err(c) => self.report(Some(Seg::Key(k)), Kind::Dropped(c)),
                        }
                    }
                    *v = Value::Object(kept);
                    Ok(())
                }
                Value::Array(a) if a.is_empty() => {
                    *v = Value::Object(Map::new());
                    self.coerced(JsonKind::Array, "map");
                    Ok(())
                }
                other => Err(wrong(other, "object")),
            },
            Shape::Object(obj) => match v {
                Value::Object(m) => {
                    self.object(m, obj);
                    Ok(())
                }
                other => Err(wrong(other, "object")),
            },
            Shape::Union(u) => match v {
                Value::Object(m) => self.union(m, u),
                other => Err(wrong(other, "object")),
            },
        }
    }

    fn integer(&mut self, v: &mut Value, min: i128, max: i128) -> Result<(), Cause> {
        let in_range = |x: i128| (min..=max).contains(&x);
        let to_number = |x: i128| -> Option<Number> {
            if x < 0 { i64::try_from(x).ok().map(Number::from) } else { u64::try_from(x).ok().map(Number::from) }
        };
        match v {
            Value::Number(n) => {
                if let Some(x) = n.as_i64().map(i128::from).or_else(|| n.as_u64().map(i128::from)) {
                    return if in_range(x) { Ok(()) } else { Err(Cause::OutOfRange) };
                }
                let f = n.as_f64().unwrap_or(f64::NAN);
                if f.fract() != 0.0 || !f.is_finite() {
                    return Err(Cause::WrongType { expected: "integer", found: JsonKind::Fraction });
                }
                // An integral float (`12.0`, `1e3`): exact when it fits the range.
                if f < min as f64 || f > max as f64 {
                    return Err(Cause::OutOfRange);
                }
                let Some(n) = to_number(f as i128) else { return Err(Cause::OutOfRange) };
                *v = Value::Number(n);
                self.coerced(JsonKind::Fraction, "integer");
                Ok(())
            }
            Value::String(s) => {
                let t = s.trim();
                if t.is_empty() {
                    return Err(Cause::EmptyString);
                }
                let t = t.strip_prefix('+').unwrap_or(t);
                let Ok(x) = t.parse::<i128>() else {
                    return Err(Cause::WrongType { expected: "integer", found: JsonKind::String });
                };
                if !in_range(x) {
                    return Err(Cause::OutOfRange);
                }
                let Some(n) = to_number(x) else { return Err(Cause::OutOfRange) };
                *v = Value::Number(n);
                self.coerced(JsonKind::String, "integer");
                Ok(())
            }
            Value::Bool(b) => {
                *v = Value::Number(Number::from(u8::from(*b)));
                self.coerced(JsonKind::Bool, "integer");
                Ok(())
            }
            other => Err(wrong(other, "integer")),
        }
    }

    fn object(&mut self, m: &mut Map<String, Value>, obj: &'static ObjectShape) {
        // Aliases first: an older spelling becomes the field's own key, silently (it is catalogued).
        for f in obj.fields {
            for a in f.aliases {
                if let Some(x) = m.remove(*a) {
                    if m.contains_key(f.key) {
                        self.report(Some(Seg::Key((*a).to_owned())), Kind::AliasIgnored);
                    } else {
                        m.insert(f.key.to_owned(), x);
                    }
                }
            }
        }
        if !obj.open {
            let unknown: Vec<String> = m.keys().filter(|k| !obj.fields.iter().any(|f| f.key == k.as_str())).cloned().collect();
            for k in unknown {
                m.remove(&k);
                self.report(Some(Seg::Key(k)), Kind::UnknownKey);
            }
        }
        for f in obj.fields {
            let collection = matches!(f.shape, Shape::Array(_) | Shape::Map(_));
            // What to do with the field: nothing, fill it, or remove it.
            let cause = match m.get_mut(f.key) {
                // Absent or null optional fields and collections are what the types already expect.
                None if f.required && !collection => Some(Cause::Missing),
                None => None,
                // A free-form value may be `null`: nothing to correct (the strict decoder reads it).
                Some(Value::Null) if f.required && !collection && !matches!(f.shape, Shape::Any) => Some(Cause::Null),
                Some(Value::Null) => None,
                Some(x) => {
                    self.path.push(Seg::Key(f.key.to_owned()));
                    let r = self.correct(x, &f.shape);
                    self.path.pop();
                    r.err()
                }
            };
            let Some(cause) = cause else { continue };
            let seg = Some(Seg::Key(f.key.to_owned()));
            if f.required && !collection {
                m.insert(f.key.to_owned(), zero(&f.shape, 0));
                self.report(seg, Kind::Filled(cause));
            } else {
                m.remove(f.key);
                // An empty string in a number field is how some pages write "none": still reported.
                self.report(seg, Kind::Absent(cause));
            }
        }
    }

    fn union(&mut self, m: &mut Map<String, Value>, u: &'static UnionShape) -> Result<(), Cause> {
        let tag = match m.get_mut(u.tag) {
            Some(Value::String(s)) => s.clone(),
            Some(x @ (Value::Number(_) | Value::Bool(_))) => {
                let from = JsonKind::of(x);
                let s = match &*x {
                    Value::Number(n) => n.to_string(),
                    other => other.to_string(),
                };
                *x = Value::String(s.clone());
                self.report(Some(Seg::Key(u.tag.to_owned())), Kind::Coerced { from, to: "string" });
                s
            }
            // No usable tag: the strict decoder keeps the element whole (`Untagged`); nothing to correct.
            _ => return Ok(()),
        };
        let unknown: Vec<String> = m.keys().filter(|k| k.as_str() != u.tag && k.as_str() != u.content).cloned().collect();
        for k in unknown {
            m.remove(&k);
            self.report(Some(Seg::Key(k)), Kind::UnknownKey);
        }
        let seg = || Some(Seg::Key(u.content.to_owned()));
        match u.variants.iter().find(|(t, _)| *t == tag) {
            Some((_, obj)) => {
                let shape = Shape::Object(obj);
                let cause = match m.get_mut(u.content) {
                    None => Some(Cause::Missing),
                    Some(Value::Null) => Some(Cause::Null),
                    Some(Value::Object(cm)) => {
                        self.path.push(Seg::Key(u.content.to_owned()));
                        self.object(cm, obj);
                        self.path.pop();
                        None
                    }
                    Some(other) => Some(wrong(other, "object")),
                };
                if let Some(cause) = cause {
                    m.insert(u.content.to_owned(), zero(&shape, 0));
                    self.report(seg(), Kind::Filled(cause));
                }
            }
            None => {
                // An unknown variant keeps its content verbatim; it only has to be there.
                if !m.contains_key(u.content) {
                    m.insert(u.content.to_owned(), Value::Null);
                    self.report(seg(), Kind::Filled(Cause::Missing));
                }
            }
        }
        Ok(())
    }
}

fn wrong(v: &Value, expected: &'static str) -> Cause {
    match v {
        Value::Null => Cause::Null,
        other => Cause::WrongType { expected, found: JsonKind::of(other) },
    }
}

/// The zero value of a shape: `0`, `""`, `false`, empty collections, objects with their required
/// fields zero, an unknown union variant with no content.
pub fn zero(shape: &Shape, depth: usize) -> Value {
    match shape {
        Shape::Str => Value::String(String::new()),
        Shape::Bool => Value::Bool(false),
        Shape::I32 | Shape::U32 | Shape::I64 | Shape::U64 => Value::Number(Number::from(0u8)),
        Shape::F64 => Number::from_f64(0.0).map_or(Value::Null, Value::Number),
        Shape::Any => Value::Null,
        Shape::Array(_) => Value::Array(Vec::new()),
        Shape::Map(_) => Value::Object(Map::new()),
        Shape::Object(obj) => {
            let mut m = Map::new();
            if depth < MAX_ZERO_DEPTH {
                for f in obj.fields {
                    if f.required && !matches!(f.shape, Shape::Array(_) | Shape::Map(_)) {
                        m.insert(f.key.to_owned(), zero(&f.shape, depth + 1));
                    }
                }
            }
            Value::Object(m)
        }
        Shape::Union(u) => {
            let mut m = Map::new();
            m.insert(u.tag.to_owned(), Value::String(String::new()));
            m.insert(u.content.to_owned(), Value::Null);
            Value::Object(m)
        }
    }
}

/// Corrects a reply payload (an object, envelope keys already removed) in place to fit `obj`, and
/// returns what was changed, in document order. After this, the generated (strict) decoder accepts the
/// payload.
pub fn correct_payload(payload: &mut Map<String, Value>, obj: &'static ObjectShape) -> Vec<Correction> {
    let mut c = Corrector { path: Vec::new(), out: Vec::new() };
    c.object(payload, obj);
    c.out
}

/// Corrects any JSON value to fit `shape`; `Err` when the value cannot be used at all (e.g. an array
/// where an object is described).
pub fn correct_value(v: &mut Value, shape: &'static Shape) -> Result<Vec<Correction>, Cause> {
    let mut c = Corrector { path: Vec::new(), out: Vec::new() };
    c.correct(v, shape)?;
    Ok(c.out)
}

/// How a decoded JSON document is framed: a bare document (a callback event, a history file) or a
/// reply with its envelope. [`decode_framed`] runs the same passes for both; the frame says how the
/// envelope is read and checked, and what the errors are.
pub(crate) trait Frame {
    /// What is read beside the payload: `()`, or the reply's envelope.
    type Envelope;
    /// What a body that cannot be decoded (or a failure reply) becomes.
    type Error;
    /// Whether the top-level object carries envelope keys that the payload's type does not describe.
    const ENVELOPE: bool;
    /// What the body is, for messages ("reply", "document").
    const WHAT: &'static str;
    /// The strict pass: the payload (and the envelope) in one read; `None` when anything does not fit.
    fn strict<T: serde::de::DeserializeOwned>(&self, body: &[u8]) -> Option<(T, Self::Envelope)>;
    /// Reads the envelope keys out of the top-level object; drift in them goes to `corrections`.
    fn envelope(&self, object: &mut Map<String, Value>, corrections: &mut Vec<Correction>) -> Self::Envelope;
    /// The error the envelope stands for, if any: checked before the payload's decoding counts.
    fn check(&self, envelope: &Self::Envelope) -> Result<(), Self::Error>;
    /// A body that is not a JSON object.
    fn unreadable(&self, source: serde_json::Error) -> Self::Error;
    /// A payload that does not decode, or (strict) that had to be corrected.
    fn invalid(&self, source: serde_json::Error) -> Self::Error;
}

/// A document without an envelope.
pub(crate) struct Document;

impl Frame for Document {
    type Envelope = ();
    type Error = serde_json::Error;
    const ENVELOPE: bool = false;
    const WHAT: &'static str = "document";
    fn strict<T: serde::de::DeserializeOwned>(&self, body: &[u8]) -> Option<(T, ())> {
        serde_json::from_slice::<T>(body).ok().map(|v| (v, ()))
    }
    fn envelope(&self, _: &mut Map<String, Value>, _: &mut Vec<Correction>) {}
    fn check(&self, _: &()) -> Result<(), serde_json::Error> {
        Ok(())
    }
    fn unreadable(&self, source: serde_json::Error) -> serde_json::Error {
        source
    }
    fn invalid(&self, source: serde_json::Error) -> serde_json::Error {
        source
    }
}

/// The one decoder of replies and documents: strict, then tolerant, then correcting.
///
/// 1. The strict pass ([`Frame::strict`]), skipped while the replies of `T` drift (a type the server
///    changed drifts in every reply).
/// 2. One tolerant pass that corrects the common kinds of drift as it reads (see `tolerant.rs`). While
///    `T` drifts, objects of types in which nothing has drifted yet are read by the strict generated
///    code inside the pass; if one of them drifts after all, the body is read once more with every
///    object corrected (which remembers the new place). Whether this body drifted is remembered.
/// 3. The correcting pass, for the rare corrections the tolerant pass leaves to it: the body parsed
///    into a JSON value, corrected in place ([`correct_payload`]) and decoded. With `correcting_only`,
///    this pass alone (the reference the tolerant pass is tested against).
///
/// The envelope is checked ([`Frame::check`]) before the payload's corrections count; with `strict`,
/// any correction is [`Frame::invalid`] naming the paths.
pub(crate) fn decode_framed<T: serde::de::DeserializeOwned + Schema, F: Frame>(
    body: &[u8],
    frame: &F,
    strict: bool,
    correcting_only: bool,
) -> Result<(T, F::Envelope, Vec<Correction>), F::Error> {
    let shape = T::shape();
    if !correcting_only {
        let remembered = shape.drifting();
        if !remembered && let Some((value, envelope)) = frame.strict::<T>(body) {
            frame.check(&envelope)?;
            return Ok((value, envelope, Vec::new()));
        }
        let keys = std::cell::RefCell::new(Map::new());
        let envelope_keys = if F::ENVELOPE { Some(&keys) } else { None };
        let once = tolerant::decode::<T>(body, shape, envelope_keys, remembered).or_else(|e| {
            // Drift in an object read strictly (a new place): read again with every object corrected.
            if remembered && !tolerant::is_fallback(&e) {
                keys.borrow_mut().clear();
                tolerant::decode::<T>(body, shape, envelope_keys, false)
            } else {
                Err(e)
            }
        });
        if let Ok((value, payload)) = once {
            let mut corrections = Vec::new();
            let envelope = frame.envelope(&mut keys.into_inner(), &mut corrections);
            frame.check(&envelope)?;
            // The envelope's corrections come first; joined with the payload's, they are grouped again.
            let corrections = if F::ENVELOPE {
                corrections.extend(payload);
                fold(corrections)
            } else {
                payload
            };
            shape.set_drifting(!corrections.is_empty());
            if strict && !corrections.is_empty() {
                return Err(frame.invalid(serde::de::Error::custom(describe(&corrections))));
            }
            return Ok((value, envelope, corrections));
        }
    }
    let mut map = match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(m)) => m,
        Ok(_) => return Err(frame.unreadable(serde::de::Error::custom(format!("the {} is not a JSON object", F::WHAT)))),
        Err(e) => return Err(frame.unreadable(e)),
    };
    let mut corrections = Vec::new();
    let envelope = frame.envelope(&mut map, &mut corrections);
    frame.check(&envelope)?;
    corrections.extend(correct_payload(&mut map, shape));
    let corrections = fold(corrections);
    if strict && !corrections.is_empty() {
        return Err(frame.invalid(serde::de::Error::custom(describe(&corrections))));
    }
    match serde_json::from_value::<T>(Value::Object(map)) {
        Ok(value) => Ok((value, envelope, corrections)),
        Err(source) => Err(frame.invalid(source)),
    }
}

/// Decodes a JSON document that has no reply envelope (a callback event, a history file) the way
/// replies are decoded (`decode_framed`): strictly first, then with correction. `Err` only when the
/// bytes are not JSON or not an object, or (with `strict`) when something had to be corrected (the
/// message names the paths).
pub fn decode_document<T: serde::de::DeserializeOwned + Schema>(
    body: &[u8],
    strict: bool,
) -> Result<(T, Vec<Correction>), serde_json::Error> {
    decode_framed::<T, Document>(body, &Document, strict, false).map(|(v, (), c)| (v, c))
}

/// Emits one `tracing` event per correction (target `tim_rest::drift`; lossy ones at WARN, the
/// others at INFO), with the command, the JSON path and how many values it stands for (see
/// [`Correction::count`]), never the value.
pub fn report(endpoint: &str, corrections: &[Correction]) {
    for c in corrections {
        if c.kind.is_lossy() {
            tracing::warn!(target: "tim_rest::drift", endpoint, path = %c.path, correction = %c.kind, count = c.count, "reply drifted from the catalogue");
        } else {
            tracing::info!(target: "tim_rest::drift", endpoint, path = %c.path, correction = %c.kind, count = c.count, "reply drifted from the catalogue");
        }
    }
}

/// One line naming every correction, for strict-mode errors.
pub(crate) fn describe(corrections: &[Correction]) -> String {
    use std::fmt::Write as _;
    const SHOWN: usize = 8;
    let mut s = String::from("strict decoding: the body does not match the catalogue: ");
    for (i, c) in corrections.iter().take(SHOWN).enumerate() {
        if i > 0 {
            s.push_str("; ");
        }
        let _ = write!(s, "{}: {}", c.path, c.kind.problem());
        if c.count > 1 {
            let _ = write!(s, " ({} times)", c.count);
        }
    }
    if corrections.len() > SHOWN {
        s.push_str(&format!("; and {} more", corrections.len() - SHOWN));
    }
    s
}
