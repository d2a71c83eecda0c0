//! End to end: messages sent through the REST API reach the app's own callback service (the runtime's
//! axum route, verifying the signature), which rejects, rewrites or drops them; "after" callbacks report
//! what happened.

use std::sync::{Arc, Mutex};
use std::time::Duration;
use tim_emulator::{CallbackConfig, Emulator};
use tim_rest::Client;
use tim_rest::callbacks::c2c::C2cBeforeSendMsgReply;
use tim_rest::callbacks::group::GroupBeforeSendMsgReply;
use tim_rest::callbacks::{Answer, Callbacks, Event, Incoming};
use tim_rest::error_codes::{GROUP_REJECTED_BY_CALLBACK, MSG_REJECTED_BY_CALLBACK};
use tim_rest::group_open_http_svc::{
    AddGroupMemberItem, AddGroupMemberRequest, CreateGroupMemberItem, CreateGroupRequest, DeleteGroupMemberRequest,
    GroupMsgGetSimpleRequest, SendGroupMsgRequest,
};
use tim_rest::im_open_login_svc::MultiAccountImportRequest;
use tim_rest::openim::{AdminGetRoamMsgRequest, SendMsgRequest};
use tim_rest::sns::{FriendAddItem, FriendAddRequest};
use tim_rest::types::{GroupType, MsgElement, TextElem};

const APPID: u64 = 1400000000;
const TOKEN: &str = "console-callback-token";

fn text(t: &str) -> Vec<MsgElement> {
    vec![MsgElement::Text(TextElem::new(t))]
}

fn text_of(body: &[MsgElement]) -> String {
    body.iter()
        .filter_map(|e| match e {
            MsgElement::Text(t) => Some(t.text.clone()),
            _ => None,
        })
        .collect()
}

/// The app's moderation: "banned" is rejected, "secret" is rewritten, "spam" is dropped, "custom" is
/// rejected with a custom code. Every event's command is remembered.
async fn moderation_service() -> (String, Arc<Mutex<Vec<String>>>) {
    let seen = Arc::new(Mutex::new(Vec::<String>::new()));
    let log = seen.clone();
    let callbacks = Callbacks::new(APPID).token(TOKEN);
    let app = tim_rest::callbacks::axum::router("/im", callbacks, move |incoming: Incoming<Event>| {
        let log = log.clone();
        async move {
            log.lock().expect("log").push(incoming.event.command().to_owned());
            match incoming.event {
                Event::C2cBeforeSendMsg(m) => {
                    let t = text_of(&m.msg_body);
                    if t.contains("banned") {
                        C2cBeforeSendMsgReply::reject().into()
                    } else if t.contains("secret") {
                        C2cBeforeSendMsgReply::allow().msg_body(text(&t.replace("secret", "******"))).into()
                    } else if t.contains("spam") {
                        C2cBeforeSendMsgReply::drop().into()
                    } else if t.contains("custom") {
                        C2cBeforeSendMsgReply::reject_with(120_001).info("not today").into()
                    } else {
                        Answer::ok()
                    }
                }
                Event::GroupBeforeSendMsg(m) => {
                    let t = text_of(&m.msg_body);
                    if t.contains("banned") {
                        GroupBeforeSendMsgReply::reject().into()
                    } else if t.contains("secret") {
                        GroupBeforeSendMsgReply::allow().msg_body(text(&t.replace("secret", "******"))).into()
                    } else {
                        Answer::ok()
                    }
                }
                _ => Answer::ok(),
            }
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}/im", listener.local_addr().expect("addr"));
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (url, seen)
}

async fn setup(enabled: &[&str]) -> (Emulator, Client, Arc<Mutex<Vec<String>>>) {
    let emu = Emulator::start(APPID, "administrator", "test-key").await.expect("bind");
    let client = emu.client_builder().build().expect("client");
    let r = MultiAccountImportRequest::new().accounts(["ann", "ben", "cid"]);
    client.im_open_login_svc().multi_account_import(&r).await.expect("import");
    let (url, seen) = moderation_service().await;
    emu.set_callbacks(Some(CallbackConfig::new(url, enabled.iter().copied()).expect("catalogued").token(TOKEN)));
    (emu, client, seen)
}

async fn history(client: &Client, a: &str, b: &str) -> Vec<String> {
    let page = client.openim().admin_get_roam_msg(&AdminGetRoamMsgRequest::new(a, b, 100, 0, u64::MAX / 2)).await.expect("history");
    page.msg_list.iter().map(|m| text_of(&m.msg_body)).collect()
}

#[tokio::test]
async fn a_message_the_app_rejects_is_refused_and_not_stored() {
    let (emu, client, seen) = setup(&["C2C.CallbackBeforeSendMsg", "C2C.CallbackAfterSendMsg"]).await;
    let err = client.openim().send_msg(&SendMsgRequest::new("ben", text("a banned word")).from_account("ann")).await.expect_err("rejected");
    assert_eq!(err.code(), Some(MSG_REJECTED_BY_CALLBACK));
    assert!(history(&client, "ann", "ben").await.is_empty(), "not stored");
    emu.settle().await;
    assert_eq!(*seen.lock().expect("log"), ["C2C.CallbackBeforeSendMsg"], "no after-callback for a refused message");
    let sent = emu.callbacks_sent();
    assert_eq!(sent[0].outcome, "reject");

    let err = client.openim().send_msg(&SendMsgRequest::new("ben", text("custom")).from_account("ann")).await.expect_err("custom code");
    assert_eq!(err.code(), Some(120_001));
    assert_eq!(err.as_service().map(|s| s.info.as_str()), Some("not today"));
}

#[tokio::test]
async fn a_message_the_app_rewrites_is_stored_rewritten() {
    let (emu, client, seen) = setup(&["C2C.CallbackBeforeSendMsg", "C2C.CallbackAfterSendMsg"]).await;
    client.openim().send_msg(&SendMsgRequest::new("ben", text("my secret plan")).from_account("ann")).await.expect("allowed");
    assert_eq!(history(&client, "ben", "ann").await, ["my ****** plan"]);
    // Dropped: the sender is told it was sent, nothing is stored.
    client.openim().send_msg(&SendMsgRequest::new("ben", text("spam")).from_account("ann")).await.expect("dropped looks sent");
    assert_eq!(history(&client, "ben", "ann").await.len(), 1);
    emu.settle().await;
    let seen = seen.lock().expect("log").clone();
    assert_eq!(seen.iter().filter(|c| *c == "C2C.CallbackAfterSendMsg").count(), 1, "{seen:?}");
    let after = emu.callbacks_sent().into_iter().find(|c| c.command == "C2C.CallbackAfterSendMsg").expect("after");
    assert_eq!(after.event["MsgBody"][0]["MsgContent"]["Text"], "my ****** plan");
}

#[tokio::test]
async fn group_messages_are_moderated_and_membership_changes_are_reported() {
    let enabled = [
        "Group.CallbackBeforeSendMsg",
        "Group.CallbackAfterSendMsg",
        "Group.CallbackAfterCreateGroup",
        "Group.CallbackAfterNewMemberJoin",
        "Group.CallbackAfterMemberExit",
        "Sns.CallbackFriendAdd",
        "State.StateChange",
    ];
    let (emu, client, seen) = setup(&enabled).await;
    let g = client.group_open_http_svc();
    let create = CreateGroupRequest::new(GroupType::Public, "Team")
        .group_id("team")
        .owner_account("ann")
        .member_list(vec![CreateGroupMemberItem::new("ben")]);
    g.create_group(&create).await.expect("create");
    g.add_group_member(&AddGroupMemberRequest::new("team", vec![AddGroupMemberItem::new("cid")])).await.expect("join");
    g.delete_group_member(&DeleteGroupMemberRequest::new("team", ["cid"])).await.expect("leave");

    let err = g.send_group_msg(&SendGroupMsgRequest::new("team", text("banned")).from_account("ben")).await.expect_err("rejected");
    assert_eq!(err.code(), Some(GROUP_REJECTED_BY_CALLBACK));
    g.send_group_msg(&SendGroupMsgRequest::new("team", text("the secret")).from_account("ben")).await.expect("rewritten");
    let h = g.group_msg_get_simple(&GroupMsgGetSimpleRequest::new("team", 20)).await.expect("history");
    let texts: Vec<String> = h.rsp_msg_list.iter().map(|m| text_of(&m.msg_body)).collect();
    assert_eq!(texts, ["the ******"]);

    client.sns().friend_add(&FriendAddRequest::new("ann", vec![FriendAddItem::new("ben", "AddSource_Type_Test")])).await.expect("friends");
    emu.set_online("ann", true);
    emu.settle().await;
    let seen = seen.lock().expect("log").clone();
    for cmd in enabled {
        assert!(seen.iter().any(|c| c == cmd), "{cmd} not received: {seen:?}");
    }
    let join = emu.callbacks_sent().into_iter().find(|c| c.command == "Group.CallbackAfterNewMemberJoin").expect("join");
    assert_eq!(join.event["NewMemberList"][0]["Member_Account"], "cid");
    let created = emu.callbacks_sent().into_iter().find(|c| c.command == "Group.CallbackAfterCreateGroup").expect("created");
    assert_eq!(created.event["Owner_Account"], "ann");
}

#[tokio::test]
async fn recalls_group_changes_and_relationship_changes_are_reported() {
    let enabled = [
        "C2C.CallbackAfterMsgWithDraw",
        "Group.CallbackAfterGroupInfoChanged",
        "Group.CallbackAfterRecallMsg",
        "Group.CallbackAfterGroupDestroyed",
        "Sns.CallbackFriendDelete",
        "Sns.CallbackBlackListAdd",
        "Sns.CallbackBlackListDelete",
    ];
    let (emu, client, seen) = setup(&enabled).await;
    let sent = client.openim().send_msg(&SendMsgRequest::new("ben", text("oops")).from_account("ann")).await.expect("send");
    let key = sent.msg_key.expect("key");
    client.openim().admin_msg_withdraw(&tim_rest::openim::AdminMsgWithdrawRequest::new("ann", "ben", &key)).await.expect("recall");

    let g = client.group_open_http_svc();
    g.create_group(&CreateGroupRequest::new(GroupType::Public, "Team").group_id("team").owner_account("ann")).await.expect("create");
    g.modify_group_base_info(&tim_rest::group_open_http_svc::ModifyGroupBaseInfoRequest::new("team").name("Team 2")).await.expect("rename");
    let seq = g.send_group_msg(&SendGroupMsgRequest::new("team", text("x")).from_account("ann")).await.expect("send").msg_seq;
    let recall =
        tim_rest::group_open_http_svc::GroupMsgRecallRequest::new("team", vec![tim_rest::group_open_http_svc::RecallMsgSeqItem::new(seq)]);
    g.group_msg_recall(&recall).await.expect("recall");
    g.destroy_group(&tim_rest::group_open_http_svc::DestroyGroupRequest::new("team")).await.expect("destroy");

    let s = client.sns();
    s.friend_add(&FriendAddRequest::new(
        "ann",
        vec![FriendAddItem::new("ben", "AddSource_Type_Test"), FriendAddItem::new("cid", "AddSource_Type_Test")],
    ))
    .await
    .expect("friends");
    s.friend_delete(&tim_rest::sns::FriendDeleteRequest::new("ann", ["ben"])).await.expect("unfriend");
    s.black_list_add(&tim_rest::sns::BlackListAddRequest::new("ann", ["cid"])).await.expect("block");
    s.black_list_delete(&tim_rest::sns::BlackListDeleteRequest::new("ann", ["cid"])).await.expect("unblock");
    emu.settle().await;

    let seen = seen.lock().expect("log").clone();
    for cmd in enabled {
        assert!(seen.iter().any(|c| c == cmd), "{cmd} not received: {seen:?}");
    }
    let sent = emu.callbacks_sent();
    let deletes: Vec<&tim_emulator::SentCallback> = sent.iter().filter(|c| c.command == "Sns.CallbackFriendDelete").collect();
    assert_eq!(deletes.len(), 2, "friend_delete, then the blocklist's removal of a friendship");
    assert_eq!(deletes[0].event["PairList"].as_array().map(Vec::len), Some(2), "both ways");
    let changed = sent.iter().find(|c| c.command == "Group.CallbackAfterGroupInfoChanged").expect("changed");
    assert_eq!(changed.event["Name"], "Team 2");
}

#[tokio::test]
async fn without_an_answer_in_time_the_documented_default_allows() {
    let emu = Emulator::start(APPID, "administrator", "test-key").await.expect("bind");
    let client = emu.client_builder().build().expect("client");
    let r = MultiAccountImportRequest::new().accounts(["ann", "ben"]);
    client.im_open_login_svc().multi_account_import(&r).await.expect("import");
    // A service that never answers in time.
    let app = axum::Router::new().route(
        "/slow",
        axum::routing::post(|| async {
            tokio::time::sleep(Duration::from_secs(30)).await;
            "late"
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}/slow", listener.local_addr().expect("addr"));
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    let config = CallbackConfig::new(url, ["C2C.CallbackBeforeSendMsg"]).expect("catalogued").timeout(Duration::from_millis(200));
    emu.set_callbacks(Some(config));
    client.openim().send_msg(&SendMsgRequest::new("ben", text("hello")).from_account("ann")).await.expect("allowed by default");
    assert_eq!(history(&client, "ann", "ben").await, ["hello"]);
    let sent = emu.callbacks_sent();
    assert_eq!(sent[0].outcome, "default");
    assert!(sent[0].answer.is_none());
    assert!(CallbackConfig::new("http://x", ["C2C.CallbackBeforeSendMsgs"]).is_err(), "a typo is refused");
}
