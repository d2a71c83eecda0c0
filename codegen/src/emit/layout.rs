//! The output layout: every file `cargo xtask gen` writes ([`files`]), and which construct of a
//! service's or callback group's module goes in which file of its directory ([`Part`]; the choice is
//! described in the [`emit`](super) module docs).

use super::registry::OpId;
use super::{Emitter, format_file, header};
use crate::model::*;
use crate::{Error, GeneratedFile};
use proc_macro2::{TokenStream, TokenTree};
use quote::{format_ident, quote};
use std::collections::BTreeSet;

/// Where the generated API files live, relative to the repository root.
pub const API_DIR: &str = "generated/src/api";
/// The generated crate's manifest (written whole by the generator).
pub const CRATE_MANIFEST: &str = "generated/Cargo.toml";
/// The generated crate's root.
pub const CRATE_LIB: &str = "generated/src/lib.rs";
/// The endpoint coverage table.
pub const ENDPOINTS_MD: &str = "generated/ENDPOINTS.md";
/// The currency record: per command, the official pages its schema was checked against.
pub const SOURCES_MD: &str = "generated/SOURCES.md";
/// The generated test that calls every command against the local server.
pub const CALL_TESTS: &str = "generated/tests/every_command.rs";
/// The OpenAPI 3.1 document of the whole catalogue ([`super::openapi::render`]).
pub const OPENAPI_JSON: &str = "generated/openapi.json";

/// One file of a service's or callback group's module directory, besides its `mod.rs`: one
/// construct of the module.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// `types.rs`: the request, response, event, reply and named types with their serde impls,
    /// constructors and setters.
    Types,
    /// `calls.rs` (services only): the handle, its accessor on the crate's `Client`, the call
    /// functions with their docs and doc examples.
    Calls,
    /// `shapes.rs`: the drift descriptions of the types that are read, and their `Schema` impls.
    Shapes,
    /// `registry.rs`: what the runtime knows of each operation: the `Endpoint`, `ReplyPayload`,
    /// `ItemResults`, `Paged` and `Batched` impls of a service's commands (the call rules) and the
    /// module's registry records (`COMMANDS`, `CALLBACKS`).
    Registry,
    /// `examples.rs`: the official example bodies, one static per operation, which the registry
    /// records point to.
    Examples,
}

impl Part {
    /// Every part, in the order `mod.rs` declares them.
    pub const ALL: [Part; 5] = [Part::Types, Part::Calls, Part::Shapes, Part::Registry, Part::Examples];

    /// The Rust module (the file stem).
    pub fn module(self) -> &'static str {
        match self {
            Part::Types => "types",
            Part::Calls => "calls",
            Part::Shapes => "shapes",
            Part::Registry => "registry",
            Part::Examples => "examples",
        }
    }

    /// How the directory's `mod.rs` declares it: the public parts are re-exported whole, so every
    /// public path is the module's (`openim::SendMsgRequest`); the registry records are for the API
    /// root only; the examples for the registry.
    fn declaration(self) -> TokenStream {
        let m = format_ident!("{}", self.module());
        match self {
            Part::Types | Part::Calls | Part::Shapes => quote!(mod #m; pub use #m::*;),
            Part::Registry => quote!(mod #m; pub(crate) use #m::*;),
            Part::Examples => quote!(mod #m;),
        }
    }
}

/// A module with a directory of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Dir {
    Service(ServiceId),
    Group(GroupId),
}

/// Every file of the `tim-rest` crate (`generated/`), relative to the repository root.
pub fn files(cat: &Catalogue) -> Result<Vec<GeneratedFile>, Error> {
    let em = Emitter::new(cat);
    let mut files: Vec<GeneratedFile> =
        api_files(&em)?.into_iter().map(|f| GeneratedFile { path: format!("{API_DIR}/{}", f.path), contents: f.contents }).collect();
    files.push(file(CRATE_MANIFEST, Ok(super::crate_files::manifest(cat)))?);
    files.push(file(CRATE_LIB, Ok(em.lib_rs()))?);
    files.push(file(ENDPOINTS_MD, Ok(super::docs::endpoints_md(cat)))?);
    files.push(file(SOURCES_MD, Ok(super::docs::sources_md(cat)))?);
    files.push(file(CALL_TESTS, em.call_tests())?);
    files.push(file(OPENAPI_JSON, Ok(super::openapi::render(cat)))?);
    Ok(files)
}

/// The Rust files of the API module, relative to its directory ([`API_DIR`] in `tim-rest`): `mod.rs`,
/// `types.rs`, `error_codes.rs`, a directory per service, and `callbacks/` with its `mod.rs` and a
/// directory per callback group.
pub fn api_files(em: &Emitter<'_>) -> Result<Vec<GeneratedFile>, Error> {
    let mut files = vec![file("mod.rs", em.api_mod())?, file("types.rs", em.shared_module())?, file("error_codes.rs", em.error_codes())?];
    for id in em.service_ids() {
        files.extend(module_dir(em, Dir::Service(id))?);
    }
    if !em.cat.callbacks.is_empty() {
        files.push(file("callbacks/mod.rs", em.callbacks_mod())?);
        for id in em.group_ids() {
            files.extend(module_dir(em, Dir::Group(id))?);
        }
    }
    Ok(files)
}

fn file(path: &str, contents: Result<String, String>) -> Result<GeneratedFile, Error> {
    Ok(GeneratedFile { path: path.to_owned(), contents: contents.map_err(Error::Emit)? })
}

/// The files of a module's directory: `mod.rs` and the parts that are not empty.
fn module_dir(em: &Emitter<'_>, dir: Dir) -> Result<Vec<GeneratedFile>, Error> {
    let (path, source, doc, types, ops): (String, &str, TokenStream, &[TypeId], Vec<OpId>) = match dir {
        Dir::Service(id) => {
            let s = &em.cat.services[id];
            (s.module.clone(), &s.file, em.service_doc(id), &s.types, em.command_ids(id).map(OpId::Command).collect())
        }
        Dir::Group(id) => {
            let g = &em.cat.callbacks[id];
            (format!("callbacks/{}", g.module), &g.file, em.group_doc(id), &g.types, em.callback_ids(id).map(OpId::Callback).collect())
        }
    };
    let local: BTreeSet<String> = types.iter().map(|id| em.cat.types[*id].name.clone()).collect();
    let header = header(&format!("spec/{source}"));
    let mut files = Vec::new();
    let mut declared = Vec::new();
    for part in Part::ALL {
        let tokens = match (part, dir) {
            (Part::Types, _) => types.iter().map(|id| em.type_def(*id)).collect(),
            (Part::Calls, Dir::Service(id)) => em.service_calls(id),
            (Part::Calls, Dir::Group(_)) => TokenStream::new(),
            (Part::Shapes, _) => types.iter().map(|id| em.shape_static(*id)).collect(),
            (Part::Registry, Dir::Service(id)) => em.registry_part(Owner::Service(id)),
            (Part::Registry, Dir::Group(id)) => em.registry_part(Owner::Callbacks(id)),
            (Part::Examples, _) => ops.iter().map(|op| em.examples_static(*op)).collect(),
        };
        if tokens.is_empty() {
            continue;
        }
        // The other parts name the module's types by their names.
        let uses = if part != Part::Types && names_any(&tokens, &local) {
            quote!(
                use super::types::*;
            )
        } else {
            quote!()
        };
        let contents = format_file(quote!(#uses #tokens)).map_err(Error::Emit)?;
        files.push(GeneratedFile { path: format!("{path}/{}.rs", part.module()), contents: format!("{header}{contents}") });
        declared.push(part.declaration());
    }
    let mod_rs = format_file(quote!(#doc #(#declared)*)).map_err(Error::Emit)?;
    files.insert(0, GeneratedFile { path: format!("{path}/mod.rs"), contents: format!("{header}{mod_rs}") });
    Ok(files)
}

/// Whether `tokens` hold one of `names` as an identifier.
fn names_any(tokens: &TokenStream, names: &BTreeSet<String>) -> bool {
    tokens.clone().into_iter().any(|t| match t {
        TokenTree::Ident(i) => names.contains(&i.to_string()),
        TokenTree::Group(g) => names_any(&g.stream(), names),
        _ => false,
    })
}
