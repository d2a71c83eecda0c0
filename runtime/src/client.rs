//! The client core: configuration, the admin UserSig cache, URL building, and the one generic call
//! path behind every generated call function. Sending goes through a [`Transport`]; nothing here
//! depends on an HTTP library or an async runtime.

use crate::clock::{now_nanos, unix_now};
use crate::envelope::Decoded;
use crate::error::{Error, ErrorCodeInfo};
use crate::pacing::PaceCall;
use crate::region::Region;
use crate::registry::CommandInfo;
use crate::retry::{Decision, RetryClass, RetryPolicy};
use crate::transport::{HttpRequest, Transport, TransportError, TransportFailure};
use crate::usersig::{self, SecretKey, UserSig};
use crate::{Api, Endpoint, ReplyPayload};
use arc_swap::ArcSwap;
use bytes::Bytes;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Duration;

/// Query-string values are percent-encoded except for RFC 3986 unreserved characters.
const QUERY_VALUE: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// The server gives up after 3 s; the default total timeout leaves room for the network.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default connect timeout.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(3);
/// Default lifetime of the admin UserSig the client generates; it is renewed at half-life.
pub const DEFAULT_SIG_LIFETIME: Duration = Duration::from_secs(24 * 3600);
/// Default ceiling on the size of one reply body: 32 MiB.
///
/// The largest documented replies are lists: `admin_getroammsg` (at most 100 messages of at most
/// 12 KB, about 1.2 MB), `get_appid_group_list` (up to 10,000 group IDs, well under 1 MB) and
/// `get_joined_group_list` or `get_group_member_info` with every filter (a few KB per group or member,
/// a few MB for thousands). 32 MiB is more than ten times the largest of them, and small enough that a
/// runaway or hostile reply cannot exhaust memory.
pub const DEFAULT_MAX_REPLY_BYTES: usize = 32 * 1024 * 1024;

enum Credentials {
    Key(SecretKey),
    Fixed(UserSig),
}

/// The signed part of the query string, ready to use.
struct SigState {
    /// `sdkappid=..&identifier=..&usersig=..`, percent-encoded.
    query: String,
    /// The signature itself, to take out of transport error messages.
    sig: UserSig,
    /// Unix time after which a new signature is made (`u64::MAX` for a fixed UserSig).
    renew_at: u64,
}

/// Signs (or takes the fixed UserSig) and builds the signed query prefix.
fn make_state(credentials: &Credentials, sdkappid: u64, identifier: &str, lifetime: u64, now: u64) -> SigState {
    let (sig, renew_at) = match credentials {
        Credentials::Fixed(sig) => (sig.clone(), u64::MAX),
        Credentials::Key(key) => (usersig::generate(key, sdkappid, identifier, now, lifetime, None), now.saturating_add(lifetime / 2)),
    };
    let query = format!(
        "sdkappid={}&identifier={}&usersig={}",
        sdkappid,
        utf8_percent_encode(identifier, QUERY_VALUE),
        utf8_percent_encode(sig.expose(), QUERY_VALUE)
    );
    SigState { query, sig, renew_at }
}

/// Keeps the admin UserSig. Reads are lock-free (`ArcSwap`); a signature is made at start-up and again
/// at half-life, never per call.
struct Signer {
    credentials: Credentials,
    sdkappid: u64,
    identifier: String,
    lifetime: u64,
    state: ArcSwap<SigState>,
}

impl Signer {
    fn new(credentials: Credentials, sdkappid: u64, identifier: String, lifetime: u64) -> Self {
        let first = make_state(&credentials, sdkappid, &identifier, lifetime, unix_now());
        Signer { credentials, sdkappid, identifier, lifetime, state: ArcSwap::from_pointee(first) }
    }

    fn make(&self, now: u64) -> SigState {
        make_state(&self.credentials, self.sdkappid, &self.identifier, self.lifetime, now)
    }

    /// The signed query prefix, renewed first when it is due. The common path is one atomic load and a
    /// clock read: no lock, no allocation, no signing.
    fn current(&self) -> arc_swap::Guard<Arc<SigState>> {
        self.current_at(unix_now())
    }

    /// [`Signer::current`] at `now` (Unix seconds), for callers that already read the clock.
    fn current_at(&self, now: u64) -> arc_swap::Guard<Arc<SigState>> {
        let s = self.state.load();
        if now < s.renew_at {
            return s;
        }
        self.state.store(Arc::new(self.make(now)));
        tracing::debug!(identifier = %self.identifier, "renewed the admin UserSig");
        self.state.load()
    }

    /// Forces a new signature (after a UserSig error); false when the UserSig is fixed.
    fn renew(&self) -> bool {
        match self.credentials {
            Credentials::Fixed(_) => false,
            Credentials::Key(_) => {
                self.state.store(Arc::new(self.make(unix_now())));
                true
            }
        }
    }
}

struct Inner {
    transport: Arc<dyn Transport>,
    /// Time allowed for one attempt.
    timeout: Duration,
    /// The generated crate's error-code table.
    errors: &'static [ErrorCodeInfo],
    /// Finds a catalogued command of the generated crate.
    find: fn(&str, &str) -> Option<&'static CommandInfo>,
    /// Base URLs (scheme and host, no trailing slash): the primary, then a backup if any.
    bases: Vec<String>,
    signer: Signer,
    retry: RetryPolicy,
    /// Turn drift corrections into errors.
    strict: bool,
    /// Ceiling on one reply body.
    max_reply_bytes: usize,
    /// Paces calls to the documented rates.
    pacer: crate::pacing::Pacer,
    /// Check documented limits before sending.
    check_limits: bool,
    /// How batched calls run.
    batch: crate::batch::BatchOptions,
}

/// A Tencent Cloud IM REST client. Cheap to clone: clones share one connection pool and one UserSig
/// cache.
///
/// ```no_run
/// # async fn demo() -> Result<(), tim_rest_runtime::Error> {
/// use tim_rest_runtime::{Client, Region};
/// let client = Client::builder(1400000000, "administrator")
///     .secret_key("your-secret-key")
///     .region(Region::Singapore)
///     .build()?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("sdkappid", &self.inner.signer.sdkappid)
            .field("identifier", &self.inner.signer.identifier)
            .field("base_urls", &self.inner.bases)
            .field(
                "credentials",
                &match self.inner.signer.credentials {
                    Credentials::Key(_) => "secret key (redacted)",
                    Credentials::Fixed(_) => "fixed UserSig (redacted)",
                },
            )
            .field("retry", &self.inner.retry)
            .field("strict_decoding", &self.inner.strict)
            .field("max_reply_bytes", &self.inner.max_reply_bytes)
            .field("pacing", self.inner.pacer.config())
            .field("check_limits", &self.inner.check_limits)
            .field("batch", &self.inner.batch)
            .finish()
    }
}

enum Target {
    Region(Region),
    /// A custom primary base URL and an optional backup.
    BaseUrl(String, Option<String>),
}

/// Builds a client: the core [`Client`], or (through `C`) the client type of a generated crate, which
/// wraps it and adds the per-service call functions.
pub struct ClientBuilder<C = Client> {
    sdkappid: u64,
    identifier: String,
    credentials: Option<Credentials>,
    target: Target,
    use_backup: bool,
    timeout: Duration,
    allow_http: bool,
    retry: RetryPolicy,
    sig_lifetime: Duration,
    strict: bool,
    max_reply_bytes: usize,
    pacing: crate::pacing::Pacing,
    check_limits: bool,
    batch: crate::batch::BatchOptions,
    transport: Option<Arc<dyn Transport>>,
    #[cfg(feature = "reqwest")]
    reqwest: crate::transport::reqwest::Options,
    #[cfg(feature = "reqwest")]
    reqwest_client: Option<reqwest::Client>,
    output: PhantomData<fn() -> C>,
}

impl<C> fmt::Debug for ClientBuilder<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("sdkappid", &self.sdkappid)
            .field("identifier", &self.identifier)
            .field("credentials", &self.credentials.as_ref().map(|_| "<redacted>"))
            .field("timeout", &self.timeout)
            .field("retry", &self.retry)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Starts building a client for application `sdkappid`, calling as the App admin `identifier`
    /// (the REST API accepts only App admin accounts).
    pub fn builder(sdkappid: u64, identifier: impl Into<String>) -> ClientBuilder {
        ClientBuilder::new(sdkappid, identifier)
    }

    /// Builds a client from the environment (`TIM_SDKAPPID`, `TIM_ADMIN`, `TIM_SECRET_KEY`, and
    /// optionally `TIM_REGION` and `TIM_BASE_URL`) with every other setting at its default; see
    /// [`ClientBuilder::from_env`], which also takes further settings.
    pub fn from_env() -> Result<Client, Error> {
        ClientBuilder::<Client>::from_env()?.build()
    }

    /// The application id.
    pub fn sdkappid(&self) -> u64 {
        self.inner.signer.sdkappid
    }

    /// The admin identifier the client calls as.
    pub fn identifier(&self) -> &str {
        &self.inner.signer.identifier
    }

    /// Generates a UserSig for one of the application's users (for example, to hand to a client app
    /// at login), valid for `lifetime`. Fails when the client was built with a fixed UserSig instead
    /// of the secret key.
    pub fn user_sig(&self, user_id: &str, lifetime: Duration) -> Result<UserSig, Error> {
        match &self.inner.signer.credentials {
            Credentials::Key(key) => Ok(usersig::generate(key, self.inner.signer.sdkappid, user_id, unix_now(), lifetime.as_secs(), None)),
            Credentials::Fixed(_) => Err(Error::Build("generating a UserSig needs the secret key; this client has a fixed UserSig".into())),
        }
    }

    /// Calls any catalogued command: the generic path behind every generated call function.
    ///
    /// The body is serialized once; every attempt sends the same bytes. Failures are retried per the
    /// client's [`RetryPolicy`] and the command's retry class.
    pub async fn call<E: Endpoint>(&self, request: &E) -> Result<E::Response, Error> {
        self.call_with(request, &self.inner.retry).await
    }

    /// Like [`Client::call`], with another retry policy for this call only; e.g. to let a group message
    /// be repeated after a timeout (`RetryPolicy::default().retry_unconfirmed_never(true)`), or to
    /// switch retries off (`RetryPolicy::none()`).
    pub async fn call_with<E: Endpoint>(&self, request: &E, policy: &RetryPolicy) -> Result<E::Response, Error> {
        self.call_raw_with(request, policy).await.map(|d| d.value)
    }

    /// Like [`Client::call`], and also hands back the raw reply body, the envelope (with its
    /// `RequestId`) and the corrections the decoder made: a field the catalogue does not know yet is
    /// never out of reach.
    ///
    /// ```no_run
    /// # use tim_rest_runtime::{Client, Endpoint, Error};
    /// async fn kick_with_body<E: Endpoint>(client: &Client, request: &E) -> Result<(), Error> {
    ///     // e.g. request = tim_rest::im_open_login_svc::KickRequest::new("bob")
    ///     let reply = client.call_raw(request).await?;
    ///     let raw: serde_json::Value = serde_json::from_slice(&reply.body).unwrap_or_default();
    ///     println!("{:?} {:?} {}", reply.envelope.request_id, reply.corrections, raw);
    ///     Ok(())
    /// }
    /// ```
    pub async fn call_raw<E: Endpoint>(&self, request: &E) -> Result<Decoded<E::Response>, Error> {
        self.call_raw_with(request, &self.inner.retry).await
    }

    /// [`Client::call_raw`] with another retry policy for this call only.
    pub async fn call_raw_with<E: Endpoint>(&self, request: &E, policy: &RetryPolicy) -> Result<Decoded<E::Response>, Error> {
        if self.inner.check_limits {
            request.check_limits().map_err(|v| Error::Build(v.to_string()))?;
        }
        let body = encode(request)?;
        // Everything but the encoding and decoding is shared by all commands (not generic), which keeps
        // the compiled size of 150 call functions small. The decoder reads envelope and payload in one
        // pass (drifted replies take a second, correcting pass) and tells the retry loop how the
        // attempt ended.
        let strict = self.inner.strict;
        let mut decoded: Option<Decoded<E::Response>> = None;
        let mut decode = |status: u16, reply: Bytes| -> Result<(), Error> {
            let d = crate::envelope::decode_with(E::PATH, status, reply, strict, E::Response::error_codes())?;
            crate::drift::report(E::PATH, &d.corrections);
            decoded = Some(d);
            Ok(())
        };
        let input = EndpointInput(request);
        let pace = PaceCall { endpoint: E::PATH, slot: E::RATE_SLOT, rules: E::RATES, input: &input };
        self.execute(E::PATH, E::RETRY, body, policy, &pace, &mut decode).await?;
        decoded.ok_or_else(|| Error::Build(format!("{}: the reply was accepted but not decoded", E::PATH)))
    }

    /// Calls any command, catalogued or not, with a JSON body, and returns the reply's payload as JSON
    /// (the envelope keys taken out). It goes through the same URL building, signing, envelope
    /// handling, errors and retries as the typed calls; the retry class is the registry's when the
    /// command is catalogued (and compiled in), `never` otherwise. For commands the catalogue lags
    /// behind on.
    ///
    /// ```no_run
    /// # async fn demo(client: tim_rest_runtime::Client) -> Result<(), tim_rest_runtime::Error> {
    /// let payload = client
    ///     .call_json("im_open_login_svc", "account_check", &serde_json::json!({ "CheckItem": [{ "UserID": "bob" }] }))
    ///     .await?;
    /// println!("{}", payload["ResultItem"]);
    /// # Ok(()) }
    /// ```
    pub async fn call_json(&self, service: &str, command: &str, body: &serde_json::Value) -> Result<serde_json::Value, Error> {
        let valid = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
        if !valid(service) || !valid(command) {
            return Err(Error::Build(format!("`{service}/{command}` is not a servicename/command (ASCII letters, digits and `_`)")));
        }
        let (path, class, rules, slot) = match (self.inner.find)(service, command) {
            Some(info) => (info.path, info.retry, info.rates, info.rate_slot),
            None => (intern_path(service, command), RetryClass::Never, &[][..], None),
        };
        let bytes =
            serde_json::to_vec(body).map(Bytes::from).map_err(|e| Error::Build(format!("cannot encode the {path} request: {e}")))?;
        let errors = self.inner.errors;
        let mut payload: Option<serde_json::Value> = None;
        let mut decode = |status: u16, reply: Bytes| -> Result<(), Error> {
            payload = Some(crate::envelope::decode_json_with(path, status, reply, errors)?);
            Ok(())
        };
        let input = crate::pacing::JsonInput { body, rules };
        let pace = PaceCall { endpoint: path, slot, rules, input: &input };
        self.execute(path, class, bytes, &self.inner.retry, &pace, &mut decode).await?;
        payload.ok_or_else(|| Error::Build(format!("{path}: the reply was accepted but not decoded")))
    }

    /// Waits for `request`'s turn under the client's pacing ([`crate::pacing`]) without sending it, for
    /// callers that send [`Client::prepare`]d requests with their own HTTP stack (the client's own calls
    /// pace every attempt themselves). Fails like a call would: [`Error::RateLimited`] when the wait
    /// would be longer than allowed, [`Error::PacingStore`] when a shared store cannot be reached.
    pub async fn pace<E: Endpoint>(&self, request: &E) -> Result<(), Error> {
        let input = EndpointInput(request);
        let pace = PaceCall { endpoint: E::PATH, slot: E::RATE_SLOT, rules: E::RATES, input: &input };
        self.inner.pacer.pace(&pace, now_nanos(), &*self.inner.transport).await.map(|_| ())
    }

    /// [`Client::pace`], then [`Client::prepare`]: what the client does before each attempt, for callers
    /// that send with their own HTTP stack. One clock reading serves the schedule and the signature.
    pub async fn prepare_paced<E: Endpoint>(&self, request: &E) -> Result<PreparedRequest, Error> {
        if self.inner.check_limits {
            request.check_limits().map_err(|v| Error::Build(v.to_string()))?;
        }
        let input = EndpointInput(request);
        let pace = PaceCall { endpoint: E::PATH, slot: E::RATE_SLOT, rules: E::RATES, input: &input };
        let now = now_nanos();
        // The common case (in process, no wait) without entering the async path.
        let waited = match self.inner.pacer.reserve_local(&pace, now)? {
            Some(0) => false,
            Some(w) => self.inner.pacer.wait(&pace, w, &*self.inner.transport).await?,
            None => self.inner.pacer.pace(&pace, now, &*self.inner.transport).await?,
        };
        let now_secs = if waited { unix_now() } else { now / 1_000_000_000 };
        let url = self.url_with(&self.inner.signer.current_at(now_secs), E::PATH, 0);
        Ok(PreparedRequest { url, body: encode(request)? })
    }

    /// The options of [`Client::call_batched`].
    pub fn batch_options(&self) -> &crate::batch::BatchOptions {
        &self.inner.batch
    }

    /// The pacing configuration.
    pub fn pacing(&self) -> &crate::pacing::Pacing {
        self.inner.pacer.config()
    }

    /// The URL and body the client would send for `request` (one attempt), for callers that send
    /// with their own HTTP stack; decode the reply with [`crate::envelope::decode_reply`]. The URL
    /// carries the UserSig: treat it as a secret (its `Debug` is redacted).
    pub fn prepare<E: Endpoint>(&self, request: &E) -> Result<PreparedRequest, Error> {
        Ok(PreparedRequest { url: self.url(E::PATH, 0), body: encode(request)? })
    }

    /// Sends `body` to `endpoint` with retries until `decode` accepts a reply or the policy gives up.
    async fn execute(
        &self,
        endpoint: &'static str,
        class: RetryClass,
        body: Bytes,
        policy: &RetryPolicy,
        pace: &PaceCall<'_>,
        decode: &mut (dyn FnMut(u16, Bytes) -> Result<(), Error> + Send),
    ) -> Result<(), Error> {
        let mut attempt: u32 = 1;
        let mut host = 0usize;
        let mut resigned = false;
        loop {
            // Every attempt reaches the server, so every attempt takes its place in the schedule. One
            // clock reading serves the schedule and the signature, unless the schedule made us wait.
            let now = now_nanos();
            let waited = self.inner.pacer.pace(pace, now, &*self.inner.transport).await?;
            let now_secs = if waited { unix_now() } else { now / 1_000_000_000 };
            let result = match self.send_once(endpoint, host, body.clone(), now_secs).await {
                Ok((status, reply)) => decode(status, reply),
                Err(e) => Err(e),
            };
            let err = match result {
                Ok(v) => return Ok(v),
                Err(e) => e,
            };
            match policy.decide(class, &err, attempt) {
                Decision::Stop => {
                    tracing::debug!(endpoint, attempt, error = %err, "call failed");
                    return Err(err);
                }
                Decision::Resign => {
                    if resigned || !self.inner.signer.renew() {
                        return Err(err);
                    }
                    resigned = true;
                    tracing::info!(endpoint, attempt, "UserSig rejected; signed again and retrying");
                }
                Decision::Retry(delay) => {
                    if matches!(err, Error::Connect { .. }) && self.inner.bases.len() > 1 {
                        host = (host + 1) % self.inner.bases.len();
                    }
                    tracing::info!(endpoint, attempt, error = %err, delay_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX), "retrying");
                    self.inner.transport.sleep(delay).await;
                }
            }
            attempt += 1;
        }
    }

    /// The full URL of one attempt. The `random` parameter is fresh for every attempt.
    fn url(&self, path: &str, host: usize) -> String {
        self.url_with(&self.inner.signer.current(), path, host)
    }

    fn url_with(&self, sig: &SigState, path: &str, host: usize) -> String {
        use std::fmt::Write;
        let base = self.inner.bases.get(host).or(self.inner.bases.first()).map_or("", String::as_str);
        let mut url = String::with_capacity(base.len() + path.len() + sig.query.len() + 48);
        url.push_str(base);
        url.push_str("/v4/");
        url.push_str(path);
        url.push('?');
        url.push_str(&sig.query);
        // Writing into a String cannot fail.
        let _ = write!(url, "&random={}&contenttype=json", fastrand::u32(..));
        url
    }

    async fn send_once(&self, endpoint: &'static str, host: usize, body: Bytes, now_secs: u64) -> Result<(u16, Bytes), Error> {
        // An `Arc` of the signed state (no copy of the signature): it is read only if the transport fails.
        let state = arc_swap::Guard::into_inner(self.inner.signer.current_at(now_secs));
        let url = self.url_with(&state, endpoint, host);
        let request = HttpRequest { url, body, timeout: self.inner.timeout, max_response_bytes: self.inner.max_reply_bytes };
        match self.inner.transport.send(request).await {
            Ok(r) => Ok((r.status, r.body)),
            Err(e) => {
                // The URL holds the UserSig: keep only a redacted message of what the transport said.
                let secrets = [state.sig.expose()];
                let failure = |e: &(dyn std::error::Error + 'static)| TransportFailure::redacted(e, &secrets);
                Err(match e {
                    TransportError::Timeout => Error::Timeout { endpoint, after: self.inner.timeout },
                    TransportError::TooLarge => Error::ReplyTooLarge { endpoint, limit: self.inner.max_reply_bytes },
                    TransportError::Connect(e) => Error::Connect { endpoint, source: failure(e.as_ref()) },
                    TransportError::NoResponse(e) => Error::NoResponse { endpoint, source: failure(e.as_ref()) },
                    TransportError::Truncated { received, expected, source } => {
                        Error::Truncated { endpoint, received, expected, source: failure(source.as_ref()) }
                    }
                    TransportError::Invalid(e) => Error::Build(format!("cannot send the {endpoint} request: {}", failure(e.as_ref()))),
                })
            }
        }
    }
}

/// A typed request as the pacer sees it.
struct EndpointInput<'a, E>(&'a E);

impl<E: Endpoint> crate::pacing::RateInput for EndpointInput<'_, E> {
    fn units(&self, rule: usize) -> u64 {
        self.0.rate_units(rule)
    }
    fn scope(&self, rule: usize) -> Option<String> {
        self.0.rate_scope(rule)
    }
}

/// Encodes a request body (once per call; every attempt sends these bytes). Extra wire fields go
/// after the known ones.
fn encode<E: Endpoint>(request: &E) -> Result<Bytes, Error> {
    let mut body = serde_json::to_vec(request).map_err(|e| Error::Build(format!("cannot encode the {} request: {e}", E::PATH)))?;
    let extra = request.extra_fields();
    if !extra.is_empty() {
        if let Some(k) = extra.keys().find(|k| E::REQUEST_KEYS.contains(&k.as_str())) {
            return Err(Error::Build(format!("{}: extra field `{k}` is a field of the request; use its setter", E::PATH)));
        }
        // The body is a JSON object: `{...}`. Append `,"key":value` before the closing brace.
        if body.last() != Some(&b'}') {
            return Err(Error::Build(format!("{}: the request did not encode as a JSON object", E::PATH)));
        }
        body.pop();
        let mut first = body.len() == 1;
        for (k, v) in extra {
            if !first {
                body.push(b',');
            }
            first = false;
            serde_json::to_writer(&mut body, k).map_err(|e| Error::Build(format!("cannot encode extra field `{k}`: {e}")))?;
            body.push(b':');
            serde_json::to_writer(&mut body, v).map_err(|e| Error::Build(format!("cannot encode extra field `{k}`: {e}")))?;
        }
        body.push(b'}');
    }
    Ok(Bytes::from(body))
}

/// A `servicename/command` of an uncatalogued command as a `'static` string (errors carry one). Each
/// distinct path is stored once for the life of the process: the set is bounded by the commands the
/// application calls, not by anything the network sends.
fn intern_path(service: &str, command: &str) -> &'static str {
    use std::collections::HashSet;
    use std::sync::{Mutex, OnceLock};
    static PATHS: OnceLock<Mutex<HashSet<&'static str>>> = OnceLock::new();
    let path = format!("{service}/{command}");
    let mut set = PATHS.get_or_init(|| Mutex::new(HashSet::new())).lock().unwrap_or_else(|p| p.into_inner());
    if let Some(p) = set.get(path.as_str()) {
        return p;
    }
    let leaked: &'static str = Box::leak(path.into_boxed_str());
    set.insert(leaked);
    leaked
}

/// One attempt's URL and body, from [`Client::prepare`].
#[derive(Clone)]
#[non_exhaustive]
pub struct PreparedRequest {
    /// `https://host/v4/servicename/command?sdkappid=..&identifier=..&usersig=..&random=..&contenttype=json`.
    pub url: String,
    /// The JSON body (POST it with `Content-Type: application/json`).
    pub body: Bytes,
}

impl fmt::Debug for PreparedRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shown = self.url.split_once('?').map_or(self.url.as_str(), |(path, _)| path);
        f.debug_struct("PreparedRequest")
            .field("url", &format_args!("{shown}?<query redacted>"))
            .field("body_len", &self.body.len())
            .finish()
    }
}

impl<C: Api> ClientBuilder<C> {
    /// Starts building a client for application `sdkappid`, calling as the App admin `identifier`
    /// (the REST API accepts only App admin accounts).
    pub fn new(sdkappid: u64, identifier: impl Into<String>) -> Self {
        ClientBuilder {
            sdkappid,
            identifier: identifier.into(),
            credentials: None,
            target: Target::Region(Region::China),
            use_backup: true,
            timeout: DEFAULT_TIMEOUT,
            allow_http: false,
            retry: RetryPolicy::default(),
            sig_lifetime: DEFAULT_SIG_LIFETIME,
            strict: false,
            max_reply_bytes: DEFAULT_MAX_REPLY_BYTES,
            pacing: crate::pacing::Pacing::default(),
            check_limits: true,
            batch: crate::batch::BatchOptions::default(),
            transport: None,
            #[cfg(feature = "reqwest")]
            reqwest: crate::transport::reqwest::Options {
                connect_timeout: DEFAULT_CONNECT_TIMEOUT,
                pool_idle_timeout: Duration::from_secs(90),
                pool_max_idle_per_host: 32,
                https_only: true,
                root_certificates: Vec::new(),
            },
            #[cfg(feature = "reqwest")]
            reqwest_client: None,
            output: PhantomData,
        }
    }

    /// Sends through `transport` (any HTTP stack; see [`crate::transport`]) instead of the default
    /// reqwest transport. The transport options of this builder (`connect_timeout`, pool and root
    /// certificates) then do not apply; `timeout` and `max_reply_bytes` are passed with each request.
    #[must_use]
    pub fn transport(mut self, transport: impl Transport) -> Self {
        self.transport = Some(Arc::new(transport));
        self
    }

    /// Sends with the application's own `reqwest::Client` (its proxies, its TLS settings). The
    /// transport options of this builder do not apply to it; `timeout` and `max_reply_bytes` still do.
    #[cfg(feature = "reqwest")]
    #[cfg_attr(docsrs, doc(cfg(feature = "reqwest")))]
    #[must_use]
    pub fn reqwest_client(mut self, http: reqwest::Client) -> Self {
        self.reqwest_client = Some(http);
        self
    }

    /// Signs with the application's secret key; the client makes the admin UserSig itself and renews
    /// it before it expires.
    #[must_use]
    pub fn secret_key(mut self, key: impl Into<String>) -> Self {
        self.credentials = Some(Credentials::Key(SecretKey::new(key)));
        self
    }

    /// Uses a UserSig made elsewhere (it is never renewed).
    #[must_use]
    pub fn user_sig(mut self, sig: impl Into<String>) -> Self {
        self.credentials = Some(Credentials::Fixed(UserSig::new(sig)));
        self
    }

    /// Calls the hosts of `region` (primary first, then its backup when the primary cannot be
    /// reached). The default is [`Region::China`].
    #[must_use]
    pub fn region(mut self, region: Region) -> Self {
        self.target = Target::Region(region);
        self
    }

    /// Whether to fall back to the region's backup host when the primary cannot be reached (default: yes).
    #[must_use]
    pub fn use_backup_host(mut self, yes: bool) -> Self {
        self.use_backup = yes;
        self
    }

    /// Calls a custom base URL (`https://host[:port]`), e.g. a proxy or a local test server.
    #[must_use]
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.target = Target::BaseUrl(url.into(), None);
        self
    }

    /// Calls a custom primary base URL, and `backup` when the primary cannot be reached (the same
    /// fallback the regional hosts get).
    #[must_use]
    pub fn base_urls(mut self, primary: impl Into<String>, backup: impl Into<String>) -> Self {
        self.target = Target::BaseUrl(primary.into(), Some(backup.into()));
        self
    }

    /// Allows a plain `http://` base URL. Only for local tests: the REST API is HTTPS only.
    #[must_use]
    pub fn allow_insecure_http(mut self, yes: bool) -> Self {
        self.allow_http = yes;
        self
    }

    /// Trusts an extra root certificate (PEM or DER), e.g. a local test server's (default reqwest
    /// transport).
    #[cfg(feature = "reqwest")]
    #[cfg_attr(docsrs, doc(cfg(feature = "reqwest")))]
    #[must_use]
    pub fn add_root_certificate(mut self, pem_or_der: impl Into<Vec<u8>>) -> Self {
        self.reqwest.root_certificates.push(pem_or_der.into());
        self
    }

    /// Total time allowed for one attempt (default 10 s; the server itself gives up after 3 s). An
    /// attempt without a whole reply by then is [`Error::Timeout`], which carries this duration.
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Time allowed to open a connection (default 3 s; default reqwest transport). A connection not
    /// made in time is [`Error::Connect`] (nothing was sent, so every command may be repeated).
    #[cfg(feature = "reqwest")]
    #[cfg_attr(docsrs, doc(cfg(feature = "reqwest")))]
    #[must_use]
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.reqwest.connect_timeout = timeout;
        self
    }

    /// How long an idle pooled connection is kept (default 90 s; default reqwest transport).
    #[cfg(feature = "reqwest")]
    #[cfg_attr(docsrs, doc(cfg(feature = "reqwest")))]
    #[must_use]
    pub fn pool_idle_timeout(mut self, timeout: Duration) -> Self {
        self.reqwest.pool_idle_timeout = timeout;
        self
    }

    /// The most idle connections kept per host (default 32; default reqwest transport).
    #[cfg(feature = "reqwest")]
    #[cfg_attr(docsrs, doc(cfg(feature = "reqwest")))]
    #[must_use]
    pub fn pool_max_idle_per_host(mut self, n: usize) -> Self {
        self.reqwest.pool_max_idle_per_host = n;
        self
    }

    /// The retry policy (default: [`RetryPolicy::default`]).
    #[must_use]
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Strict decoding (default off). Off, a reply that drifted from the catalogue (a number sent as a
    /// string, a `null`, a missing or unknown key) is corrected and each correction is reported as a
    /// `tracing` event (target `tim_rest::drift`). On, any correction is an [`Error::Decode`] that names
    /// the JSON paths: for tests, and for callers who would rather stop than read a corrected value.
    /// A reply that needs no correction decodes the same either way.
    #[must_use]
    pub fn strict_decoding(mut self, yes: bool) -> Self {
        self.strict = yes;
        self
    }

    /// The largest reply body accepted (default [`DEFAULT_MAX_REPLY_BYTES`], 32 MiB). A larger reply
    /// is [`Error::ReplyTooLarge`]; reading stops at the limit, so it is never buffered whole.
    #[must_use]
    pub fn max_reply_bytes(mut self, bytes: usize) -> Self {
        self.max_reply_bytes = bytes;
        self
    }

    /// How calls are paced to the documented rates (default [`Pacing::default`](crate::pacing::Pacing):
    /// on, at the documented defaults, in this process); [`Pacing::off`](crate::pacing::Pacing::off)
    /// turns it off. See [`crate::pacing`].
    #[must_use]
    pub fn pacing(mut self, pacing: crate::pacing::Pacing) -> Self {
        self.pacing = pacing;
        self
    }

    /// Whether requests are checked against the documented limits before they are sent (default: yes).
    /// Off, a request over a limit goes to the server, e.g. for an app whose limits were raised.
    #[must_use]
    pub fn check_limits(mut self, yes: bool) -> Self {
        self.check_limits = yes;
        self
    }

    /// How batched calls run (default: 4 requests in flight, stop after a request fails as a whole).
    #[must_use]
    pub fn batch_options(mut self, options: crate::batch::BatchOptions) -> Self {
        self.batch = options;
        self
    }

    /// Lifetime of the admin UserSig the client generates (default 24 h); it is renewed at half-life.
    #[must_use]
    pub fn sig_lifetime(mut self, lifetime: Duration) -> Self {
        self.sig_lifetime = lifetime;
        self
    }

    /// Builds the client.
    pub fn build(self) -> Result<C, Error> {
        let transport: Arc<dyn Transport> = match &self.transport {
            Some(t) => t.clone(),
            None => self.default_transport()?,
        };
        let credentials = self.credentials.ok_or_else(|| Error::Build("no credentials: call secret_key(..) or user_sig(..)".into()))?;
        if self.identifier.is_empty() {
            return Err(Error::Build("the admin identifier is empty".into()));
        }
        let bases = match self.target {
            Target::Region(r) => {
                let mut v = vec![format!("https://{}", r.host())];
                if self.use_backup {
                    v.push(format!("https://{}", r.backup_host()));
                }
                v
            }
            Target::BaseUrl(primary, backup) => {
                let mut v = Vec::new();
                for u in std::iter::once(primary).chain(backup) {
                    let u = u.trim_end_matches('/').to_owned();
                    if u.starts_with("http://") {
                        if !self.allow_http {
                            return Err(Error::Build("plain http:// needs allow_insecure_http(true) (local tests only)".into()));
                        }
                    } else if !u.starts_with("https://") {
                        return Err(Error::Build(format!("base URL `{u}` must start with https://")));
                    }
                    v.push(u);
                }
                v
            }
        };
        let signer = Signer::new(credentials, self.sdkappid, self.identifier, self.sig_lifetime.as_secs().max(60));
        Ok(C::from(Client {
            inner: Arc::new(Inner {
                transport,
                timeout: self.timeout,
                errors: C::error_codes(),
                find: C::find,
                bases,
                signer,
                retry: self.retry,
                strict: self.strict,
                max_reply_bytes: self.max_reply_bytes.max(1),
                pacer: crate::pacing::Pacer::new(self.pacing, self.sdkappid, C::rate_table()),
                check_limits: self.check_limits,
                batch: self.batch,
            }),
        }))
    }

    #[cfg(feature = "reqwest")]
    fn default_transport(&self) -> Result<Arc<dyn Transport>, Error> {
        if let Some(http) = &self.reqwest_client {
            return Ok(Arc::new(crate::transport::reqwest::ReqwestTransport::new(http.clone())));
        }
        let mut options = self.reqwest.clone();
        options.https_only = !self.allow_http;
        Ok(Arc::new(options.build().map_err(Error::Build)?))
    }

    #[cfg(not(feature = "reqwest"))]
    fn default_transport(&self) -> Result<Arc<dyn Transport>, Error> {
        Err(Error::Build("no transport: enable the `reqwest` feature or pass one with `.transport(..)`".into()))
    }
}

#[cfg(all(test, not(feature = "reqwest")))]
mod no_transport_tests {
    use super::*;

    #[test]
    fn without_the_reqwest_feature_a_transport_must_be_given() {
        let err = Client::builder(1400000000, "admin").secret_key("k").build().expect_err("no transport");
        assert!(err.to_string().contains("no transport"), "{err}");
    }
}
