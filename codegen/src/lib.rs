//! The generator library: loads and validates the Tencent Cloud IM REST catalogue (`spec/`) and turns
//! it into the Rust files of the `tim-rest` crate.
//!
//! - [`validate::load_dir`] reads the YAML (with `serde_yaml`) and resolves it into a [`model::Catalogue`];
//!   every problem is a [`diag::Diagnostic`] that names the file and the line.
//! - [`generate`] emits every generated file as text, deterministically.
//! - [`write()`] and [`check`] put those files on disk or compare them with what is there.
//! - [`diff`] compares two catalogues and judges every change on the wire and for Rust users.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod diag;
pub mod diff;
pub mod emit;
pub mod locate;
pub mod model;
pub mod names;
pub mod spec;
pub mod validate;

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
/// The generated crate's manifest; the generator owns the feature block between the markers.
pub const CRATE_MANIFEST: &str = "generated/Cargo.toml";
/// The endpoint coverage table.
pub const ENDPOINTS_MD: &str = "generated/ENDPOINTS.md";
/// The currency record: per command, the official pages its schema was checked against.
pub const SOURCES_MD: &str = "generated/SOURCES.md";
/// The generated test that calls every command against the local server.
pub const CALL_TESTS: &str = "generated/tests/gen/every_command.rs";
const FEATURES_BEGIN: &str = "# BEGIN generated features (cargo xtask gen)";
const FEATURES_END: &str = "# END generated features";

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
    Ok(files)
}

/// Generates every file from a validated catalogue. `manifest` is the current text of
/// `generated/Cargo.toml`, whose feature block is regenerated.
pub fn generate(cat: &model::Catalogue, manifest: &str) -> Result<Vec<GeneratedFile>, Error> {
    let em = emit::Emitter::new(cat);
    let mut files: Vec<GeneratedFile> =
        api_files(&em)?.into_iter().map(|f| GeneratedFile { path: format!("{API_DIR}/{}", f.path), contents: f.contents }).collect();
    files.push(GeneratedFile { path: CRATE_MANIFEST.to_owned(), contents: features_block(cat, manifest)? });
    files.push(GeneratedFile { path: ENDPOINTS_MD.to_owned(), contents: endpoints_md(cat) });
    files.push(GeneratedFile { path: SOURCES_MD.to_owned(), contents: sources_md(cat) });
    files.push(GeneratedFile { path: CALL_TESTS.to_owned(), contents: em.call_tests().map_err(Error::Emit)? });
    Ok(files)
}

/// Rewrites the feature block of the crate manifest: one feature per service, all in `default`.
fn features_block(cat: &model::Catalogue, manifest: &str) -> Result<String, Error> {
    let (Some(b), Some(e)) = (manifest.find(FEATURES_BEGIN), manifest.find(FEATURES_END)) else {
        return Err(Error::Emit(format!(
            "{CRATE_MANIFEST} must contain the lines `{FEATURES_BEGIN}` and `{FEATURES_END}` inside [features]"
        )));
    };
    if e < b {
        return Err(Error::Emit(format!("{CRATE_MANIFEST}: the feature markers are out of order")));
    }
    let mut block = String::new();
    block.push_str(FEATURES_BEGIN);
    block.push('\n');
    let all: Vec<String> = cat.services.iter().map(|s| format!("\"{}\"", s.module)).collect();
    block.push_str(&format!("default = [{}]\n", all.join(", ")));
    for s in &cat.services {
        block.push_str(&format!("# {} ({})\n{} = []\n", s.wire, s.title.en, s.module));
    }
    Ok(format!("{}{}{}", &manifest[..b], block, &manifest[e..]))
}

/// The coverage table: every catalogued command with its doc link and Rust function.
fn endpoints_md(cat: &model::Catalogue) -> String {
    let total: usize = cat.services.iter().map(|s| s.commands.len()).sum();
    let mut s = String::new();
    s.push_str("<!-- @generated by `cargo xtask gen` from spec/services; do not edit. -->\n");
    s.push_str("# Endpoints\n\n");
    s.push_str(&format!(
        "{total} commands in {} services. Each row links the official documentation page the spec was written from.\n\n",
        cat.services.len()
    ));
    s.push_str("| servicename | command | title | doc | Rust |\n|---|---|---|---|---|\n");
    for svc in &cat.services {
        for c in &svc.commands {
            let en = c.doc_en.as_ref().map(|l| format!(" [en]({l})")).unwrap_or_default();
            s.push_str(&format!(
                "| `{}` | `{}` | {} ({}) | [zh]({}){} | `client.{}().{}(&{})` |\n",
                svc.wire, c.wire, c.title.en, c.title.zh, c.doc, en, svc.module, c.fn_name, cat.types[c.request].name
            ));
        }
    }
    if !cat.gaps.is_empty() {
        s.push_str(&format!(
            "\n## Not modelled yet ({})\n\nDocumented commands the catalogue leaves out rather than guess at (`spec/gaps.yaml`).\n\n| servicename | command | official page | why |\n|---|---|---|---|\n",
            cat.gaps.len()
        ));
        for g in &cat.gaps {
            let doc = g.doc.as_ref().map(|d| format!("[page]({d})")).unwrap_or_else(|| "none found".into());
            s.push_str(&format!("| `{}` | `{}` | {} | {} |\n", g.service, g.command, doc, g.reason.replace('\n', " ").replace('|', "\\|")));
        }
    }
    s
}

/// A source page as a Markdown link: URLs as they are, repository files as links to GitHub.
fn source_link(page: &str) -> String {
    let repo = |repo: &str, path: &str| {
        let name = path.rsplit('/').next().unwrap_or(path);
        format!("[{repo}: {name}](https://github.com/tencentyun/{repo}/blob/master/{})", path.replace(' ', "%20"))
    };
    if let Some(p) = page.strip_prefix("intlcloud-documents:") {
        repo("intlcloud-documents", p)
    } else if let Some(p) = page.strip_prefix("qcloud-documents:") {
        repo("qcloud-documents", p)
    } else {
        let short = page.split("://").nth(1).unwrap_or(page);
        format!("[{short}]({page})")
    }
}

/// The currency record: per command, the official pages its schema was compared with, their dates,
/// and whether they could be read whole, so the next reconciliation starts from it.
fn sources_md(cat: &model::Catalogue) -> String {
    let total: usize = cat.services.iter().map(|s| s.commands.len()).sum();
    let checked = cat.commands().filter(|(_, c)| !c.sources.is_empty()).count();
    let mut s = String::new();
    s.push_str("<!-- @generated by `cargo xtask gen` from the `sources:` of spec/services; do not edit. -->\n");
    s.push_str("# Sources: what each command was checked against\n\n");
    s.push_str(&format!(
        "{checked} of {total} commands list the official pages their schema was compared with. `dated` is the date the \
         page carries (its update time, or the last commit of the repository file); `read` says whether the page could be \
         read whole. Pages are newest first as the spec lists them. Commands without a row of sources were written from \
         their `doc` link before this record was kept.\n\n"
    ));
    s.push_str("| servicename | command | page | lang | dated | read | checked |\n|---|---|---|---|---|---|---|\n");
    for svc in &cat.services {
        for c in &svc.commands {
            if c.sources.is_empty() {
                s.push_str(&format!("| `{}` | `{}` | [doc]({}) | | | not recorded | |\n", svc.wire, c.wire, c.doc));
                continue;
            }
            for (i, src) in c.sources.iter().enumerate() {
                let (sv, cm) = if i == 0 { (format!("`{}`", svc.wire), format!("`{}`", c.wire)) } else { (String::new(), String::new()) };
                let read = if src.whole { "whole" } else { "cut short" };
                s.push_str(&format!(
                    "| {sv} | {cm} | {} | {} | {} | {read} | {} |\n",
                    source_link(&src.page),
                    src.lang,
                    src.dated,
                    src.checked
                ));
            }
        }
    }
    s
}

/// Loads `root/spec` and generates every file.
pub fn generate_from_repo(root: &Path) -> Result<Vec<GeneratedFile>, Error> {
    let cat = validate::load_dir(&root.join("spec"))?;
    let manifest_path = root.join(CRATE_MANIFEST);
    let manifest = std::fs::read_to_string(&manifest_path).map_err(|source| Error::Io { path: manifest_path, source })?;
    generate(&cat, &manifest)
}

/// Files under [`API_DIR`] that the generator would not write (left over from a removed service).
fn stale_files(root: &Path, files: &[GeneratedFile]) -> Result<Vec<String>, Error> {
    let dir = root.join(API_DIR);
    let mut out = Vec::new();
    let entries = match std::fs::read_dir(&dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(out),
        Err(source) => return Err(Error::Io { path: dir, source }),
    };
    for e in entries.flatten() {
        let rel = format!("{API_DIR}/{}", e.file_name().to_string_lossy());
        if !files.iter().any(|f| f.path == rel) {
            out.push(rel);
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
