//! The REST server: accepts connections (plain or TLS), checks the protocol like the real service, and
//! answers from scripted replies, the handler, or the command's example.

use super::hook::{Call, SharedHandler};
use super::script::{Script, Scripts, UnknownCommand, Unused, closest};
use super::{Recorded, Reply, lock, rules};
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
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{SystemTime, UNIX_EPOCH};
use tokio::net::TcpListener;
use tokio::sync::oneshot;

struct State {
    sdkappid: u64,
    admin: String,
    key: SecretKey,
    scripts: Arc<Mutex<Scripts>>,
    handler: Mutex<Option<SharedHandler>>,
    recorded: Mutex<Vec<Recorded>>,
    connections: AtomicUsize,
    calls: AtomicUsize,
    recording: std::sync::atomic::AtomicBool,
    find: fn(&str, &str) -> Option<&'static CommandInfo>,
    commands: fn() -> &'static [&'static [CommandInfo]],
    allow_unknown_fields: std::sync::atomic::AtomicBool,
    rates: Mutex<rules::RateGuard>,
    paged: Mutex<rules::PagedData>,
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

    /// Starts a server on `addr` (plain HTTP, or HTTPS with `tls`), for a process that serves on a
    /// known port (the `tim-emulator` binary); tests use [`MockServer::start`], which takes a free port.
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
            scripts: Arc::new(Mutex::new(Scripts::default())),
            handler: Mutex::new(None),
            recorded: Mutex::new(Vec::new()),
            connections: AtomicUsize::new(0),
            calls: AtomicUsize::new(0),
            recording: std::sync::atomic::AtomicBool::new(true),
            find: A::find,
            commands: A::commands,
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

    /// Scripts the replies of the command whose request type is `E`
    /// (`server.on::<SendMsgRequest>().fail(20003, "..")`): the name cannot be wrong.
    pub fn on<E: crate::Endpoint>(&self) -> Script<E> {
        Script { scripts: self.state.scripts.clone(), path: E::PATH.to_owned(), uncatalogued: false, kind: std::marker::PhantomData }
    }

    /// Scripts the replies of `service/command` by wire names, checked against the catalogue: an unknown
    /// name is an error at once, listing the closest catalogued names.
    pub fn on_command(&self, service: &str, command: &str) -> Result<Script, UnknownCommand> {
        match (self.state.find)(service, command) {
            Some(info) => Ok(Script {
                scripts: self.state.scripts.clone(),
                path: info.path.to_owned(),
                uncatalogued: false,
                kind: std::marker::PhantomData,
            }),
            None => Err(self.unknown(service, command)),
        }
    }

    /// Scripts the replies of a command the catalogue does not have (for tests of the untyped
    /// `call_json`): the server then accepts `/v4/<service>/<command>`, checks its query like any other,
    /// requires a JSON object body (else 60003) and answers from this script (without one, a call gets
    /// the success envelope). A catalogued name is refused with an error, to keep typed checks.
    pub fn on_uncatalogued(&self, service: &str, command: &str) -> Result<Script, String> {
        if let Some(info) = (self.state.find)(service, command) {
            return Err(format!("`{}` is catalogued: script it with `on::<{}>()` or `on_command`", info.path, info.request_type));
        }
        Ok(Script {
            scripts: self.state.scripts.clone(),
            path: format!("{service}/{command}"),
            uncatalogued: true,
            kind: std::marker::PhantomData,
        })
    }

    fn unknown(&self, service: &str, command: &str) -> UnknownCommand {
        let all = (self.state.commands)().iter().flat_map(|l| l.iter()).map(|c| c.path);
        UnknownCommand { path: format!("{service}/{command}"), closest: closest(all, service, command) }
    }

    /// The next call (to any command) gets `reply`; several calls queue in order. These come before
    /// per-command scripts; prefer [`MockServer::on`], which says which command a fault is for.
    pub fn push_fault(&self, reply: Reply) {
        lock(&self.state.scripts).push_any(reply);
    }

    /// The next `n` calls (to any command) are refused with a rate-limit error: `60007` (REST API rate
    /// limit) or `60011` (SDKAppID rate limit).
    pub fn rate_limit_next(&self, n: usize, code: i64) {
        for _ in 0..n {
            self.push_fault(Reply::fail(code, "request frequency exceeds the limit"));
        }
    }

    /// The next call to `service/command` gets `reply` (queued in order); the same as
    /// `on_command(service, command)?.reply(reply)`.
    ///
    /// # Panics
    ///
    /// When `service/command` is not catalogued (the message lists the closest names): a script for a
    /// command that does not exist would never be used.
    pub fn push_reply(&self, service: &str, command: &str, reply: Reply) {
        match self.on_command(service, command) {
            Ok(s) => {
                s.reply(reply);
            }
            Err(e) => panic!("push_reply: {e}"),
        }
    }

    /// Every call to `service/command` gets `reply` (after queued ones are used up); the same as
    /// `on_command(service, command)?.always(reply)`.
    ///
    /// # Panics
    ///
    /// When `service/command` is not catalogued, like [`MockServer::push_reply`].
    pub fn set_reply(&self, service: &str, command: &str, reply: Reply) {
        match self.on_command(service, command) {
            Ok(s) => {
                s.always(reply);
            }
            Err(e) => panic!("set_reply: {e}"),
        }
    }

    /// Forgets every scripted reply and fault (the recorded requests stay; see
    /// [`MockServer::clear_requests`]).
    pub fn clear(&self) {
        lock(&self.state.scripts).clear();
    }

    /// The scripted replies no call has used yet: queued replies still waiting, and `always` replies that
    /// answered no call.
    pub fn unused(&self) -> Vec<Unused> {
        lock(&self.state.scripts).unused()
    }

    /// Panics, listing them, when scripted replies were not used (for the end of a test).
    #[track_caller]
    pub fn assert_all_used(&self) {
        let unused = self.unused();
        if !unused.is_empty() {
            let list: Vec<String> = unused.iter().map(|u| format!("  - {u}")).collect();
            panic!(
                "{} scripted repl{} never used:\n{}",
                unused.len(),
                if unused.len() == 1 { "y was" } else { "ies were" },
                list.join("\n")
            );
        }
    }

    /// Installs the handler asked after scripted replies and before the example reply (a stateful
    /// emulator); replaces an earlier one.
    pub fn set_handler(&self, handler: Arc<dyn super::Handler>) {
        *lock(&self.state.handler) = Some(handler);
    }

    /// Removes the handler: every command answers its example again.
    pub fn clear_handler(&self) {
        *lock(&self.state.handler) = None;
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
    if found.is_none() && !service.is_empty() && lock(&st.scripts).is_uncatalogued(&format!("{service}/{command}")) {
        return uncatalogued(st, rec, &method, &body).await;
    }
    let checked: Result<(&CommandInfo, Arc<dyn Message>), Value> = (|| {
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
        Ok((info, decoded))
    })();
    // Record on arrival, so a request whose answer is delayed or never sent is still seen.
    let recording = st.recording.load(Ordering::SeqCst);
    let answered = |code: Option<i64>, rec: Recorded| {
        if recording {
            lock(&st.recorded).push(Recorded { answered_code: code, ..rec });
        }
    };
    let (info, decoded) = match checked {
        Err(env) => {
            answered(env.get("ErrorCode").and_then(Value::as_i64), rec);
            return Ok(json_response(&env));
        }
        Ok(ok) => ok,
    };
    let set_code = record_pending(&st, recording, rec);
    // Rates, when enforced, and paged data need the body as JSON.
    let wants_json = lock(&st.rates).enforce || lock(&st.paged).items.contains_key(info.path);
    let json_body: Value = if wants_json { serde_json::from_slice(&body).unwrap_or(Value::Null) } else { Value::Null };
    if let Some(code) = lock(&st.rates).check(info, &json_body) {
        set_code(Some(code));
        return Ok(json_response(&envelope(code, "request frequency exceeds the limit")));
    }
    let scripted = lock(&st.scripts).next(info.path);
    let mut reply = match scripted {
        Some(r) => r,
        None => {
            let handler = lock(&st.handler).clone();
            let answered = match handler {
                Some(h) => {
                    h.handle(Call { service: service.clone(), command: command.clone(), info, request: decoded, body: body.clone() }).await
                }
                None => None,
            };
            answered.unwrap_or(Reply::Example)
        }
    };
    if matches!(reply, Reply::Example)
        && let Some(paging) = info.paging
        && let Some(page) = lock(&st.paged).page(info.path, paging, &json_body, example_reply(info))
    {
        reply = Reply::Json(page);
    }
    serve(reply, Some(info), set_code).await
}

/// Answers a command outside the catalogue that a test scripted ([`MockServer::on_uncatalogued`]):
/// the method and query are checked like any other, the body must be a JSON object.
async fn uncatalogued(st: Arc<State>, rec: Recorded, method: &str, body: &Bytes) -> Result<Response<MockBody>, std::io::Error> {
    let checked = (|| {
        if method != "POST" {
            return Err(envelope(60002, "only POST is supported"));
        }
        check_query(&st, &rec.query)?;
        match serde_json::from_slice::<Value>(body) {
            Ok(Value::Object(_)) => Ok(()),
            _ => Err(envelope(60003, "JSON parse error: the body is not a JSON object")),
        }
    })();
    let recording = st.recording.load(Ordering::SeqCst);
    let path = format!("{}/{}", rec.service, rec.command);
    if let Err(env) = checked {
        if recording {
            lock(&st.recorded).push(Recorded { answered_code: env.get("ErrorCode").and_then(Value::as_i64), ..rec });
        }
        return Ok(json_response(&env));
    }
    let set_code = record_pending(&st, recording, rec);
    let reply = lock(&st.scripts).next(&path).unwrap_or(Reply::Example);
    serve(reply, None, set_code).await
}

/// Records a request whose answer is not known yet (when recording is on); the returned function
/// sets the code it was answered with.
fn record_pending(st: &State, recording: bool, rec: Recorded) -> impl Fn(Option<i64>) + '_ {
    let index = recording.then(|| {
        let mut all = lock(&st.recorded);
        all.push(rec);
        all.len() - 1
    });
    move |code: Option<i64>| {
        if let Some(i) = index
            && let Some(r) = lock(&st.recorded).get_mut(i)
        {
            r.answered_code = code;
        }
    }
}

/// Sends `reply` (the example of `info`, or a bare success envelope without one).
async fn serve(mut reply: Reply, info: Option<&CommandInfo>, set_code: impl Fn(Option<i64>)) -> Result<Response<MockBody>, std::io::Error> {
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
            let v = info.map_or_else(|| json!({"ActionStatus": "OK", "ErrorCode": 0, "ErrorInfo": ""}), example_reply);
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
