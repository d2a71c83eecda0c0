//! What commands and callbacks share, checked once: the Rust name (a snake_case identifier, unique in
//! its file or catalogue), the doc links and currency record, and the official examples (each parses,
//! names a body, and fits its type per the kind's own check).

use super::{Builder, PendingExamples, PendingOp, PendingType};
use crate::model::*;
use crate::names;
use crate::spec;
use serde_json::Value;
use std::collections::BTreeSet;

/// Which operation a deferred example check belongs to.
#[derive(Debug, Clone, Copy)]
pub(super) enum OpRef {
    /// A command.
    Command(CommandId),
    /// A callback.
    Callback(CallbackId),
}

/// One of the two bodies of an example.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Body {
    /// What is sent: a command's request, a callback's event.
    Request,
    /// What is answered: a command's response, a callback's reply.
    Response,
}

/// How a kind of operation is written in the spec and named in messages: the data the shared
/// registration ([`Builder::register_operations`]) and example check ([`Builder::operation_examples`])
/// read instead of having a copy of their logic per kind.
pub(super) struct Kind {
    /// The keys of the two bodies of an example (`request`/`response`, `event`/`reply`).
    pub request: &'static str,
    pub response: &'static str,
    /// An example must have one of the two: "a `request` or a `response`".
    pub needs: &'static str,
    /// What the Rust name is called in messages ("function name", "callback name").
    pub name: &'static str,
    /// The end of the message when two operations get the same Rust name.
    pub twice: &'static str,
    /// The folder of the kind's files (`services`, `callbacks`).
    pub dir: &'static str,
    /// The key naming a file, whose value is also the file stem (`service`, `group`).
    pub file_key: &'static str,
    /// What a file is called in messages ("service", "callback group").
    pub file_what: &'static str,
    /// The key where a file sets its Rust module name, and the hint given when the name is bad.
    pub module_key: &'static str,
    pub module_hint: &'static str,
    /// Module names the generated crate uses for something else.
    pub reserved_modules: &'static [&'static str],
    /// The Rust module name of a file that does not set one, from its stem.
    pub default_module: fn(&str) -> String,
    /// The key holding the operations (`commands`, `callbacks`), and what one is called in messages.
    pub ops_key: &'static str,
    pub op_what: &'static str,
    /// Whether an operation key is well formed, and the rule it breaks otherwise.
    pub wire_ok: fn(&str) -> bool,
    pub wire_rule: &'static str,
    /// Whether wire keys and Rust names are unique in the whole catalogue (one module of handlers) or
    /// only in their file (one module per service).
    pub catalogue_wide: bool,
    /// The default Rust name of an operation, from its key.
    pub default_name: fn(&str) -> String,
    /// The owner of the types of the file at this index of the services or groups.
    pub owner: fn(usize) -> Owner,
    /// The suffixes of the two roots' names (`Request`/`Response`, `Event`/`Reply`) and the spec keys
    /// of their fields are [`Kind::request`] and [`Kind::response`].
    pub suffixes: [&'static str; 2],
    /// The roles of the two roots of operation `index` of file `parent`.
    pub roles: fn(usize, usize) -> [Role; 2],
    /// The docs of the two roots, from the file stem and the operation key.
    pub docs: [fn(&str, &str) -> String; 2],
}

pub(super) const COMMAND: Kind = Kind {
    request: "request",
    response: "response",
    needs: "a `request` or a `response`",
    name: "function name",
    twice: "is used by two commands",
    dir: "services",
    file_key: "service",
    file_what: "service",
    module_key: "module",
    module_hint: " (set `module:`)",
    reserved_modules: &["types", "error_codes", "registry"],
    default_module: names::snake,
    ops_key: "commands",
    op_what: "command",
    wire_ok: |w| !w.is_empty() && w.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'),
    wire_rule: "must be ASCII letters, digits and `_`",
    catalogue_wide: false,
    default_name: names::snake,
    owner: |s| Owner::Service(ServiceId(s)),
    suffixes: ["Request", "Response"],
    roles: |service, index| {
        let id = CommandId { service: ServiceId(service), index };
        [Role::Request(id), Role::Response(id)]
    },
    docs: [
        |service, wire| format!("Request body of `{service}/{wire}`."),
        |service, wire| format!("Response payload of `{service}/{wire}` (the envelope is decoded separately)."),
    ],
};

pub(super) const CALLBACK: Kind = Kind {
    request: "event",
    response: "reply",
    needs: "an `event` or a `reply`",
    name: "callback name",
    twice: "is used twice (set `name:`)",
    dir: "callbacks",
    file_key: "group",
    file_what: "callback group",
    module_key: "group",
    module_hint: "",
    reserved_modules: &[],
    default_module: str::to_owned,
    ops_key: "callbacks",
    op_what: "callback command",
    wire_ok: |w| {
        w.split('.').count() >= 2 && w.split('.').all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
    },
    wire_rule: "must look like `Category.CallbackName`",
    catalogue_wide: true,
    default_name: callback_default_name,
    owner: |g| Owner::Callbacks(GroupId(g)),
    suffixes: ["Event", "Reply"],
    roles: |group, index| {
        let id = CallbackId { group: GroupId(group), index };
        [Role::Event(id), Role::Reply(id)]
    },
    docs: [|_, command| format!("The body of callback `{command}`."), |_, command| format!("The app's reply to callback `{command}`.")],
};

/// A spec file of operations (a service, a callback group) as the shared registration reads it.
pub(super) trait OpFile {
    /// The spec of one operation.
    type Op: OpSpec;
    /// How the kind is written and named.
    const KIND: &'static Kind;
    /// What the registration reads of the file.
    fn view(&self) -> FileView<'_, Self::Op>;
    /// Pushes the file's own record (a [`Service`], a [`CallbackGroup`]) with its checks; returns its
    /// index.
    fn open(&self, b: &mut Builder, file: usize, module: String, rel: String) -> usize;
}

/// The keys of an operation file the shared registration reads.
pub(super) struct FileView<'a, S> {
    /// The value of [`Kind::file_key`]: the wire servicename, the group.
    pub stem: &'a str,
    /// The Rust module name the file sets, if the kind has the key.
    pub module: Option<&'a str>,
    /// The file's named types.
    pub types: &'a spec::OrderedMap<spec::TypeSpec>,
    /// The operations, keyed by their wire name.
    pub ops: &'a spec::OrderedMap<S>,
}

/// The spec of one operation as the shared registration reads it.
pub(super) trait OpSpec: Clone {
    /// The Rust name the spec sets.
    fn name(&self) -> Option<&str>;
    /// Whether it has the second root (a command's response, a `before` callback's reply).
    fn answered(&self) -> bool;
}

impl Builder {
    /// Phase 1 for one kind of operation: each file (where it lives, its module name), its record
    /// ([`OpFile::open`]), its named types, and each operation's key, Rust name and roots.
    pub(super) fn register_operations<F: OpFile>(&mut self, files: &[(usize, F)], named: &mut Vec<PendingType>) -> Vec<PendingOp<F::Op>> {
        let kind = F::KIND;
        let mut modules = BTreeSet::new();
        let mut stems = BTreeSet::new();
        let (mut all_wires, mut all_names) = (BTreeSet::new(), BTreeSet::new());
        let mut pending = Vec::new();
        for (file, f) in files {
            let file = *file;
            let view = f.view();
            let (stem, what, key) = (view.stem, kind.file_what, kind.file_key);
            let rel = self.files.get(file).map(|f| f.rel.clone()).unwrap_or_default();
            if rel != format!("{}/{stem}.yaml", kind.dir) {
                self.err(file, key, format!("{what} `{stem}` must live in `{}/{stem}.yaml`", kind.dir));
            }
            if !stems.insert(stem.to_owned()) {
                self.err(file, key, format!("{what} `{stem}` is defined twice"));
            }
            let module = view.module.map_or_else(|| (kind.default_module)(stem), str::to_owned);
            if !names::is_snake_ident(&module) || names::is_keyword(&module) {
                let hint = kind.module_hint;
                self.err(file, kind.module_key, format!("module name `{module}` must be a snake_case identifier{hint}"));
            }
            if kind.reserved_modules.contains(&module.as_str()) || !modules.insert(module.clone()) {
                self.err(file, kind.module_key, format!("module name `{module}` is taken"));
            }
            let parent = f.open(self, file, module, rel);
            let owner = (kind.owner)(parent);
            self.register_types(owner, file, view.types, named);
            let (mut file_wires, mut file_names) = (BTreeSet::new(), BTreeSet::new());
            let (wires, fn_names) = if kind.catalogue_wide { (&mut all_wires, &mut all_names) } else { (&mut file_wires, &mut file_names) };
            for (index, (wire, op)) in view.ops.iter().enumerate() {
                let path = format!("{}.{wire}", kind.ops_key);
                if !(kind.wire_ok)(wire) {
                    self.err(file, &path, format!("{} `{wire}` {}", kind.op_what, kind.wire_rule));
                    continue;
                }
                if !wires.insert(wire.clone()) {
                    self.err(file, &path, format!("{} `{wire}` is defined twice", kind.op_what));
                    continue;
                }
                let Some((fn_name, pascal)) = self.op_name(kind, op.name(), || (kind.default_name)(wire), fn_names, file, &path) else {
                    continue;
                };
                let roles = (kind.roles)(parent, index);
                let root = |b: &mut Builder, i: usize, key: &str| {
                    let doc = Some((kind.docs[i])(stem, wire));
                    b.alloc(format!("{pascal}{}", kind.suffixes[i]), owner, roles[i], doc, file, &format!("{path}.{key}"))
                };
                let sent = root(self, 0, kind.request);
                let answer = if op.answered() { root(self, 1, kind.response).map(Some) } else { Some(None) };
                if let (Some(sent), Some(answer)) = (sent, answer) {
                    let spec = op.clone();
                    pending.push(PendingOp { parent, file, wire: wire.clone(), path, fn_name, pascal, sent, answer, spec });
                }
            }
        }
        pending
    }

    /// Reports each field of the body at `path` that is a key of the `envelope` around it; `why` says
    /// what handles such a key instead.
    pub(super) fn no_envelope_keys(&mut self, fields: &[Field], envelope: &[&str], why: &str, file: usize, path: &str) {
        for f in fields.iter().filter(|f| envelope.contains(&f.wire.as_str())) {
            self.err(file, &format!("{path}.{}", f.wire), format!("`{}` is an envelope key; {why}", f.wire));
        }
    }

    /// The Rust name of an operation (`name:`, else `default`) and its PascalCase stem; `None` (reported)
    /// when it is not a snake_case identifier or `taken` already holds it.
    pub(super) fn op_name(
        &mut self,
        kind: &Kind,
        given: Option<&str>,
        default: impl FnOnce() -> String,
        taken: &mut BTreeSet<String>,
        file: usize,
        path: &str,
    ) -> Option<(String, String)> {
        let fn_name = given.map_or_else(default, str::to_owned);
        if !names::is_snake_ident(&fn_name) || names::is_keyword(&fn_name) {
            self.err(file, &format!("{path}.name"), format!("{} `{fn_name}` must be a snake_case identifier", kind.name));
            return None;
        }
        if !taken.insert(fn_name.clone()) {
            self.err(file, path, format!("{} `{fn_name}` {}", kind.name, kind.twice));
            return None;
        }
        let pascal = names::pascal(&fn_name);
        Some((fn_name, pascal))
    }

    /// The shared part of an operation: titles and links (checked), the currency record (checked); the
    /// examples are checked in phase 4 ([`Builder::operation_examples`]), once usage is known.
    pub(super) fn operation(&mut self, s: &spec::OperationSpec<'_>, fn_name: String, pascal: String, file: usize, path: &str) -> Operation {
        self.doc_links(s.doc, s.doc_en, file, path);
        let sources = self.sources(s.sources, file, path);
        Operation {
            fn_name,
            pascal,
            title: Title { zh: s.title.zh.clone(), en: s.title.en.clone() },
            doc: s.doc.to_owned(),
            doc_en: s.doc_en.map(str::to_owned),
            description: s.description.map(str::to_owned),
            examples: Vec::new(),
            sources,
        }
    }

    /// Phase 4: every example of every operation parses and fits its types.
    pub(super) fn operation_examples(&mut self, pending: Vec<PendingExamples>) {
        for p in pending {
            let out = match p.op {
                OpRef::Command(id) => {
                    let cmd = self.services[id.service].commands[id.index].clone();
                    self.examples(&COMMAND, &p, |b, body, v, legacy| b.command_example(&cmd, body, v, legacy))
                }
                OpRef::Callback(id) => {
                    let cb = self.callbacks[id.group].callbacks[id.index].clone();
                    self.examples(&CALLBACK, &p, |b, body, v, legacy| b.callback_example(&cb, body, v, legacy))
                }
            };
            match p.op {
                OpRef::Command(id) => self.services[id.service].commands[id.index].op.examples = out,
                OpRef::Callback(id) => self.callbacks[id.group].callbacks[id.index].op.examples = out,
            }
        }
    }

    /// The examples of one operation: each names a body, a `legacy` one says where it comes from, each
    /// body parses as JSON and passes `fits` (which returns what was checked against, and the problems).
    fn examples(
        &mut self,
        kind: &Kind,
        p: &PendingExamples,
        fits: impl Fn(&Builder, Body, &Value, bool) -> (String, Vec<String>),
    ) -> Vec<Example> {
        let mut out = Vec::new();
        for (i, e) in p.specs.iter().enumerate() {
            let path = format!("{}.examples[{i}]", p.path);
            if e.request.is_none() && e.response.is_none() {
                self.err(p.file, &path, format!("an example needs {}", kind.needs));
            }
            if e.legacy && e.note.as_deref().is_none_or(|n| n.trim().is_empty()) {
                self.err(p.file, &path, "a `legacy` example needs a `note` naming the older page it comes from".into());
            }
            let request = self.parse_example_json(&e.request, p.file, &path, kind.request);
            let response = self.parse_example_json(&e.response, p.file, &path, kind.response);
            for (body, key, parsed) in [(Body::Request, kind.request, &request), (Body::Response, kind.response, &response)] {
                if let Some((_, v)) = parsed {
                    let (what, problems) = fits(self, body, v, e.legacy);
                    for pr in problems {
                        self.err(p.file, &format!("{path}.{key}"), format!("example {key} does not fit{what}: {pr}"));
                    }
                }
            }
            out.push(Example { title: e.title.clone(), note: e.note.clone(), legacy: e.legacy, request, response });
        }
        out
    }
}

/// The default Rust name stem of a callback command: the command without `Callback`, in snake case
/// (`C2C.CallbackBeforeSendMsg` -> `c2c_before_send_msg`, `State.StateChange` -> `state_state_change`).
pub fn callback_default_name(command: &str) -> String {
    let parts: Vec<String> = command.split('.').map(|p| p.strip_prefix("Callback").unwrap_or(p).to_owned()).collect();
    names::snake(&parts.join("_"))
}
