//! Lenient integer fields: the deserializers the generated code names for the integer fields of the
//! types it reads (`deserialize_with = "…::drift::lenient::opt_u64::<ID, _>"`).
//!
//! Outside the tolerant pass they are exactly as strict as serde's own (`u64::deserialize`): the same
//! values are accepted, the same errors given, at the same cost on a clean body (serde_json reads a
//! number the same way through `deserialize_any` as through `deserialize_u64`).
//!
//! In the tolerant pass, an object of a type whose drift so far was only conversions of such fields
//! (a number sent as its string, say, in every item of a list) is handed whole to the generated code,
//! at strict speed, with its type marked active on this thread. A field's deserializer that meets a
//! value of another kind then converts it as the adapter would and notes the correction (field and
//! kind); the tolerant pass reports it with its path when the object is read. `ID` is the type's number
//! times 64 plus the field's index; a field of another type (an object nested inside) stays strict, and
//! what a field cannot absorb fails the read as before, which the tolerant pass then reads with the
//! adapter everywhere.

use super::convert::{Scalar, Tok, convert, plain_digits};
use super::{JsonKind, Kind, Shape};
use serde::de::{self, Deserializer, Unexpected, Visitor};
use std::cell::{Cell, RefCell};
use std::fmt;
use std::marker::PhantomData;

/// What this thread's tolerant pass is reading whole.
pub(crate) struct Active {
    /// The type whose object is being read whole (`u32::MAX`: none).
    id: Cell<u32>,
    /// The corrections made so far in that object: field index and kind.
    hits: RefCell<Vec<(u8, Kind)>>,
}

thread_local! {
    static ACTIVE: Active = const { Active { id: Cell::new(u32::MAX), hits: RefCell::new(Vec::new()) } };
}

impl Active {
    /// Runs a tolerant pass with this thread's state (looked up once per reply, not per object).
    pub(crate) fn with<R>(f: impl FnOnce(&Active) -> R) -> R {
        ACTIVE.with(f)
    }
}

/// An integer type a lenient field reads.
pub trait Int: Copy {
    /// How the drift corrector describes it.
    #[doc(hidden)]
    const SHAPE: Shape;
    /// What serde's own visitor says it expects.
    #[doc(hidden)]
    const NAME: &'static str;
    /// The value, if in range.
    #[doc(hidden)]
    fn from_u64(x: u64) -> Option<Self>;
    /// The value, if in range.
    #[doc(hidden)]
    fn from_i64(x: i64) -> Option<Self>;
}

macro_rules! int {
    ($($t:ty, $shape:ident, $name:literal;)*) => {$(
        impl Int for $t {
            const SHAPE: Shape = Shape::$shape;
            const NAME: &'static str = $name;
            #[inline]
            fn from_u64(x: u64) -> Option<Self> {
                <$t>::try_from(x).ok()
            }
            #[inline]
            fn from_i64(x: i64) -> Option<Self> {
                <$t>::try_from(x).ok()
            }
        }
    )*};
}

int! {
    u64, U64, "u64";
    i64, I64, "i64";
    u32, U32, "u32";
    i32, I32, "i32";
}

/// Reads an integer; see the module documentation.
struct IntV<T> {
    id: u32,
    t: PhantomData<T>,
}

impl<T: Int> IntV<T> {
    #[inline]
    fn new(id: u32) -> Self {
        IntV { id, t: PhantomData }
    }

    /// A value of another kind: converted when this field's object is read whole in the tolerant pass,
    /// an error (serde's own) otherwise.
    #[cold]
    fn drift<E: de::Error>(self, tok: Tok<'_>, unexpected: Unexpected<'_>) -> Result<T, E> {
        let converted = ACTIVE.with(|a| {
            if a.id.get() != self.id >> 6 {
                return None;
            }
            // The common case first: a string of plain digits (what `convert` reads the same way).
            if let Tok::S(s) = tok
                && let Some(value) = plain_digits(s).and_then(T::from_u64)
            {
                a.hits.borrow_mut().push(((self.id & 63) as u8, Kind::Coerced { from: JsonKind::String, to: "integer" }));
                return Some(value);
            }
            let kind = Cell::new(None);
            let value = match convert(&T::SHAPE, tok, |k| kind.set(Some(k))) {
                Ok(Scalar::U(x)) => T::from_u64(x),
                Ok(Scalar::I(x)) => T::from_i64(x),
                _ => None,
            }?;
            if let Some(kind) = kind.into_inner() {
                // The low 6 bits: the field's index.
                a.hits.borrow_mut().push(((self.id & 63) as u8, kind));
            }
            Some(value)
        });
        converted.ok_or_else(|| E::invalid_type(unexpected, &self))
    }
}

impl<T: Int> Visitor<'_> for IntV<T> {
    type Value = T;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(T::NAME)
    }
    #[inline]
    fn visit_u64<E: de::Error>(self, x: u64) -> Result<T, E> {
        T::from_u64(x).ok_or_else(|| E::invalid_value(Unexpected::Unsigned(x), &self))
    }
    #[inline]
    fn visit_i64<E: de::Error>(self, x: i64) -> Result<T, E> {
        T::from_i64(x).ok_or_else(|| E::invalid_value(Unexpected::Signed(x), &self))
    }
    fn visit_f64<E: de::Error>(self, x: f64) -> Result<T, E> {
        self.drift(Tok::F(x), Unexpected::Float(x))
    }
    fn visit_bool<E: de::Error>(self, b: bool) -> Result<T, E> {
        self.drift(Tok::B(b), Unexpected::Bool(b))
    }
    fn visit_str<E: de::Error>(self, s: &str) -> Result<T, E> {
        self.drift(Tok::S(s), Unexpected::Str(s))
    }
}

/// Reads an optional integer (`null` is `None`, as serde's `Option` reads it).
struct OptV<T>(IntV<T>);

impl<'de, T: Int> Visitor<'de> for OptV<T> {
    type Value = Option<T>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("option")
    }
    #[inline]
    fn visit_none<E: de::Error>(self) -> Result<Option<T>, E> {
        Ok(None)
    }
    #[inline]
    fn visit_unit<E: de::Error>(self) -> Result<Option<T>, E> {
        Ok(None)
    }
    #[inline]
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Option<T>, D::Error> {
        d.deserialize_any(self.0).map(Some)
    }
}

/// A required integer field (`ID`: the type's number times 64 plus the field's index).
#[inline]
pub fn req<'de, const ID: u32, T: Int, D: Deserializer<'de>>(d: D) -> Result<T, D::Error> {
    d.deserialize_any(IntV::<T>::new(ID))
}

/// An optional integer field (`ID`: the type's number times 64 plus the field's index).
#[inline]
pub fn opt<'de, const ID: u32, T: Int, D: Deserializer<'de>>(d: D) -> Result<Option<T>, D::Error> {
    d.deserialize_option(OptV(IntV::<T>::new(ID)))
}

/// An object of type `id` read whole in the tolerant pass: its type is active on this thread until
/// this is finished or dropped, and the corrections its lenient fields made are taken with
/// [`Whole::finish`]. Objects read whole do not nest (nothing inside one goes through the tolerant
/// pass's adapter).
pub(crate) struct Whole<'a> {
    active: &'a Active,
    prev: u32,
}

impl<'a> Whole<'a> {
    #[inline]
    pub(crate) fn enter(active: &'a Active, id: u32) -> Self {
        Whole { active, prev: active.id.replace(id) }
    }

    /// Ends the object read whole, handing over the corrections its lenient fields made: field index
    /// and kind.
    #[inline]
    pub(crate) fn finish(self, mut f: impl FnMut(usize, Kind)) {
        self.active.id.set(self.prev);
        let mut hits = self.active.hits.borrow_mut();
        if !hits.is_empty() {
            for (i, kind) in hits.drain(..) {
                f(usize::from(i), kind);
            }
        }
        drop(hits);
        std::mem::forget(self);
    }
}

impl Drop for Whole<'_> {
    /// An object whose read failed: its corrections are dropped with it.
    #[inline]
    fn drop(&mut self) {
        self.active.id.set(self.prev);
        self.active.hits.borrow_mut().clear();
    }
}
