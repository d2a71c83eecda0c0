//! Scripted replies of the local server: addressed by request type or by a checked wire name, queued per
//! command, reported when unused; and replies for commands outside the catalogue.

use tim_rest::im_open_login_svc::{AccountCheckItem, AccountCheckRequest, KickRequest};
use tim_rest::mock::{MockServer, Reply};
use tim_rest::openim::{SendMsgRequest, SendMsgResponse};
use tim_rest::types::{MsgElement, TextElem};

use crate::support::{APPID, server};

fn hello() -> SendMsgRequest {
    SendMsgRequest::new("bob", vec![MsgElement::Text(TextElem::new("hello"))])
}

#[tokio::test]
async fn replies_scripted_by_request_type_answer_only_their_command_in_order() {
    let srv = server().await;
    let client = srv.client_builder().build().expect("client");
    srv.on::<SendMsgRequest>().fail(20003, "to account invalid").ok(&SendMsgResponse::new(1234));
    srv.on::<KickRequest>().always(Reply::fail(70107, "not imported"));

    // Another command is not affected by the send's queue.
    let check = client.im_open_login_svc().account_check(&AccountCheckRequest::new(vec![AccountCheckItem::new("a")])).await;
    assert!(check.is_ok(), "{check:?}");
    let first = client.openim().send_msg(&hello()).await.expect_err("the first scripted reply");
    assert_eq!(first.code(), Some(20003));
    let second = client.openim().send_msg(&hello()).await.expect("the second scripted reply");
    assert_eq!(second.msg_time, 1234);
    let third = client.openim().send_msg(&hello()).await.expect("then the example reply");
    assert_ne!(third.msg_time, 1234);
    for _ in 0..2 {
        let kicked = client.im_open_login_svc().kick(&KickRequest::new("x")).await.expect_err("always");
        assert_eq!(kicked.code(), Some(70107));
    }
    assert!(srv.unused().is_empty(), "{:?}", srv.unused());
    srv.assert_all_used();
}

#[tokio::test]
async fn an_unknown_wire_name_fails_at_once_with_the_closest_names() {
    let srv = server().await;
    let err = srv.on_command("openim", "sendmgs").expect_err("a typo");
    assert_eq!(err.closest.first().map(String::as_str), Some("openim/sendmsg"));
    assert!(err.to_string().contains("openim/sendmsg"), "{err}");
    let err = srv.on_command("openim", "create_group").expect_err("wrong service");
    assert!(err.closest.contains(&"group_open_http_svc/create_group".to_owned()), "{err}");
    let ok = srv.on_command("openim", "sendmsg").expect("catalogued");
    assert_eq!(ok.command(), "openim/sendmsg");
    assert!(srv.on_uncatalogued("openim", "sendmsg").is_err(), "a catalogued command keeps its typed checks");
}

#[tokio::test]
#[should_panic(expected = "push_reply: `openim/sendmgs` is not a catalogued command")]
async fn the_old_wire_name_methods_panic_on_an_unknown_name() {
    let srv = server().await;
    srv.push_reply("openim", "sendmgs", Reply::Example);
}

#[tokio::test]
async fn unused_replies_are_listed_and_clear_forgets_them() {
    let srv = server().await;
    let client = srv.client_builder().build().expect("client");
    srv.on::<SendMsgRequest>().times(2, Reply::fail(20003, "x"));
    srv.on::<KickRequest>().always(Reply::Example);
    srv.push_fault(Reply::bad_gateway());
    let _ = client.openim().send_msg(&hello()).await; // takes the fault, not the send's queue
    let unused = srv.unused();
    assert_eq!(unused.len(), 2, "{unused:?}");
    assert_eq!(unused[0].command.as_deref(), Some("im_open_login_svc/kick"));
    assert_eq!(unused[0].calls_left, None);
    assert_eq!(unused[1].command.as_deref(), Some("openim/sendmsg"));
    assert_eq!(unused[1].calls_left, Some(2));
    let listed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| srv.assert_all_used())).expect_err("panics");
    let text = listed.downcast_ref::<String>().cloned().unwrap_or_default();
    assert!(text.contains("openim/sendmsg: FAIL 20003 (2 call(s) left)"), "{text}");
    srv.clear();
    assert!(srv.unused().is_empty());
    srv.assert_all_used();
}

#[tokio::test]
async fn a_command_outside_the_catalogue_answers_its_script_for_the_untyped_call() {
    let srv = server().await;
    let client = srv.client_builder().build().expect("client");
    // Without a script: the real service's "no such command".
    let err = client.call_json("openim", "brand_new_command", &serde_json::json!({})).await.expect_err("60009");
    assert_eq!(err.code(), Some(60009));

    srv.on_uncatalogued("openim", "brand_new_command")
        .expect("not catalogued")
        .ok_json(serde_json::json!({"Answer": 42}))
        .fail(93000, "too large");
    let payload = client.call_json("openim", "brand_new_command", &serde_json::json!({"Q": 1})).await.expect("scripted");
    assert_eq!(payload["Answer"], 42);
    let err = client.call_json("openim", "brand_new_command", &serde_json::json!({})).await.expect_err("scripted failure");
    assert_eq!(err.code(), Some(93000));
    let calls = srv.requests();
    assert_eq!(calls[1].command, "brand_new_command");
    assert_eq!(calls[1].answered_code, Some(0), "the query was checked and passed");
    assert_eq!(calls[1].body.as_ref(), br#"{"Q":1}"#);
    srv.assert_all_used();

    // The protocol is still checked: a bad signature is refused before the script.
    srv.on_uncatalogued("openim", "brand_new_command").expect("not catalogued").ok_json(serde_json::json!({}));
    let other = MockServer::start(APPID, "administrator", "another key").await.expect("bind");
    let wrong = other.client_builder().base_url(srv.base_url()).build().expect("client");
    let err = wrong.call_json("openim", "brand_new_command", &serde_json::json!({})).await.expect_err("bad sig");
    assert_eq!(err.code(), Some(70009));
    assert_eq!(srv.unused().len(), 1, "the refused call did not use the script");
}
