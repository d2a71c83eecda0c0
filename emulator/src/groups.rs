//! Groups, members and group messages (group_open_http_svc). Each rule names its page; the
//! descriptions in `spec/services/group_open_http_svc.yaml` summarise them.

use crate::callbacks::{self, Before};
use crate::world::{Group, GroupMessage, GroupNotification, Member};
use crate::{Inner, fail, ok};
use std::sync::Arc;
use tim_rest::callbacks::group::{
    ExitType, GroupAfterCreateGroupEvent, GroupAfterGroupDestroyedEvent, GroupAfterGroupInfoChangedEvent, GroupAfterMemberExitEvent,
    GroupAfterNewMemberJoinEvent, GroupAfterRecallMsgEvent, GroupAfterSendMsgEvent, GroupBeforeSendMsgEvent, JoinType, MemberAccount,
    RecalledGroupMsg,
};
use tim_rest::error_codes::{
    GROUP_ACCOUNT_NOT_FOUND, GROUP_FULL, GROUP_ID_IN_USE, GROUP_INVALID_PARAMETER, GROUP_NOT_FOUND, GROUP_PERMISSION_DENIED,
    GROUP_RECALL_MSG_NOT_FOUND, GROUP_SENDER_MUTED,
};
use tim_rest::group_open_http_svc::*;
use tim_rest::mock::Reply;
use tim_rest::types::{ForbidCallbackControl, GroupHistoryMsg, GroupInfo, GroupMemberInfo, GroupMemberRole, GroupType, ShutUpAllMember};

fn not_found(id: &str) -> Reply {
    // 10010 (群组不存在，或者曾经存在过，但是目前已经被解散), the code each group page lists.
    fail(GROUP_NOT_FOUND, format!("group {id} does not exist or was disbanded"))
}

fn is_live(t: &GroupType) -> bool {
    matches!(t, GroupType::AvChatRoom | GroupType::BChatRoom)
}

fn member_event(list: &[String]) -> Vec<MemberAccount> {
    list.iter().map(MemberAccount::new).collect()
}

struct NewGroup<'a> {
    owner: Option<&'a String>,
    group_type: &'a GroupType,
    group_id: Option<&'a String>,
    name: &'a str,
    introduction: Option<&'a String>,
    notification: Option<&'a String>,
    face_url: Option<&'a String>,
    max_members: Option<u32>,
    apply_join_option: Option<&'a tim_rest::types::ApplyJoinOption>,
    app_defined_data: Option<&'a Vec<tim_rest::types::AppDefinedDataItem>>,
    members: &'a [CreateGroupMemberItem],
    created: u64,
}

/// Makes the group; `Err` is the failure reply.
fn make(inner: &Inner, g: NewGroup<'_>) -> Result<(String, Vec<String>), Reply> {
    let mut w = inner.world();
    // create_group (269/1615): live groups cannot be created with members (10007).
    if is_live(g.group_type) && !g.members.is_empty() {
        return Err(fail(GROUP_PERMISSION_DENIED, "live-streaming groups cannot be created with members"));
    }
    for id in g.owner.into_iter().chain(g.members.iter().map(|m| &m.member_account)) {
        if !w.has_account(id) {
            return Err(fail(GROUP_ACCOUNT_NOT_FOUND, format!("{id} is not an imported account")));
        }
    }
    let id = match g.group_id {
        Some(id) if w.groups.contains_key(id) => return Err(fail(GROUP_ID_IN_USE, format!("group ID {id} is already used"))),
        Some(id) => id.clone(),
        None => loop {
            // Server-made IDs start with @TGS# (the pages' examples).
            w.next_group_number += 1;
            let id = format!("@TGS#{}EMU", w.next_group_number);
            if !w.groups.contains_key(&id) {
                break id;
            }
        },
    };
    let now = g.created;
    let mut members = Vec::new();
    if let Some(o) = g.owner
        && !is_live(g.group_type)
    {
        members.push(Member::new(o, GroupMemberRole::Owner, now));
    }
    for m in g.members {
        if members.iter().any(|x: &Member| x.account == m.member_account) {
            continue;
        }
        let role = match &m.role {
            Some(GroupMemberRole::Admin) => GroupMemberRole::Admin,
            _ => GroupMemberRole::Member,
        };
        let mut member = Member::new(&m.member_account, role, now);
        member.app_member_defined_data = m.app_member_defined_data.clone().unwrap_or_default();
        members.push(member);
    }
    let joined: Vec<String> = members.iter().map(|m| m.account.clone()).collect();
    w.groups.insert(
        id.clone(),
        Group {
            group_type: g.group_type.clone(),
            name: g.name.to_owned(),
            introduction: g.introduction.cloned(),
            notification: g.notification.cloned(),
            face_url: g.face_url.cloned(),
            owner: g.owner.cloned(),
            created: now,
            max_members: g.max_members.unwrap_or(0),
            apply_join_option: g.apply_join_option.cloned(),
            mute_all: false,
            app_defined_data: g.app_defined_data.cloned().unwrap_or_default(),
            members,
            messages: Vec::new(),
            notifications: Vec::new(),
            info_seq: 1,
            last_info_time: now,
        },
    );
    Ok((id, joined))
}

/// create_group (269/1615): the owner (optional) and members must be imported (10019); a custom
/// GroupId already in use fails with 10021; live groups cannot have members (10007). Sends
/// Group.CallbackAfterCreateGroup.
pub(crate) fn create(inner: &Arc<Inner>, r: &CreateGroupRequest) -> Reply {
    let members = r.member_list.as_deref().unwrap_or(&[]);
    let now = inner.now();
    let made = make(
        inner,
        NewGroup {
            owner: r.owner_account.as_ref(),
            group_type: &r.r#type,
            group_id: r.group_id.as_ref(),
            name: &r.name,
            introduction: r.introduction.as_ref(),
            notification: r.notification.as_ref(),
            face_url: r.face_url.as_ref(),
            max_members: r.max_member_count,
            apply_join_option: r.apply_join_option.as_ref(),
            app_defined_data: r.app_defined_data.as_ref(),
            members,
            created: now,
        },
    );
    let (id, joined) = match made {
        Ok(x) => x,
        Err(reply) => return reply,
    };
    let owner = r.owner_account.clone().unwrap_or_default();
    let mut event =
        GroupAfterCreateGroupEvent::new("Group.CallbackAfterCreateGroup", &id, &inner.admin, owner, r.r#type.clone(), &r.name, now * 1000);
    event.member_list = member_event(&joined);
    callbacks::after(inner, "Group.CallbackAfterCreateGroup", &event);
    ok(&CreateGroupResponse::new(id))
}

/// import_group (269/1634): like create_group, with the original CreateTime, without members, callbacks
/// or notifications; not for live groups (10007).
pub(crate) fn import(inner: &Inner, r: &ImportGroupRequest) -> Reply {
    if is_live(&r.r#type) {
        return fail(GROUP_PERMISSION_DENIED, "live-streaming groups cannot be imported");
    }
    let made = make(
        inner,
        NewGroup {
            owner: r.owner_account.as_ref(),
            group_type: &r.r#type,
            group_id: r.group_id.as_ref(),
            name: &r.name,
            introduction: r.introduction.as_ref(),
            notification: r.notification.as_ref(),
            face_url: r.face_url.as_ref(),
            max_members: r.max_member_count,
            apply_join_option: r.apply_join_option.as_ref(),
            app_defined_data: r.app_defined_data.as_ref(),
            members: &[],
            created: r.create_time.unwrap_or_else(|| inner.now()),
        },
    );
    match made {
        Ok((id, _)) => ok(&ImportGroupResponse::new(id)),
        Err(reply) => reply,
    }
}

fn to_member_info(m: &Member) -> GroupMemberInfo {
    let mut i = GroupMemberInfo::new(&m.account);
    i.role = Some(m.role.clone());
    i.join_time = Some(m.join_time);
    i.msg_flag = m.msg_flag.clone();
    i.last_send_msg_time = Some(m.last_send_msg_time);
    i.mute_until = Some(m.mute_until);
    i.name_card = m.name_card.clone();
    i.app_member_defined_data = m.app_member_defined_data.clone();
    i
}

/// get_group_info (269/1616): each group's profile, members and app-defined fields, each with its own
/// ErrorCode (10010 for a group that does not exist); live groups come without members. The response
/// filters are not applied: every field is returned.
pub(crate) fn info(inner: &Inner, r: &GetGroupInfoRequest) -> Reply {
    let w = inner.world();
    let mut resp = GetGroupInfoResponse::new();
    for id in &r.group_id_list {
        let Some(g) = w.groups.get(id) else {
            let mut gi = GroupInfo::new(id, GROUP_NOT_FOUND);
            gi.error_info = Some("group does not exist".into());
            resp.group_info.push(gi);
            continue;
        };
        let mut gi = GroupInfo::new(id, 0);
        gi.r#type = Some(g.group_type.clone());
        gi.name = Some(g.name.clone());
        gi.appid = Some(inner.sdkappid);
        gi.introduction = g.introduction.clone();
        gi.notification = g.notification.clone();
        gi.face_url = g.face_url.clone();
        gi.owner_account = g.owner.clone();
        gi.create_time = Some(g.created);
        gi.info_seq = Some(g.info_seq);
        gi.last_info_time = Some(g.last_info_time);
        gi.last_msg_time = Some(g.messages.last().map_or(0, |m| m.time));
        gi.next_msg_seq = Some(g.next_msg_seq());
        gi.max_member_num = Some(g.max_members);
        gi.apply_join_option = g.apply_join_option.clone();
        gi.mute_all_member = Some(if g.mute_all { ShutUpAllMember::On } else { ShutUpAllMember::Off });
        gi.app_defined_data = g.app_defined_data.clone();
        if !is_live(&g.group_type) {
            gi.member_num = Some(g.members.len() as u32);
            gi.member_list = g.members.iter().map(to_member_info).collect();
        }
        resp.group_info.push(gi);
    }
    ok(&resp)
}

/// modify_group_base_info (269/1620): changes the given profile fields; an app-defined field with an
/// empty value is deleted. InfoSeq grows with each change. A change of the name, introduction, notice or
/// avatar sends Group.CallbackAfterGroupInfoChanged with the changed fields.
pub(crate) fn modify(inner: &Arc<Inner>, r: &ModifyGroupBaseInfoRequest) -> Reply {
    let now = inner.now();
    let mut w = inner.world();
    let Some(g) = w.groups.get_mut(&r.group_id) else { return not_found(&r.group_id) };
    if r.name.is_some() || r.introduction.is_some() || r.notification.is_some() || r.face_url.is_some() {
        let operator = r.from_account.clone().unwrap_or_else(|| inner.admin.clone());
        let mut e = GroupAfterGroupInfoChangedEvent::new(
            "Group.CallbackAfterGroupInfoChanged",
            &r.group_id,
            g.group_type.clone(),
            operator,
            now * 1000,
        );
        e.name = r.name.clone();
        e.introduction = r.introduction.clone();
        e.notification = r.notification.clone();
        e.face_url = r.face_url.clone();
        callbacks::after(inner, "Group.CallbackAfterGroupInfoChanged", &e);
    }
    if let Some(v) = &r.name {
        g.name = v.clone();
    }
    if r.introduction.is_some() {
        g.introduction = r.introduction.clone();
    }
    if r.notification.is_some() {
        g.notification = r.notification.clone();
    }
    if r.face_url.is_some() {
        g.face_url = r.face_url.clone();
    }
    if let Some(n) = r.max_member_num {
        g.max_members = n;
    }
    if r.apply_join_option.is_some() {
        g.apply_join_option = r.apply_join_option.clone();
    }
    if let Some(m) = &r.mute_all_member {
        g.mute_all = matches!(m, ShutUpAllMember::On);
    }
    for item in r.app_defined_data.iter().flatten() {
        g.app_defined_data.retain(|d| d.key != item.key);
        if !item.value.is_empty() {
            g.app_defined_data.push(item.clone());
        }
    }
    g.info_seq += 1;
    g.last_info_time = now;
    ok(&ModifyGroupBaseInfoResponse::new())
}

/// destroy_group (269/1624): disbands the group; a group that does not exist fails with 10010. Sends
/// Group.CallbackAfterGroupDestroyed with the members.
pub(crate) fn destroy(inner: &Arc<Inner>, r: &DestroyGroupRequest) -> Reply {
    let Some(g) = inner.world().groups.remove(&r.group_id) else { return not_found(&r.group_id) };
    let owner = g.owner.clone().unwrap_or_default();
    let mut e = GroupAfterGroupDestroyedEvent::new(
        "Group.CallbackAfterGroupDestroyed",
        &r.group_id,
        g.group_type.clone(),
        owner,
        &g.name,
        inner.now() * 1000,
    );
    e.operator_account = Some(inner.admin.clone());
    e.member_list = Some(g.members.iter().map(|m| MemberAccount::new(&m.account)).collect());
    callbacks::after(inner, "Group.CallbackAfterGroupDestroyed", &e);
    ok(&DestroyGroupResponse::new())
}

/// add_group_member (269/1621): per member, Added (1), AlreadyMember (2) or Failed (0, e.g. not
/// imported); not for live groups (10007); a group that would exceed MaxMemberNum fails with 10014.
/// Sends Group.CallbackAfterNewMemberJoin (JoinType Invited) for the added members.
pub(crate) fn add_members(inner: &Arc<Inner>, r: &AddGroupMemberRequest) -> Reply {
    let now = inner.now();
    let (added, group_type, resp) = {
        let mut w = inner.world();
        let known: Vec<bool> = r.member_list.iter().map(|m| w.has_account(&m.member_account)).collect();
        let Some(g) = w.groups.get_mut(&r.group_id) else { return not_found(&r.group_id) };
        if is_live(&g.group_type) {
            return fail(GROUP_PERMISSION_DENIED, "members cannot be added to live-streaming groups");
        }
        let new = r.member_list.iter().zip(&known).filter(|(m, k)| **k && g.member(&m.member_account).is_none()).count();
        if g.members.len().saturating_add(new) > g.capacity() as usize {
            return fail(GROUP_FULL, "the group is full");
        }
        let mut resp = AddGroupMemberResponse::new();
        let mut added = Vec::new();
        for (m, k) in r.member_list.iter().zip(known) {
            let result = if !k {
                GroupMemberAddResult::Failed
            } else if g.member(&m.member_account).is_some() {
                GroupMemberAddResult::AlreadyMember
            } else {
                g.members.push(Member::new(&m.member_account, GroupMemberRole::Member, now));
                added.push(m.member_account.clone());
                GroupMemberAddResult::Added
            };
            resp.member_list.push(AddGroupMemberResult::new(&m.member_account, result));
        }
        (added, g.group_type.clone(), resp)
    };
    if !added.is_empty() {
        let mut e = GroupAfterNewMemberJoinEvent::new(
            "Group.CallbackAfterNewMemberJoin",
            &r.group_id,
            group_type,
            JoinType::Invited,
            &inner.admin,
            now * 1000,
        );
        e.new_member_list = member_event(&added);
        callbacks::after(inner, "Group.CallbackAfterNewMemberJoin", &e);
    }
    ok(&resp)
}

/// delete_group_member (269/1622): removes the members (accounts that are not members are ignored);
/// not for live groups (10007). Sends Group.CallbackAfterMemberExit (ExitType Kicked).
pub(crate) fn delete_members(inner: &Arc<Inner>, r: &DeleteGroupMemberRequest) -> Reply {
    let (removed, group_type) = {
        let mut w = inner.world();
        let Some(g) = w.groups.get_mut(&r.group_id) else { return not_found(&r.group_id) };
        if is_live(&g.group_type) {
            return fail(GROUP_PERMISSION_DENIED, "members cannot be removed from live-streaming groups");
        }
        let removed: Vec<String> = r.member_to_del_account.iter().filter(|a| g.member(a).is_some()).cloned().collect();
        g.members.retain(|m| !removed.contains(&m.account));
        if g.owner.as_ref().is_some_and(|o| removed.contains(o)) {
            g.owner = None;
        }
        (removed, g.group_type.clone())
    };
    if !removed.is_empty() {
        let mut e = GroupAfterMemberExitEvent::new(
            "Group.CallbackAfterMemberExit",
            &r.group_id,
            group_type,
            ExitType::Kicked,
            &inner.admin,
            inner.now() * 1000,
        );
        e.exit_member_list = member_event(&removed);
        callbacks::after(inner, "Group.CallbackAfterMemberExit", &e);
    }
    ok(&DeleteGroupMemberResponse::new())
}

/// get_group_member_info (269/1617): members page by page (Limit/Offset; Community groups page with the
/// string Next, "" on the last page), filtered by role; not for live groups (10007).
pub(crate) fn member_info(inner: &Inner, r: &GetGroupMemberInfoRequest) -> Reply {
    let w = inner.world();
    let Some(g) = w.groups.get(&r.group_id) else { return not_found(&r.group_id) };
    if is_live(&g.group_type) {
        return fail(GROUP_PERMISSION_DENIED, "live-streaming groups keep no member list");
    }
    let roles = r.member_role_filter.as_deref();
    let list: Vec<&Member> = g.members.iter().filter(|m| roles.is_none_or(|rs| rs.is_empty() || rs.contains(&m.role))).collect();
    let community = matches!(g.group_type, GroupType::Community);
    let start =
        if community { r.next.as_deref().and_then(|n| n.parse::<usize>().ok()).unwrap_or(0) } else { r.offset.map_or(0, |o| o as usize) };
    let limit = r.limit.map_or(usize::MAX, |l| if l == 0 { usize::MAX } else { l as usize });
    let page: Vec<GroupMemberInfo> = list.iter().skip(start).take(limit).map(|m| to_member_info(m)).collect();
    let end = start.saturating_add(page.len());
    let mut resp = GetGroupMemberInfoResponse::new(list.len() as u32);
    if community {
        resp.next = Some(if end >= list.len() { String::new() } else { end.to_string() });
    }
    resp.member_list = page;
    ok(&resp)
}

/// modify_group_member_info (269/1623): role (Admin/Member; the owner changes with change_group_owner,
/// 10004), message option, name card, app-defined fields, mute duration (MuteTime seconds from now, 0
/// lifts it). The account must be a member (10007); not for live groups (10007).
pub(crate) fn modify_member(inner: &Inner, r: &ModifyGroupMemberInfoRequest) -> Reply {
    let now = inner.now();
    let mut w = inner.world();
    let Some(g) = w.groups.get_mut(&r.group_id) else { return not_found(&r.group_id) };
    if is_live(&g.group_type) {
        return fail(GROUP_PERMISSION_DENIED, "live-streaming groups keep no member profiles");
    }
    let Some(m) = g.member_mut(&r.member_account) else {
        return fail(GROUP_PERMISSION_DENIED, format!("{} is not a member", r.member_account));
    };
    if let Some(role) = &r.role {
        match role {
            GroupMemberRole::Admin | GroupMemberRole::Member if m.role != GroupMemberRole::Owner => m.role = role.clone(),
            _ => return fail(GROUP_INVALID_PARAMETER, "Role must be Admin or Member, and the owner changes with change_group_owner"),
        }
    }
    if r.msg_flag.is_some() {
        m.msg_flag = r.msg_flag.clone();
    }
    if r.name_card.is_some() {
        m.name_card = r.name_card.clone();
    }
    for item in r.app_member_defined_data.iter().flatten() {
        m.app_member_defined_data.retain(|d| d.key != item.key);
        if !item.value.is_empty() {
            m.app_member_defined_data.push(item.clone());
        }
    }
    if let Some(t) = r.mute_time {
        m.mute_until = if t == 0 { 0 } else { now + u64::from(t) };
    }
    ok(&ModifyGroupMemberInfoResponse::new())
}

/// forbid_send_msg (269/1627): mutes the members for MuteTime seconds (0 lifts the mute).
pub(crate) fn forbid(inner: &Inner, r: &ForbidSendMsgRequest) -> Reply {
    let now = inner.now();
    let mut w = inner.world();
    let Some(g) = w.groups.get_mut(&r.group_id) else { return not_found(&r.group_id) };
    for a in &r.members_account {
        if let Some(m) = g.member_mut(a) {
            m.mute_until = if r.mute_time == 0 { 0 } else { now + u64::from(r.mute_time) };
        }
    }
    ok(&ForbidSendMsgResponse::new())
}

/// get_joined_group_list (269/1625): the account's groups (live groups only with WithHugeGroups 1),
/// optionally of one type, Limit/Offset with TotalCount, with the account's own info in each.
pub(crate) fn joined(inner: &Inner, r: &GetJoinedGroupListRequest) -> Reply {
    let w = inner.world();
    if !w.has_account(&r.member_account) {
        return fail(GROUP_ACCOUNT_NOT_FOUND, "Member_Account is not an imported account");
    }
    let huge = r.with_huge_groups == Some(true);
    let mine: Vec<(&String, &Group, &Member)> = w
        .groups
        .iter()
        .filter(|(_, g)| huge || !is_live(&g.group_type))
        .filter(|(_, g)| r.group_type.as_ref().is_none_or(|t| *t == g.group_type))
        .filter_map(|(id, g)| g.member(&r.member_account).map(|m| (id, g, m)))
        .collect();
    let start = r.offset.map_or(0, |o| o as usize);
    let limit = r.limit.map_or(usize::MAX, |l| if l == 0 { usize::MAX } else { l as usize });
    let mut resp = GetJoinedGroupListResponse::new(mine.len() as u32);
    for (id, g, m) in mine.into_iter().skip(start).take(limit) {
        let mut item = JoinedGroupItem::new(id);
        item.r#type = Some(g.group_type.clone());
        item.name = Some(g.name.clone());
        item.owner_account = g.owner.clone();
        item.create_time = Some(g.created);
        item.member_num = Some(g.members.len() as u32);
        item.next_msg_seq = Some(g.next_msg_seq());
        let mut me = GroupSelfInfo::new();
        me.role = Some(m.role.clone());
        me.join_time = Some(m.join_time);
        me.msg_flag = m.msg_flag.clone();
        item.self_info = Some(me);
        resp.group_id_list.push(item);
    }
    ok(&resp)
}

/// get_appid_group_list (269/1614): the app's group IDs, optionally of one type, Limit (at most 10000)
/// and the numeric Next cursor (0 on the last page).
pub(crate) fn app_groups(inner: &Inner, r: &GetAppidGroupListRequest) -> Reply {
    let w = inner.world();
    let ids: Vec<&String> =
        w.groups.iter().filter(|(_, g)| r.group_type.as_ref().is_none_or(|t| *t == g.group_type)).map(|(id, _)| id).collect();
    let start = r.next.map_or(0, |n| usize::try_from(n).unwrap_or(usize::MAX)).min(ids.len());
    let limit = r.limit.map_or(10_000, |l| (l as usize).clamp(1, 10_000));
    let end = start.saturating_add(limit).min(ids.len());
    let next = if end >= ids.len() { 0 } else { end as u64 };
    let mut resp = GetAppidGroupListResponse::new(ids.len() as u64, next);
    resp.group_id_list = ids[start..end].iter().map(|id| AppGroupIdItem::new(*id)).collect();
    ok(&resp)
}

/// change_group_owner (269/1633): the new owner must be a member (10007); the old owner stays a plain
/// member; not for live groups (10007).
pub(crate) fn change_owner(inner: &Inner, r: &ChangeGroupOwnerRequest) -> Reply {
    let mut w = inner.world();
    let Some(g) = w.groups.get_mut(&r.group_id) else { return not_found(&r.group_id) };
    if is_live(&g.group_type) {
        return fail(GROUP_PERMISSION_DENIED, "live-streaming groups have no owner to change");
    }
    if g.member(&r.new_owner_account).is_none() {
        return fail(GROUP_PERMISSION_DENIED, "the new owner must be a member");
    }
    for m in g.members.iter_mut() {
        if m.account == r.new_owner_account {
            m.role = GroupMemberRole::Owner;
        } else if m.role == GroupMemberRole::Owner {
            m.role = GroupMemberRole::Member;
        }
    }
    g.owner = Some(r.new_owner_account.clone());
    ok(&ChangeGroupOwnerResponse::new())
}

/// How long send_group_msg drops a repeat with the same content and Random (269/1629: 5 minutes).
const GROUP_DEDUPE_SECONDS: u64 = 300;

/// send_group_msg (269/1629): From_Account (default: the admin) must be a member (10007) and not muted
/// (10017; MuteAllMember mutes everyone but the owner and administrators). A repeat with the same
/// content and Random within 5 minutes is not stored again. Group.CallbackBeforeSendMsg decides
/// (allow, possibly with a new body; reject: 10016 or its custom code; drop: success, not stored) and
/// Group.CallbackAfterSendMsg follows, unless ForbidCallbackControl turns them off.
pub(crate) async fn send_msg(inner: &Arc<Inner>, r: &SendGroupMsgRequest) -> Reply {
    let now = inner.now();
    let from = r.from_account.clone();
    let sender = from.clone().unwrap_or_else(|| inner.admin.clone());
    let group_type = {
        let w = inner.world();
        let Some(g) = w.groups.get(&r.group_id) else { return not_found(&r.group_id) };
        if let Some(f) = &from {
            let Some(m) = g.member(f) else { return fail(GROUP_PERMISSION_DENIED, format!("{f} is not a member")) };
            let privileged = matches!(m.role, GroupMemberRole::Owner | GroupMemberRole::Admin);
            if m.mute_until > now || (g.mute_all && !privileged) {
                return fail(GROUP_SENDER_MUTED, format!("{f} is muted"));
            }
        }
        let dup = g
            .messages
            .iter()
            .rev()
            .take_while(|m| m.time + GROUP_DEDUPE_SECONDS >= now)
            .find(|m| m.random == r.random && m.from == sender && m.body == r.msg_body);
        if let Some(m) = dup {
            return ok(&SendGroupMsgResponse::new(m.time, m.seq));
        }
        g.group_type.clone()
    };
    let forbid = r.forbid_callback_control.as_deref().unwrap_or(&[]);
    let mut body = r.msg_body.clone();
    let mut cloud = r.cloud_custom_data.clone();
    if !forbid.contains(&ForbidCallbackControl::ForbidBeforeSendMsg) {
        let mut e = GroupBeforeSendMsgEvent::new(
            "Group.CallbackBeforeSendMsg",
            &r.group_id,
            group_type.clone(),
            &sender,
            &inner.admin,
            r.random,
            r.online_only_flag.unwrap_or(false),
            now * 1000,
        );
        e.msg_body = body.clone();
        e.cloud_custom_data = cloud.clone();
        match callbacks::before(inner, "Group.CallbackBeforeSendMsg", &e, &callbacks::GROUP_SEND).await {
            Before::Reject { code, info } => return fail(code, info),
            Before::Drop => {
                let seq = inner.world().groups.get(&r.group_id).map_or(1, Group::next_msg_seq);
                return ok(&SendGroupMsgResponse::new(now, seq));
            }
            Before::Allow { body: b, cloud_custom_data: c } => {
                if let Some(b) = b {
                    body = b;
                }
                if c.is_some() {
                    cloud = c;
                }
            }
        }
    }
    let seq = {
        let mut w = inner.world();
        let Some(g) = w.groups.get_mut(&r.group_id) else { return not_found(&r.group_id) };
        let seq = g.next_msg_seq();
        g.messages.push(GroupMessage {
            seq,
            from: sender.clone(),
            random: r.random,
            time: now,
            body: body.clone(),
            cloud_custom_data: cloud.clone(),
            recalled: false,
        });
        if let Some(m) = g.member_mut(&sender) {
            m.last_send_msg_time = now;
        }
        seq
    };
    if !forbid.contains(&ForbidCallbackControl::ForbidAfterSendMsg) {
        let mut e = GroupAfterSendMsgEvent::new(
            "Group.CallbackAfterSendMsg",
            &r.group_id,
            group_type,
            &sender,
            &inner.admin,
            r.random,
            seq,
            now,
            r.online_only_flag.unwrap_or(false),
            now * 1000,
        );
        e.msg_body = body;
        e.cloud_custom_data = cloud;
        callbacks::after(inner, "Group.CallbackAfterSendMsg", &e);
    }
    ok(&SendGroupMsgResponse::new(now, seq))
}

/// send_group_system_notification (269/1630): kept per group (to all members, or to the listed ones);
/// system notifications are not part of the message history.
pub(crate) fn system_notification(inner: &Inner, r: &SendGroupSystemNotificationRequest) -> Reply {
    let now = inner.now();
    let mut w = inner.world();
    let Some(g) = w.groups.get_mut(&r.group_id) else { return not_found(&r.group_id) };
    g.notifications.push(GroupNotification { to: r.to_members_account.clone().unwrap_or_default(), content: r.content.clone(), time: now });
    ok(&SendGroupSystemNotificationResponse::new())
}

/// group_msg_get_simple (269/2738): newest first from ReqMsgSeq (default: the newest), at most 20 per
/// call; recalled messages only with WithRecalledMsg 1 (IsPlaceMsg 2); IsFinished 1 when the whole
/// requested range came back.
pub(crate) fn history(inner: &Inner, r: &GroupMsgGetSimpleRequest) -> Reply {
    let w = inner.world();
    let Some(g) = w.groups.get(&r.group_id) else { return not_found(&r.group_id) };
    let top = r.req_msg_seq.unwrap_or(u64::MAX);
    let want = r.req_msg_number as usize;
    let take = want.min(20);
    let with_recalled = r.with_recalled_msg == Some(true);
    let mut list = Vec::new();
    for m in g.messages.iter().rev().filter(|m| m.seq <= top).take(take) {
        if m.recalled && !with_recalled {
            continue;
        }
        let mut h = GroupHistoryMsg::new(&m.from, if m.recalled { 2 } else { 0 }, m.random, m.seq, m.time);
        h.msg_body = if m.recalled { Vec::new() } else { m.body.clone() };
        list.push(h);
    }
    let finished = if want > 20 { GroupMsgGetSimpleIsFinished::Incomplete } else { GroupMsgGetSimpleIsFinished::Complete };
    let mut resp = GroupMsgGetSimpleResponse::new(&r.group_id, finished);
    resp.rsp_msg_list = list;
    ok(&resp)
}

/// group_msg_recall (269/12341): recalls each listed message; a sequence number with no message gets
/// RetCode 10030. Sends Group.CallbackAfterRecallMsg for the recalled ones.
pub(crate) fn recall(inner: &Arc<Inner>, r: &GroupMsgRecallRequest) -> Reply {
    let mut resp = GroupMsgRecallResponse::new();
    let mut recalled = Vec::new();
    let group_type = {
        let mut w = inner.world();
        let Some(g) = w.groups.get_mut(&r.group_id) else { return not_found(&r.group_id) };
        for item in &r.msg_seq_list {
            let code = match g.messages.iter_mut().find(|m| m.seq == item.msg_seq) {
                Some(m) => {
                    m.recalled = true;
                    recalled.push(RecalledGroupMsg::new(item.msg_seq));
                    0
                }
                None => GROUP_RECALL_MSG_NOT_FOUND,
            };
            resp.recall_ret_list.push(RecallRetItem::new(item.msg_seq, code));
        }
        g.group_type.clone()
    };
    if !recalled.is_empty() {
        let mut e =
            GroupAfterRecallMsgEvent::new("Group.CallbackAfterRecallMsg", &inner.admin, group_type, &r.group_id, inner.now() * 1000);
        e.msg_seq_list = recalled;
        callbacks::after(inner, "Group.CallbackAfterRecallMsg", &e);
    }
    ok(&resp)
}
