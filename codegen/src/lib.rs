//! The generator library: loads and validates the Tencent Cloud IM REST catalogue (`spec/`) and turns
//! it into the Rust files of the `tim-rest` crate.
//!
//! - [`load::load_dir`] reads the YAML (with `serde_yaml`) and [`validate`] resolves it into a
//!   [`model::Catalogue`]; every problem is a [`diag::Diagnostic`] that names the file and the line.
//! - [`generate`] emits every generated file as text, deterministically ([`emit::layout`] lists
//!   them).
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

pub use emit::layout::{API_DIR, CALL_TESTS, CRATE_LIB, CRATE_MANIFEST, ENDPOINTS_MD, OPENAPI_JSON, SOURCES_MD};

/// Generates every file of the `tim-rest` crate (`generated/`) from a validated catalogue; the list
/// and the layout are [`emit::layout`]'s.
pub fn generate(cat: &model::Catalogue) -> Result<Vec<GeneratedFile>, Error> {
    emit::layout::files(cat)
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

/// Removes the folders under `dir` (not `dir` itself) that hold no file, e.g. the directory of a
/// removed service; returns whether `dir` is left empty.
fn remove_empty_dirs(dir: &Path) -> Result<bool, Error> {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(true),
        Err(source) => return Err(Error::Io { path: dir.to_owned(), source }),
    };
    let mut empty = true;
    for e in entries.flatten() {
        let path = e.path();
        if path.is_dir() && remove_empty_dirs(&path)? {
            std::fs::remove_dir(&path).map_err(|source| Error::Io { path: path.clone(), source })?;
        } else {
            empty = false;
        }
    }
    Ok(empty)
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
    remove_empty_dirs(&root.join(API_DIR))?;
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
