//! Hand-written tests of `tim-rest` (`tests/`), its benchmarks (`benches/`) and runnable examples
//! (`examples/`), all against the local server on 127.0.0.1. Nothing here is published.

use serde_json::Value;

/// Checks that `after` holds everything in `before`. Key order is free; a `null` in `before` may be
/// absent in `after` (an unset optional); `after` may add only empty collections (a response list the
/// reply left out reads as empty).
pub fn covers(before: &Value, after: &Value, at: &str, problems: &mut Vec<String>) {
    match (before, after) {
        (Value::Object(b), Value::Object(a)) => {
            for (k, bv) in b {
                match a.get(k) {
                    Some(av) => covers(bv, av, &format!("{at}.{k}"), problems),
                    None if bv.is_null() => {}
                    None => problems.push(format!("{at}.{k} was dropped")),
                }
            }
            for (k, av) in a {
                if !b.contains_key(k) {
                    let empty = matches!(av, Value::Array(x) if x.is_empty()) || matches!(av, Value::Object(x) if x.is_empty());
                    if !empty {
                        problems.push(format!("{at}.{k} was added: {av}"));
                    }
                }
            }
        }
        (Value::Array(b), Value::Array(a)) => {
            if b.len() != a.len() {
                problems.push(format!("{at}: {} items became {}", b.len(), a.len()));
            }
            for (i, (bv, av)) in b.iter().zip(a).enumerate() {
                covers(bv, av, &format!("{at}[{i}]"), problems);
            }
        }
        (Value::Number(b), Value::Number(a)) => {
            let same = match (b.as_i64(), a.as_i64(), b.as_u64(), a.as_u64()) {
                (Some(x), Some(y), _, _) => x == y,
                (_, _, Some(x), Some(y)) => x == y,
                _ => b.as_f64() == a.as_f64(),
            };
            if !same {
                problems.push(format!("{at}: {b} became {a}"));
            }
        }
        (b, a) if b == a => {}
        (b, a) => problems.push(format!("{at}: {b} became {a}")),
    }
}

/// The README's code blocks, compiled as doctests so the README stays true.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;
