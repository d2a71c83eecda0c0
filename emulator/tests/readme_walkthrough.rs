//! The README's walkthrough ("End-to-end tests with the emulator"), as a test: keep the two in step.

use tim_emulator::{CallbackConfig, Emulator};
use tim_rest::callbacks::group::GroupBeforeSendMsgReply;
use tim_rest::callbacks::{Answer, Callbacks, Event, Incoming};
use tim_rest::group_open_http_svc::{CreateGroupMemberItem, CreateGroupRequest, GroupMsgGetSimpleRequest, SendGroupMsgRequest};
use tim_rest::im_open_login_svc::MultiAccountImportRequest;
use tim_rest::types::{GroupType, MsgElement, TextElem};

fn text(t: &str) -> Vec<MsgElement> {
    vec![MsgElement::Text(TextElem::new(t))]
}

#[tokio::test]
async fn walkthrough() -> Result<(), Box<dyn std::error::Error>> {
    // 1. The app's own callback service: here, the runtime's axum route on a free port.
    let moderation = Callbacks::new(1400000000).token("callback-token");
    let app = tim_rest::callbacks::axum::router("/im/callback", moderation, |incoming: Incoming<Event>| async move {
        match incoming.event {
            Event::GroupBeforeSendMsg(msg) => {
                let words: String =
                    msg.msg_body.iter().filter_map(|e| if let MsgElement::Text(t) = e { Some(t.text.clone()) } else { None }).collect();
                if words.contains("spoiler") { GroupBeforeSendMsgReply::reject().into() } else { Answer::ok() }
            }
            _ => Answer::ok(),
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let callback_url = format!("http://{}/im/callback", listener.local_addr()?);
    tokio::spawn(async move { axum::serve(listener, app).await });

    // 2. The emulator, told to call it.
    let emu = Emulator::start(1400000000, "administrator", "test-secret-key").await?;
    emu.set_callbacks(Some(CallbackConfig::new(callback_url, ["Group.CallbackBeforeSendMsg"])?.token("callback-token")));
    let client = emu.client_builder().build()?;

    // 3. Accounts, a group, messages.
    let users = MultiAccountImportRequest::new().accounts(["alice", "bob"]);
    client.im_open_login_svc().multi_account_import(&users).await?;
    let group =
        CreateGroupRequest::new(GroupType::Public, "Book club").owner_account("alice").member_list(vec![CreateGroupMemberItem::new("bob")]);
    let group_id = client.group_open_http_svc().create_group(&group).await?.group_id;
    client
        .group_open_http_svc()
        .send_group_msg(&SendGroupMsgRequest::new(&group_id, text("chapter 3 tonight")).from_account("alice"))
        .await?;
    let refused =
        client.group_open_http_svc().send_group_msg(&SendGroupMsgRequest::new(&group_id, text("spoiler: ...")).from_account("bob")).await;
    assert_eq!(refused.err().and_then(|e| e.code()), Some(tim_rest::error_codes::GROUP_REJECTED_BY_CALLBACK));

    // 4. Read them back.
    let history = client.group_open_http_svc().group_msg_get_simple(&GroupMsgGetSimpleRequest::new(&group_id, 20)).await?;
    assert_eq!(history.rsp_msg_list.len(), 1);
    assert_eq!(history.rsp_msg_list[0].from_account, "alice");
    Ok(())
}
