//! Groups, members and group messages through the generated client: each command's success and the
//! documented errors the emulator answers.

use tim_emulator::Emulator;
use tim_rest::Client;
use tim_rest::error_codes::*;
use tim_rest::group_open_http_svc::*;
use tim_rest::im_open_login_svc::MultiAccountImportRequest;
use tim_rest::types::{GroupMemberRole, GroupType, MsgElement, ShutUpAllMember, TextElem};

async fn emu() -> (Emulator, Client) {
    let e = Emulator::start(1400000000, "administrator", "test-key").await.expect("bind");
    let c = e.client_builder().build().expect("client");
    let r = MultiAccountImportRequest::new().accounts(["owner", "ann", "ben", "cid"]);
    c.im_open_login_svc().multi_account_import(&r).await.expect("import");
    (e, c)
}

fn text(t: &str) -> Vec<MsgElement> {
    vec![MsgElement::Text(TextElem::new(t))]
}

async fn group(c: &Client, id: &str) -> String {
    let req = CreateGroupRequest::new(GroupType::Public, "Team")
        .owner_account("owner")
        .group_id(id)
        .member_list(vec![CreateGroupMemberItem::new("ann")]);
    c.group_open_http_svc().create_group(&req).await.expect("create").group_id
}

#[tokio::test]
async fn groups_are_created_read_changed_listed_and_destroyed() {
    let (emu, c) = emu().await;
    let g = c.group_open_http_svc();
    let id = group(&c, "team").await;
    assert_eq!(id, "team");
    let dup = g.create_group(&CreateGroupRequest::new(GroupType::Public, "Again").group_id("team")).await.expect_err("in use");
    assert_eq!(dup.code(), Some(GROUP_ID_IN_USE));
    let ghost = g.create_group(&CreateGroupRequest::new(GroupType::Public, "X").owner_account("ghost")).await.expect_err("owner");
    assert_eq!(ghost.code(), Some(GROUP_ACCOUNT_NOT_FOUND));
    let live = CreateGroupRequest::new(GroupType::AvChatRoom, "Live").member_list(vec![CreateGroupMemberItem::new("ann")]);
    assert_eq!(g.create_group(&live).await.expect_err("members").code(), Some(GROUP_PERMISSION_DENIED));
    let made = g.create_group(&CreateGroupRequest::new(GroupType::Private, "Work")).await.expect("server-made ID");
    assert!(made.group_id.starts_with("@TGS#"));
    let imported = g.import_group(&ImportGroupRequest::new(GroupType::Public, "Old").create_time(1_500_000_000)).await.expect("import");
    assert_eq!(emu.world().groups[&imported.group_id].created, 1_500_000_000);

    g.modify_group_base_info(&ModifyGroupBaseInfoRequest::new("team").name("Team 2").mute_all_member(ShutUpAllMember::On))
        .await
        .expect("modify");
    let info = g.get_group_info(&GetGroupInfoRequest::new(["team", "nope"])).await.expect("info");
    assert_eq!(info.group_info[0].name.as_deref(), Some("Team 2"));
    assert_eq!(info.group_info[0].owner_account.as_deref(), Some("owner"));
    assert_eq!(info.group_info[0].member_num, Some(2));
    assert_eq!(info.group_info[0].mute_all_member, Some(ShutUpAllMember::On));
    assert_eq!(info.group_info[1].error_code, GROUP_NOT_FOUND);
    let missing = g.modify_group_base_info(&ModifyGroupBaseInfoRequest::new("nope").name("x")).await.expect_err("no group");
    assert_eq!(missing.code(), Some(GROUP_NOT_FOUND));

    let all = g.get_appid_group_list(&GetAppidGroupListRequest::new().limit(2)).await.expect("page 1");
    assert_eq!(all.total_count, 3);
    assert_eq!(all.group_id_list.len(), 2);
    assert_ne!(all.next, 0);
    let rest = g.get_appid_group_list(&GetAppidGroupListRequest::new().limit(2).next(all.next)).await.expect("page 2");
    assert_eq!(rest.group_id_list.len(), 1);
    assert_eq!(rest.next, 0, "the last page");

    let joined = g.get_joined_group_list(&GetJoinedGroupListRequest::new("ann")).await.expect("joined");
    assert_eq!(joined.total_count, 1);
    assert_eq!(joined.group_id_list[0].group_id, "team");
    assert_eq!(joined.group_id_list[0].self_info.as_ref().and_then(|s| s.role.clone()), Some(GroupMemberRole::Member));

    g.destroy_group(&DestroyGroupRequest::new("team")).await.expect("destroy");
    let again = g.destroy_group(&DestroyGroupRequest::new("team")).await.expect_err("gone");
    assert_eq!(again.code(), Some(GROUP_NOT_FOUND));
}

#[tokio::test]
async fn members_are_added_removed_listed_muted_and_promoted() {
    let (_emu, c) = emu().await;
    let g = c.group_open_http_svc();
    group(&c, "team").await;
    let add = AddGroupMemberRequest::new(
        "team",
        vec![AddGroupMemberItem::new("ben"), AddGroupMemberItem::new("ann"), AddGroupMemberItem::new("ghost")],
    );
    let added = g.add_group_member(&add).await.expect("add");
    let results: Vec<GroupMemberAddResult> = added.member_list.iter().map(|m| m.result).collect();
    assert_eq!(results, [GroupMemberAddResult::Added, GroupMemberAddResult::AlreadyMember, GroupMemberAddResult::Failed]);
    let none = g.add_group_member(&AddGroupMemberRequest::new("nope", vec![AddGroupMemberItem::new("ben")])).await.expect_err("no group");
    assert_eq!(none.code(), Some(GROUP_NOT_FOUND));

    g.modify_group_base_info(&ModifyGroupBaseInfoRequest::new("team").max_member_num(3)).await.expect("limit");
    let full = g.add_group_member(&AddGroupMemberRequest::new("team", vec![AddGroupMemberItem::new("cid")])).await.expect_err("full");
    assert_eq!(full.code(), Some(GROUP_FULL));

    // Pages of members, with a role filter.
    let page = g.get_group_member_info(&GetGroupMemberInfoRequest::new("team").limit(2)).await.expect("page");
    assert_eq!(page.member_num, 3);
    assert_eq!(page.member_list.len(), 2);
    let next = g.get_group_member_info(&GetGroupMemberInfoRequest::new("team").limit(2).offset(2)).await.expect("page 2");
    assert_eq!(next.member_list[0].member_account, "ben");
    let owners = g
        .get_group_member_info(&GetGroupMemberInfoRequest::new("team").member_role_filter(vec![GroupMemberRole::Owner]))
        .await
        .expect("owners");
    assert_eq!(owners.member_list.len(), 1);

    // Roles, name cards, mutes.
    g.modify_group_member_info(&ModifyGroupMemberInfoRequest::new("team", "ann").role(GroupMemberRole::Admin).name_card("A"))
        .await
        .expect("admin");
    let not_member =
        g.modify_group_member_info(&ModifyGroupMemberInfoRequest::new("team", "cid").name_card("C")).await.expect_err("not a member");
    assert_eq!(not_member.code(), Some(GROUP_PERMISSION_DENIED));
    let owner = g
        .modify_group_member_info(&ModifyGroupMemberInfoRequest::new("team", "ben").role(GroupMemberRole::Owner))
        .await
        .expect_err("owner");
    assert_eq!(owner.code(), Some(GROUP_INVALID_PARAMETER));
    g.forbid_send_msg(&ForbidSendMsgRequest::new("team", ["ben"], 60)).await.expect("mute");
    let muted = g.send_group_msg(&SendGroupMsgRequest::new("team", text("hi")).from_account("ben")).await.expect_err("muted");
    assert_eq!(muted.code(), Some(GROUP_SENDER_MUTED));
    g.modify_group_member_info(&ModifyGroupMemberInfoRequest::new("team", "ben").mute_time(0)).await.expect("unmute");
    g.send_group_msg(&SendGroupMsgRequest::new("team", text("hi")).from_account("ben")).await.expect("unmuted");

    let not_in = g.change_group_owner(&ChangeGroupOwnerRequest::new("team", "cid")).await.expect_err("not a member");
    assert_eq!(not_in.code(), Some(GROUP_PERMISSION_DENIED));
    g.change_group_owner(&ChangeGroupOwnerRequest::new("team", "ben")).await.expect("new owner");
    let info = g.get_group_info(&GetGroupInfoRequest::new(["team"])).await.expect("info");
    assert_eq!(info.group_info[0].owner_account.as_deref(), Some("ben"));
    let roles: Vec<(String, Option<GroupMemberRole>)> =
        info.group_info[0].member_list.iter().map(|m| (m.member_account.clone(), m.role.clone())).collect();
    assert!(roles.contains(&("owner".into(), Some(GroupMemberRole::Member))));
    assert!(roles.contains(&("ann".into(), Some(GroupMemberRole::Admin))));

    g.delete_group_member(&DeleteGroupMemberRequest::new("team", ["ann", "cid"])).await.expect("delete");
    let left = g.get_group_member_info(&GetGroupMemberInfoRequest::new("team")).await.expect("members");
    assert_eq!(left.member_num, 2);
}

#[tokio::test]
async fn group_messages_are_stored_paged_recalled_and_checked() {
    let (emu, c) = emu().await;
    let g = c.group_open_http_svc();
    group(&c, "team").await;
    let outsider = g.send_group_msg(&SendGroupMsgRequest::new("team", text("x")).from_account("cid")).await.expect_err("not a member");
    assert_eq!(outsider.code(), Some(GROUP_PERMISSION_DENIED));
    let nowhere = g.send_group_msg(&SendGroupMsgRequest::new("nope", text("x"))).await.expect_err("no group");
    assert_eq!(nowhere.code(), Some(GROUP_NOT_FOUND));
    for i in 1..=25u64 {
        let r = g.send_group_msg(&SendGroupMsgRequest::new("team", text(&format!("m{i}"))).from_account("ann")).await.expect("send");
        assert_eq!(r.msg_seq, i);
    }
    // A repeat with the same Random and content is not stored again.
    let same = SendGroupMsgRequest::new("team", text("dup")).from_account("ann").random(9);
    let a = g.send_group_msg(&same).await.expect("send");
    let b = g.send_group_msg(&same).await.expect("repeat");
    assert_eq!(a.msg_seq, b.msg_seq);
    g.send_group_system_notification(&SendGroupSystemNotificationRequest::new("team", "maintenance")).await.expect("notice");
    assert_eq!(emu.world().groups["team"].notifications[0].content, "maintenance");

    // History walk: newest first, 20 at most, ReqMsgSeq = smallest - 1.
    let first = g.group_msg_get_simple(&GroupMsgGetSimpleRequest::new("team", 20)).await.expect("page");
    assert_eq!(first.rsp_msg_list.len(), 20);
    assert_eq!(first.rsp_msg_list[0].msg_seq, 26);
    let low = first.rsp_msg_list.iter().map(|m| m.msg_seq).min().expect("some");
    let second = g.group_msg_get_simple(&GroupMsgGetSimpleRequest::new("team", 20).req_msg_seq(low - 1)).await.expect("page 2");
    assert_eq!(second.rsp_msg_list.len(), 6);
    assert_eq!(second.rsp_msg_list.last().map(|m| m.msg_seq), Some(1));

    let recall = g
        .group_msg_recall(&GroupMsgRecallRequest::new("team", vec![RecallMsgSeqItem::new(26), RecallMsgSeqItem::new(99)]))
        .await
        .expect("recall");
    assert_eq!(recall.recall_ret_list[0].ret_code, 0);
    assert_eq!(recall.recall_ret_list[1].ret_code, GROUP_RECALL_MSG_NOT_FOUND);
    let plain = g.group_msg_get_simple(&GroupMsgGetSimpleRequest::new("team", 1)).await.expect("latest");
    assert!(plain.rsp_msg_list.is_empty(), "the recalled message is left out by default");
    let with = g.group_msg_get_simple(&GroupMsgGetSimpleRequest::new("team", 1).with_recalled_msg(true)).await.expect("latest");
    assert_eq!(with.rsp_msg_list[0].is_place_msg, 2);
}
