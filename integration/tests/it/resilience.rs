//! The client against a misbehaving local server: HTTPS, retries, re-signing, load, secrets in logs,
//! and arbitrary bytes as replies.

use crate::support::{APPID, KEY, capture};
use std::collections::BTreeSet;
use std::time::Duration;
use tim_rest::group_open_http_svc::SendGroupMsgRequest;
use tim_rest::im_open_login_svc::KickRequest;
use tim_rest::mock::{MockServer, Reply};
use tim_rest::openim::SendMsgRequest;
use tim_rest::types::{MsgElement, TextElem};
use tim_rest::{Error, RetryPolicy};

/// Retries without waiting long.
fn fast_retries(attempts: u32) -> RetryPolicy {
    RetryPolicy::default().max_attempts(attempts).backoff(Duration::from_millis(1), Duration::from_millis(5))
}

fn text(s: &str) -> Vec<MsgElement> {
    vec![MsgElement::Text(TextElem::new(s))]
}

#[tokio::test]
async fn https_with_a_trusted_test_ca() {
    let srv = MockServer::start_tls(APPID, "administrator", KEY).await.expect("bind");
    assert!(srv.base_url().starts_with("https://127.0.0.1:"));
    let client = srv.client_builder().build().expect("client trusts the test CA");
    client.im_open_login_svc().kick(&KickRequest::new("a")).await.expect("call over TLS");
    assert_eq!(srv.requests()[0].answered_code, Some(0));

    // Without the CA, the certificate is rejected and nothing is sent.
    let untrusting = tim_rest::Client::builder(APPID, "administrator")
        .secret_key(KEY)
        .base_url(srv.base_url())
        .retry_policy(RetryPolicy::none())
        .build()
        .expect("client");
    let err = untrusting.im_open_login_svc().kick(&KickRequest::new("a")).await.expect_err("unknown CA");
    assert!(matches!(err, Error::Connect { .. }), "{err:?}");
    assert_eq!(srv.calls(), 1, "the untrusted handshake never reached HTTP");
}

#[tokio::test]
async fn rate_limits_are_retried_with_the_same_body() {
    let srv = MockServer::start(APPID, "administrator", KEY).await.expect("bind");
    let client = srv.client_builder().retry_policy(fast_retries(4)).build().expect("client");
    srv.rate_limit_next(1, 60007);
    srv.rate_limit_next(1, 60011);
    let req = SendMsgRequest::new("bob", text("hi"));
    client.openim().send_msg(&req).await.expect("third attempt succeeds");
    let recs = srv.requests();
    assert_eq!(recs.len(), 3);
    assert!(recs.iter().all(|r| r.body == recs[0].body), "identical bodies: MsgRandom kept");
    let sent: &SendMsgRequest = recs[2].request().expect("decoded");
    assert_eq!(sent.msg_random, req.msg_random);
    let randoms: BTreeSet<&str> = recs.iter().filter_map(|r| r.param("random")).collect();
    assert_eq!(randoms.len(), 3, "the URL's random is fresh per attempt");
}

#[tokio::test]
async fn retries_stop_at_the_limit_and_return_the_last_error() {
    let srv = MockServer::start(APPID, "administrator", KEY).await.expect("bind");
    let client = srv.client_builder().retry_policy(fast_retries(2)).build().expect("client");
    srv.set_reply("im_open_login_svc", "kick", Reply::fail(60007, "still limited"));
    let err = client.im_open_login_svc().kick(&KickRequest::new("a")).await.expect_err("limited");
    assert_eq!(err.code(), Some(60007));
    assert_eq!(srv.calls(), 2);
}

#[tokio::test]
async fn permanent_errors_are_not_retried() {
    let srv = MockServer::start(APPID, "administrator", KEY).await.expect("bind");
    let client = srv.client_builder().retry_policy(fast_retries(5)).build().expect("client");
    srv.push_fault(Reply::fail(70107, "no such account"));
    let err = client.im_open_login_svc().kick(&KickRequest::new("a")).await.expect_err("permanent");
    assert_eq!(err.code(), Some(70107));
    assert_eq!(srv.calls(), 1);
}

#[tokio::test]
async fn timeouts_are_retried_for_de_duplicated_sends_with_the_same_msg_random() {
    let srv = MockServer::start(APPID, "administrator", KEY).await.expect("bind");
    let client = srv.client_builder().timeout(Duration::from_millis(150)).retry_policy(fast_retries(3)).build().expect("client");
    srv.push_fault(Reply::Example.delayed(Duration::from_secs(2)));
    srv.push_fault(Reply::Drop);
    client.openim().send_msg(&SendMsgRequest::new("bob", text("hi"))).await.expect("third attempt succeeds");
    let recs = srv.requests();
    assert_eq!(recs.len(), 3);
    assert!(recs.iter().all(|r| r.body == recs[0].body));
}

#[tokio::test]
async fn a_group_send_is_not_repeated_after_a_timeout_unless_the_caller_opts_in() {
    let srv = MockServer::start(APPID, "administrator", KEY).await.expect("bind");
    let client = srv.client_builder().timeout(Duration::from_millis(150)).retry_policy(fast_retries(3)).build().expect("client");
    let req = SendGroupMsgRequest::new("@TGS#1", text("hi"));

    srv.push_fault(Reply::Example.delayed(Duration::from_secs(2)));
    let err = client.group_open_http_svc().send_group_msg(&req).await.expect_err("timeout");
    assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
    assert_eq!(srv.calls(), 1, "no repeat: the first attempt may have been delivered");

    // A rate-limit reply proves the message was not taken: that is retried even for a group send.
    srv.clear_requests();
    srv.push_fault(Reply::fail(60007, "limited"));
    client.group_open_http_svc().send_group_msg(&req).await.expect("retried after 60007");
    assert_eq!(srv.requests().len(), 2);

    // The caller opts in for this one call.
    srv.clear_requests();
    srv.push_fault(Reply::Example.delayed(Duration::from_secs(2)));
    let opt_in = fast_retries(3).retry_unconfirmed_never(true);
    client.call_with(&req, &opt_in).await.expect("retried after the timeout");
    let recs = srv.requests();
    assert_eq!(recs.len(), 2);
    assert_eq!(recs[0].body, recs[1].body, "Random stays fixed");
}

#[tokio::test]
async fn a_timeout_says_how_long_it_waited() {
    let srv = MockServer::start(APPID, "administrator", KEY).await.expect("bind");
    let client = srv.client_builder().timeout(Duration::from_millis(150)).retry_policy(RetryPolicy::none()).build().expect("client");
    srv.push_fault(Reply::Example.delayed(Duration::from_secs(2)));
    let err = client.im_open_login_svc().kick(&KickRequest::new("a")).await.expect_err("timeout");
    assert!(matches!(err, Error::Timeout { after, .. } if after == Duration::from_millis(150)), "{err:?}");
    assert_eq!(err.to_string(), "request to im_open_login_svc/kick timed out: no reply within 150 ms (the timeout of one attempt)");
    assert!(err.is_retryable() && !err.not_applied(), "the outcome is unknown");
}

/// A one-shot HTTP server on a plain socket that announces a `Content-Length` of 100 and closes after
/// the first 20 bytes of the body: a reply really cut short on the wire.
fn cut_short_server() -> std::net::SocketAddr {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    std::thread::spawn(move || {
        let Ok((mut conn, _)) = listener.accept() else { return };
        // Read the request head and its body (the client sends Content-Length).
        let mut seen = Vec::new();
        let mut buf = [0u8; 4096];
        while let Ok(n) = conn.read(&mut buf) {
            if n == 0 {
                break;
            }
            seen.extend_from_slice(&buf[..n]);
            let text = String::from_utf8_lossy(&seen).to_ascii_lowercase();
            if let Some(head_end) = text.find("\r\n\r\n") {
                let length =
                    text.lines().find_map(|l| l.strip_prefix("content-length:")).and_then(|v| v.trim().parse::<usize>().ok()).unwrap_or(0);
                if seen.len() >= head_end + 4 + length {
                    break;
                }
            }
        }
        let _ = conn.write_all(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"ActionStatus\":\"OK\"");
        let _ = conn.flush();
        // Dropping the socket closes the connection 80 bytes short.
    });
    addr
}

#[tokio::test]
async fn a_reply_cut_short_says_how_much_arrived() {
    let addr = cut_short_server();
    let client = tim_rest::Client::builder(APPID, "administrator")
        .secret_key(KEY)
        .base_url(format!("http://{addr}"))
        .allow_insecure_http(true)
        .retry_policy(RetryPolicy::none())
        .build()
        .expect("client");
    let err = client.group_open_http_svc().send_group_msg(&SendGroupMsgRequest::new("g", text("x"))).await.expect_err("cut short");
    assert!(
        matches!(err, Error::Truncated { endpoint: "group_open_http_svc/send_group_msg", received: 20, expected: Some(100), .. }),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        "reply of group_open_http_svc/send_group_msg was cut short: the connection closed after 20 of the 100 bytes it announced"
    );
    let source = std::error::Error::source(&err).map(ToString::to_string).unwrap_or_default();
    assert!(source.starts_with("the connection closed or failed before the end of the body: "), "the transport's error is kept: {source}");
    assert!(!source.contains("decoding"), "nothing was being decoded: {source}");
    assert!(err.is_retryable() && !err.not_applied(), "the server answered: the message may have been sent");
}

#[tokio::test]
async fn a_connection_closed_before_the_reply_says_so() {
    let srv = MockServer::start(APPID, "administrator", KEY).await.expect("bind");
    let client = srv.client_builder().retry_policy(RetryPolicy::none()).build().expect("client");
    // The local server's truncated reply closes the connection before the reply's head leaves it.
    srv.push_fault(Reply::Example.truncated());
    let err = client.im_open_login_svc().kick(&KickRequest::new("a")).await.expect_err("closed");
    let shown = err.to_string();
    match &err {
        Error::NoResponse { .. } => {
            assert!(shown.contains("the connection closed or failed before a reply arrived"), "{shown}");
            assert!(!shown.contains("error sending request"), "the request was sent: {shown}");
        }
        Error::Truncated { .. } => assert!(shown.contains("cut short"), "{shown}"),
        other => panic!("expected NoResponse or Truncated, got {other:?}"),
    }
    assert!(err.is_retryable() && !err.not_applied(), "{err}");
}

#[tokio::test]
async fn a_broken_off_reply_is_repeated_only_when_the_command_allows_it() {
    let srv = MockServer::start(APPID, "administrator", KEY).await.expect("bind");
    let client = srv.client_builder().retry_policy(fast_retries(3)).build().expect("client");
    srv.push_fault(Reply::Example.truncated());
    client.openim().send_msg(&SendMsgRequest::new("bob", text("hi"))).await.expect("de-duplicated send repeated");
    assert_eq!(srv.calls(), 2);
    srv.clear_requests();
    srv.push_fault(Reply::Example.truncated());
    let err = client.group_open_http_svc().send_group_msg(&SendGroupMsgRequest::new("g", text("x"))).await.expect_err("not repeated");
    assert!(matches!(err, Error::NoResponse { .. } | Error::Truncated { .. }), "{err:?}");
    assert_eq!(srv.requests().len(), 1);
}

#[tokio::test]
async fn a_connect_timeout_is_a_connection_failure_that_names_the_timeout() {
    // A listener that never accepts: the TCP handshake completes in the kernel's backlog, the TLS
    // handshake never does.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = silent.local_addr().expect("addr");
    let client = tim_rest::Client::builder(APPID, "administrator")
        .secret_key(KEY)
        .base_url(format!("https://{addr}"))
        .connect_timeout(Duration::from_millis(100))
        .timeout(Duration::from_secs(20))
        .retry_policy(RetryPolicy::none())
        .build()
        .expect("client");
    let err = client.group_open_http_svc().send_group_msg(&SendGroupMsgRequest::new("g", text("x"))).await.expect_err("no handshake");
    assert!(matches!(err, Error::Connect { .. }), "{err:?}");
    assert!(err.to_string().contains("no connection within 100 ms (the connect timeout)"), "{err}");
    assert!(err.not_applied() && err.is_retryable(), "nothing was sent");
    drop(silent);
}

#[tokio::test]
async fn is_retryable_agrees_with_what_the_client_repeats() {
    let srv = MockServer::start(APPID, "administrator", KEY).await.expect("bind");
    let client = srv.client_builder().retry_policy(fast_retries(2)).build().expect("client");
    for (fault, retryable) in [
        (Reply::fail(60007, "limited"), true),
        (Reply::fail(70107, "no such account"), false),
        (Reply::bad_gateway(), true),
        (Reply::Raw { status: 404, content_type: "text/plain".into(), body: "gone".into() }, false),
        (Reply::Drop, true),
    ] {
        srv.clear_requests();
        srv.set_reply("im_open_login_svc", "kick", fault);
        let err = client.im_open_login_svc().kick(&KickRequest::new("a")).await.expect_err("fails");
        assert_eq!(err.is_retryable(), retryable, "{err}");
        assert_eq!(srv.requests().len(), if retryable { 2 } else { 1 }, "{err}: the client repeats exactly the retryable failures");
    }
}

#[tokio::test]
async fn connection_failures_are_retried_even_for_unsafe_commands() {
    // Nothing listens on the first address; the second is the server (the region fallback path is
    // covered by the same logic: a connect failure moves to the next host).
    let srv = MockServer::start(APPID, "administrator", KEY).await.expect("bind");
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        l.local_addr().expect("addr")
    };
    let client = tim_rest::Client::builder(APPID, "administrator")
        .secret_key(KEY)
        .base_url(format!("http://{closed}"))
        .allow_insecure_http(true)
        .retry_policy(fast_retries(3))
        .build()
        .expect("client");
    let err = client.group_open_http_svc().send_group_msg(&SendGroupMsgRequest::new("g", text("x"))).await.expect_err("refused");
    assert!(matches!(err, Error::Connect { .. }), "{err:?}");
    assert!(err.not_applied());
    drop(srv);
}

#[tokio::test]
async fn an_unreachable_primary_host_falls_back_to_the_backup() {
    let srv = MockServer::start(APPID, "administrator", KEY).await.expect("bind");
    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr");
    let client = tim_rest::Client::builder(APPID, "administrator")
        .secret_key(KEY)
        .base_urls(format!("http://{closed}"), srv.base_url())
        .allow_insecure_http(true)
        .retry_policy(fast_retries(2))
        .build()
        .expect("client");
    // A group send is `never`, but a refused connection proves nothing was sent.
    client.group_open_http_svc().send_group_msg(&SendGroupMsgRequest::new("g", text("x"))).await.expect("sent via the backup");
    assert_eq!(srv.calls(), 1);
}

#[tokio::test]
async fn an_expired_user_sig_is_re_signed_once() {
    let srv = MockServer::start(APPID, "administrator", KEY).await.expect("bind");
    let client = srv.client_builder().retry_policy(fast_retries(3)).build().expect("client");
    srv.push_fault(Reply::fail(70001, "usersig expired"));
    client.im_open_login_svc().kick(&KickRequest::new("a")).await.expect("re-signed and retried");
    assert_eq!(srv.calls(), 2);

    srv.push_fault(Reply::fail(70001, "usersig expired"));
    srv.push_fault(Reply::fail(70001, "usersig expired"));
    let err = client.im_open_login_svc().kick(&KickRequest::new("a")).await.expect_err("only once");
    assert_eq!(err.code(), Some(70001));
    assert_eq!(srv.calls(), 4);

    // A fixed UserSig cannot be renewed: no retry.
    let fixed = tim_rest::Client::builder(APPID, "administrator")
        .user_sig(tim_rest::usersig::generate(&tim_rest::usersig::SecretKey::new(KEY), APPID, "administrator", 1, 1, None).expose())
        .base_url(srv.base_url())
        .allow_insecure_http(true)
        .retry_policy(fast_retries(3))
        .build()
        .expect("client");
    assert_eq!(fixed.im_open_login_svc().kick(&KickRequest::new("a")).await.expect_err("expired").code(), Some(70001));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn ten_thousand_calls_from_64_tasks_each_answered_once_over_few_connections() {
    const CALLS: usize = 10_000;
    const TASKS: usize = 64;
    let srv = MockServer::start(APPID, "administrator", KEY).await.expect("bind");
    let client = srv.client_builder().pool_max_idle_per_host(TASKS).build().expect("client");
    let mut handles = Vec::new();
    for t in 0..TASKS {
        let client = client.clone();
        handles.push(tokio::spawn(async move {
            let mut ok = 0usize;
            for i in (t..CALLS).step_by(TASKS) {
                client.im_open_login_svc().kick(&KickRequest::new(format!("user-{i}"))).await.expect("answered");
                ok += 1;
            }
            ok
        }));
    }
    let mut answered = 0;
    for h in handles {
        answered += h.await.expect("task");
    }
    assert_eq!(answered, CALLS);
    assert_eq!(srv.calls(), CALLS, "no call lost or duplicated at the server");
    let users: BTreeSet<String> = srv.requests().iter().map(|r| r.request::<KickRequest>().expect("decoded").user_id.clone()).collect();
    assert_eq!(users.len(), CALLS, "every call arrived exactly once");
    assert!(srv.connections() <= 2 * TASKS, "keep-alive bounds connections: {} opened", srv.connections());
}

#[tokio::test]
async fn logs_never_show_the_key_or_the_user_sig() {
    let (logs, _guard) = capture(tracing::Level::TRACE);

    let srv = MockServer::start(APPID, "administrator", KEY).await.expect("bind");
    let client = srv.client_builder().timeout(Duration::from_millis(150)).retry_policy(fast_retries(3)).build().expect("client");
    for fault in [
        Reply::fail(70001, "expired"),
        Reply::fail(60007, "limited"),
        Reply::Drop,
        Reply::bad_gateway(),
        Reply::Example.delayed(Duration::from_secs(1)),
    ] {
        srv.push_fault(fault);
    }
    let req = SendMsgRequest::new("bob", text("hi"));
    for _ in 0..4 {
        let _ = client.openim().send_msg(&req).await;
    }
    let sig = srv.requests()[0].param("usersig").expect("sig").to_owned();
    let text = logs.text();
    assert!(text.contains("retrying"), "the run was logged: {text}");
    assert!(!text.contains(KEY), "secret key in logs");
    assert!(!text.contains(&sig), "UserSig in logs");
    assert!(!text.contains("usersig="), "URL with the signature in logs");
}

mod arbitrary_replies {
    use proptest::prelude::*;
    use tim_rest::envelope::decode_reply;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

        /// Any bytes, under any status, decode to a value or a typed error; nothing panics.
        #[test]
        fn any_bytes_never_panic(body in proptest::collection::vec(any::<u8>(), 0..512), status in 100u16..600) {
            let bytes = bytes::Bytes::from(body.clone());
            let _ = decode_reply::<tim_rest::openim::SendMsgResponse>("openim/sendmsg", status, bytes.clone());
            let _ = decode_reply::<tim_rest::group_open_http_svc::GetGroupInfoResponse>("g", status, bytes);
            let _ = tim_rest::Envelope::from_slice(&body);
            for info in tim_rest::registry::commands() {
                let _ = info.codec.decode_response(&body);
                let _ = info.codec.decode_request(&body);
            }
        }

        /// JSON-shaped replies with random envelope values and payload keys.
        #[test]
        fn json_shaped_replies_never_panic(
            status in prop::option::of("[A-Za-z]{0,8}"),
            code in prop::option::of(any::<i64>()),
            key in "[A-Za-z_]{1,12}",
            value in prop_oneof![Just(serde_json::Value::Null), any::<i64>().prop_map(serde_json::Value::from), any::<f64>().prop_map(serde_json::Value::from), "[^\"]{0,8}".prop_map(serde_json::Value::from)],
        ) {
            let mut m = serde_json::Map::new();
            if let Some(s) = status { m.insert("ActionStatus".into(), s.into()); }
            if let Some(c) = code { m.insert("ErrorCode".into(), c.into()); }
            m.insert(key, value);
            let body = serde_json::Value::Object(m).to_string();
            for info in tim_rest::registry::commands() {
                let _ = info.codec.decode_response(body.as_bytes());
            }
            let r = decode_reply::<tim_rest::openim::BatchSendMsgResponse>("openim/batchsendmsg", 200, body.into());
            if let Err(e) = r {
                let _ = e.to_string();
            }
        }

        /// Any JSON object, built from the catalogue's own keys and values of every kind, is a successful
        /// reply of every command once corrected (unless its envelope says it failed); strict mode
        /// never panics; the corrected value is never larger than a bounded multiple of the input.
        #[test]
        fn every_json_object_decodes_after_correction(body in json_object()) {
            let text = body.to_string();
            let failed = tim_rest::envelope::check_reply("x/y", 200, text.clone().into()).is_err();
            for info in tim_rest::registry::commands() {
                match info.codec.decode_reply(text.clone().into(), false) {
                    Ok(d) => {
                        prop_assert!(!failed, "{}: a failed envelope decoded", info.path);
                        // Zero-filled required fields are bounded by the type, not by the input.
                        let out = d.value.to_json().map(|v| v.to_string().len()).unwrap_or(0);
                        prop_assert!(out <= 64 * 1024 + 64 * text.len(), "{}: {} bytes from {}", info.path, out, text.len());
                    }
                    Err(tim_rest::Error::Service(_)) => prop_assert!(failed, "{}", info.path),
                    Err(e) => prop_assert!(false, "{}: {e}", info.path),
                }
                let _ = info.codec.decode_reply(text.clone().into(), true);
            }
        }
    }

    /// Keys that occur in the catalogue's own examples, so random objects hit real fields.
    fn catalogue_keys() -> Vec<String> {
        fn walk(v: &serde_json::Value, out: &mut std::collections::BTreeSet<String>) {
            match v {
                serde_json::Value::Object(m) => {
                    for (k, x) in m {
                        out.insert(k.clone());
                        walk(x, out);
                    }
                }
                serde_json::Value::Array(a) => a.iter().for_each(|x| walk(x, out)),
                _ => {}
            }
        }
        let mut keys = std::collections::BTreeSet::new();
        for info in tim_rest::registry::commands() {
            for ex in info.examples {
                if let Some(t) = ex.response
                    && let Ok(v) = serde_json::from_str::<serde_json::Value>(t)
                {
                    walk(&v, &mut keys);
                }
            }
        }
        keys.remove("ErrorCode");
        keys.remove("ActionStatus");
        keys.into_iter().collect()
    }

    fn json_value() -> impl Strategy<Value = serde_json::Value> {
        let keys = catalogue_keys();
        let leaf = prop_oneof![
            Just(serde_json::Value::Null),
            any::<bool>().prop_map(serde_json::Value::from),
            any::<i64>().prop_map(serde_json::Value::from),
            any::<u64>().prop_map(serde_json::Value::from),
            any::<f64>().prop_map(serde_json::Value::from),
            "-?[0-9]{0,22}".prop_map(serde_json::Value::from),
            "[ -~]{0,6}".prop_map(serde_json::Value::from),
            Just(serde_json::json!("TIMTextElem")),
        ];
        leaf.prop_recursive(4, 48, 6, move |inner| {
            let key = prop_oneof![proptest::sample::select(keys.clone()), "[A-Za-z_]{1,8}"];
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..6).prop_map(serde_json::Value::Array),
                proptest::collection::btree_map(key, inner, 0..6).prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
            ]
        })
    }

    fn json_object() -> impl Strategy<Value = serde_json::Value> {
        let keys = catalogue_keys();
        let key = prop_oneof![proptest::sample::select(keys), "[A-Za-z_]{1,8}"];
        let code = prop_oneof![
            Just(None),
            Just(Some(serde_json::json!(0))),
            Just(Some(serde_json::json!("0"))),
            any::<i64>().prop_map(|c| Some(c.into()))
        ];
        (proptest::collection::btree_map(key, json_value(), 0..8), code).prop_map(|(m, code)| {
            let mut m: serde_json::Map<String, serde_json::Value> = m.into_iter().collect();
            if let Some(c) = code {
                m.insert("ErrorCode".into(), c);
            }
            serde_json::Value::Object(m)
        })
    }
}
