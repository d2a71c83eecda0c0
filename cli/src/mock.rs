//! `tim mock serve`: the SDK's local REST server (`tim_rest::mock`) as a process, for trying calls and
//! for other programs' tests. Every catalogued command answers its official example reply; requests
//! are checked like the real service (signature, query, body). With `--stateful`, the emulator
//! (`tim_emulator`) serves instead: accounts, messages, groups, profiles and friends keep their state,
//! and the app's callback service can be called.

use crate::{Failure, Outcome};
use clap::Subcommand;
use std::net::SocketAddr;
use std::path::PathBuf;

/// The secret key the local server uses when none is given: for local use only.
pub const DEFAULT_KEY: &str = "tim-mock-secret-key";

/// `tim mock` subcommands.
#[derive(Debug, Subcommand)]
pub enum MockCommand {
    /// Run the local REST server until Ctrl-C; prints one line with its URL.
    #[command(after_help = "Example:\n  tim mock serve --port 8080 &\n  \
export TIM_BASE_URL=http://127.0.0.1:8080 TIM_SDKAPPID=1400000000 TIM_ADMIN=administrator TIM_SECRET_KEY=tim-mock-secret-key\n  \
tim call im_open_login_svc/account_check '{\"CheckItem\":[{\"UserID\":\"bob\"}]}'")]
    Serve {
        /// The port on 127.0.0.1 (default: a free one).
        #[arg(long, default_value_t = 0)]
        port: u16,
        /// The application's SDKAppID.
        #[arg(long, env = "TIM_SDKAPPID", default_value_t = 1400000000)]
        sdkappid: u64,
        /// The App admin account.
        #[arg(long, env = "TIM_ADMIN", default_value = "administrator")]
        admin: String,
        /// The secret key UserSigs are checked with (default: `tim-mock-secret-key`, local use only).
        #[arg(long, env = "TIM_SECRET_KEY", hide_env_values = true, hide_default_value = true, default_value = DEFAULT_KEY)]
        key: String,
        /// Serve HTTPS with a certificate signed by a CA made at start-up; its PEM is written to
        /// `--ca-out` (default: a file in the temporary directory).
        #[arg(long)]
        tls: bool,
        /// Where to write the CA certificate (with --tls).
        #[arg(long, requires = "tls", value_name = "FILE")]
        ca_out: Option<PathBuf>,
        #[command(flatten)]
        stateful: Stateful,
    },
}

/// The emulator's options of `tim mock serve`.
#[derive(Debug, clap::Args)]
pub struct Stateful {
    /// Serve the stateful emulator (the commands it emulates keep state; the others answer examples).
    #[arg(long)]
    stateful: bool,
    /// Start from this seed (JSON, or YAML when the name ends in `.yaml` or `.yml`; the snapshot format).
    #[arg(long, requires = "stateful", value_name = "FILE")]
    seed: Option<PathBuf>,
    /// Write the whole state to this file when stopped.
    #[arg(long, requires = "stateful", value_name = "FILE")]
    snapshot: Option<PathBuf>,
    /// The app's callback URL: the emulator calls it as the server does, signed with --callback-token.
    #[arg(long, requires_all = ["stateful", "callbacks"], value_name = "URL")]
    callback_url: Option<String>,
    /// The console's callback token (never printed).
    #[arg(long, env = "TIM_CALLBACK_TOKEN", hide_env_values = true, requires = "callback_url")]
    callback_token: Option<String>,
    /// The callback commands enabled, comma-separated (e.g. `C2C.CallbackBeforeSendMsg`).
    #[arg(long, value_delimiter = ',', requires = "callback_url")]
    callbacks: Vec<String>,
}

/// Runs `tim mock`.
pub fn run(cmd: MockCommand) -> Outcome {
    match cmd {
        MockCommand::Serve { port, sdkappid, admin, key, tls, ca_out, stateful } => {
            crate::runtime()?.block_on(serve(port, sdkappid, admin, key, tls, ca_out, stateful))
        }
    }
}

async fn serve(port: u16, sdkappid: u64, admin: String, key: String, tls: bool, ca_out: Option<PathBuf>, st: Stateful) -> Outcome {
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let cannot = |e: std::io::Error| Failure::failed(format!("cannot serve on {addr}: {e}"));
    let (emulator, plain) = if st.stateful {
        let emu = tim_emulator::Emulator::start_on(addr, sdkappid, admin.clone(), key, tls).await.map_err(cannot)?;
        if let Some(seed) = &st.seed {
            emu.load_seed(seed).map_err(|e| Failure::input(format!("{}: {e}", seed.display())))?;
        }
        if let Some(url) = st.callback_url {
            let mut config = tim_emulator::CallbackConfig::new(url, &st.callbacks).map_err(|e| Failure::input(e.to_string()))?;
            if let Some(t) = st.callback_token {
                config = config.token(t);
            }
            emu.set_callbacks(Some(config));
        }
        (Some(emu), None)
    } else {
        (None, Some(tim_rest::mock::MockServer::start_on(addr, sdkappid, admin.clone(), key, tls).await.map_err(cannot)?))
    };
    let server: &tim_rest::mock::MockServer = match (&emulator, &plain) {
        (Some(emu), _) => emu,
        (None, Some(s)) => s,
        (None, None) => return Err(Failure::failed("no server started")),
    };
    let what = if emulator.is_some() { format!(", emulator: {} commands with state", tim_emulator::COMMANDS.len()) } else { String::new() };
    let mut line = format!("tim mock: serving {} (sdkappid {sdkappid}, admin {admin}{what})", server.base_url());
    if let Some(pem) = server.ca_pem() {
        let path = ca_out.unwrap_or_else(|| std::env::temp_dir().join(format!("tim-mock-ca-{}.pem", server.addr().port())));
        std::fs::write(&path, pem).map_err(|e| Failure::failed(format!("cannot write the CA certificate to {}: {e}", path.display())))?;
        line.push_str(&format!(", CA certificate {} (TIM_CA_FILE)", path.display()));
    }
    line.push_str("; Ctrl-C stops");
    // Scripts and tests read the line through a pipe; a server nobody reads keeps serving.
    let _ = outln!("{line}");
    shutdown_signal().await;
    if let (Some(emu), Some(path)) = (&emulator, &st.snapshot) {
        emu.save_snapshot(path).map_err(|e| Failure::failed(format!("cannot write the snapshot to {}: {e}", path.display())))?;
        eprintln!("tim mock: state written to {}", path.display());
    }
    drop(emulator);
    drop(plain);
    eprintln!("tim mock: stopped");
    Ok(())
}

/// Ctrl-C, or SIGTERM on Unix.
async fn shutdown_signal() {
    #[cfg(unix)]
    {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
