//! UserSig (TLSSigAPIv2): generate and verify.
//!
//! The signed text is the lines `TLS.identifier:`, `TLS.sdkappid:`, `TLS.time:`, `TLS.expire:` (and
//! `TLS.userbuf:` when a user buffer is given), each ending in `\n`; `TLS.sig` is the standard base64
//! of its HMAC-SHA256 keyed with the secret key's UTF-8 bytes. The signature document is a JSON object,
//! zlib-compressed, base64-encoded, with `+` `/` `=` replaced by `*` `-` `_`.
//!
//! ```
//! use tim_rest_runtime::usersig::{claims, generate, verify, SecretKey};
//! let key = SecretKey::new("5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e");
//! let sig = generate(&key, 1400000000, "administrator", 1_700_000_000, 86400, None);
//! let info = verify(&key, 1400000000, "administrator", sig.expose(), 1_700_000_100).unwrap();
//! assert_eq!(info.expire, 86400);
//! // What it claims, unverified (e.g. to say for whom it was issued when it is refused).
//! assert_eq!(claims(sig.expose()).unwrap().identifier, "administrator");
//! ```

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use flate2::Compression;
use flate2::read::ZlibDecoder;
use flate2::write::ZlibEncoder;
use hmac::{KeyInit, Mac};
use std::fmt;
use std::io::{Read, Write};

type HmacSha256 = hmac::Hmac<sha2::Sha256>;

/// The application's secret key. Never printed: `Debug` shows `<redacted>`.
#[derive(Clone)]
pub struct SecretKey(pub(crate) String);

impl SecretKey {
    /// Wraps a secret key (the console's "密钥").
    pub fn new(key: impl Into<String>) -> Self {
        SecretKey(key.into())
    }
}

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretKey(<redacted>)")
    }
}

/// A UserSig. Never printed: `Debug` and `Display` show `<redacted>`; use [`UserSig::expose`] to
/// read it.
#[derive(Clone, PartialEq, Eq)]
pub struct UserSig(String);

impl UserSig {
    /// Wraps a UserSig made elsewhere.
    pub fn new(sig: impl Into<String>) -> Self {
        UserSig(sig.into())
    }
    /// The signature text, for putting on the wire.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for UserSig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("UserSig(<redacted>)")
    }
}

impl fmt::Display for UserSig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

fn mac(key: &SecretKey) -> HmacSha256 {
    // HMAC accepts keys of any length, so this cannot fail.
    match HmacSha256::new_from_slice(key.0.as_bytes()) {
        Ok(m) => m,
        Err(_) => unreachable!("HMAC-SHA256 takes keys of any length"),
    }
}

fn signed_text(identifier: &str, sdkappid: u64, time: u64, expire: u64, userbuf_b64: Option<&str>) -> String {
    let mut s = format!("TLS.identifier:{identifier}\nTLS.sdkappid:{sdkappid}\nTLS.time:{time}\nTLS.expire:{expire}\n");
    if let Some(b) = userbuf_b64 {
        s.push_str("TLS.userbuf:");
        s.push_str(b);
        s.push('\n');
    }
    s
}

/// The `TLS.sig` field: base64 of the HMAC-SHA256 of the signed text.
pub fn hmac_sig(key: &SecretKey, identifier: &str, sdkappid: u64, time: u64, expire: u64, userbuf: Option<&[u8]>) -> String {
    let ub = userbuf.map(|b| STANDARD.encode(b));
    let mut m = mac(key);
    m.update(signed_text(identifier, sdkappid, time, expire, ub.as_deref()).as_bytes());
    STANDARD.encode(m.finalize().into_bytes())
}

fn to_url_safe(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '+' => '*',
            '/' => '-',
            '=' => '_',
            c => c,
        })
        .collect()
}

fn from_url_safe(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '*' => '+',
            '-' => '/',
            '_' => '=',
            c => c,
        })
        .collect()
}

/// Generates a UserSig for `identifier`, valid from `time` (unix seconds) for `expire` seconds.
pub fn generate(key: &SecretKey, sdkappid: u64, identifier: &str, time: u64, expire: u64, userbuf: Option<&[u8]>) -> UserSig {
    let sig = hmac_sig(key, identifier, sdkappid, time, expire, userbuf);
    let mut doc = serde_json::Map::new();
    doc.insert("TLS.ver".into(), "2.0".into());
    doc.insert("TLS.identifier".into(), identifier.into());
    doc.insert("TLS.sdkappid".into(), sdkappid.into());
    doc.insert("TLS.expire".into(), expire.into());
    doc.insert("TLS.time".into(), time.into());
    doc.insert("TLS.sig".into(), sig.into());
    if let Some(b) = userbuf {
        doc.insert("TLS.userbuf".into(), STANDARD.encode(b).into());
    }
    let json = serde_json::Value::Object(doc).to_string();
    let mut z = ZlibEncoder::new(Vec::new(), Compression::default());
    // Writing into a Vec cannot fail.
    let compressed = match z.write_all(json.as_bytes()).and_then(|()| z.finish()) {
        Ok(c) => c,
        Err(_) => unreachable!("zlib into a Vec does not fail"),
    };
    UserSig(to_url_safe(&STANDARD.encode(compressed)))
}

/// What a valid UserSig says.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SigInfo {
    /// `TLS.time`.
    pub time: u64,
    /// `TLS.expire`.
    pub expire: u64,
    /// `TLS.userbuf`, decoded.
    pub userbuf: Option<Vec<u8>>,
}

/// Why a UserSig failed verification. Never contains the signature or the key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum VerifyError {
    /// Not base64 in the UserSig alphabet.
    #[error("the UserSig is not valid base64")]
    Base64,
    /// Not zlib data.
    #[error("the UserSig does not decompress")]
    Compression,
    /// Not the expected JSON document.
    #[error("the UserSig document is malformed: {0}")]
    Document(&'static str),
    /// Issued for another application.
    #[error("the UserSig was issued for sdkappid {0}")]
    WrongAppId(u64),
    /// Issued for another identifier.
    #[error("the UserSig was issued for another identifier")]
    WrongIdentifier,
    /// Past `time + expire`.
    #[error("the UserSig expired at {0}")]
    Expired(u64),
    /// The HMAC does not match (wrong key, or tampered).
    #[error("the UserSig signature does not match")]
    BadSignature,
}

/// What a UserSig claims, read without checking its signature (for tools that say why a signature is
/// refused, e.g. for which user it was issued). Never trust it without [`verify`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Claims {
    /// `TLS.sdkappid`.
    pub sdkappid: u64,
    /// `TLS.identifier`.
    pub identifier: String,
    /// `TLS.time`.
    pub time: u64,
    /// `TLS.expire`.
    pub expire: u64,
}

fn document(sig: &str) -> Result<serde_json::Value, VerifyError> {
    let compressed = STANDARD.decode(from_url_safe(sig)).map_err(|_| VerifyError::Base64)?;
    // A signature document is a few hundred bytes; cap what we inflate.
    let mut json = Vec::new();
    ZlibDecoder::new(compressed.as_slice()).take(64 * 1024).read_to_end(&mut json).map_err(|_| VerifyError::Compression)?;
    serde_json::from_slice(&json).map_err(|_| VerifyError::Document("not JSON"))
}

/// Reads what a UserSig claims without verifying it (see [`Claims`]).
pub fn claims(sig: &str) -> Result<Claims, VerifyError> {
    let doc = document(sig)?;
    let get_u64 = |k: &'static str| doc.get(k).and_then(serde_json::Value::as_u64).ok_or(VerifyError::Document(k));
    let identifier = doc.get("TLS.identifier").and_then(serde_json::Value::as_str).ok_or(VerifyError::Document("TLS.identifier"))?;
    Ok(Claims {
        sdkappid: get_u64("TLS.sdkappid")?,
        identifier: identifier.to_owned(),
        time: get_u64("TLS.time")?,
        expire: get_u64("TLS.expire")?,
    })
}

/// Verifies a UserSig for `sdkappid` and `identifier` at time `now` (unix seconds).
pub fn verify(key: &SecretKey, sdkappid: u64, identifier: &str, sig: &str, now: u64) -> Result<SigInfo, VerifyError> {
    let doc = document(sig)?;
    let get_u64 = |k: &'static str| doc.get(k).and_then(serde_json::Value::as_u64).ok_or(VerifyError::Document(k));
    let get_str = |k: &'static str| doc.get(k).and_then(serde_json::Value::as_str).ok_or(VerifyError::Document(k));
    let appid = get_u64("TLS.sdkappid")?;
    let id = get_str("TLS.identifier")?;
    let time = get_u64("TLS.time")?;
    let expire = get_u64("TLS.expire")?;
    let tls_sig = get_str("TLS.sig")?;
    let userbuf_b64 = match doc.get("TLS.userbuf") {
        None => None,
        Some(v) => Some(v.as_str().ok_or(VerifyError::Document("TLS.userbuf"))?),
    };
    if appid != sdkappid {
        return Err(VerifyError::WrongAppId(appid));
    }
    if id != identifier {
        return Err(VerifyError::WrongIdentifier);
    }
    let deadline = time.saturating_add(expire);
    if now > deadline {
        return Err(VerifyError::Expired(deadline));
    }
    let claimed = STANDARD.decode(tls_sig).map_err(|_| VerifyError::BadSignature)?;
    let mut m = mac(key);
    m.update(signed_text(identifier, sdkappid, time, expire, userbuf_b64).as_bytes());
    // verify_slice compares in constant time.
    m.verify_slice(&claimed).map_err(|_| VerifyError::BadSignature)?;
    let userbuf = match userbuf_b64 {
        Some(b) => Some(STANDARD.decode(b).map_err(|_| VerifyError::Document("TLS.userbuf"))?),
        None => None,
    };
    Ok(SigInfo { time, expire, userbuf })
}
