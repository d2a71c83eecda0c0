//! `tim-emulator`: the stateful emulator of the Tencent IM REST service as a process, for end-to-end
//! tests of back ends in any language. It prints one start-up line (the base URL, and for TLS the path
//! of the CA certificate to trust) and stops cleanly on Ctrl-C (writing a snapshot when asked).

use clap::Parser;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::process::ExitCode;
use tim_emulator::{CallbackConfig, Emulator};

/// A local emulator of the Tencent Cloud IM REST service (accounts, messages, groups, profiles,
/// friends, callbacks) on 127.0.0.1.
#[derive(Parser, Debug)]
#[command(name = "tim-emulator", version)]
struct Args {
    /// Port on 127.0.0.1 (0: a free port, printed at start-up).
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// The application's SDKAppID.
    #[arg(long)]
    sdkappid: u64,
    /// The App admin account (the `identifier` of every request).
    #[arg(long)]
    admin: String,
    /// The secret key UserSigs are verified with (never printed). Also read from TIM_EMULATOR_KEY.
    #[arg(long, env = "TIM_EMULATOR_KEY", hide_env_values = true)]
    key: String,
    /// Serve HTTPS with a certificate signed by a CA made at start-up (its PEM is written to --ca-file).
    #[arg(long)]
    tls: bool,
    /// Where to write the CA certificate with --tls (default: a file in the temporary directory).
    #[arg(long)]
    ca_file: Option<PathBuf>,
    /// A seed file (JSON or YAML, the snapshot format) to start from.
    #[arg(long)]
    seed: Option<PathBuf>,
    /// Write the whole state to this file (JSON, or YAML when the name ends in `.yaml` or `.yml`) on shutdown.
    #[arg(long)]
    snapshot: Option<PathBuf>,
    /// The app's callback URL.
    #[arg(long, requires = "callbacks")]
    callback_url: Option<String>,
    /// The console's callback authentication token (without it, callbacks are unsigned).
    #[arg(long, env = "TIM_EMULATOR_CALLBACK_TOKEN", hide_env_values = true)]
    callback_token: Option<String>,
    /// The enabled callback commands, comma-separated (e.g. C2C.CallbackBeforeSendMsg,Group.CallbackAfterSendMsg).
    #[arg(long, value_delimiter = ',', requires = "callback_url")]
    callbacks: Vec<String>,
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    match run(args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("tim-emulator: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run(args: Args) -> Result<(), String> {
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, args.port));
    let emu = Emulator::start_on(addr, args.sdkappid, args.admin.clone(), args.key, args.tls)
        .await
        .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    if let Some(seed) = &args.seed {
        emu.load_seed(seed).map_err(|e| format!("{}: {e}", seed.display()))?;
    }
    if let Some(url) = args.callback_url {
        let mut config = CallbackConfig::new(url, &args.callbacks).map_err(|e| e.to_string())?;
        if let Some(t) = args.callback_token {
            config = config.token(t);
        }
        emu.set_callbacks(Some(config));
    }
    let mut line = format!(
        "tim-emulator listening on {} (sdkappid {}, admin {}, {} commands emulated)",
        emu.base_url(),
        args.sdkappid,
        args.admin,
        tim_emulator::COMMANDS.len()
    );
    if let Some(pem) = emu.ca_pem() {
        let path = args.ca_file.unwrap_or_else(|| std::env::temp_dir().join(format!("tim-emulator-{}-ca.pem", emu.addr().port())));
        std::fs::write(&path, pem).map_err(|e| format!("cannot write the CA certificate to {}: {e}", path.display()))?;
        line.push_str(&format!("; trust the CA in {}", path.display()));
    }
    println!("{line}");
    tokio::signal::ctrl_c().await.map_err(|e| format!("cannot wait for Ctrl-C: {e}"))?;
    if let Some(path) = &args.snapshot {
        emu.save_snapshot(path).map_err(|e| format!("cannot write the snapshot to {}: {e}", path.display()))?;
        println!("tim-emulator: state written to {}", path.display());
    }
    println!("tim-emulator: stopped");
    Ok(())
}
