//! Callbacks fail closed and answer in time, over HTTP through the axum route: verification must be
//! chosen, requests that are not what they claim are refused before the handler, the deadline holds
//! on every path (a handler that blocks its thread included), "after" handlers run on past it,
//! replayed requests and oversized bodies are refused, refusal bodies say nothing about the app, and
//! the route merges into an application with its own state.

use crate::support::{APPID, TOKEN, capture};
use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tim_rest::callbacks::{Answer, Callbacks, Event, Incoming, sign};
use tim_rest::mock::{CallbackSender, Signing};
use tim_rest::types::MsgElement;

fn before_send(text: &str) -> Value {
    json!({
        "CallbackCommand": "C2C.CallbackBeforeSendMsg", "From_Account": "alice", "To_Account": "bob",
        "MsgSeq": 1, "MsgRandom": 2, "MsgTime": 1557481126, "MsgKey": "1_2_1557481126",
        "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": text}}]
    })
}

fn after_send() -> Value {
    json!({
        "CallbackCommand": "C2C.CallbackAfterSendMsg", "From_Account": "alice", "To_Account": "bob",
        "MsgSeq": 1, "MsgRandom": 2, "MsgTime": 1557481126, "MsgKey": "1_2_1557481126", "SendMsgResult": 0,
        "ErrorInfo": "send msg succeed",
        "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "hi"}}]
    })
}

/// What a handler saw and did.
#[derive(Default)]
struct Seen {
    calls: AtomicUsize,
    finished: AtomicUsize,
    corrected: AtomicBool,
}

/// Serves `callbacks` on 127.0.0.1 with a handler that sleeps `sleep` (asynchronously, or blocking its
/// thread) and then answers code 7.
async fn serve(callbacks: Callbacks, sleep: Duration, blocking: bool) -> (String, Arc<Seen>) {
    let seen = Arc::new(Seen::default());
    let s = seen.clone();
    let app = tim_rest::callbacks::axum::router("/cb", callbacks, move |incoming: Incoming<Event>| {
        let s = s.clone();
        async move {
            s.calls.fetch_add(1, Ordering::SeqCst);
            s.corrected.store(incoming.was_corrected(), Ordering::SeqCst);
            if blocking {
                std::thread::sleep(sleep);
            } else {
                tokio::time::sleep(sleep).await;
            }
            s.finished.fetch_add(1, Ordering::SeqCst);
            Answer::code(7)
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}/cb", listener.local_addr().expect("addr"));
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, seen)
}

/// Waits (bounded) until `f` holds; the tests assert what happened, never how long it took.
async fn eventually(f: impl Fn() -> bool) -> bool {
    for _ in 0..100 {
        if f() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    false
}

fn now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

/// A signed query for `command` at `time`.
fn query(command: &str, time: u64) -> String {
    format!(
        "SdkAppid={APPID}&CallbackCommand={command}&contenttype=json&ClientIP=1.2.3.4&OptPlatform=RESTAPI&Sign={}&RequestTime={time}",
        sign(TOKEN, time)
    )
}

async fn post(url: &str, query: &str, body: impl Into<reqwest::Body>) -> (u16, Value) {
    let r = reqwest::Client::new().post(format!("{url}?{query}")).body(body).send().await.expect("sent");
    let status = r.status().as_u16();
    let body = r.bytes().await.expect("body");
    (status, serde_json::from_slice(&body).unwrap_or(Value::Null))
}

#[tokio::test]
async fn without_a_token_or_an_explicit_opt_out_every_request_is_refused() {
    for callbacks in [Callbacks::new(APPID), Callbacks::new(APPID).token("")] {
        let (url, seen) = serve(callbacks, Duration::ZERO, false).await;
        for signing in [Signing::Unsigned, Signing::Token] {
            let r = CallbackSender::new(APPID)
                .token(TOKEN)
                .deliver(&url, "C2C.CallbackBeforeSendMsg", &before_send("hi"), signing)
                .await
                .expect("delivered");
            assert_eq!(r.status, 403);
        }
        assert_eq!(seen.calls.load(Ordering::SeqCst), 0);
    }
    let (url, seen) = serve(Callbacks::new(APPID).unsigned(), Duration::ZERO, false).await;
    let r = CallbackSender::new(APPID)
        .deliver(&url, "C2C.CallbackBeforeSendMsg", &before_send("hi"), Signing::Unsigned)
        .await
        .expect("delivered");
    assert_eq!((r.status, r.error_code()), (200, Some(7)), "unsigned only by explicit choice");
    assert_eq!(seen.calls.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn requests_that_are_not_what_they_claim_are_refused_before_the_handler() {
    let (url, seen) = serve(Callbacks::new(APPID).token(TOKEN), Duration::ZERO, false).await;
    let t = now();
    // The query says one command, the body another; or the body has none (`{}`).
    let (status, body) = post(&url, &query("C2C.CallbackBeforeSendMsg", t), after_send().to_string()).await;
    assert_eq!((status, body["ErrorInfo"].as_str()), (400, Some("CallbackCommand mismatch")));
    let (status, _) = post(&url, &query("C2C.CallbackBeforeSendMsg", t), "{}").await;
    assert_eq!(status, 400);
    // A security parameter given twice: a proxy reading the first value sees another request.
    for dup in ["&Sign=00", "&RequestTime=1", "&SdkAppid=1", "&CallbackCommand=Group.CallbackAfterCreateGroup"] {
        let q = format!("{}{dup}", query("C2C.CallbackBeforeSendMsg", t));
        let (status, _) = post(&url, &q, before_send("hi").to_string()).await;
        assert_eq!(status, 400, "{dup}");
    }
    assert_eq!(seen.calls.load(Ordering::SeqCst), 0);
    // The same request is accepted once; the same query with another body is not a replay (the
    // signature does not cover the body: see the replay guard's documentation).
    let q = query("C2C.CallbackBeforeSendMsg", t);
    let (first, _) = post(&url, &q, before_send("hi").to_string()).await;
    let (again, body) = post(&url, &q, before_send("hi").to_string()).await;
    let (other, _) = post(&url, &q, before_send("another body").to_string()).await;
    assert_eq!((first, again, other), (200, 409, 200));
    assert_eq!(body["ErrorInfo"], "request already received");
    assert_eq!(seen.calls.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn refusal_bodies_say_nothing_about_the_app_or_its_clock() {
    let (url, _) = serve(Callbacks::new(APPID).token(TOKEN), Duration::ZERO, false).await;
    for signing in [Signing::Stale, Signing::WrongToken, Signing::Unsigned] {
        let r = CallbackSender::new(APPID)
            .token(TOKEN)
            .deliver(&url, "C2C.CallbackBeforeSendMsg", &before_send("hi"), signing)
            .await
            .expect("delivered");
        let text = String::from_utf8_lossy(&r.body).into_owned();
        assert_eq!(r.status, 403);
        assert!(!text.contains(&APPID.to_string()) && !text.contains(&now().to_string()[..6]), "{text}");
    }
    let r = CallbackSender::new(APPID + 1)
        .token(TOKEN)
        .deliver(&url, "C2C.CallbackBeforeSendMsg", &before_send("hi"), Signing::Token)
        .await
        .expect("delivered");
    let text = String::from_utf8_lossy(&r.body).into_owned();
    assert!(!text.contains(&APPID.to_string()) && !text.contains(&(APPID + 1).to_string()), "{text}");
}

#[tokio::test]
async fn a_body_over_the_limit_is_refused_without_reaching_the_handler() {
    let (url, seen) = serve(Callbacks::new(APPID).token(TOKEN).max_body(64 * 1024), Duration::ZERO, false).await;
    let mut big = before_send("x");
    big["MsgBody"][0]["MsgContent"]["Text"] = Value::from("x".repeat(2 * 1024 * 1024));
    let (status, body) = post(&url, &query("C2C.CallbackBeforeSendMsg", now()), big.to_string()).await;
    assert_eq!((status, body["ErrorInfo"].as_str()), (413, Some("body too large")));
    // Without a valid query the body is not read at all: the refusal is about the query.
    let (status, _) = post(&url, "SdkAppid=1&CallbackCommand=C2C.CallbackBeforeSendMsg", big.to_string()).await;
    assert_eq!(status, 403);
    assert_eq!(seen.calls.load(Ordering::SeqCst), 0);
    // `handle` itself applies the limit too (the default is 1 MiB).
    let c = Callbacks::new(APPID).token(TOKEN);
    let r = c.handle(&query("C2C.CallbackBeforeSendMsg", now()), big.to_string().as_bytes(), |_| async { Answer::ok() }).await;
    assert_eq!(r.status, 413);
}

#[tokio::test]
async fn the_deadline_holds_for_undecodable_events_and_before_handlers_are_cancelled() {
    let callbacks = Callbacks::new(APPID).token(TOKEN).deadline(Duration::from_millis(200));
    let (url, seen) = serve(callbacks, Duration::from_secs(2), false).await;
    let im = CallbackSender::new(APPID).token(TOKEN);
    // An undecodable body (not an object): the default answer, at the deadline, while the handler sleeps.
    let r = im.deliver_raw(&url, "C2C.CallbackBeforeSendMsg", "[1, 2]".into(), Signing::Token).await.expect("delivered");
    assert_eq!((r.status, r.error_code()), (200, Some(0)));
    assert_eq!(seen.finished.load(Ordering::SeqCst), 0, "answered before the handler finished");
    // A "before" handler that overruns: answered with the default, then cancelled (it never finishes).
    let r = im.deliver(&url, "C2C.CallbackBeforeSendMsg", &before_send("hi"), Signing::Token).await.expect("delivered");
    assert_eq!((r.status, r.error_code()), (200, Some(0)));
    assert!(eventually(|| seen.calls.load(Ordering::SeqCst) == 2).await);
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert_eq!(seen.finished.load(Ordering::SeqCst), 1, "only the undecodable event's handler (an after-kind receipt) ran on");
}

#[tokio::test]
async fn after_handlers_run_on_past_the_deadline_up_to_the_limit() {
    let callbacks = Callbacks::new(APPID).token(TOKEN).deadline(Duration::from_millis(100)).late_handlers(1);
    let (url, seen) = serve(callbacks, Duration::from_millis(600), false).await;
    let im = CallbackSender::new(APPID).token(TOKEN);
    let mut second = after_send();
    second["MsgSeq"] = Value::from(2);
    let r1 = im.deliver(&url, "C2C.CallbackAfterSendMsg", &after_send(), Signing::Token).await.expect("delivered");
    let r2 = im.deliver(&url, "C2C.CallbackAfterSendMsg", &second, Signing::Token).await.expect("delivered");
    assert_eq!((r1.status, r1.error_code(), r2.status, r2.error_code()), (200, Some(0), 200, Some(0)), "receipts at the deadline");
    assert_eq!(seen.finished.load(Ordering::SeqCst), 0);
    assert!(eventually(|| seen.finished.load(Ordering::SeqCst) == 1).await, "the first handler ran on to its end");
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert_eq!(seen.finished.load(Ordering::SeqCst), 1, "the second was over the limit of late handlers: cancelled");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_handler_that_blocks_its_thread_cannot_hold_the_answer_back() {
    let callbacks = Callbacks::new(APPID).token(TOKEN).deadline(Duration::from_millis(200));
    let (url, seen) = serve(callbacks, Duration::from_secs(2), true).await;
    let r = CallbackSender::new(APPID)
        .token(TOKEN)
        .deliver(&url, "C2C.CallbackBeforeSendMsg", &before_send("hi"), Signing::Token)
        .await
        .expect("delivered");
    assert_eq!((r.status, r.error_code()), (200, Some(0)), "the default, at the deadline");
    assert_eq!(seen.finished.load(Ordering::SeqCst), 0, "the blocking handler was still running");
}

#[tokio::test]
async fn the_handler_can_tell_a_corrected_event() {
    let (url, seen) = serve(Callbacks::new(APPID).token(TOKEN), Duration::ZERO, false).await;
    let mut drifted = before_send("hi");
    drifted["MsgTime"] = Value::from("1557481126");
    let r = CallbackSender::new(APPID)
        .token(TOKEN)
        .deliver(&url, "C2C.CallbackBeforeSendMsg", &drifted, Signing::Token)
        .await
        .expect("delivered");
    assert_eq!(r.error_code(), Some(7));
    assert!(seen.corrected.load(Ordering::SeqCst));
}

#[derive(Clone)]
struct AppState {
    name: &'static str,
}

#[tokio::test]
async fn the_route_merges_into_an_application_with_its_own_state() {
    let routes =
        tim_rest::callbacks::axum::router("/im/callback", Callbacks::new(APPID).token(TOKEN), |_: Incoming<Event>| async { Answer::ok() });
    let app: axum::Router<AppState> = axum::Router::new()
        .route("/name", axum::routing::get(|axum::extract::State(s): axum::extract::State<AppState>| async move { s.name }))
        .merge(routes);
    let app = app.with_state(AppState { name: "my-app" });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    tokio::spawn(async move { axum::serve(listener, app).await });
    let name = reqwest::get(format!("{base}/name")).await.expect("get").text().await.expect("text");
    assert_eq!(name, "my-app");
    let r = CallbackSender::new(APPID)
        .token(TOKEN)
        .deliver(&format!("{base}/im/callback"), "C2C.CallbackBeforeSendMsg", &before_send("hi"), Signing::Token)
        .await
        .expect("delivered");
    assert_eq!((r.status, r.error_code()), (200, Some(0)));
}

#[tokio::test]
async fn accepted_callbacks_log_their_command_and_refusals_the_command_and_the_reason() {
    let (logs, _guard) = capture(tracing::Level::DEBUG);
    let c = Callbacks::new(APPID).token(TOKEN);
    let body = before_send("hi").to_string();
    let ok = c.handle(&query("C2C.CallbackBeforeSendMsg", now()), body.as_bytes(), |_| async { Answer::ok() }).await;
    let bad = c.handle(&query("C2C.CallbackBeforeSendMsg", now() - 3600), body.as_bytes(), |_| async { Answer::ok() }).await;
    assert_eq!((ok.status, bad.status), (200, 403));
    let text = logs.text();
    assert!(text.contains("DEBUG") && text.contains("callback accepted") && text.contains("C2C.CallbackBeforeSendMsg"), "{text}");
    assert!(text.contains("WARN") && text.contains("callback refused") && text.contains("outside the window"), "{text}");
    assert!(!text.contains(TOKEN), "the token never reaches the logs");
}

#[test]
fn unusable_union_elements_are_kept_in_events_and_replies() {
    // A message element without MsgType (or with a null one) is kept whole, not dropped.
    let mut body = before_send("hi");
    body["MsgBody"] = json!([{"MsgContent": {"Text": "no tag"}}, {"MsgType": null, "MsgContent": {}}, {"MsgType": "TIMTextElem", "MsgContent": {"Text": "ok"}}]);
    let Some(Ok((Event::C2cBeforeSendMsg(m), _))) =
        <Event as tim_rest::callbacks::EventSet>::decode("C2C.CallbackBeforeSendMsg", body.to_string().as_bytes())
    else {
        panic!("decodes")
    };
    assert_eq!(m.msg_body.len(), 3);
    assert!(matches!(&m.msg_body[0], MsgElement::Untagged(v) if v["MsgContent"]["Text"] == "no tag"));
    assert!(matches!(&m.msg_body[1], MsgElement::Untagged(_)));
    // In a REST reply too (group history), with another value drifting next to it.
    let reply = json!({"ActionStatus": "OK", "ErrorCode": 0, "GroupId": "@TGS#1", "IsFinished": 1, "RspMsgList": [
        {"From_Account": "a", "IsPlaceMsg": 0, "MsgBody": [{"MsgContent": {"Text": "kept"}}], "MsgRandom": 1, "MsgSeq": "9", "MsgTimeStamp": 1}
    ]});
    let d =
        tim_rest::envelope::decode::<tim_rest::group_open_http_svc::GroupMsgGetSimpleResponse>("g", 200, reply.to_string().into(), false)
            .expect("decodes");
    assert!(matches!(&d.value.rsp_msg_list[0].msg_body[0], MsgElement::Untagged(v) if v["MsgContent"]["Text"] == "kept"));
    assert_eq!(d.value.rsp_msg_list[0].msg_seq, 9);
}
