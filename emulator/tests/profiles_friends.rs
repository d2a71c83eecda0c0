//! Profiles, friends, blocklists and recent contacts through the generated client.

use tim_emulator::Emulator;
use tim_rest::Client;
use tim_rest::error_codes::*;
use tim_rest::im_open_login_svc::MultiAccountImportRequest;
use tim_rest::openim::SendMsgRequest;
use tim_rest::profile::*;
use tim_rest::recentcontact::{ContactType, DeleteRequest, GetListRequest};
use tim_rest::sns::*;
use tim_rest::types::{MsgElement, TextElem};

async fn emu() -> (Emulator, Client) {
    let e = Emulator::start(1400000000, "administrator", "test-key").await.expect("bind");
    let c = e.client_builder().build().expect("client");
    let r = MultiAccountImportRequest::new().accounts(["ann", "ben", "cid", "dan"]);
    c.im_open_login_svc().multi_account_import(&r).await.expect("import");
    (e, c)
}

#[tokio::test]
async fn profiles_are_set_and_read_back() {
    let (_emu, c) = emu().await;
    let p = c.profile();
    let set = PortraitSetRequest::new(
        "ann",
        vec![
            ProfileItem::new("Tag_Profile_IM_Nick", ProfileValue::Text("Ann".into())),
            ProfileItem::new("Tag_Profile_IM_Level", ProfileValue::Integer(3)),
        ],
    );
    p.portrait_set(&set).await.expect("set");
    let err = p.portrait_set(&PortraitSetRequest::new("ghost", vec![])).await.expect_err("unknown");
    assert_eq!(err.code(), Some(PROFILE_ACCOUNT_NOT_FOUND));
    let got =
        p.portrait_get(&PortraitGetRequest::new(["ann", "ghost"], ["Tag_Profile_IM_Nick", "Tag_Profile_IM_Level"])).await.expect("get");
    assert_eq!(got.user_profile_item[0].profile_item[0].value, ProfileValue::Text("Ann".into()));
    assert_eq!(got.user_profile_item[0].profile_item[1].value, ProfileValue::Integer(3));
    assert_eq!(got.user_profile_item[1].result_code, PROFILE_ACCOUNT_NOT_FOUND);
    assert_eq!(got.fail_account, ["ghost"]);
}

#[tokio::test]
async fn friends_are_added_checked_listed_grouped_and_deleted() {
    let (_emu, c) = emu().await;
    let s = c.sns();
    // dan needs confirmation: a pending request only, unless forced.
    c.profile()
        .portrait_set(&PortraitSetRequest::new(
            "dan",
            vec![ProfileItem::new("Tag_Profile_IM_AllowType", ProfileValue::Text("AllowType_Type_NeedConfirm".into()))],
        ))
        .await
        .expect("allow type");
    let add = FriendAddRequest::new(
        "ann",
        vec![
            FriendAddItem::new("ben", "AddSource_Type_Test").remark("B"),
            FriendAddItem::new("ghost", "AddSource_Type_Test"),
            FriendAddItem::new("dan", "AddSource_Type_Test"),
        ],
    );
    let r = s.friend_add(&add).await.expect("add");
    let codes: Vec<i64> = r.result_item.iter().map(|i| i.result_code).collect();
    assert_eq!(codes, [0, SNS_ACCOUNT_NOT_FOUND, SNS_PENDING_CREATED]);
    s.friend_add(&FriendAddRequest::new("ann", vec![FriendAddItem::new("dan", "AddSource_Type_Test")]).force_add_flags(true))
        .await
        .expect("forced");
    s.friend_add(&FriendAddRequest::new("cid", vec![FriendAddItem::new("ann", "AddSource_Type_Test")]).add_type(AddType::Single))
        .await
        .expect("one way");

    let check = s.friend_check(&FriendCheckRequest::new("ann", ["ben", "cid", "ghost"], FriendCheckType::Both)).await.expect("check");
    let rel: Vec<Option<FriendRelation>> = check.info_item.iter().map(|i| i.relation.clone()).collect();
    assert_eq!(rel, [Some(FriendRelation::BothWay), Some(FriendRelation::BWithA), Some(FriendRelation::NoRelation)]);

    let list = s.friend_get(&FriendGetRequest::new("ann", 0)).await.expect("list");
    assert_eq!(list.friend_num, 2);
    assert_eq!(list.complete_flag, 1);
    let ben = list.user_data_item.iter().find(|i| i.to_account == "ben").expect("ben");
    assert!(ben.value_item.iter().any(|v| v.tag == "Tag_SNS_IM_Remark" && v.value == SnsValue::Text("B".into())));

    let grouped = s.group_add(&GroupAddRequest::new("ann", ["work"]).to_account(["ben", "cid"])).await.expect("lists");
    assert_eq!(grouped.result_item[0].result_code, 0);
    assert_eq!(grouped.result_item[1].result_code, SNS_NOT_FRIENDS);
    let list = s.friend_get(&FriendGetRequest::new("ann", 0)).await.expect("list");
    let ben = list.user_data_item.iter().find(|i| i.to_account == "ben").expect("ben");
    assert!(ben.value_item.iter().any(|v| v.tag == "Tag_SNS_IM_Group" && v.value == SnsValue::List(vec!["work".to_owned()])));
    s.group_delete(&GroupDeleteRequest::new("ann", ["work"])).await.expect("delete list");

    let del = s.friend_delete(&FriendDeleteRequest::new("ann", ["ben", "cid"])).await.expect("delete");
    assert_eq!(del.result_item[0].result_code, 0);
    assert_eq!(del.result_item[1].result_code, SNS_NOT_FRIENDS);
    let check = s.friend_check(&FriendCheckRequest::new("ben", ["ann"], FriendCheckType::Both)).await.expect("check");
    assert_eq!(check.info_item[0].relation, Some(FriendRelation::NoRelation), "deleted both ways");
    let err = s.friend_get(&FriendGetRequest::new("ghost", 0)).await.expect_err("unknown");
    assert_eq!(err.code(), Some(SNS_ACCOUNT_NOT_FOUND));
}

#[tokio::test]
async fn blocklists_remove_friendships_and_refuse_friend_requests() {
    let (_emu, c) = emu().await;
    let s = c.sns();
    s.friend_add(&FriendAddRequest::new("ann", vec![FriendAddItem::new("ben", "AddSource_Type_Test")])).await.expect("friends");
    let r = s.black_list_add(&BlackListAddRequest::new("ann", ["ben", "ghost"])).await.expect("block");
    assert_eq!(r.result_item[0].result_code, 0);
    assert_eq!(r.result_item[1].result_code, SNS_ACCOUNT_NOT_FOUND);
    let again = s.black_list_add(&BlackListAddRequest::new("ann", ["ben"])).await.expect("again");
    assert_eq!(again.result_item[0].result_code, SNS_INVALID_PARAMETER, "re-adding fails per item");
    assert_eq!(again.result_item[0].result_info, "Err_SNS_BlackListAdd_Already_Exist");
    let check = s.friend_check(&FriendCheckRequest::new("ann", ["ben"], FriendCheckType::Both)).await.expect("check");
    assert_eq!(check.info_item[0].relation, Some(FriendRelation::NoRelation));
    let refused = s.friend_add(&FriendAddRequest::new("ben", vec![FriendAddItem::new("ann", "AddSource_Type_Test")])).await.expect("add");
    assert_eq!(refused.result_item[0].result_code, SNS_IN_PEER_BLACKLIST);

    s.black_list_add(&BlackListAddRequest::new("ann", ["cid", "dan"])).await.expect("block more");
    let page = s.black_list_get(&BlackListGetRequest::new("ann", 0, 2, 0)).await.expect("page");
    assert_eq!(page.black_list_item.len(), 2);
    assert_ne!(page.start_index, 0);
    let rest = s.black_list_get(&BlackListGetRequest::new("ann", page.start_index, 2, 0)).await.expect("rest");
    assert_eq!(rest.black_list_item.len(), 1);
    assert_eq!(rest.start_index, 0);
    let check = s.black_list_check(&BlackListCheckRequest::new("ben", ["ann"], BlackCheckType::Both)).await.expect("check");
    assert_eq!(check.black_list_check_item[0].relation, Some(BlackRelation::BWithA));
    s.black_list_delete(&BlackListDeleteRequest::new("ann", ["ben"])).await.expect("unblock");
    let check = s.black_list_check(&BlackListCheckRequest::new("ann", ["ben"], BlackCheckType::Single)).await.expect("check");
    assert_eq!(check.black_list_check_item[0].relation, Some(BlackRelation::No));
}

#[tokio::test]
async fn recent_contacts_follow_messages_and_deletions() {
    let (emu, c) = emu().await;
    emu.clock().set(1_700_000_000);
    let send = |to: &str| SendMsgRequest::new(to, vec![MsgElement::Text(TextElem::new("hi"))]).from_account("ann");
    c.openim().send_msg(&send("ben")).await.expect("send");
    emu.clock().advance(std::time::Duration::from_secs(5));
    c.openim().send_msg(&send("cid")).await.expect("send");
    let list = c.recentcontact().get_list(&GetListRequest::new("ann", 0, 0, 0, 0, 0)).await.expect("list");
    let peers: Vec<Option<String>> = list.session_item.iter().map(|s| s.to_account.clone()).collect();
    assert_eq!(peers, [Some("cid".into()), Some("ben".into())], "newest first");
    c.recentcontact().delete(&DeleteRequest::new("ann", ContactType::C2c).to_account("cid")).await.expect("delete");
    let list = c.recentcontact().get_list(&GetListRequest::new("ann", 0, 0, 0, 0, 0)).await.expect("list");
    assert_eq!(list.session_item.len(), 1);
    let err = c.recentcontact().get_list(&GetListRequest::new("ghost", 0, 0, 0, 0, 0)).await.expect_err("unknown");
    assert_eq!(err.code(), Some(RECENT_CONTACT_ACCOUNT_NOT_FOUND));
}
