//! Types: type expressions (`[T]`, `map<T>`, `T?`, `object`), the fields of objects (inline objects
//! get their own types), and the named types of `types:` (objects, enums, unions, `oneof`).

use super::{Builder, PendingType};
use crate::model::*;
use crate::names;
use crate::spec::{self, FieldSpec, OrderedMap};
use std::collections::BTreeSet;

/// A parsed type expression, before names are resolved.
#[derive(Debug, Clone, PartialEq)]
enum TyExpr {
    Scalar(Scalar),
    Named(String),
    Array(Box<TyExpr>),
    Map(Box<TyExpr>),
    Object,
}

impl TyExpr {
    fn has_object(&self) -> bool {
        match self {
            TyExpr::Object => true,
            TyExpr::Array(t) | TyExpr::Map(t) => t.has_object(),
            _ => false,
        }
    }
}

/// The scalar spellings of a type expression.
const SCALARS: [&str; 8] = ["string", "bool", "i32", "u32", "i64", "u64", "f64", "json"];

/// The (at most three) candidates closest to `name` by edit distance, ignoring case: those within a
/// third of its length (at least 1, at most 3 edits), nearest first, ties in name order.
pub(super) fn did_you_mean<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
    let lower = name.to_ascii_lowercase();
    let limit = (name.chars().count() / 3).clamp(1, 3);
    let mut close: Vec<(usize, &str)> = candidates
        .into_iter()
        .filter(|c| *c != name)
        .map(|c| (strsim::damerau_levenshtein(&lower, &c.to_ascii_lowercase()), c))
        .filter(|(d, _)| *d <= limit)
        .collect();
    close.sort();
    close.dedup();
    close.into_iter().take(3).map(|(_, c)| c).collect()
}

/// Parses a type expression; returns the expression and whether it is optional (`?`).
fn parse_type_expr(s: &str) -> Result<(TyExpr, bool), String> {
    let s = s.trim();
    let (base, optional) = match s.strip_suffix('?') {
        Some(b) => (b.trim_end(), true),
        None => (s, false),
    };
    Ok((parse_base(base)?, optional))
}

fn parse_base(s: &str) -> Result<TyExpr, String> {
    if s.is_empty() {
        return Err("empty type expression".into());
    }
    if let Some(inner) = s.strip_prefix('[') {
        let inner = inner.strip_suffix(']').ok_or_else(|| format!("`{s}`: `[` without matching `]`"))?;
        let inner = inner.trim();
        if inner.ends_with('?') {
            return Err(format!("`{s}`: array items cannot be optional"));
        }
        return Ok(TyExpr::Array(Box::new(parse_base(inner)?)));
    }
    if let Some(inner) = s.strip_prefix("map<") {
        let inner = inner.strip_suffix('>').ok_or_else(|| format!("`{s}`: `map<` without matching `>`"))?;
        let inner = inner.trim();
        if inner.ends_with('?') {
            return Err(format!("`{s}`: map values cannot be optional"));
        }
        return Ok(TyExpr::Map(Box::new(parse_base(inner)?)));
    }
    if s == "object" {
        return Ok(TyExpr::Object);
    }
    if let Some(sc) = Scalar::parse(s) {
        return Ok(TyExpr::Scalar(sc));
    }
    if names::is_pascal_ident(s) {
        return Ok(TyExpr::Named(s.to_owned()));
    }
    let hint = match did_you_mean(s, SCALARS.iter().copied()).first() {
        Some(c) => format!(" (did you mean `{c}`?)"),
        None => String::new(),
    };
    Err(format!(
        "`{s}` is not a type{hint}: expected a scalar (string, bool, i32, u32, i64, u64, f64, json), a PascalCase type name, \
         `[T]`, `map<T>` or `object`, optionally followed by `?`"
    ))
}

impl Builder {
    /// Phase 1 for the `types:` of one file: each name checked and given an id in `owner`.
    pub(super) fn register_types(&mut self, owner: Owner, file: usize, types: &OrderedMap<spec::TypeSpec>, named: &mut Vec<PendingType>) {
        for (name, ts) in types.iter() {
            let path = format!("types.{name}");
            if !names::is_pascal_ident(name) {
                self.err(file, &path, format!("type name `{name}` must be PascalCase ASCII"));
                continue;
            }
            if let Some(id) = self.alloc(name.clone(), owner, Role::Named, ts.doc.clone(), file, &path) {
                if owner == Owner::Shared {
                    self.shared.push(id);
                }
                named.push(PendingType { id, file, path, spec: ts.clone() });
            }
        }
    }

    pub(super) fn alloc(&mut self, name: String, owner: Owner, role: Role, doc: Option<String>, file: usize, path: &str) -> Option<TypeId> {
        if names::RESERVED_TYPE_NAMES.contains(&name.as_str()) {
            self.err(file, path, format!("type name `{name}` is reserved (it would hide a Rust or runtime name)"));
            return None;
        }
        if let Some(&prev) = self.names.get(&(owner, name.clone())) {
            let (pf, pp) = self.types[prev].origin.clone();
            self.err(file, path, format!("type name `{name}` is already defined at {pf} `{pp}`; give this one another `name:`"));
            return None;
        }
        if owner != Owner::Shared
            && let Some(&prev) = self.names.get(&(Owner::Shared, name.clone()))
        {
            let (pf, pp) = self.types[prev].origin.clone();
            self.err(file, path, format!("type name `{name}` would hide the shared type defined at {pf} `{pp}`"));
            return None;
        }
        let id = TypeId(self.types.len());
        let origin = (self.files.get(file).map(|f| f.rel.clone()).unwrap_or_default(), path.to_owned());
        self.types.push(TypeDef {
            name: name.clone(),
            owner,
            role,
            doc,
            kind: TypeKind::Object(Vec::new()),
            in_request: false,
            in_response: false,
            origin,
        });
        self.names.insert((owner, name), id);
        Some(id)
    }

    fn lookup(&self, owner: Owner, name: &str) -> Option<TypeId> {
        self.names.get(&(owner, name.to_owned())).or_else(|| self.names.get(&(Owner::Shared, name.to_owned()))).copied()
    }

    /// The message for a type name that `owner` cannot see: `unknown type `X``, with the closest names
    /// it could have meant (named types it can use and the scalars).
    fn unknown_type(&self, owner: Owner, name: &str) -> String {
        let usable = self.names.iter().filter(|((o, _), id)| {
            (*o == owner || *o == Owner::Shared) && !matches!(self.types[**id].role, Role::Request(..) | Role::Response(..))
        });
        let candidates = usable.map(|((_, n), _)| n.as_str()).chain(SCALARS.iter().copied());
        match did_you_mean(name, candidates).as_slice() {
            [] => format!("unknown type `{name}`"),
            [one] => format!("unknown type `{name}`; did you mean `{one}`?"),
            [init @ .., last] => {
                let init: Vec<String> = init.iter().map(|n| format!("`{n}`")).collect();
                format!("unknown type `{name}`; did you mean {} or `{last}`?", init.join(", "))
            }
        }
    }

    pub(super) fn fields_of(&self, id: TypeId) -> &[Field] {
        match &self.types[id].kind {
            TypeKind::Object(f) => f,
            _ => &[],
        }
    }

    /// Phase 2: the named types registered in phase 1, filled in.
    pub(super) fn fill_named_types(&mut self, named: Vec<PendingType>) {
        for p in named {
            self.fill_named(p.id, p.file, &p.path, &p.spec);
        }
    }

    /// One named type: exactly one of `fields`, `enum`, `union` or `oneof`, resolved.
    fn fill_named(&mut self, id: TypeId, file: usize, path: &str, ts: &spec::TypeSpec) {
        let owner = self.types[id].owner;
        let name = self.types[id].name.clone();
        let kinds = [ts.fields.is_some(), ts.enum_base.is_some(), ts.union.is_some(), ts.oneof.is_some()];
        if kinds.iter().filter(|k| **k).count() != 1 {
            self.err(file, path, format!("type `{name}` must have exactly one of `fields`, `enum`, `union` or `oneof`"));
            return;
        }
        if ts.values.is_some() && ts.enum_base.is_none() {
            self.err(file, &format!("{path}.values"), "`values` belongs to an `enum` type".into());
        }
        if ts.variants.is_some() && ts.union.is_none() {
            self.err(file, &format!("{path}.variants"), "`variants` belongs to a `union` type".into());
        }
        if let Some(fields) = &ts.fields {
            let f = self.fields(owner, &name, fields, file, &format!("{path}.fields"));
            self.types[id].kind = TypeKind::Object(f);
        } else if let Some(base) = &ts.enum_base {
            let base = match Scalar::parse(base) {
                Some(s) if s == Scalar::String || s.is_integer() => s,
                _ => {
                    self.err(file, &format!("{path}.enum"), format!("enum base `{base}`: expected string, i32, u32, i64 or u64"));
                    return;
                }
            };
            let Some(values) = &ts.values else {
                self.err(file, path, format!("enum `{name}` needs `values`"));
                return;
            };
            let mut out = Vec::new();
            let mut seen = BTreeSet::new();
            for (wire, v) in values.iter() {
                let vpath = format!("{path}.values.{wire}");
                if base != Scalar::String {
                    let ok = serde_json::from_str::<serde_json::Number>(wire).map(|n| base.int_fits(&n)).unwrap_or(false);
                    if !ok {
                        self.err(file, &vpath, format!("value `{wire}` is not a {} integer", base.spelling()));
                        continue;
                    }
                }
                let rust = match &v.name {
                    Some(n) => n.clone(),
                    None if base == Scalar::String && names::pascal(wire).chars().next().is_some_and(|c| c.is_ascii_uppercase()) => {
                        names::pascal(wire)
                    }
                    None => {
                        self.err(file, &vpath, format!("value `{wire}` needs a `name:` for its Rust variant"));
                        continue;
                    }
                };
                if !names::is_pascal_ident(&rust) || rust == "Unknown" || rust == "Self" {
                    self.err(file, &vpath, format!("variant name `{rust}` must be PascalCase and not `Unknown`"));
                    continue;
                }
                if !seen.insert(rust.clone()) {
                    self.err(file, &vpath, format!("variant name `{rust}` is used twice in `{name}`"));
                    continue;
                }
                out.push(EnumValue { wire: wire.clone(), rust, doc: v.doc.clone() });
            }
            self.types[id].kind = TypeKind::Enum { base, values: out };
        } else if let Some(u) = &ts.union {
            let Some(variants) = &ts.variants else {
                self.err(file, path, format!("union `{name}` needs `variants`"));
                return;
            };
            let mut out = Vec::new();
            let mut seen = BTreeSet::new();
            for (tag, v) in variants.iter() {
                let vpath = format!("{path}.variants.{tag}");
                let Some(ty) = self.lookup(owner, &v.ty) else {
                    let message = self.unknown_type(owner, &v.ty);
                    self.err(file, &vpath, message);
                    continue;
                };
                let rust = v.name.clone().unwrap_or_else(|| names::pascal(tag));
                if !names::is_pascal_ident(&rust) || rust == "Unknown" || rust == "Self" {
                    self.err(file, &vpath, format!("variant name `{rust}` must be PascalCase and not `Unknown` (set `name:`)"));
                    continue;
                }
                if !seen.insert(rust.clone()) {
                    self.err(file, &vpath, format!("variant name `{rust}` is used twice in `{name}`"));
                    continue;
                }
                out.push(Variant { tag: tag.clone(), rust, ty, doc: v.doc.clone() });
            }
            self.types[id].kind = TypeKind::Union { tag: u.tag.clone(), content: u.content.clone(), variants: out };
        } else if let Some(alts) = &ts.oneof {
            let mut out = Vec::new();
            for (vname, expr) in alts.iter() {
                let vpath = format!("{path}.oneof.{vname}");
                if !names::is_pascal_ident(vname) || vname == "Other" {
                    self.err(file, &vpath, format!("variant name `{vname}` must be PascalCase and not `Other`"));
                    continue;
                }
                match parse_type_expr(expr) {
                    Ok((_, true)) => self.err(file, &vpath, "a `oneof` alternative cannot be optional".into()),
                    Ok((e, false)) if e.has_object() => {
                        self.err(file, &vpath, "a `oneof` alternative cannot be an inline object; name the type".into())
                    }
                    Ok((e, false)) => {
                        if let Some(t) = self.resolve(owner, &e, file, &vpath, None) {
                            out.push((vname.clone(), t));
                        }
                    }
                    Err(m) => self.err(file, &vpath, m),
                }
            }
            self.types[id].kind = TypeKind::OneOf(out);
        }
    }

    /// Resolves a type expression; `inline` is the type to use for `object`.
    fn resolve(&mut self, owner: Owner, e: &TyExpr, file: usize, path: &str, inline: Option<TypeId>) -> Option<Ty> {
        Some(match e {
            TyExpr::Scalar(s) => Ty::Scalar(*s),
            TyExpr::Named(n) => match self.lookup(owner, n) {
                Some(id) => {
                    if matches!(self.types[id].role, Role::Request(..) | Role::Response(..)) {
                        self.err(file, path, format!("`{n}` is a request/response root; it cannot be used as a field type"));
                        return None;
                    }
                    if owner == Owner::Shared && self.types[id].owner != Owner::Shared {
                        self.err(file, path, format!("shared types can only refer to shared types, not `{n}`"));
                        return None;
                    }
                    Ty::Ref(id)
                }
                None => {
                    let message = self.unknown_type(owner, n);
                    self.err(file, path, message);
                    return None;
                }
            },
            TyExpr::Array(t) => Ty::Array(Box::new(self.resolve(owner, t, file, path, inline)?)),
            TyExpr::Map(t) => Ty::Map(Box::new(self.resolve(owner, t, file, path, inline)?)),
            TyExpr::Object => Ty::Ref(inline?),
        })
    }

    pub(super) fn fields(&mut self, owner: Owner, prefix: &str, specs: &OrderedMap<FieldSpec>, file: usize, path: &str) -> Vec<Field> {
        let mut out: Vec<Field> = Vec::new();
        for (wire, fs) in specs.iter() {
            let fpath = format!("{path}.{wire}");
            if wire.is_empty() || wire.chars().any(|c| c.is_control()) {
                self.err(file, &fpath, format!("field key `{wire}` is empty or has control characters"));
                continue;
            }
            let (expr, optional) = match parse_type_expr(&fs.ty) {
                Ok(x) => x,
                Err(m) => {
                    self.err(file, &fpath, m);
                    continue;
                }
            };
            let inline = if expr.has_object() {
                let Some(sub) = &fs.fields else {
                    self.err(file, &fpath, "type `object` needs `fields:`".into());
                    continue;
                };
                let tname = fs.name.clone().unwrap_or_else(|| format!("{prefix}{}", names::pascal(wire)));
                if !names::is_pascal_ident(&tname) {
                    self.err(file, &fpath, format!("inline type name `{tname}` must be PascalCase ASCII (set `name:`)"));
                    continue;
                }
                let Some(id) = self.alloc(tname.clone(), owner, Role::Inline, fs.doc.clone(), file, &fpath) else {
                    continue;
                };
                let f = self.fields(owner, &tname, sub, file, &format!("{fpath}.fields"));
                self.types[id].kind = TypeKind::Object(f);
                Some(id)
            } else {
                if fs.fields.is_some() {
                    self.err(file, &fpath, "`fields:` given but the type does not use `object`".into());
                }
                if fs.name.is_some() {
                    self.err(file, &fpath, "`name:` names an inline object; the type does not use `object`".into());
                }
                None
            };
            // A field whose type does not resolve (already reported) is kept as free-form JSON, so that
            // the examples that carry it are not reported a second time as having an unknown key.
            let ty = self.resolve(owner, &expr, file, &fpath, inline).unwrap_or(Ty::Scalar(Scalar::Json));
            let rust = match &fs.rust {
                Some(r) => r.clone(),
                None => names::field_ident(wire),
            };
            let bare = rust.strip_prefix("r#").unwrap_or(&rust);
            if !names::is_snake_ident(bare) || (names::is_keyword(bare) && !rust.starts_with("r#")) {
                self.err(file, &fpath, format!("Rust field name `{rust}` is not a snake_case identifier (set `rust:`)"));
                continue;
            }
            if let Some(prev) = out.iter().find(|f| f.rust == rust) {
                let pw = prev.wire.clone();
                self.err(file, &fpath, format!("fields `{pw}` and `{wire}` both map to Rust name `{rust}` (set `rust:` on one)"));
                continue;
            }
            let auto = match fs.auto.as_deref() {
                None => None,
                Some("random") => {
                    if optional || !matches!(ty, Ty::Scalar(Scalar::U32 | Scalar::U64)) {
                        self.err(file, &fpath, "`auto: random` needs a required u32 or u64 field".into());
                        continue;
                    }
                    Some(Auto::Random)
                }
                Some(other) => {
                    self.err(file, &fpath, format!("auto `{other}`: the only value is `random`"));
                    continue;
                }
            };
            let mut aliases: Vec<String> = Vec::new();
            for a in &fs.aliases {
                if a.is_empty() || a.chars().any(|c| c.is_control()) {
                    self.err(file, &fpath, format!("alias `{a}` is empty or has control characters"));
                } else if a == wire || aliases.contains(a) {
                    self.err(file, &fpath, format!("alias `{a}` repeats the field's own key"));
                } else if specs.iter().any(|(k, _)| k == a) {
                    self.err(file, &fpath, format!("alias `{a}` is the key of another field of this object"));
                } else if let Some(other) = out.iter().find(|f| f.aliases.contains(a)) {
                    let ow = other.wire.clone();
                    self.err(file, &fpath, format!("alias `{a}` is also an alias of `{ow}`"));
                } else {
                    aliases.push(a.clone());
                }
            }
            out.push(Field { wire: wire.clone(), rust, ty, optional, doc: fs.doc.clone(), sensitive: fs.sensitive, auto, aliases });
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_expressions() {
        assert_eq!(parse_type_expr("string").unwrap(), (TyExpr::Scalar(Scalar::String), false));
        assert_eq!(parse_type_expr("u64?").unwrap(), (TyExpr::Scalar(Scalar::U64), true));
        assert_eq!(parse_type_expr("[MsgElement]").unwrap(), (TyExpr::Array(Box::new(TyExpr::Named("MsgElement".into()))), false));
        assert_eq!(
            parse_type_expr("map<[string]>?").unwrap(),
            (TyExpr::Map(Box::new(TyExpr::Array(Box::new(TyExpr::Scalar(Scalar::String))))), true)
        );
        assert_eq!(parse_type_expr("[object]?").unwrap(), (TyExpr::Array(Box::new(TyExpr::Object)), true));
        assert!(parse_type_expr("[string").is_err());
        assert!(parse_type_expr("[string?]").is_err());
        assert!(parse_type_expr("uint64").is_err());
        assert!(parse_type_expr("").is_err());
    }
}
