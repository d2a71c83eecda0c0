//! Services and commands: module and function names, request and response roots, retry classes and
//! per-item result lists.

use super::call_rules::RuleCtx;
use super::operations::{COMMAND, FileView, Kind, OpFile, OpRef, OpSpec};
use super::{Builder, ENVELOPE_KEYS, PendingExamples, PendingOp};
use crate::model::*;
use crate::names;
use crate::spec;

/// Parses a retry class: `safe`, `never` or `dedupe(Field, ...)`.
fn parse_retry(s: &str) -> Result<Retry, String> {
    let s = s.trim();
    match s {
        "safe" => return Ok(Retry::Safe),
        "never" => return Ok(Retry::Never),
        _ => {}
    }
    if let Some(inner) = s.strip_prefix("dedupe(").and_then(|r| r.strip_suffix(')')) {
        let fields: Vec<String> = inner.split(',').map(|f| f.trim().to_owned()).filter(|f| !f.is_empty()).collect();
        if fields.is_empty() {
            return Err("`dedupe(...)` needs at least one request field".into());
        }
        return Ok(Retry::Dedupe(fields));
    }
    Err(format!("retry `{s}`: expected `safe`, `never` or `dedupe(Field, ...)`"))
}

impl OpFile for spec::ServiceFile {
    type Op = spec::CommandSpec;
    const KIND: &'static Kind = &COMMAND;
    fn view(&self) -> FileView<'_, spec::CommandSpec> {
        FileView { stem: &self.service, module: self.module.as_deref(), types: &self.types, ops: &self.commands }
    }
    /// The service, its `limit_code` checked against the error table.
    fn open(&self, b: &mut Builder, file: usize, module: String, rel: String) -> usize {
        if let Some(c) = self.limit_code
            && !b.errors.iter().any(|e| e.code == c)
        {
            b.err(file, "limit_code", format!("`limit_code: {c}` is not in errors.yaml"));
        }
        b.services.push(Service {
            wire: self.service.clone(),
            handle: names::pascal(&module),
            module,
            title: Title { zh: self.title.zh.clone(), en: self.title.en.clone() },
            description: self.description.clone(),
            summary: self.summary.clone(),
            file: rel,
            commands: Vec::new(),
            types: Vec::new(),
            limit_code: self.limit_code,
        });
        b.services.len() - 1
    }
}

impl OpSpec for spec::CommandSpec {
    fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }
    fn answered(&self) -> bool {
        true
    }
}

impl Builder {
    /// Phase 3 for commands: request and response fields, retry class, results, doc links and
    /// sources. Returns the examples, checked in phase 4.
    pub(super) fn commands(&mut self, pending: Vec<PendingOp<spec::CommandSpec>>) -> Vec<PendingExamples> {
        let mut examples = Vec::new();
        for PendingOp { parent, file, wire, path, fn_name, pascal, sent: req, answer, spec: cs } in pending {
            // Registration keeps a command only with both roots.
            let Some(resp) = answer else { continue };
            let sidx = ServiceId(parent);
            let owner = Owner::Service(sidx);
            let req_fields = self.fields(owner, &pascal, &cs.request, file, &format!("{path}.request"));
            self.types[req].kind = TypeKind::Object(req_fields);
            let resp_fields = self.fields(owner, &pascal, &cs.response, file, &format!("{path}.response"));
            let why = "it is decoded by the runtime, not listed in `response`";
            self.no_envelope_keys(&resp_fields, &ENVELOPE_KEYS, why, file, &format!("{path}.response"));
            self.types[resp].kind = TypeKind::Object(resp_fields);
            let retry = match parse_retry(&cs.retry) {
                Ok(r) => r,
                Err(m) => {
                    self.err(file, &format!("{path}.retry"), m);
                    Retry::Never
                }
            };
            if let Retry::Dedupe(fields) = &retry {
                for f in fields {
                    if !self.fields_of(req).iter().any(|x| &x.wire == f) {
                        self.err(file, &format!("{path}.retry"), format!("dedupe field `{f}` is not a request field"));
                    }
                }
            }
            let results: Vec<Results> =
                cs.results.iter().enumerate().filter_map(|(i, r)| self.results(resp, r, file, &format!("{path}.results[{i}]"))).collect();
            let common = cs.common();
            let op = self.operation(&common, fn_name, pascal, file, &path);
            let partial = match cs.reply.as_deref() {
                None => false,
                Some("partial") => {
                    for f in self.fields_of(resp).to_vec() {
                        if !f.optional && !f.ty.is_collection() {
                            self.err(
                                file,
                                &format!("{path}.response.{}", f.wire),
                                format!("`{}`: the fields of a partial reply are optional (`T?`) or lists", f.wire),
                            );
                        }
                    }
                    true
                }
                Some(other) => {
                    self.err(file, &format!("{path}.reply"), format!("`reply: {other}`: the only value is `partial`"));
                    false
                }
            };
            let limit_code = self.services[sidx].limit_code;
            let cx = RuleCtx { file, path: &path, request: req, response: resp, doc: &cs.doc, results: &results, limit_code };
            let (paging, limits, batch, rates) = self.call_rules(&cx, &cs);
            let cmd =
                Command { wire: wire.clone(), op, retry, request: req, response: resp, results, partial, paging, limits, batch, rates };
            let index = self.services[sidx].commands.len();
            self.services[sidx].commands.push(cmd);
            let op = OpRef::Command(CommandId { service: sidx, index });
            examples.push(PendingExamples { op, file, path, specs: common.examples });
        }
        examples
    }

    /// One per-item result list: `list` is an array in the response, `id`, `code` and `info` fields of
    /// its items with the right types.
    fn results(&mut self, resp: TypeId, r: &spec::ResultsSpec, file: usize, path: &str) -> Option<Results> {
        let fields = self.fields_of(resp).to_vec();
        let Some(list) = fields.iter().position(|f| f.wire == r.list) else {
            self.err(file, path, format!("`list: {}` is not a response field", r.list));
            return None;
        };
        let item = match &fields[list].ty {
            Ty::Array(t) => match **t {
                Ty::Ref(id) if matches!(self.types[id].kind, TypeKind::Object(_)) => Some(id),
                Ty::Scalar(Scalar::String) => None,
                _ => {
                    self.err(file, path, format!("`{}` must be an array of objects or of strings", r.list));
                    return None;
                }
            },
            _ => {
                self.err(file, path, format!("`{}` must be an array", r.list));
                return None;
            }
        };
        let mut pick = |key: &Option<String>, what: &str, check: &dyn Fn(&Builder, &Ty) -> bool| -> Option<Option<usize>> {
            let Some(k) = key else { return Some(None) };
            let Some(item) = item else {
                self.err(file, path, format!("`{what}` needs a list of objects"));
                return None;
            };
            let item_fields = self.fields_of(item).to_vec();
            match item_fields.iter().position(|f| &f.wire == k) {
                Some(i) if check(self, &item_fields[i].ty) => Some(Some(i)),
                Some(_) => {
                    self.err(file, path, format!("`{what}: {k}` has the wrong type"));
                    None
                }
                None => {
                    self.err(file, path, format!("`{what}: {k}` is not a field of the list items"));
                    None
                }
            }
        };
        let is_string = |_: &Builder, t: &Ty| matches!(t, Ty::Scalar(Scalar::String));
        let is_code = |b: &Builder, t: &Ty| match t {
            Ty::Scalar(s) => s.is_integer(),
            Ty::Ref(id) => matches!(b.types[*id].kind, TypeKind::Enum { base, .. } if base.is_integer()),
            _ => false,
        };
        let id = pick(&r.id, "id", &is_string)?;
        let code = pick(&r.code, "code", &is_code)?;
        let info = pick(&r.info, "info", &is_string)?;
        if item.is_some() && code.is_none() && r.ok.is_some() {
            self.err(file, path, "`ok` needs `code`".into());
        }
        Some(Results { list, item, id, code, info, ok: r.ok.clone().unwrap_or_else(|| vec![0]) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_classes() {
        assert_eq!(parse_retry("safe").unwrap(), Retry::Safe);
        assert_eq!(parse_retry("dedupe(MsgSeq, MsgRandom)").unwrap(), Retry::Dedupe(vec!["MsgSeq".into(), "MsgRandom".into()]));
        assert!(parse_retry("dedupe()").is_err());
        assert!(parse_retry("sometimes").is_err());
    }
}
