//! What a drifted reply costs beside a clean one, each in one run: the 5,000-member
//! `get_group_member_info` reply clean, with one drifted value, with every `JoinTime` a string
//! (systematic drift), and clean and drifted replies alternating; and a 10,000-group
//! `get_appid_group_list` page with its cursor and total sent as strings.
//!
//! `cargo bench -p tim-rest-tests --bench drift`

use criterion::{Criterion, criterion_group, criterion_main};
use serde::Deserialize;
use std::hint::black_box;
use tim_rest::envelope::decode;
use tim_rest::group_open_http_svc::{GetAppidGroupListResponse, GetGroupMemberInfoResponse};

#[derive(Deserialize)]
#[allow(dead_code)]
struct BaseMember {
    #[serde(rename = "Member_Account")]
    account: String,
    #[serde(rename = "Role")]
    role: String,
    #[serde(rename = "JoinTime")]
    join_time: u64,
    #[serde(rename = "MsgSeq")]
    msg_seq: u64,
    #[serde(rename = "MsgFlag")]
    msg_flag: String,
    #[serde(rename = "LastSendMsgTime")]
    last_send: u64,
    #[serde(rename = "ShutUpUntil")]
    muted_until: u64,
    #[serde(rename = "NameCard")]
    name_card: String,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct BaseMemberList {
    #[serde(rename = "ActionStatus")]
    status: String,
    #[serde(rename = "ErrorCode")]
    code: i64,
    #[serde(rename = "MemberNum")]
    num: u64,
    #[serde(rename = "MemberList")]
    members: Vec<BaseMember>,
}

fn members(n: usize, join_time_as_string: impl Fn(usize) -> bool) -> bytes::Bytes {
    let members: Vec<serde_json::Value> = (0..n)
        .map(|i| {
            let t = 1425976500u64 + i as u64;
            let join = if join_time_as_string(i) { serde_json::Value::from(t.to_string()) } else { serde_json::Value::from(t) };
            serde_json::json!({"Member_Account": format!("member_{i:05}"), "Role": "Member", "JoinTime": join, "MsgSeq": 1000 + i,
                "MsgFlag": "AcceptAndNotify", "LastSendMsgTime": 1425976500u64, "ShutUpUntil": 0, "NameCard": format!("card {i}")})
        })
        .collect();
    let v = serde_json::json!({"ActionStatus": "OK", "ErrorInfo": "", "ErrorCode": 0, "MemberNum": n, "MemberList": members});
    bytes::Bytes::from(v.to_string())
}

fn groups(n: usize, cursor_as_string: bool) -> bytes::Bytes {
    let ids: Vec<serde_json::Value> = (0..n).map(|i| serde_json::json!({"GroupId": format!("@TGS#2{i:08}")})).collect();
    let (next, total) = if cursor_as_string {
        (serde_json::Value::from("4454685361"), serde_json::Value::from("25000"))
    } else {
        (serde_json::Value::from(4454685361u64), serde_json::Value::from(25000))
    };
    let v =
        serde_json::json!({"ActionStatus": "OK", "ErrorInfo": "", "ErrorCode": 0, "TotalCount": total, "GroupIdList": ids, "Next": next});
    bytes::Bytes::from(v.to_string())
}

const MEMBERS: &str = "group_open_http_svc/get_group_member_info";

fn benches(c: &mut Criterion) {
    let clean = members(5000, |_| false);
    let one = members(5000, |i| i == 0);
    let last = members(5000, |i| i == 4999);
    let every = members(5000, |_| true);
    assert!(decode::<GetGroupMemberInfoResponse>(MEMBERS, 200, clean.clone(), true).is_ok());
    assert_eq!(decode::<GetGroupMemberInfoResponse>(MEMBERS, 200, one.clone(), false).map(|d| d.corrections.len()).ok(), Some(1));
    // Systematic drift: the first corrections with their paths, the rest in one group with its count.
    let counts = decode::<GetGroupMemberInfoResponse>(MEMBERS, 200, every.clone(), false)
        .map(|d| d.corrections.iter().map(|c| c.count).sum::<usize>());
    assert_eq!(counts.ok(), Some(5000));

    let mut g = c.benchmark_group("get_group_member_info 5000");
    g.bench_function("baseline (hand-written serde, exact types)", |b| {
        b.iter(|| black_box(serde_json::from_slice::<BaseMemberList>(&clean).expect("decode")))
    });
    let run = |body: &bytes::Bytes| decode::<GetGroupMemberInfoResponse>(MEMBERS, 200, body.clone(), false).expect("decode");
    g.bench_function("clean", |b| {
        let _ = run(&clean);
        b.iter(|| black_box(run(&clean)))
    });
    g.bench_function("one drifted value (JoinTime of member 0 as a string)", |b| b.iter(|| black_box(run(&one))));
    g.bench_function("every JoinTime as a string (systematic drift)", |b| b.iter(|| black_box(run(&every))));
    g.bench_function("two clean replies", |b| {
        let _ = run(&clean);
        b.iter(|| {
            black_box(run(&clean));
            black_box(run(&clean))
        })
    });
    g.bench_function("a clean reply, then one drifted at its last member", |b| {
        b.iter(|| {
            black_box(run(&clean));
            black_box(run(&last))
        })
    });
    g.finish();

    let page = groups(10_000, false);
    let drifted_page = groups(10_000, true);
    const LIST: &str = "group_open_http_svc/get_appid_group_list";
    assert_eq!(decode::<GetAppidGroupListResponse>(LIST, 200, drifted_page.clone(), false).map(|d| d.corrections.len()).ok(), Some(2));
    let mut g = c.benchmark_group("get_appid_group_list 10000");
    let run = |body: &bytes::Bytes| decode::<GetAppidGroupListResponse>(LIST, 200, body.clone(), false).expect("decode");
    g.bench_function("clean", |b| {
        let _ = run(&page);
        b.iter(|| black_box(run(&page)))
    });
    g.bench_function("Next and TotalCount as strings", |b| b.iter(|| black_box(run(&drifted_page))));
    g.finish();
}

criterion_group!(drift, benches);
criterion_main!(drift);
