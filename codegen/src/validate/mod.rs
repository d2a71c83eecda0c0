//! Loading and validation: raw YAML ([`crate::spec`]) to the resolved [`crate::model`].
//!
//! Every problem becomes a [`Diagnostic`] naming the file and line; loading goes on after a problem so
//! that one run reports as much as it can. Nothing here panics on spec input.

use crate::diag::{Diagnostic, Diagnostics};
use crate::locate::LineIndex;
use crate::model::*;
use crate::names;
use crate::spec::{self, FieldSpec, OrderedMap};
use serde_json::Value;
use std::collections::{BTreeSet, HashMap};
use std::path::Path;

mod callbacks;
pub use callbacks::default_name as default_callback_name;

/// Keys of the reply envelope; they are never part of a response payload.
pub const ENVELOPE_KEYS: [&str; 5] = ["ActionStatus", "ErrorCode", "ErrorInfo", "RequestId", "ErrorDisplay"];

/// A source file as read from disk.
#[derive(Debug, Clone)]
pub struct Source {
    /// Path relative to the spec root, with `/` separators (e.g. `services/openim.yaml`).
    pub rel: String,
    /// Path as shown in messages.
    pub shown: String,
    /// File text.
    pub text: String,
}

/// Reads every spec file under `root` (`errors.yaml`, `types/*.yaml`, `services/*.yaml`), in a fixed
/// order, and validates them together.
pub fn load_dir(root: &Path) -> Result<Catalogue, Diagnostics> {
    let mut sources = Vec::new();
    let mut diags = Vec::new();
    let shown_root = root.display().to_string();
    let shown_root = shown_root.trim_end_matches('/');
    let mut rels = vec!["errors.yaml".to_owned()];
    if root.join("gaps.yaml").exists() {
        rels.push("gaps.yaml".to_owned());
    }
    for dir in ["types", "services", "callbacks"] {
        if dir == "callbacks" && !root.join(dir).exists() {
            continue;
        }
        let mut names = Vec::new();
        match std::fs::read_dir(root.join(dir)) {
            Ok(entries) => {
                for e in entries.flatten() {
                    let name = e.file_name().to_string_lossy().into_owned();
                    if name.ends_with(".yaml") {
                        names.push(name);
                    } else if !name.starts_with('.') {
                        diags.push(Diagnostic {
                            file: format!("{shown_root}/{dir}/{name}"),
                            line: 0,
                            column: None,
                            message: "unexpected file: spec files end in `.yaml`".into(),
                        });
                    }
                }
            }
            Err(e) => diags.push(Diagnostic {
                file: format!("{shown_root}/{dir}"),
                line: 0,
                column: None,
                message: format!("cannot list directory: {e}"),
            }),
        }
        names.sort();
        rels.extend(names.into_iter().map(|n| format!("{dir}/{n}")));
    }
    for rel in rels {
        let shown = format!("{shown_root}/{rel}");
        match std::fs::read_to_string(root.join(&rel)) {
            Ok(text) => sources.push(Source { rel, shown, text }),
            Err(e) => diags.push(Diagnostic { file: shown, line: 0, column: None, message: format!("cannot read: {e}") }),
        }
    }
    let result = load_sources(&sources);
    match (result, diags.is_empty()) {
        (Ok(c), true) => Ok(c),
        (Ok(_), false) => Err(Diagnostics(diags)),
        (Err(Diagnostics(mut more)), _) => {
            diags.append(&mut more);
            Err(Diagnostics(diags))
        }
    }
}

/// Validates a set of spec sources (already read). `rel` decides the role of each source:
/// `errors.yaml`, `types/...` or `services/...`.
pub fn load_sources(sources: &[Source]) -> Result<Catalogue, Diagnostics> {
    let mut b = Builder::default();
    let mut service_files = Vec::new();
    let mut callback_files = Vec::new();
    let mut types_files = Vec::new();
    let mut errors_file = None;
    let mut gaps_file = None;
    for (i, s) in sources.iter().enumerate() {
        b.files.push(FileInfo { shown: s.shown.clone(), rel: s.rel.clone(), index: LineIndex::new(&s.text) });
        if s.rel == "errors.yaml" {
            if let Some(f) = b.parse::<spec::ErrorsFile>(i, &s.text) {
                errors_file = Some((i, f));
            }
        } else if s.rel == "gaps.yaml" {
            if let Some(f) = b.parse::<spec::GapsFile>(i, &s.text) {
                gaps_file = Some((i, f));
            }
        } else if s.rel.starts_with("types/") {
            if let Some(f) = b.parse::<spec::TypesFile>(i, &s.text) {
                types_files.push((i, f));
            }
        } else if s.rel.starts_with("services/") {
            if let Some(f) = b.parse::<spec::ServiceFile>(i, &s.text) {
                service_files.push((i, f));
            }
        } else if s.rel.starts_with("callbacks/") {
            if let Some(f) = b.parse::<spec::CallbackFile>(i, &s.text) {
                callback_files.push((i, f));
            }
        } else {
            b.err(i, "", format!("unexpected spec file `{}`", s.rel));
        }
    }
    if let Some((i, f)) = &errors_file {
        b.errors(*i, f);
    }
    b.build(&types_files, &service_files, &callback_files);
    if let Some((i, f)) = &gaps_file {
        b.gaps(*i, f);
    }
    if b.diags.is_empty() { Ok(b.finish()) } else { Err(Diagnostics(b.diags)) }
}

struct FileInfo {
    shown: String,
    rel: String,
    index: LineIndex,
}

#[derive(Default)]
struct Builder {
    files: Vec<FileInfo>,
    diags: Vec<Diagnostic>,
    types: Vec<TypeDef>,
    names: HashMap<(Owner, String), TypeId>,
    services: Vec<Service>,
    shared: Vec<TypeId>,
    errors: Vec<ErrorCode>,
    gaps: Vec<Gap>,
    callbacks: Vec<CallbackGroup>,
    callback_gaps: Vec<CallbackGap>,
}

/// A callback whose roots are allocated but whose fields are not resolved yet.
struct PendingCallback {
    group: usize,
    file: usize,
    command: String,
    fn_name: String,
    pascal: String,
    event: TypeId,
    reply: Option<TypeId>,
    spec: spec::CallbackSpec,
}

/// A callback's examples, checked once type usage is known.
struct PendingCallbackExamples {
    group: usize,
    index: usize,
    file: usize,
    path: String,
    specs: Vec<spec::CallbackExampleSpec>,
}

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
    Err(format!(
        "`{s}` is not a type: expected a scalar (string, bool, i32, u32, i64, u64, f64, json), a PascalCase type name, \
         `[T]`, `map<T>` or `object`, optionally followed by `?`"
    ))
}

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
    fn err(&mut self, file: usize, path: &str, message: String) {
        let (shown, line) = match self.files.get(file) {
            Some(f) => (f.shown.clone(), f.index.line(path)),
            None => ("<spec>".to_owned(), 0),
        };
        self.diags.push(Diagnostic { file: shown, line, column: None, message });
    }

    fn parse<T: serde::de::DeserializeOwned>(&mut self, file: usize, text: &str) -> Option<T> {
        match serde_yaml::from_str::<T>(text) {
            Ok(v) => Some(v),
            Err(e) => {
                let (line, column) = match e.location() {
                    Some(l) => (l.line(), Some(l.column())),
                    None => (1, None),
                };
                let shown = self.files.get(file).map(|f| f.shown.clone()).unwrap_or_default();
                self.diags.push(Diagnostic { file: shown, line, column, message: e.to_string() });
                None
            }
        }
    }

    fn errors(&mut self, file: usize, f: &spec::ErrorsFile) {
        let mut seen_names = BTreeSet::new();
        let mut last: Option<i64> = None;
        for (code_text, e) in f.codes.iter() {
            let path = format!("codes.{code_text}");
            let Ok(code) = code_text.parse::<i64>() else {
                self.err(file, &path, format!("error code `{code_text}` is not an integer"));
                continue;
            };
            if let Some(prev) = last
                && code <= prev
            {
                self.err(file, &path, format!("error codes must be in ascending order: {code} after {prev}"));
            }
            last = Some(code);
            if !names::is_snake_ident(&e.name) {
                self.err(file, &path, format!("error name `{}` must be snake_case ASCII starting with a letter", e.name));
                continue;
            }
            if !seen_names.insert(e.name.clone()) {
                self.err(file, &path, format!("error name `{}` is used twice", e.name));
            }
            let Some(class) = ErrorClass::parse(&e.class) else {
                self.err(file, &path, format!("class `{}`: expected retry, transient, resign or permanent", e.class));
                continue;
            };
            self.errors.push(ErrorCode {
                code,
                constant: e.name.to_ascii_uppercase(),
                family: e.family.clone(),
                class,
                zh: e.zh.clone(),
                en: e.en.clone(),
            });
        }
    }

    fn gaps(&mut self, file: usize, f: &spec::GapsFile) {
        let mut seen = BTreeSet::new();
        for (i, g) in f.gaps.iter().enumerate() {
            let path = format!("gaps[{i}]");
            let modelled = self.services.iter().any(|s| s.wire == g.service && s.commands.iter().any(|c| c.wire == g.command));
            if modelled {
                self.err(file, &path, format!("`{}/{}` is in the catalogue; remove it from gaps.yaml", g.service, g.command));
            } else if !seen.insert((g.service.clone(), g.command.clone())) {
                self.err(file, &path, format!("`{}/{}` is listed twice", g.service, g.command));
            } else if g.reason.trim().is_empty() {
                self.err(file, &path, "a gap needs a `reason`".into());
            } else {
                self.gaps.push(Gap {
                    service: g.service.clone(),
                    command: g.command.clone(),
                    reason: g.reason.clone(),
                    doc: g.doc.clone(),
                });
            }
        }
        let mut seen_cb = BTreeSet::new();
        for (i, g) in f.callbacks.iter().enumerate() {
            let path = format!("callbacks[{i}]");
            let modelled = self.callbacks.iter().any(|grp| grp.callbacks.iter().any(|c| c.command == g.command));
            if modelled {
                self.err(file, &path, format!("callback `{}` is in the catalogue; remove it from gaps.yaml", g.command));
            } else if !seen_cb.insert(g.command.clone()) {
                self.err(file, &path, format!("callback `{}` is listed twice", g.command));
            } else if g.reason.trim().is_empty() {
                self.err(file, &path, "a gap needs a `reason`".into());
            } else {
                self.callback_gaps.push(CallbackGap { command: g.command.clone(), reason: g.reason.clone(), doc: g.doc.clone() });
            }
        }
    }

    fn alloc(&mut self, name: String, owner: Owner, role: Role, doc: Option<String>, file: usize, path: &str) -> Option<TypeId> {
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
        let id = self.types.len();
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

    fn build(
        &mut self,
        types_files: &[(usize, spec::TypesFile)],
        service_files: &[(usize, spec::ServiceFile)],
        callback_files: &[(usize, spec::CallbackFile)],
    ) {
        // Phase 1: register named types and command roots, so that references can be resolved in any order.
        let mut named: Vec<(TypeId, usize, String, spec::TypeSpec)> = Vec::new();
        for (file, tf) in types_files {
            for (name, ts) in tf.types.iter() {
                let path = format!("types.{name}");
                if !names::is_pascal_ident(name) {
                    self.err(*file, &path, format!("type name `{name}` must be PascalCase ASCII"));
                    continue;
                }
                if let Some(id) = self.alloc(name.clone(), Owner::Shared, Role::Named, ts.doc.clone(), *file, &path) {
                    self.shared.push(id);
                    named.push((id, *file, path, ts.clone()));
                }
            }
        }
        let mut modules = BTreeSet::new();
        let mut wires = BTreeSet::new();
        let mut pending_commands = Vec::new();
        for (file, sf) in service_files {
            let sidx = self.services.len();
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
                file: rel,
                commands: Vec::new(),
                types: Vec::new(),
            });
            for (name, ts) in sf.types.iter() {
                let path = format!("types.{name}");
                if !names::is_pascal_ident(name) {
                    self.err(*file, &path, format!("type name `{name}` must be PascalCase ASCII"));
                    continue;
                }
                if let Some(id) = self.alloc(name.clone(), owner, Role::Named, ts.doc.clone(), *file, &path) {
                    named.push((id, *file, path, ts.clone()));
                }
            }
            let mut fn_names = BTreeSet::new();
            for (cidx, (wire, cs)) in sf.commands.iter().enumerate() {
                let path = format!("commands.{wire}");
                if wire.is_empty() || !wire.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                    self.err(*file, &path, format!("command `{wire}` must be ASCII letters, digits and `_`"));
                    continue;
                }
                let fn_name = cs.name.clone().unwrap_or_else(|| names::snake(wire));
                if !names::is_snake_ident(&fn_name) || names::is_keyword(&fn_name) {
                    self.err(*file, &format!("{path}.name"), format!("function name `{fn_name}` must be a snake_case identifier"));
                    continue;
                }
                if !fn_names.insert(fn_name.clone()) {
                    self.err(*file, &path, format!("function name `{fn_name}` is used by two commands"));
                    continue;
                }
                let pascal = names::pascal(&fn_name);
                let req_doc = Some(format!("Request body of `{}/{}`.", sf.service, wire));
                let resp_doc = Some(format!("Response payload of `{}/{}` (the envelope is decoded separately).", sf.service, wire));
                let req =
                    self.alloc(format!("{pascal}Request"), owner, Role::Request(sidx, cidx), req_doc, *file, &format!("{path}.request"));
                let resp = self.alloc(
                    format!("{pascal}Response"),
                    owner,
                    Role::Response(sidx, cidx),
                    resp_doc,
                    *file,
                    &format!("{path}.response"),
                );
                if let (Some(req), Some(resp)) = (req, resp) {
                    pending_commands.push((sidx, *file, wire.clone(), fn_name, pascal, req, resp, cs.clone()));
                }
            }
        }

        let pending_callbacks = self.register_callbacks(callback_files, &mut named);

        // Phase 2: fill in named types.
        for (id, file, path, ts) in named {
            self.fill_named(id, file, &path, &ts);
        }
        // Phase 3: commands.
        let mut examples = Vec::new();
        for (sidx, file, wire, fn_name, pascal, req, resp, cs) in pending_commands {
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
            let results =
                cs.results.iter().enumerate().filter_map(|(i, r)| self.results(resp, r, file, &format!("{path}.results[{i}]"))).collect();
            for (what, link) in [("doc", Some(&cs.doc)), ("doc_en", cs.doc_en.as_ref())] {
                if let Some(l) = link
                    && !(l.starts_with("https://cloud.tencent.com/document/") || l.starts_with("https://www.tencentcloud.com/document/"))
                {
                    self.err(
                        file,
                        &format!("{path}.{what}"),
                        format!("`{what}` must link to the official documentation (cloud.tencent.com or www.tencentcloud.com), not `{l}`"),
                    );
                }
            }
            let sources = self.sources(&cs.sources, file, &path);
            let cmd = Command {
                wire: wire.clone(),
                fn_name,
                pascal,
                title: Title { zh: cs.title.zh.clone(), en: cs.title.en.clone() },
                doc: cs.doc.clone(),
                doc_en: cs.doc_en.clone(),
                description: cs.description.clone(),
                retry,
                request: req,
                response: resp,
                results,
                examples: Vec::new(),
                sources,
            };
            let cidx = self.services[sidx].commands.len();
            self.services[sidx].commands.push(cmd);
            examples.push((sidx, cidx, file, path, cs.examples.clone()));
        }
        let callback_examples = self.callbacks(pending_callbacks);
        // Phase 4: examples, once every type and its usage is known.
        self.mark_usage();
        self.callback_examples(callback_examples);
        for (sidx, cidx, file, path, specs) in examples {
            let cmd = self.services[sidx].commands[cidx].clone();
            let out = specs.iter().enumerate().map(|(i, e)| self.example(&cmd, e, file, &format!("{path}.examples[{i}]"))).collect();
            self.services[sidx].commands[cidx].examples = out;
        }
    }

    /// The currency record of a command: each source well-formed, no page listed twice.
    fn sources(&mut self, specs: &[spec::SourceSpec], file: usize, path: &str) -> Vec<SourceRef> {
        let mut out: Vec<SourceRef> = Vec::new();
        for (i, s) in specs.iter().enumerate() {
            let at = format!("{path}.sources[{i}]");
            let page_ok = s.page.starts_with("https://cloud.tencent.com/document/")
                || s.page.starts_with("https://www.tencentcloud.com/")
                || s.page.starts_with("https://trtc.io/")
                || s.page.strip_prefix("intlcloud-documents:").is_some_and(|p| !p.is_empty())
                || s.page.strip_prefix("qcloud-documents:").is_some_and(|p| !p.is_empty());
            if !page_ok {
                self.err(
                    file,
                    &at,
                    format!(
                        "source page `{}`: expected an official https URL (cloud.tencent.com, www.tencentcloud.com, trtc.io) \
                         or `intlcloud-documents:<path>` / `qcloud-documents:<path>`",
                        s.page
                    ),
                );
            }
            if !matches!(s.lang.as_str(), "zh" | "en" | "ja" | "ko" | "id" | "th" | "vi" | "ms") {
                self.err(file, &at, format!("source lang `{}`: expected zh, en, ja, ko, id, th, vi or ms", s.lang));
            }
            if s.dated != "unknown" && !is_date(&s.dated, false) {
                self.err(file, &at, format!("source dated `{}`: expected YYYY-MM-DD, YYYY-MM, YYYY or `unknown`", s.dated));
            }
            if !is_date(&s.checked, true) {
                self.err(file, &at, format!("source checked `{}`: expected YYYY-MM-DD", s.checked));
            }
            if out.iter().any(|o| o.page == s.page) {
                self.err(file, &at, format!("source page `{}` is listed twice", s.page));
                continue;
            }
            out.push(SourceRef {
                page: s.page.clone(),
                lang: s.lang.clone(),
                dated: s.dated.clone(),
                whole: s.whole,
                checked: s.checked.clone(),
                note: s.note.clone(),
            });
        }
        out
    }

    fn fields_of(&self, id: TypeId) -> &[Field] {
        match &self.types[id].kind {
            TypeKind::Object(f) => f,
            _ => &[],
        }
    }

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
                    self.err(file, &vpath, format!("unknown type `{}`", v.ty));
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
                    self.err(file, path, format!("unknown type `{n}`"));
                    return None;
                }
            },
            TyExpr::Array(t) => Ty::Array(Box::new(self.resolve(owner, t, file, path, inline)?)),
            TyExpr::Map(t) => Ty::Map(Box::new(self.resolve(owner, t, file, path, inline)?)),
            TyExpr::Object => Ty::Ref(inline?),
        })
    }

    fn fields(&mut self, owner: Owner, prefix: &str, specs: &OrderedMap<FieldSpec>, file: usize, path: &str) -> Vec<Field> {
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
            let Some(ty) = self.resolve(owner, &expr, file, &fpath, inline) else {
                continue;
            };
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

    fn example(&mut self, cmd: &Command, e: &spec::ExampleSpec, file: usize, path: &str) -> Example {
        let parse = |b: &mut Builder, text: &Option<String>, what: &str| -> Option<(String, Value)> {
            let text = text.as_ref()?;
            match serde_json::from_str::<Value>(text) {
                Ok(v) => Some((text.clone(), v)),
                Err(err) => {
                    let base = b.files.get(file).map(|f| f.index.line(&format!("{path}.{what}"))).unwrap_or(0);
                    let shown = b.files.get(file).map(|f| f.shown.clone()).unwrap_or_default();
                    // The JSON starts on the line after `request: |`.
                    b.diags.push(Diagnostic {
                        file: shown,
                        line: base + err.line(),
                        column: None,
                        message: format!("example {what} is not valid JSON: {err}"),
                    });
                    None
                }
            }
        };
        if e.request.is_none() && e.response.is_none() {
            self.err(file, path, "an example needs a `request` or a `response`".into());
        }
        let request = parse(self, &e.request, "request");
        let response = parse(self, &e.response, "response");
        if let Some((_, v)) = &request {
            let mut problems = Vec::new();
            let mode = if e.legacy { Check::Legacy } else { Check::Complete };
            self.check_value(v, &Ty::Ref(cmd.request), "$", mode, &mut problems);
            for p in problems {
                self.err(file, &format!("{path}.request"), format!("example request does not fit `{}`: {p}", self.types[cmd.request].name));
            }
        }
        if let Some((_, v)) = &response {
            let mut problems = Vec::new();
            match v {
                Value::Object(m) => {
                    let code = m.get("ErrorCode").and_then(Value::as_i64).unwrap_or(0);
                    let status = m.get("ActionStatus").and_then(Value::as_str).unwrap_or("OK");
                    let success = code == 0 && status != "FAIL";
                    let mut payload = m.clone();
                    for k in ENVELOPE_KEYS {
                        payload.remove(k);
                    }
                    for (k, want) in [
                        ("ActionStatus", "string"),
                        ("ErrorCode", "integer"),
                        ("ErrorInfo", "string"),
                        ("RequestId", "string"),
                        ("ErrorDisplay", "string"),
                    ] {
                        if let Some(x) = m.get(k) {
                            let ok = if want == "string" { x.is_string() } else { x.is_i64() };
                            if !ok {
                                problems.push(format!("envelope key `{k}` must be a {want}"));
                            }
                        }
                    }
                    let mode = match (e.legacy, success) {
                        (true, _) => Check::Legacy,
                        (false, true) => Check::Complete,
                        (false, false) => Check::Partial,
                    };
                    self.check_value(&Value::Object(payload), &Ty::Ref(cmd.response), "$", mode, &mut problems);
                }
                _ => problems.push("a response must be a JSON object".into()),
            }
            for p in problems {
                self.err(
                    file,
                    &format!("{path}.response"),
                    format!("example response does not fit `{}`: {p}", self.types[cmd.response].name),
                );
            }
        }
        if e.legacy && e.note.as_deref().is_none_or(|n| n.trim().is_empty()) {
            self.err(file, path, "a `legacy` example needs a `note` naming the older page it comes from".into());
        }
        Example { title: e.title.clone(), note: e.note.clone(), legacy: e.legacy, request, response }
    }

    /// Checks an example value against a type. `complete` demands required fields (requests and
    /// successful responses); unknown keys are always reported, since the spec must model every
    /// field the official examples show.
    fn check_value(&self, v: &Value, ty: &Ty, at: &str, mode: Check, out: &mut Vec<String>) {
        let complete = mode == Check::Complete;
        let kind = |v: &Value| match v {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Number(_) => "a number",
            Value::String(_) => "a string",
            Value::Array(_) => "an array",
            Value::Object(_) => "an object",
        };
        match ty {
            Ty::Scalar(s) => {
                let ok = match s {
                    Scalar::String => v.is_string() || (mode == Check::Legacy && (v.is_number() || v.is_boolean())),
                    Scalar::Bool => v.is_boolean(),
                    Scalar::F64 => v.is_number(),
                    Scalar::Json => true,
                    int => matches!(v, Value::Number(n) if int.int_fits(n)) || (mode == Check::Legacy && legacy_int_text(v, *int)),
                };
                if !ok {
                    out.push(format!("at {at}: expected {}, found {} `{}`", s.spelling(), kind(v), short(v)));
                }
            }
            Ty::Array(t) => match v {
                Value::Array(items) => {
                    for (i, x) in items.iter().enumerate() {
                        self.check_value(x, t, &format!("{at}[{i}]"), mode, out);
                    }
                }
                _ => out.push(format!("at {at}: expected an array, found {}", kind(v))),
            },
            Ty::Map(t) => match v {
                Value::Object(m) => {
                    for (k, x) in m {
                        self.check_value(x, t, &format!("{at}.{k}"), mode, out);
                    }
                }
                _ => out.push(format!("at {at}: expected an object (map), found {}", kind(v))),
            },
            Ty::Ref(id) => {
                let td = &self.types[*id];
                match &td.kind {
                    TypeKind::Object(fields) => {
                        let Value::Object(m) = v else {
                            out.push(format!("at {at}: expected object `{}`, found {}", td.name, kind(v)));
                            return;
                        };
                        for (k, x) in m {
                            match fields.iter().find(|f| &f.wire == k) {
                                Some(f) => {
                                    if x.is_null() && (f.optional || f.ty.is_collection()) {
                                        continue;
                                    }
                                    self.check_value(x, &f.ty, &format!("{at}.{k}"), mode, out);
                                }
                                None => match fields.iter().find(|f| f.aliases.contains(k)) {
                                    // An older page's spelling: the point of keeping a legacy example.
                                    Some(f) if mode == Check::Legacy => {
                                        if !(x.is_null() && (f.optional || f.ty.is_collection())) {
                                            self.check_value(x, &f.ty, &format!("{at}.{k}"), mode, out);
                                        }
                                    }
                                    // The round-trip test re-encodes examples with the field's own key.
                                    Some(f) => out
                                        .push(format!("at {at}: key `{k}` is an alias of `{}`; examples use the field's own key", f.wire)),
                                    None => out.push(format!("at {at}: key `{k}` is not a field of `{}`", td.name)),
                                },
                            }
                        }
                        if complete {
                            for f in fields {
                                // Collections read from responses default to empty when absent.
                                let defaulted = f.ty.is_collection() && td.in_response;
                                if !f.optional && !defaulted && !m.contains_key(&f.wire) {
                                    out.push(format!("at {at}: required field `{}` of `{}` is missing", f.wire, td.name));
                                }
                            }
                        }
                    }
                    TypeKind::Enum { base, .. } => {
                        let ok = match base {
                            Scalar::String => v.is_string() || (mode == Check::Legacy && v.is_number()),
                            int => matches!(v, Value::Number(n) if int.int_fits(n)) || (mode == Check::Legacy && legacy_int_text(v, *int)),
                        };
                        if !ok {
                            out.push(format!(
                                "at {at}: expected enum `{}` ({}), found {} `{}`",
                                td.name,
                                base.spelling(),
                                kind(v),
                                short(v)
                            ));
                        }
                    }
                    TypeKind::Union { tag, content, variants } => {
                        let Value::Object(m) = v else {
                            out.push(format!("at {at}: expected union `{}`, found {}", td.name, kind(v)));
                            return;
                        };
                        for k in m.keys() {
                            if k != tag && k != content {
                                out.push(format!("at {at}: key `{k}` is neither `{tag}` nor `{content}`"));
                            }
                        }
                        match m.get(tag).and_then(Value::as_str) {
                            Some(t) => match (variants.iter().find(|x| x.tag == t), m.get(content)) {
                                (Some(var), Some(c)) => self.check_value(c, &Ty::Ref(var.ty), &format!("{at}.{content}"), mode, out),
                                (Some(_), None) => out.push(format!("at {at}: `{content}` is missing")),
                                (None, _) => out.push(format!("at {at}: `{tag}` `{t}` is not a variant of `{}`", td.name)),
                            },
                            None => out.push(format!("at {at}: `{tag}` is missing or not a string")),
                        }
                    }
                    TypeKind::OneOf(alts) => {
                        let fits = alts.iter().any(|(_, t)| {
                            let mut probe = Vec::new();
                            self.check_value(v, t, at, mode, &mut probe);
                            probe.is_empty()
                        });
                        if !fits {
                            out.push(format!("at {at}: {} `{}` fits none of the alternatives of `{}`", kind(v), short(v), td.name));
                        }
                    }
                }
            }
        }
    }

    /// Reachability: which types are read from responses and which are sent in requests.
    fn mark_usage(&mut self) {
        let mut roots: Vec<(TypeId, bool)> =
            self.services.iter().flat_map(|s| s.commands.iter().flat_map(|c| [(c.request, true), (c.response, false)])).collect();
        // A callback's event is read by the app (like a response); its reply is written (like a request).
        for g in &self.callbacks {
            for c in &g.callbacks {
                roots.push((c.event, false));
                if let Some(r) = c.reply {
                    roots.push((r, true));
                }
            }
        }
        self.mark_from(roots);
        // A named type no command uses (yet) is emitted for both directions, and so is everything it uses.
        let unused: Vec<(TypeId, bool)> = (0..self.types.len())
            .filter(|&id| !self.types[id].in_request && !self.types[id].in_response)
            .flat_map(|id| [(id, true), (id, false)])
            .collect();
        self.mark_from(unused);
    }

    fn mark_from(&mut self, roots: Vec<(TypeId, bool)>) {
        for (root, is_req) in roots {
            let mut stack = vec![root];
            while let Some(id) = stack.pop() {
                let td = &mut self.types[id];
                let seen = if is_req { &mut td.in_request } else { &mut td.in_response };
                if *seen {
                    continue;
                }
                *seen = true;
                let mut refs = Vec::new();
                match &td.kind {
                    TypeKind::Object(fields) => fields.iter().for_each(|f| collect_refs(&f.ty, &mut refs)),
                    TypeKind::Union { variants, .. } => refs.extend(variants.iter().map(|v| v.ty)),
                    TypeKind::OneOf(alts) => alts.iter().for_each(|(_, t)| collect_refs(t, &mut refs)),
                    TypeKind::Enum { .. } => {}
                }
                stack.extend(refs);
            }
        }
    }

    fn finish(mut self) -> Catalogue {
        for (id, td) in self.types.iter().enumerate() {
            match td.owner {
                Owner::Service(s) => self.services[s].types.push(id),
                Owner::Callbacks(g) => self.callbacks[g].types.push(id),
                Owner::Shared => {}
            }
        }
        let mut errors = self.errors;
        errors.sort_by_key(|e| e.code);
        Catalogue {
            services: self.services,
            types: self.types,
            shared: self.shared,
            errors,
            gaps: self.gaps,
            callbacks: self.callbacks,
            callback_gaps: self.callback_gaps,
        }
    }
}

/// How an example is checked against its type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Check {
    /// Requests and successful responses: required fields must be present.
    Complete,
    /// Failure responses: required payload fields may be missing.
    Partial,
    /// An older page's example: also accepts alias keys, numbers where strings are modelled, decimal
    /// strings where integers are, and missing required fields (what the tolerant decoder corrects).
    Legacy,
}

/// A decimal string (or the empty string) where integer kind `int` is modelled.
fn legacy_int_text(v: &Value, int: Scalar) -> bool {
    match v {
        Value::String(s) if s.trim().is_empty() => true,
        Value::String(s) => s.trim().parse::<serde_json::Number>().is_ok_and(|n| int.int_fits(&n)),
        _ => false,
    }
}

/// `YYYY-MM-DD`, or (unless `full`) `YYYY-MM` or `YYYY`, with plausible month and day numbers.
fn is_date(s: &str, full: bool) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    let digits = |p: &str, n: usize| p.len() == n && p.bytes().all(|b| b.is_ascii_digit());
    let in_range = |p: &str, hi: u32| p.parse::<u32>().is_ok_and(|v| (1..=hi).contains(&v));
    match parts.as_slice() {
        [y] => !full && digits(y, 4),
        [y, m] => !full && digits(y, 4) && digits(m, 2) && in_range(m, 12),
        [y, m, d] => digits(y, 4) && digits(m, 2) && digits(d, 2) && in_range(m, 12) && in_range(d, 31),
        _ => false,
    }
}

fn collect_refs(t: &Ty, out: &mut Vec<TypeId>) {
    match t {
        Ty::Ref(id) => out.push(*id),
        Ty::Array(t) | Ty::Map(t) => collect_refs(t, out),
        Ty::Scalar(_) => {}
    }
}

fn short(v: &Value) -> String {
    let s = v.to_string();
    if s.chars().count() > 40 { format!("{}…", s.chars().take(40).collect::<String>()) } else { s }
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

    #[test]
    fn retry_classes() {
        assert_eq!(parse_retry("safe").unwrap(), Retry::Safe);
        assert_eq!(parse_retry("dedupe(MsgSeq, MsgRandom)").unwrap(), Retry::Dedupe(vec!["MsgSeq".into(), "MsgRandom".into()]));
        assert!(parse_retry("dedupe()").is_err());
        assert!(parse_retry("sometimes").is_err());
    }
}
