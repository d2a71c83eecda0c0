//! Recent contacts (recentcontact/get_list, delete), derived from the stored messages.

use crate::{Inner, fail, ok};
use tim_rest::error_codes::RECENT_CONTACT_ACCOUNT_NOT_FOUND;
use tim_rest::mock::Reply;
use tim_rest::recentcontact::{ContactType, DeleteRequest, DeleteResponse, GetListRequest, GetListResponse, SessionItem};

fn c2c_key(peer: &str) -> String {
    format!("c2c:{peer}")
}

fn group_key(id: &str) -> String {
    format!("group:{id}")
}

/// get_list (269/62118): the user's conversations, newest first: one-to-one conversations with a
/// message to or from the user, and groups with a message where the user is a member; a conversation
/// deleted after its last message is left out. One page (CompleteFlag 1).
pub(crate) fn get_list(inner: &Inner, r: &GetListRequest) -> Reply {
    let w = inner.world();
    let me = &r.from_account;
    if !w.has_account(me) {
        return fail(RECENT_CONTACT_ACCOUNT_NOT_FOUND, "From_Account is not an imported account");
    }
    let deleted = w.deleted_contacts.get(me);
    let gone = |key: &str, t: u64| deleted.and_then(|d| d.get(key)).is_some_and(|at| *at >= t);
    let mut items: Vec<(u64, SessionItem)> = Vec::new();
    let mut last: std::collections::BTreeMap<&str, u64> = std::collections::BTreeMap::new();
    for m in &w.c2c {
        let peer = if &m.from == me {
            m.to.as_str()
        } else if &m.to == me {
            m.from.as_str()
        } else {
            continue;
        };
        let t = last.entry(peer).or_insert(0);
        *t = (*t).max(m.time);
    }
    for (peer, t) in last {
        if !gone(&c2c_key(peer), t) {
            let mut s = SessionItem::new(ContactType::C2c, t, false);
            s.to_account = Some(peer.to_owned());
            items.push((t, s));
        }
    }
    for (id, g) in &w.groups {
        if g.member(me).is_none() {
            continue;
        }
        let Some(t) = g.messages.last().map(|m| m.time) else { continue };
        if !gone(&group_key(id), t) {
            let mut s = SessionItem::new(ContactType::Group, t, false);
            s.group_id = Some(id.clone());
            items.push((t, s));
        }
    }
    items.sort_by_key(|i| std::cmp::Reverse(i.0));
    let mut resp = GetListResponse::new(1, 0, 0, 0, 0);
    resp.session_item = items.into_iter().map(|(_, s)| s).collect();
    ok(&resp)
}

/// delete (269/62119): removes a conversation from the user's list (until a newer message arrives).
pub(crate) fn delete(inner: &Inner, r: &DeleteRequest) -> Reply {
    let now = inner.now();
    let mut w = inner.world();
    if !w.has_account(&r.from_account) {
        return fail(RECENT_CONTACT_ACCOUNT_NOT_FOUND, "From_Account is not an imported account");
    }
    let key = match (&r.r#type, &r.to_account, &r.to_groupid) {
        (ContactType::C2c, Some(peer), _) => c2c_key(peer),
        (ContactType::Group, _, Some(id)) => group_key(id),
        _ => return fail(tim_rest::error_codes::RECENT_CONTACT_INVALID_PARAMETER, "To_Account (Type 1) or ToGroupid (Type 2) is required"),
    };
    w.deleted_contacts.entry(r.from_account.clone()).or_default().insert(key, now);
    ok(&DeleteResponse::new())
}
