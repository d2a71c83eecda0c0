//! The transport trait: the client core sends through any [`Transport`], sleeps on its timer between
//! retries, and never lets the UserSig out through a transport's error; the application's own
//! `reqwest::Client` can be handed over.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use tim_rest::im_open_login_svc::KickRequest;
use tim_rest::mock::{MockServer, Reply};
use tim_rest::transport::reqwest::ReqwestTransport;
use tim_rest::transport::{BoxFuture, HttpRequest, HttpResponse, Transport, TransportError};
use tim_rest::{Error, RetryPolicy};

const KEY: &str = "transport-test-key";

async fn server() -> MockServer {
    MockServer::start(1400000000, "administrator", KEY).await.expect("bind 127.0.0.1")
}

/// Counts what goes through the default transport.
struct Counting {
    inner: ReqwestTransport,
    sends: Arc<AtomicUsize>,
    sleeps: Arc<AtomicUsize>,
}

impl Transport for Counting {
    fn send(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, TransportError>> {
        self.sends.fetch_add(1, Ordering::SeqCst);
        self.inner.send(request)
    }
    fn sleep(&self, delay: Duration) -> BoxFuture<'static, ()> {
        self.sleeps.fetch_add(1, Ordering::SeqCst);
        self.inner.sleep(delay)
    }
}

#[tokio::test]
async fn calls_and_retry_backoff_go_through_the_transport() {
    let srv = server().await;
    let (sends, sleeps) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    tim_rest::transport::reqwest::install_crypto_provider();
    let transport = Counting { inner: ReqwestTransport::new(reqwest::Client::new()), sends: sends.clone(), sleeps: sleeps.clone() };
    let client = srv
        .client_builder()
        .transport(transport)
        .retry_policy(RetryPolicy::default().max_attempts(3).backoff(Duration::from_millis(1), Duration::from_millis(2)))
        .build()
        .expect("client");
    srv.rate_limit_next(2, 60007);
    client.im_open_login_svc().kick(&KickRequest::new("bob")).await.expect("third attempt");
    assert_eq!((sends.load(Ordering::SeqCst), sleeps.load(Ordering::SeqCst)), (3, 2));
    assert_eq!(srv.requests().len(), 3);
}

#[tokio::test]
async fn the_applications_own_reqwest_client_is_used() {
    let srv = server().await;
    tim_rest::transport::reqwest::install_crypto_provider();
    let http = reqwest::Client::builder().user_agent("my-app/1.0").build().expect("reqwest");
    let client = srv.client_builder().reqwest_client(http).build().expect("client");
    client.im_open_login_svc().kick(&KickRequest::new("bob")).await.expect("sent");
    assert_eq!(srv.requests()[0].answered_code, Some(0), "signed and verified");
}

/// A transport whose errors quote the whole URL, as some HTTP libraries do.
struct Leaky(TransportKind);

#[derive(Clone, Copy)]
enum TransportKind {
    Connect,
    NoResponse,
    Timeout,
    TooLarge,
    Truncated,
}

impl Transport for Leaky {
    fn send(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, TransportError>> {
        let kind = self.0;
        Box::pin(async move {
            let sig = request.url.split("usersig=").nth(1).and_then(|q| q.split('&').next()).unwrap_or_default().to_owned();
            let text = format!("connection reset while talking to {} (signature {sig})", request.url);
            Err(match kind {
                TransportKind::Connect => TransportError::Connect(text.into()),
                TransportKind::NoResponse => TransportError::NoResponse(text.into()),
                TransportKind::Timeout => TransportError::Timeout,
                TransportKind::TooLarge => TransportError::TooLarge,
                TransportKind::Truncated => TransportError::Truncated { received: 7, expected: Some(64), source: text.into() },
            })
        })
    }
    fn sleep(&self, _: Duration) -> BoxFuture<'static, ()> {
        Box::pin(std::future::ready(()))
    }
}

#[tokio::test]
async fn transport_errors_say_where_and_never_carry_the_user_sig() {
    let srv = server().await;
    for kind in
        [TransportKind::Connect, TransportKind::NoResponse, TransportKind::Timeout, TransportKind::TooLarge, TransportKind::Truncated]
    {
        let client = srv.client_builder().user_sig("FIXED-SIG-0123456789").transport(Leaky(kind)).build().expect("client");
        let err = client.im_open_login_svc().kick(&KickRequest::new("bob")).await.expect_err("fails");
        match (kind, &err) {
            (TransportKind::Connect, Error::Connect { endpoint, .. }) | (TransportKind::NoResponse, Error::NoResponse { endpoint, .. }) => {
                assert_eq!(*endpoint, "im_open_login_svc/kick")
            }
            (TransportKind::Timeout, Error::Timeout { .. }) | (TransportKind::TooLarge, Error::ReplyTooLarge { .. }) => {}
            (TransportKind::Truncated, Error::Truncated { received: 7, expected: Some(64), .. }) => {}
            (_, other) => panic!("unexpected {other:?}"),
        }
        let shown = format!("{err} {err:?} {:?}", std::error::Error::source(&err).map(ToString::to_string));
        assert!(!shown.contains("usersig="), "{shown}");
        assert!(!shown.contains("FIXED-SIG-0123456789"), "{shown}");
        if matches!(kind, TransportKind::Connect | TransportKind::NoResponse | TransportKind::Truncated) {
            assert!(shown.contains("connection reset") && shown.contains("<redacted>"), "the rest of the message is kept: {shown}");
        }
    }
    assert!(srv.requests().is_empty(), "nothing reached the server");
}

#[tokio::test]
async fn a_dropped_connection_is_no_response() {
    let srv = server().await;
    srv.push_fault(Reply::Drop);
    let client = srv.client_builder().build().expect("client");
    assert!(matches!(client.im_open_login_svc().kick(&KickRequest::new("bob")).await, Err(Error::NoResponse { .. })));
}
