//! Objects field by field: fields matched by wire key (a removed and an added field that match are a
//! rename), then each change judged per direction the object travels in. Whether a field is a
//! `new(...)` parameter is the model's rule ([`crate::model::TypeDef::is_new_param`]).

use super::{Differ, Loc, Usage};
use crate::diff::{Rule, Verdict};
use crate::model::{Field, TypeId};
use std::collections::HashSet;

impl Differ<'_> {
    /// Compares two object types field by field.
    pub(super) fn object(&mut self, o: TypeId, n: TypeId, loc: &Loc) {
        let (old, new) = (self.old, self.new);
        let (of, nf) = (old.fields(o), new.fields(n));
        let usage = self.usage(o, n);
        let removed: Vec<&Field> = of.iter().filter(|f| !nf.iter().any(|g| g.wire == f.wire)).collect();
        let added: Vec<&Field> = nf.iter().filter(|g| !of.iter().any(|f| f.wire == g.wire)).collect();
        let mut paired = vec![false; added.len()];
        let mut renames = Vec::new();
        let mut gone = Vec::new();
        for r in removed {
            let hit = added.iter().enumerate().position(|(i, a)| !paired[i] && self.is_rename(r, a));
            match hit {
                Some(i) => {
                    paired[i] = true;
                    renames.push((r, added[i]));
                }
                None => gone.push(r),
            }
        }
        for g in nf {
            if let Some(f) = of.iter().find(|f| f.wire == g.wire) {
                self.field(f, g, o, n, &loc.dot(&g.wire), usage);
            } else if let Some(i) = added.iter().position(|a| a.wire == g.wire)
                && !paired[i]
            {
                self.field_added(g, n, &loc.dot(&g.wire), usage);
            }
        }
        for f in gone {
            self.field_removed(f, &loc.dot(&f.wire), usage);
        }
        for (f, g) in renames {
            self.field_renamed(f, g, &loc.dot(&f.wire), usage);
        }
    }

    fn is_rename(&self, f: &Field, g: &Field) -> bool {
        if f.optional != g.optional || !self.wire_eq(&f.ty, &g.ty, &mut HashSet::new()) {
            return false;
        }
        let same_key = loose_key(&f.wire) == loose_key(&g.wire);
        let same_doc = matches!((&f.doc, &g.doc), (Some(a), Some(b)) if !a.trim().is_empty() && a.trim() == b.trim());
        same_key || same_doc
    }

    fn field_added(&mut self, g: &Field, n: TypeId, loc: &Loc, usage: Usage) {
        let ctor = self.new.types[n].is_new_param(g);
        let rust = if ctor { Verdict::Breaking } else { Verdict::Compatible };
        let ty = self.describe(self.new, &g.ty, g.optional);
        let ctor_note = if ctor { format!("; `{}::new` gains a parameter", self.new.types[n].name) } else { String::new() };
        if usage.request {
            if g.optional {
                self.push(
                    Rule::RequestFieldAddedOptional,
                    loc,
                    Verdict::Compatible,
                    rust,
                    format!("`{}: {ty}` added (setter `{}`)", g.wire, g.rust),
                );
            } else {
                let auto = if g.auto.is_some() { " (`auto: random`: `new` fills it in)" } else { "" };
                self.push(
                    Rule::RequestFieldAddedRequired,
                    loc,
                    Verdict::Breaking,
                    rust,
                    format!("`{}: {ty}` added{auto}{ctor_note}", g.wire),
                );
            }
        }
        if usage.response || !usage.request {
            self.push(
                Rule::ResponseFieldAdded,
                loc,
                Verdict::Compatible,
                rust,
                format!("`{}: {ty}` added{ctor_note}{}", g.wire, if usage.response { "" } else { usage.describe() }),
            );
        }
    }

    fn field_removed(&mut self, f: &Field, loc: &Loc, usage: Usage) {
        let ty = self.describe(self.old, &f.ty, f.optional);
        if usage.request {
            self.push(
                Rule::RequestFieldRemoved,
                loc,
                Verdict::Risky,
                Verdict::Breaking,
                format!("`{}: {ty}` removed (Rust field `{}`)", f.wire, f.rust),
            );
        }
        if usage.response || !usage.request {
            let decode_fails = !f.optional && !f.ty.is_collection();
            let wire = match (usage.response, decode_fails) {
                (false, _) => Verdict::Compatible,
                (true, true) => Verdict::Breaking,
                (true, false) => Verdict::Risky,
            };
            let why = match (usage.response, decode_fails) {
                (false, _) => usage.describe(),
                (true, true) => "; old readers fail to decode replies without it",
                (true, false) => "; old readers see it as absent",
            };
            self.push(
                Rule::ResponseFieldRemoved,
                loc,
                wire,
                Verdict::Breaking,
                format!("`{}: {ty}` removed (Rust field `{}`){why}", f.wire, f.rust),
            );
        }
    }

    fn field_renamed(&mut self, f: &Field, g: &Field, loc: &Loc, usage: Usage) {
        let same_rust = f.rust == g.rust && self.rust_ty(self.old, &f.ty) == self.rust_ty(self.new, &g.ty);
        let why = if loose_key(&f.wire) == loose_key(&g.wire) { "same key ignoring case and `_`" } else { "same type and doc" };
        let rust_note =
            if f.rust == g.rust { format!("Rust field `{}` kept", g.rust) } else { format!("Rust field `{}` → `{}`", f.rust, g.rust) };
        self.push(
            Rule::FieldRenamed,
            loc,
            usage.worst(Verdict::Breaking, Verdict::Breaking),
            if same_rust { Verdict::Compatible } else { Verdict::Breaking },
            format!("`{}` → `{}` ({why}); {rust_note}{}", f.wire, g.wire, usage.describe()),
        );
    }

    /// A field present in both catalogues.
    fn field(&mut self, f: &Field, g: &Field, o: TypeId, n: TypeId, loc: &Loc, usage: Usage) {
        if f.optional != g.optional {
            let ty = self.rust_ty(self.new, &g.ty);
            if usage.request {
                if g.optional {
                    self.push(
                        Rule::RequestFieldBecameOptional,
                        loc,
                        Verdict::Compatible,
                        Verdict::Breaking,
                        format!("`{}` is now optional: `{ty}` → `Option<{ty}>`, no longer a `new` parameter", g.wire),
                    );
                } else {
                    self.push(
                        Rule::RequestFieldBecameRequired,
                        loc,
                        Verdict::Breaking,
                        Verdict::Breaking,
                        format!("`{}` is now required: `Option<{ty}>` → `{ty}`", g.wire),
                    );
                }
            }
            if usage.response || !usage.request {
                if g.optional {
                    let wire = if !usage.response || f.ty.is_collection() { Verdict::Compatible } else { Verdict::Breaking };
                    let why = if !usage.response {
                        usage.describe()
                    } else if f.ty.is_collection() {
                        "; absent already read as empty"
                    } else {
                        "; old readers fail to decode replies without it"
                    };
                    self.push(
                        Rule::ResponseFieldBecameOptional,
                        loc,
                        wire,
                        Verdict::Breaking,
                        format!("`{}` may now be absent: `{ty}` → `Option<{ty}>`{why}", g.wire),
                    );
                } else {
                    self.push(
                        Rule::ResponseFieldBecameRequired,
                        loc,
                        Verdict::Compatible,
                        Verdict::Breaking,
                        format!("`{}` is now always present: `Option<{ty}>` → `{ty}`", g.wire),
                    );
                }
            }
        }
        self.ty_change(&f.ty, &g.ty, loc, usage, &g.wire);
        if f.rust != g.rust {
            self.push(
                Rule::RustNameChanged,
                loc,
                Verdict::Compatible,
                Verdict::Breaking,
                format!("Rust field `{}` → `{}`", f.rust, g.rust),
            );
        }
        self.doc_change(loc, "doc", f.doc.as_deref(), g.doc.as_deref());
        if f.sensitive != g.sensitive {
            let now = if g.sensitive { "now redacted in `Debug`" } else { "no longer redacted in `Debug`" };
            self.push(Rule::SensitiveChanged, loc, Verdict::Compatible, Verdict::Compatible, format!("`{}` {now}", g.wire));
        }
        if f.aliases != g.aliases {
            let keys = |v: &[String]| {
                if v.is_empty() { "no other key".to_owned() } else { v.iter().map(|a| format!("`{a}`")).collect::<Vec<_>>().join(", ") }
            };
            let removed = f.aliases.iter().any(|a| !g.aliases.contains(a));
            self.push(
                Rule::AliasesChanged,
                loc,
                if removed { Verdict::Risky } else { Verdict::Compatible },
                Verdict::Compatible,
                format!("`{}` is read from {} (was {})", g.wire, keys(&g.aliases), keys(&f.aliases)),
            );
        }
        if f.auto != g.auto {
            let (was, now) = (self.old.types[o].is_new_param(f), self.new.types[n].is_new_param(g));
            let what = if g.auto.is_some() { "is now `auto: random`" } else { "is no longer `auto: random`" };
            let ctor = match (was, now) {
                (true, false) => "; it leaves `new(...)`",
                (false, true) => "; it joins `new(...)`",
                _ => "",
            };
            self.push(
                Rule::AutoChanged,
                loc,
                Verdict::Compatible,
                if was != now { Verdict::Breaking } else { Verdict::Compatible },
                format!("`{}` {what}{ctor}", g.wire),
            );
        }
    }
}

/// Keys equal ignoring ASCII case, `_` and `-`.
fn loose_key(k: &str) -> String {
    k.chars().filter(|c| *c != '_' && *c != '-').map(|c| c.to_ascii_lowercase()).collect()
}
