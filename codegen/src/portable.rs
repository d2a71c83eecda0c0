//! Portable YAML: the spec files must read the same with a YAML 1.1 parser such as PyYAML as with
//! `serde_yaml` (YAML 1.2), since other tools read the catalogue too. `.ci/check_yaml.py` proves it
//! with PyYAML itself; this module applies the same rule while loading, so that `cargo xtask validate`
//! and `gen` name the line and the fix.
//!
//! The YAML text is walked with an event parser that keeps positions and scalar styles
//! (`saphyr-parser`). Two kinds of plain (unquoted) scalar read differently:
//!
//! - inside a flow collection (`{ ... }`, `[ ... ]`), PyYAML ends a plain scalar at `?` and then
//!   fails: `{ type: u32? }` cannot be read at all (YAML 1.2 allows the `?`);
//! - the YAML 1.1 implicit types of PyYAML's resolver: booleans `yes`/`no`/`on`/`off`,
//!   integers with `_`, a leading `0` (octal), `0b` or `:` (base 60), floats (which need a `.`),
//!   dates and timestamps, `<<` and `=`. A plain scalar that resolves to one of these is reported when
//!   `serde_yaml` reads something else (text, or another number).
//!
//! The fix is the same for both: quote the scalar.

use crate::diag::Diagnostic;
use saphyr_parser::{Event, Parser, ScalarStyle};

/// The problems of one file's text; `shown` is the path in messages. A text that does not parse as
/// YAML gives none here (the loader reports its syntax error).
pub fn check(shown: &str, text: &str) -> Vec<Diagnostic> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    // For each open collection: whether it is a flow collection.
    let mut flow: Vec<bool> = Vec::new();
    for item in Parser::new_from_str(text) {
        let Ok((event, span)) = item else { return out };
        let at =
            |message: String| Diagnostic { file: shown.to_owned(), line: span.start.line(), column: Some(span.start.col() + 1), message };
        match event {
            Event::MappingStart(..) | Event::SequenceStart(..) => {
                let opens_flow = matches!(chars.get(span.start.index()), Some('{' | '['));
                let in_flow = flow.last().copied().unwrap_or(false);
                flow.push(in_flow || opens_flow);
            }
            Event::MappingEnd | Event::SequenceEnd => {
                flow.pop();
            }
            Event::Scalar(value, ScalarStyle::Plain, _, None) => {
                let in_flow = flow.last().copied().unwrap_or(false);
                if in_flow && value.contains('?') {
                    out.push(at(format!(
                        "`{value}` must be quoted inside `{{ }}` or `[ ]`: YAML 1.1 parsers such as PyYAML end an unquoted \
                         scalar at `?` there and cannot read the file; write \"{value}\""
                    )));
                } else if let Some(problem) = resolved_differently(&value) {
                    out.push(at(format!("`{value}` {problem}; quote it (\"{value}\") if text is meant")));
                }
            }
            _ => {}
        }
    }
    out
}

/// What PyYAML's implicit resolver makes of a plain scalar, when it is not text.
#[derive(Debug, Clone, PartialEq)]
enum Yaml11 {
    Bool(bool),
    Int(i128),
    Float(f64),
    Null,
    /// A date, a timestamp, `<<` or `=`: never what `serde_yaml` reads.
    Other(&'static str),
}

/// When a YAML 1.1 parser reads `s` as something other than `serde_yaml` does: how each reads it.
fn resolved_differently(s: &str) -> Option<String> {
    use serde_yaml::Value as V;
    let old = yaml11(s);
    // Only these can be anything but text in YAML 1.2's core schema (null, booleans, numbers).
    let maybe_not_text = s.starts_with(|c: char| c.is_ascii_digit() || "-+.~nNtTfF".contains(c));
    if old.is_none() && !maybe_not_text {
        return None;
    }
    let new = serde_yaml::from_str::<serde_yaml::Value>(s).ok();
    let Some(old) = old else {
        return match new {
            Some(V::String(_)) | None => None,
            Some(other) => {
                Some(format!("is read as {} by serde_yaml (YAML 1.2) but as text by YAML 1.1 parsers such as PyYAML", describe(&other)))
            }
        };
    };
    let same = match (&old, &new) {
        (Yaml11::Bool(a), Some(V::Bool(b))) => a == b,
        (Yaml11::Null, Some(V::Null)) => true,
        (Yaml11::Int(a), Some(V::Number(n))) => match (n.as_i64(), n.as_u64()) {
            (Some(b), _) => *a == i128::from(b),
            (None, Some(b)) => *a == i128::from(b),
            // Python compares an int with a float by value.
            _ => n.as_f64().is_some_and(|b| *a as f64 == b),
        },
        (Yaml11::Float(a), Some(V::Number(n))) => n.as_f64().is_some_and(|b| *a == b || (a.is_nan() && b.is_nan())),
        _ => false,
    };
    if same {
        return None;
    }
    let old = match old {
        Yaml11::Bool(b) => format!("the boolean {b}"),
        Yaml11::Int(i) => format!("the integer {i}"),
        Yaml11::Float(f) => format!("the number {f}"),
        Yaml11::Null => "null".to_owned(),
        Yaml11::Other(what) => what.to_owned(),
    };
    let new = new.as_ref().map_or_else(|| "text".to_owned(), describe);
    Some(format!("is read as {new} by serde_yaml (YAML 1.2) but as {old} by YAML 1.1 parsers such as PyYAML"))
}

/// How `serde_yaml` read a scalar, in words.
fn describe(v: &serde_yaml::Value) -> String {
    use serde_yaml::Value as V;
    match v {
        V::String(_) => "text".to_owned(),
        V::Number(n) => format!("the number {n}"),
        V::Bool(b) => format!("the boolean {b}"),
        V::Null => "null".to_owned(),
        _ => "something else".to_owned(),
    }
}

/// PyYAML's implicit resolvers (its `resolver.py`, in its order): bool, float, int, merge, null,
/// timestamp, value. `None`: a string.
fn yaml11(s: &str) -> Option<Yaml11> {
    match s {
        "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => return Some(Yaml11::Bool(true)),
        "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => return Some(Yaml11::Bool(false)),
        "" | "~" | "null" | "Null" | "NULL" => return Some(Yaml11::Null),
        "<<" => return Some(Yaml11::Other("a merge key")),
        "=" => return Some(Yaml11::Other("a value key")),
        _ => {}
    }
    if let Some(f) = float11(s) {
        return Some(Yaml11::Float(f));
    }
    if let Some(i) = int11(s) {
        return Some(Yaml11::Int(i));
    }
    if timestamp11(s) {
        return Some(Yaml11::Other("a date"));
    }
    None
}

/// Splits an optional sign: (negative, rest).
fn sign(s: &str) -> (bool, &str) {
    match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    }
}

/// `[0-9][0-9_]*(:[0-5]?[0-9])+`: base 60 (YAML 1.1), as (whole, parts after the first).
fn sexagesimal(s: &str) -> Option<f64> {
    let mut parts = s.split(':');
    let first = parts.next()?;
    if first.is_empty() || !first.starts_with(|c: char| c.is_ascii_digit()) || !first.chars().all(|c| c.is_ascii_digit() || c == '_') {
        return None;
    }
    let mut value: f64 = first.replace('_', "").parse().ok()?;
    let mut any = false;
    for p in parts {
        let ok = matches!(p.len(), 1 | 2) && p.chars().all(|c| c.is_ascii_digit()) && (p.len() == 1 || p.as_bytes()[0] <= b'5');
        if !ok {
            return None;
        }
        value = value * 60.0 + p.parse::<f64>().ok()?;
        any = true;
    }
    any.then_some(value)
}

/// PyYAML's float: `[-+]?([0-9][0-9_]*)\.[0-9_]*([eE][-+][0-9]+)?`, `\.[0-9][0-9_]*(...)?`, base 60
/// with a fraction, `[-+]?\.(inf|Inf|INF)`, `\.(nan|NaN|NAN)`.
fn float11(s: &str) -> Option<f64> {
    if matches!(s, ".nan" | ".NaN" | ".NAN") {
        return Some(f64::NAN);
    }
    let (negative, body) = sign(s);
    let value = if matches!(body, ".inf" | ".Inf" | ".INF") {
        f64::INFINITY
    } else {
        let (mantissa, exponent) = match body.find(['e', 'E']) {
            Some(i) => (&body[..i], Some(&body[i + 1..])),
            None => (body, None),
        };
        if let Some(e) = exponent {
            let (_, digits) = sign(e);
            if !(e.starts_with(['-', '+']) && !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit())) {
                return None;
            }
        }
        let (whole, fraction) = mantissa.split_once('.')?;
        if !fraction.chars().all(|c| c.is_ascii_digit() || c == '_') {
            return None;
        }
        let digits = |t: &str| t.chars().all(|c| c.is_ascii_digit() || c == '_');
        if whole.contains(':') {
            // Base 60 with a fraction takes no exponent.
            if exponent.is_some() {
                return None;
            }
            let w = sexagesimal(whole)?;
            w + format!("0.{}", fraction.replace('_', "")).parse::<f64>().unwrap_or(0.0)
        } else {
            let whole_ok = if whole.is_empty() {
                // `.5` (no sign allowed in PyYAML's pattern, and a digit must follow the dot)
                !s.starts_with(['-', '+']) && fraction.starts_with(|c: char| c.is_ascii_digit())
            } else {
                whole.starts_with(|c: char| c.is_ascii_digit()) && digits(whole)
            };
            if !whole_ok {
                return None;
            }
            let text = format!(
                "{}.{}{}",
                whole.replace('_', ""),
                fraction.replace('_', ""),
                exponent.map(|e| format!("e{e}")).unwrap_or_default()
            );
            let text = if text.starts_with('.') { format!("0{text}") } else { text };
            text.parse::<f64>().ok()?
        }
    };
    Some(if negative { -value } else { value })
}

/// PyYAML's int: `0b[01_]+`, `0[0-7_]+`, `0|[1-9][0-9_]*`, `0x[0-9a-fA-F_]+`, base 60; each with an
/// optional sign.
fn int11(s: &str) -> Option<i128> {
    let (negative, body) = sign(s);
    let parse = |digits: &str, radix: u32| -> Option<i128> {
        let d = digits.replace('_', "");
        // PyYAML's `int()` of an all-`_` body fails too.
        if d.is_empty() { None } else { i128::from_str_radix(&d, radix).ok() }
    };
    let value = if let Some(b) = body.strip_prefix("0b") {
        if b.is_empty() || !b.chars().all(|c| matches!(c, '0' | '1' | '_')) {
            return None;
        }
        parse(b, 2)?
    } else if let Some(x) = body.strip_prefix("0x") {
        if x.is_empty() || !x.chars().all(|c| c.is_ascii_hexdigit() || c == '_') {
            return None;
        }
        parse(x, 16)?
    } else if body == "0" {
        0
    } else if let Some(o) = body.strip_prefix('0') {
        if o.is_empty() || !o.chars().all(|c| matches!(c, '0'..='7' | '_')) {
            return None;
        }
        parse(o, 8)?
    } else if body.contains(':') {
        if !body.starts_with(|c: char| matches!(c, '1'..='9')) {
            return None;
        }
        sexagesimal(body)? as i128
    } else {
        if !body.starts_with(|c: char| matches!(c, '1'..='9')) || !body.chars().all(|c| c.is_ascii_digit() || c == '_') {
            return None;
        }
        parse(body, 10)?
    };
    Some(if negative { -value } else { value })
}

/// PyYAML's timestamp: `YYYY-MM-DD`, or `YYYY-M-D` followed by `T`/`t`/spaces, a time `H:MM:SS`, an
/// optional fraction and an optional zone.
fn timestamp11(s: &str) -> bool {
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| b.get(r).is_some_and(|x| x.iter().all(u8::is_ascii_digit));
    if b.len() == 10 && digits(0..4) && b[4] == b'-' && digits(5..7) && b[7] == b'-' && digits(8..10) {
        return true;
    }
    // The long form: date, separator, time. Anything of that shape counts; PyYAML then reads a datetime.
    let Some((date, rest)) = s.split_once(['T', 't', ' ', '\t']) else { return false };
    let mut d = date.split('-');
    let (Some(y), Some(m), Some(day), None) = (d.next(), d.next(), d.next(), d.next()) else { return false };
    let num = |t: &str, lo: usize, hi: usize| (lo..=hi).contains(&t.len()) && t.bytes().all(|c| c.is_ascii_digit());
    if !(num(y, 4, 4) && num(m, 1, 2) && num(day, 1, 2)) {
        return false;
    }
    let time = rest.trim_start_matches([' ', '\t']);
    let mut t = time.splitn(3, ':');
    let (Some(h), Some(mi), Some(sec)) = (t.next(), t.next(), t.next()) else { return false };
    num(h, 1, 2) && num(mi, 2, 2) && sec.len() >= 2 && sec.as_bytes()[..2].iter().all(u8::is_ascii_digit)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn messages(text: &str) -> Vec<String> {
        check("spec/x.yaml", text).iter().map(ToString::to_string).collect()
    }

    #[test]
    fn an_unquoted_question_mark_in_a_flow_mapping_is_reported_with_line_column_and_fix() {
        let text = "a:\n  type: u32?\n  B: { type: u32?, doc: x }\n  C: { type: \"u32?\" }\n  D: [string?]\n";
        let m = messages(text);
        assert_eq!(m.len(), 2, "{m:#?}");
        assert!(m[0].starts_with("spec/x.yaml:3:14: `u32?` must be quoted"), "{m:#?}");
        assert!(m[0].contains("write \"u32?\""), "{m:#?}");
        assert!(m[1].starts_with("spec/x.yaml:5:7: `string?` must be quoted"), "{m:#?}");
    }

    #[test]
    fn yaml_1_1_scalars_that_read_differently_are_reported() {
        let m = messages("a: yes\nb: \"yes\"\nc: 2025-03-14\nd: 0777\ne: 1_000\nf: 1:20\ng: 12\nh: 1.5\ni: ~\nj: On\nk: 1e5\n");
        let lines: Vec<&str> = m.iter().map(|x| x.split(':').nth(1).unwrap_or("")).collect();
        assert_eq!(lines, ["1", "3", "4", "5", "6", "10", "11"], "{m:#?}");
        assert!(m[0].contains("read as text by serde_yaml (YAML 1.2) but as the boolean true"), "{m:#?}");
        assert!(m[2].contains("as the integer 511"), "{m:#?}");
        assert!(m[6].contains("read as the number 100000.0 by serde_yaml (YAML 1.2) but as text"), "{m:#?}");
    }

    #[test]
    fn resolvers_follow_pyyaml() {
        assert_eq!(yaml11("1e5"), None);
        assert_eq!(yaml11("1.0e+5"), Some(Yaml11::Float(100000.0)));
        assert_eq!(yaml11("-0x1F"), Some(Yaml11::Int(-31)));
        assert_eq!(yaml11("0b101"), Some(Yaml11::Int(5)));
        assert_eq!(yaml11("190:20:30"), Some(Yaml11::Int(685230)));
        assert_eq!(yaml11("08"), None);
        assert_eq!(yaml11("2001-12-14t21:59:43.10-05:00"), Some(Yaml11::Other("a date")));
        assert_eq!(yaml11("u32?"), None);
        assert_eq!(yaml11(".5"), Some(Yaml11::Float(0.5)));
    }

    #[test]
    fn the_catalogue_has_none() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec");
        let mut stack = vec![root];
        let mut n = 0;
        while let Some(dir) = stack.pop() {
            for e in std::fs::read_dir(&dir).unwrap().flatten() {
                let p = e.path();
                if p.is_dir() {
                    stack.push(p);
                } else if p.extension().is_some_and(|x| x == "yaml") {
                    let text = std::fs::read_to_string(&p).unwrap();
                    assert_eq!(check(&p.display().to_string(), &text), Vec::new());
                    n += 1;
                }
            }
        }
        assert!(n > 10);
    }
}
