//! The query of a callback request and its signature.

use sha2::{Digest, Sha256};
use std::fmt;

/// The platform a callback's action came from (`OptPlatform`). An open enum: other values are kept.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum OptPlatform {
    /// `RESTAPI`: the app's own server.
    RestApi,
    /// `Web`.
    Web,
    /// `Android`.
    Android,
    /// `iOS` (`State.StateChange` sends `IOS`).
    Ios,
    /// `Windows`.
    Windows,
    /// `Mac`.
    Mac,
    /// `iPad`.
    IPad,
    /// `Unknown`.
    Unknown,
    /// A value this SDK does not know, kept verbatim.
    Other(String),
}

impl OptPlatform {
    /// Reads the query value.
    pub fn parse(value: &str) -> OptPlatform {
        match value {
            "RESTAPI" => OptPlatform::RestApi,
            "Web" => OptPlatform::Web,
            "Android" => OptPlatform::Android,
            "iOS" | "IOS" => OptPlatform::Ios,
            "Windows" => OptPlatform::Windows,
            "Mac" => OptPlatform::Mac,
            "iPad" => OptPlatform::IPad,
            "Unknown" => OptPlatform::Unknown,
            other => OptPlatform::Other(other.to_owned()),
        }
    }
}

/// The query parameters of a callback request.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CallbackQuery {
    /// `SdkAppid`.
    pub sdk_appid: u64,
    /// `CallbackCommand`, e.g. `C2C.CallbackBeforeSendMsg`.
    pub command: String,
    /// `contenttype` (`json`).
    pub content_type: Option<String>,
    /// `ClientIP`: the IP of the client that acted.
    pub client_ip: Option<String>,
    /// `OptPlatform`.
    pub opt_platform: Option<OptPlatform>,
    /// `Sign`, when authentication is on.
    pub sign: Option<String>,
    /// `RequestTime` (Unix seconds), when authentication is on.
    pub request_time: Option<u64>,
}

impl fmt::Debug for CallbackQuery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CallbackQuery")
            .field("sdk_appid", &self.sdk_appid)
            .field("command", &self.command)
            .field("client_ip", &self.client_ip)
            .field("opt_platform", &self.opt_platform)
            .field("signed", &self.sign.is_some())
            .field("request_time", &self.request_time)
            .finish_non_exhaustive()
    }
}

impl CallbackQuery {
    /// Parses a query string (`SdkAppid=..&CallbackCommand=..&..`, percent-encoded, without the `?`).
    pub fn parse(query: &str) -> Result<CallbackQuery, Rejection> {
        let mut sdk_appid = None;
        let mut q = CallbackQuery {
            sdk_appid: 0,
            command: String::new(),
            content_type: None,
            client_ip: None,
            opt_platform: None,
            sign: None,
            request_time: None,
        };
        // A security parameter given twice is refused: a proxy that reads the first value and an app that
        // reads the last would not see the same request.
        let mut seen: [bool; 4] = [false; 4];
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            if let Some(i) = ["SdkAppid", "CallbackCommand", "Sign", "RequestTime"].iter().position(|p| *p == k) {
                if seen[i] {
                    return Err(Rejection::BadQuery(format!("{k} is given twice")));
                }
                seen[i] = true;
            }
            let v = v.replace('+', " ");
            let v = percent_encoding::percent_decode_str(&v).decode_utf8_lossy().into_owned();
            match k {
                "SdkAppid" => {
                    sdk_appid = Some(v.trim().parse::<u64>().map_err(|_| Rejection::BadQuery("SdkAppid is not a number".into()))?)
                }
                "CallbackCommand" => q.command = v,
                "contenttype" => q.content_type = Some(v),
                "ClientIP" => q.client_ip = Some(v),
                "OptPlatform" => q.opt_platform = Some(OptPlatform::parse(&v)),
                "Sign" => q.sign = Some(v),
                "RequestTime" => {
                    q.request_time = Some(v.trim().parse::<u64>().map_err(|_| Rejection::BadQuery("RequestTime is not a number".into()))?)
                }
                _ => {}
            }
        }
        q.sdk_appid = sdk_appid.ok_or_else(|| Rejection::BadQuery("SdkAppid is missing".into()))?;
        if q.command.is_empty() {
            return Err(Rejection::BadQuery("CallbackCommand is missing".into()));
        }
        Ok(q)
    }
}

/// `Sign`: the lowercase hex SHA-256 of `token` followed by `request_time`.
///
/// ```
/// // The official page's example.
/// let sign = tim_rest_runtime::callbacks::sign("xxxxyyyy", 1669872112);
/// assert_eq!(sign, "17773bc39a671d7b9aa835458704d2a6db81360a5940292b587d6d760d484061");
/// ```
pub fn sign(token: &str, request_time: u64) -> String {
    let digest = Sha256::new().chain_update(token.as_bytes()).chain_update(request_time.to_string().as_bytes()).finalize();
    let mut out = String::with_capacity(64);
    for b in digest {
        out.push(char::from(b"0123456789abcdef"[usize::from(b >> 4)]));
        out.push(char::from(b"0123456789abcdef"[usize::from(b & 0x0f)]));
    }
    out
}

/// Why a callback request was refused before any handler ran.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Rejection {
    /// The query is not a callback query (a parameter missing, malformed or given twice).
    BadQuery(String),
    /// `SdkAppid` is another application's.
    WrongApp {
        /// What the request said.
        got: u64,
    },
    /// The app configured neither a token nor [`super::Callbacks::unsigned`]: every request is refused.
    NotConfigured,
    /// A token is configured but the request carries no `Sign` or no `RequestTime`.
    Unsigned,
    /// `Sign` does not match the token and `RequestTime`.
    BadSignature,
    /// `RequestTime` is outside the window.
    Stale {
        /// `RequestTime`.
        request_time: u64,
        /// The app's clock.
        now: u64,
    },
    /// The body is larger than the limit ([`super::Callbacks::max_body`]); it was not read whole.
    TooLarge {
        /// The limit, in bytes.
        limit: usize,
    },
    /// The body's `CallbackCommand` is not the query's (or the body has none).
    CommandMismatch {
        /// The query's.
        query: String,
        /// The body's, when it has one.
        body: Option<String>,
    },
    /// The same request (`RequestTime`, command and body) was already accepted within the window.
    Replayed,
    /// The replay guard's store could not answer (the request is refused: the guard fails closed).
    GuardUnavailable(String),
}

impl Rejection {
    /// The HTTP status the app answers with: 400 for a malformed request, 413 for a body over the
    /// limit, 409 for a replay, 503 when the replay guard's store is away, 403 otherwise.
    pub fn status(&self) -> u16 {
        match self {
            Rejection::BadQuery(_) | Rejection::CommandMismatch { .. } => 400,
            Rejection::TooLarge { .. } => 413,
            Rejection::Replayed => 409,
            Rejection::GuardUnavailable(_) => 503,
            _ => 403,
        }
    }

    /// A short reason without any value of the request or of the app (what the refusal body says): no
    /// clock, no app id, nothing that helps a prober.
    pub fn reason(&self) -> &'static str {
        match self {
            Rejection::BadQuery(_) => "not a callback request",
            Rejection::WrongApp { .. } => "wrong application",
            Rejection::NotConfigured => "callbacks are not configured",
            Rejection::Unsigned => "not signed",
            Rejection::BadSignature => "bad signature",
            Rejection::Stale { .. } => "request too old or too new",
            Rejection::TooLarge { .. } => "body too large",
            Rejection::CommandMismatch { .. } => "CallbackCommand mismatch",
            Rejection::Replayed => "request already received",
            Rejection::GuardUnavailable(_) => "temporarily unavailable",
        }
    }
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rejection::BadQuery(m) => write!(f, "not a callback request: {m}"),
            Rejection::WrongApp { got } => write!(f, "SdkAppid {got} is not this application's"),
            Rejection::NotConfigured => f.write_str(
                "callbacks have no token: set `.token(..)` (the console's callback token) or opt out of verification with `.unsigned()`",
            ),
            Rejection::Unsigned => f.write_str("the request is not signed (Sign and RequestTime are required)"),
            Rejection::BadSignature => f.write_str("the signature does not match"),
            Rejection::Stale { request_time, now } => write!(f, "RequestTime {request_time} is outside the window (now {now})"),
            Rejection::TooLarge { limit } => write!(f, "the body is larger than {limit} bytes"),
            Rejection::CommandMismatch { query, body: Some(b) } => {
                write!(f, "the body's CallbackCommand `{b}` is not the query's `{query}`")
            }
            Rejection::CommandMismatch { query, body: None } => write!(f, "the body has no CallbackCommand (the query says `{query}`)"),
            Rejection::Replayed => f.write_str("the same request (RequestTime, command and body) was already accepted"),
            Rejection::GuardUnavailable(m) => write!(f, "the replay guard's store failed: {m}"),
        }
    }
}

impl std::error::Error for Rejection {}

#[cfg(test)]
mod tests {
    use super::sign;
    use crate::callbacks::testing::GOOD;

    #[test]
    fn the_official_signature_example() {
        assert_eq!(sign("xxxxyyyy", 1669872112), GOOD);
        // The page's other spelling of the token does not give that hash.
        assert_ne!(sign("xxxyyy", 1669872112), GOOD);
    }
}
