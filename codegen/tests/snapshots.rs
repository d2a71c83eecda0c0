//! Snapshot tests: the generator's output for a small fixture catalogue of awkward cases (keyword
//! field names, an empty request, integer and string enums, a tagged union whose content may come
//! first, maps with arbitrary keys, a sensitive field, an auto-filled random, per-item results) is
//! compared with the checked-in files under `codegen/tests/output/src/fixture_api/`. The crate
//! `codegen/tests/output` compiles them and exercises them (`codegen/tests/output/src/fixture_tests.rs`),
//! so the snapshots are proven to compile.
//!
//! After an intended generator change: `UPDATE_SNAPSHOTS=1 cargo test -p tim-codegen --test snapshots`.

use codegen::emit::Emitter;
use std::path::{Path, PathBuf};

fn dir(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

fn generate() -> Vec<codegen::GeneratedFile> {
    let cat = codegen::load::load_dir(&dir("tests/fixtures/awkward")).unwrap_or_else(|d| panic!("fixture is invalid:\n{d}"));
    let em = Emitter {
        cat: &cat,
        root: "crate::fixture_api",
        features: false,
        codec_feature: Some("codec"),
        runtime: "tim_rest_runtime",
        crate_name: "tim_codegen_output",
    };
    codegen::emit::layout::api_files(&em).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn fixture_output_matches_the_snapshots() {
    let files = generate();
    let snap_dir = dir("tests/output/src/fixture_api");
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        // The generator's output replaces the folder whole: files it no longer writes go.
        if snap_dir.exists() {
            std::fs::remove_dir_all(&snap_dir).expect("clear snapshot dir");
        }
        std::fs::create_dir_all(&snap_dir).expect("create snapshot dir");
        for f in &files {
            let path = snap_dir.join(&f.path);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).expect("create snapshot dir");
            }
            std::fs::write(path, &f.contents).expect("write snapshot");
        }
    }
    let mut stale = Vec::new();
    for f in &files {
        let on_disk = std::fs::read_to_string(snap_dir.join(&f.path)).unwrap_or_default();
        if on_disk != f.contents {
            stale.push(f.path.clone());
        }
    }
    // Every file under the snapshot folder, as paths relative to it.
    let mut listed: Vec<String> = Vec::new();
    let mut dirs = vec![snap_dir.clone()];
    while let Some(d) = dirs.pop() {
        for e in std::fs::read_dir(&d).map(|r| r.flatten().collect::<Vec<_>>()).unwrap_or_default() {
            if e.path().is_dir() {
                dirs.push(e.path());
            } else if let Ok(rel) = e.path().strip_prefix(&snap_dir) {
                listed.push(rel.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    listed.sort();
    let mut expected: Vec<String> = files.iter().map(|f| f.path.clone()).collect();
    expected.sort();
    assert_eq!(listed, expected, "snapshot directory holds other files");
    assert!(stale.is_empty(), "snapshots differ: {stale:?}; if intended, rerun with UPDATE_SNAPSHOTS=1");
}

#[test]
fn generation_is_deterministic() {
    assert_eq!(generate(), generate());
    // The whole real catalogue too, including the manifest block and the endpoint table.
    let root = dir("..");
    let a = codegen::generate_from_repo(&root).unwrap_or_else(|e| panic!("{e}"));
    let b = codegen::generate_from_repo(&root).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(a, b);
}

#[test]
fn snapshots_show_the_awkward_cases() {
    let files = generate();
    let svc = &files.iter().find(|f| f.path == "weird_svc/types.rs").expect("service types").contents;
    // Keywords as field names.
    assert!(svc.contains("pub r#type: Option<Kind>"), "raw identifier for `Type`");
    assert!(svc.contains("pub self_: Option<String>"), "`Self` cannot be raw");
    assert!(svc.contains("pub r#match: Option<Vec<PutThingMatch>>"), "inline object default name");
    assert!(svc.contains("pub nested: Option<DeepThing>"), "inline object `name:`");
    // The auto-filled random is not a constructor parameter.
    assert!(svc.contains("pub fn new(to_account: impl Into<String>) -> Self"));
    assert!(svc.contains("msg_random: fastrand::u32(..)"));
    // The secret is redacted in Debug.
    assert!(svc.contains(".field(\"token\", &tim_rest_runtime::codec::Redacted)"));
    // Every field has an explicit wire name.
    assert!(svc.contains("rename = \"Fail_Account\""));
    assert!(!svc.contains("rename_all"));
}

/// The real repository is fresh: `cargo xtask gen --check` in test form.
#[test]
fn generated_crate_is_fresh() {
    let root = dir("..");
    let files = codegen::generate_from_repo(&root).unwrap_or_else(|e| panic!("{e}"));
    let stale = codegen::check(&root, &files).unwrap_or_else(|e| panic!("{e}"));
    assert!(stale.is_empty(), "generated files are stale: {stale:?}; run `cargo xtask gen`");
}

/// The README states the catalogue's size; keep it true.
#[test]
fn readme_counts_match_the_catalogue() {
    let cat = codegen::load::load_dir(&dir("../spec")).unwrap_or_else(|d| panic!("{d}"));
    let commands: usize = cat.services.iter().map(|s| s.commands.len()).sum();
    let readme = std::fs::read_to_string(dir("../README.md")).unwrap_or_default();
    let claim = format!("**{commands} endpoints in {} services**", cat.services.len());
    assert!(readme.contains(&claim), "README.md should say {claim}");
    // And how many commands each rule applies to (whitespace-insensitive: the sentence wraps).
    let count = |f: &dyn Fn(&codegen::model::Command) -> bool| cat.commands().filter(|(_, c)| f(c)).count();
    let rules = format!(
        "{} page through a list, {} take any number of items, {} have limits checked before sending, {} have a documented rate",
        count(&|c| c.paging.is_some()),
        count(&|c| !c.batch.is_empty()),
        count(&|c| !c.limits.is_empty()),
        count(&|c| !c.rates.is_empty())
    );
    let flat = readme.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains(&rules), "README.md should say {rules}");
}
