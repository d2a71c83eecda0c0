//! Type expressions: how a member's type changed (an inline object compared field by field, an
//! integer widened or narrowed, the same wire shape under another Rust name, another shape), and the
//! spec and Rust spellings shown in details.

use super::{Differ, Loc, Usage};
use crate::diff::{Rule, Verdict};
use crate::model::{Catalogue, Owner, Role, Scalar, Ty, TypeId, TypeKind};
use std::collections::HashSet;

/// How a type expression changed.
enum TyChange {
    Same,
    /// Both inline objects: compare their fields.
    Inline(TypeId, TypeId),
    /// Same wire shape, another Rust type.
    RustOnly,
    Widened,
    Narrowed,
    Changed,
}

/// The value range of an integer kind.
fn int_range(s: Scalar) -> Option<(i128, i128)> {
    Some(match s {
        Scalar::I32 => (i32::MIN.into(), i32::MAX.into()),
        Scalar::U32 => (0, u32::MAX.into()),
        Scalar::I64 => (i64::MIN.into(), i64::MAX.into()),
        Scalar::U64 => (0, u64::MAX.into()),
        _ => return None,
    })
}

impl Differ<'_> {
    /// Reports how a member's type changed (field, union variant or `oneof` alternative).
    pub(super) fn ty_change(&mut self, ot: &Ty, nt: &Ty, loc: &Loc, usage: Usage, what: &str) {
        let (od, nd) = (self.describe(self.old, ot, false), self.describe(self.new, nt, false));
        match self.classify(ot, nt) {
            TyChange::Same => {}
            TyChange::Inline(oi, ni) => {
                let (on, nn) = (&self.old.types[oi].name, &self.new.types[ni].name);
                if on != nn {
                    self.push(
                        Rule::RustNameChanged,
                        loc,
                        Verdict::Compatible,
                        Verdict::Breaking,
                        format!("Rust type of `{what}` `{on}` → `{nn}`"),
                    );
                }
                self.object(oi, ni, loc);
            }
            TyChange::RustOnly => {
                let (or, nr) = (self.rust_ty(self.old, ot), self.rust_ty(self.new, nt));
                self.push(
                    Rule::RustNameChanged,
                    loc,
                    Verdict::Compatible,
                    Verdict::Breaking,
                    format!("Rust type of `{what}` `{or}` → `{nr}` (same wire shape)"),
                );
            }
            TyChange::Widened => self.push(
                Rule::IntegerWidened,
                loc,
                usage.worst(Verdict::Compatible, Verdict::Breaking),
                Verdict::Breaking,
                format!(
                    "`{what}` `{od}` → `{nd}`{}",
                    if usage.response { "; old readers fail on values beyond the old range" } else { usage.describe() }
                ),
            ),
            TyChange::Narrowed => self.push(
                Rule::IntegerNarrowed,
                loc,
                usage.worst(Verdict::Breaking, Verdict::Compatible),
                Verdict::Breaking,
                format!(
                    "`{what}` `{od}` → `{nd}`{}",
                    if usage.request { "; old clients may send values beyond the new range" } else { usage.describe() }
                ),
            ),
            TyChange::Changed => self.push(
                Rule::FieldTypeChanged,
                loc,
                usage.worst(Verdict::Breaking, Verdict::Breaking),
                Verdict::Breaking,
                format!("`{what}` `{od}` → `{nd}`{}", usage.describe()),
            ),
        }
    }

    fn classify(&self, ot: &Ty, nt: &Ty) -> TyChange {
        match (ot, nt) {
            (Ty::Array(a), Ty::Array(b)) | (Ty::Map(a), Ty::Map(b)) => self.classify(a, b),
            (Ty::Scalar(a), Ty::Scalar(b)) => {
                if a == b {
                    return TyChange::Same;
                }
                match (int_range(*a), int_range(*b)) {
                    (Some((amin, amax)), Some((bmin, bmax))) => {
                        if bmin <= amin && bmax >= amax {
                            TyChange::Widened
                        } else if bmin >= amin && bmax <= amax {
                            TyChange::Narrowed
                        } else {
                            TyChange::Changed
                        }
                    }
                    _ => TyChange::Changed,
                }
            }
            (Ty::Ref(a), Ty::Ref(b)) => {
                let (ta, tb) = (&self.old.types[*a], &self.new.types[*b]);
                if ta.role == Role::Inline && tb.role == Role::Inline {
                    if matches!((&ta.kind, &tb.kind), (TypeKind::Object(_), TypeKind::Object(_))) {
                        return TyChange::Inline(*a, *b);
                    }
                    return TyChange::Changed;
                }
                if ta.role == Role::Named && tb.role == Role::Named && named_key(self.old, *a) == named_key(self.new, *b) {
                    return TyChange::Same;
                }
                if self.wire_eq(ot, nt, &mut HashSet::new()) { TyChange::RustOnly } else { TyChange::Changed }
            }
            _ => TyChange::Changed,
        }
    }

    /// Whether an old and a new type expression have the same JSON shape (names do not matter).
    pub(super) fn wire_eq(&self, ot: &Ty, nt: &Ty, seen: &mut HashSet<(TypeId, TypeId)>) -> bool {
        match (ot, nt) {
            (Ty::Scalar(a), Ty::Scalar(b)) => a == b,
            (Ty::Array(a), Ty::Array(b)) | (Ty::Map(a), Ty::Map(b)) => self.wire_eq(a, b, seen),
            (Ty::Ref(a), Ty::Ref(b)) => {
                if !seen.insert((*a, *b)) {
                    return true;
                }
                match (&self.old.types[*a].kind, &self.new.types[*b].kind) {
                    (TypeKind::Object(fa), TypeKind::Object(fb)) => {
                        fa.len() == fb.len()
                            && fa.iter().all(|f| {
                                fb.iter()
                                    .find(|g| g.wire == f.wire)
                                    .is_some_and(|g| g.optional == f.optional && self.wire_eq(&f.ty, &g.ty, seen))
                            })
                    }
                    // Enums are open: a new type that knows every old value (and maybe more) reads and
                    // writes everything the old one did.
                    (TypeKind::Enum { base: ba, values: va }, TypeKind::Enum { base: bb, values: vb }) => {
                        ba == bb && va.iter().all(|v| vb.iter().any(|w| w.wire == v.wire))
                    }
                    (TypeKind::Union { tag: ta, content: ca, variants: va }, TypeKind::Union { tag: tb, content: cb, variants: vb }) => {
                        ta == tb
                            && ca == cb
                            && va.len() == vb.len()
                            && va.iter().all(|v| {
                                vb.iter().find(|w| w.tag == v.tag).is_some_and(|w| self.wire_eq(&Ty::Ref(v.ty), &Ty::Ref(w.ty), seen))
                            })
                    }
                    (TypeKind::OneOf(aa), TypeKind::OneOf(ab)) => {
                        aa.len() == ab.len() && aa.iter().zip(ab).all(|((_, x), (_, y))| self.wire_eq(x, y, seen))
                    }
                    _ => false,
                }
            }
            _ => false,
        }
    }

    /// The spec spelling of a type, with `?` when optional.
    pub(super) fn describe(&self, cat: &Catalogue, t: &Ty, optional: bool) -> String {
        let s = cat.spelling(t);
        if optional { format!("{s}?") } else { s }
    }

    /// The Rust spelling of a type, with module-qualified type names.
    pub(super) fn rust_ty(&self, cat: &Catalogue, t: &Ty) -> String {
        match t {
            Ty::Scalar(s) => match s {
                Scalar::String => "String".into(),
                Scalar::Json => "serde_json::Value".into(),
                other => other.spelling().into(),
            },
            Ty::Ref(id) => {
                let td = &cat.types[*id];
                match td.owner {
                    Owner::Shared => format!("types::{}", td.name),
                    Owner::Service(s) => format!("{}::{}", cat.services[s].module, td.name),
                    Owner::Callbacks(g) => format!("callbacks::{}::{}", cat.callbacks[g].module, td.name),
                }
            }
            Ty::Array(t) => format!("Vec<{}>", self.rust_ty(cat, t)),
            Ty::Map(t) => format!("BTreeMap<String, {}>", self.rust_ty(cat, t)),
        }
    }
}

/// A named type's identity across catalogues: its service (by wire servicename) and name.
fn named_key(cat: &Catalogue, id: TypeId) -> (Option<&str>, &str) {
    let td = &cat.types[id];
    let owner = match td.owner {
        Owner::Shared => None,
        Owner::Service(s) => cat.services.get(s.0).map(|s| s.wire.as_str()),
        Owner::Callbacks(g) => cat.callbacks.get(g.0).map(|g| g.file.as_str()),
    };
    (owner, td.name.as_str())
}
