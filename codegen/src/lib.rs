//! The generator library: loads and validates the Tencent Cloud IM REST catalogue (`spec/`) and turns
//! it into the Rust files of the `tim-rest` crate.
//!
//! - [`load::load_dir`] reads the YAML (with `serde_yaml`) and [`validate`] resolves it into a
//!   [`model::Catalogue`]; every problem is a [`diag::Diagnostic`] that names the file and the line.
//! - [`generate`] emits every generated file as text, deterministically.
//! - [`write()`] and [`check`] put those files on disk or compare them with what is there.
//! - [`openapi`] renders the catalogue as an OpenAPI 3.1 document (`generated/openapi.json`).
//! - [`diff`] compares two catalogues and judges every change on the wire and for Rust users.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod diag;
pub mod diff;
pub mod emit;
pub mod load;
pub mod locate;
pub mod model;
pub mod names;
pub mod portable;
pub mod spec;
pub mod validate;

pub use emit::openapi;

use std::path::{Path, PathBuf};

/// A file the generator owns, relative to the repository root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedFile {
    /// Path relative to the repository root, with `/` separators.
    pub path: String,
    /// Full contents.
    pub contents: String,
}

/// What can go wrong in generation.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The catalogue is invalid.
    #[error("the catalogue has {n} problem(s):\n{0}", n = .0.0.len())]
    Spec(#[from] diag::Diagnostics),
    /// The generator produced code that does not parse (a generator bug).
    #[error("internal generator error: {0}")]
    Emit(String),
    /// Reading or writing a file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The failure.
        source: std::io::Error,
    },
}

/// Where the generated files live, relative to the repository root.
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
/// The OpenAPI 3.1 document of the whole catalogue ([`openapi::render`]).
pub const OPENAPI_JSON: &str = "generated/openapi.json";

/// The Rust files of the API module (`mod.rs`, `types.rs`, `error_codes.rs`, one per service), named
/// relative to the module directory, for the emitter `em`.
pub fn api_files(em: &emit::Emitter<'_>) -> Result<Vec<GeneratedFile>, Error> {
    let mut files = vec![
        GeneratedFile { path: "mod.rs".into(), contents: em.api_mod().map_err(Error::Emit)? },
        GeneratedFile { path: "types.rs".into(), contents: em.shared_module().map_err(Error::Emit)? },
        GeneratedFile { path: "error_codes.rs".into(), contents: em.error_codes().map_err(Error::Emit)? },
    ];
    for (i, s) in em.cat.services.iter().enumerate() {
        files.push(GeneratedFile { path: format!("{}.rs", s.module), contents: em.service_module(i).map_err(Error::Emit)? });
    }
    if !em.cat.callbacks.is_empty() {
        files.push(GeneratedFile { path: "callbacks/mod.rs".into(), contents: em.callbacks_mod().map_err(Error::Emit)? });
        for (i, g) in em.cat.callbacks.iter().enumerate() {
            files.push(GeneratedFile {
                path: format!("callbacks/{}.rs", g.module),
                contents: em.callback_group_module(i).map_err(Error::Emit)?,
            });
        }
    }
    Ok(files)
}

/// Generates every file of the `tim-rest` crate (`generated/`) from a validated catalogue.
pub fn generate(cat: &model::Catalogue) -> Result<Vec<GeneratedFile>, Error> {
    let em = emit::Emitter::new(cat);
    let mut files: Vec<GeneratedFile> =
        api_files(&em)?.into_iter().map(|f| GeneratedFile { path: format!("{API_DIR}/{}", f.path), contents: f.contents }).collect();
    files.push(GeneratedFile { path: CRATE_MANIFEST.to_owned(), contents: emit::crate_files::manifest(cat) });
    files.push(GeneratedFile { path: CRATE_LIB.to_owned(), contents: emit::crate_files::lib_rs(cat) });
    files.push(GeneratedFile { path: ENDPOINTS_MD.to_owned(), contents: emit::docs::endpoints_md(cat) });
    files.push(GeneratedFile { path: SOURCES_MD.to_owned(), contents: emit::docs::sources_md(cat) });
    files.push(GeneratedFile { path: CALL_TESTS.to_owned(), contents: em.call_tests().map_err(Error::Emit)? });
    files.push(GeneratedFile { path: OPENAPI_JSON.to_owned(), contents: openapi::render(cat) });
    Ok(files)
}

/// Loads `root/spec` and generates every file.
pub fn generate_from_repo(root: &Path) -> Result<Vec<GeneratedFile>, Error> {
    let cat = load::load_dir(&root.join("spec"))?;
    generate(&cat)
}

/// Files under [`API_DIR`] (and its folders) that the generator would not write (left over from a
/// removed service or callback group).
fn stale_files(root: &Path, files: &[GeneratedFile]) -> Result<Vec<String>, Error> {
    let mut out = Vec::new();
    let mut dirs = vec![API_DIR.to_owned()];
    while let Some(rel_dir) = dirs.pop() {
        let dir = root.join(&rel_dir);
        let entries = match std::fs::read_dir(&dir) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(source) => return Err(Error::Io { path: dir, source }),
        };
        for e in entries.flatten() {
            let rel = format!("{rel_dir}/{}", e.file_name().to_string_lossy());
            if e.path().is_dir() {
                dirs.push(rel);
            } else if !files.iter().any(|f| f.path == rel) {
                out.push(rel);
            }
        }
    }
    out.sort();
    Ok(out)
}

/// Writes every generated file under `root` and removes stale ones; returns the paths that changed.
pub fn write(root: &Path, files: &[GeneratedFile]) -> Result<Vec<String>, Error> {
    let mut changed = Vec::new();
    for f in files {
        let path = root.join(&f.path);
        if std::fs::read_to_string(&path).ok().as_deref() == Some(f.contents.as_str()) {
            continue;
        }
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|source| Error::Io { path: parent.to_owned(), source })?;
        }
        std::fs::write(&path, &f.contents).map_err(|source| Error::Io { path: path.clone(), source })?;
        changed.push(f.path.clone());
    }
    for stale in stale_files(root, files)? {
        let path = root.join(&stale);
        std::fs::remove_file(&path).map_err(|source| Error::Io { path, source })?;
        changed.push(stale);
    }
    Ok(changed)
}

/// Compares generated files with the ones on disk without writing; returns the paths that differ,
/// are missing or are stale.
pub fn check(root: &Path, files: &[GeneratedFile]) -> Result<Vec<String>, Error> {
    let mut differ = Vec::new();
    for f in files {
        let path = root.join(&f.path);
        if std::fs::read_to_string(&path).ok().as_deref() != Some(f.contents.as_str()) {
            differ.push(f.path.clone());
        }
    }
    differ.extend(stale_files(root, files)?);
    Ok(differ)
}
