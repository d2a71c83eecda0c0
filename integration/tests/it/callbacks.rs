//! Callbacks, end to end: every official callback example decodes and re-encodes; the reply
//! constructors encode as the docs show; and over HTTP, the axum route answers what the local server's
//! [`CallbackSender`] delivers, refusing wrong app ids, bad, missing and stale signatures before any
//! handler runs.

use crate::support::{APPID, TOKEN};
use serde_json::Value;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use tim_rest::callbacks::c2c::C2cBeforeSendMsgReply;
use tim_rest::callbacks::group::GroupBeforeCreateGroupReply;
use tim_rest::callbacks::{Answer, Callbacks, Event, EventSet, Incoming};
use tim_rest::mock::{CallbackSender, Signing};
use tim_rest::types::{MsgElement, TextElem};
use tim_rest_tests::covers;

fn json(bytes: &[u8]) -> Value {
    serde_json::from_slice(bytes).expect("JSON")
}

#[test]
fn every_official_callback_example_decodes_and_reencodes_without_loss() {
    let (mut events, mut replies, mut problems) = (0, 0, Vec::new());
    for info in tim_rest::callbacks::registry() {
        for (i, ex) in info.examples.iter().enumerate() {
            let label = format!("{} example {i}", info.command);
            if let Some(text) = ex.event {
                if ex.legacy {
                    // Older pages: decoded with correction; nothing the page had is lost.
                    match Event::decode(info.command, text.as_bytes()) {
                        Some(Ok((_, corrections))) => {
                            // A field added after that page was written is filled; anything else would be a loss.
                            let lossy: Vec<_> = corrections
                                .iter()
                                .filter(|c| c.kind.is_lossy() && c.kind != tim_rest::drift::Kind::Filled(tim_rest::drift::Cause::Missing))
                                .collect();
                            if !lossy.is_empty() {
                                problems.push(format!("{label} (legacy): {lossy:?}"));
                            }
                        }
                        other => problems.push(format!("{label} (legacy) does not decode: {other:?}")),
                    }
                } else {
                    match Event::decode_strict(info.command, text.as_bytes()) {
                        Some(Ok(event)) => {
                            assert_eq!(event.command(), info.command);
                            let again = event.to_json().expect("events encode");
                            covers(&json(text.as_bytes()), &again, &format!("{label} event $"), &mut problems);
                        }
                        other => problems.push(format!("{label} event does not decode strictly: {other:?}")),
                    }
                }
                events += 1;
            }
            if let (Some(text), false) = (ex.reply, ex.legacy) {
                match (info.decode_reply)(text.as_bytes()) {
                    Ok(answer) => covers(&json(text.as_bytes()), &json(&answer.to_body()), &format!("{label} reply $"), &mut problems),
                    Err(e) => problems.push(format!("{label} reply does not decode: {e}")),
                }
                replies += 1;
            }
        }
    }
    assert!(problems.is_empty(), "{} problem(s):\n{}", problems.len(), problems.join("\n"));
    assert!(events > 50 && replies > 30, "{events} events and {replies} replies checked");
}

#[test]
fn the_registry_lists_each_callback_once_with_its_doc() {
    let mut seen = std::collections::BTreeSet::new();
    for info in tim_rest::callbacks::registry() {
        assert!(seen.insert(info.command), "{} twice", info.command);
        assert!(info.doc.starts_with("https://"), "{}", info.command);
        assert!(matches!(info.when, "before" | "after"));
    }
    assert_eq!(seen.len(), tim_rest::callbacks::CATALOGUE_CALLBACKS);
}

#[test]
fn reply_constructors_encode_as_the_docs_show() {
    let body = |a: Answer| json(&a.to_body());
    // C2C.CallbackBeforeSendMsg: the page's four replies.
    assert_eq!(body(C2cBeforeSendMsgReply::allow().into()), serde_json::json!({"ActionStatus": "OK", "ErrorInfo": "", "ErrorCode": 0}));
    assert_eq!(body(C2cBeforeSendMsgReply::reject().into()), serde_json::json!({"ActionStatus": "OK", "ErrorInfo": "", "ErrorCode": 1}));
    assert_eq!(body(C2cBeforeSendMsgReply::drop().into()), serde_json::json!({"ActionStatus": "OK", "ErrorInfo": "", "ErrorCode": 2}));
    let replaced = C2cBeforeSendMsgReply::allow()
        .msg_body(vec![MsgElement::Text(TextElem::new("red packet"))])
        .cloud_custom_data("your new cloud custom data");
    assert_eq!(
        body(replaced.into()),
        serde_json::json!({"ActionStatus": "OK", "ErrorInfo": "", "ErrorCode": 0,
            "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "red packet"}}],
            "CloudCustomData": "your new cloud custom data"})
    );
    // A custom code from the documented range, with the message passed on to the client.
    let custom = C2cBeforeSendMsgReply::reject_with(120_001).info("not allowed here");
    assert_eq!(body(custom.into()), serde_json::json!({"ActionStatus": "OK", "ErrorInfo": "not allowed here", "ErrorCode": 120001}));
    assert_eq!(body(GroupBeforeCreateGroupReply::reject().into())["ErrorCode"], 1);
    // What the server does without an answer: allow.
    assert_eq!(Event::default_answer("C2C.CallbackBeforeSendMsg").code, 0);
    assert_eq!(Event::default_answer("Unknown.Command").code, 0);
}

fn message(text: &str) -> Value {
    serde_json::json!({
        "CallbackCommand": "C2C.CallbackBeforeSendMsg", "From_Account": "alice", "To_Account": "bob",
        "MsgSeq": 1, "MsgRandom": 2, "MsgTime": 1557481126, "MsgKey": "1_2_1557481126", "OnlineOnlyFlag": 0,
        "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": text}}]
    })
}

/// Serves `callbacks` with a handler that counts its calls and rejects messages containing "spam".
async fn serve(callbacks: Callbacks, slow: bool) -> (String, Arc<AtomicUsize>) {
    let calls = Arc::new(AtomicUsize::new(0));
    let seen = calls.clone();
    let app = tim_rest::callbacks::axum::router("/cb", callbacks, move |incoming: Incoming<Event>| {
        let seen = seen.clone();
        async move {
            seen.fetch_add(1, Ordering::SeqCst);
            if slow {
                tokio::time::sleep(Duration::from_secs(5)).await;
            }
            match incoming.event {
                Event::C2cBeforeSendMsg(m) => {
                    let spam = m.msg_body.iter().any(|e| matches!(e, MsgElement::Text(t) if t.text.contains("spam")));
                    if spam { C2cBeforeSendMsgReply::reject().into() } else { C2cBeforeSendMsgReply::allow().into() }
                }
                _ => Answer::code(7),
            }
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}/cb", listener.local_addr().expect("addr"));
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, calls)
}

#[tokio::test]
async fn the_axum_route_answers_signed_callbacks_and_refuses_the_rest_before_the_handler() {
    let (url, calls) = serve(Callbacks::new(APPID).token(TOKEN), false).await;
    let im = CallbackSender::new(APPID).token(TOKEN);
    let spam = im.deliver(&url, "C2C.CallbackBeforeSendMsg", &message("spam!"), Signing::Token).await.expect("delivered");
    assert_eq!((spam.status, spam.error_code()), (200, Some(1)));
    let fine = im.deliver(&url, "C2C.CallbackBeforeSendMsg", &message("hi"), Signing::Token).await.expect("delivered");
    assert_eq!((fine.status, fine.error_code()), (200, Some(0)));
    assert_eq!(calls.load(Ordering::SeqCst), 2);
    assert!(fine.query.contains("Sign=") && fine.query.contains("RequestTime="));

    for (sender, signing, what) in [
        (CallbackSender::new(APPID + 1).token(TOKEN), Signing::Token, "another app id"),
        (im.clone(), Signing::WrongToken, "a wrong signature"),
        (im.clone(), Signing::Unsigned, "no signature"),
        (im.clone(), Signing::Stale, "a replayed request"),
    ] {
        let r = sender.deliver(&url, "C2C.CallbackBeforeSendMsg", &message("hi"), signing).await.expect("delivered");
        assert_eq!(r.status, 403, "{what}: {}", String::from_utf8_lossy(&r.body));
    }
    assert_eq!(calls.load(Ordering::SeqCst), 2, "no handler ran for a refused request");
}

#[tokio::test]
async fn overruns_undecodable_and_unknown_callbacks_are_answered() {
    let (url, calls) = serve(Callbacks::new(APPID).unsigned().deadline(Duration::from_millis(100)), true).await;
    let im = CallbackSender::new(APPID);
    // The handler sleeps past the deadline: the documented default (allow) goes back in time.
    let started = std::time::Instant::now();
    let r = im.deliver(&url, "C2C.CallbackBeforeSendMsg", &message("spam"), Signing::Unsigned).await.expect("delivered");
    assert_eq!((r.status, r.error_code()), (200, Some(0)));
    assert!(started.elapsed() < Duration::from_secs(5));
    // A body that is not a JSON object: the default answer, and the app still sees it (raw).
    let raw = im.deliver_raw(&url, "C2C.CallbackBeforeSendMsg", "[1,2]".into(), Signing::Unsigned).await.expect("delivered");
    assert_eq!((raw.status, raw.error_code()), (200, Some(0)));
    // A command the catalogue does not know reaches the handler as `Event::Unknown`.
    let (url2, _) = serve(Callbacks::new(APPID).unsigned(), false).await;
    let unknown = im
        .deliver(
            &url2,
            "Future.CallbackSomething",
            &serde_json::json!({"CallbackCommand": "Future.CallbackSomething", "A": 1}),
            Signing::Unsigned,
        )
        .await
        .expect("delivered");
    assert_eq!(unknown.error_code(), Some(7));
    assert!(calls.load(Ordering::SeqCst) >= 2);
}

#[test]
fn events_that_drift_still_decode() {
    let mut body = message("hi");
    body["MsgTime"] = Value::from("1557481126");
    body["Brand_New"] = Value::from(true);
    let Some(Ok((Event::C2cBeforeSendMsg(m), corrections))) = Event::decode("C2C.CallbackBeforeSendMsg", body.to_string().as_bytes())
    else {
        panic!("decodes")
    };
    assert_eq!(m.msg_time, 1557481126);
    let shown: Vec<String> = corrections.iter().map(ToString::to_string).collect();
    assert_eq!(shown, ["Brand_New: unknown key ignored", "MsgTime: string read as integer"]);
}
