//! A local Tencent IM REST server for tests (cargo feature `mock`).
//!
//! It speaks the protocol like the real service: POST only, `/v4/<servicename>/<command>` of a
//! catalogued command, every query parameter checked (`sdkappid`, `identifier` = the admin,
//! `usersig` verified against the secret key, `random` a u32, `contenttype=json`), the body decoded
//! into the command's request type, and errors reported in the envelope with HTTP status 200 and the
//! real error codes. By default each command answers with its official example reply; tests can set
//! replies and inject faults. Every request is recorded.
//!
//! With `tim-rest` (this example runs as a test of the README):
//!
//! ```ignore
//! # #[tokio::main(flavor = "current_thread")] async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use tim_rest::mock::{MockServer, Reply};
//! let server = MockServer::start(1400000000, "administrator", "test-key").await?;
//! let client = server.client_builder().build()?;
//! server.push_reply("im_open_login_svc", "kick", Reply::fail(70107, "account not found"));
//! let err = client.im_open_login_svc().kick(&tim_rest::im_open_login_svc::KickRequest::new("nobody")).await.unwrap_err();
//! assert_eq!(err.code(), Some(70107));
//! assert_eq!(server.requests()[0].command, "kick");
//! # Ok(()) }
//! ```

mod rules;

use crate::Api;
use crate::registry::{CommandInfo, Message};
use crate::usersig::{self, SecretKey, VerifyError};
use bytes::Bytes;
use http_body::{Body, Frame};
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use serde_json::{Value, json};
use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tokio::net::TcpListener;
use tokio::sync::oneshot;

/// What the server answers to one call.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Reply {
    /// The command's official example reply (the first successful one), or a bare OK envelope.
    Example,
    /// This JSON body, verbatim.
    Json(Value),
    /// A `FAIL` envelope with this code and message.
    Fail {
        /// `ErrorCode`.
        code: i64,
        /// `ErrorInfo`.
        info: String,
    },
    /// Any status, content type and bytes (e.g. a gateway's HTML 502 page).
    Raw {
        /// HTTP status.
        status: u16,
        /// `Content-Type`.
        content_type: String,
        /// Body.
        body: Bytes,
    },
    /// The reply after a delay.
    Delay(Duration, Box<Reply>),
    /// Announces the reply's full length but sends only the first half, then closes the connection.
    Truncated(Box<Reply>),
    /// Closes the connection without answering.
    Drop,
    /// A body that never ends: `{"ActionStatus":"OK","ErrorCode":0,"Pad":"xxxx...` streamed in
    /// chunks, without a length, until the client hangs up.
    Endless,
}

impl Reply {
    /// A successful reply: the envelope keys (`ActionStatus` OK, `ErrorCode` 0, `ErrorInfo` "") added to
    /// the encoded payload.
    pub fn ok<T: serde::Serialize>(payload: &T) -> Reply {
        let mut v = serde_json::to_value(payload).unwrap_or(Value::Null);
        if let Value::Object(m) = &mut v {
            m.insert("ActionStatus".into(), "OK".into());
            m.insert("ErrorCode".into(), 0.into());
            m.insert("ErrorInfo".into(), "".into());
        }
        Reply::Json(v)
    }
    /// A `FAIL` reply.
    pub fn fail(code: i64, info: impl Into<String>) -> Reply {
        Reply::Fail { code, info: info.into() }
    }
    /// The gateway HTML page of a 502.
    pub fn bad_gateway() -> Reply {
        Reply::Raw {
            status: 502,
            content_type: "text/html".into(),
            body: Bytes::from_static(
                b"<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>",
            ),
        }
    }
    /// This reply after `delay`.
    pub fn delayed(self, delay: Duration) -> Reply {
        Reply::Delay(delay, Box::new(self))
    }
    /// This reply, cut in half.
    pub fn truncated(self) -> Reply {
        Reply::Truncated(Box::new(self))
    }
}

/// One request the server received.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Recorded {
    /// HTTP method.
    pub method: String,
    /// URL path.
    pub path: String,
    /// Servicename (from the path; empty if the path was not `/v4/<svc>/<cmd>`).
    pub service: String,
    /// Command.
    pub command: String,
    /// The raw query string, exactly as received.
    pub raw_query: String,
    /// The query parameters, percent-decoded, in order.
    pub query: Vec<(String, String)>,
    /// The raw body.
    pub body: Bytes,
    /// The body decoded into the command's request type, when it decoded.
    pub decoded: Option<Arc<dyn Message>>,
    /// The `ErrorCode` the server answered with (0 for success; `None` for raw replies and faults).
    pub answered_code: Option<i64>,
    /// When the request arrived.
    pub received: SystemTime,
}

impl Recorded {
    /// The decoded request as its concrete type.
    pub fn request<T: 'static>(&self) -> Option<&T> {
        self.decoded.as_ref().and_then(|m| m.as_any().downcast_ref::<T>())
    }
    /// The value of query parameter `name`.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.query.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }
}

#[derive(Default)]
struct Replies {
    faults: VecDeque<Reply>,
    once: HashMap<(String, String), VecDeque<Reply>>,
    fixed: HashMap<(String, String), Reply>,
}

struct State {
    sdkappid: u64,
    admin: String,
    key: SecretKey,
    replies: Mutex<Replies>,
    recorded: Mutex<Vec<Recorded>>,
    connections: AtomicUsize,
    calls: AtomicUsize,
    recording: std::sync::atomic::AtomicBool,
    find: fn(&str, &str) -> Option<&'static CommandInfo>,
    allow_unknown_fields: std::sync::atomic::AtomicBool,
    rates: Mutex<rules::RateGuard>,
    paged: Mutex<rules::PagedData>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A test that panicked while holding the lock must not hide the server's state from others.
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// A running local server; it stops when dropped.
///
/// `A` is the generated API whose commands it serves (in `tim-rest`, `tim_rest::mock::MockServer` is
/// this type for `tim_rest::Client`); [`MockServer::client_builder`] builds that client.
pub struct MockServer<A: Api = crate::Client> {
    addr: SocketAddr,
    state: Arc<State>,
    shutdown: Option<oneshot::Sender<()>>,
    /// PEM of the CA that signed the server certificate, when serving HTTPS.
    ca_pem: Option<String>,
    api: std::marker::PhantomData<fn() -> A>,
}

/// A CA and a server certificate for 127.0.0.1/localhost signed by it, made at start-up.
fn make_tls() -> std::io::Result<(tokio_rustls::TlsAcceptor, String)> {
    use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, IsCa, KeyPair};
    let err = |e: rcgen::Error| std::io::Error::other(format!("cannot make the test certificate: {e}"));
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).map_err(err)?;
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params.distinguished_name.push(rcgen::DnType::CommonName, "tim-rest mock CA");
    let ca = CertifiedIssuer::self_signed(ca_params, KeyPair::generate().map_err(err)?).map_err(err)?;
    let leaf_key = KeyPair::generate().map_err(err)?;
    let leaf = CertificateParams::new(vec!["127.0.0.1".to_owned(), "localhost".to_owned()])
        .map_err(err)?
        .signed_by(&leaf_key, &ca)
        .map_err(err)?;
    let key = rustls::pki_types::PrivateKeyDer::Pkcs8(leaf_key.serialize_der().into());
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
        .map_err(std::io::Error::other)?
        .with_no_client_auth()
        .with_single_cert(vec![leaf.der().clone()], key)
        .map_err(std::io::Error::other)?;
    Ok((tokio_rustls::TlsAcceptor::from(Arc::new(config)), ca.pem()))
}

impl<A: Api> std::fmt::Debug for MockServer<A> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MockServer").field("addr", &self.addr).field("sdkappid", &self.state.sdkappid).finish_non_exhaustive()
    }
}

impl<A: Api> Drop for MockServer<A> {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

impl<A: Api> MockServer<A> {
    /// Starts a plain-HTTP server on 127.0.0.1 (a free port) for application `sdkappid`, admin `admin`
    /// and secret key `secret_key`. Must be called inside a Tokio runtime.
    pub async fn start(sdkappid: u64, admin: impl Into<String>, secret_key: impl Into<String>) -> std::io::Result<Self> {
        Self::start_with(sdkappid, admin.into(), secret_key.into(), false).await
    }

    /// Starts an HTTPS server on 127.0.0.1, with a certificate signed by a CA made at start-up
    /// ([`MockServer::ca_pem`]); [`MockServer::client_builder`] trusts that CA, so tests cover the
    /// client's real TLS path.
    pub async fn start_tls(sdkappid: u64, admin: impl Into<String>, secret_key: impl Into<String>) -> std::io::Result<Self> {
        Self::start_with(sdkappid, admin.into(), secret_key.into(), true).await
    }

    /// Starts a server on `addr` (e.g. a fixed port, for a server run as a process), plain HTTP or, with
    /// `tls`, HTTPS as [`MockServer::start_tls`].
    pub async fn start_on(
        addr: SocketAddr,
        sdkappid: u64,
        admin: impl Into<String>,
        secret_key: impl Into<String>,
        tls: bool,
    ) -> std::io::Result<Self> {
        Self::start_at(addr, sdkappid, admin.into(), secret_key.into(), tls).await
    }

    async fn start_with(sdkappid: u64, admin: String, secret_key: String, tls: bool) -> std::io::Result<Self> {
        Self::start_at(SocketAddr::from(([127, 0, 0, 1], 0)), sdkappid, admin, secret_key, tls).await
    }

    async fn start_at(addr: SocketAddr, sdkappid: u64, admin: String, secret_key: String, tls: bool) -> std::io::Result<Self> {
        let (acceptor, ca_pem) = match tls {
            true => {
                let (a, pem) = make_tls()?;
                (Some(a), Some(pem))
            }
            false => (None, None),
        };
        let listener = TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let state = Arc::new(State {
            sdkappid,
            admin,
            key: SecretKey::new(secret_key),
            replies: Mutex::new(Replies::default()),
            recorded: Mutex::new(Vec::new()),
            connections: AtomicUsize::new(0),
            calls: AtomicUsize::new(0),
            recording: std::sync::atomic::AtomicBool::new(true),
            find: A::find,
            allow_unknown_fields: std::sync::atomic::AtomicBool::new(false),
            rates: Mutex::new(rules::RateGuard::default()),
            paged: Mutex::new(rules::PagedData::new()),
        });
        let (tx, mut rx) = oneshot::channel::<()>();
        let st = state.clone();
        tokio::spawn(async move {
            loop {
                tokio::select! {
                    _ = &mut rx => break,
                    accepted = listener.accept() => {
                        let Ok((stream, _)) = accepted else { continue };
                        st.connections.fetch_add(1, Ordering::SeqCst);
                        let st = st.clone();
                        let acceptor = acceptor.clone();
                        tokio::spawn(async move {
                            let svc = service_fn(move |req| handle(st.clone(), req));
                            let http = hyper::server::conn::http1::Builder::new();
                            match acceptor {
                                Some(a) => {
                                    if let Ok(tls) = a.accept(stream).await {
                                        let _ = http.serve_connection(TokioIo::new(tls), svc).await;
                                    }
                                }
                                None => {
                                    let _ = http.serve_connection(TokioIo::new(stream), svc).await;
                                }
                            }
                        });
                    }
                }
            }
        });
        Ok(MockServer { addr, state, shutdown: Some(tx), ca_pem, api: std::marker::PhantomData })
    }

    /// `http://127.0.0.1:<port>`, or `https://...` for a TLS server.
    pub fn base_url(&self) -> String {
        match self.ca_pem {
            Some(_) => format!("https://{}", self.addr),
            None => format!("http://{}", self.addr),
        }
    }

    /// The PEM of the CA that signed an HTTPS server's certificate.
    pub fn ca_pem(&self) -> Option<&str> {
        self.ca_pem.as_deref()
    }

    /// The socket address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// A client builder already pointed at this server, with its credentials, its CA trusted (HTTPS) or
    /// plain HTTP allowed, retries off and pacing off (tests that exercise retries or pacing set their
    /// own `retry_policy` / `pacing`).
    pub fn client_builder(&self) -> crate::ClientBuilder<A> {
        let b = crate::ClientBuilder::<A>::new(self.state.sdkappid, self.state.admin.clone())
            .secret_key(self.state.key_text())
            .base_url(self.base_url())
            .retry_policy(crate::RetryPolicy::none())
            .pacing(crate::pacing::Pacing::off());
        match &self.ca_pem {
            Some(pem) => b.add_root_certificate(pem.as_bytes().to_vec()),
            None => b.allow_insecure_http(true),
        }
    }

    /// The next call (to any command) gets `reply`; several calls queue in order. Faults come before
    /// per-command replies.
    pub fn push_fault(&self, reply: Reply) {
        lock(&self.state.replies).faults.push_back(reply);
    }

    /// The next `n` calls (to any command) are refused with a rate-limit error: `60007` (REST API rate
    /// limit) or `60011` (SDKAppID rate limit).
    pub fn rate_limit_next(&self, n: usize, code: i64) {
        for _ in 0..n {
            self.push_fault(Reply::fail(code, "request frequency exceeds the limit"));
        }
    }

    /// The next call to `service/command` gets `reply` (queued in order).
    pub fn push_reply(&self, service: &str, command: &str, reply: Reply) {
        lock(&self.state.replies).once.entry((service.to_owned(), command.to_owned())).or_default().push_back(reply);
    }

    /// Every call to `service/command` gets `reply` (after queued ones are used up).
    pub fn set_reply(&self, service: &str, command: &str, reply: Reply) {
        lock(&self.state.replies).fixed.insert((service.to_owned(), command.to_owned()), reply);
    }

    /// Every request received so far.
    pub fn requests(&self) -> Vec<Recorded> {
        lock(&self.state.recorded).clone()
    }

    /// Whether requests are recorded (default: yes). Long load tests can switch it off to keep memory
    /// flat; [`MockServer::calls`] still counts them.
    pub fn set_recording(&self, on: bool) {
        self.state.recording.store(on, Ordering::SeqCst);
    }

    /// Whether a request body may carry top-level keys the catalogue does not have (default: no, such a
    /// body gets the 60003 JSON error, which keeps the catalogue's own tests strict). On, those keys
    /// are left out before the body is decoded into the request type (they stay in
    /// [`Recorded::body`]); for tests of requests with `extra_field`.
    pub fn allow_unknown_fields(&self, yes: bool) {
        self.state.allow_unknown_fields.store(yes, Ordering::SeqCst);
    }

    /// Whether calls over their command's documented rate are refused with the rate's throttling code
    /// (default: no). The server counts per period: a whole period's calls may come at once, then one more
    /// per interval. [`MockServer::set_rate`] sets a small rate for a test.
    pub fn enforce_rates(&self, yes: bool) {
        lock(&self.state.rates).enforce = yes;
    }

    /// Enforces `rate` calls on `command` (`servicename/command`) instead of its documented rate (for
    /// tests of the application's handling of throttling; see [`MockServer::enforce_rates`]).
    pub fn set_rate(&self, command: &str, rate: crate::pacing::Rate) {
        lock(&self.state.rates).overrides.insert(command.to_owned(), rate);
    }

    /// Serves the paged command `E` page by page from `items`, with the command's own cursor scheme
    /// (`paging:` in the catalogue): each request gets the items from its cursor on, at most its page
    /// size (or [`MockServer::default_page_size`]), with the cursor of the next page and, on the last
    /// page, the documented end condition. The rest of each reply is the command's example.
    pub fn set_items<E>(&self, items: impl IntoIterator<Item = E::Item>) -> Result<(), serde_json::Error>
    where
        E: crate::paging::PagedItems,
        E::Item: serde::Serialize,
    {
        let items = items.into_iter().map(|i| serde_json::to_value(&i)).collect::<Result<Vec<_>, _>>()?;
        lock(&self.state.paged).items.insert(E::PATH, items);
        Ok(())
    }

    /// [`MockServer::set_items`] by wire names, with JSON items; fails when the command is not catalogued
    /// (or not compiled in) or does not page through a list.
    pub fn set_items_json(&self, service: &str, command: &str, items: Vec<Value>) -> Result<(), String> {
        let info = (self.state.find)(service, command).ok_or_else(|| format!("`{service}/{command}` is not a catalogued command"))?;
        if info.paging.and_then(|p| p.items).is_none() {
            return Err(format!("`{}` does not page through a list", info.path));
        }
        lock(&self.state.paged).items.insert(info.path, items);
        Ok(())
    }

    /// The page size of a paged command whose request does not set one (default 100).
    pub fn default_page_size(&self, n: usize) {
        lock(&self.state.paged).default_page_size = n.max(1);
    }

    /// Forgets the recorded requests.
    pub fn clear_requests(&self) {
        lock(&self.state.recorded).clear();
    }

    /// TCP connections accepted so far.
    pub fn connections(&self) -> usize {
        self.state.connections.load(Ordering::SeqCst)
    }

    /// HTTP requests received so far.
    pub fn calls(&self) -> usize {
        self.state.calls.load(Ordering::SeqCst)
    }
}

impl State {
    fn key_text(&self) -> String {
        self.key.0.clone()
    }

    fn next_reply(&self, service: &str, command: &str) -> Reply {
        let mut r = lock(&self.replies);
        if let Some(f) = r.faults.pop_front() {
            return f;
        }
        let k = (service.to_owned(), command.to_owned());
        if let Some(q) = r.once.get_mut(&k)
            && let Some(x) = q.pop_front()
        {
            return x;
        }
        r.fixed.get(&k).cloned().unwrap_or(Reply::Example)
    }
}

enum MockBody {
    Full(Option<Bytes>),
    Truncated(Option<Bytes>, u64),
    /// The opening, then padding forever.
    Endless(bool),
}

/// One chunk of an endless body's padding.
static PADDING: [u8; 16 * 1024] = [b'x'; 16 * 1024];

impl Body for MockBody {
    type Data = Bytes;
    type Error = std::io::Error;
    fn poll_frame(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        Poll::Ready(match self.get_mut() {
            MockBody::Full(b) => b.take().map(|b| Ok(Frame::data(b))),
            MockBody::Truncated(b, _) => match b.take() {
                Some(b) => Some(Ok(Frame::data(b))),
                None => Some(Err(std::io::Error::other("reply truncated on purpose"))),
            },
            MockBody::Endless(started) => {
                if *started {
                    Some(Ok(Frame::data(Bytes::from_static(&PADDING))))
                } else {
                    *started = true;
                    Some(Ok(Frame::data(Bytes::from_static(br#"{"ActionStatus":"OK","ErrorCode":0,"Pad":""#))))
                }
            }
        })
    }
    fn size_hint(&self) -> http_body::SizeHint {
        match self {
            MockBody::Full(b) => http_body::SizeHint::with_exact(b.as_ref().map_or(0, |b| b.len() as u64)),
            MockBody::Truncated(_, full) => http_body::SizeHint::with_exact(*full),
            MockBody::Endless(_) => http_body::SizeHint::default(),
        }
    }
}

fn envelope(code: i64, info: &str) -> Value {
    json!({"ActionStatus": "FAIL", "ErrorCode": code, "ErrorInfo": info})
}

fn json_response(v: &Value) -> Response<MockBody> {
    let body = Bytes::from(v.to_string());
    let mut r = Response::new(MockBody::Full(Some(body)));
    r.headers_mut().insert(hyper::header::CONTENT_TYPE, hyper::header::HeaderValue::from_static("application/json"));
    r
}

fn example_reply(info: &CommandInfo) -> Value {
    info.examples
        .iter()
        .filter(|e| !e.legacy)
        .filter_map(|e| e.response)
        .filter_map(|t| serde_json::from_str::<Value>(t).ok())
        .find(|v| {
            v.get("ErrorCode").and_then(Value::as_i64).unwrap_or(0) == 0 && v.get("ActionStatus").and_then(Value::as_str) != Some("FAIL")
        })
        .unwrap_or_else(|| json!({"ActionStatus": "OK", "ErrorCode": 0, "ErrorInfo": ""}))
}

/// Checks the query string like the real service; `Err` carries the error envelope.
fn check_query(st: &State, query: &[(String, String)]) -> Result<(), Value> {
    let get = |k: &str| query.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    let appid = match get("sdkappid") {
        None | Some("") => return Err(envelope(60012, "sdkappid is missing")),
        Some(a) => a.parse::<u64>().map_err(|_| envelope(60002, "sdkappid is not a number"))?,
    };
    if appid != st.sdkappid {
        return Err(envelope(70020, "sdkappid not found"));
    }
    let identifier = get("identifier").unwrap_or("");
    if identifier != st.admin {
        return Err(envelope(60010, "identifier must be the App admin"));
    }
    match get("random") {
        Some(r) if r.parse::<u32>().is_ok() => {}
        _ => return Err(envelope(60002, "random must be a 32-bit unsigned integer")),
    }
    if get("contenttype") != Some("json") {
        return Err(envelope(60002, "contenttype must be json"));
    }
    let sig = get("usersig").unwrap_or("");
    if sig.is_empty() {
        return Err(envelope(70002, "usersig is empty"));
    }
    let now = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    match usersig::verify(&st.key, st.sdkappid, &st.admin, sig, now) {
        Ok(_) => Ok(()),
        Err(VerifyError::Expired(_)) => Err(envelope(70001, "usersig expired")),
        Err(VerifyError::WrongAppId(_)) => Err(envelope(70014, "sdkappid does not match the usersig")),
        Err(VerifyError::WrongIdentifier) => Err(envelope(70013, "identifier does not match the usersig")),
        Err(VerifyError::BadSignature) => Err(envelope(70009, "usersig verification failed")),
        Err(_) => Err(envelope(70003, "usersig is invalid")),
    }
}

async fn handle(st: Arc<State>, req: Request<Incoming>) -> Result<Response<MockBody>, std::io::Error> {
    use http_body_util::BodyExt;
    st.calls.fetch_add(1, Ordering::SeqCst);
    let method = req.method().as_str().to_owned();
    let path = req.uri().path().to_owned();
    let raw_query = req.uri().query().unwrap_or("").to_owned();
    let query: Vec<(String, String)> = raw_query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            let dec = |s: &str| percent_encoding::percent_decode_str(s).decode_utf8_lossy().into_owned();
            (dec(k), dec(v))
        })
        .collect();
    let body = match req.into_body().collect().await {
        Ok(b) => b.to_bytes(),
        Err(e) => return Err(std::io::Error::other(e)),
    };
    let parts: Vec<&str> = path.trim_start_matches('/').splitn(3, '/').collect();
    let (service, command) = match parts.as_slice() {
        ["v4", s, c] => ((*s).to_owned(), (*c).to_owned()),
        _ => (String::new(), String::new()),
    };
    let mut rec = Recorded {
        method: method.clone(),
        path: path.clone(),
        service: service.clone(),
        command: command.clone(),
        raw_query,
        query,
        body: body.clone(),
        decoded: None,
        answered_code: None,
        received: SystemTime::now(),
    };

    let found = (st.find)(&service, &command);
    let checked: Result<&CommandInfo, Value> = (|| {
        let info = found.ok_or_else(|| envelope(60009, "resource not found: check the servicename/command in the URL"))?;
        if method != "POST" {
            return Err(envelope(60002, "only POST is supported"));
        }
        check_query(&st, &rec.query)?;
        let decoded = if st.allow_unknown_fields.load(Ordering::SeqCst) {
            match serde_json::from_slice::<Value>(&body) {
                Ok(Value::Object(mut m)) => {
                    m.retain(|k, _| info.request_keys.contains(&k.as_str()));
                    info.codec.decode_request_value(Value::Object(m))
                }
                _ => info.codec.decode_request(&body),
            }
        } else {
            info.codec.decode_request(&body)
        };
        let decoded: Arc<dyn Message> = match decoded {
            Ok(m) => Arc::from(m),
            Err(e) => return Err(envelope(60003, &format!("JSON parse error: {e}"))),
        };
        rec.decoded = Some(decoded.clone());
        // The documented limits, as the real service checks them.
        if let Err(v) = info.codec.check_limits(&*decoded) {
            return Err(envelope(v.code.unwrap_or(rules::DEFAULT_LIMIT_CODE), &v.to_string()));
        }
        Ok(info)
    })();
    // Record on arrival, so a request whose answer is delayed or never sent is still seen.
    let recording = st.recording.load(Ordering::SeqCst);
    let answered = |code: Option<i64>, rec: Recorded| {
        if recording {
            lock(&st.recorded).push(Recorded { answered_code: code, ..rec });
        }
    };
    let info = match checked {
        Err(env) => {
            answered(env.get("ErrorCode").and_then(Value::as_i64), rec);
            return Ok(json_response(&env));
        }
        Ok(info) => info,
    };
    let index = recording.then(|| {
        let mut all = lock(&st.recorded);
        all.push(rec);
        all.len() - 1
    });
    let set_code = |code: Option<i64>| {
        if let Some(i) = index
            && let Some(r) = lock(&st.recorded).get_mut(i)
        {
            r.answered_code = code;
        }
    };
    // Rates, when enforced, and paged data need the body as JSON.
    let wants_json = lock(&st.rates).enforce || lock(&st.paged).items.contains_key(info.path);
    let json_body: Value = if wants_json { serde_json::from_slice(&body).unwrap_or(Value::Null) } else { Value::Null };
    if let Some(code) = lock(&st.rates).check(info, &json_body) {
        set_code(Some(code));
        return Ok(json_response(&envelope(code, "request frequency exceeds the limit")));
    }
    let mut reply = st.next_reply(&service, &command);
    if matches!(reply, Reply::Example)
        && let Some(paging) = info.paging
        && let Some(page) = lock(&st.paged).page(info.path, paging, &json_body, example_reply(info))
    {
        reply = Reply::Json(page);
    }
    let mut truncate = false;
    loop {
        match reply {
            Reply::Delay(d, inner) => {
                tokio::time::sleep(d).await;
                reply = *inner;
            }
            Reply::Truncated(inner) => {
                truncate = true;
                reply = *inner;
            }
            _ => break,
        }
    }
    if matches!(reply, Reply::Endless) {
        set_code(Some(0));
        let mut r = Response::new(MockBody::Endless(false));
        r.headers_mut().insert(hyper::header::CONTENT_TYPE, hyper::header::HeaderValue::from_static("application/json"));
        return Ok(r);
    }
    let (status, content_type, bytes, code) = match reply {
        Reply::Drop => return Err(std::io::Error::other("connection dropped on purpose")),
        Reply::Example => {
            let v = example_reply(info);
            (200, "application/json".to_owned(), Bytes::from(v.to_string()), Some(v.get("ErrorCode").and_then(Value::as_i64).unwrap_or(0)))
        }
        Reply::Json(v) => (200, "application/json".to_owned(), Bytes::from(v.to_string()), v.get("ErrorCode").and_then(Value::as_i64)),
        Reply::Fail { code, info } => (200, "application/json".to_owned(), Bytes::from(envelope(code, &info).to_string()), Some(code)),
        Reply::Raw { status, content_type, body } => (status, content_type, body, None),
        Reply::Delay(..) | Reply::Truncated(_) | Reply::Endless => (500, "text/plain".to_owned(), Bytes::new(), None),
    };
    set_code(code);
    let full = bytes.len() as u64;
    let body = if truncate { MockBody::Truncated(Some(bytes.slice(..bytes.len() / 2)), full) } else { MockBody::Full(Some(bytes)) };
    let mut r = Response::new(body);
    *r.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    if let Ok(ct) = hyper::header::HeaderValue::from_str(&content_type) {
        r.headers_mut().insert(hyper::header::CONTENT_TYPE, ct);
    }
    Ok(r)
}

/// How [`CallbackSender::deliver`] signs a callback request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Signing {
    /// `Sign` and `RequestTime` from the sender's token and the current time, as the IM server does.
    Token,
    /// No `Sign` and no `RequestTime` (authentication off in the console).
    Unsigned,
    /// A `Sign` made with another token.
    WrongToken,
    /// A correct `Sign` for a `RequestTime` ten minutes old (a replayed request).
    Stale,
}

/// What the app answered to a delivered callback.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Delivered {
    /// The HTTP status.
    pub status: u16,
    /// The body.
    pub body: Bytes,
    /// The body as JSON, when it is JSON.
    pub json: Option<Value>,
    /// The query string that was sent.
    pub query: String,
}

impl Delivered {
    /// The answer's `ErrorCode`, when the body has one.
    pub fn error_code(&self) -> Option<i64> {
        self.json.as_ref().and_then(|v| v.get("ErrorCode")).and_then(Value::as_i64)
    }
}

/// Plays the IM server's side of callbacks: POSTs an event to the app's callback URL, with the query
/// parameters the server sends, signed or not, and returns the app's answer. For end-to-end tests of
/// callback handlers.
///
/// ```ignore
/// let sender = CallbackSender::new(1400000000).token("console-token");
/// let answer = sender.deliver(&url, "C2C.CallbackBeforeSendMsg", &event_json, Signing::Token).await?;
/// assert_eq!(answer.error_code(), Some(1));
/// ```
#[derive(Clone)]
pub struct CallbackSender {
    sdkappid: u64,
    token: String,
    http: reqwest::Client,
}

impl std::fmt::Debug for CallbackSender {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CallbackSender").field("sdkappid", &self.sdkappid).finish_non_exhaustive()
    }
}

impl CallbackSender {
    /// A sender for application `sdkappid`, with an empty token until [`CallbackSender::token`].
    pub fn new(sdkappid: u64) -> Self {
        crate::transport::reqwest::install_crypto_provider();
        CallbackSender { sdkappid, token: String::new(), http: reqwest::Client::new() }
    }

    /// The console's callback authentication token, used by [`Signing::Token`] and [`Signing::Stale`].
    #[must_use]
    pub fn token(mut self, token: impl Into<String>) -> Self {
        self.token = token.into();
        self
    }

    /// POSTs `event` for `command` to `url` and returns the answer.
    pub async fn deliver(&self, url: &str, command: &str, event: &Value, signing: Signing) -> Result<Delivered, crate::Error> {
        self.deliver_raw(url, command, Bytes::from(event.to_string()), signing).await
    }

    /// POSTs `body` verbatim (e.g. JSON that does not decode) for `command` to `url`.
    pub async fn deliver_raw(&self, url: &str, command: &str, body: Bytes, signing: Signing) -> Result<Delivered, crate::Error> {
        let enc = |s: &str| percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string();
        let mut query =
            format!("SdkAppid={}&CallbackCommand={}&contenttype=json&ClientIP=127.0.0.1&OptPlatform=RESTAPI", self.sdkappid, enc(command));
        let now = crate::clock::unix_now();
        let signed = match signing {
            Signing::Token => Some((crate::callbacks::sign(&self.token, now), now)),
            Signing::WrongToken => Some((crate::callbacks::sign(&format!("{}-wrong", self.token), now), now)),
            Signing::Stale => Some((crate::callbacks::sign(&self.token, now - 600), now - 600)),
            Signing::Unsigned => None,
        };
        if let Some((sign, time)) = signed {
            query.push_str(&format!("&Sign={sign}&RequestTime={time}"));
        }
        let sep = if url.contains('?') { '&' } else { '?' };
        let endpoint = "callback delivery";
        let resp = self
            .http
            .post(format!("{url}{sep}{query}"))
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body)
            .send()
            .await
            .map_err(|e| crate::Error::NoResponse { endpoint, source: crate::TransportFailure::redacted(&e.without_url(), &[]) })?;
        let status = resp.status().as_u16();
        let body = resp
            .bytes()
            .await
            .map_err(|e| crate::Error::NoResponse { endpoint, source: crate::TransportFailure::redacted(&e.without_url(), &[]) })?;
        let json = serde_json::from_slice(&body).ok();
        Ok(Delivered { status, body, json, query })
    }
}
