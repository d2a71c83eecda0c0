//! Converting a drifted scalar to what the catalogue has, shared by the tolerant pass's adapter
//! ([`super::tolerant`]) and the generated code's lenient integer fields ([`super::lenient`]), so that
//! both read a drifted value the same way and report the same correction.

use super::{Cause, JsonKind, Kind, Shape};

/// A string of 1 to 19 ASCII digits (always within a u64), as its value.
#[inline]
pub(crate) fn plain_digits(s: &str) -> Option<u64> {
    if s.is_empty() || s.len() > 19 {
        return None;
    }
    let mut x = 0u64;
    for b in s.bytes() {
        let d = b.wrapping_sub(b'0');
        if d > 9 {
            return None;
        }
        x = x * 10 + u64::from(d);
    }
    Some(x)
}

/// A scalar read from a token, converted to what the shape wants.
pub(crate) enum Scalar<'a> {
    U(u64),
    I(i64),
    F(f64),
    B(bool),
    S(&'a str),
    Owned(String),
}

/// A token of the JSON input.
#[derive(Clone, Copy)]
pub(crate) enum Tok<'a> {
    U(u64),
    I(i64),
    F(f64),
    B(bool),
    S(&'a str),
}

impl Tok<'_> {
    fn kind(&self) -> JsonKind {
        match self {
            Tok::U(_) | Tok::I(_) => JsonKind::Number,
            Tok::F(f) if f.fract() == 0.0 && f.is_finite() => JsonKind::Number,
            Tok::F(_) => JsonKind::Fraction,
            Tok::B(_) => JsonKind::Bool,
            Tok::S(_) => JsonKind::String,
        }
    }
}

/// Converts a token for `shape`, handing a lossless conversion's correction to `report`; `Err` when it
/// cannot be used.
pub(crate) fn convert<'a>(shape: &Shape, tok: Tok<'a>, report: impl Fn(Kind)) -> Result<Scalar<'a>, Cause> {
    let coerced = |from: JsonKind, to: &'static str| report(Kind::Coerced { from, to });
    let int = |min: i128, max: i128| -> Result<Scalar<'a>, Cause> {
        let fit = |x: i128| -> Result<Scalar<'a>, Cause> {
            if !(min..=max).contains(&x) {
                return Err(Cause::OutOfRange);
            }
            Ok(if x < 0 {
                Scalar::I(i64::try_from(x).map_err(|_| Cause::OutOfRange)?)
            } else {
                Scalar::U(u64::try_from(x).map_err(|_| Cause::OutOfRange)?)
            })
        };
        match tok {
            Tok::U(x) => fit(i128::from(x)),
            Tok::I(x) => fit(i128::from(x)),
            Tok::F(f) => {
                if f.fract() != 0.0 || !f.is_finite() {
                    return Err(Cause::WrongType { expected: "integer", found: JsonKind::Fraction });
                }
                if f < min as f64 || f > max as f64 {
                    return Err(Cause::OutOfRange);
                }
                let s = fit(f as i128)?;
                coerced(JsonKind::Fraction, "integer");
                Ok(s)
            }
            Tok::S(s) => {
                // The common case first: plain digits that fit in a u64 (19 digits always do).
                if let Some(x) = plain_digits(s) {
                    let s = fit(i128::from(x))?;
                    coerced(JsonKind::String, "integer");
                    return Ok(s);
                }
                let t = s.trim();
                if t.is_empty() {
                    return Err(Cause::EmptyString);
                }
                let t = t.strip_prefix('+').unwrap_or(t);
                let x = match t.parse::<u64>() {
                    Ok(u) => i128::from(u),
                    Err(_) => {
                        t.parse::<i64>().map(i128::from).map_err(|_| Cause::WrongType { expected: "integer", found: JsonKind::String })?
                    }
                };
                let s = fit(x)?;
                coerced(JsonKind::String, "integer");
                Ok(s)
            }
            Tok::B(b) => {
                coerced(JsonKind::Bool, "integer");
                Ok(Scalar::U(u64::from(b)))
            }
        }
    };
    match shape {
        Shape::I32 => int(i128::from(i32::MIN), i128::from(i32::MAX)),
        Shape::U32 => int(0, i128::from(u32::MAX)),
        Shape::I64 => int(i128::from(i64::MIN), i128::from(i64::MAX)),
        Shape::U64 => int(0, i128::from(u64::MAX)),
        Shape::Str => match tok {
            Tok::S(s) => Ok(Scalar::S(s)),
            Tok::B(b) => {
                coerced(JsonKind::Bool, "string");
                Ok(Scalar::Owned(b.to_string()))
            }
            Tok::U(x) => {
                coerced(JsonKind::Number, "string");
                Ok(Scalar::Owned(x.to_string()))
            }
            Tok::I(x) => {
                coerced(JsonKind::Number, "string");
                Ok(Scalar::Owned(x.to_string()))
            }
            Tok::F(f) => match serde_json::Number::from_f64(f) {
                Some(n) => {
                    coerced(JsonKind::Number, "string");
                    Ok(Scalar::Owned(n.to_string()))
                }
                None => Err(Cause::WrongType { expected: "string", found: JsonKind::Number }),
            },
        },
        Shape::Bool => match tok {
            Tok::B(b) => Ok(Scalar::B(b)),
            Tok::U(x @ (0 | 1)) => {
                coerced(JsonKind::Number, "boolean");
                Ok(Scalar::B(x == 1))
            }
            Tok::S(s) => {
                let b = match s.trim() {
                    "true" | "1" => true,
                    "false" | "0" => false,
                    "" => return Err(Cause::EmptyString),
                    _ => return Err(Cause::WrongType { expected: "boolean", found: JsonKind::String }),
                };
                coerced(JsonKind::String, "boolean");
                Ok(Scalar::B(b))
            }
            other => Err(Cause::WrongType { expected: "boolean", found: other.kind() }),
        },
        Shape::F64 => match tok {
            Tok::U(x) => Ok(Scalar::U(x)),
            Tok::I(x) => Ok(Scalar::I(x)),
            Tok::F(f) => Ok(Scalar::F(f)),
            Tok::S(s) => {
                let t = s.trim();
                if t.is_empty() {
                    return Err(Cause::EmptyString);
                }
                match t.parse::<f64>() {
                    Ok(f) if f.is_finite() => {
                        coerced(JsonKind::String, "number");
                        Ok(Scalar::F(f))
                    }
                    _ => Err(Cause::WrongType { expected: "number", found: JsonKind::String }),
                }
            }
            Tok::B(_) => Err(Cause::WrongType { expected: "number", found: JsonKind::Bool }),
        },
        Shape::Array(_) => Err(Cause::WrongType { expected: "array", found: tok.kind() }),
        Shape::Map(_) | Shape::Object(_) | Shape::Union(_) => Err(Cause::WrongType { expected: "object", found: tok.kind() }),
        Shape::Any => Err(Cause::WrongType { expected: "value", found: tok.kind() }),
    }
}
