//! The output layout (`codegen/src/emit/layout.rs`): one path for the runtime and one for the API
//! root in everything generated, a directory per service and callback group whose `mod.rs` declares
//! exactly the parts it has, and `codegen::write` removing what the generator no longer writes.

use codegen::emit::Emitter;
use codegen::emit::layout::{Part, api_files};
use std::path::{Path, PathBuf};

fn dir(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

fn catalogue() -> codegen::model::Catalogue {
    codegen::load::load_dir(&dir("../spec")).unwrap_or_else(|d| panic!("{d}"))
}

/// Every Rust file an emitter writes: the API module, the crate root and the every-command test.
fn rust_files(em: &Emitter<'_>) -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> =
        api_files(em).unwrap_or_else(|e| panic!("{e}")).into_iter().map(|f| (f.path, f.contents)).collect();
    files.push(("lib.rs".into(), em.lib_rs()));
    files.push(("every_command.rs".into(), em.call_tests().unwrap_or_else(|e| panic!("{e}"))));
    files
}

#[test]
fn generated_code_names_the_runtime_and_the_root_only_through_the_emitter() {
    let cat = catalogue();
    let em = Emitter { cat: &cat, root: "my_api", features: true, codec_feature: Some("codec"), runtime: "rt_x", crate_name: "my_crate" };
    let mut stray = Vec::new();
    for (path, text) in rust_files(&em) {
        for (n, line) in text.lines().enumerate() {
            // `crate::` as a path of its own (not the end of `my_crate::`).
            let crate_path = line.match_indices("crate::").any(|(i, _)| !line[..i].ends_with(|c: char| c.is_alphanumeric() || c == '_'));
            if line.contains("tim_rest") || crate_path {
                stray.push(format!("{path}:{}: {}", n + 1, line.trim()));
            }
        }
    }
    assert!(stray.is_empty(), "paths not spelled through the emitter's runtime/root/crate name:\n{}", stray.join("\n"));
    // And they are spelled through it.
    let api = rust_files(&em).into_iter().map(|(_, t)| t).collect::<String>();
    assert!(api.contains("rt_x::Error") && api.contains("rt_x::drift::ObjectShape") && api.contains("rt_x::codec::"));
    assert!(api.contains("impl my_api::Client") && api.contains("my_api::error_codes::TABLE"));
}

#[test]
fn every_module_directory_declares_exactly_its_parts() {
    let cat = catalogue();
    let files = api_files(&Emitter::new(&cat)).unwrap_or_else(|e| panic!("{e}"));
    let dirs: Vec<String> =
        cat.services.iter().map(|s| s.module.clone()).chain(cat.callbacks.iter().map(|g| format!("callbacks/{}", g.module))).collect();
    for d in &dirs {
        let mod_rs = &files.iter().find(|f| f.path == format!("{d}/mod.rs")).unwrap_or_else(|| panic!("{d}/mod.rs")).contents;
        assert!(!files.iter().any(|f| f.path == format!("{d}.rs")), "{d}.rs: the single-file layout is gone");
        for part in Part::ALL {
            let path = format!("{d}/{}.rs", part.module());
            let written = files.iter().find(|f| f.path == path);
            let declared = mod_rs.lines().any(|l| l == format!("mod {};", part.module()));
            assert_eq!(written.is_some(), declared, "{path}: written and declared in mod.rs go together");
            if let Some(f) = written {
                // More than the header (and an import): a part is left out when it would be empty.
                assert!(f.contents.lines().filter(|l| !l.is_empty() && !l.starts_with("//") && !l.starts_with("use ")).count() > 0);
            }
        }
        // A service has all five parts; a callback group all but the calls.
        let calls = files.iter().any(|f| f.path == format!("{d}/calls.rs"));
        assert_eq!(calls, !d.starts_with("callbacks/"), "{d}");
        for part in ["types", "registry"] {
            assert!(files.iter().any(|f| f.path == format!("{d}/{part}.rs")), "{d}/{part}.rs");
        }
    }
    // Nothing else but the API root files and these directories.
    for f in &files {
        let top = ["mod.rs", "types.rs", "error_codes.rs", "callbacks/mod.rs"].contains(&f.path.as_str());
        let in_dir =
            dirs.iter().any(|d| f.path.strip_prefix(d.as_str()).is_some_and(|rest| rest.starts_with('/') && !rest[1..].contains('/')));
        assert!(top || in_dir, "{}: outside the layout", f.path);
    }
}

#[test]
fn write_removes_what_the_generator_no_longer_writes() {
    let root = std::env::temp_dir().join(format!("tim-codegen-layout-{}", std::process::id()));
    let api = root.join(codegen::API_DIR);
    // The old layout: one file per service, one per callback group, and the folder of a service that
    // is gone.
    for old in ["openim.rs", "callbacks/group.rs", "removed_svc/types.rs"] {
        let path = api.join(old);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("create");
        std::fs::write(&path, "// old\n").expect("write");
    }
    let files = codegen::generate(&catalogue()).unwrap_or_else(|e| panic!("{e}"));
    let stale_before = codegen::check(&root, &files).unwrap_or_else(|e| panic!("{e}"));
    assert!(stale_before.iter().any(|p| p.ends_with("/openim.rs")), "check reports the old single file: {stale_before:?}");
    codegen::write(&root, &files).unwrap_or_else(|e| panic!("{e}"));
    let left = codegen::check(&root, &files).unwrap_or_else(|e| panic!("{e}"));
    let removed = ["openim.rs", "callbacks/group.rs", "removed_svc"].map(|p| !api.join(p).exists());
    let fresh = api.join("openim/mod.rs").exists();
    std::fs::remove_dir_all(&root).expect("clean up");
    assert!(left.is_empty(), "after write nothing differs: {left:?}");
    assert_eq!(removed, [true; 3], "the old files and the emptied folder are gone");
    assert!(fresh);
}
