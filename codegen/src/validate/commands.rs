//! Services and commands: module and function names, request and response roots, retry classes and
//! per-item result lists.

use super::call_rules::RuleCtx;
use super::operations::{COMMAND, OpRef};
use super::{Builder, ENVELOPE_KEYS, PendingCommand, PendingExamples, PendingType};
use crate::model::*;
use crate::names;
use crate::spec;
use std::collections::BTreeSet;

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

impl Builder {
    /// Phase 1 for services: each service, its named types and its commands' request and response
    /// roots.
    pub(super) fn register_services(
        &mut self,
        service_files: &[(usize, spec::ServiceFile)],
        named: &mut Vec<PendingType>,
    ) -> Vec<PendingCommand> {
        let mut modules = BTreeSet::new();
        let mut wires = BTreeSet::new();
        let mut pending = Vec::new();
        for (file, sf) in service_files {
            let sidx = ServiceId(self.services.len());
            let owner = Owner::Service(sidx);
            let rel = self.files.get(*file).map(|f| f.rel.clone()).unwrap_or_default();
            if rel != format!("services/{}.yaml", sf.service) {
                self.err(*file, "service", format!("service `{}` must live in `services/{}.yaml`", sf.service, sf.service));
            }
            if !wires.insert(sf.service.clone()) {
                self.err(*file, "service", format!("service `{}` is defined twice", sf.service));
            }
            let module = sf.module.clone().unwrap_or_else(|| names::snake(&sf.service));
            if !names::is_snake_ident(&module) || names::is_keyword(&module) {
                self.err(*file, "module", format!("module name `{module}` must be a snake_case identifier (set `module:`)"));
            }
            if matches!(module.as_str(), "types" | "error_codes" | "registry") || !modules.insert(module.clone()) {
                self.err(*file, "module", format!("module name `{module}` is taken"));
            }
            let handle = names::pascal(&module);
            self.services.push(Service {
                wire: sf.service.clone(),
                module,
                handle,
                title: Title { zh: sf.title.zh.clone(), en: sf.title.en.clone() },
                description: sf.description.clone(),
                summary: sf.summary.clone(),
                file: rel,
                commands: Vec::new(),
                types: Vec::new(),
                limit_code: sf.limit_code,
            });
            if let Some(c) = sf.limit_code
                && !self.errors.iter().any(|e| e.code == c)
            {
                self.err(*file, "limit_code", format!("`limit_code: {c}` is not in errors.yaml"));
            }
            self.register_types(owner, *file, &sf.types, named);
            let mut fn_names = BTreeSet::new();
            for (cidx, (wire, cs)) in sf.commands.iter().enumerate() {
                let path = format!("commands.{wire}");
                if wire.is_empty() || !wire.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                    self.err(*file, &path, format!("command `{wire}` must be ASCII letters, digits and `_`"));
                    continue;
                }
                let Some((fn_name, pascal)) =
                    self.op_name(&COMMAND, cs.name.as_deref(), || names::snake(wire), &mut fn_names, *file, &path)
                else {
                    continue;
                };
                let req_doc = Some(format!("Request body of `{}/{}`.", sf.service, wire));
                let resp_doc = Some(format!("Response payload of `{}/{}` (the envelope is decoded separately).", sf.service, wire));
                let req = self.alloc(
                    format!("{pascal}Request"),
                    owner,
                    Role::Request(CommandId { service: sidx, index: cidx }),
                    req_doc,
                    *file,
                    &format!("{path}.request"),
                );
                let resp = self.alloc(
                    format!("{pascal}Response"),
                    owner,
                    Role::Response(CommandId { service: sidx, index: cidx }),
                    resp_doc,
                    *file,
                    &format!("{path}.response"),
                );
                if let (Some(req), Some(resp)) = (req, resp) {
                    pending.push(PendingCommand {
                        service: sidx,
                        file: *file,
                        wire: wire.clone(),
                        fn_name,
                        pascal,
                        request: req,
                        response: resp,
                        spec: cs.clone(),
                    });
                }
            }
        }
        pending
    }

    /// Phase 3 for commands: request and response fields, retry class, results, doc links and
    /// sources. Returns the examples, checked in phase 4.
    pub(super) fn commands(&mut self, pending: Vec<PendingCommand>) -> Vec<PendingExamples> {
        let mut examples = Vec::new();
        for PendingCommand { service: sidx, file, wire, fn_name, pascal, request: req, response: resp, spec: cs } in pending {
            let owner = Owner::Service(sidx);
            let path = format!("commands.{wire}");
            let req_fields = self.fields(owner, &pascal, &cs.request, file, &format!("{path}.request"));
            self.types[req].kind = TypeKind::Object(req_fields);
            let resp_fields = self.fields(owner, &pascal, &cs.response, file, &format!("{path}.response"));
            for f in &resp_fields {
                if ENVELOPE_KEYS.contains(&f.wire.as_str()) {
                    self.err(
                        file,
                        &format!("{path}.response.{}", f.wire),
                        format!("`{}` is an envelope key; it is decoded by the runtime, not listed in `response`", f.wire),
                    );
                }
            }
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
