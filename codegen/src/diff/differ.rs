//! The differ: walks two catalogues side by side and records a [`Finding`] per change. This file holds
//! the walk's state, where findings are located ([`Loc`]) and which directions a type travels in
//! ([`Usage`], [`Reach`]); the comparisons are by concern, in `differ/`: `operations.rs` (what commands
//! and callbacks share: docs and examples), `services.rs` (services, commands, error codes),
//! `call_rules.rs` (paging, limits, rates), `callbacks.rs` (callback groups, events, replies, outcomes),
//! `fields.rs` (objects field by field), `types.rs` (named types) and `ty.rs` (type expressions).

use super::{Finding, Rule, Verdict};
use crate::model::{Catalogue, Ty, TypeId, TypeKind};

mod call_rules;
mod callbacks;
mod fields;
mod operations;
mod services;
mod ty;
mod types;

/// Every change from `old` to `new`, joined and ordered as [`super::diff`] documents.
pub(super) fn findings(old: &Catalogue, new: &Catalogue) -> Vec<Finding> {
    let mut d = Differ { old, new, old_reach: Reach::of(old), new_reach: Reach::of(new), out: Vec::new() };
    d.services();
    d.callbacks();
    d.named_types(&old.shared, &new.shared, &Loc::shared());
    d.errors();
    finish(d.out)
}

/// Joins the details of findings with the same rule and location, and orders them by group.
fn finish(found: Vec<Finding>) -> Vec<Finding> {
    let mut out: Vec<Finding> = Vec::new();
    for f in found {
        match out.iter_mut().find(|e| e.rule == f.rule && e.location == f.location) {
            Some(e) => {
                e.detail = format!("{}; {}", e.detail, f.detail);
                e.wire = e.wire.max(f.wire);
                e.rust = e.rust.max(f.rust);
            }
            None => out.push(f),
        }
    }
    out.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    out
}

/// Where a finding is: the location string plus the service and command it belongs to.
#[derive(Debug, Clone)]
struct Loc {
    service: Option<String>,
    command: Option<String>,
    path: String,
}

impl Loc {
    fn service(s: &str) -> Loc {
        Loc { service: Some(s.into()), command: None, path: s.into() }
    }
    fn command(s: &str, c: &str) -> Loc {
        Loc { service: Some(s.into()), command: Some(c.into()), path: format!("{s}/{c}") }
    }
    fn shared() -> Loc {
        Loc { service: None, command: None, path: "types".into() }
    }
    fn errors() -> Loc {
        Loc { service: None, command: None, path: "errors".into() }
    }
    /// `self` followed by `sep` and `part`.
    fn join(&self, sep: &str, part: &str) -> Loc {
        Loc { service: self.service.clone(), command: self.command.clone(), path: format!("{}{sep}{part}", self.path) }
    }
    fn dot(&self, part: &str) -> Loc {
        self.join(".", part)
    }
}

/// Which directions an object travels in.
#[derive(Debug, Clone, Copy)]
struct Usage {
    request: bool,
    response: bool,
}

impl Usage {
    /// The wire verdict for a change that is `sent` when sent and `read` when read; compatible for a
    /// type no command uses.
    fn worst(self, sent: Verdict, read: Verdict) -> Verdict {
        let mut v = Verdict::Compatible;
        if self.request {
            v = v.max(sent);
        }
        if self.response {
            v = v.max(read);
        }
        v
    }
    fn describe(self) -> &'static str {
        match (self.request, self.response) {
            (true, true) => " (sent and read)",
            (true, false) => "",
            (false, true) => "",
            (false, false) => " (the type is not used by any command)",
        }
    }
}

/// Which types the commands of a catalogue send and read (computed here rather than taken from
/// [`crate::model::TypeDef::in_request`], which also marks types no command uses, so that they are
/// emitted for both directions).
struct Reach {
    sent: Vec<bool>,
    read: Vec<bool>,
}

impl Reach {
    fn of(cat: &Catalogue) -> Reach {
        let mut r = Reach { sent: vec![false; cat.types.len()], read: vec![false; cat.types.len()] };
        for (_, c) in cat.commands() {
            Self::mark(cat, c.request, &mut r.sent);
            Self::mark(cat, c.response, &mut r.read);
        }
        // A callback's event is read by the app; its reply is sent.
        for c in cat.callbacks.iter().flat_map(|g| &g.callbacks) {
            Self::mark(cat, c.event, &mut r.read);
            if let Some(reply) = c.reply {
                Self::mark(cat, reply, &mut r.sent);
            }
        }
        r
    }

    fn mark(cat: &Catalogue, root: TypeId, seen: &mut [bool]) {
        let mut stack = vec![root];
        while let Some(id) = stack.pop() {
            match seen.get_mut(id.0) {
                Some(s) if !*s => *s = true,
                _ => continue,
            }
            let mut tys: Vec<&Ty> = Vec::new();
            match &cat.types[id].kind {
                TypeKind::Object(fields) => tys.extend(fields.iter().map(|f| &f.ty)),
                TypeKind::OneOf(alts) => tys.extend(alts.iter().map(|(_, t)| t)),
                TypeKind::Union { variants, .. } => stack.extend(variants.iter().map(|v| v.ty)),
                TypeKind::Enum { .. } => {}
            }
            for mut t in tys {
                while let Ty::Array(inner) | Ty::Map(inner) = t {
                    t = inner;
                }
                if let Ty::Ref(r) = t {
                    stack.push(*r);
                }
            }
        }
    }
}

/// The two catalogues being compared, what they send and read, and the findings so far.
struct Differ<'a> {
    old: &'a Catalogue,
    new: &'a Catalogue,
    old_reach: Reach,
    new_reach: Reach,
    out: Vec<Finding>,
}

impl Differ<'_> {
    fn push(&mut self, rule: Rule, loc: &Loc, wire: Verdict, rust: Verdict, detail: String) {
        self.out.push(Finding {
            rule,
            location: loc.path.clone(),
            service: loc.service.clone(),
            command: loc.command.clone(),
            wire,
            rust,
            detail,
            acknowledged: None,
        });
    }

    fn doc_change(&mut self, loc: &Loc, what: &str, old: Option<&str>, new: Option<&str>) {
        if old == new {
            return;
        }
        let (a, b) = match (old, new) {
            (Some(a), Some(b)) => delta(a, b),
            (a, b) => (short_opt(a), short_opt(b)),
        };
        self.push(Rule::DocChanged, loc, Verdict::Compatible, Verdict::Compatible, format!("{what}: {a} → {b}"));
    }

    /// The directions an object travels in, in either catalogue.
    fn usage(&self, o: TypeId, n: TypeId) -> Usage {
        let (a, b) = (&self.old_reach, &self.new_reach);
        Usage { request: a.sent[o.0] || b.sent[n.0], response: a.read[o.0] || b.read[n.0] }
    }
}

/// The longest text shown in a detail.
const MAX_TEXT: usize = 60;

/// Collapses whitespace and shortens `s` for a one-line detail.
fn short(s: &str) -> String {
    let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if s.chars().count() > MAX_TEXT { format!("{}…", s.chars().take(MAX_TEXT).collect::<String>()) } else { s }
}

/// Two versions of a text, quoted, each cut to an excerpt around the first difference when long.
fn delta(old: &str, new: &str) -> (String, String) {
    let collapse = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ").chars().collect::<Vec<char>>();
    let (a, b) = (collapse(old), collapse(new));
    if a.len() <= MAX_TEXT && b.len() <= MAX_TEXT {
        return (format!("\"{}\"", a.iter().collect::<String>()), format!("\"{}\"", b.iter().collect::<String>()));
    }
    let first_diff = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let start = first_diff.saturating_sub(20);
    let excerpt = |v: &[char]| {
        let start = start.min(v.len());
        let end = (start + MAX_TEXT).min(v.len());
        format!(
            "\"{}{}{}\"",
            if start > 0 { "…" } else { "" },
            v[start..end].iter().collect::<String>(),
            if end < v.len() { "…" } else { "" }
        )
    };
    (excerpt(&a), excerpt(&b))
}

fn short_opt(s: Option<&str>) -> String {
    match s {
        Some(s) => format!("\"{}\"", short(s)),
        None => "(none)".into(),
    }
}
