//! Per-call work counted in CPU instructions (deterministic, unlike timings on a shared machine): run
//! under `valgrind --tool=callgrind` by `cargo xtask bench-instructions`, which subtracts a run of N
//! iterations from one of 2N, so set-up costs cancel.
//!
//! `instructions <variant> <iterations>`; variants: `sendmsg-baseline` (the hand-written serde_json
//! minimum of BENCHMARKS.md §2), `sendmsg` (`client.prepare`), `sendmsg-paced` (`client.prepare_paced`:
//! the same plus the in-process pacing reservation every attempt makes). The decoding of whole replies
//! (BENCHMARKS.md §6): `members-clean`, `members-drift` (one `JoinTime` a string), `members-every` (every
//! `JoinTime` a string), `members-clean-then-last` (two replies: a clean one, then one drifted at its
//! last member), `groups-clean`, `groups-cursor` (the cursor and total as strings).

use serde::Serialize;
use std::hint::black_box;
use tim_rest::openim::SendMsgRequest;
use tim_rest::types::{MsgElement, TextElem};

const KEY: &str = "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e";
const APPID: u64 = 1400000000;

#[derive(Serialize)]
struct BaseText {
    #[serde(rename = "Text")]
    text: String,
}
#[derive(Serialize)]
struct BaseElem {
    #[serde(rename = "MsgType")]
    msg_type: &'static str,
    #[serde(rename = "MsgContent")]
    msg_content: BaseText,
}
#[derive(Serialize)]
struct BaseSend {
    #[serde(rename = "To_Account")]
    to: String,
    #[serde(rename = "MsgRandom")]
    random: u32,
    #[serde(rename = "MsgBody")]
    body: Vec<BaseElem>,
}

/// Never sends; waits end at once.
struct NoWait;

impl tim_rest::transport::Transport for NoWait {
    fn send(
        &self,
        _request: tim_rest::transport::HttpRequest,
    ) -> tim_rest::transport::BoxFuture<'_, Result<tim_rest::transport::HttpResponse, tim_rest::transport::TransportError>> {
        Box::pin(std::future::ready(Ok(tim_rest::transport::HttpResponse::new(200, "{}"))))
    }
    fn sleep(&self, _delay: std::time::Duration) -> tim_rest::transport::BoxFuture<'static, ()> {
        Box::pin(std::future::ready(()))
    }
}

fn ready<F: std::future::Future>(f: F) -> F::Output {
    let mut f = std::pin::pin!(f);
    match f.as_mut().poll(&mut std::task::Context::from_waker(std::task::Waker::noop())) {
        std::task::Poll::Ready(v) => v,
        std::task::Poll::Pending => unreachable!("nothing waits"),
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let variant = args.get(1).map_or("sendmsg", String::as_str);
    let n: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(10_000);
    // The paid-plan override keeps the loop within the rate, so no reservation waits.
    let pacing = tim_rest::pacing::Pacing::default().rate("openim/sendmsg", tim_rest::pacing::Rate::per_second(1_000_000_000));
    let client =
        tim_rest::Client::builder(APPID, "administrator").secret_key(KEY).transport(NoWait).pacing(pacing).build().expect("client");
    let query = format!("sdkappid={APPID}&identifier=administrator&usersig=eJw1jdEKgjAUht*");
    let members = |drift: &dyn Fn(u64) -> bool| {
        let members: Vec<serde_json::Value> = (0..5000u64)
            .map(|i| {
                let t = 1425976500u64 + i;
                let join = if drift(i) { serde_json::Value::from(t.to_string()) } else { serde_json::Value::from(t) };
                serde_json::json!({"Member_Account": format!("member_{i:05}"), "Role": "Member", "JoinTime": join, "MsgSeq": 1000 + i,
                    "MsgFlag": "AcceptAndNotify", "LastSendMsgTime": 1425976500u64, "ShutUpUntil": 0, "NameCard": format!("card {i}")})
            })
            .collect();
        bytes::Bytes::from(serde_json::json!({"ActionStatus": "OK", "ErrorCode": 0, "MemberNum": 5000, "MemberList": members}).to_string())
    };
    // One drifted value (member 0 or the last one), or every JoinTime a string.
    let (clean, drifted, every) = (members(&|_| false), members(&|i| i == 0), members(&|_| true));
    let last = members(&|i| i == 4999);
    let groups = |as_string: bool| {
        let ids: Vec<serde_json::Value> = (0..10_000).map(|i| serde_json::json!({"GroupId": format!("@TGS#2{i:08}")})).collect();
        let (next, total) = if as_string {
            (serde_json::json!("4454685361"), serde_json::json!("25000"))
        } else {
            (serde_json::json!(4454685361u64), serde_json::json!(25000))
        };
        bytes::Bytes::from(
            serde_json::json!({"ActionStatus": "OK", "ErrorCode": 0, "TotalCount": total, "GroupIdList": ids, "Next": next}).to_string(),
        )
    };
    let (page, cursor) = (groups(false), groups(true));
    let member_list = |body: &bytes::Bytes| {
        black_box(
            tim_rest::envelope::decode::<tim_rest::group_open_http_svc::GetGroupMemberInfoResponse>("g", 200, body.clone(), false)
                .expect("decode"),
        );
    };
    let group_list = |body: &bytes::Bytes| {
        black_box(
            tim_rest::envelope::decode::<tim_rest::group_open_http_svc::GetAppidGroupListResponse>("l", 200, body.clone(), false)
                .expect("decode"),
        );
    };
    for _ in 0..n {
        match variant {
            "members-clean" => member_list(&clean),
            "members-drift" => member_list(&drifted),
            "members-every" => member_list(&every),
            // Two replies per iteration: a clean one, then one drifted at its last member.
            "members-clean-then-last" => {
                member_list(&clean);
                member_list(&last);
            }
            "groups-clean" => group_list(&page),
            "groups-cursor" => group_list(&cursor),
            "sendmsg-baseline" => {
                let req = BaseSend {
                    to: "bob".to_owned(),
                    random: fastrand::u32(..),
                    body: vec![BaseElem { msg_type: "TIMTextElem", msg_content: BaseText { text: "hello world".to_owned() } }],
                };
                let url = format!("https://console.tim.qq.com/v4/openim/sendmsg?{query}&random={}&contenttype=json", fastrand::u32(..));
                black_box((url, serde_json::to_vec(&req).expect("encode")));
            }
            "sendmsg-paced" => {
                let req = SendMsgRequest::new("bob", vec![MsgElement::Text(TextElem::new("hello world"))]);
                black_box(ready(client.prepare_paced(&req)).expect("prepare"));
            }
            _ => {
                let req = SendMsgRequest::new("bob", vec![MsgElement::Text(TextElem::new("hello world"))]);
                black_box(client.prepare(&req).expect("prepare"));
            }
        }
    }
}
