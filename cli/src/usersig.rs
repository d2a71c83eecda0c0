//! `tim usersig gen` and `tim usersig verify`: the SDK's own UserSig code (TLSSigAPIv2).

use crate::config::Config;
use crate::{Failure, Outcome};
use clap::Subcommand;
use std::time::{SystemTime, UNIX_EPOCH};
use tim_rest::usersig::{self, SecretKey, VerifyError};

/// `tim usersig` subcommands.
#[derive(Debug, Subcommand)]
pub enum UsersigCommand {
    /// Print a UserSig for a user of the app (e.g. to log a client in), signed with the secret key.
    Gen {
        /// The UserID.
        user: String,
        /// Lifetime in seconds (default 86400, one day).
        #[arg(long, default_value_t = 86400)]
        expire: u64,
        #[command(flatten)]
        config: Config,
    },
    /// Check a UserSig against the app's SDKAppID and secret key; says what is wrong (app id, user,
    /// expiry, signature). Exit code 1 when it is not valid.
    Verify {
        /// The UserSig.
        sig: String,
        /// The user it must be for (default: the user it names).
        #[arg(long)]
        user: Option<String>,
        #[command(flatten)]
        config: Config,
    },
}

fn now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

/// Runs `tim usersig`.
pub fn run(cmd: UsersigCommand) -> Outcome {
    match cmd {
        UsersigCommand::Gen { user, expire, config } => {
            if user.is_empty() {
                return Err(Failure::input("the UserID is empty"));
            }
            let key = SecretKey::new(config.secret_key()?);
            let sig = usersig::generate(&key, config.sdkappid()?, &user, now(), expire, None);
            outln!("{}", sig.expose())
        }
        UsersigCommand::Verify { sig, user, config } => {
            let sdkappid = config.sdkappid()?;
            let key = SecretKey::new(config.secret_key()?);
            let claims = usersig::claims(sig.trim()).map_err(|e| Failure::failed(format!("not a valid UserSig: {e}")))?;
            let user = user.unwrap_or_else(|| claims.identifier.clone());
            let at = now();
            match usersig::verify(&key, sdkappid, &user, sig.trim(), at) {
                Ok(info) => {
                    let end = info.time.saturating_add(info.expire);
                    outln!(
                        "valid: sdkappid {sdkappid}, user {user}, issued at {} (unix), expires at {end} (in {} s)",
                        info.time,
                        end.saturating_sub(at)
                    )
                }
                Err(VerifyError::WrongAppId(got)) => {
                    Err(Failure::failed(format!("invalid: issued for sdkappid {got}, not {sdkappid} (app id)")))
                }
                Err(VerifyError::WrongIdentifier) => {
                    Err(Failure::failed(format!("invalid: issued for user `{}`, not `{user}` (user)", claims.identifier)))
                }
                Err(VerifyError::Expired(t)) => {
                    Err(Failure::failed(format!("invalid: expired at {t} (unix), {} s ago (expired)", at.saturating_sub(t))))
                }
                Err(VerifyError::BadSignature) => Err(Failure::failed(
                    "invalid: the signature does not match (signature): another secret key, or the UserSig was altered",
                )),
                Err(e) => Err(Failure::failed(format!("invalid: {e}"))),
            }
        }
    }
}
