//! One-to-one messages (openim).

use crate::callbacks::{self, Before};
use crate::world::C2cMessage;
use crate::{Inner, fail, ok};
use std::sync::Arc;
use tim_rest::callbacks::c2c::{C2cAfterMsgWithdrawEvent, C2cAfterSendMsgEvent, C2cBeforeSendMsgEvent};
use tim_rest::error_codes::{
    ACCOUNT_NOT_FOUND, MSG_ALREADY_RECALLED, MSG_FROM_ACCOUNT_MISSING, MSG_RECALL_TARGET_NOT_FOUND, MSG_TO_ACCOUNT_NOT_REGISTERED,
};
use tim_rest::mock::Reply;
use tim_rest::openim::{
    AdminGetRoamMsgRequest, AdminGetRoamMsgResponse, AdminMsgWithdrawRequest, AdminMsgWithdrawResponse, AdminSetMsgReadRequest,
    AdminSetMsgReadResponse, BatchSendMsgError, BatchSendMsgRequest, BatchSendMsgResponse, C2CRoamMsg, C2CUnreadMsgNum,
    C2CUnreadMsgNumError, GetC2cUnreadMsgNumRequest, GetC2cUnreadMsgNumResponse, ImportMsgRequest, ImportMsgResponse, MsgFlagBits,
    SendMsgRequest, SendMsgResponse,
};
use tim_rest::types::MsgElement;

/// How long sendmsg de-duplicates an identical retry: 120 s on the newest zh page of 269/2282 (sender,
/// MsgSeq, MsgRandom and the content).
const DEDUPE_SECONDS: u64 = 120;

fn key(seq: u64, random: u32, time: u64) -> String {
    // The documented MsgKey examples read `<MsgSeq>_<MsgRandom>_<MsgTime>` ("48374_2837546_1557481126").
    format!("{seq}_{random}_{time}")
}

fn next_seq(inner: &Inner, given: Option<u64>) -> u64 {
    let mut w = inner.world();
    match given {
        Some(s) => s,
        None => {
            w.next_c2c_seq += 1;
            w.next_c2c_seq
        }
    }
}

/// sendmsg (269/2282): From_Account (default: the admin) and To_Account must be imported (90008,
/// 90012); friendship, blocklists and mutes are not checked. An identical retry within 120 s is not
/// stored twice and gets the first MsgKey. With C2C.CallbackBeforeSendMsg enabled, the app decides
/// (allow, possibly with a new body; reject: 20006 or its custom code; drop: success, not stored);
/// C2C.CallbackAfterSendMsg follows a stored message.
pub(crate) async fn send(inner: &Arc<Inner>, r: &SendMsgRequest) -> Reply {
    let from = r.from_account.clone().unwrap_or_else(|| inner.admin.clone());
    let now = inner.now();
    let time = r.msg_time_stamp.unwrap_or(now);
    {
        let w = inner.world();
        if !w.has_account(&from) {
            return fail(MSG_FROM_ACCOUNT_MISSING, "From_Account is not an imported account");
        }
        if !w.has_account(&r.to_account) {
            return fail(MSG_TO_ACCOUNT_NOT_REGISTERED, "To_Account is not an imported account");
        }
        let same_random = w.c2c_by_random.get(&r.msg_random).map_or(&[][..], Vec::as_slice);
        let dup = same_random.iter().rev().filter_map(|i| w.c2c.get(*i)).find(|m| {
            m.time + DEDUPE_SECONDS >= now
                && m.random == r.msg_random
                && m.from == from
                && m.to == r.to_account
                && r.msg_seq.is_none_or(|s| s == m.seq)
                && m.body == r.msg_body
        });
        if let Some(m) = dup {
            return ok(&SendMsgResponse::new(m.time).msg_key(m.key.clone()));
        }
    }
    let seq = next_seq(inner, r.msg_seq);
    let msg_key = key(seq, r.msg_random, time);
    let mut body = r.msg_body.clone();
    let cloud;
    let mut event = C2cBeforeSendMsgEvent::new("C2C.CallbackBeforeSendMsg", &from, &r.to_account, seq as u32, r.msg_random, time, &msg_key);
    event.msg_body = body.clone();
    match callbacks::before(inner, "C2C.CallbackBeforeSendMsg", &event, &callbacks::C2C_SEND).await {
        Before::Reject { code, info } => return fail(code, info),
        Before::Drop => return ok(&SendMsgResponse::new(time).msg_key(msg_key)),
        Before::Allow { body: new_body, cloud_custom_data } => {
            if let Some(b) = new_body {
                body = b;
            }
            cloud = cloud_custom_data;
        }
    }
    store(inner, &from, &r.to_account, seq, r.msg_random, time, &msg_key, body.clone(), cloud.clone(), false);
    let mut after =
        C2cAfterSendMsgEvent::new("C2C.CallbackAfterSendMsg", &from, &r.to_account, seq as u32, r.msg_random, time, &msg_key, 0, "");
    after.msg_body = body;
    after.cloud_custom_data = cloud;
    callbacks::after(inner, "C2C.CallbackAfterSendMsg", &after);
    ok(&SendMsgResponse::new(time).msg_key(msg_key))
}

#[allow(clippy::too_many_arguments)]
fn store(
    inner: &Inner,
    from: &str,
    to: &str,
    seq: u64,
    random: u32,
    time: u64,
    key: &str,
    body: Vec<MsgElement>,
    cloud: Option<String>,
    imported: bool,
) {
    inner.world().push_c2c(C2cMessage {
        from: from.to_owned(),
        to: to.to_owned(),
        seq,
        random,
        time,
        key: key.to_owned(),
        body,
        cloud_custom_data: cloud,
        recalled: false,
        imported,
    });
}

/// batchsendmsg (269/1612): one message to each recipient; triggers no callbacks and checks no
/// friendship, blocklist or mute. Recipients that are not imported are listed in ErrorList (90012) and
/// the reply is `SomeError` with ErrorCode 0.
pub(crate) async fn batch_send(inner: &Arc<Inner>, r: &BatchSendMsgRequest) -> Reply {
    let from = r.from_account.clone().unwrap_or_else(|| inner.admin.clone());
    if !inner.world().has_account(&from) {
        return fail(MSG_FROM_ACCOUNT_MISSING, "From_Account is not an imported account");
    }
    let time = inner.now();
    let seq = next_seq(inner, r.msg_seq);
    let msg_key = key(seq, r.msg_random, time);
    let mut resp = BatchSendMsgResponse::new();
    for to in &r.to_account {
        if inner.world().has_account(to) {
            store(inner, &from, to, seq, r.msg_random, time, &msg_key, r.msg_body.clone(), None, false);
        } else {
            resp.error_list.push(BatchSendMsgError::new(to, MSG_TO_ACCOUNT_NOT_REGISTERED));
        }
    }
    resp.msg_key = Some(msg_key);
    let mut reply = match serde_json::to_value(&resp) {
        Ok(v) => v,
        Err(_) => return ok(&resp),
    };
    if let serde_json::Value::Object(m) = &mut reply {
        let partial = !resp.error_list.is_empty();
        m.insert("ActionStatus".into(), if partial { "SomeError" } else { "OK" }.into());
        m.insert("ErrorCode".into(), 0.into());
        m.insert("ErrorInfo".into(), "".into());
    }
    Reply::Json(reply)
}

/// importmsg (269/2568): stores a historical message at MsgTimeStamp; no callbacks. A message whose
/// MsgSeq, MsgRandom and MsgTimeStamp match an earlier import (either direction) is a duplicate and is
/// not stored again.
pub(crate) fn import(inner: &Inner, r: &ImportMsgRequest) -> Reply {
    {
        let w = inner.world();
        if !w.has_account(&r.from_account) {
            return fail(MSG_FROM_ACCOUNT_MISSING, "From_Account is not an imported account");
        }
        if !w.has_account(&r.to_account) {
            return fail(MSG_TO_ACCOUNT_NOT_REGISTERED, "To_Account is not an imported account");
        }
        let dup = w.c2c.iter().any(|m| {
            m.imported
                && r.msg_seq.is_none_or(|s| s == m.seq)
                && m.random == r.msg_random
                && m.time == r.msg_time_stamp
                && ((m.from == r.from_account && m.to == r.to_account) || (m.from == r.to_account && m.to == r.from_account))
        });
        if dup {
            return ok(&ImportMsgResponse::new());
        }
    }
    let seq = next_seq(inner, r.msg_seq);
    let k = key(seq, r.msg_random, r.msg_time_stamp);
    store(inner, &r.from_account, &r.to_account, seq, r.msg_random, r.msg_time_stamp, &k, r.msg_body.clone(), None, true);
    ok(&ImportMsgResponse::new())
}

/// admin_getroammsg (269/42794): the conversation's messages with MinTime <= MsgTime <= MaxTime, recalled
/// ones flagged, walked back from MaxTime: a page holds the newest MaxCnt messages not yet returned
/// (in time order); while Complete is 0 the next request sets MaxTime to LastMsgTime and LastMsgKey.
pub(crate) fn roam(inner: &Inner, r: &AdminGetRoamMsgRequest) -> Reply {
    let w = inner.world();
    let (a, b) = (&r.operator_account, &r.peer_account);
    let mut all: Vec<&C2cMessage> = w
        .c2c
        .iter()
        .filter(|m| (&m.from == a && &m.to == b) || (&m.from == b && &m.to == a))
        .filter(|m| m.time >= r.min_time && m.time <= r.max_time)
        .collect();
    // Newest first; stable by storage order within a second.
    all.reverse();
    all.sort_by_key(|m| std::cmp::Reverse(m.time));
    let start = match &r.last_msg_key {
        Some(k) if !k.is_empty() => all.iter().position(|m| &m.key == k).map_or(0, |i| i + 1),
        _ => 0,
    };
    let max = usize::try_from(r.max_cnt).unwrap_or(usize::MAX).max(1);
    let page: Vec<&C2cMessage> = all.iter().skip(start).take(max).copied().collect();
    let complete = start + page.len() >= all.len();
    let mut resp = AdminGetRoamMsgResponse::new(i32::from(complete), page.len() as u32, 0, "");
    if let Some(last) = page.last() {
        resp.last_msg_time = last.time;
        resp.last_msg_key = last.key.clone();
    }
    for m in page.iter().rev() {
        let flag = if m.recalled { MsgFlagBits::Recalled } else { MsgFlagBits::Normal };
        let mut item = C2CRoamMsg::new(&m.from, &m.to, m.seq, m.random, m.time, flag, &m.key);
        item.msg_body = if m.recalled { Vec::new() } else { m.body.clone() };
        item.cloud_custom_data = m.cloud_custom_data.clone();
        resp.msg_list.push(item);
    }
    ok(&resp)
}

/// admin_msgwithdraw (269/38980): recalls the message with MsgKey between From_Account and To_Account;
/// 20022 when there is none, 20023 when it was already recalled. Sends C2C.CallbackAfterMsgWithDraw.
pub(crate) fn withdraw(inner: &Arc<Inner>, r: &AdminMsgWithdrawRequest) -> Reply {
    {
        let mut w = inner.world();
        let found = w.c2c.iter_mut().find(|m| m.key == r.msg_key && m.from == r.from_account && m.to == r.to_account);
        match found {
            None => return fail(MSG_RECALL_TARGET_NOT_FOUND, "the message to recall does not exist"),
            Some(m) if m.recalled => return fail(MSG_ALREADY_RECALLED, "the message was already recalled"),
            Some(m) => m.recalled = true,
        }
    }
    let mut e = C2cAfterMsgWithdrawEvent::new("C2C.CallbackAfterMsgWithDraw", &r.from_account, &r.to_account, &r.msg_key);
    e.event_time = Some(inner.now().saturating_mul(1000));
    callbacks::after(inner, "C2C.CallbackAfterMsgWithDraw", &e);
    ok(&AdminMsgWithdrawResponse::new())
}

/// admin_set_msg_read (269/50349): Report_Account has read Peer_Account's messages up to MsgReadTime
/// (default: now), which clears that conversation's unread count.
pub(crate) fn set_read(inner: &Inner, r: &AdminSetMsgReadRequest) -> Reply {
    let now = inner.now();
    let mut w = inner.world();
    for id in [&r.report_account, &r.peer_account] {
        if !w.has_account(id) {
            return fail(ACCOUNT_NOT_FOUND, format!("{id} is not an imported account"));
        }
    }
    let at = r.msg_read_time.unwrap_or(now);
    w.c2c_read.entry(r.report_account.clone()).or_default().insert(r.peer_account.clone(), at);
    ok(&AdminSetMsgReadResponse::new())
}

fn unread_from(w: &crate::World, user: &str, peer: &str) -> u64 {
    let read = w.c2c_read.get(user).and_then(|m| m.get(peer)).copied().unwrap_or(0);
    w.c2c.iter().filter(|m| m.to == user && m.from == peer && !m.recalled && m.time > read).count() as u64
}

/// get_c2c_unread_msg_num (269/56043): the user's total unread count, or per Peer_Account; a peer that
/// is not imported is listed in ErrorList (70107).
pub(crate) fn unread(inner: &Inner, r: &GetC2cUnreadMsgNumRequest) -> Reply {
    let w = inner.world();
    if !w.has_account(&r.to_account) {
        return fail(ACCOUNT_NOT_FOUND, "To_Account is not an imported account");
    }
    let mut resp = GetC2cUnreadMsgNumResponse::new();
    match &r.peer_account {
        None => {
            let peers: std::collections::BTreeSet<&str> = w.c2c.iter().filter(|m| m.to == r.to_account).map(|m| m.from.as_str()).collect();
            resp.all_c2c_unread_msg_num = Some(peers.iter().map(|p| unread_from(&w, &r.to_account, p)).sum());
        }
        Some(peers) => {
            for p in peers {
                if w.has_account(p) {
                    resp.c2c_unread_msg_num_list.push(C2CUnreadMsgNum::new(p, unread_from(&w, &r.to_account, p)));
                } else {
                    resp.error_list.push(C2CUnreadMsgNumError::new(p, ACCOUNT_NOT_FOUND));
                }
            }
        }
    }
    ok(&resp)
}
