//! Accounts (im_open_login_svc) and online state (openim/query_online_status).

use crate::world::Account;
use crate::{Inner, fail, ok};
use tim_rest::error_codes::{ACCOUNT_INVALID_PARAMETER, ACCOUNT_NOT_FOUND};
use tim_rest::im_open_login_svc::{
    AccountCheckRequest, AccountCheckResponse, AccountCheckResultItem, AccountDeleteRequest, AccountDeleteResponse,
    AccountDeleteResultItem, AccountImportRequest, AccountImportResponse, AccountStatus, KickRequest, KickResponse,
    MultiAccountImportRequest, MultiAccountImportResponse,
};
use tim_rest::mock::Reply;
use tim_rest::openim::{OnlineStatus, OnlineStatusError, OnlineStatusResult, QueryOnlineStatusRequest, QueryOnlineStatusResponse};

/// The profile tags account_import writes (269/1608: Nick and FaceUrl are the profile fields
/// Tag_Profile_IM_Nick and Tag_Profile_IM_Image).
pub(crate) const NICK: &str = "Tag_Profile_IM_Nick";
pub(crate) const IMAGE: &str = "Tag_Profile_IM_Image";

fn upsert(inner: &Inner, user: &str, nick: Option<&String>, face: Option<&String>) {
    let now = inner.now();
    let mut w = inner.world();
    let a = w.accounts.entry(user.to_owned()).or_insert_with(|| Account { created: now, ..Default::default() });
    if let Some(n) = nick {
        a.profile.insert(NICK.to_owned(), n.clone().into());
    }
    if let Some(f) = face {
        a.profile.insert(IMAGE.to_owned(), f.clone().into());
    }
}

/// account_import (269/1608): creates the account; importing it again creates no second one (the
/// nickname and photo given are stored).
pub(crate) fn import(inner: &Inner, r: &AccountImportRequest) -> Reply {
    upsert(inner, &r.user_id, r.nick.as_ref(), r.face_url.as_ref());
    ok(&AccountImportResponse::new())
}

/// multiaccount_import (269/4919): the old form (`Accounts`) or the new one (`AccountList`, which
/// updates existing accounts' nickname and photo); exactly one of the two.
pub(crate) fn multi_import(inner: &Inner, r: &MultiAccountImportRequest) -> Reply {
    match (&r.accounts, &r.account_list) {
        (Some(ids), None) => ids.iter().for_each(|id| upsert(inner, id, None, None)),
        (None, Some(items)) => items.iter().for_each(|i| upsert(inner, &i.user_id, i.nick.as_ref(), i.face_url.as_ref())),
        _ => return fail(ACCOUNT_INVALID_PARAMETER, "send exactly one of Accounts and AccountList"),
    }
    ok(&MultiAccountImportResponse::new())
}

/// account_delete (269/36443): per account, 0 when deleted, 70107 when it does not exist. The account
/// goes with its relationship chain (friends, friend lists, blocklist, both ways), its profile, its group
/// memberships and its conversation list; messages stay in the other party's history.
pub(crate) fn delete(inner: &Inner, r: &AccountDeleteRequest) -> Reply {
    let mut w = inner.world();
    let mut resp = AccountDeleteResponse::new();
    for item in &r.delete_item {
        let id = &item.user_id;
        let found = w.accounts.remove(id).is_some();
        if found {
            w.friends.remove(id);
            w.friend_groups.remove(id);
            w.blacklist.remove(id);
            w.deleted_contacts.remove(id);
            w.c2c_read.remove(id);
            for list in w.friends.values_mut() {
                list.remove(id);
            }
            for list in w.blacklist.values_mut() {
                list.remove(id);
            }
            for g in w.groups.values_mut() {
                g.members.retain(|m| &m.account != id);
                if g.owner.as_ref() == Some(id) {
                    g.owner = None;
                }
            }
        }
        let (code, info) = if found { (0, "") } else { (ACCOUNT_NOT_FOUND, "account not found") };
        resp.result_item.push(AccountDeleteResultItem::new(code, info, &item.user_id));
    }
    ok(&resp)
}

/// account_check (269/38417): per account, `Imported` or `NotImported`.
pub(crate) fn check(inner: &Inner, r: &AccountCheckRequest) -> Reply {
    let w = inner.world();
    let mut resp = AccountCheckResponse::new();
    for item in &r.check_item {
        let status = if w.has_account(&item.user_id) { AccountStatus::Imported } else { AccountStatus::NotImported };
        resp.result_item.push(AccountCheckResultItem::new(&item.user_id, 0, "").account_status(status));
    }
    ok(&resp)
}

/// kick (269/3853): invalidates the account's login state (here: marks it offline); 70107 for an
/// account that was never imported.
pub(crate) fn kick(inner: &Inner, r: &KickRequest) -> Reply {
    let mut w = inner.world();
    match w.accounts.get_mut(&r.user_id) {
        Some(a) => {
            a.online = false;
            ok(&KickResponse::new())
        }
        None => fail(ACCOUNT_NOT_FOUND, "account not found"),
    }
}

/// query_online_status (269/2566): the status of each imported account; accounts that do not exist are
/// listed in ErrorList with 70107 (the page's example).
pub(crate) fn query_state(inner: &Inner, r: &QueryOnlineStatusRequest) -> Reply {
    let w = inner.world();
    let mut resp = QueryOnlineStatusResponse::new();
    for id in &r.to_account {
        match w.accounts.get(id) {
            Some(a) => {
                let status = if a.online { OnlineStatus::Online } else { OnlineStatus::Offline };
                resp.query_result.push(OnlineStatusResult::new(id, status));
            }
            None => resp.error_list.push(OnlineStatusError::new(id, ACCOUNT_NOT_FOUND)),
        }
    }
    ok(&resp)
}
