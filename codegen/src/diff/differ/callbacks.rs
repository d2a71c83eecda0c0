//! Callback commands: matched by `CallbackCommand` across all groups; when, outcomes, names, docs and
//! examples compared, events handed to the object comparison as something read and replies as
//! something sent.

use super::{Differ, Loc};
use crate::diff::{Rule, Verdict};
use crate::model::{Callback, CallbackGroup, Catalogue, Outcome, OutcomeCode, Role, TypeId, When};

/// Where a callback's findings are: `callbacks/<command>`.
fn loc(command: &str) -> Loc {
    Loc::command("callbacks", command)
}

fn all(cat: &Catalogue) -> Vec<(&CallbackGroup, &Callback)> {
    cat.callbacks.iter().flat_map(|g| g.callbacks.iter().map(move |c| (g, c))).collect()
}

fn when(w: When) -> &'static str {
    match w {
        When::Before => "before",
        When::After => "after",
    }
}

fn code(c: OutcomeCode) -> String {
    match c {
        OutcomeCode::Fixed(x) => x.to_string(),
        OutcomeCode::Range(a, b) => format!("{a}..={b}"),
    }
}

fn on_failure(c: &Callback) -> Option<&Outcome> {
    c.on_failure.and_then(|i| c.outcomes.get(i))
}

impl Differ<'_> {
    pub(super) fn callbacks(&mut self) {
        let (old, new) = (self.old, self.new);
        let (olds, news) = (all(old), all(new));
        for (ng, nc) in &news {
            match olds.iter().find(|(_, c)| c.command == nc.command) {
                Some((og, oc)) => self.callback(og, oc, ng, nc),
                None => self.push(
                    Rule::CallbackAdded,
                    &loc(&nc.command),
                    Verdict::Compatible,
                    Verdict::Compatible,
                    format!("{} ({}): `callbacks::Event::{}` in group `{}`", nc.title.en, when(nc.when), nc.pascal, ng.module),
                ),
            }
        }
        for (_, oc) in &olds {
            if !news.iter().any(|(_, c)| c.command == oc.command) {
                self.push(
                    Rule::CallbackRemoved,
                    &loc(&oc.command),
                    Verdict::Compatible,
                    Verdict::Breaking,
                    format!("{}: `callbacks::Event::{}` and its types removed", oc.title.en, oc.pascal),
                );
            }
        }
        // Named types of the groups, matched by group.
        let named = |cat: &Catalogue, g: &CallbackGroup| -> Vec<TypeId> {
            g.types.iter().copied().filter(|id| cat.types[*id].role == Role::Named).collect()
        };
        for ng in &new.callbacks {
            let gloc = Loc::service(&format!("callbacks/{}", ng.module)).join(" ", "types");
            let ot = old.callbacks.iter().find(|g| g.module == ng.module).map(|og| named(old, og)).unwrap_or_default();
            self.named_types(&ot, &named(new, ng), &gloc);
        }
    }

    fn callback(&mut self, og: &CallbackGroup, oc: &Callback, ng: &CallbackGroup, nc: &Callback) {
        let l = loc(&nc.command);
        if oc.pascal != nc.pascal || og.module != ng.module {
            self.push(
                Rule::RustNameChanged,
                &l,
                Verdict::Compatible,
                Verdict::Breaking,
                format!("`callbacks::{}::{}` → `callbacks::{}::{}`", og.module, oc.pascal, ng.module, nc.pascal),
            );
        }
        if oc.when != nc.when {
            self.push(
                Rule::CallbackWhenChanged,
                &l,
                Verdict::Risky,
                Verdict::Breaking,
                format!("`{}` → `{}`", when(oc.when), when(nc.when)),
            );
        }
        self.operation(&oc.op, &nc.op, &l);
        for no in &nc.outcomes {
            match oc.outcomes.iter().find(|o| o.name == no.name) {
                None => self.push(
                    Rule::OutcomeAdded,
                    &l.dot(&no.name),
                    Verdict::Compatible,
                    Verdict::Compatible,
                    format!("`{}` (ErrorCode {}) added", no.name, code(no.code)),
                ),
                Some(oo) => {
                    if oo.code != no.code {
                        self.push(
                            Rule::OutcomeChanged,
                            &l.dot(&no.name),
                            Verdict::Breaking,
                            Verdict::Compatible,
                            format!("`{}`: ErrorCode {} → {}", no.name, code(oo.code), code(no.code)),
                        );
                    }
                    self.doc_change(&l.dot(&no.name), "doc", Some(&oo.doc), Some(&no.doc));
                }
            }
        }
        for oo in &oc.outcomes {
            if !nc.outcomes.iter().any(|o| o.name == oo.name) {
                self.push(
                    Rule::OutcomeRemoved,
                    &l.dot(&oo.name),
                    Verdict::Risky,
                    Verdict::Breaking,
                    format!("`{}` (ErrorCode {}) removed", oo.name, code(oo.code)),
                );
            }
        }
        let (of, nf) = (on_failure(oc).map(|o| (o.name.as_str(), o.code)), on_failure(nc).map(|o| (o.name.as_str(), o.code)));
        if of != nf {
            let show = |x: Option<(&str, OutcomeCode)>| x.map_or("(none)".to_owned(), |(n, c)| format!("`{n}` ({})", code(c)));
            self.push(
                Rule::OutcomeChanged,
                &l.dot("on_failure"),
                Verdict::Risky,
                Verdict::Compatible,
                format!("{} → {}", show(of), show(nf)),
            );
        }
        self.object(oc.event, nc.event, &l.join(" ", "event"));
        if let (Some(or), Some(nr)) = (oc.reply, nc.reply) {
            self.object(or, nr, &l.join(" ", "reply"));
        }
    }
}
