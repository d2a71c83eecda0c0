//! Over HTTP against the local server: drift reported in `tracing`, the raw reply, the untyped call,
//! extra request fields, and the ceiling on reply size.

use crate::support::{APPID, capture};
use std::time::Duration;
use tim_rest::group_open_http_svc::GetGroupMemberInfoRequest;
use tim_rest::im_open_login_svc::{AccountCheckItem, AccountCheckRequest, KickRequest};
use tim_rest::mock::{MockServer, Reply};
use tim_rest::openim::SendMsgRequest;
use tim_rest::types::{MsgElement, TextElem};
use tim_rest::{Error, RetryPolicy};

const KEY: &str = "drift-test-key";

async fn server() -> MockServer {
    MockServer::start(APPID, "administrator", KEY).await.expect("bind 127.0.0.1")
}

fn drifted_member_list() -> serde_json::Value {
    serde_json::json!({
        "ActionStatus": "OK", "ErrorCode": 0, "ErrorInfo": "",
        "MemberNum": 2,
        "MemberList": [
            {"Member_Account": "alice", "JoinTime": "1700000000", "Role": "Owner"},
            {"Member_Account": "bob", "JoinTime": 1700000001, "Role": "Member", "NewField": "hidden-value-42"}
        ]
    })
}

#[tokio::test]
async fn drift_is_corrected_and_each_correction_is_a_tracing_event_without_the_value() {
    let (logs, _guard) = capture(tracing::Level::INFO);

    let srv = server().await;
    let client = srv.client_builder().build().expect("client");
    srv.push_reply("group_open_http_svc", "get_group_member_info", Reply::Json(drifted_member_list()));
    let reply = client.group_open_http_svc().get_group_member_info(&GetGroupMemberInfoRequest::new("@TGS#1")).await.expect("corrected");
    assert_eq!(reply.member_list.len(), 2);
    assert_eq!(reply.member_list[0].join_time, Some(1_700_000_000));
    assert_eq!(reply.member_list[1].member_account, "bob");

    let text = logs.text();
    assert!(text.contains("tim_rest::drift"), "{text}");
    assert!(text.contains("group_open_http_svc/get_group_member_info"), "{text}");
    assert!(text.contains("MemberList[0].JoinTime") && text.contains("string read as integer"), "{text}");
    assert!(text.contains("MemberList[1].NewField") && text.contains("unknown key ignored"), "{text}");
    assert!(!text.contains("hidden-value-42") && !text.contains("1700000000"), "values never reach the logs: {text}");
}

#[tokio::test]
async fn the_raw_reply_keeps_what_the_catalogue_does_not_know() {
    let srv = server().await;
    let client = srv.client_builder().build().expect("client");
    srv.push_reply("group_open_http_svc", "get_group_member_info", Reply::Json(drifted_member_list()));
    let reply = client.call_raw(&GetGroupMemberInfoRequest::new("@TGS#1")).await.expect("corrected");
    let raw: serde_json::Value = serde_json::from_slice(&reply.body).expect("the raw body is the reply");
    assert_eq!(raw["MemberList"][1]["NewField"], "hidden-value-42");
    assert_eq!(reply.envelope.action_status.as_deref(), Some("OK"));
    let paths: Vec<&str> = reply.corrections.iter().map(|c| c.path.as_str()).collect();
    assert_eq!(paths, ["MemberList[0].JoinTime", "MemberList[1].NewField"]);

    // An undrifted reply takes the fast path: no corrections, and the body is still there.
    let plain = client.call_raw(&KickRequest::new("bob")).await.expect("example reply");
    assert!(plain.corrections.is_empty());
    assert!(!plain.body.is_empty());
}

#[tokio::test]
async fn strict_clients_stop_at_drift_and_name_the_path_but_decode_exact_replies() {
    let srv = server().await;
    let strict = srv.client_builder().strict_decoding(true).build().expect("client");
    srv.push_reply("group_open_http_svc", "get_group_member_info", Reply::Json(drifted_member_list()));
    let err = strict.group_open_http_svc().get_group_member_info(&GetGroupMemberInfoRequest::new("@TGS#1")).await.expect_err("drift");
    let shown = err.to_string();
    assert!(matches!(err, Error::Decode { .. }), "{err:?}");
    assert!(shown.contains("MemberList[0].JoinTime: string where the catalogue has integer"), "{shown}");
    assert!(shown.contains("MemberList[1].NewField: unknown key"), "{shown}");
    assert!(!shown.contains("ignored"), "a strict error says what is wrong, not what a tolerant read would do: {shown}");
    assert!(err.body().is_some_and(|b| !b.is_empty()), "the raw body is kept");
    // The official example reply matches the catalogue exactly.
    strict.group_open_http_svc().get_group_member_info(&GetGroupMemberInfoRequest::new("@TGS#1")).await.expect("exact");
}

#[tokio::test]
async fn the_untyped_call_signs_retries_and_unwraps_like_the_typed_ones() {
    let srv = server().await;
    let client = srv
        .client_builder()
        .retry_policy(RetryPolicy::default().max_attempts(2).backoff(Duration::from_millis(1), Duration::from_millis(2)))
        .build()
        .expect("client");
    // A catalogued command: its retry class (`safe`) lets a transient failure be repeated.
    srv.push_fault(Reply::fail(10002, "internal error"));
    let body = serde_json::json!({"CheckItem": [{"UserID": "UserID_1"}]});
    let payload = client.call_json("im_open_login_svc", "account_check", &body).await.expect("payload");
    assert!(payload.get("ActionStatus").is_none() && payload.get("ErrorCode").is_none(), "the envelope is taken out");
    assert_eq!(payload["ResultItem"][0]["UserID"], "UserID_1");
    let calls = srv.requests();
    assert_eq!(calls.len(), 2, "retried once");
    assert_eq!(calls[1].path, "/v4/im_open_login_svc/account_check");
    assert_eq!(calls[1].answered_code, Some(0), "the signature was verified");
    let sent: &AccountCheckRequest = calls[1].request().expect("decoded");
    assert_eq!(sent, &AccountCheckRequest::new(vec![AccountCheckItem::new("UserID_1")]));

    // A command the catalogue does not know: same path through the client, class `never`.
    srv.clear_requests();
    let err = client.call_json("openim", "brand_new_command", &serde_json::json!({})).await.expect_err("unknown to the mock");
    assert_eq!(err.code(), Some(60009));
    assert_eq!(err.as_service().map(|e| e.endpoint), Some("openim/brand_new_command"));
    assert_eq!(srv.requests().len(), 1);
    assert!(matches!(client.call_json("openim", "a/b", &serde_json::json!({})).await, Err(Error::Build(_))));
}

#[tokio::test]
async fn extra_request_fields_are_sent_after_the_known_ones() {
    let srv = server().await;
    let client = srv.client_builder().build().expect("client");
    let req = SendMsgRequest::new("bob", vec![MsgElement::Text(TextElem::new("hi"))])
        .msg_random(9)
        .extra_field("BrandNewFlag", 1)
        .extra_field("Note", "x");
    // The local server is strict by default: an unknown key is the 60003 JSON error.
    let err = client.openim().send_msg(&req).await.expect_err("strict server");
    assert_eq!(err.code(), Some(60003));
    srv.allow_unknown_fields(true);
    client.openim().send_msg(&req).await.expect("accepted");
    let rec = srv.requests().pop().expect("recorded");
    let text = String::from_utf8_lossy(&rec.body).into_owned();
    assert!(text.ends_with(r#","BrandNewFlag":1,"Note":"x"}"#), "{text}");
    let body: serde_json::Value = serde_json::from_slice(&rec.body).expect("valid JSON");
    assert_eq!(body["To_Account"], "bob");
    assert_eq!(rec.request::<SendMsgRequest>().map(|r| r.msg_random), Some(9));

    // A key the request already has is refused before anything is sent.
    let calls = srv.calls();
    let clash = KickRequest::new("bob").extra_field("UserID", "eve");
    assert!(matches!(client.im_open_login_svc().kick(&clash).await, Err(Error::Build(_))));
    assert_eq!(srv.calls(), calls);
    // An empty request with extras is still one JSON object.
    let empty = tim_rest::config_svc::GetIpListRequest::new().extra_field("K", true);
    client.config_svc().get_ip_list(&empty).await.expect("sent");
    assert_eq!(&srv.requests().pop().expect("recorded").body[..], br#"{"K":true}"#);
}

#[tokio::test]
async fn a_reply_larger_than_the_ceiling_is_stopped_without_reading_it_all() {
    let srv = server().await;
    let client = srv.client_builder().max_reply_bytes(256 * 1024).timeout(Duration::from_secs(30)).build().expect("client");
    // An endless body (no length): reading stops at the ceiling.
    srv.push_fault(Reply::Endless);
    let err = client.im_open_login_svc().kick(&KickRequest::new("bob")).await.expect_err("endless");
    assert!(matches!(err, Error::ReplyTooLarge { endpoint: "im_open_login_svc/kick", limit: 262_144 }), "{err:?}");
    // A body whose announced length is over the ceiling is refused before it is read.
    let big = serde_json::json!({"ActionStatus": "OK", "ErrorCode": 0, "Pad": "x".repeat(300 * 1024)});
    srv.push_fault(Reply::Json(big));
    let err = client.im_open_login_svc().kick(&KickRequest::new("bob")).await.expect_err("too large");
    assert!(matches!(err, Error::ReplyTooLarge { .. }), "{err:?}");
    // The client is still usable, and a reply under the ceiling is read.
    client.im_open_login_svc().kick(&KickRequest::new("bob")).await.expect("normal reply");
    assert_eq!(tim_rest::DEFAULT_MAX_REPLY_BYTES, 32 * 1024 * 1024);
}
