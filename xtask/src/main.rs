//! `cargo xtask`: developer tasks for the Tencent Cloud IM REST SDK.
//!
//! - `cargo xtask gen` regenerates `generated/src/api/**`, the crate's feature block and `ENDPOINTS.md`.
//! - `cargo xtask gen --check` compares without writing and fails when anything is stale.
//! - `cargo xtask validate` only loads and validates the catalogue.
//! - `cargo xtask diff` reports what a catalogue change does on the wire and to Rust users
//!   ([`codegen::diff`]); this file only parses its arguments and prints.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

const USAGE: &str = "usage:
  cargo xtask gen [--check]   regenerate the crate from spec/ (--check: compare only, exit 1 if stale)
  cargo xtask validate        load and validate spec/ only
  cargo xtask diff [--base REV|DIR] [--head REV|DIR] [--format text|markdown|json] [--fail-on breaking|none] [--repo DIR]
                              what a spec change does on the wire and to Rust users; --base defaults to HEAD,
                              --head to the working tree (an existing folder is a folder, anything else a git
                              revision). Exit 1 on breaking findings not acknowledged in spec/diff-acks.yaml
                              (--fail-on none: never), 2 on bad arguments or an unloadable side";

fn repo_root() -> PathBuf {
    // xtask/ sits directly under the repository root.
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from("."))
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let root = repo_root();
    match args.as_slice() {
        ["gen"] => generate(&root, false),
        ["gen", "--check"] => generate(&root, true),
        ["diff", rest @ ..] => diff(&root, rest),
        ["validate"] => match codegen::validate::load_dir(&root.join("spec")) {
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

/// Parses `--name value` / `--name=value` pairs.
fn diff_options(root: &Path, args: &[&str]) -> Result<codegen::diff::Options, String> {
    use codegen::diff::{FailOn, Format, Options, SpecSource};
    let mut opts = Options {
        repo: root.to_path_buf(),
        base: SpecSource::Rev("HEAD".into()),
        head: SpecSource::WorkingTree,
        format: Format::Text,
        fail_on: FailOn::Breaking,
    };
    let mut i = 0;
    while i < args.len() {
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
    Ok(opts)
}

fn diff(root: &Path, args: &[&str]) -> ExitCode {
    let opts = match diff_options(root, args) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("error: {e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match codegen::diff::run(&opts) {
        Ok(outcome) => {
            print!("{}", outcome.output);
            if outcome.failed {
                eprintln!(
                    "{} breaking finding(s) are not acknowledged: add each to spec/{} with `rule`, `at` (its location) and a `reason`",
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
