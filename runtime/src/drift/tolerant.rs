//! The single tolerant pass: the generated (strict) serde code reads the reply through a deserializer
//! adapter that knows each value's [`Shape`] and corrects the common kinds of drift as the tokens go by,
//! with no second parse:
//!
//! - an integer, number or boolean sent as a string (and the reverse), an integral float, `0`/`1` for a
//!   boolean: converted ([`Kind::Coerced`]);
//! - `null`, or a value of the wrong kind, for an optional field: absent ([`Kind::Absent`]); for a
//!   required field: its zero value ([`Kind::Filled`]);
//! - a required field missing: its zero value;
//! - a key the catalogue does not have: skipped ([`Kind::UnknownKey`]), or kept in a partly documented
//!   reply's `other` map;
//! - a new enum value or union tag: kept, as the generated types always do.
//!
//! Each correction is recorded with its JSON path and sorted as the correcting pass orders them; past
//! [`FULL_PATHS`], corrections are counted in groups found without building their paths. The rarer
//! cases give up with [`FALLBACK`] and take the correcting pass of the module root: an array item or map
//! entry that must be left out (`null`, unusable), a field sent under its key and under an alias, drift
//! inside a union element whose content comes before its tag, an unknown key next to a union's tag, more
//! than 256 fields in one object, more than 48 levels of nesting.
//!
//! What keeps it close to the strict pass: with `strict_clean` (the reply's type is remembered as
//! drifting), the fields of an object that never drifted and the objects of types inside which nothing
//! drifted are handed to the strict generated code, so the adapter runs only where drift was seen. An
//! object of a type whose drift was only conversions of its lenient integer fields
//! ([`ObjectShape::whole`]) is handed to the generated code whole: those fields convert what drifted
//! themselves ([`super::lenient`]) and [`whole`] reports their corrections with the object's path. In
//! such an object with drifted fields, the keys go to the derived code as they are and are only looked
//! at for the drifted fields' keys (their lengths first); anything else that does not fit there (an
//! unknown key, a required field left out, a key sent twice) fails the derived code, and the reply is
//! read again with every key looked up, which the type remembers for unknown keys. Otherwise fields are
//! named to the derived code by index; each depth learns the order in which the server sends an
//! object's keys, so the key lookup usually hits at the first comparison; where the walk is lives in
//! fixed cells (no allocation per value); a required field's absence is checked with one mask.

use super::convert::{Scalar, Tok, convert};
use super::lenient::{Active, Whole};
use super::{Cause, Correction, FULL_PATHS, JsonKind, Kind, ObjectShape, Shape, UnionShape};
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use std::cell::{Cell, RefCell};
use std::fmt;

/// The message of the error that hands a reply to the correcting pass.
pub const FALLBACK: &str = "tim-rest: this drift needs the correcting pass";

fn fallback<E: de::Error>() -> E {
    E::custom(FALLBACK)
}

/// Whether an error is the hand-over to the correcting pass.
pub fn is_fallback(e: &serde_json::Error) -> bool {
    e.to_string().starts_with(FALLBACK)
}

#[derive(Clone, Copy)]
enum Seg {
    Key(&'static str),
    /// An index into the walk's owned names (unknown keys, map keys).
    Owned(usize),
    Index(usize),
}

/// Where a correction sorts: within an object, ignored aliases and unknown keys come before the fields,
/// which come in catalogue order (the order of the correcting pass, whose reports the tests and users
/// already read); array items in order.
type Order = (u8, u32);

/// A sort key without allocation (paths deeper than this sort by their first levels).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct SortKey([Order; 12], u8);

/// How deep the walk goes; deeper documents take the correcting pass.
const MAX_DEPTH: usize = 48;

/// How many fields of an object the learned key order covers.
const ORDER_SLOTS: usize = 32;

/// A segment of a grouped correction's path.
#[derive(PartialEq)]
enum GroupSeg {
    Key(&'static str),
    Owned(String),
    AnyIndex,
}

/// The walk's state: one frame per open object, array or map, holding where in it the walk is; the
/// key order learned per depth; and the corrections so far (the first [`FULL_PATHS`] with their paths,
/// the rest grouped).
pub(crate) struct Ctx<'a> {
    /// What the generated lenient fields see of this pass ([`super::lenient`]).
    active: &'a Active,
    frames: [Cell<(Seg, Order)>; MAX_DEPTH],
    depth: Cell<usize>,
    /// Per depth: the object shape whose key order is learned there, and for each field (slot 0 for
    /// the start) the field that followed it last time.
    order_of: [Cell<usize>; MAX_DEPTH],
    order: [[Cell<u8>; ORDER_SLOTS]; MAX_DEPTH],
    /// Per depth: the object read there, if the frame is an object's.
    objs: [Cell<Option<&'static ObjectShape>>; MAX_DEPTH],
    /// Objects of types in which nothing has drifted are read by the strict generated code.
    strict_clean: bool,
    names: RefCell<Vec<String>>,
    out: RefCell<Vec<(SortKey, Correction)>>,
    groups: RefCell<Vec<(Vec<GroupSeg>, Correction)>>,
    /// The group the last grouped correction went to.
    last_group: Cell<usize>,
}

impl<'a> Ctx<'a> {
    fn new(strict_clean: bool, active: &'a Active) -> Self {
        Ctx {
            active,
            frames: std::array::from_fn(|_| Cell::new((Seg::Index(0), (0, 0)))),
            depth: Cell::new(0),
            order_of: std::array::from_fn(|_| Cell::new(0)),
            order: std::array::from_fn(|_| std::array::from_fn(|_| Cell::new(0))),
            objs: std::array::from_fn(|_| Cell::new(None)),
            strict_clean,
            names: RefCell::default(),
            out: RefCell::default(),
            groups: RefCell::default(),
            last_group: Cell::new(0),
        }
    }
}

impl Ctx<'_> {
    /// Opens a frame (an object, array or map is entered); `None` past [`MAX_DEPTH`].
    #[inline]
    fn open(&self) -> Option<usize> {
        let d = self.depth.get();
        let f = self.frames.get(d)?;
        f.set((Seg::Index(0), (0, 0)));
        if let Some(o) = self.objs.get(d) {
            o.set(None);
        }
        self.depth.set(d + 1);
        Some(d)
    }
    /// Opens the frame of an object of shape `obj`; `None` past [`MAX_DEPTH`].
    #[inline]
    fn open_object(&self, obj: &'static ObjectShape) -> Option<usize> {
        let frame = self.open()?;
        if let Some(o) = self.objs.get(frame) {
            o.set(Some(obj));
        }
        Some(frame)
    }
    /// Closes the innermost frame.
    #[inline]
    fn close(&self) {
        self.depth.set(self.depth.get().saturating_sub(1));
    }
    /// Says where in frame `at` the walk is.
    #[inline]
    fn at(&self, at: usize, seg: Seg, order: Order) {
        if let Some(f) = self.frames.get(at) {
            f.set((seg, order));
        }
    }
    /// Starts the learned key order of `obj` at frame `at` (kept while the same shape is read there,
    /// as in the items of an array).
    #[inline]
    fn learn(&self, at: usize, obj: &'static ObjectShape) {
        let Some(of) = self.order_of.get(at) else { return };
        let id = std::ptr::from_ref(obj) as usize;
        if of.get() != id {
            of.set(id);
            if let Some(slots) = self.order.get(at) {
                // Until learned, the catalogue's order.
                for (i, slot) in slots.iter().enumerate() {
                    slot.set(u8::try_from(i).unwrap_or(0));
                }
            }
        }
    }
    /// The field expected after `prev` (0 for the start, field index + 1 after a field).
    #[inline]
    fn expect(&self, at: usize, prev: usize) -> usize {
        self.order.get(at).and_then(|s| s.get(prev)).map_or(prev, |c| usize::from(c.get()))
    }
    /// Remembers that field `next` followed `prev`.
    #[inline]
    fn followed(&self, at: usize, prev: usize, next: usize) {
        if let (Some(c), Ok(n)) = (self.order.get(at).and_then(|s| s.get(prev)), u8::try_from(next)) {
            c.set(n);
        }
    }
    /// Keeps a name that is not in a shape (for paths), returning its segment.
    fn name(&self, name: String) -> Seg {
        let mut n = self.names.borrow_mut();
        n.push(name);
        Seg::Owned(n.len() - 1)
    }
    /// The open frames.
    fn open_frames(&self) -> &[Cell<(Seg, Order)>] {
        self.frames.get(..self.depth.get()).unwrap_or(&[])
    }
    /// Records a correction at the current place: with its path while fewer than [`FULL_PATHS`] are
    /// recorded, otherwise counted in the group of its path pattern.
    fn report(&self, kind: Kind) {
        // The objects and fields on the way to this value read it through the corrections from now
        // on (an unknown key marks its object only). With `strict_clean`, the way here already is
        // marked (what is not is read by the strict code, which reports nothing) but for the innermost
        // frame, which may be a field left out or an unknown key.
        let open = self.depth.get().min(MAX_DEPTH);
        let from = if self.strict_clean { open.saturating_sub(1) } else { 0 };
        for at in from..open {
            if let (Some(obj), Some(frame)) = (self.objs.get(at).and_then(Cell::get), self.frames.get(at)) {
                obj.mark_inner_drift();
                match frame.get() {
                    (_, (2, i)) => {
                        obj.mark_field_drifted(i as usize);
                        // What the lenient field deserializers cannot absorb keeps the object from
                        // being read whole (see `lenient`).
                        if at + 1 == open && !matches!(kind, Kind::Coerced { .. }) {
                            obj.mark_field_hard(i as usize);
                        }
                    }
                    // An unknown key of this object (reported with its name in this frame).
                    (_, (1, _)) => obj.mark_keys_drift(),
                    _ => {}
                }
            }
        }
        if self.out.borrow().len() >= FULL_PATHS {
            self.group(kind);
            return;
        }
        let names = self.names.borrow();
        let mut s = String::new();
        let key = |s: &mut String, k: &str| {
            if !s.is_empty() {
                s.push('.');
            }
            s.push_str(k);
        };
        let mut sort = SortKey([(0, 0); 12], 0);
        for frame in self.open_frames() {
            let (seg, order) = frame.get();
            match seg {
                Seg::Key(k) => key(&mut s, k),
                Seg::Owned(i) => key(&mut s, names.get(i).map_or("?", String::as_str)),
                Seg::Index(i) => {
                    s.push('[');
                    s.push_str(&i.to_string());
                    s.push(']');
                }
            }
            if usize::from(sort.1) < sort.0.len() {
                sort.0[usize::from(sort.1)] = order;
                sort.1 += 1;
            }
        }
        if s.is_empty() {
            s.push('$');
        }
        self.out.borrow_mut().push((sort, Correction::new(s, kind)));
    }
    /// Counts a correction in its group (found without building its path).
    fn group(&self, kind: Kind) {
        let names = self.names.borrow();
        let frames = self.open_frames();
        let same = |segs: &[GroupSeg]| {
            segs.len() == frames.len()
                && segs.iter().zip(frames).all(|(g, f)| match (g, f.get().0) {
                    (GroupSeg::Key(a), Seg::Key(b)) => std::ptr::eq(*a, b) || *a == b,
                    (GroupSeg::Owned(a), Seg::Owned(i)) => names.get(i).is_some_and(|b| a == b),
                    (GroupSeg::AnyIndex, Seg::Index(_)) => true,
                    _ => false,
                })
        };
        let mut groups = self.groups.borrow_mut();
        // A systematic drift lands in the group of the previous one: that group is tried first.
        let last = self.last_group.get();
        if let Some((segs, c)) = groups.get_mut(last)
            && same_kind(&c.kind, &kind)
            && same(segs)
        {
            c.count += 1;
            return;
        }
        if let Some((i, (_, c))) = groups.iter_mut().enumerate().find(|(_, (segs, c))| same_kind(&c.kind, &kind) && same(segs)) {
            c.count += 1;
            self.last_group.set(i);
            return;
        }
        self.last_group.set(groups.len());
        let segs: Vec<GroupSeg> = frames
            .iter()
            .map(|f| match f.get().0 {
                Seg::Key(k) => GroupSeg::Key(k),
                Seg::Owned(i) => GroupSeg::Owned(names.get(i).cloned().unwrap_or_default()),
                Seg::Index(_) => GroupSeg::AnyIndex,
            })
            .collect();
        let mut path = String::new();
        for g in &segs {
            let k: &str = match g {
                GroupSeg::Key(k) => k,
                GroupSeg::Owned(k) => k,
                GroupSeg::AnyIndex => {
                    path.push_str("[*]");
                    continue;
                }
            };
            if !path.is_empty() {
                path.push('.');
            }
            path.push_str(k);
        }
        if path.is_empty() {
            path.push('$');
        }
        groups.push((segs, Correction::new(path, kind)));
    }
    pub(crate) fn take(self) -> Vec<Correction> {
        let mut out = self.out.into_inner();
        out.sort_by_key(|a| a.0);
        out.into_iter().map(|(_, c)| c).chain(self.groups.into_inner().into_iter().map(|(_, c)| c)).collect()
    }
}

/// Whether two corrections are of the same kind (the names of kinds are static: compared by address
/// first).
#[inline(always)]
fn same_kind(a: &Kind, b: &Kind) -> bool {
    match (a, b) {
        (Kind::Coerced { from: f, to: t }, Kind::Coerced { from: g, to: u }) => f == g && (std::ptr::eq(*t, *u) || t == u),
        _ => a == b,
    }
}

fn visit_scalar<'de, V: Visitor<'de>, E: de::Error>(v: V, s: Scalar<'_>) -> Result<V::Value, E> {
    match s {
        Scalar::U(x) => v.visit_u64(x),
        Scalar::I(x) => v.visit_i64(x),
        Scalar::F(x) => v.visit_f64(x),
        Scalar::B(x) => v.visit_bool(x),
        Scalar::S(x) => v.visit_str(x),
        Scalar::Owned(x) => v.visit_string(x),
    }
}

/// Whether an integer token fits the shape as it is (the common case, passed straight through).
#[inline]
fn fits_u64(shape: &Shape, x: u64) -> bool {
    match shape {
        Shape::U64 | Shape::F64 => true,
        Shape::I64 => i64::try_from(x).is_ok(),
        Shape::U32 => u32::try_from(x).is_ok(),
        Shape::I32 => i32::try_from(x).is_ok(),
        _ => false,
    }
}

#[inline]
fn fits_i64(shape: &Shape, x: i64) -> bool {
    match shape {
        Shape::I64 | Shape::F64 => true,
        Shape::U64 => x >= 0,
        Shape::U32 => u32::try_from(x).is_ok(),
        Shape::I32 => i32::try_from(x).is_ok(),
        _ => false,
    }
}

/// A deserializer of one scalar.
struct ScalarDe<'a, E>(Scalar<'a>, std::marker::PhantomData<E>);

impl<'de, E: de::Error> Deserializer<'de> for ScalarDe<'_, E> {
    type Error = E;
    #[inline]
    fn deserialize_any<V: Visitor<'de>>(self, v: V) -> Result<V::Value, E> {
        visit_scalar(v, self.0)
    }
    #[inline]
    fn deserialize_option<V: Visitor<'de>>(self, v: V) -> Result<V::Value, E> {
        v.visit_some(self)
    }
    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf unit unit_struct
        newtype_struct seq tuple tuple_struct map struct enum identifier ignored_any
    }
}

/// The input deserializer `D`, read as `shape`.
pub(crate) struct Tol<'c, D> {
    pub de: D,
    pub shape: Shape,
    pub ctx: &'c Ctx<'c>,
    /// An array item or map entry: what cannot be used is left out, which only the correcting pass
    /// can do.
    pub item: bool,
    /// The reply's root object: its envelope keys go to `envelope`.
    pub envelope: Option<&'c RefCell<serde_json::Map<String, serde_json::Value>>>,
    /// The document's root: anything but an object is an error, not a zero.
    pub root: bool,
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for Tol<'_, D> {
    type Error = D::Error;
    #[inline]
    fn deserialize_any<V: Visitor<'de>>(self, v: V) -> Result<V::Value, D::Error> {
        match self.shape {
            Shape::Any => self.de.deserialize_any(v),
            shape => self.de.deserialize_any(Req {
                v,
                shape,
                ctx: self.ctx,
                item: self.item,
                envelope: self.envelope,
                root: self.root,
                by_index: false,
            }),
        }
    }
    #[inline]
    fn deserialize_struct<V: Visitor<'de>>(self, _name: &'static str, fields: &'static [&'static str], v: V) -> Result<V::Value, D::Error> {
        // A derived struct whose fields are the shape's keys, in order, is told its fields by index.
        let by_index = matches!(self.shape, Shape::Object(obj) if obj.keys_match(fields));
        match self.shape {
            Shape::Any => self.de.deserialize_any(v),
            shape => self.de.deserialize_any(Req {
                v,
                shape,
                ctx: self.ctx,
                item: self.item,
                envelope: self.envelope,
                root: self.root,
                by_index,
            }),
        }
    }
    #[inline]
    fn deserialize_option<V: Visitor<'de>>(self, v: V) -> Result<V::Value, D::Error> {
        match self.shape {
            Shape::Any => self.de.deserialize_option(v),
            shape => self.de.deserialize_any(Opt { v, shape, ctx: self.ctx }),
        }
    }
    #[inline]
    fn deserialize_ignored_any<V: Visitor<'de>>(self, v: V) -> Result<V::Value, D::Error> {
        self.de.deserialize_ignored_any(v)
    }
    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf unit unit_struct
        newtype_struct seq tuple tuple_struct map enum identifier
    }
}

/// Reads the next value of an input map or sequence as `shape`.
struct Seed<'c, S> {
    seed: S,
    shape: Shape,
    ctx: &'c Ctx<'c>,
    item: bool,
}

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for Seed<'_, S> {
    type Value = S::Value;
    #[inline]
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<S::Value, D::Error> {
        if self.ctx.strict_clean {
            if clean(&self.shape) {
                return self.seed.deserialize(d);
            }
            if let Shape::Object(obj) = self.shape
                && obj.whole()
            {
                return whole(obj, self.ctx, self.seed, d);
            }
        }
        self.seed.deserialize(Tol { de: d, shape: self.shape, ctx: self.ctx, item: self.item, envelope: None, root: false })
    }
}

/// An object whose type drifted only in its lenient fields, by conversions ([`ObjectShape::whole`]):
/// read by the generated code at strict speed, its lenient fields converting what drifted
/// ([`super::lenient`]); their corrections are then reported with their paths.
#[inline(always)]
fn whole<'de, S: DeserializeSeed<'de>, D: Deserializer<'de>>(
    obj: &'static ObjectShape,
    ctx: &Ctx<'_>,
    seed: S,
    d: D,
) -> Result<S::Value, D::Error> {
    let Some(frame) = ctx.open_object(obj) else { return Err(fallback()) };
    let whole = Whole::enter(ctx.active, obj.id);
    let value = seed.deserialize(d);
    if value.is_ok() {
        whole.finish(|i, kind| {
            if let Some(f) = obj.fields.get(i) {
                ctx.at(frame, Seg::Key(f.key), (2, u32::try_from(i).unwrap_or(u32::MAX)));
                ctx.report(kind);
            }
        });
    } else {
        drop(whole);
    }
    ctx.close();
    value
}

/// Whether values of `shape` are objects (or lists of objects) of types in which nothing has drifted.
#[inline]
fn clean(shape: &Shape) -> bool {
    match shape {
        Shape::Object(obj) => obj.inner_clean(),
        Shape::Array(Shape::Object(obj)) => obj.inner_clean(),
        _ => false,
    }
}

/// The zero value of a shape, as a deserializer.
struct Zero<E> {
    shape: Shape,
    depth: usize,
    e: std::marker::PhantomData<E>,
}

impl<E> Zero<E> {
    fn new(shape: Shape, depth: usize) -> Self {
        Zero { shape, depth, e: std::marker::PhantomData }
    }
}

impl<'de, E: de::Error> Deserializer<'de> for Zero<E> {
    type Error = E;
    #[inline]
    fn deserialize_any<V: Visitor<'de>>(self, v: V) -> Result<V::Value, E> {
        match self.shape {
            Shape::Str => v.visit_str(""),
            Shape::Bool => v.visit_bool(false),
            Shape::I32 | Shape::U32 | Shape::I64 | Shape::U64 => v.visit_u64(0),
            Shape::F64 => v.visit_f64(0.0),
            Shape::Any => v.visit_unit(),
            Shape::Array(_) => v.visit_seq(de::value::SeqDeserializer::<std::iter::Empty<()>, E>::new(std::iter::empty())),
            Shape::Map(_) => v.visit_map(de::value::MapDeserializer::<std::iter::Empty<((), ())>, E>::new(std::iter::empty())),
            Shape::Object(obj) => v.visit_map(ZeroObject { obj, next: 0, depth: self.depth, e: std::marker::PhantomData }),
            Shape::Union(u) => v.visit_map(ZeroUnion { u, step: 0, e: std::marker::PhantomData }),
        }
    }
    #[inline]
    fn deserialize_option<V: Visitor<'de>>(self, v: V) -> Result<V::Value, E> {
        v.visit_none()
    }
    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf unit unit_struct
        newtype_struct seq tuple tuple_struct map struct enum identifier ignored_any
    }
}

/// The required fields of an object, each with its zero value.
struct ZeroObject<E> {
    obj: &'static ObjectShape,
    next: usize,
    depth: usize,
    e: std::marker::PhantomData<E>,
}

/// Zero values are built only this deep (recursive types end in lists, which are empty).
const MAX_ZERO_DEPTH: usize = 16;

/// What a shape expects, for messages.
fn expected(s: &Shape) -> &'static str {
    match s {
        Shape::Str => "string",
        Shape::Bool => "boolean",
        Shape::I32 | Shape::U32 | Shape::I64 | Shape::U64 => "integer",
        Shape::F64 => "number",
        Shape::Any => "value",
        Shape::Array(_) => "array",
        Shape::Map(_) | Shape::Object(_) | Shape::Union(_) => "object",
    }
}

fn is_collection(s: &Shape) -> bool {
    matches!(s, Shape::Array(_) | Shape::Map(_))
}

impl<'de, E: de::Error> MapAccess<'de> for ZeroObject<E> {
    type Error = E;
    #[inline]
    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, E> {
        if self.depth >= MAX_ZERO_DEPTH {
            return Ok(None);
        }
        while let Some(f) = self.obj.fields.get(self.next) {
            if f.required && !is_collection(&f.shape) {
                return seed.deserialize(de::value::BorrowedStrDeserializer::<E>::new(f.key)).map(Some);
            }
            self.next += 1;
        }
        Ok(None)
    }
    #[inline]
    fn next_value_seed<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<S::Value, E> {
        let f = self.obj.fields.get(self.next).ok_or_else(|| E::custom("no field"))?;
        self.next += 1;
        seed.deserialize(Zero::new(f.shape, self.depth + 1))
    }
}

/// A union element with an empty tag and no content (the correcting pass's zero union).
struct ZeroUnion<E> {
    u: &'static UnionShape,
    step: u8,
    e: std::marker::PhantomData<E>,
}

impl<'de, E: de::Error> MapAccess<'de> for ZeroUnion<E> {
    type Error = E;
    #[inline]
    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, E> {
        let key = match self.step {
            0 => self.u.tag,
            1 => self.u.content,
            _ => return Ok(None),
        };
        seed.deserialize(de::value::BorrowedStrDeserializer::<E>::new(key)).map(Some)
    }
    #[inline]
    fn next_value_seed<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<S::Value, E> {
        self.step += 1;
        if self.step == 1 {
            seed.deserialize(de::value::BorrowedStrDeserializer::<E>::new(""))
        } else {
            seed.deserialize(Zero::<E>::new(Shape::Any, 0))
        }
    }
}

/// Drains a map or a sequence the shape cannot use.
fn drain_map<'de, A: MapAccess<'de>>(mut map: A) -> Result<(), A::Error> {
    while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
    Ok(())
}

fn drain_seq<'de, A: SeqAccess<'de>>(mut seq: A) -> Result<usize, A::Error> {
    let mut n = 0;
    while seq.next_element::<IgnoredAny>()?.is_some() {
        n += 1;
    }
    Ok(n)
}

/// A required value (or an array item).
struct Req<'c, V> {
    v: V,
    shape: Shape,
    ctx: &'c Ctx<'c>,
    item: bool,
    envelope: Option<&'c RefCell<serde_json::Map<String, serde_json::Value>>>,
    root: bool,
    /// Name fields by index (see [`ObjectShape::keys_match`]).
    by_index: bool,
}

impl<'de, V: Visitor<'de>> Req<'_, V> {
    /// What cannot be used: the zero value (reported), or, for an item, the correcting pass.
    fn unusable<E: de::Error>(self, cause: Cause) -> Result<V::Value, E> {
        if self.root {
            return Err(E::custom("the document is not a JSON object"));
        }
        if self.item {
            return Err(fallback());
        }
        self.ctx.report(Kind::Filled(cause));
        Zero::<E>::new(self.shape, 0).deserialize_any(self.v)
    }
    fn scalar<E: de::Error>(self, tok: Tok<'_>) -> Result<V::Value, E> {
        match convert(&self.shape, tok, |k| self.ctx.report(k)) {
            Ok(s) => visit_scalar(self.v, s),
            Err(c) => self.unusable(c),
        }
    }
}

impl<'de, V: Visitor<'de>> Visitor<'de> for Req<'_, V> {
    type Value = V::Value;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        self.v.expecting(f)
    }
    #[inline]
    fn visit_bool<E: de::Error>(self, b: bool) -> Result<V::Value, E> {
        match self.shape {
            Shape::Bool => self.v.visit_bool(b),
            _ => self.scalar(Tok::B(b)),
        }
    }
    #[inline]
    fn visit_u64<E: de::Error>(self, x: u64) -> Result<V::Value, E> {
        if fits_u64(&self.shape, x) { self.v.visit_u64(x) } else { self.scalar(Tok::U(x)) }
    }
    #[inline]
    fn visit_i64<E: de::Error>(self, x: i64) -> Result<V::Value, E> {
        if fits_i64(&self.shape, x) { self.v.visit_i64(x) } else { self.scalar(Tok::I(x)) }
    }
    #[inline]
    fn visit_f64<E: de::Error>(self, x: f64) -> Result<V::Value, E> {
        match self.shape {
            Shape::F64 => self.v.visit_f64(x),
            _ => self.scalar(Tok::F(x)),
        }
    }
    #[inline]
    fn visit_str<E: de::Error>(self, s: &str) -> Result<V::Value, E> {
        match self.shape {
            Shape::Str => self.v.visit_str(s),
            _ => self.scalar(Tok::S(s)),
        }
    }
    #[inline]
    fn visit_borrowed_str<E: de::Error>(self, s: &'de str) -> Result<V::Value, E> {
        match self.shape {
            Shape::Str => self.v.visit_borrowed_str(s),
            _ => self.scalar(Tok::S(s)),
        }
    }
    #[inline]
    fn visit_string<E: de::Error>(self, s: String) -> Result<V::Value, E> {
        match self.shape {
            Shape::Str => self.v.visit_string(s),
            _ => self.scalar(Tok::S(&s)),
        }
    }
    #[inline]
    fn visit_unit<E: de::Error>(self) -> Result<V::Value, E> {
        self.unusable(Cause::Null)
    }
    #[inline]
    fn visit_none<E: de::Error>(self) -> Result<V::Value, E> {
        self.unusable(Cause::Null)
    }
    #[inline]
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<V::Value, A::Error> {
        match self.shape {
            Shape::Object(obj) => {
                if obj.fields.len() > 256 {
                    return Err(fallback());
                }
                {
                    let Some(frame) = self.ctx.open_object(obj) else { return Err(fallback()) };
                    // Fields named by index (the derived code's own), at most 64 (the drift mask).
                    let direct =
                        (self.ctx.strict_clean && self.by_index && self.envelope.is_none() && obj.fields.len() <= 64 && obj.keys_clean())
                            .then(|| Look::new(obj, obj.drifted_fields()));
                    if direct.is_none() {
                        self.ctx.learn(frame, obj);
                    }
                    self.v.visit_map(Fields {
                        map,
                        obj,
                        ctx: self.ctx,
                        frame,
                        prev: 0,
                        by_index: self.by_index,
                        seen: [0; 4],
                        state: State::Idle,
                        missing: 0,
                        unknown: 0,
                        envelope: self.envelope,
                        direct,
                    })
                }
            }
            Shape::Union(u) => {
                let Some(frame) = self.ctx.open() else { return Err(fallback()) };
                self.v.visit_map(Element { map, u, ctx: self.ctx, frame, tag: None, state: UState::Idle })
            }
            Shape::Map(item) => {
                let Some(frame) = self.ctx.open() else { return Err(fallback()) };
                self.v.visit_map(Entries { map, item: *item, ctx: self.ctx, frame })
            }
            _ => {
                drain_map(map)?;
                let expected = expected(&self.shape);
                self.unusable(Cause::WrongType { expected, found: JsonKind::Object })
            }
        }
    }
    #[inline]
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<V::Value, A::Error> {
        match self.shape {
            Shape::Array(item) => {
                let Some(frame) = self.ctx.open() else { return Err(fallback()) };
                self.v.visit_seq(Items { seq, item: *item, ctx: self.ctx, frame, index: 0 })
            }
            Shape::Map(_) => {
                if drain_seq(seq)? != 0 {
                    return Err(fallback());
                }
                self.ctx.report(Kind::Coerced { from: JsonKind::Array, to: "map" });
                Zero::<A::Error>::new(self.shape, 0).deserialize_any(self.v)
            }
            _ => {
                drain_seq(seq)?;
                let expected = expected(&self.shape);
                self.unusable(Cause::WrongType { expected, found: JsonKind::Array })
            }
        }
    }
}

/// An optional value (or a collection read through `Option`, absent or `null` meaning empty).
struct Opt<'c, V> {
    v: V,
    shape: Shape,
    ctx: &'c Ctx<'c>,
}

impl<'de, V: Visitor<'de>> Opt<'_, V> {
    fn absent<E: de::Error>(self, cause: Cause) -> Result<V::Value, E> {
        self.ctx.report(Kind::Absent(cause));
        self.v.visit_none()
    }
    fn scalar<E: de::Error>(self, tok: Tok<'_>) -> Result<V::Value, E> {
        match convert(&self.shape, tok, |k| self.ctx.report(k)) {
            Ok(s) => self.v.visit_some(ScalarDe::<E>(s, std::marker::PhantomData)),
            Err(c) => self.absent(c),
        }
    }
}

impl<'de, V: Visitor<'de>> Visitor<'de> for Opt<'_, V> {
    type Value = V::Value;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        self.v.expecting(f)
    }
    #[inline]
    fn visit_bool<E: de::Error>(self, b: bool) -> Result<V::Value, E> {
        match self.shape {
            Shape::Bool => self.v.visit_some(de::value::BoolDeserializer::<E>::new(b)),
            _ => self.scalar(Tok::B(b)),
        }
    }
    #[inline]
    fn visit_u64<E: de::Error>(self, x: u64) -> Result<V::Value, E> {
        if fits_u64(&self.shape, x) { self.v.visit_some(de::value::U64Deserializer::<E>::new(x)) } else { self.scalar(Tok::U(x)) }
    }
    #[inline]
    fn visit_i64<E: de::Error>(self, x: i64) -> Result<V::Value, E> {
        if fits_i64(&self.shape, x) { self.v.visit_some(de::value::I64Deserializer::<E>::new(x)) } else { self.scalar(Tok::I(x)) }
    }
    #[inline]
    fn visit_f64<E: de::Error>(self, x: f64) -> Result<V::Value, E> {
        match self.shape {
            Shape::F64 => self.v.visit_some(de::value::F64Deserializer::<E>::new(x)),
            _ => self.scalar(Tok::F(x)),
        }
    }
    #[inline]
    fn visit_str<E: de::Error>(self, s: &str) -> Result<V::Value, E> {
        match self.shape {
            Shape::Str => self.v.visit_some(de::value::StrDeserializer::<E>::new(s)),
            _ => self.scalar(Tok::S(s)),
        }
    }
    #[inline]
    fn visit_borrowed_str<E: de::Error>(self, s: &'de str) -> Result<V::Value, E> {
        match self.shape {
            Shape::Str => self.v.visit_some(de::value::BorrowedStrDeserializer::<E>::new(s)),
            _ => self.scalar(Tok::S(s)),
        }
    }
    #[inline]
    fn visit_string<E: de::Error>(self, s: String) -> Result<V::Value, E> {
        match self.shape {
            Shape::Str => self.v.visit_some(de::value::StringDeserializer::<E>::new(s)),
            _ => self.scalar(Tok::S(&s)),
        }
    }
    #[inline]
    fn visit_unit<E: de::Error>(self) -> Result<V::Value, E> {
        self.v.visit_none()
    }
    #[inline]
    fn visit_none<E: de::Error>(self) -> Result<V::Value, E> {
        self.v.visit_none()
    }
    #[inline]
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<V::Value, A::Error> {
        match self.shape {
            Shape::Object(_) | Shape::Union(_) | Shape::Map(_) => {
                let de = de::value::MapAccessDeserializer::new(map);
                self.v.visit_some(Tol { de, shape: self.shape, ctx: self.ctx, item: false, envelope: None, root: false })
            }
            _ => {
                drain_map(map)?;
                let expected = expected(&self.shape);
                self.absent(Cause::WrongType { expected, found: JsonKind::Object })
            }
        }
    }
    #[inline]
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<V::Value, A::Error> {
        match self.shape {
            Shape::Array(_) => {
                let de = de::value::SeqAccessDeserializer::new(seq);
                self.v.visit_some(Tol { de, shape: self.shape, ctx: self.ctx, item: false, envelope: None, root: false })
            }
            Shape::Map(_) => {
                if drain_seq(seq)? != 0 {
                    return Err(fallback());
                }
                self.ctx.report(Kind::Coerced { from: JsonKind::Array, to: "map" });
                self.v.visit_some(Zero::<A::Error>::new(self.shape, 0))
            }
            _ => {
                drain_seq(seq)?;
                let expected = expected(&self.shape);
                self.absent(Cause::WrongType { expected, found: JsonKind::Array })
            }
        }
    }
}

/// What a key of an object is.
#[derive(Clone, Copy)]
enum Found {
    Field(u32),
    Envelope(u8),
    /// Its name is kept in the walk's names, at this index.
    Unknown(u32),
}

struct FindKey<'c> {
    obj: &'static ObjectShape,
    ctx: &'c Ctx<'c>,
    root: bool,
    /// Where to look first: keys usually come in the order of the previous object of the same type.
    hint: usize,
}

impl<'de> DeserializeSeed<'de> for FindKey<'_> {
    type Value = Found;
    #[inline]
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Found, D::Error> {
        d.deserialize_str(self)
    }
}

impl Visitor<'_> for FindKey<'_> {
    type Value = Found;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a key")
    }
    #[inline]
    fn visit_str<E: de::Error>(self, k: &str) -> Result<Found, E> {
        let fields = self.obj.fields;
        let at = |i: usize| Found::Field(u32::try_from(i).unwrap_or(u32::MAX));
        if let Some(f) = fields.get(self.hint)
            && f.key == k
        {
            return Ok(at(self.hint));
        }
        if let Some(f) = fields.get(self.hint)
            && f.aliases.contains(&k)
        {
            return Ok(at(self.hint));
        }
        if let Some(i) = fields.iter().position(|f| f.key == k) {
            return Ok(at(i));
        }
        if let Some(i) = fields.iter().position(|f| f.aliases.contains(&k)) {
            return Ok(at(i));
        }
        if self.root
            && let Some(e) = crate::split::ENVELOPE_KEYS.iter().position(|e| *e == k)
        {
            return Ok(Found::Envelope(u8::try_from(e).unwrap_or(u8::MAX)));
        }
        match self.ctx.name(k.to_owned()) {
            Seg::Owned(i) => Ok(Found::Unknown(u32::try_from(i).unwrap_or(u32::MAX))),
            _ => Ok(Found::Unknown(u32::MAX)),
        }
    }
}

enum State {
    Idle,
    Field(usize),
    Zero(usize),
    Pass,
}

/// An object read field by field.
struct Fields<'c, A> {
    map: A,
    obj: &'static ObjectShape,
    ctx: &'c Ctx<'c>,
    frame: usize,
    /// The last field read (its index + 1), 0 at the start: where the learned key order continues.
    prev: usize,
    by_index: bool,
    seen: [u64; 4],
    state: State,
    missing: usize,
    unknown: u32,
    envelope: Option<&'c RefCell<serde_json::Map<String, serde_json::Value>>>,
    /// With `strict_clean`, in an object of a type that never had an unknown key: the fields a value
    /// of which drifted (as bits). The keys go to the derived code as they are, which names its fields
    /// itself; only the drifted fields' keys are looked for, and only their values read through the
    /// adapter. Anything else that does not fit (an unknown key, a required field missing, a key sent
    /// twice) fails the derived code, and the reply is read again without it.
    direct: Option<Look>,
}

impl<A> Fields<'_, A> {
    fn seen(&self, i: usize) -> bool {
        self.seen[i / 64] & (1 << (i % 64)) != 0
    }
    fn mark(&mut self, i: usize) {
        self.seen[i / 64] |= 1 << (i % 64);
    }
}

impl<A> Drop for Fields<'_, A> {
    fn drop(&mut self) {
        self.ctx.close();
    }
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for Fields<'_, A> {
    type Error = A::Error;
    #[inline(always)]
    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, A::Error> {
        match self.direct {
            Some(look) => self.next_key_direct(seed, look),
            None => self.next_key_found(seed),
        }
    }
    #[inline(always)]
    fn next_value_seed<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<S::Value, A::Error> {
        match self.state {
            // A key that is not a drifted field's (keys handed on), or a kept unknown key.
            State::Pass | State::Idle => self.map.next_value_seed(seed),
            _ => self.next_value_field(seed),
        }
    }
}

impl<'de, A: MapAccess<'de>> Fields<'_, A> {
    /// The next key, looked up in the shape.
    #[inline(never)]
    fn next_key_found<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, A::Error> {
        loop {
            let hint = self.ctx.expect(self.frame, self.prev);
            match self.map.next_key_seed(FindKey { obj: self.obj, ctx: self.ctx, root: self.envelope.is_some(), hint })? {
                Some(Found::Field(i)) => {
                    let i = i as usize;
                    if i != hint {
                        self.ctx.followed(self.frame, self.prev, i);
                    }
                    self.prev = i + 1;
                    if self.seen(i) {
                        // Sent under its key and under an alias: only the correcting pass keeps the right one.
                        return Err(fallback());
                    }
                    self.mark(i);
                    self.state = State::Field(i);
                    if self.by_index {
                        return seed.deserialize(de::value::U64Deserializer::<A::Error>::new(i as u64)).map(Some);
                    }
                    let key = self.obj.fields[i].key;
                    return seed.deserialize(de::value::BorrowedStrDeserializer::<A::Error>::new(key)).map(Some);
                }
                Some(Found::Envelope(k)) => {
                    let v: serde_json::Value = self.map.next_value()?;
                    if let (Some(env), Some(k)) = (self.envelope, crate::split::ENVELOPE_KEYS.get(usize::from(k))) {
                        env.borrow_mut().insert((*k).to_owned(), v);
                    }
                }
                Some(Found::Unknown(k)) => {
                    if self.obj.open {
                        self.state = State::Pass;
                        let key = self.ctx.names.borrow().get(k as usize).cloned().unwrap_or_default();
                        return seed.deserialize(de::value::StringDeserializer::<A::Error>::new(key)).map(Some);
                    }
                    self.map.next_value::<IgnoredAny>()?;
                    self.unknown += 1;
                    self.ctx.at(self.frame, Seg::Owned(k as usize), (1, self.unknown));
                    self.ctx.report(Kind::UnknownKey);
                }
                None => {
                    // Then each required field the input left out, with its zero value.
                    if let Some(mask) = self.obj.required_mask
                        && mask & !self.seen[0] == 0
                    {
                        return Ok(None);
                    }
                    while let Some(f) = self.obj.fields.get(self.missing) {
                        let i = self.missing;
                        self.missing += 1;
                        if f.required && !is_collection(&f.shape) && !self.seen(i) {
                            self.ctx.at(self.frame, Seg::Key(f.key), (2, u32::try_from(i).unwrap_or(u32::MAX)));
                            self.ctx.report(Kind::Filled(Cause::Missing));
                            self.state = State::Zero(i);
                            if self.by_index {
                                return seed.deserialize(de::value::U64Deserializer::<A::Error>::new(i as u64)).map(Some);
                            }
                            return seed.deserialize(de::value::BorrowedStrDeserializer::<A::Error>::new(f.key)).map(Some);
                        }
                    }
                    return Ok(None);
                }
            }
        }
    }
    /// The value of a field named by its key (or filled).
    #[inline(never)]
    fn next_value_field<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<S::Value, A::Error> {
        match std::mem::replace(&mut self.state, State::Idle) {
            State::Field(i) => {
                let f = &self.obj.fields[i];
                if self.ctx.strict_clean && self.obj.field_clean(i) {
                    // No value of this field has drifted: the strict generated code reads it.
                    return self.map.next_value_seed(seed);
                }
                self.ctx.at(self.frame, Seg::Key(f.key), (2, u32::try_from(i).unwrap_or(u32::MAX)));
                self.map.next_value_seed(Seed { seed, shape: f.shape, ctx: self.ctx, item: false })
            }
            State::Zero(i) => seed.deserialize(Zero::<A::Error>::new(self.obj.fields[i].shape, 1)),
            State::Pass | State::Idle => self.map.next_value_seed(seed),
        }
    }

    /// The next key with `direct` (see [`Fields::direct`]): handed to the derived code, looked for among
    /// the `drifted` fields only.
    #[inline(always)]
    fn next_key_direct<K: DeserializeSeed<'de>>(&mut self, seed: K, look: Look) -> Result<Option<K::Value>, A::Error> {
        let mut hit = None;
        // The seed comes back when there is no key (then a missing field may need it).
        let mut seed = Some(seed);
        if let Some(key) = self.map.next_key_seed(Spy { seed: &mut seed, look, hit: &mut hit })? {
            match hit {
                Some(i) => {
                    if self.seen(i) {
                        // Sent under its key and under an alias: only the correcting pass keeps the right one.
                        return Err(fallback());
                    }
                    self.mark(i);
                    self.state = State::Field(i);
                }
                None => self.state = State::Pass,
            }
            return Ok(Some(key));
        }
        // The drifted required fields the input left out get their zero value (a missing field that
        // never drifted fails the derived code).
        let Some(seed) = seed else { return Ok(None) };
        let mut rest = look.drifted & !self.seen[0] & u64::MAX.checked_shl(u32::try_from(self.missing).unwrap_or(64)).unwrap_or(0);
        while rest != 0 {
            let i = rest.trailing_zeros() as usize;
            rest &= rest - 1;
            self.missing = i + 1;
            let Some(f) = self.obj.fields.get(i) else { break };
            if f.required && !is_collection(&f.shape) {
                self.ctx.at(self.frame, Seg::Key(f.key), (2, u32::try_from(i).unwrap_or(u32::MAX)));
                self.ctx.report(Kind::Filled(Cause::Missing));
                self.state = State::Zero(i);
                return seed_by_index(i, seed);
            }
        }
        self.missing = 64;
        Ok(None)
    }
}

/// Names field `i` to derived code that takes field indices.
fn seed_by_index<'de, K: DeserializeSeed<'de>, E: de::Error>(i: usize, seed: K) -> Result<Option<K::Value>, E> {
    seed.deserialize(de::value::U64Deserializer::<E>::new(i as u64)).map(Some)
}

/// What the keys of an object are looked at for when they are handed to the derived code: its
/// drifted fields (as bits), and the lengths of their keys and aliases (as bits, 63 for any longer),
/// which most keys fail at once.
#[derive(Clone, Copy)]
struct Look {
    obj: &'static ObjectShape,
    drifted: u64,
    lens: u64,
}

impl Look {
    fn new(obj: &'static ObjectShape, drifted: u64) -> Self {
        let mut lens = 0u64;
        let mut rest = drifted;
        while rest != 0 {
            let i = rest.trailing_zeros() as usize;
            rest &= rest - 1;
            if let Some(f) = obj.fields.get(i) {
                for k in std::iter::once(&f.key).chain(f.aliases) {
                    lens |= 1 << k.len().min(63);
                }
            }
        }
        Look { obj, drifted, lens }
    }

    /// Which of the drifted fields has the key `k`.
    #[inline(always)]
    fn field(&self, k: &str) -> Option<usize> {
        if self.lens & (1 << k.len().min(63)) == 0 {
            return None;
        }
        let mut rest = self.drifted;
        while rest != 0 {
            let i = rest.trailing_zeros() as usize;
            rest &= rest - 1;
            if let Some(f) = self.obj.fields.get(i)
                && (f.key == k || f.aliases.contains(&k))
            {
                return Some(i);
            }
        }
        None
    }
}

/// A key handed to the derived code as it is, noting which drifted field it names, if any.
struct Spy<'h, K> {
    seed: &'h mut Option<K>,
    look: Look,
    hit: &'h mut Option<usize>,
}

impl<'de, K: DeserializeSeed<'de>> DeserializeSeed<'de> for Spy<'_, K> {
    type Value = K::Value;
    #[inline]
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<K::Value, D::Error> {
        let Some(seed) = self.seed.take() else { return Err(de::Error::custom("a key read twice")) };
        seed.deserialize(SpyDe { de: d, look: self.look, hit: self.hit })
    }
}

/// The key's deserializer, seen by the derived code.
struct SpyDe<'h, D> {
    de: D,
    look: Look,
    hit: &'h mut Option<usize>,
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for SpyDe<'_, D> {
    type Error = D::Error;
    #[inline]
    fn deserialize_any<V: Visitor<'de>>(self, v: V) -> Result<V::Value, D::Error> {
        self.de.deserialize_any(SpyKey { v, look: self.look, hit: self.hit })
    }
    #[inline]
    fn deserialize_identifier<V: Visitor<'de>>(self, v: V) -> Result<V::Value, D::Error> {
        self.de.deserialize_identifier(SpyKey { v, look: self.look, hit: self.hit })
    }
    #[inline]
    fn deserialize_str<V: Visitor<'de>>(self, v: V) -> Result<V::Value, D::Error> {
        self.de.deserialize_str(SpyKey { v, look: self.look, hit: self.hit })
    }
    #[inline]
    fn deserialize_string<V: Visitor<'de>>(self, v: V) -> Result<V::Value, D::Error> {
        self.de.deserialize_string(SpyKey { v, look: self.look, hit: self.hit })
    }
    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char bytes byte_buf option unit unit_struct
        newtype_struct seq tuple tuple_struct map struct enum ignored_any
    }
}

/// The key's text, passed on after a look at it.
struct SpyKey<'h, V> {
    v: V,
    look: Look,
    hit: &'h mut Option<usize>,
}

impl<'de, V: Visitor<'de>> Visitor<'de> for SpyKey<'_, V> {
    type Value = V::Value;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        self.v.expecting(f)
    }
    #[inline]
    fn visit_str<E: de::Error>(self, k: &str) -> Result<V::Value, E> {
        *self.hit = self.look.field(k);
        self.v.visit_str(k)
    }
    #[inline]
    fn visit_borrowed_str<E: de::Error>(self, k: &'de str) -> Result<V::Value, E> {
        *self.hit = self.look.field(k);
        self.v.visit_borrowed_str(k)
    }
    #[inline]
    fn visit_string<E: de::Error>(self, k: String) -> Result<V::Value, E> {
        *self.hit = self.look.field(&k);
        self.v.visit_string(k)
    }
    // Keys that are not text are passed on as they are (JSON keys are always text).
    #[inline]
    fn visit_bytes<E: de::Error>(self, k: &[u8]) -> Result<V::Value, E> {
        self.v.visit_bytes(k)
    }
    #[inline]
    fn visit_u64<E: de::Error>(self, k: u64) -> Result<V::Value, E> {
        self.v.visit_u64(k)
    }
}

/// The items of an array.
struct Items<'c, A> {
    seq: A,
    item: Shape,
    ctx: &'c Ctx<'c>,
    frame: usize,
    index: usize,
}

impl<A> Drop for Items<'_, A> {
    fn drop(&mut self) {
        self.ctx.close();
    }
}

impl<'de, A: SeqAccess<'de>> SeqAccess<'de> for Items<'_, A> {
    type Error = A::Error;
    #[inline]
    fn next_element_seed<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<Option<S::Value>, A::Error> {
        self.ctx.at(self.frame, Seg::Index(self.index), (0, u32::try_from(self.index).unwrap_or(u32::MAX)));
        self.index += 1;
        self.seq.next_element_seed(Seed { seed, shape: self.item, ctx: self.ctx, item: true })
    }
    fn size_hint(&self) -> Option<usize> {
        self.seq.size_hint()
    }
}

/// The entries of a map with arbitrary keys.
struct Entries<'c, A> {
    map: A,
    item: Shape,
    ctx: &'c Ctx<'c>,
    frame: usize,
}

impl<A> Drop for Entries<'_, A> {
    fn drop(&mut self) {
        self.ctx.close();
    }
}

/// A key of a map, passed on and remembered for paths.
struct TapKey<'c, K> {
    seed: K,
    ctx: &'c Ctx<'c>,
    frame: usize,
}

impl<'de, K: DeserializeSeed<'de>> DeserializeSeed<'de> for TapKey<'_, K> {
    type Value = K::Value;
    #[inline]
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<K::Value, D::Error> {
        let key = String::deserialize(d)?;
        let seg = self.ctx.name(key.clone());
        self.ctx.at(self.frame, seg, (0, 0));
        self.seed.deserialize(de::value::StringDeserializer::<D::Error>::new(key))
    }
}

use serde::Deserialize;

impl<'de, A: MapAccess<'de>> MapAccess<'de> for Entries<'_, A> {
    type Error = A::Error;
    #[inline]
    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, A::Error> {
        self.map.next_key_seed(TapKey { seed, ctx: self.ctx, frame: self.frame })
    }
    #[inline]
    fn next_value_seed<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<S::Value, A::Error> {
        self.map.next_value_seed(Seed { seed, shape: self.item, ctx: self.ctx, item: true })
    }
}

enum UState {
    Idle,
    Tag,
    Content,
    Pass,
}

/// A union element: the tag (a number or boolean tag becomes its text), then the content read as the
/// variant the tag names.
struct Element<'c, A> {
    map: A,
    u: &'static UnionShape,
    ctx: &'c Ctx<'c>,
    frame: usize,
    tag: Option<String>,
    state: UState,
}

impl<A> Drop for Element<'_, A> {
    fn drop(&mut self) {
        self.ctx.close();
    }
}

/// The tag's value, passed on as a string when it is a scalar, and remembered.
struct TagSeed<'c, 't, S> {
    seed: S,
    ctx: &'c Ctx<'c>,
    tag: &'t mut Option<String>,
}

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for TagSeed<'_, '_, S> {
    type Value = S::Value;
    #[inline]
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<S::Value, D::Error> {
        let v = serde_json::Value::deserialize(d)?;
        let text = match &v {
            serde_json::Value::String(s) => Some(s.clone()),
            serde_json::Value::Number(n) => {
                self.ctx.report(Kind::Coerced { from: JsonKind::Number, to: "string" });
                Some(n.to_string())
            }
            serde_json::Value::Bool(b) => {
                self.ctx.report(Kind::Coerced { from: JsonKind::Bool, to: "string" });
                Some(b.to_string())
            }
            _ => None,
        };
        match text {
            Some(t) => {
                *self.tag = Some(t.clone());
                self.seed.deserialize(de::value::StringDeserializer::<D::Error>::new(t))
            }
            None => self.seed.deserialize(v).map_err(de::Error::custom),
        }
    }
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for Element<'_, A> {
    type Error = A::Error;
    #[inline]
    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, A::Error> {
        let Some(key) = self.map.next_key::<String>()? else { return Ok(None) };
        self.state = if key == self.u.tag {
            UState::Tag
        } else if key == self.u.content {
            UState::Content
        } else {
            UState::Pass
        };
        seed.deserialize(de::value::StringDeserializer::<A::Error>::new(key)).map(Some)
    }
    #[inline]
    fn next_value_seed<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<S::Value, A::Error> {
        match std::mem::replace(&mut self.state, UState::Idle) {
            UState::Tag => {
                self.ctx.at(self.frame, Seg::Key(self.u.tag), (0, 0));
                self.map.next_value_seed(TagSeed { seed, ctx: self.ctx, tag: &mut self.tag })
            }
            UState::Content => {
                let variant = self.tag.as_deref().and_then(|t| self.u.variants.iter().find(|(name, _)| *name == t)).map(|(_, obj)| *obj);
                match variant {
                    Some(obj) => {
                        self.ctx.at(self.frame, Seg::Key(self.u.content), (2, 0));
                        self.map.next_value_seed(Seed { seed, shape: Shape::Object(obj), ctx: self.ctx, item: false })
                    }
                    None => self.map.next_value_seed(seed),
                }
            }
            UState::Pass | UState::Idle => self.map.next_value_seed(seed),
        }
    }
}

/// Decodes `body` (a JSON object) as `T` in one tolerant pass. With `envelope`, the reply's envelope
/// keys are collected there instead of reaching the payload. `Err` is a JSON syntax error, a body that
/// is not an object, or [`FALLBACK`].
///
/// With `strict_clean`, objects of types in which nothing has drifted in earlier replies are read by
/// the strict generated code (an error there is a plain decode error: read again without it).
pub(crate) fn decode<T: serde::de::DeserializeOwned>(
    body: &[u8],
    obj: &'static ObjectShape,
    envelope: Option<&RefCell<serde_json::Map<String, serde_json::Value>>>,
    strict_clean: bool,
) -> Result<(T, Vec<Correction>), serde_json::Error> {
    #[cfg(test)]
    PASSES.with(|p| p.set(p.get() + 1));
    Active::with(|active| {
        let ctx = Ctx::new(strict_clean, active);
        let mut de = serde_json::Deserializer::from_slice(body);
        let value = T::deserialize(Tol { de: &mut de, shape: Shape::Object(obj), ctx: &ctx, item: false, envelope, root: true })?;
        de.end()?;
        Ok((value, ctx.take()))
    })
}

#[cfg(test)]
thread_local! {
    /// How many tolerant passes this thread has run (the tests check that a reply is read once).
    static PASSES: Cell<u32> = const { Cell::new(0) };
}

#[cfg(test)]
#[path = "direct_tests.rs"]
mod direct_tests;

#[cfg(test)]
#[path = "lenient_tests.rs"]
mod lenient_tests;

#[cfg(test)]
mod tests {
    use super::super::{FieldShape, ObjectShape, Schema, Shape, decode_document};

    #[derive(Debug, PartialEq, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Item {
        #[serde(rename = "Id")]
        id: String,
        #[serde(rename = "Time")]
        time: u64,
    }
    #[derive(Debug, PartialEq, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Page {
        #[serde(rename = "Next")]
        next: u64,
        #[serde(rename = "Total")]
        total: u32,
        #[serde(rename = "Items", default)]
        items: Vec<Item>,
    }
    static ITEM: ObjectShape =
        ObjectShape::new("Item", &[FieldShape::new("Id", &[], Shape::Str, true), FieldShape::new("Time", &[], Shape::U64, true)]);
    static ITEMS: Shape = Shape::Object(&ITEM);
    static PAGE: ObjectShape = ObjectShape::new(
        "Page",
        &[
            FieldShape::new("Next", &[], Shape::U64, true),
            FieldShape::new("Total", &[], Shape::U32, true),
            FieldShape::new("Items", &[], Shape::Array(&ITEMS), true),
        ],
    );
    impl Schema for Page {
        fn shape() -> &'static ObjectShape {
            &PAGE
        }
    }

    fn page(next: &str, time_of_2: &str) -> Vec<u8> {
        page_of(next, "5", time_of_2)
    }

    fn page_of(next: &str, total: &str, time_of_2: &str) -> Vec<u8> {
        format!(
            r#"{{"Next":{next},"Total":{total},"Items":[{{"Id":"a","Time":1}},{{"Id":"b","Time":{time_of_2}}},{{"Id":"c","Time":3}}]}}"#
        )
        .into_bytes()
    }

    #[test]
    fn objects_that_never_drifted_are_read_strictly_and_drift_in_them_is_still_found() {
        // A cursor as a string: the page type is remembered as drifting, the items are not.
        let (p, c) = decode_document::<Page>(&page("\"7\"", "2"), false).unwrap();
        assert_eq!((p.next, p.items.len()), (7, 3));
        assert_eq!(c.iter().map(|c| c.path.as_str()).collect::<Vec<_>>(), ["Next"]);
        assert!(PAGE.drifting() && ITEM.inner_clean());
        // The next page drifts in an item too: the strict read of the items fails, the page is read
        // again with every item corrected, and both corrections are reported.
        let (p, c) = decode_document::<Page>(&page("\"8\"", "\"2\""), false).unwrap();
        assert_eq!(p.items[1].time, 2);
        assert_eq!(c.iter().map(|c| c.path.as_str()).collect::<Vec<_>>(), ["Next", "Items[1].Time"]);
        assert!(!ITEM.inner_clean());
        // From then on the items go through the corrections directly, with the same result.
        let (p, c) = decode_document::<Page>(&page("\"9\"", "\"2\""), false).unwrap();
        assert_eq!((p.next, p.items[1].time), (9, 2));
        assert_eq!(c.iter().map(|c| c.path.as_str()).collect::<Vec<_>>(), ["Next", "Items[1].Time"]);
        // A field of the page that never drifted is read strictly: when it drifts, it is found too.
        let (p, c) = decode_document::<Page>(&page_of("\"9\"", "\"5\"", "\"2\""), false).unwrap();
        assert_eq!((p.next, p.total, p.items[1].time), (9, 5, 2));
        assert_eq!(c.iter().map(|c| c.path.as_str()).collect::<Vec<_>>(), ["Next", "Total", "Items[1].Time"]);
        // Strict decoding still refuses both.
        let err = decode_document::<Page>(&page("\"9\"", "\"2\""), true).unwrap_err().to_string();
        assert!(err.contains("Next") && err.contains("Items[1].Time"), "{err}");
    }
}
