//! Friends, friend lists and blocklists (sns).

use crate::callbacks;
use crate::world::Friend;
use crate::{Inner, fail, ok};
use std::sync::Arc;
use tim_rest::callbacks::sns::{
    AccountPair, FriendAddPair, SnsBlackListAddEvent, SnsBlackListDeleteEvent, SnsFriendAddEvent, SnsFriendDeleteEvent,
};
use tim_rest::error_codes::{
    SNS_ACCOUNT_NOT_FOUND, SNS_IN_PEER_BLACKLIST, SNS_INVALID_PARAMETER, SNS_NOT_FRIENDS, SNS_PEER_DISALLOWS_ADDING,
    SNS_PEER_IN_OWN_BLACKLIST, SNS_PENDING_CREATED,
};
use tim_rest::mock::Reply;
use tim_rest::sns::*;

/// The profile tag that says how a user accepts friend requests (profile page 269/1500).
const ALLOW_TYPE: &str = "Tag_Profile_IM_AllowType";

fn missing(id: &str) -> Reply {
    fail(SNS_ACCOUNT_NOT_FOUND, format!("{id} is not an imported account"))
}

fn blocked(w: &crate::World, owner: &str, other: &str) -> bool {
    w.blacklist.get(owner).is_some_and(|b| b.contains_key(other))
}

/// friend_add (269/1643): two-way by default (AddType Single: one-way). Per item: 30003 for an account
/// that does not exist, 30515 when the peer is on the adder's blocklist, 30525 when the adder is on the
/// peer's. Without ForceAddFlags 1, the peer's Tag_Profile_IM_AllowType decides: NeedConfirm makes only
/// a pending request (30539, nothing stored), DenyAny refuses (30516); no value or AllowAny adds.
/// Sends Sns.CallbackFriendAdd for the pairs added.
pub(crate) fn friend_add(inner: &Arc<Inner>, r: &FriendAddRequest) -> Reply {
    let now = inner.now();
    let both = !matches!(r.add_type, Some(AddType::Single));
    let force = r.force_add_flags == Some(true);
    let mut pairs = Vec::new();
    let mut resp = FriendAddResponse::new();
    {
        let mut w = inner.world();
        if !w.has_account(&r.from_account) {
            return missing(&r.from_account);
        }
        for item in &r.add_friend_item {
            let to = &item.to_account;
            let code = if !w.has_account(to) {
                SNS_ACCOUNT_NOT_FOUND
            } else if blocked(&w, &r.from_account, to) {
                SNS_PEER_IN_OWN_BLACKLIST
            } else if blocked(&w, to, &r.from_account) {
                SNS_IN_PEER_BLACKLIST
            } else {
                let allow = w.accounts.get(to).and_then(|a| a.profile.get(ALLOW_TYPE)).and_then(|v| v.as_str()).unwrap_or("");
                match allow {
                    "AllowType_Type_NeedConfirm" if !force => SNS_PENDING_CREATED,
                    "AllowType_Type_DenyAny" if !force => SNS_PEER_DISALLOWS_ADDING,
                    _ => 0,
                }
            };
            if code == 0 {
                let entry = Friend {
                    remark: item.remark.clone(),
                    groups: item.group_name.iter().cloned().collect(),
                    add_source: item.add_source.clone(),
                    add_wording: item.add_wording.clone(),
                    add_time: now,
                };
                w.friends.entry(r.from_account.clone()).or_default().insert(to.clone(), entry);
                if both {
                    let back = Friend { add_source: item.add_source.clone(), add_time: now, ..Friend::default() };
                    w.friends.entry(to.clone()).or_default().entry(r.from_account.clone()).or_insert(back);
                }
                pairs.push(to.clone());
            } else {
                resp.fail_account.push(to.clone());
            }
            let info = if code == 0 { "" } else { "not added" };
            resp.result_item.push(SnsResultItem::new(to, code, info));
        }
    }
    if !pairs.is_empty() {
        let mut e = SnsFriendAddEvent::new("Sns.CallbackFriendAdd", "friend_add", &inner.admin, force);
        e.pair_list = pairs.iter().map(|to| FriendAddPair::new(&r.from_account, to, &r.from_account)).collect();
        callbacks::after(inner, "Sns.CallbackFriendAdd", &e);
    }
    ok(&resp)
}

/// friend_delete (269/1644): one-way or two-way (the default); per item 31704 when there is no friend
/// relationship. Sends Sns.CallbackFriendDelete for the relations removed.
pub(crate) fn friend_delete(inner: &Arc<Inner>, r: &FriendDeleteRequest) -> Reply {
    let mut pairs = Vec::new();
    let reply = friend_delete_in(inner, r, &mut pairs);
    pairs_after(inner, "Sns.CallbackFriendDelete", pairs, |p| {
        let mut e = SnsFriendDeleteEvent::new("Sns.CallbackFriendDelete");
        e.pair_list = p;
        serde_json::to_value(e).unwrap_or_default()
    });
    reply
}

/// Sends an "after" callback with these pairs, when there are any.
fn pairs_after(inner: &Arc<Inner>, command: &str, pairs: Vec<AccountPair>, event: impl FnOnce(Vec<AccountPair>) -> serde_json::Value) {
    if !pairs.is_empty() {
        callbacks::after(inner, command, &event(pairs));
    }
}

fn friend_delete_in(inner: &Inner, r: &FriendDeleteRequest, pairs: &mut Vec<AccountPair>) -> Reply {
    let mut w = inner.world();
    if !w.has_account(&r.from_account) {
        return missing(&r.from_account);
    }
    let both = !matches!(r.delete_type, Some(DeleteType::Single));
    let mut resp = FriendDeleteResponse::new();
    for to in &r.to_account {
        let removed = w.friends.get_mut(&r.from_account).and_then(|f| f.remove(to)).is_some();
        if removed {
            pairs.push(AccountPair::new(&r.from_account, to));
        }
        if removed
            && both
            && let Some(f) = w.friends.get_mut(to)
            && f.remove(&r.from_account).is_some()
        {
            pairs.push(AccountPair::new(to, &r.from_account));
        }
        let (code, info) = if removed { (0, "") } else { (SNS_NOT_FRIENDS, "not a friend") };
        resp.result_item.push(SnsResultItem::new(to, code, info));
    }
    ok(&resp)
}

/// How many friends friend_get returns per page (the page size the emulator uses; the page, 269/1647,
/// pages with StartIndex/NextStartIndex).
const FRIEND_PAGE: usize = 100;

/// friend_get (269/1647): the friends with their standard friend data, from StartIndex, with
/// NextStartIndex and CompleteFlag.
pub(crate) fn friend_get(inner: &Inner, r: &FriendGetRequest) -> Reply {
    let w = inner.world();
    if !w.has_account(&r.from_account) {
        return missing(&r.from_account);
    }
    let empty = std::collections::BTreeMap::new();
    let all = w.friends.get(&r.from_account).unwrap_or(&empty);
    let start = usize::try_from(r.start_index).unwrap_or(usize::MAX);
    let page: Vec<(&String, &Friend)> = all.iter().skip(start).take(FRIEND_PAGE).collect();
    let end = start.saturating_add(page.len());
    let complete = end >= all.len();
    let mut resp = FriendGetResponse::new(all.len() as u64, all.len() as u64, i32::from(complete), if complete { 0 } else { end as u64 });
    for (to, f) in page {
        let mut item = FriendGetItem::new(to);
        item.value_item.push(SnsItem::new("Tag_SNS_IM_AddSource", SnsValue::Text(f.add_source.clone())));
        item.value_item.push(SnsItem::new("Tag_SNS_IM_AddTime", SnsValue::Integer(i64::try_from(f.add_time).unwrap_or(i64::MAX))));
        if let Some(remark) = &f.remark {
            item.value_item.push(SnsItem::new("Tag_SNS_IM_Remark", SnsValue::Text(remark.clone())));
        }
        if !f.groups.is_empty() {
            item.value_item.push(SnsItem::new("Tag_SNS_IM_Group", SnsValue::List(f.groups.clone())));
        }
        if let Some(wording) = &f.add_wording {
            item.value_item.push(SnsItem::new("Tag_SNS_IM_AddWording", SnsValue::Text(wording.clone())));
        }
        resp.user_data_item.push(item);
    }
    ok(&resp)
}

fn is_friend(w: &crate::World, a: &str, b: &str) -> bool {
    w.friends.get(a).is_some_and(|f| f.contains_key(b))
}

/// friend_check (269/1646): per account, the relation (CheckType Single: only whether they are on the
/// checker's list, `AWithB` or `NoRelation`; Both: `BothWay`, `AWithB`, `BWithA` or `NoRelation`).
pub(crate) fn friend_check(inner: &Inner, r: &FriendCheckRequest) -> Reply {
    let w = inner.world();
    if !w.has_account(&r.from_account) {
        return missing(&r.from_account);
    }
    let mut resp = FriendCheckResponse::new();
    for to in &r.to_account {
        let a = is_friend(&w, &r.from_account, to);
        let b = matches!(r.check_type, FriendCheckType::Both) && is_friend(&w, to, &r.from_account);
        let rel = match (a, b) {
            (true, true) => FriendRelation::BothWay,
            (true, false) => FriendRelation::AWithB,
            (false, true) => FriendRelation::BWithA,
            (false, false) => FriendRelation::NoRelation,
        };
        let mut item = FriendCheckItem::new(to, 0, "");
        item.relation = Some(rel);
        resp.info_item.push(item);
    }
    ok(&resp)
}

fn sequence(w: &crate::World, user: &str) -> u64 {
    w.friend_groups.get(user).map_or(0, |g| g.len() as u64)
}

/// group_add (269/10107): adds friend lists, and puts the listed friends into them.
pub(crate) fn group_add(inner: &Inner, r: &GroupAddRequest) -> Reply {
    let mut w = inner.world();
    if !w.has_account(&r.from_account) {
        return missing(&r.from_account);
    }
    let lists = w.friend_groups.entry(r.from_account.clone()).or_default();
    for name in &r.group_name {
        if !lists.contains(name) {
            lists.push(name.clone());
        }
    }
    let mut resp = GroupAddResponse::new(0);
    for to in r.to_account.iter().flatten() {
        match w.friends.get_mut(&r.from_account).and_then(|f| f.get_mut(to)) {
            Some(f) => {
                for name in &r.group_name {
                    if !f.groups.contains(name) {
                        f.groups.push(name.clone());
                    }
                }
                resp.result_item.push(SnsResultItem::new(to, 0, ""));
            }
            None => {
                resp.result_item.push(SnsResultItem::new(to, SNS_NOT_FRIENDS, "not a friend"));
                resp.fail_account.push(to.clone());
            }
        }
    }
    resp.current_sequence = sequence(&w, &r.from_account);
    ok(&resp)
}

/// group_delete (269/10108): deletes friend lists (the friends stay, out of those lists).
pub(crate) fn group_delete(inner: &Inner, r: &GroupDeleteRequest) -> Reply {
    let mut w = inner.world();
    if !w.has_account(&r.from_account) {
        return missing(&r.from_account);
    }
    if let Some(lists) = w.friend_groups.get_mut(&r.from_account) {
        lists.retain(|l| !r.group_name.contains(l));
    }
    if let Some(friends) = w.friends.get_mut(&r.from_account) {
        for f in friends.values_mut() {
            f.groups.retain(|g| !r.group_name.contains(g));
        }
    }
    ok(&GroupDeleteResponse::new(sequence(&w, &r.from_account)))
}

/// black_list_add (269/3718): adds to the blocklist and removes an existing friendship both ways; per
/// item 30003 for an account that does not exist, 30001 `Err_SNS_BlackListAdd_Already_Exist` when it is
/// already on the list (the page's example). Sends Sns.CallbackBlackListAdd, and Sns.CallbackFriendDelete
/// for the friendships it removed (the newest zh page of the latter).
pub(crate) fn black_add(inner: &Arc<Inner>, r: &BlackListAddRequest) -> Reply {
    let (mut added, mut unfriended) = (Vec::new(), Vec::new());
    let reply = black_add_in(inner, r, &mut added, &mut unfriended);
    pairs_after(inner, "Sns.CallbackBlackListAdd", added, |p| {
        let mut e = SnsBlackListAddEvent::new("Sns.CallbackBlackListAdd");
        e.pair_list = p;
        serde_json::to_value(e).unwrap_or_default()
    });
    pairs_after(inner, "Sns.CallbackFriendDelete", unfriended, |p| {
        let mut e = SnsFriendDeleteEvent::new("Sns.CallbackFriendDelete");
        e.pair_list = p;
        serde_json::to_value(e).unwrap_or_default()
    });
    reply
}

fn black_add_in(inner: &Inner, r: &BlackListAddRequest, added: &mut Vec<AccountPair>, unfriended: &mut Vec<AccountPair>) -> Reply {
    let now = inner.now();
    let mut w = inner.world();
    if !w.has_account(&r.from_account) {
        return missing(&r.from_account);
    }
    let mut resp = BlackListAddResponse::new();
    for to in &r.to_account {
        let (code, info) = if !w.has_account(to) {
            (SNS_ACCOUNT_NOT_FOUND, "account not found")
        } else if blocked(&w, &r.from_account, to) {
            (SNS_INVALID_PARAMETER, "Err_SNS_BlackListAdd_Already_Exist")
        } else {
            w.blacklist.entry(r.from_account.clone()).or_default().insert(to.clone(), now);
            added.push(AccountPair::new(&r.from_account, to));
            if w.friends.get_mut(&r.from_account).and_then(|f| f.remove(to)).is_some() {
                unfriended.push(AccountPair::new(&r.from_account, to));
            }
            if w.friends.get_mut(to).and_then(|f| f.remove(&r.from_account)).is_some() {
                unfriended.push(AccountPair::new(to, &r.from_account));
            }
            (0, "")
        };
        if code != 0 {
            resp.fail_account.push(to.clone());
        }
        resp.result_item.push(SnsResultItem::new(to, code, info));
    }
    ok(&resp)
}

/// black_list_delete (269/3719): removes from the blocklist. Sends Sns.CallbackBlackListDelete.
pub(crate) fn black_delete(inner: &Arc<Inner>, r: &BlackListDeleteRequest) -> Reply {
    let mut pairs = Vec::new();
    let resp = {
        let mut w = inner.world();
        if !w.has_account(&r.from_account) {
            return missing(&r.from_account);
        }
        let mut resp = BlackListDeleteResponse::new();
        for to in &r.to_account {
            let removed = w.blacklist.get_mut(&r.from_account).and_then(|b| b.remove(to)).is_some();
            if removed {
                pairs.push(AccountPair::new(&r.from_account, to));
            } else {
                resp.fail_account.push(to.clone());
            }
            resp.result_item.push(SnsResultItem::new(to, 0, ""));
        }
        resp
    };
    pairs_after(inner, "Sns.CallbackBlackListDelete", pairs, |p| {
        let mut e = SnsBlackListDeleteEvent::new("Sns.CallbackBlackListDelete");
        e.pair_list = p;
        serde_json::to_value(e).unwrap_or_default()
    });
    ok(&resp)
}

/// black_list_get (269/3722): the blocklist from StartIndex, at most MaxLimited entries; the reply's
/// StartIndex is the next page's (0 on the last page).
pub(crate) fn black_get(inner: &Inner, r: &BlackListGetRequest) -> Reply {
    let w = inner.world();
    if !w.has_account(&r.from_account) {
        return missing(&r.from_account);
    }
    let empty = std::collections::BTreeMap::new();
    let all = w.blacklist.get(&r.from_account).unwrap_or(&empty);
    let start = usize::try_from(r.start_index).unwrap_or(usize::MAX);
    let limit = (r.max_limited as usize).max(1);
    let page: Vec<(&String, &u64)> = all.iter().skip(start).take(limit).collect();
    let end = start.saturating_add(page.len());
    let mut resp = BlackListGetResponse::new(if end >= all.len() { 0 } else { end as u64 }, all.len() as u64);
    resp.black_list_item = page.into_iter().map(|(to, at)| BlackListEntry::new(to, i64::try_from(*at).unwrap_or(i64::MAX))).collect();
    ok(&resp)
}

/// black_list_check (269/3725): per account, the blocklist relation (Single: only the checker's list).
pub(crate) fn black_check(inner: &Inner, r: &BlackListCheckRequest) -> Reply {
    let w = inner.world();
    if !w.has_account(&r.from_account) {
        return missing(&r.from_account);
    }
    let mut resp = BlackListCheckResponse::new();
    for to in &r.to_account {
        let a = blocked(&w, &r.from_account, to);
        let b = matches!(r.check_type, BlackCheckType::Both) && blocked(&w, to, &r.from_account);
        let rel = match (a, b) {
            (true, true) => BlackRelation::BothWay,
            (true, false) => BlackRelation::AWithB,
            (false, true) => BlackRelation::BWithA,
            (false, false) => BlackRelation::No,
        };
        let mut item = BlackListCheckItem::new(to, 0, "");
        item.relation = Some(rel);
        resp.black_list_check_item.push(item);
    }
    ok(&resp)
}
