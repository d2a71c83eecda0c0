//! Cross-checks the spec diff's Rust verdicts with cargo-semver-checks, on the generated crate.
//!
//! For a handful of representative rules, this generates the whole `tim-rest` crate (the hand-written
//! runtime of `generated/` plus the code generated from a fixture catalogue) twice, from the base
//! fixture of `codegen/fixtures` (the `tim-codegen-fixtures` crate) and from the rule's edit of it, and runs
//! `cargo semver-checks check-release` on the pair, with the crate's default features (what most users
//! build; the `codec` feature would add back serde impls a type's direction does not need). It then checks that cargo-semver-checks agrees
//! with the diff's Rust verdict, except where the table below says it cannot see the change.
//!
//! Ignored by default: it needs cargo-semver-checks and builds the crate's rustdoc twice per rule
//! (minutes). Run it with:
//!
//! ```sh
//! cargo install cargo-semver-checks --locked
//! cargo test -p xtask --test semver_checks -- --ignored --nocapture
//! ```
//!
//! `SEMVER_CASES=enum-value-added,command-removed` runs only those cases.

use codegen::diff::{self, Verdict};
use fixtures::{Fixture, SVC_YAML, case};
use std::path::{Path, PathBuf};
use std::process::Command;

/// What cargo-semver-checks is expected to say about a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    /// It agrees with the diff's Rust verdict (a failing lint exactly when the verdict is breaking).
    Agrees,
    /// It has no lint for this change, so it passes although code written against the old crate
    /// stops compiling; the diff is stricter on purpose. The text says what it does not see.
    Blind(&'static str),
}

/// (name, catalogue, rule the diff must report, expectation).
fn cases() -> Vec<(&'static str, Fixture, &'static str, Expect)> {
    use Expect::*;
    let get_value = "      Value: { type: Loose?, doc: \"A value.\" }\n";
    vec![
        ("command-added", case("command-added"), "command-added", Agrees),
        ("command-removed", case("command-removed"), "command-removed", Agrees),
        ("service-removed", case("service-removed"), "service-removed", Agrees),
        ("request-field-added-required", case("request-field-added-required"), "request-field-added-required", Agrees),
        ("request-field-added-optional", case("request-field-added-optional"), "request-field-added-optional", Agrees),
        ("request-field-became-optional", case("request-field-became-optional"), "request-field-became-optional", Agrees),
        ("response-field-added", case("response-field-added"), "response-field-added", Agrees),
        (
            "response-field-added (required)",
            Fixture::base().edit(SVC_YAML, get_value, &format!("{get_value}      Total: {{ type: u32, doc: \"Total.\" }}\n")),
            "response-field-added",
            Agrees,
        ),
        ("response-field-removed", case("response-field-removed"), "response-field-removed", Agrees),
        ("field-renamed", case("field-renamed"), "field-renamed", Agrees),
        ("response-field-became-required", case("response-field-became-required"), "response-field-became-required", Agrees),
        ("integer-widened", case("integer-widened"), "integer-widened", Blind("a field's type")),
        ("integer-narrowed", case("integer-narrowed"), "integer-narrowed", Blind("a field's type")),
        ("field-type-changed", case("field-type-changed"), "field-type-changed", Blind("a field's and a parameter's type")),
        ("request-field-became-required", case("request-field-became-required"), "request-field-became-required", Agrees),
        ("response-field-became-optional", case("response-field-became-optional"), "response-field-became-optional", Agrees),
        ("enum-value-added", case("enum-value-added"), "enum-value-added", Agrees),
        ("enum-value-removed", case("enum-value-removed"), "enum-value-removed", Agrees),
        ("union-variant-added", case("union-variant-added"), "union-variant-added", Agrees),
        ("union-variant-removed", case("union-variant-removed"), "union-variant-removed", Agrees),
        ("type-kind-changed", case("type-kind-changed"), "type-kind-changed", Blind("a return and a payload type")),
        ("type-removed", case("type-removed"), "type-removed", Agrees),
        ("type-direction-changed", case("type-direction-changed"), "type-direction-changed", Blind("a removed serde derive")),
        ("auto-changed", case("auto-changed"), "auto-changed", Agrees),
        ("rust-name-changed", case("rust-name-changed"), "rust-name-changed", Agrees),
        ("retry-class-changed", case("retry-class-changed"), "retry-class-changed", Agrees),
        ("doc-changed", case("doc-changed"), "doc-changed", Agrees),
        ("error-code-removed", case("error-code-removed"), "error-code-removed", Agrees),
    ]
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Writes a workspace holding the runtime and the `tim-rest` crate generated from `fixture`, at version
/// 1.0.0 (so that cargo-semver-checks applies the 1.x rules).
fn write_crate(fixture: &Fixture, dest: &Path) {
    let root = repo_root();
    let manifest = std::fs::read_to_string(root.join("Cargo.toml")).expect("workspace manifest");
    let members = manifest.lines().find(|l| l.starts_with("members = ")).expect("the workspace lists its members");
    let manifest =
        manifest.replace(members, "members = [\"runtime\", \"generated\"]").replace("version = \"0.1.0\"", "version = \"1.0.0\"");
    std::fs::create_dir_all(dest).expect("create crate");
    std::fs::write(dest.join("Cargo.toml"), manifest).expect("write manifest");
    for f in ["Cargo.lock", "README.md"] {
        std::fs::copy(root.join(f), dest.join(f)).expect("copy");
    }
    // The hand-written runtime as it is; the generated crate wholly from the fixture.
    copy_tree(&root.join("runtime"), &dest.join("runtime"), &[root.join("runtime/target")]);
    let cat = fixture.load();
    let files = codegen::generate(&cat).unwrap_or_else(|e| panic!("{e}"));
    codegen::write(dest, &files).unwrap_or_else(|e| panic!("{e}"));
    // The generated manifest names the runtime at version 0.1.0; the copy is 1.0.0 here.
    let m = dest.join("generated/Cargo.toml");
    let text = std::fs::read_to_string(&m).expect("generated manifest").replace("version = \"0.1.0\"", "version = \"1.0.0\"");
    std::fs::write(m, text).expect("write generated manifest");
}

/// Removes the work folder when the test ends, also when it fails.
struct RemoveOnDrop(PathBuf);

impl Drop for RemoveOnDrop {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn copy_tree(from: &Path, to: &Path, skip: &[PathBuf]) {
    std::fs::create_dir_all(to).expect("create folder");
    for e in std::fs::read_dir(from).expect("list folder").flatten() {
        let path = e.path();
        if skip.contains(&path) {
            continue;
        }
        if path.is_dir() {
            copy_tree(&path, &to.join(e.file_name()), skip);
        } else {
            std::fs::copy(&path, to.join(e.file_name())).expect("copy file");
        }
    }
}

/// Runs cargo-semver-checks; returns whether it passed and the lints that failed.
fn semver_checks(base: &Path, new: &Path, target: &Path) -> (bool, Vec<String>) {
    let out = Command::new("cargo")
        .args(["semver-checks", "check-release", "--release-type", "minor", "--default-features", "-p", "tim-rest", "--manifest-path"])
        .arg(new.join("Cargo.toml"))
        .arg("--baseline-root")
        .arg(base)
        .env("CARGO_TARGET_DIR", target)
        .output()
        .expect("run cargo semver-checks (cargo install cargo-semver-checks --locked)");
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    let lints: Vec<String> = text
        .lines()
        .filter_map(|l| l.trim().strip_prefix("--- failure "))
        .map(|l| l.split(':').next().unwrap_or(l).trim().to_owned())
        .collect();
    if !out.status.success() && lints.is_empty() {
        panic!("cargo semver-checks failed without a lint:\n{text}");
    }
    (out.status.success(), lints)
}

#[test]
#[ignore = "needs cargo-semver-checks; builds the generated crate twice per case (minutes)"]
fn rust_verdicts_agree_with_cargo_semver_checks() {
    let only: Option<Vec<String>> = std::env::var("SEMVER_CASES").ok().map(|v| v.split(',').map(|s| s.trim().to_owned()).collect());
    let work = std::env::temp_dir().join(format!("tim-semver-checks-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&work);
    let _cleanup = RemoveOnDrop(work.clone());
    let base_dir = work.join("base");
    let base = Fixture::base();
    write_crate(&base, &base_dir);
    let target = repo_root().join("target/semver-checks-fixture");
    let mut rows = Vec::new();
    let mut wrong = Vec::new();
    for (i, (name, fixture, rule, expect)) in cases().into_iter().enumerate() {
        if only.as_ref().is_some_and(|o| !o.iter().any(|x| x == name)) {
            continue;
        }
        let found = diff::diff(&base.load(), &fixture.load());
        let Some(finding) = found.iter().find(|f| f.rule.id() == rule) else { panic!("{name}: no `{rule}` finding") };
        let ours = found.iter().map(|f| f.rust).max().unwrap_or(Verdict::Compatible);
        let dir = work.join(format!("case{i}"));
        write_crate(&fixture, &dir);
        let (passed, lints) = semver_checks(&base_dir, &dir, &target);
        let agrees = passed == (ours != Verdict::Breaking);
        let ok = match expect {
            Expect::Agrees => agrees,
            Expect::Blind(_) => passed && ours == Verdict::Breaking,
        };
        let row = format!(
            "| `{name}` | {} | {} | {} |",
            ours.as_str(),
            if passed { "pass".to_owned() } else { format!("fail: {}", lints.join(", ")) },
            match (expect, ok) {
                (Expect::Agrees, true) => "agree".to_owned(),
                (Expect::Blind(what), true) => format!("no lint for {what}; the diff is stricter"),
                (_, false) => "DISAGREE".to_owned(),
            }
        );
        println!("{row}   [{}]", finding.detail);
        rows.push(row);
        if !ok {
            wrong.push(name);
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
    println!("| case | diff's Rust verdict | cargo-semver-checks | |\n|---|---|---|---|\n{}", rows.join("\n"));
    assert!(wrong.is_empty(), "cargo-semver-checks disagrees on {wrong:?}");
}
