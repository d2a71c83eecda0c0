//! End to end: `cargo xtask diff` on a temporary git repository with two commits of a small spec,
//! run as the built binary (exit status, Markdown, JSON, acknowledgments, errors with file:line).

use fixtures::{Fixture, SVC_YAML};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A temporary folder, removed at the end of the test.
struct Tmp(PathBuf);

impl Tmp {
    fn new(tag: &str) -> Tmp {
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
        let p = std::env::temp_dir().join(format!("tim-diff-e2e-{tag}-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&p).expect("create temp dir");
        Tmp(p)
    }
}

impl Drop for Tmp {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn git(repo: &Path, args: &[&str]) {
    let out = Command::new("git").arg("-C").arg(repo).args(args).output().expect("run git");
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

fn init_repo(repo: &Path) {
    git(repo, &["init", "--quiet"]);
    git(repo, &["config", "user.name", "Spec Diff Test"]);
    git(repo, &["config", "user.email", "spec-diff@example.invalid"]);
    git(repo, &["config", "commit.gpgsign", "false"]);
}

fn commit_spec(repo: &Path, fixture: &Fixture, message: &str) {
    let spec = repo.join("spec");
    for dir in ["services", "types"] {
        let _ = std::fs::remove_dir_all(spec.join(dir));
    }
    fixture.write_to(&spec);
    git(repo, &["add", "-A", "spec"]);
    git(repo, &["commit", "--quiet", "-m", message]);
}

fn xtask(repo: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask")).arg("diff").arg("--repo").arg(repo).args(args).output().expect("run xtask")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A breaking change (a new required request field) and a compatible one (a new enum value).
fn changed() -> Fixture {
    Fixture::base()
        .edit(
            SVC_YAML,
            "      Filter: { type: \"string?\", doc: \"A filter.\" }\n",
            "      Filter: { type: \"string?\", doc: \"A filter.\" }\n      Kind: { type: string, doc: \"Kind.\" }\n",
        )
        .edit(SVC_YAML, "      Low: Not urgent.\n", "      Low: Not urgent.\n      Medium: Somewhat urgent.\n")
}

const ACKS: &str = "# Reviewed breaking changes.\nacknowledged:\n  - rule: request-field-added-required\n    at: svc/get request.Kind\n    reason: The server requires Kind since 2026-03.\n";

#[test]
fn diff_between_two_commits_of_a_temporary_repository() {
    let tmp = Tmp::new("two-commits");
    let repo = &tmp.0;
    init_repo(repo);
    commit_spec(repo, &Fixture::base(), "base spec");
    commit_spec(repo, &changed(), "require Kind, add Medium");

    // Markdown: breaking and not acknowledged, so exit 1.
    let out = xtask(repo, &["--base", "HEAD~1", "--head", "HEAD", "--format", "markdown"]);
    assert_eq!(out.status.code(), Some(1), "stdout:\n{}\nstderr:\n{}", stdout(&out), stderr(&out));
    let md = stdout(&out);
    assert!(
        md.starts_with("### Spec diff: `HEAD~1` → `HEAD`\n\n**2 finding(s): 1 breaking (none acknowledged), 0 risky, 1 compatible.**\n"),
        "{md}"
    );
    assert!(md.contains("\n#### `svc`\n\n| | rule | location | wire | Rust | detail |\n"), "{md}");
    assert!(md.contains("|  | `enum-value-added` | `svc types.Priority.Medium` | compatible | compatible |"), "{md}");
    assert!(md.contains("\n#### `svc/get`\n"), "{md}");
    assert!(md.contains("| ❌ | `request-field-added-required` | `svc/get request.Kind` | **breaking** | **breaking** |"), "{md}");
    assert!(stderr(&out).contains("1 breaking finding(s) are not acknowledged: paste the entries the report prints"), "{}", stderr(&out));
    assert!(md.contains("```yaml\n  - rule: request-field-added-required\n    at: svc/get request.Kind\n    reason: >-\n"), "{md}");

    // JSON, and `--fail-on none` reports without failing.
    let out = xtask(repo, &["--base", "HEAD~1", "--head", "HEAD", "--format=json", "--fail-on", "none"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("JSON output");
    let rules: Vec<(&str, &str, bool)> = v
        .as_array()
        .expect("an array")
        .iter()
        .map(|f| (f["rule"].as_str().unwrap_or(""), f["wire"].as_str().unwrap_or(""), f["acknowledged"].as_bool().unwrap_or(true)))
        .collect();
    assert_eq!(rules, vec![("enum-value-added", "compatible", false), ("request-field-added-required", "breaking", false)]);

    // Acknowledged in the head's spec/diff-acks.yaml: exit 0, the reason is shown.
    std::fs::write(repo.join("spec/diff-acks.yaml"), ACKS).expect("write acks");
    git(repo, &["add", "spec/diff-acks.yaml"]);
    git(repo, &["commit", "--quiet", "-m", "acknowledge"]);
    let out = xtask(repo, &["--base", "HEAD~2", "--head", "HEAD", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}{}", stdout(&out), stderr(&out));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("JSON output");
    assert_eq!(v[1]["acknowledged"], serde_json::Value::Bool(true));
    assert_eq!(v[1]["reason"], "The server requires Kind since 2026-03.");
    let out = xtask(repo, &["--base", "HEAD~2", "--head", "HEAD"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).contains("acknowledged request-field-added-required svc/get request.Kind: "), "{}", stdout(&out));

    // Default sides: HEAD against the working tree.
    let out = xtask(repo, &[]);
    assert_eq!((out.status.code(), stdout(&out)), (Some(0), "spec diff HEAD -> working tree\nno changes to the catalogue\n".to_owned()));
    let svc = repo.join("spec").join(SVC_YAML);
    let text = std::fs::read_to_string(&svc).expect("read svc");
    std::fs::write(&svc, text.replace("    retry: safe\n", "    retry: never\n")).expect("edit svc");
    let out = xtask(repo, &[]);
    assert_eq!(out.status.code(), Some(0), "risky findings do not fail");
    assert!(stdout(&out).contains("risky        retry-class-changed svc/get: retry `safe` → `never`"), "{}", stdout(&out));
    assert!(stdout(&out).contains("note: 1 acknowledgment(s) in "), "an acknowledgment that matches nothing is noted: {}", stdout(&out));
    assert!(!stdout(&out).contains("svc/get request.Kind"), "the text report only counts leftovers: {}", stdout(&out));
    let out = xtask(repo, &["--leftovers"]);
    assert!(
        stdout(&out).contains("diff-acks.yaml:3: `request-field-added-required` at `svc/get request.Kind` matches no finding of this diff"),
        "--leftovers lists them: {}",
        stdout(&out)
    );
    let out = xtask(repo, &["--format", "markdown"]);
    assert!(!stdout(&out).contains("svc/get request.Kind") && !stdout(&out).contains("match no finding"), "{}", stdout(&out));

    // Folders work as sides too.
    let old = Tmp::new("folder");
    Fixture::base().write_to(&old.0);
    let out = xtask(repo, &["--base", &old.0.display().to_string(), "--head", &repo.display().to_string(), "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("JSON output");
    assert_eq!(v.as_array().map(Vec::len), Some(3), "{v}");
}

#[test]
fn problems_are_reported_with_file_and_line() {
    let tmp = Tmp::new("problems");
    let repo = &tmp.0;
    init_repo(repo);
    commit_spec(repo, &Fixture::base(), "base spec");
    // A malformed acknowledgments file: reported as REV:spec/diff-acks.yaml:LINE, exit 2.
    std::fs::write(repo.join("spec/diff-acks.yaml"), "acknowledged:\n  - rule: command-removed\n    at: other/pong\n").expect("write");
    git(repo, &["add", "-A"]);
    git(repo, &["commit", "--quiet", "-m", "bad acks"]);
    let out = xtask(repo, &["--base", "HEAD~1", "--head", "HEAD"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("HEAD:spec/diff-acks.yaml:2:"), "{}", stderr(&out));
    assert!(stderr(&out).contains("missing field `reason`"), "{}", stderr(&out));

    // An invalid catalogue at a revision: its problems name REV:spec/...:LINE.
    let broken = Fixture::base().edit(
        SVC_YAML,
        "      Id: { type: string, doc: \"Which one.\" }\n",
        "      Id: { type: Widget, doc: \"Which one.\" }\n",
    );
    std::fs::remove_file(repo.join("spec/diff-acks.yaml")).expect("remove acks");
    commit_spec(repo, &broken, "broken");
    let out = xtask(repo, &["--base", "HEAD~2", "--head", "HEAD"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("the catalogue of HEAD has 1 problem(s)"), "{}", stderr(&out));
    assert!(stderr(&out).contains("HEAD:spec/services/svc.yaml:53: unknown type `Widget`"), "{}", stderr(&out));

    // Unknown revisions and options.
    let out = xtask(repo, &["--base", "no-such-branch"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("`no-such-branch` is neither a folder nor a git revision"), "{}", stderr(&out));
    let out = xtask(repo, &["--colour", "red"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("unknown option `--colour`"), "{}", stderr(&out));
    // Temporary spec folders are removed, also after a failure.
    let own_tmp = Tmp::new("tmpdir");
    for args in [&["--base", "HEAD~2", "--head", "HEAD~1"][..], &["--base", "HEAD~2", "--head", "HEAD"][..]] {
        let out = Command::new(env!("CARGO_BIN_EXE_xtask"))
            .arg("diff")
            .arg("--repo")
            .arg(repo)
            .args(args)
            .env("TMPDIR", &own_tmp.0)
            .output()
            .expect("run xtask");
        assert!(out.status.code().is_some());
    }
    let left: Vec<String> =
        std::fs::read_dir(&own_tmp.0).expect("list").flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect();
    assert_eq!(left, Vec::<String>::new());
}
