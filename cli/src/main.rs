//! `tim`: the Tencent Cloud IM REST API from a terminal.
//!
//! Calls any catalogued command with a JSON body checked against the catalogue before sending, makes
//! and checks UserSigs, plays the IM server's side of callbacks against an app, runs the local REST
//! server, and shows the catalogue itself. `tim --help` (and `--help` on every subcommand) says how.
//!
//! Exit codes: 0 success; 1 the server (or the app, for callbacks) answered an error, or the call
//! failed; 2 the input is wrong (a usage error, missing configuration, a request that fails the
//! catalogue's checks, an unknown command).

#![forbid(unsafe_code)]
#![warn(missing_docs)]
// Standard output goes through `output::write` (the `outln!` macro), which survives a closed pipe.
#![deny(clippy::print_stdout)]

#[macro_use]
mod output;

mod call;
mod callbacks;
mod catalogue;
mod config;
mod mock;
mod names;
mod spec;
mod usersig;

use clap::{CommandFactory, Parser, Subcommand};
use std::process::ExitCode;

/// The Tencent Cloud IM (Chat) REST API from a terminal: calls checked against the catalogue,
/// UserSig, callbacks, a local server, and the catalogue itself.
#[derive(Debug, Parser)]
#[command(name = "tim", version, propagate_version = true, arg_required_else_help = true)]
#[command(after_help = "Configuration comes from the environment (TIM_SDKAPPID, TIM_ADMIN, TIM_SECRET_KEY, TIM_REGION, \
TIM_BASE_URL, TIM_CA_FILE) or from the flags of the same names. The secret key is never printed.")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Call a command: the JSON request is checked against the catalogue, sent, and the reply printed.
    Call(call::CallArgs),
    /// Generate or verify a UserSig.
    #[command(subcommand)]
    Usersig(usersig::UsersigCommand),
    /// Callback commands: list them, deliver one to an app as the IM server does, sign.
    #[command(subcommand)]
    Callbacks(callbacks::CallbacksCommand),
    /// The local REST server (for tests and demos).
    #[command(subcommand)]
    Mock(mock::MockCommand),
    /// The catalogue: commands, titles, documentation links, fields, rules.
    #[command(subcommand)]
    Spec(spec::SpecCommand),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell) to standard output.
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
}

/// A failure of a subcommand: its message (already free of secrets) and the exit code.
#[derive(Debug)]
pub struct Failure {
    /// What went wrong, printed to standard error.
    pub message: String,
    /// The exit code.
    pub code: u8,
}

impl Failure {
    /// Wrong input: exit code 2.
    pub fn input(message: impl Into<String>) -> Failure {
        Failure { message: message.into(), code: 2 }
    }
    /// A failed call or an error answer: exit code 1.
    pub fn failed(message: impl Into<String>) -> Failure {
        Failure { message: message.into(), code: 1 }
    }
    /// The reader of standard output has gone (`| head`): the command stops, exit code 0, no message.
    pub fn closed() -> Failure {
        Failure { message: String::new(), code: 0 }
    }
}

/// What a subcommand returns.
pub type Outcome = Result<(), Failure>;

/// The command definition with the catalogue's names as possible values, for completion scripts
/// (parsing stays lenient: Rust names and near misses get their own messages).
fn completion_command() -> clap::Command {
    let commands: Vec<&'static str> = tim_rest::registry::commands().map(|c| c.path).collect();
    let callbacks: Vec<&'static str> = tim_rest::callbacks::registry().map(|c| c.command).collect();
    let services: Vec<&'static str> = {
        let mut s: Vec<&'static str> = tim_rest::registry::commands().map(|c| c.service).collect();
        s.dedup();
        s
    };
    let values = |v: Vec<&'static str>| clap::builder::PossibleValuesParser::new(v);
    Cli::command()
        .mut_subcommand("call", |c| c.mut_arg("command", |a| a.value_parser(values(commands.clone()))))
        .mut_subcommand("spec", |c| {
            c.mut_subcommand("show", |c| c.mut_arg("command", |a| a.value_parser(values(commands.clone()))))
                .mut_subcommand("list", |c| c.mut_arg("service", |a| a.value_parser(values(services.clone()))))
        })
        .mut_subcommand("callbacks", |c| {
            c.mut_subcommand("trigger", |c| c.mut_arg("command", |a| a.value_parser(values(callbacks.clone()))))
        })
}

fn run(cli: Cli) -> Outcome {
    match cli.command {
        Command::Completions { shell } => {
            let mut cmd = completion_command();
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut cmd, "tim", &mut script);
            output::write(&script)
        }
        Command::Spec(c) => spec::run(c),
        Command::Usersig(c) => usersig::run(c),
        Command::Call(a) => runtime()?.block_on(call::run(a)),
        Command::Callbacks(c) => callbacks::run(c),
        Command::Mock(c) => mock::run(c),
    }
}

/// A multi-threaded tokio runtime for the subcommands that talk to the network.
pub fn runtime() -> Result<tokio::runtime::Runtime, Failure> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| Failure::failed(format!("cannot start the async runtime: {e}")))
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => {
            if !f.message.is_empty() {
                eprintln!("tim: {}", f.message);
            }
            ExitCode::from(f.code)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_definition_is_consistent() {
        Cli::command().debug_assert();
        completion_command().debug_assert();
    }
}
