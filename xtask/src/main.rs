//! `cargo xtask`: developer tasks for the Tencent Cloud IM REST SDK.
//!
//! - `cargo xtask gen` regenerates the `tim-rest` crate in `generated/` (manifest, `src/lib.rs`,
//!   `src/api/**`, the every-command test, `ENDPOINTS.md`, `SOURCES.md`).
//! - `cargo xtask gen --check` compares without writing and fails when anything is stale.
//! - `cargo xtask validate` only loads and validates the catalogue.
//! - `cargo xtask openapi [--out PATH]` prints (or writes) the catalogue as an OpenAPI 3.1 document, the
//!   same text `gen` writes to `generated/openapi.json`.
//! - `cargo xtask diff` reports what a catalogue change does on the wire and to Rust users
//!   ([`codegen::diff`]); this file only parses its arguments and prints.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

const USAGE: &str = "usage:
  cargo xtask gen [--check]   regenerate the crate from spec/ (--check: compare only, exit 1 if stale)
  cargo xtask validate        load and validate spec/ only
  cargo xtask openapi [--out PATH]
                              the catalogue as an OpenAPI 3.1 document (as in generated/openapi.json), on
                              stdout or written to PATH
  cargo xtask spec-json       every spec file as serde_yaml reads it, as one JSON object keyed by path
                              (`.ci/check_yaml.py` compares it with a second, independent YAML parser)
  cargo xtask diff [--base REV|DIR] [--head REV|DIR] [--format text|markdown|json] [--fail-on breaking|none] [--repo DIR]
                   [--leftovers]
                              what a spec change does on the wire and to Rust users; --base defaults to HEAD,
                              --head to the working tree (an existing folder is a folder, anything else a git
                              revision). Exit 1 on breaking findings not acknowledged in spec/diff-acks.yaml
                              (--fail-on none: never), 2 on bad arguments or an unloadable side. A breaking
                              finding prints the entry to paste into spec/diff-acks.yaml; --leftovers lists the
                              acknowledgments that match no finding (the text report only counts them)
  cargo xtask bench-compile   cold release builds, timed: tim-rest with every service, with openim only (with and
                              without the reqwest transport), applications calling send_msg (every service; openim
                              only; openim with their own reqwest::Client), and the hand-written tencent_im_rs 1.0.4
                              in a scratch project (needs crates.io)
  cargo xtask bench-instructions  CPU instructions per call (valgrind's callgrind, deterministic): sendmsg's URL
                              and body, with and without the in-process pacing reservation, beside the
                              hand-written baseline; decoding clean and drifted replies (needs valgrind)";

fn repo_root() -> PathBuf {
    // xtask/ sits directly under the repository root. `cargo run` (and so `cargo xtask`) sets
    // CARGO_MANIFEST_DIR at run time; a binary run directly falls back to the directory it was built in.
    let manifest_dir =
        std::env::var_os("CARGO_MANIFEST_DIR").map(PathBuf::from).unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")));
    manifest_dir.parent().map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from("."))
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let root = repo_root();
    match args.as_slice() {
        ["gen"] => generate(&root, false),
        ["gen", "--check"] => generate(&root, true),
        ["diff", rest @ ..] => diff(&root, rest),
        ["bench-compile"] => bench_compile(&root),
        ["bench-instructions"] => bench_instructions(&root),
        ["spec-json"] => spec_json(&root),
        ["openapi"] => openapi(&root, None),
        ["openapi", "--out", path] => openapi(&root, Some(Path::new(path))),
        ["openapi", out] if out.starts_with("--out=") => openapi(&root, Some(Path::new(&out["--out=".len()..]))),
        ["validate"] => match codegen::load::load_dir(&root.join("spec")) {
            Ok(cat) => {
                let n: usize = cat.services.iter().map(|s| s.commands.len()).sum();
                println!(
                    "spec is valid: {} services, {n} commands, {} types, {} error codes",
                    cat.services.len(),
                    cat.types.len(),
                    cat.errors.len()
                );
                ExitCode::SUCCESS
            }
            Err(d) => {
                eprintln!("{d}");
                eprintln!("{} problem(s) in the catalogue", d.0.len());
                ExitCode::FAILURE
            }
        },
        _ => {
            eprintln!("{USAGE}");
            ExitCode::from(2)
        }
    }
}

fn generate(root: &Path, check_only: bool) -> ExitCode {
    let files = match codegen::generate_from_repo(root) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    if check_only {
        match codegen::check(root, &files) {
            Ok(stale) if stale.is_empty() => {
                println!("generated code is fresh ({} files)", files.len());
                ExitCode::SUCCESS
            }
            Ok(stale) => {
                eprintln!("generated code is stale; run `cargo xtask gen` and commit the result. Differing files:");
                for s in stale {
                    eprintln!("  {s}");
                }
                ExitCode::FAILURE
            }
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::FAILURE
            }
        }
    } else {
        match codegen::write(root, &files) {
            Ok(changed) => {
                for c in &changed {
                    println!("wrote {c}");
                }
                println!("{} of {} generated files changed", changed.len(), files.len());
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::FAILURE
            }
        }
    }
}

/// `cargo xtask openapi [--out PATH]`: the OpenAPI document of `spec/`, on stdout or into `PATH`.
fn openapi(root: &Path, out: Option<&Path>) -> ExitCode {
    let cat = match codegen::load::load_dir(&root.join("spec")) {
        Ok(c) => c,
        Err(d) => {
            eprintln!("{d}");
            eprintln!("{} problem(s) in the catalogue", d.0.len());
            return ExitCode::FAILURE;
        }
    };
    let text = codegen::openapi::render(&cat);
    match out {
        None => {
            use std::io::Write;
            let mut out = std::io::stdout().lock();
            match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
                // A reader that stops early (`| head`) is not a failure of ours.
                Ok(()) => ExitCode::SUCCESS,
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("error: writing to stdout: {e}");
                    ExitCode::FAILURE
                }
            }
        }
        Some(path) => match std::fs::write(path, &text) {
            Ok(()) => {
                eprintln!("wrote {}", path.display());
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("error: {}: {e}", path.display());
                ExitCode::FAILURE
            }
        },
    }
}

/// `cargo xtask spec-json`: every `.yaml` file under `spec/`, parsed by serde_yaml (the parser the
/// generator uses), printed as one JSON object `{ "spec/services/openim.yaml": ..., ... }`. Mapping keys
/// become their text, as in the catalogue.
fn spec_json(root: &Path) -> ExitCode {
    fn to_json(v: serde_yaml::Value) -> serde_json::Value {
        use serde_yaml::Value as Y;
        match v {
            Y::Null => serde_json::Value::Null,
            Y::Bool(b) => serde_json::Value::Bool(b),
            Y::Number(n) => {
                if let Some(i) = n.as_i64() {
                    i.into()
                } else if let Some(u) = n.as_u64() {
                    u.into()
                } else {
                    n.as_f64().and_then(serde_json::Number::from_f64).map_or(serde_json::Value::Null, serde_json::Value::Number)
                }
            }
            Y::String(s) => serde_json::Value::String(s),
            Y::Sequence(items) => serde_json::Value::Array(items.into_iter().map(to_json).collect()),
            Y::Mapping(m) => serde_json::Value::Object(
                m.into_iter()
                    .map(|(k, v)| {
                        let key = match k {
                            Y::String(s) => s,
                            Y::Bool(b) => b.to_string(),
                            Y::Number(n) => n.to_string(),
                            other => format!("{other:?}"),
                        };
                        (key, to_json(v))
                    })
                    .collect(),
            ),
            Y::Tagged(t) => to_json(t.value),
        }
    }
    let mut files = Vec::new();
    let mut stack = vec![root.join("spec")];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "yaml") {
                files.push(p);
            }
        }
    }
    files.sort();
    let mut out = serde_json::Map::new();
    for p in files {
        let rel = p.strip_prefix(root).unwrap_or(&p).to_string_lossy().replace('\\', "/");
        let parsed = std::fs::read_to_string(&p)
            .map_err(|e| e.to_string())
            .and_then(|t| serde_yaml::from_str::<serde_yaml::Value>(&t).map_err(|e| e.to_string()));
        match parsed {
            Ok(v) => {
                out.insert(rel, to_json(v));
            }
            Err(e) => {
                eprintln!("{rel}: {e}");
                return ExitCode::FAILURE;
            }
        }
    }
    match serde_json::to_string(&serde_json::Value::Object(out)) {
        Ok(s) => {
            println!("{s}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Parses `--name value` / `--name=value` pairs (and the flag `--leftovers`, returned apart).
fn diff_options(root: &Path, args: &[&str]) -> Result<(codegen::diff::Options, bool), String> {
    use codegen::diff::{FailOn, Format, Options, SpecSource};
    let mut opts = Options {
        repo: root.to_path_buf(),
        base: SpecSource::Rev("HEAD".into()),
        head: SpecSource::WorkingTree,
        format: Format::Text,
        fail_on: FailOn::Breaking,
    };
    let mut leftovers = false;
    let mut i = 0;
    while i < args.len() {
        if args[i] == "--leftovers" {
            leftovers = true;
            i += 1;
            continue;
        }
        let (name, inline) = match args[i].split_once('=') {
            Some((n, v)) => (n, Some(v)),
            None => (args[i], None),
        };
        let value = match inline {
            Some(v) => v,
            None => {
                i += 1;
                *args.get(i).ok_or_else(|| format!("`{name}` needs a value"))?
            }
        };
        match name {
            "--base" => opts.base = SpecSource::from_arg(value),
            "--head" => opts.head = SpecSource::from_arg(value),
            "--format" => opts.format = value.parse()?,
            "--fail-on" => opts.fail_on = value.parse()?,
            "--repo" => opts.repo = PathBuf::from(value),
            other => return Err(format!("unknown option `{other}`")),
        }
        i += 1;
    }
    Ok((opts, leftovers))
}

fn diff(root: &Path, args: &[&str]) -> ExitCode {
    let (opts, leftovers) = match diff_options(root, args) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("error: {e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match codegen::diff::run(&opts) {
        Ok(outcome) => {
            print!("{}", outcome.output);
            if leftovers {
                match outcome.report.leftovers() {
                    l if l.is_empty() => eprintln!("every acknowledgment matches a finding of this diff"),
                    l => print!("{l}"),
                }
            }
            if outcome.failed {
                eprintln!(
                    "{} breaking finding(s) are not acknowledged: paste the entries the report prints into spec/{} and write each `reason`",
                    outcome.report.unacknowledged_breaking(),
                    codegen::diff::ACKS_FILE
                );
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            }
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

/// One cold `cargo build --release` in `dir` with a fresh target directory: wall seconds and the
/// number of crates compiled.
fn cold_build(dir: &Path, args: &[&str], target: &Path) -> Result<(f64, usize), String> {
    let _ = std::fs::remove_dir_all(target);
    let start = std::time::Instant::now();
    let out = std::process::Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .current_dir(dir)
        .args(["build", "--release"])
        .args(args)
        .env("CARGO_TARGET_DIR", target)
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    let secs = start.elapsed().as_secs_f64();
    let log = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() {
        return Err(format!("cargo build {args:?} failed:\n{log}"));
    }
    let _ = std::fs::remove_dir_all(target);
    Ok((secs, log.lines().filter(|l| l.trim_start().starts_with("Compiling ")).count()))
}

/// `cargo xtask bench-compile`: the compile-time figures of BENCHMARKS.md.
///
/// The library builds use the workspace's `Cargo.lock`. The "application" builds are scratch binaries
/// outside the workspace that depend on `generated/` by path and resolve their dependencies afresh, as
/// a user's project would; their `main` is `integration/examples/send_message.rs` (or
/// `own_reqwest_client.rs` for the application that passes its own `reqwest::Client`).
fn bench_compile(root: &Path) -> ExitCode {
    let tmp = std::env::temp_dir().join(format!("tim-bench-compile-{}", std::process::id()));
    let target = tmp.join("target");
    let generated = root.join("generated");
    let app_main = std::fs::read_to_string(root.join("integration/examples/send_message.rs"));
    let own_main = std::fs::read_to_string(root.join("integration/examples/own_reqwest_client.rs"));
    let scratch = |name: &str, deps: &str, main: &str| -> Result<PathBuf, String> {
        let dir = tmp.join(name);
        std::fs::create_dir_all(dir.join("src")).map_err(|e| e.to_string())?;
        std::fs::write(dir.join("src/main.rs"), main).map_err(|e| e.to_string())?;
        let manifest =
            format!("[package]\nname = \"{name}\"\nversion = \"0.0.0\"\nedition = \"2024\"\n\n[dependencies]\n{deps}\n[workspace]\n");
        std::fs::write(dir.join("Cargo.toml"), manifest).map_err(|e| e.to_string())?;
        Ok(dir)
    };
    let result = app_main.and_then(|a| own_main.map(|o| (a, o))).map_err(|e| format!("integration/examples: {e}")).and_then(|(app_main, own_main)| {
        let tim = format!("tim-rest = {{ path = {:?}", generated.display().to_string());
        let tokio = "tokio = { version = \"1\", features = [\"macros\", \"rt\"] }\n";
        let baseline = scratch("baseline", "tencent_im_rs = \"=1.0.4\"\n", "fn main() {}\n")?;
        let app_all = scratch("app-all", &format!("{tim} }}\n{tokio}"), &app_main)?;
        let app_lean = scratch(
            "app-lean",
            &format!("{tim}, default-features = false, features = [\"openim\", \"reqwest\"] }}\n{tokio}idna_adapter = \"=1.0.0\"\n"),
            &app_main,
        )?;
        let reqwest_dep = "reqwest = { version = \"0.13\", default-features = false, features = [\"rustls-no-provider\"] }\n";
        let app_own = scratch(
            "app-own-reqwest",
            &format!("{tim}, default-features = false, features = [\"openim\", \"reqwest\"] }}\n{tokio}{reqwest_dep}idna_adapter = \"=1.0.0\"\n"),
            &own_main,
        )?;
        let runs: [(&str, &Path, &[&str]); 6] = [
            ("`tim-rest`, every service (default features)", root, &["-p", "tim-rest"]),
            ("`tim-rest`, openim only, reqwest transport", root, &["-p", "tim-rest", "--no-default-features", "--features", "openim,reqwest"]),
            ("`tim-rest`, openim only, no transport", root, &["-p", "tim-rest", "--no-default-features", "--features", "openim"]),
            ("application calling `send_msg`, tim-rest with every service, fresh resolution", &app_all, &[]),
            ("application calling `send_msg`, openim only, `idna_adapter = \"=1.0.0\"`", &app_lean, &[]),
            ("application calling `send_msg` with its own `reqwest::Client`, openim only, `idna_adapter = \"=1.0.0\"`", &app_own, &[]),
        ];
        // The baseline first, so that each row can be printed (with its ratio) as soon as it is built.
        let base_label = "`tencent_im_rs` 1.0.4 from crates.io (scratch project)";
        eprintln!("building: {base_label}");
        let (base, base_crates) = cold_build(&baseline, &[], &target)?;
        println!("| build | wall time | crates compiled | ratio to tencent_im_rs |\n|---|---|---|---|");
        for (label, dir, args) in runs {
            eprintln!("building: {label}");
            let (secs, crates) = cold_build(dir, args, &target)?;
            println!("| {label} | {secs:.1} s | {crates} | {:.2} |", secs / base);
        }
        println!("| {base_label} | {base:.1} s | {base_crates} | 1.00 |");
        Ok(())
    });
    let _ = std::fs::remove_dir_all(&tmp);
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// `cargo xtask bench-instructions`: instructions per call of each variant of
/// `integration/benches/instructions.rs`, counted by callgrind. Each variant runs with N and 2N
/// iterations; the difference divided by N is the per-call count, set-up excluded.
fn bench_instructions(root: &Path) -> ExitCode {
    let build = Command::new("cargo")
        .current_dir(root)
        .args(["bench", "-p", "tim-rest-tests", "--bench", "instructions", "--no-run", "--message-format=json"])
        .output();
    let Ok(build) = build else {
        eprintln!("error: cannot run cargo");
        return ExitCode::FAILURE;
    };
    let exe = String::from_utf8_lossy(&build.stdout)
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|v| v["target"]["name"] == "instructions")
        .find_map(|v| v["executable"].as_str().map(str::to_owned));
    let Some(exe) = exe else {
        eprintln!("error: the instructions bench did not build:\n{}", String::from_utf8_lossy(&build.stderr));
        return ExitCode::FAILURE;
    };
    let count = |variant: &str, n: u64| -> Option<u64> {
        let out = Command::new("valgrind")
            .args(["--tool=callgrind", "--callgrind-out-file=/dev/null", &exe, variant, &n.to_string()])
            .output()
            .ok()?;
        let text = String::from_utf8_lossy(&out.stderr);
        let line = text.lines().find(|l| l.contains("Collected :"))?;
        line.rsplit(':').next()?.trim().replace(',', "").parse().ok()
    };
    const N: u64 = 20_000;
    let mut rows = Vec::new();
    for variant in ["sendmsg-baseline", "sendmsg", "sendmsg-paced"] {
        let (Some(a), Some(b)) = (count(variant, N), count(variant, 2 * N)) else {
            eprintln!("error: valgrind --tool=callgrind failed for {variant} (is valgrind installed?)");
            return ExitCode::FAILURE;
        };
        let per_call = b.saturating_sub(a) / N;
        println!("{variant:<18} {per_call:>8} instructions per call");
        rows.push(per_call);
    }
    let base = rows[0].max(1) as f64;
    println!("ratio to the baseline: sendmsg {:.3}, sendmsg with pacing {:.3}", rows[1] as f64 / base, rows[2] as f64 / base);
    // Decoding whole replies, clean and drifted (BENCHMARKS.md §6): fewer, bigger calls.
    const M: u64 = 4;
    let mut per = std::collections::BTreeMap::new();
    for variant in ["members-clean", "members-drift", "members-every", "members-clean-then-last", "groups-clean", "groups-cursor"] {
        let (Some(a), Some(b)) = (count(variant, M), count(variant, 2 * M)) else {
            eprintln!("error: valgrind --tool=callgrind failed for {variant}");
            return ExitCode::FAILURE;
        };
        let per_call = b.saturating_sub(a) / M;
        per.insert(variant, per_call);
        let clean = if variant.starts_with("members") { "members-clean" } else { "groups-clean" };
        // `members-clean-then-last` decodes two replies per call: it is compared with two clean ones.
        let replies = if variant == "members-clean-then-last" { 2 } else { 1 };
        let ratio = per_call as f64 / (replies * per.get(clean).copied().unwrap_or(per_call / replies).max(1)) as f64;
        println!("{variant:<18} {per_call:>10} instructions per reply ({ratio:.2}x the clean reply)");
    }
    ExitCode::SUCCESS
}
