//! Services, commands and error codes: matched by wire name or code; names, docs, retry classes,
//! results and examples compared, requests and responses handed to the object comparison.

use super::{Differ, Loc, short};
use crate::diff::{Rule, Verdict};
use crate::model::{Catalogue, Command, Field, Role, TypeId};

impl Differ<'_> {
    pub(super) fn services(&mut self) {
        let (old, new) = (self.old, self.new);
        let mut names: Vec<&str> = new.services.iter().map(|s| s.wire.as_str()).collect();
        names.extend(old.services.iter().map(|s| s.wire.as_str()).filter(|w| !new.services.iter().any(|s| s.wire == *w)));
        for name in names {
            let o = old.services.iter().position(|s| s.wire == name);
            let n = new.services.iter().position(|s| s.wire == name);
            let loc = Loc::service(name);
            match (o, n) {
                (None, Some(n)) => {
                    let s = &new.services[n];
                    let cmds: Vec<String> = s.commands.iter().map(|c| format!("`{}`", c.wire)).collect();
                    self.push(
                        Rule::ServiceAdded,
                        &loc,
                        Verdict::Compatible,
                        Verdict::Compatible,
                        format!("{} ({}), module `{}`: {} command(s): {}", s.title.en, s.title.zh, s.module, cmds.len(), cmds.join(", ")),
                    );
                }
                (Some(o), None) => {
                    let s = &old.services[o];
                    self.push(
                        Rule::ServiceRemoved,
                        &loc,
                        Verdict::Breaking,
                        Verdict::Breaking,
                        format!("module `{}` and its {} command(s) removed", s.module, s.commands.len()),
                    );
                }
                (Some(o), Some(n)) => self.service(o, n, &loc),
                (None, None) => {}
            }
        }
    }

    fn service(&mut self, oi: usize, ni: usize, loc: &Loc) {
        let (os, ns) = (&self.old.services[oi], &self.new.services[ni]);
        if os.module != ns.module {
            self.push(
                Rule::RustNameChanged,
                loc,
                Verdict::Compatible,
                Verdict::Breaking,
                format!("module and feature `{}` → `{}` (handle `{}` → `{}`)", os.module, ns.module, os.handle, ns.handle),
            );
        }
        self.doc_change(loc, "title.en", Some(&os.title.en), Some(&ns.title.en));
        self.doc_change(loc, "title.zh", Some(&os.title.zh), Some(&ns.title.zh));
        self.doc_change(loc, "description", os.description.as_deref(), ns.description.as_deref());
        let named = |cat: &Catalogue, ids: &[TypeId]| -> Vec<TypeId> {
            ids.iter().copied().filter(|id| cat.types[*id].role == Role::Named).collect()
        };
        let (ot, nt) = (named(self.old, &os.types), named(self.new, &ns.types));
        self.named_types(&ot, &nt, &loc.join(" ", "types"));
        for nc in &ns.commands {
            let cloc = Loc::command(&ns.wire, &nc.wire);
            match os.commands.iter().find(|c| c.wire == nc.wire) {
                Some(oc) => self.command(oc, nc, &cloc),
                None => self.push(
                    Rule::CommandAdded,
                    &cloc,
                    Verdict::Compatible,
                    Verdict::Compatible,
                    format!("{}: `client.{}().{}(&{})`", nc.title.en, ns.module, nc.fn_name, self.new.types[nc.request].name),
                ),
            }
        }
        for oc in &os.commands {
            if !ns.commands.iter().any(|c| c.wire == oc.wire) {
                let cloc = Loc::command(&os.wire, &oc.wire);
                self.push(
                    Rule::CommandRemoved,
                    &cloc,
                    Verdict::Breaking,
                    Verdict::Breaking,
                    format!("{}: `{}::{}` and its request and response types removed", oc.title.en, os.handle, oc.fn_name),
                );
            }
        }
    }

    fn command(&mut self, oc: &Command, nc: &Command, loc: &Loc) {
        if oc.fn_name != nc.fn_name {
            self.push(
                Rule::RustNameChanged,
                loc,
                Verdict::Compatible,
                Verdict::Breaking,
                format!(
                    "function `{}` → `{}` (types `{}`/`{}` → `{}`/`{}`)",
                    oc.fn_name,
                    nc.fn_name,
                    self.old.types[oc.request].name,
                    self.old.types[oc.response].name,
                    self.new.types[nc.request].name,
                    self.new.types[nc.response].name
                ),
            );
        }
        self.operation(&oc.op, &nc.op, loc);
        if oc.retry != nc.retry {
            self.push(
                Rule::RetryClassChanged,
                loc,
                Verdict::Risky,
                Verdict::Compatible,
                format!("retry `{}` → `{}`", oc.retry.spelling(), nc.retry.spelling()),
            );
        }
        let (or, nr) = (results_desc(self.old, oc), results_desc(self.new, nc));
        if or != nr {
            let show = |v: &[String]| if v.is_empty() { "(none)".to_owned() } else { v.join(", ") };
            self.push(Rule::ResultsChanged, loc, Verdict::Risky, Verdict::Compatible, format!("results {} → {}", show(&or), show(&nr)));
        }
        self.call_rules(oc, nc, loc);
        self.object(oc.request, nc.request, &loc.join(" ", "request"));
        self.object(oc.response, nc.response, &loc.join(" ", "response"));
    }

    pub(super) fn errors(&mut self) {
        let (old, new) = (self.old, self.new);
        let base = Loc::errors();
        for e in &new.errors {
            let loc = base.dot(&e.code.to_string());
            match old.errors.iter().find(|x| x.code == e.code) {
                None => self.push(
                    Rule::ErrorCodeAdded,
                    &loc,
                    Verdict::Compatible,
                    Verdict::Compatible,
                    format!("`{}` ({}), class `{}`: {}", e.constant, e.family, e.class.variant().to_ascii_lowercase(), short(&e.en)),
                ),
                Some(x) => {
                    if x.class != e.class {
                        self.push(
                            Rule::RetryClassChanged,
                            &loc,
                            Verdict::Risky,
                            Verdict::Compatible,
                            format!("class `{}` → `{}`", x.class.variant().to_ascii_lowercase(), e.class.variant().to_ascii_lowercase()),
                        );
                    }
                    if x.constant != e.constant {
                        self.push(
                            Rule::RustNameChanged,
                            &loc,
                            Verdict::Compatible,
                            Verdict::Breaking,
                            format!("constant `error_codes::{}` → `error_codes::{}`", x.constant, e.constant),
                        );
                    }
                    self.doc_change(&loc, "family", Some(&x.family), Some(&e.family));
                    self.doc_change(&loc, "en", Some(&x.en), Some(&e.en));
                    self.doc_change(&loc, "zh", Some(&x.zh), Some(&e.zh));
                }
            }
        }
        for x in &old.errors {
            if !new.errors.iter().any(|e| e.code == x.code) {
                self.push(
                    Rule::ErrorCodeRemoved,
                    &base.dot(&x.code.to_string()),
                    Verdict::Compatible,
                    Verdict::Breaking,
                    format!("`{}` removed", x.constant),
                );
            }
        }
    }
}

/// The per-item result lists of a command, spelled with wire keys.
fn results_desc(cat: &Catalogue, c: &Command) -> Vec<String> {
    let resp = cat.fields(c.response);
    c.results
        .iter()
        .map(|r| {
            let list = resp.get(r.list).map(|f| f.wire.as_str()).unwrap_or("?");
            let item: &[Field] = r.item.map(|i| cat.fields(i)).unwrap_or(&[]);
            let key = |i: Option<usize>| i.and_then(|i| item.get(i)).map(|f| f.wire.as_str());
            let mut parts = vec![format!("list: {list}")];
            for (k, v) in [("id", key(r.id)), ("code", key(r.code)), ("info", key(r.info))] {
                if let Some(v) = v {
                    parts.push(format!("{k}: {v}"));
                }
            }
            if r.code.is_some() {
                parts.push(format!("ok: {:?}", r.ok));
            }
            format!("`{{ {} }}`", parts.join(", "))
        })
        .collect()
}
