//! The official examples: every one parses and fits its type, so the spec cannot drift from what the
//! documentation shows. Checked last, once it is known which types are read (a list or map missing from
//! a reply reads as empty).

use super::operations::Body;
use super::{Builder, ENVELOPE_KEYS};
use crate::diag::Diagnostic;
use crate::model::*;
use serde_json::Value;

impl Builder {
    /// How a command example's body fits: the request its request type, the response (envelope keys
    /// typed, then taken off) its response type. Returns the type named in messages and the problems.
    pub(super) fn command_example(&self, cmd: &Command, body: Body, v: &Value, legacy: bool) -> (String, Vec<String>) {
        let mut problems = Vec::new();
        if body == Body::Request {
            self.check_value(v, &Ty::Ref(cmd.request), "$", complete_unless(legacy), &mut problems);
            return (format!(" `{}`", self.types[cmd.request].name), problems);
        }
        match v {
            Value::Object(m) => {
                let code = m.get("ErrorCode").and_then(Value::as_i64).unwrap_or(0);
                let status = m.get("ActionStatus").and_then(Value::as_str).unwrap_or("OK");
                let success = code == 0 && status != "FAIL";
                let mut payload = m.clone();
                for k in ENVELOPE_KEYS {
                    payload.remove(k);
                }
                if cmd.partial {
                    // A partial reply keeps the keys the catalogue does not model yet.
                    let known: Vec<&str> = self.fields_of(cmd.response).iter().map(|f| f.wire.as_str()).collect();
                    payload.retain(|k, _| known.contains(&k.as_str()));
                }
                for (k, want) in [
                    ("ActionStatus", "string"),
                    ("ErrorCode", "integer"),
                    ("ErrorInfo", "string"),
                    ("RequestId", "string"),
                    ("ErrorDisplay", "string"),
                ] {
                    if let Some(x) = m.get(k) {
                        let ok = if want == "string" { x.is_string() } else { x.is_i64() };
                        if !ok {
                            problems.push(format!("envelope key `{k}` must be a {want}"));
                        }
                    }
                }
                let mode = match (legacy, success) {
                    (true, _) => Check::Legacy,
                    (false, true) => Check::Complete,
                    (false, false) => Check::Partial,
                };
                self.check_value(&Value::Object(payload), &Ty::Ref(cmd.response), "$", mode, &mut problems);
            }
            _ => problems.push("a response must be a JSON object".into()),
        }
        (format!(" `{}`", self.types[cmd.response].name), problems)
    }

    /// Checks an example value against a type. `complete` demands required fields (requests and
    /// successful responses); unknown keys are always reported, since the spec must model every
    /// field the official examples show.
    pub(super) fn check_value(&self, v: &Value, ty: &Ty, at: &str, mode: Check, out: &mut Vec<String>) {
        let complete = mode == Check::Complete;
        let kind = |v: &Value| match v {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Number(_) => "a number",
            Value::String(_) => "a string",
            Value::Array(_) => "an array",
            Value::Object(_) => "an object",
        };
        match ty {
            Ty::Scalar(s) => {
                let ok = match s {
                    Scalar::String => v.is_string() || (mode == Check::Legacy && (v.is_number() || v.is_boolean())),
                    Scalar::Bool => v.is_boolean(),
                    // The wire form of a flag is 0 or 1.
                    Scalar::Flag => matches!(v, Value::Number(n) if Scalar::Flag.int_fits(n)),
                    Scalar::F64 => v.is_number(),
                    Scalar::Json => true,
                    int => matches!(v, Value::Number(n) if int.int_fits(n)) || (mode == Check::Legacy && legacy_int_text(v, *int)),
                };
                if !ok {
                    out.push(format!("at {at}: expected {}, found {} `{}`", s.spelling(), kind(v), short(v)));
                }
            }
            Ty::Array(t) => match v {
                Value::Array(items) => {
                    for (i, x) in items.iter().enumerate() {
                        self.check_value(x, t, &format!("{at}[{i}]"), mode, out);
                    }
                }
                _ => out.push(format!("at {at}: expected an array, found {}", kind(v))),
            },
            Ty::Map(t) => match v {
                Value::Object(m) => {
                    for (k, x) in m {
                        self.check_value(x, t, &format!("{at}.{k}"), mode, out);
                    }
                }
                _ => out.push(format!("at {at}: expected an object (map), found {}", kind(v))),
            },
            Ty::Ref(id) => {
                let td = &self.types[*id];
                match &td.kind {
                    TypeKind::Object(fields) => {
                        let Value::Object(m) = v else {
                            out.push(format!("at {at}: expected object `{}`, found {}", td.name, kind(v)));
                            return;
                        };
                        for (k, x) in m {
                            match fields.iter().find(|f| &f.wire == k) {
                                Some(f) => {
                                    if x.is_null() && (f.optional || f.ty.is_collection()) {
                                        continue;
                                    }
                                    self.check_value(x, &f.ty, &format!("{at}.{k}"), mode, out);
                                }
                                None => match fields.iter().find(|f| f.aliases.contains(k)) {
                                    // An older page's spelling: the point of keeping a legacy example.
                                    Some(f) if mode == Check::Legacy => {
                                        if !(x.is_null() && (f.optional || f.ty.is_collection())) {
                                            self.check_value(x, &f.ty, &format!("{at}.{k}"), mode, out);
                                        }
                                    }
                                    // The round-trip test re-encodes examples with the field's own key.
                                    Some(f) => out
                                        .push(format!("at {at}: key `{k}` is an alias of `{}`; examples use the field's own key", f.wire)),
                                    None => out.push(format!("at {at}: key `{k}` is not a field of `{}`", td.name)),
                                },
                            }
                        }
                        if complete {
                            for f in fields {
                                // Collections read from responses default to empty when absent.
                                let defaulted = f.ty.is_collection() && td.in_response;
                                if !f.optional && !defaulted && !m.contains_key(&f.wire) {
                                    out.push(format!("at {at}: required field `{}` of `{}` is missing", f.wire, td.name));
                                }
                            }
                        }
                    }
                    TypeKind::Enum { base, .. } => {
                        let ok = match base {
                            Scalar::String => v.is_string() || (mode == Check::Legacy && v.is_number()),
                            int => matches!(v, Value::Number(n) if int.int_fits(n)) || (mode == Check::Legacy && legacy_int_text(v, *int)),
                        };
                        if !ok {
                            out.push(format!(
                                "at {at}: expected enum `{}` ({}), found {} `{}`",
                                td.name,
                                base.spelling(),
                                kind(v),
                                short(v)
                            ));
                        }
                    }
                    TypeKind::Union { tag, content, variants } => {
                        let Value::Object(m) = v else {
                            out.push(format!("at {at}: expected union `{}`, found {}", td.name, kind(v)));
                            return;
                        };
                        for k in m.keys() {
                            if k != tag && k != content {
                                out.push(format!("at {at}: key `{k}` is neither `{tag}` nor `{content}`"));
                            }
                        }
                        match m.get(tag).and_then(Value::as_str) {
                            Some(t) => match (variants.iter().find(|x| x.tag == t), m.get(content)) {
                                (Some(var), Some(c)) => self.check_value(c, &Ty::Ref(var.ty), &format!("{at}.{content}"), mode, out),
                                (Some(_), None) => out.push(format!("at {at}: `{content}` is missing")),
                                (None, _) => out.push(format!("at {at}: `{tag}` `{t}` is not a variant of `{}`", td.name)),
                            },
                            None => out.push(format!("at {at}: `{tag}` is missing or not a string")),
                        }
                    }
                    TypeKind::OneOf(alts) => {
                        let fits = alts.iter().any(|(_, t)| {
                            let mut probe = Vec::new();
                            self.check_value(v, t, at, mode, &mut probe);
                            probe.is_empty()
                        });
                        if !fits {
                            out.push(format!("at {at}: {} `{}` fits none of the alternatives of `{}`", kind(v), short(v), td.name));
                        }
                    }
                }
            }
        }
    }

    /// Parses an example's JSON text, reporting the line of a syntax error inside the block scalar.
    pub(super) fn parse_example_json(&mut self, text: &Option<String>, file: usize, path: &str, what: &str) -> Option<(String, Value)> {
        let text = text.as_ref()?;
        match serde_json::from_str::<Value>(text) {
            Ok(v) => Some((text.clone(), v)),
            Err(err) => {
                let base = self.files.get(file).map(|f| f.index.line(&format!("{path}.{what}"))).unwrap_or(0);
                let shown = self.files.get(file).map(|f| f.shown.clone()).unwrap_or_default();
                // The JSON starts on the line after `request: |` (or `event: |`, ...).
                self.diags.push(Diagnostic {
                    file: shown,
                    line: base + err.line(),
                    column: None,
                    message: format!("example {what} is not valid JSON: {err}"),
                });
                None
            }
        }
    }
}

/// How an example is checked against its type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Check {
    /// Requests and successful responses: required fields must be present.
    Complete,
    /// Failure responses: required payload fields may be missing.
    Partial,
    /// An older page's example: also accepts alias keys, numbers where strings are modelled, decimal
    /// strings where integers are, and missing required fields (what the tolerant decoder corrects).
    Legacy,
}

/// The check mode of a body that must be complete unless the example is `legacy`.
pub(super) fn complete_unless(legacy: bool) -> Check {
    if legacy { Check::Legacy } else { Check::Complete }
}

/// A decimal string (or the empty string) where integer kind `int` is modelled.
fn legacy_int_text(v: &Value, int: Scalar) -> bool {
    match v {
        Value::String(s) if s.trim().is_empty() => true,
        Value::String(s) => s.trim().parse::<serde_json::Number>().is_ok_and(|n| int.int_fits(&n)),
        _ => false,
    }
}

fn short(v: &Value) -> String {
    let s = v.to_string();
    if s.chars().count() > 40 { format!("{}…", s.chars().take(40).collect::<String>()) } else { s }
}
