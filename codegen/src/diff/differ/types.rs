//! Named types: matched by name (service-local ones within their service); their docs, kind, enum
//! values, union variants and `oneof` alternatives compared; and their serde directions, which are the
//! model's ([`crate::model::TypeDef::serde_directions`]).

use super::{Differ, Loc, Usage};
use crate::diff::{Rule, Verdict};
use crate::model::{Ty, TypeId, TypeKind};

impl Differ<'_> {
    /// Compares two lists of named types, matched by name.
    pub(super) fn named_types(&mut self, old_ids: &[TypeId], new_ids: &[TypeId], prefix: &Loc) {
        let (old, new) = (self.old, self.new);
        for &n in new_ids {
            let name = &new.types[n].name;
            let loc = prefix.dot(name);
            match old_ids.iter().copied().find(|o| &old.types[*o].name == name) {
                Some(o) => self.named_type(o, n, &loc),
                None => self.push(
                    Rule::TypeAdded,
                    &loc,
                    Verdict::Compatible,
                    Verdict::Compatible,
                    format!("{} `{name}` added", kind_name(&new.types[n].kind)),
                ),
            }
        }
        for &o in old_ids {
            let name = &old.types[o].name;
            if !new_ids.iter().any(|n| &new.types[*n].name == name) {
                self.push(
                    Rule::TypeRemoved,
                    &prefix.dot(name),
                    Verdict::Compatible,
                    Verdict::Breaking,
                    format!("{} `{name}` removed", kind_name(&old.types[o].kind)),
                );
            }
        }
    }

    fn named_type(&mut self, o: TypeId, n: TypeId, loc: &Loc) {
        let (old, new) = (self.old, self.new);
        let (ot, nt) = (&old.types[o], &new.types[n]);
        let usage = self.usage(o, n);
        self.doc_change(loc, "doc", ot.doc.as_deref(), nt.doc.as_deref());
        self.direction(o, n, loc);
        match (&ot.kind, &nt.kind) {
            (TypeKind::Object(_), TypeKind::Object(_)) => self.object(o, n, loc),
            (TypeKind::Enum { base: ob, values: ov }, TypeKind::Enum { base: nb, values: nv }) => {
                if ob != nb {
                    self.push(
                        Rule::TypeKindChanged,
                        loc,
                        usage.worst(Verdict::Breaking, Verdict::Breaking),
                        Verdict::Breaking,
                        format!("enum base `{}` → `{}`{}", ob.spelling(), nb.spelling(), usage.describe()),
                    );
                }
                for v in nv {
                    let vloc = loc.dot(&v.wire);
                    match ov.iter().find(|x| x.wire == v.wire) {
                        None => self.push(
                            Rule::EnumValueAdded,
                            &vloc,
                            Verdict::Compatible,
                            Verdict::Compatible,
                            format!("value `{}` added (variant `{}`)", v.wire, v.rust),
                        ),
                        Some(x) => {
                            self.variant_renamed(&vloc, &nt.name, &x.rust, &v.rust);
                            self.doc_change(&vloc, "doc", x.doc.as_deref(), v.doc.as_deref());
                        }
                    }
                }
                for x in ov {
                    if !nv.iter().any(|v| v.wire == x.wire) {
                        self.push(
                            Rule::EnumValueRemoved,
                            &loc.dot(&x.wire),
                            usage.worst(Verdict::Breaking, Verdict::Compatible),
                            Verdict::Breaking,
                            format!("value `{}` removed (variant `{}`){}", x.wire, x.rust, sent_note(usage)),
                        );
                    }
                }
            }
            (
                TypeKind::Union { tag: otag, content: ocontent, variants: ov },
                TypeKind::Union { tag: ntag, content: ncontent, variants: nv },
            ) => {
                if otag != ntag || ocontent != ncontent {
                    self.push(
                        Rule::TypeKindChanged,
                        loc,
                        usage.worst(Verdict::Breaking, Verdict::Breaking),
                        Verdict::Breaking,
                        format!("union keys `{otag}`/`{ocontent}` → `{ntag}`/`{ncontent}`{}", usage.describe()),
                    );
                }
                for v in nv {
                    let vloc = loc.dot(&v.tag);
                    match ov.iter().find(|x| x.tag == v.tag) {
                        None => self.push(
                            Rule::UnionVariantAdded,
                            &vloc,
                            Verdict::Compatible,
                            Verdict::Compatible,
                            format!("variant `{}` added (`{}::{}({})`)", v.tag, nt.name, v.rust, new.types[v.ty].name),
                        ),
                        Some(x) => {
                            self.ty_change(&Ty::Ref(x.ty), &Ty::Ref(v.ty), &vloc, usage, &v.tag);
                            self.variant_renamed(&vloc, &nt.name, &x.rust, &v.rust);
                            self.doc_change(&vloc, "doc", x.doc.as_deref(), v.doc.as_deref());
                        }
                    }
                }
                for x in ov {
                    if !nv.iter().any(|v| v.tag == x.tag) {
                        self.push(
                            Rule::UnionVariantRemoved,
                            &loc.dot(&x.tag),
                            usage.worst(Verdict::Breaking, Verdict::Compatible),
                            Verdict::Breaking,
                            format!("variant `{}` removed (`{}::{}`){}", x.tag, ot.name, x.rust, sent_note(usage)),
                        );
                    }
                }
            }
            (TypeKind::OneOf(oa), TypeKind::OneOf(na)) => {
                for (name, t) in na {
                    let vloc = loc.dot(name);
                    match oa.iter().find(|(x, _)| x == name) {
                        None => self.push(
                            Rule::UnionVariantAdded,
                            &vloc,
                            Verdict::Compatible,
                            Verdict::Compatible,
                            format!("alternative `{name}: {}` added", self.describe(new, t, false)),
                        ),
                        Some((_, ot)) => self.ty_change(ot, t, &vloc, usage, name),
                    }
                }
                for (name, t) in oa {
                    if !na.iter().any(|(x, _)| x == name) {
                        self.push(
                            Rule::UnionVariantRemoved,
                            &loc.dot(name),
                            usage.worst(Verdict::Breaking, Verdict::Compatible),
                            Verdict::Breaking,
                            format!("alternative `{name}: {}` removed{}", self.describe(old, t, false), sent_note(usage)),
                        );
                    }
                }
                let common_old: Vec<&str> = oa.iter().map(|(x, _)| x.as_str()).filter(|x| na.iter().any(|(y, _)| y == x)).collect();
                let common_new: Vec<&str> = na.iter().map(|(x, _)| x.as_str()).filter(|x| oa.iter().any(|(y, _)| y == x)).collect();
                if common_old != common_new {
                    self.push(
                        Rule::OneofOrderChanged,
                        loc,
                        usage.worst(Verdict::Risky, Verdict::Risky),
                        Verdict::Compatible,
                        format!("alternatives tried in order {} → {}", common_old.join(", "), common_new.join(", ")),
                    );
                }
            }
            (a, b) => self.push(
                Rule::TypeKindChanged,
                loc,
                usage.worst(Verdict::Breaking, Verdict::Breaking),
                Verdict::Breaking,
                format!("{} → {}{}", kind_name(a), kind_name(b), usage.describe()),
            ),
        }
    }

    /// A named type whose serde directions change gains or loses serde impls. The directions are the
    /// model's ([`crate::model::TypeDef::serde_directions`]): from where the type is used, and both
    /// for a type no command uses, as the emitter derives them.
    fn direction(&mut self, o: TypeId, n: TypeId, loc: &Loc) {
        let (ot, nt) = (&self.old.types[o], &self.new.types[n]);
        let (od, nd) = (ot.serde_directions(), nt.serde_directions());
        if od == nd {
            return;
        }
        let spell = |sent: bool, read: bool| match (sent, read) {
            (true, true) => "sent and read",
            (true, false) => "only sent",
            (false, true) => "only read",
            (false, false) => "unused",
        };
        let mut lost = Vec::new();
        if od.ser_always && !nd.ser_always {
            lost.push("`Serialize`");
        }
        if od.de_always && !nd.de_always {
            lost.push("`Deserialize`");
        }
        let effect = if lost.is_empty() {
            "gains serde impls".to_owned()
        } else {
            format!("loses {} (kept behind the `codec` feature)", lost.join(" and "))
        };
        self.push(
            Rule::TypeDirectionChanged,
            loc,
            Verdict::Compatible,
            if lost.is_empty() { Verdict::Compatible } else { Verdict::Breaking },
            format!("{} → {}: {effect}", spell(ot.in_request, ot.in_response), spell(nt.in_request, nt.in_response)),
        );
    }

    /// Reports a renamed Rust variant of an enum or union (same wire value or tag).
    fn variant_renamed(&mut self, loc: &Loc, type_name: &str, old: &str, new: &str) {
        if old != new {
            self.push(
                Rule::RustNameChanged,
                loc,
                Verdict::Compatible,
                Verdict::Breaking,
                format!("variant `{type_name}::{old}` → `{type_name}::{new}`"),
            );
        }
    }
}

fn kind_name(k: &TypeKind) -> &'static str {
    match k {
        TypeKind::Object(_) => "object",
        TypeKind::Enum { .. } => "enum",
        TypeKind::Union { .. } => "union",
        TypeKind::OneOf(_) => "oneof",
    }
}

fn sent_note(u: Usage) -> &'static str {
    match (u.request, u.response) {
        (true, _) => "; old clients may send it",
        (false, true) => "; only read, the server no longer sends it",
        (false, false) => " (the type is not used by any command)",
    }
}
