//! Accounts and one-to-one messages through the generated client: each command's success and the
//! documented errors the emulator answers.

use tim_emulator::Emulator;
use tim_rest::error_codes::*;
use tim_rest::im_open_login_svc::*;
use tim_rest::openim::*;
use tim_rest::types::{MsgElement, TextElem};
use tim_rest::{Client, ItemResults};

async fn emu() -> (Emulator, Client) {
    let e = Emulator::start(1400000000, "administrator", "test-key").await.expect("bind");
    let c = e.client_builder().build().expect("client");
    (e, c)
}

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

async fn import(c: &Client, ids: &[&str]) {
    let r = MultiAccountImportRequest::new().accounts(ids.iter().copied());
    c.im_open_login_svc().multi_account_import(&r).await.expect("import");
}

#[tokio::test]
async fn accounts_are_imported_checked_kicked_and_deleted() {
    let (emu, c) = emu().await;
    let login = c.im_open_login_svc();
    login.account_import(&AccountImportRequest::new("alice").nick("Alice")).await.expect("import");
    login.account_import(&AccountImportRequest::new("alice")).await.expect("importing again is fine");
    assert_eq!(emu.world().accounts["alice"].profile["Tag_Profile_IM_Nick"], "Alice");

    let both = MultiAccountImportRequest::new().accounts(["bob"]).account_list(vec![ImportAccountItem::new("carol")]);
    assert_eq!(login.multi_account_import(&both).await.expect_err("one form only").code(), Some(ACCOUNT_INVALID_PARAMETER));
    let new_form =
        MultiAccountImportRequest::new().account_list(vec![ImportAccountItem::new("bob").nick("Bob"), ImportAccountItem::new("carol")]);
    let r = login.multi_account_import(&new_form).await.expect("new form");
    assert!(r.fail_accounts.is_empty());

    let check = login
        .account_check(&AccountCheckRequest::new(vec![AccountCheckItem::new("bob"), AccountCheckItem::new("nobody")]))
        .await
        .expect("check");
    assert_eq!(check.result_item[0].account_status, Some(AccountStatus::Imported));
    assert_eq!(check.result_item[1].account_status, Some(AccountStatus::NotImported));

    assert_eq!(login.kick(&KickRequest::new("nobody")).await.expect_err("unknown").code(), Some(ACCOUNT_NOT_FOUND));
    emu.set_online("bob", true);
    let state = c.openim().query_online_status(&QueryOnlineStatusRequest::new(["bob", "ghost"])).await.expect("state");
    assert_eq!(state.query_result[0].status, OnlineStatus::Online);
    assert_eq!(state.error_list[0].error_code, ACCOUNT_NOT_FOUND);
    login.kick(&KickRequest::new("bob")).await.expect("kick");
    let state = c.openim().query_online_status(&QueryOnlineStatusRequest::new(["bob"])).await.expect("state");
    assert_eq!(state.query_result[0].status, OnlineStatus::Offline, "kicked");

    let del = login
        .account_delete(&AccountDeleteRequest::new(vec![AccountDeleteItem::new("carol"), AccountDeleteItem::new("carol")]))
        .await
        .expect("delete");
    assert_eq!(del.result_item[0].result_code, 0);
    assert_eq!(del.result_item[1].result_code, ACCOUNT_NOT_FOUND, "already gone");
    assert_eq!(del.failures().len(), 1);
    assert!(!emu.world().has_account("carol"));

    // With its relationship chain and group memberships.
    use tim_rest::group_open_http_svc::{CreateGroupMemberItem, CreateGroupRequest};
    use tim_rest::sns::{FriendAddItem, FriendAddRequest};
    c.sns().friend_add(&FriendAddRequest::new("alice", vec![FriendAddItem::new("bob", "AddSource_Type_Test")])).await.expect("friends");
    let g = CreateGroupRequest::new(tim_rest::types::GroupType::Public, "G")
        .group_id("g")
        .owner_account("bob")
        .member_list(vec![CreateGroupMemberItem::new("alice")]);
    c.group_open_http_svc().create_group(&g).await.expect("group");
    login.account_delete(&AccountDeleteRequest::new(vec![AccountDeleteItem::new("bob")])).await.expect("delete");
    let w = emu.world();
    assert!(w.friends.get("alice").is_none_or(|f| !f.contains_key("bob")));
    assert!(w.groups["g"].member("bob").is_none() && w.groups["g"].owner.is_none());
}

#[tokio::test]
async fn messages_are_stored_read_back_page_by_page_recalled_and_counted() {
    let (emu, c) = emu().await;
    import(&c, &["alice", "bob"]).await;
    emu.clock().set(1_700_000_000);
    let im = c.openim();

    let err = im.send_msg(&SendMsgRequest::new("ghost", text("x")).from_account("alice")).await.expect_err("unknown recipient");
    assert_eq!(err.code(), Some(MSG_TO_ACCOUNT_NOT_REGISTERED));
    let err = im.send_msg(&SendMsgRequest::new("bob", text("x")).from_account("ghost")).await.expect_err("unknown sender");
    assert_eq!(err.code(), Some(MSG_FROM_ACCOUNT_MISSING));

    let mut keys = Vec::new();
    for i in 0..5 {
        emu.clock().advance(std::time::Duration::from_secs(1));
        let sent = im.send_msg(&SendMsgRequest::new("bob", text(&format!("m{i}"))).from_account("alice")).await.expect("send");
        assert_eq!(sent.msg_time, 1_700_000_001 + i);
        keys.push(sent.msg_key.expect("MsgKey"));
    }
    // An identical retry (same MsgRandom and content) is not stored twice.
    let retry = SendMsgRequest::new("bob", text("again")).from_account("alice").msg_random(42);
    let first = im.send_msg(&retry).await.expect("send");
    let second = im.send_msg(&retry).await.expect("retry");
    assert_eq!(first.msg_key, second.msg_key);
    assert_eq!(emu.world().c2c.len(), 6);

    // History, newest first page by page, each page in time order.
    let mut req = AdminGetRoamMsgRequest::new("bob", "alice", 2, 0, u64::MAX / 2);
    let mut seen = Vec::new();
    loop {
        let page = im.admin_get_roam_msg(&req).await.expect("page");
        let mut texts: Vec<String> = page.msg_list.iter().map(|m| text_of(&m.msg_body)).collect();
        texts.reverse();
        seen.extend(texts);
        if page.complete == 1 {
            break;
        }
        req = req.last_msg_key(page.last_msg_key.clone());
        req.max_time = page.last_msg_time;
    }
    assert_eq!(seen, ["again", "m4", "m3", "m2", "m1", "m0"]);

    // Unread counts, read reports, recalls.
    let unread = im.get_c2c_unread_msg_num(&GetC2cUnreadMsgNumRequest::new("bob")).await.expect("unread");
    assert_eq!(unread.all_c2c_unread_msg_num, Some(6));
    let per = im.get_c2c_unread_msg_num(&GetC2cUnreadMsgNumRequest::new("bob").peer_account(["alice", "ghost"])).await.expect("per peer");
    assert_eq!(per.c2c_unread_msg_num_list[0].c2c_unread_msg_num, 6);
    assert_eq!(per.error_list[0].error_code, ACCOUNT_NOT_FOUND);
    im.admin_msg_withdraw(&AdminMsgWithdrawRequest::new("alice", "bob", &keys[0])).await.expect("recall");
    let again = im.admin_msg_withdraw(&AdminMsgWithdrawRequest::new("alice", "bob", &keys[0])).await.expect_err("twice");
    assert_eq!(again.code(), Some(MSG_ALREADY_RECALLED));
    let none = im.admin_msg_withdraw(&AdminMsgWithdrawRequest::new("alice", "bob", "1_2_3")).await.expect_err("no such message");
    assert_eq!(none.code(), Some(MSG_RECALL_TARGET_NOT_FOUND));
    let history = im.admin_get_roam_msg(&AdminGetRoamMsgRequest::new("alice", "bob", 100, 0, u64::MAX / 2)).await.expect("all");
    assert_eq!(history.msg_list[0].msg_flag_bits, MsgFlagBits::Recalled);
    assert!(history.msg_list[0].msg_body.is_empty());

    im.admin_set_msg_read(&AdminSetMsgReadRequest::new("bob", "alice")).await.expect("read");
    let unread = im.get_c2c_unread_msg_num(&GetC2cUnreadMsgNumRequest::new("bob")).await.expect("unread");
    assert_eq!(unread.all_c2c_unread_msg_num, Some(0));
    let err = im.admin_set_msg_read(&AdminSetMsgReadRequest::new("bob", "ghost")).await.expect_err("unknown peer");
    assert_eq!(err.code(), Some(ACCOUNT_NOT_FOUND));
}

#[tokio::test]
async fn batch_sends_report_unknown_recipients_and_imports_are_not_duplicated() {
    let (emu, c) = emu().await;
    import(&c, &["alice", "bob", "carol"]).await;
    let im = c.openim();
    let raw = c.call_raw(&BatchSendMsgRequest::new(["bob", "ghost", "carol"], text("news"))).await;
    let raw = raw.expect("partial success is a success");
    assert_eq!(raw.value.error_list.len(), 1);
    assert_eq!(raw.value.error_list[0].to_account, "ghost");
    assert_eq!(raw.value.error_list[0].error_code, MSG_TO_ACCOUNT_NOT_REGISTERED);
    assert_eq!(raw.envelope.action_status.as_deref(), Some("SomeError"));
    assert_eq!(emu.world().c2c.iter().filter(|m| m.from == "administrator").count(), 2);

    let imp = ImportMsgRequest::new(SyncFromOldSystem::History, "alice", "bob", 1_600_000_000, text("old")).msg_random(7).msg_seq(1);
    im.import_msg(&imp).await.expect("import");
    im.import_msg(&imp).await.expect("a duplicate is accepted");
    assert_eq!(emu.world().c2c.iter().filter(|m| m.imported).count(), 1);
    let err = im.import_msg(&ImportMsgRequest::new(SyncFromOldSystem::History, "ghost", "bob", 1, text("x"))).await.expect_err("sender");
    assert_eq!(err.code(), Some(MSG_FROM_ACCOUNT_MISSING));
}
