//! Real calls over HTTP to the local server on 127.0.0.1: the exact URL and body the client sends, and
//! the typed error each kind of bad reply gives.

use crate::support::{APPID, KEY, server};
use std::time::Duration;
use tim_rest::config_svc::GetIpListRequest;
use tim_rest::im_open_login_svc::{AccountCheckItem, AccountCheckRequest, KickRequest};
use tim_rest::mock::{MockServer, Reply};
use tim_rest::openim::SendMsgRequest;
use tim_rest::types::{MsgElement, TextElem};
use tim_rest::{Error, ErrorClass, ItemResults};

#[tokio::test]
async fn url_query_and_body_are_exactly_the_documented_format() {
    let srv = MockServer::start(APPID, "admin@ops team", KEY).await.expect("bind");
    let client = srv.client_builder().build().expect("client");
    let req = SendMsgRequest::new("bob", vec![MsgElement::Text(TextElem::new("hi"))]).msg_random(7);
    let reply = client.openim().send_msg(&req).await.expect("the example reply decodes");
    assert!(reply.msg_time > 0);

    let rec = &srv.requests()[0];
    assert_eq!(rec.method, "POST");
    assert_eq!(rec.path, "/v4/openim/sendmsg");
    let names: Vec<&str> = rec.query.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(names, ["sdkappid", "identifier", "usersig", "random", "contenttype"]);
    assert_eq!(rec.param("sdkappid"), Some("1400000000"));
    assert_eq!(rec.param("identifier"), Some("admin@ops team"));
    assert!(rec.raw_query.contains("identifier=admin%40ops%20team&"), "values are percent-encoded: {}", rec.raw_query);
    assert!(rec.param("random").expect("random").parse::<u32>().is_ok());
    assert_eq!(rec.param("contenttype"), Some("json"));
    assert_eq!(rec.answered_code, Some(0), "the server verified the UserSig");
    let body: serde_json::Value = serde_json::from_slice(&rec.body).expect("JSON body");
    assert_eq!(
        body,
        serde_json::json!({"To_Account": "bob", "MsgRandom": 7, "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "hi"}}]})
    );
    let typed: &SendMsgRequest = rec.request().expect("decoded into the request type");
    assert_eq!(typed, &req);
}

#[tokio::test]
async fn call_futures_are_send_and_outlive_the_service_handle() {
    fn spawnable<F: std::future::Future + Send + 'static>(f: F) -> tokio::task::JoinHandle<F::Output>
    where
        F::Output: Send,
    {
        tokio::spawn(f)
    }
    let srv = server().await;
    let client = std::sync::Arc::new(srv.client_builder().build().expect("client"));
    // The handle returned by `openim()` is a temporary; the futures borrow only the client and the
    // requests, so they can be kept and joined after it is gone.
    let (a, b) = (SendMsgRequest::new("bob", vec![]), SendMsgRequest::new("carol", vec![]));
    let first = client.openim().send_msg(&a);
    let second = client.openim().send_msg(&b);
    let (first, second) = tokio::join!(first, second);
    assert!(first.is_ok() && second.is_ok());
    // And they can be spawned onto a multi-threaded runtime.
    let task = spawnable({
        let client = client.clone();
        async move { client.openim().send_msg(&SendMsgRequest::new("dave", vec![])).await }
    });
    assert!(task.await.expect("task ran").is_ok());
    assert_eq!(srv.requests().len(), 3);
}

#[tokio::test]
async fn online_status_reads_the_key_either_way_the_docs_spell_it() {
    use tim_rest::openim::{OnlineStatus, QueryOnlineStatusRequest};
    let srv = server().await;
    let client = srv.client_builder().build().expect("client");
    // The zh page's key (`Status`), then the English page's (`State`, as the old querystate used).
    for key in ["Status", "State"] {
        let body = serde_json::json!({
            "ActionStatus": "OK", "ErrorCode": 0, "ErrorInfo": "",
            "QueryResult": [{"To_Account": "id1", key: "PushOnline",
                             "Detail": [{"Platform": "IPhone", "Status": "PushOnline"}]}]
        });
        srv.push_reply("openim", "query_online_status", Reply::Json(body));
        let reply = client.openim().query_online_status(&QueryOnlineStatusRequest::new(["id1"])).await.expect(key);
        assert_eq!(reply.query_result[0].status, OnlineStatus::PushOnline, "read from `{key}`");
        assert_eq!(reply.query_result[0].detail[0].platform.as_str(), "IPhone", "unknown platform spellings are kept");
    }
}

#[tokio::test]
async fn an_empty_request_sends_an_empty_object() {
    let srv = server().await;
    let client = srv.client_builder().build().expect("client");
    client.config_svc().get_ip_list(&GetIpListRequest::new()).await.expect("example reply");
    let rec = &srv.requests()[0];
    assert_eq!(rec.path, "/v4/ConfigSvc/GetIPList");
    assert_eq!(&rec.body[..], b"{}");
}

#[tokio::test]
async fn the_admin_sig_is_made_once_and_reused() {
    let srv = server().await;
    let client = srv.client_builder().build().expect("client");
    let clone = client.clone();
    client.im_open_login_svc().kick(&KickRequest::new("a")).await.expect("ok");
    clone.im_open_login_svc().kick(&KickRequest::new("b")).await.expect("ok");
    let recs = srv.requests();
    assert_eq!(recs[0].param("usersig"), recs[1].param("usersig"), "no signing per call");
    assert_ne!(recs[0].param("random"), recs[1].param("random"), "random is fresh per call");
}

#[tokio::test]
async fn a_fail_reply_is_a_service_error_with_code_meaning_and_class() {
    let srv = server().await;
    let client = srv.client_builder().build().expect("client");
    srv.push_reply(
        "im_open_login_svc",
        "kick",
        Reply::Json(serde_json::json!({
            "ActionStatus": "FAIL", "ErrorCode": 60007, "ErrorInfo": "too many", "RequestId": "req-1"
        })),
    );
    let err = client.im_open_login_svc().kick(&KickRequest::new("a")).await.expect_err("FAIL");
    let svc = err.as_service().expect("service error");
    assert_eq!(svc.code, 60007);
    assert_eq!(svc.info, "too many");
    assert_eq!(svc.request_id.as_deref(), Some("req-1"));
    assert_eq!(svc.endpoint, "im_open_login_svc/kick");
    assert_eq!(svc.class(), ErrorClass::Retry);
    assert!(svc.meaning().is_some());
    assert!(err.not_applied());
    assert!(err.to_string().contains("60007"));
}

#[tokio::test]
async fn a_partial_failure_returns_every_item() {
    let srv = server().await;
    let client = srv.client_builder().build().expect("client");
    srv.push_reply(
        "im_open_login_svc",
        "account_check",
        Reply::Json(serde_json::json!({
            "ActionStatus": "OK", "ErrorCode": 0, "ErrorInfo": "",
            "ResultItem": [
                {"UserID": "a", "ResultCode": 0, "ResultInfo": "", "AccountStatus": "Imported"},
                {"UserID": "b", "ResultCode": 70107, "ResultInfo": "not found", "AccountStatus": "NotImported"}
            ]
        })),
    );
    let req = AccountCheckRequest::new(vec![AccountCheckItem::new("a"), AccountCheckItem::new("b")]);
    let resp = client.im_open_login_svc().account_check(&req).await.expect("OK reply");
    assert_eq!(resp.item_results().len(), 2);
    let failures = resp.failures();
    assert_eq!(failures.len(), 1);
    assert_eq!((failures[0].id, failures[0].code, failures[0].info), (Some("b"), Some(70107), Some("not found")));
}

#[tokio::test]
async fn an_html_502_page_is_an_http_error_with_the_body() {
    let srv = server().await;
    let client = srv.client_builder().build().expect("client");
    srv.push_fault(Reply::bad_gateway());
    let err = client.im_open_login_svc().kick(&KickRequest::new("a")).await.expect_err("502");
    match &err {
        Error::Http { status, body, endpoint } => {
            assert_eq!(*status, 502);
            assert_eq!(*endpoint, "im_open_login_svc/kick");
            assert!(String::from_utf8_lossy(body).contains("502 Bad Gateway"));
        }
        other => panic!("expected Error::Http, got {other:?}"),
    }
}

#[tokio::test]
async fn a_body_cut_short_is_no_response() {
    let srv = server().await;
    let client = srv.client_builder().build().expect("client");
    srv.push_fault(Reply::Example.truncated());
    let err = client.im_open_login_svc().kick(&KickRequest::new("a")).await.expect_err("truncated");
    assert!(matches!(err, Error::NoResponse { .. }), "{err:?}");
}

#[tokio::test]
async fn truncated_json_is_a_decode_error_keeping_the_raw_body() {
    let srv = server().await;
    let client = srv.client_builder().build().expect("client");
    let half = br#"{"ActionStatus": "OK", "ErrorCode": 0, "Err"#;
    srv.push_fault(Reply::Raw { status: 200, content_type: "application/json".into(), body: bytes::Bytes::from_static(half) });
    let err = client.im_open_login_svc().kick(&KickRequest::new("a")).await.expect_err("bad JSON");
    match &err {
        Error::Decode { body, .. } => assert_eq!(&body[..], half),
        other => panic!("expected Error::Decode, got {other:?}"),
    }
    assert_eq!(err.body(), Some(&half[..]));
}

#[tokio::test]
async fn a_payload_that_does_not_fit_is_corrected_or_in_strict_mode_a_decode_error() {
    let srv = server().await;
    let bad = serde_json::json!({"ActionStatus": "OK", "ErrorCode": 0, "MsgTime": "not a number", "MsgKey": "k"});
    // Tolerant (the default): the message was sent, so the reply must not fail; MsgTime is zero-filled
    // and the correction names the path.
    let client = srv.client_builder().build().expect("client");
    srv.push_reply("openim", "sendmsg", Reply::Json(bad.clone()));
    let reply = client.call_raw(&SendMsgRequest::new("b", vec![])).await.expect("corrected");
    assert_eq!((reply.value.msg_time, reply.value.msg_key.as_deref()), (0, Some("k")));
    let shown: Vec<String> = reply.corrections.iter().map(ToString::to_string).collect();
    assert_eq!(shown, vec!["MsgTime: string where integer was expected; filled with the zero value".to_owned()]);
    // Strict: the same reply is a decode error that names the path and keeps the body.
    let strict = srv.client_builder().strict_decoding(true).build().expect("client");
    srv.push_reply("openim", "sendmsg", Reply::Json(bad.clone()));
    let err = strict.openim().send_msg(&SendMsgRequest::new("b", vec![])).await.expect_err("strict");
    assert!(matches!(err, Error::Decode { .. }), "{err:?}");
    assert!(err.to_string().contains("MsgTime: string where integer was expected"), "{err}");
    assert_eq!(err.body().map(|b| serde_json::from_slice::<serde_json::Value>(b).ok()), Some(Some(bad)));
}

#[tokio::test]
async fn a_reply_slower_than_the_timeout_is_a_timeout() {
    let srv = server().await;
    let client = srv.client_builder().timeout(Duration::from_millis(200)).build().expect("client");
    srv.push_fault(Reply::Example.delayed(Duration::from_secs(3)));
    let err = client.im_open_login_svc().kick(&KickRequest::new("a")).await.expect_err("slow");
    assert!(matches!(err, Error::Timeout { endpoint: "im_open_login_svc/kick", .. }), "{err:?}");
}

#[tokio::test]
async fn a_dropped_connection_is_no_response() {
    let srv = server().await;
    let client = srv.client_builder().build().expect("client");
    srv.push_fault(Reply::Drop);
    let err = client.im_open_login_svc().kick(&KickRequest::new("a")).await.expect_err("dropped");
    assert!(matches!(err, Error::NoResponse { .. }), "{err:?}");
}

#[tokio::test]
async fn nothing_listening_is_connect_not_sent() {
    let srv = server().await;
    let url = srv.base_url();
    drop(srv);
    tokio::time::sleep(Duration::from_millis(50)).await;
    let client = tim_rest::Client::builder(APPID, "administrator")
        .secret_key(KEY)
        .base_url(url)
        .allow_insecure_http(true)
        .retry_policy(tim_rest::RetryPolicy::none())
        .build()
        .expect("client");
    let err = client.im_open_login_svc().kick(&KickRequest::new("a")).await.expect_err("refused");
    assert!(matches!(err, Error::Connect { .. }), "{err:?}");
    assert!(err.not_applied());
}

#[tokio::test]
async fn the_server_checks_the_signature_and_admin() {
    let srv = server().await;
    let wrong_key = tim_rest::Client::builder(APPID, "administrator")
        .secret_key("not the key")
        .base_url(srv.base_url())
        .allow_insecure_http(true)
        .retry_policy(tim_rest::RetryPolicy::none())
        .build()
        .expect("client");
    let err = wrong_key.im_open_login_svc().kick(&KickRequest::new("a")).await.expect_err("bad sig");
    assert_eq!(err.code(), Some(70009));
    let not_admin = tim_rest::Client::builder(APPID, "someone")
        .secret_key(KEY)
        .base_url(srv.base_url())
        .allow_insecure_http(true)
        .retry_policy(tim_rest::RetryPolicy::none())
        .build()
        .expect("client");
    assert_eq!(not_admin.im_open_login_svc().kick(&KickRequest::new("a")).await.expect_err("not admin").code(), Some(60010));
}

#[tokio::test]
async fn plain_http_needs_an_explicit_opt_in() {
    let err =
        tim_rest::Client::builder(APPID, "administrator").secret_key(KEY).base_url("http://127.0.0.1:1").build().expect_err("http refused");
    assert!(matches!(err, Error::Build(_)));
    let err = tim_rest::Client::builder(APPID, "administrator").build().expect_err("no credentials");
    assert!(matches!(err, Error::Build(_)));
}

#[tokio::test]
async fn errors_and_debug_output_never_show_secrets() {
    let srv = server().await;
    let client = srv.client_builder().timeout(Duration::from_millis(200)).build().expect("client");
    srv.push_fault(Reply::Drop);
    srv.push_fault(Reply::Example.delayed(Duration::from_secs(2)));
    srv.push_fault(Reply::bad_gateway());
    srv.push_fault(Reply::fail(70001, "expired"));
    let mut shown = vec![format!("{client:?}")];
    for _ in 0..4 {
        let err = client.im_open_login_svc().kick(&KickRequest::new("a")).await.expect_err("fault");
        shown.push(format!("{err}"));
        shown.push(format!("{err:?}"));
        let mut source = std::error::Error::source(&err);
        while let Some(s) = source {
            shown.push(format!("{s} {s:?}"));
            source = s.source();
        }
    }
    let sig = srv.requests()[0].param("usersig").expect("sig").to_owned();
    for s in &shown {
        assert!(!s.contains(KEY), "secret key leaked: {s}");
        assert!(!s.contains(&sig), "UserSig leaked: {s}");
    }
}

#[tokio::test]
async fn a_group_member_list_of_thousands_decodes() {
    use tim_rest::group_open_http_svc::GetGroupMemberInfoRequest;
    use tim_rest::types::GroupMemberRole;
    const MEMBERS: usize = 6000;
    let srv = server().await;
    let client = srv.client_builder().build().expect("client");
    let members: Vec<serde_json::Value> = (0..MEMBERS)
        .map(|i| {
            serde_json::json!({
                "Member_Account": format!("member_{i}"),
                "Role": if i == 0 { "Owner" } else if i % 1000 == 0 { "Member " } else { "Member" },
                "JoinTime": 1425976500u64 + i as u64, "MsgSeq": 1233, "MsgFlag": "AcceptAndNotify",
                "LastSendMsgTime": 1425976500, "ShutUpUntil": 0,
                "AppMemberDefinedData": [{"Key": "level", "Value": format!("{}", i % 7)}],
                "FieldFromTheFuture": {"nested": [1, 2, 3]}
            })
        })
        .collect();
    srv.push_reply(
        "group_open_http_svc",
        "get_group_member_info",
        Reply::Json(
            serde_json::json!({"ActionStatus": "OK", "ErrorInfo": "", "ErrorCode": 0, "MemberNum": MEMBERS, "MemberList": members}),
        ),
    );
    let resp = client.group_open_http_svc().get_group_member_info(&GetGroupMemberInfoRequest::new("@TGS#big")).await.expect("decodes");
    assert_eq!(resp.member_num as usize, MEMBERS);
    assert_eq!(resp.member_list.len(), MEMBERS);
    assert_eq!(resp.member_list[0].role, Some(GroupMemberRole::Owner));
    assert_eq!(resp.member_list[1000].role, Some(GroupMemberRole::Unknown("Member ".into())), "unknown values are kept");
    assert_eq!(resp.member_list[MEMBERS - 1].member_account, format!("member_{}", MEMBERS - 1));
    assert_eq!(resp.member_list[5].join_time, Some(1425976505));
}
