//! `cargo xtask`: developer tasks for the Tencent Cloud IM REST SDK.
//!
//! - `cargo xtask gen` regenerates `generated/src/api/**`, the crate's feature block and `ENDPOINTS.md`.
//! - `cargo xtask gen --check` compares without writing and fails when anything is stale.
//! - `cargo xtask validate` only loads and validates the catalogue.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

const USAGE: &str = "usage:
  cargo xtask gen [--check]   regenerate the crate from spec/ (--check: compare only, exit 1 if stale)
  cargo xtask validate        load and validate spec/ only";

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
