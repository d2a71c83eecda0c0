//! Credentials and where to send: flags, or the environment (`TIM_SDKAPPID`, `TIM_ADMIN`,
//! `TIM_SECRET_KEY`, `TIM_REGION`, `TIM_BASE_URL`, `TIM_CA_FILE`). The secret key is never printed: clap
//! is told not to show its value in `--help`, and no message here repeats it.

use crate::Failure;
use clap::Args;
use tim_rest::Region;

/// The application and how to reach the REST API.
#[derive(Debug, Clone, Args)]
pub struct Config {
    /// The application's SDKAppID.
    #[arg(long, env = "TIM_SDKAPPID", help_heading = "Configuration")]
    pub sdkappid: Option<u64>,
    /// An App admin account (the REST API accepts only App admins).
    #[arg(long, env = "TIM_ADMIN", help_heading = "Configuration")]
    pub admin: Option<String>,
    /// The application's secret key (console: "密钥"); never printed.
    #[arg(long, env = "TIM_SECRET_KEY", hide_env_values = true, help_heading = "Configuration")]
    pub secret_key: Option<String>,
    /// The region the app was created in: china, singapore, seoul, tokyo, frankfurt, mumbai,
    /// silicon-valley, jakarta (default china).
    #[arg(long, env = "TIM_REGION", help_heading = "Configuration")]
    pub region: Option<String>,
    /// Another base URL instead of the region's hosts, e.g. a local server (`http://127.0.0.1:8080`;
    /// plain http is allowed only for loopback addresses).
    #[arg(long, env = "TIM_BASE_URL", help_heading = "Configuration")]
    pub base_url: Option<String>,
    /// A CA certificate (PEM) to trust, e.g. the one `tim mock serve --tls` writes.
    #[arg(long, env = "TIM_CA_FILE", help_heading = "Configuration")]
    pub ca_file: Option<std::path::PathBuf>,
}

/// `name is not set (or pass --flag)`.
fn missing(env: &str, flag: &str) -> Failure {
    Failure::input(format!("{env} is not set (or pass --{flag})"))
}

impl Config {
    /// The SDKAppID, or a message naming what is missing.
    pub fn sdkappid(&self) -> Result<u64, Failure> {
        self.sdkappid.ok_or_else(|| missing("TIM_SDKAPPID", "sdkappid"))
    }

    /// The admin account.
    pub fn admin(&self) -> Result<&str, Failure> {
        self.admin.as_deref().filter(|a| !a.is_empty()).ok_or_else(|| missing("TIM_ADMIN", "admin"))
    }

    /// The secret key.
    pub fn secret_key(&self) -> Result<&str, Failure> {
        self.secret_key.as_deref().filter(|k| !k.is_empty()).ok_or_else(|| missing("TIM_SECRET_KEY", "secret-key"))
    }

    /// A client builder for the configured app and target. Every missing setting is named at once.
    pub fn client_builder(&self) -> Result<tim_rest::ClientBuilder, Failure> {
        let problems: Vec<String> =
            [self.sdkappid().err(), self.admin().err(), self.secret_key().err()].into_iter().flatten().map(|f| f.message).collect();
        if !problems.is_empty() {
            return Err(Failure::input(problems.join("\n")));
        }
        let mut b = tim_rest::Client::builder(self.sdkappid()?, self.admin()?).secret_key(self.secret_key()?);
        match (&self.base_url, &self.region) {
            (Some(url), _) => {
                let url = url.trim_end_matches('/');
                if url.starts_with("http://") {
                    if !is_loopback(url) {
                        return Err(Failure::input(format!(
                            "`{url}`: plain http:// is only for a local server (127.0.0.1, ::1, localhost); the REST API is HTTPS"
                        )));
                    }
                    b = b.allow_insecure_http(true);
                }
                b = b.base_url(url);
            }
            (None, Some(r)) => {
                let region: Region = r.parse().map_err(|e| Failure::input(format!("TIM_REGION / --region `{r}`: {e}")))?;
                b = b.region(region);
            }
            (None, None) => {}
        }
        // The CA file (`ca_file`) is trusted by the transport `tim call` builds (see `call::build_client`).
        Ok(b)
    }
}

/// Whether `url` (`http://host[:port][/...]`) names a loopback host.
pub fn is_loopback(url: &str) -> bool {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let authority = rest.split('/').next().unwrap_or("");
    let host = if let Some(v6) = authority.strip_prefix('[') {
        v6.split(']').next().unwrap_or("")
    } else {
        authority.rsplit_once(':').map_or(authority, |(h, _)| h)
    };
    host == "localhost" || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_hosts_may_use_plain_http() {
        assert!(is_loopback("http://127.0.0.1:8080"));
        assert!(is_loopback("http://localhost/x"));
        assert!(is_loopback("http://[::1]:9"));
        assert!(!is_loopback("http://10.0.0.1:80"));
        assert!(!is_loopback("http://example.com"));
    }

    #[test]
    fn missing_settings_are_named_with_their_flag() {
        let c = Config { sdkappid: None, admin: None, secret_key: None, region: None, base_url: None, ca_file: None };
        let e = c.client_builder().err().map(|f| f.message).unwrap_or_default();
        assert!(e.contains("TIM_SDKAPPID is not set (or pass --sdkappid)"), "{e}");
        assert!(e.contains("TIM_SECRET_KEY is not set (or pass --secret-key)"), "{e}");
    }
}
