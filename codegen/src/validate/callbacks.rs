//! Validation of the callback catalogue (`spec/callbacks/*.yaml`): names, the before/after rules,
//! outcomes, and the examples checked against the event and reply types.

use super::examples::complete_unless;
use super::operations::{Body, CALLBACK, FileView, Kind, OpFile, OpRef, OpSpec};
use super::{Builder, ENVELOPE_KEYS, PendingExamples, PendingOp};
use crate::model::*;
use crate::names;
use crate::spec;
use serde_json::Value;

/// The envelope keys of a callback reply.
const REPLY_ENVELOPE: [&str; 3] = ["ActionStatus", "ErrorCode", "ErrorInfo"];

impl OpFile for spec::CallbackFile {
    type Op = spec::CallbackSpec;
    const KIND: &'static Kind = &CALLBACK;
    fn view(&self) -> FileView<'_, spec::CallbackSpec> {
        FileView { stem: &self.group, module: None, types: &self.types, ops: &self.callbacks }
    }
    fn open(&self, b: &mut Builder, _file: usize, module: String, rel: String) -> usize {
        b.callbacks.push(CallbackGroup {
            module,
            title: Title { zh: self.title.zh.clone(), en: self.title.en.clone() },
            description: self.description.clone(),
            file: rel,
            callbacks: Vec::new(),
            types: Vec::new(),
        });
        b.callbacks.len() - 1
    }
}

impl OpSpec for spec::CallbackSpec {
    fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }
    /// Only a `before` callback's reply is read by the server.
    fn answered(&self) -> bool {
        self.when == "before"
    }
}

impl Builder {
    /// Phase 3 for callbacks: fields, before/after rules and outcomes.
    pub(super) fn callbacks(&mut self, pending: Vec<PendingOp<spec::CallbackSpec>>) -> Vec<PendingExamples> {
        let mut examples = Vec::new();
        for p in pending {
            let group = GroupId(p.parent);
            let owner = Owner::Callbacks(group);
            let cs = &p.spec;
            let path = p.path;
            let file = p.file;
            let event_fields = self.fields(owner, &format!("{}Event", p.pascal), &cs.event, file, &format!("{path}.event"));
            self.types[p.sent].kind = TypeKind::Object(event_fields);
            let when = match cs.when.as_str() {
                "before" => When::Before,
                "after" => When::After,
                other => {
                    self.err(file, &format!("{path}.when"), format!("when `{other}`: expected `before` or `after`"));
                    When::After
                }
            };
            if let Some(reply) = p.answer {
                let reply_fields = self.fields(owner, &format!("{}Reply", p.pascal), &cs.reply, file, &format!("{path}.reply"));
                let why = "the runtime writes it from the outcome";
                self.no_envelope_keys(&reply_fields, &REPLY_ENVELOPE, why, file, &format!("{path}.reply"));
                for f in &reply_fields {
                    if !f.optional {
                        self.err(
                            file,
                            &format!("{path}.reply.{}", f.wire),
                            "reply fields are optional (`T?`): an outcome constructor builds the reply without them".into(),
                        );
                    }
                }
                self.types[reply].kind = TypeKind::Object(reply_fields);
            }
            let mut outcomes: Vec<Outcome> = Vec::new();
            for (name, o) in cs.outcomes.iter() {
                let at = format!("{path}.outcomes.{name}");
                if !names::is_snake_ident(name) || names::is_keyword(name) || name == "new" {
                    self.err(file, &at, format!("outcome `{name}` must be a snake_case identifier (it names a constructor)"));
                    continue;
                }
                let code = match (o.code, o.codes.as_deref()) {
                    (Some(c), None) => OutcomeCode::Fixed(c),
                    (None, Some([lo, hi])) if lo <= hi => OutcomeCode::Range(*lo, *hi),
                    _ => {
                        self.err(file, &at, "an outcome has either `code: N` or `codes: [LOW, HIGH]` (LOW <= HIGH)".into());
                        continue;
                    }
                };
                if outcomes.iter().any(|x| x.code == code) {
                    self.err(file, &at, format!("outcome `{name}` repeats the code of another outcome"));
                }
                outcomes.push(Outcome { name: name.clone(), code, doc: o.doc.clone() });
            }
            let on_failure = match (&cs.on_failure, when) {
                (Some(n), When::Before) => match outcomes.iter().position(|o| &o.name == n) {
                    Some(i) if matches!(outcomes[i].code, OutcomeCode::Fixed(_)) => Some(i),
                    Some(_) => {
                        self.err(file, &format!("{path}.on_failure"), format!("on_failure `{n}` must name an outcome with one `code`"));
                        None
                    }
                    None => {
                        self.err(file, &format!("{path}.on_failure"), format!("on_failure `{n}` is not one of the outcomes"));
                        None
                    }
                },
                (None, When::Before) => {
                    self.err(
                        file,
                        &path,
                        "a `before` callback needs `on_failure`: the outcome the server applies without an answer".into(),
                    );
                    None
                }
                (Some(_), When::After) => {
                    self.err(file, &format!("{path}.on_failure"), "`after` callbacks have no outcome".into());
                    None
                }
                (None, When::After) => None,
            };
            match when {
                When::Before if outcomes.is_empty() => {
                    self.err(file, &path, "a `before` callback needs `outcomes` (at least the code that allows)".into());
                }
                When::After if !outcomes.is_empty() || !cs.reply.is_empty() => {
                    self.err(
                        file,
                        &path,
                        "`after` callbacks have no `outcomes` and no `reply` fields: the server ignores the reply".into(),
                    );
                }
                _ => {}
            }
            let common = cs.common();
            let op = self.operation(&common, p.fn_name, p.pascal, file, &path);
            let index = self.callbacks[group].callbacks.len();
            self.callbacks[group].callbacks.push(Callback {
                command: p.wire,
                op,
                when,
                event: p.sent,
                reply: p.answer,
                outcomes,
                on_failure,
            });
            let op = OpRef::Callback(CallbackId { group, index });
            examples.push(PendingExamples { op, file, path, specs: common.examples });
        }
        examples
    }

    /// How a callback example's body fits: the event its event type (every required field present
    /// where the check asks for complete examples, `CallbackCommand` the callback's), the reply its reply
    /// type (or the envelope alone for `after` callbacks).
    pub(super) fn callback_example(&self, cb: &Callback, body: Body, v: &Value, legacy: bool) -> (String, Vec<String>) {
        let mut problems = Vec::new();
        let mode = complete_unless(legacy);
        if body == Body::Request {
            self.check_value(v, &Ty::Ref(cb.event), "$", mode, &mut problems);
            // A field is required only where every official event of the command carries it,
            // older pages' examples included: a required field the server may leave out would
            // reach handlers as a zero it never sent.
            let mut missing = Vec::new();
            if self.complete_examples {
                self.missing_required(v, &Ty::Ref(cb.event), "$", &mut missing, 0);
            }
            for (at, ty) in missing {
                problems.push(format!("`{at}` is required in `{ty}` but this official example lacks it: make the field optional (`T?`)"));
            }
            if let Some(c) = v.get("CallbackCommand").and_then(Value::as_str)
                && c != cb.command
            {
                problems.push(format!("`CallbackCommand` is `{c}`, not `{}`", cb.command));
            }
            return (format!(" `{}`", self.types[cb.event].name), problems);
        }
        match v {
            Value::Object(m) => {
                if let Some(x) = m.get("ErrorCode")
                    && !x.is_i64()
                {
                    problems.push("envelope key `ErrorCode` must be an integer".into());
                }
                let mut rest = m.clone();
                for k in REPLY_ENVELOPE {
                    rest.remove(k);
                }
                match cb.reply {
                    Some(r) => self.check_value(&Value::Object(rest), &Ty::Ref(r), "$", mode, &mut problems),
                    None => {
                        for k in rest.keys() {
                            if !ENVELOPE_KEYS.contains(&k.as_str()) {
                                problems.push(format!("key `{k}`: an `after` callback's reply is the envelope only"));
                            }
                        }
                    }
                }
            }
            _ => problems.push("a reply must be a JSON object".into()),
        }
        (String::new(), problems)
    }

    /// The required (non-collection) fields an example value leaves out, as (JSON path, type name).
    fn missing_required(&self, v: &Value, ty: &Ty, at: &str, out: &mut Vec<(String, String)>, depth: usize) {
        if depth > 32 {
            return;
        }
        match (ty, v) {
            (Ty::Array(t), Value::Array(items)) => {
                for (i, x) in items.iter().enumerate() {
                    self.missing_required(x, t, &format!("{at}[{i}]"), out, depth + 1);
                }
            }
            (Ty::Map(t), Value::Object(m)) => {
                for (k, x) in m {
                    self.missing_required(x, t, &format!("{at}.{k}"), out, depth + 1);
                }
            }
            (Ty::Ref(id), Value::Object(m)) => {
                let TypeKind::Object(fields) = &self.types[*id].kind else { return };
                for f in fields {
                    let present = m.get(&f.wire).or_else(|| f.aliases.iter().find_map(|a| m.get(a)));
                    match present {
                        Some(x) => self.missing_required(x, &f.ty, &format!("{at}.{}", f.wire), out, depth + 1),
                        None if !f.optional && !f.ty.is_collection() => {
                            out.push((format!("{at}.{}", f.wire), self.types[*id].name.clone()))
                        }
                        None => {}
                    }
                }
            }
            _ => {}
        }
    }
}
