//! What commands and callbacks share, checked once: the Rust name (a snake_case identifier, unique in
//! its file or catalogue), the doc links and currency record, and the official examples (each parses,
//! names a body, and fits its type per the kind's own check).

use super::examples::Check;
use super::{Builder, PendingExamples};
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

/// How a kind of operation names things in the spec and in messages.
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
}

pub(super) const COMMAND: Kind = Kind {
    request: "request",
    response: "response",
    needs: "a `request` or a `response`",
    name: "function name",
    twice: "is used by two commands",
};

pub(super) const CALLBACK: Kind = Kind {
    request: "event",
    response: "reply",
    needs: "an `event` or a `reply`",
    name: "callback name",
    twice: "is used twice (set `name:`)",
};

impl Builder {
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

/// The check mode of a body that must be complete unless the example is `legacy`.
pub(super) fn complete_unless(legacy: bool) -> Check {
    if legacy { Check::Legacy } else { Check::Complete }
}
