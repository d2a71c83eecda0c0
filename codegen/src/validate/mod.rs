//! Validation: the parsed spec files ([`crate::spec`], read by [`crate::load`]) resolved into the
//! [`crate::model`].
//!
//! Every problem becomes a [`Diagnostic`] naming the file and line; validation goes on after a problem
//! so that one run reports as much as it can. Nothing here panics on spec input.
//!
//! The catalogue is built in phases, since a type may be used before (or in another file than) it is
//! defined:
//!
//! 1. register: every named type and every command and callback root gets an id;
//! 2. the named types are filled in;
//! 3. commands and callbacks: their fields, retry class, per-item results, outcomes;
//! 4. usage (which types are sent and which are read), then the examples, which are checked against it.
//!
//! By concern: `types.rs` (type expressions, fields, named types), `operations.rs` (what commands and
//! callbacks share: Rust names, doc links and sources, the examples), `commands.rs` and `callbacks.rs`
//! (what is their own, including how an example body fits), `sources.rs` (doc links and the currency
//! record), `examples.rs`, `usage.rs`, `errors.rs` and `gaps.rs`.

use crate::diag::{Diagnostic, Diagnostics};
use crate::locate::LineIndex;
use crate::model::*;
use crate::spec;
use std::collections::HashMap;

mod call_rules;
mod callbacks;
mod commands;
mod errors;
mod examples;
mod gaps;
mod operations;
mod sources;
mod types;
mod usage;

pub use operations::callback_default_name as default_callback_name;

/// Keys of the reply envelope; they are never part of a response payload.
pub const ENVELOPE_KEYS: [&str; 5] = ["ActionStatus", "ErrorCode", "ErrorInfo", "RequestId", "ErrorDisplay"];

/// Validates parsed spec files (which [`crate::load`] reads): the error table, then the phases of
/// [`Builder::build`], then the gaps (which must not name a modelled command). `complete_examples`:
/// apply the rule of that name (see `crate::load::Rules`).
pub(crate) fn validate(parsed: SpecFiles, complete_examples: bool) -> Result<Catalogue, Diagnostics> {
    let SpecFiles { files, diags, errors, gaps, types, services, callbacks } = parsed;
    let mut b = Builder { files, diags, complete_examples, ..Builder::default() };
    if let Some((i, f)) = &errors {
        b.errors(*i, f);
    }
    b.build(&types, &services, &callbacks);
    if let Some((i, f)) = &gaps {
        b.gaps(*i, f);
    }
    if b.diags.is_empty() { Ok(b.finish()) } else { Err(Diagnostics(b.diags)) }
}

/// One spec file as diagnostics name it.
pub(crate) struct FileInfo {
    /// The path shown in messages.
    pub(crate) shown: String,
    /// The path relative to the spec root.
    pub(crate) rel: String,
    /// The lines of its keys.
    pub(crate) index: LineIndex,
}

/// The spec files of one load, parsed by role (each with its index into `files`), and the problems
/// found so far.
#[derive(Default)]
pub(crate) struct SpecFiles {
    pub(crate) files: Vec<FileInfo>,
    pub(crate) diags: Vec<Diagnostic>,
    pub(crate) errors: Option<(usize, spec::ErrorsFile)>,
    pub(crate) gaps: Option<(usize, spec::GapsFile)>,
    pub(crate) types: Vec<(usize, spec::TypesFile)>,
    pub(crate) services: Vec<(usize, spec::ServiceFile)>,
    pub(crate) callbacks: Vec<(usize, spec::CallbackFile)>,
}

/// The catalogue under construction, and the problems found so far.
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
    /// Apply the rule `complete_examples` (see `crate::load::Rules`).
    complete_examples: bool,
}

/// A named type whose id is allocated but whose definition is not resolved yet.
struct PendingType {
    id: TypeId,
    file: usize,
    path: String,
    spec: spec::TypeSpec,
}

/// An operation (a command, a callback) whose roots are allocated but whose fields are not resolved
/// yet; `S` is its spec.
struct PendingOp<S> {
    /// The index of its service or callback group.
    parent: usize,
    file: usize,
    /// The wire command or `CallbackCommand`.
    wire: String,
    /// Its key path in the file (`commands.X`, `callbacks.X`).
    path: String,
    fn_name: String,
    pascal: String,
    /// The root of the body that is sent (a request, an event).
    sent: TypeId,
    /// The root of the answer, where the operation has one (a command's response, a `before`
    /// callback's reply).
    answer: Option<TypeId>,
    spec: S,
}

/// An operation's examples, checked once type usage is known.
struct PendingExamples {
    op: operations::OpRef,
    file: usize,
    path: String,
    specs: Vec<spec::ExampleSpec>,
}

impl Builder {
    /// Records a problem at `path` (a dotted key path, see [`crate::locate`]) of file `file`.
    fn err(&mut self, file: usize, path: &str, message: String) {
        let (shown, line) = match self.files.get(file) {
            Some(f) => (f.shown.clone(), f.index.line(path)),
            None => ("<spec>".to_owned(), 0),
        };
        self.diags.push(Diagnostic { file: shown, line, column: None, message });
    }

    /// The phases, in order (see the module docs).
    fn build(
        &mut self,
        types_files: &[(usize, spec::TypesFile)],
        service_files: &[(usize, spec::ServiceFile)],
        callback_files: &[(usize, spec::CallbackFile)],
    ) {
        // Phase 1: register named types and command and callback roots, so that references can be
        // resolved in any order.
        let mut named = Vec::new();
        for (file, tf) in types_files {
            self.register_types(Owner::Shared, *file, &tf.types, &mut named);
        }
        let commands = self.register_operations(service_files, &mut named);
        let callbacks = self.register_operations(callback_files, &mut named);
        // Phase 2: fill in named types.
        self.fill_named_types(named);
        // Phase 3: commands and callbacks.
        let examples = self.commands(commands);
        let callback_examples = self.callbacks(callbacks);
        // Phase 4: examples, once every type and its usage is known.
        self.mark_usage();
        self.operation_examples(callback_examples);
        self.operation_examples(examples);
    }

    /// The catalogue: each type listed under the module it is emitted in, error codes ascending.
    fn finish(mut self) -> Catalogue {
        for (id, td) in self.types.iter().enumerate() {
            let id = TypeId(id);
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
