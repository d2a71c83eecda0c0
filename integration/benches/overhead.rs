//! Per-call CPU overhead of the SDK against a hand-written baseline that does the minimum with
//! serde_json directly: building the URL and body of `sendmsg` and of a 500-recipient
//! `batchsendmsg`, and decoding a 5,000-member group member list (envelope and payload). Also the
//! UserSig paths: the cached one (every call) and signing (twice a day).
//!
//! The pacing reservation each call makes (in process, and through a local `redis-server` when one is
//! installed) is measured beside the `sendmsg` row.
//!
//! `cargo bench -p tim-rest-tests --bench overhead`

use criterion::{Criterion, criterion_group, criterion_main};
use serde::{Deserialize, Serialize};
use std::hint::black_box;
use tim_rest::group_open_http_svc::GetGroupMemberInfoResponse;
use tim_rest::openim::{BatchSendMsgRequest, SendMsgRequest};
use tim_rest::types::{MsgElement, TextElem};
use tim_rest::usersig::{SecretKey, generate};

const KEY: &str = "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e";
const APPID: u64 = 1400000000;

fn client() -> tim_rest::Client {
    tim_rest::Client::builder(APPID, "administrator").secret_key(KEY).build().expect("client")
}

/// A transport that never sends (the benches only build requests) and whose waits end at once, so the
/// pacing rows measure the reservation, not the schedule.
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

/// Runs a future that is ready at its first poll (an in-process reservation with a transport that does
/// not wait).
fn ready<F: std::future::Future>(f: F) -> F::Output {
    let mut f = std::pin::pin!(f);
    match f.as_mut().poll(&mut std::task::Context::from_waker(std::task::Waker::noop())) {
        std::task::Poll::Ready(v) => v,
        std::task::Poll::Pending => panic!("the reservation had to wait"),
    }
}

/// A `redis-server` on a free local port, when one is installed.
fn redis() -> Option<(std::process::Child, String)> {
    let port = std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).ok()?.port();
    let child = std::process::Command::new("redis-server")
        .args(["--port", &port.to_string(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
        .stdout(std::process::Stdio::null())
        .spawn()
        .ok()?;
    for _ in 0..100 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Some((child, format!("redis://127.0.0.1:{port}/")));
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    None
}

// ---- baseline: the minimum a caller would write by hand ----

// Owned strings, as a hand-written request type that outlives its inputs would have.
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
#[derive(Serialize)]
struct BaseBatch {
    #[serde(rename = "To_Account")]
    to: Vec<String>,
    #[serde(rename = "MsgRandom")]
    random: u32,
    #[serde(rename = "MsgBody")]
    body: Vec<BaseElem>,
}

/// The baseline URL: the same parameters, formatted directly with a precomputed signature.
fn base_url(query: &str, command: &str) -> String {
    format!("https://console.tim.qq.com/v4/openim/{command}?{query}&random={}&contenttype=json", fastrand::u32(..))
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct BaseMember {
    #[serde(rename = "Member_Account")]
    account: String,
    #[serde(rename = "Role")]
    role: Option<String>,
    #[serde(rename = "JoinTime")]
    join_time: Option<u64>,
    #[serde(rename = "MsgSeq")]
    msg_seq: Option<u64>,
    #[serde(rename = "MsgFlag")]
    msg_flag: Option<String>,
    #[serde(rename = "LastSendMsgTime")]
    last_send: Option<u64>,
    #[serde(rename = "ShutUpUntil")]
    shut_up_until: Option<u64>,
    #[serde(rename = "NameCard")]
    name_card: Option<String>,
}
#[derive(Deserialize)]
#[allow(dead_code)]
struct BaseMemberList {
    #[serde(rename = "ActionStatus")]
    status: String,
    #[serde(rename = "ErrorCode")]
    code: i64,
    #[serde(rename = "MemberNum")]
    num: u32,
    #[serde(rename = "MemberList")]
    members: Vec<BaseMember>,
}

fn member_list_body(n: usize) -> bytes::Bytes {
    let members: Vec<serde_json::Value> = (0..n)
        .map(|i| {
            serde_json::json!({
                "Member_Account": format!("member_{i}"), "Role": if i == 0 { "Owner" } else { "Member" },
                "JoinTime": 1425976500 + i as u64, "MsgSeq": 1233 + i as u64, "MsgFlag": "AcceptAndNotify",
                "LastSendMsgTime": 1425976500, "ShutUpUntil": 0, "NameCard": format!("card {i}")
            })
        })
        .collect();
    let v = serde_json::json!({"ActionStatus": "OK", "ErrorInfo": "", "ErrorCode": 0, "MemberNum": n, "MemberList": members});
    bytes::Bytes::from(v.to_string())
}

fn benches(c: &mut Criterion) {
    let client = client();
    let sig = generate(&SecretKey::new(KEY), APPID, "administrator", 1_700_000_000, 86400, None);
    let query = format!("sdkappid={APPID}&identifier=administrator&usersig={}", sig.expose());

    let mut g = c.benchmark_group("sendmsg: URL + body");
    g.bench_function("tim-rest", |b| {
        b.iter(|| {
            let req = SendMsgRequest::new("bob", vec![MsgElement::Text(TextElem::new("hello world"))]);
            black_box(client.prepare(&req).expect("prepare"))
        })
    });
    g.bench_function("baseline", |b| {
        b.iter(|| {
            let req = BaseSend {
                to: "bob".to_owned(),
                random: fastrand::u32(..),
                body: vec![BaseElem { msg_type: "TIMTextElem", msg_content: BaseText { text: "hello world".to_owned() } }],
            };
            black_box((base_url(&query, "sendmsg"), serde_json::to_vec(&req).expect("encode")))
        })
    });
    // The same with the pacing reservation every attempt makes (`prepare_paced`: the schedule and the
    // signature share one clock reading, as in a call). The rate is raised (a paid plan's override) so
    // that the loop stays within it: the row measures a reservation that does not have to wait.
    let fast = tim_rest::pacing::Pacing::default().rate("openim/sendmsg", tim_rest::pacing::Rate::per_second(1_000_000_000));
    let paced = tim_rest::Client::builder(APPID, "administrator").secret_key(KEY).transport(NoWait).pacing(fast).build().expect("client");
    g.bench_function("tim-rest, with in-process pacing", |b| {
        b.iter(|| {
            let req = SendMsgRequest::new("bob", vec![MsgElement::Text(TextElem::new("hello world"))]);
            black_box(ready(paced.prepare_paced(&req)).expect("prepare"))
        })
    });
    if let Some((mut server, url)) = redis() {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
        let store = tim_rest::pacing::RedisStore::new(&url).expect("url");
        let pacing =
            tim_rest::pacing::Pacing::default().rate("openim/sendmsg", tim_rest::pacing::Rate::per_second(1_000_000_000)).store(store);
        let shared =
            tim_rest::Client::builder(APPID, "administrator").secret_key(KEY).transport(NoWait).pacing(pacing).build().expect("client");
        g.bench_function("tim-rest, with Redis pacing (one round trip to a local redis-server)", |b| {
            b.iter(|| {
                let req = SendMsgRequest::new("bob", vec![MsgElement::Text(TextElem::new("hello world"))]);
                black_box(rt.block_on(shared.prepare_paced(&req)).expect("prepare"))
            })
        });
        let _ = server.kill();
        let _ = server.wait();
    }
    g.finish();

    let recipients: Vec<String> = (0..500).map(|i| format!("user_{i:05}")).collect();
    let mut g = c.benchmark_group("batchsendmsg 500: URL + body");
    g.bench_function("tim-rest", |b| {
        b.iter(|| {
            let req = BatchSendMsgRequest::new(recipients.clone(), vec![MsgElement::Text(TextElem::new("hello world"))]);
            black_box(client.prepare(&req).expect("prepare"))
        })
    });
    g.bench_function("baseline", |b| {
        b.iter(|| {
            let req = BaseBatch {
                to: recipients.clone(),
                random: fastrand::u32(..),
                body: vec![BaseElem { msg_type: "TIMTextElem", msg_content: BaseText { text: "hello world".to_owned() } }],
            };
            black_box((base_url(&query, "batchsendmsg"), serde_json::to_vec(&req).expect("encode")))
        })
    });
    g.finish();

    let body = member_list_body(5000);
    // The measured reply matches the catalogue exactly: it takes the fast path.
    let exact = tim_rest::envelope::decode::<GetGroupMemberInfoResponse>("g", 200, body.clone(), true).expect("exact reply");
    assert!(exact.corrections.is_empty());
    let mut g = c.benchmark_group("get_group_member_info 5000: decode");
    g.bench_function("tim-rest", |b| {
        b.iter(|| {
            black_box(
                tim_rest::envelope::decode_reply::<GetGroupMemberInfoResponse>(
                    "group_open_http_svc/get_group_member_info",
                    200,
                    body.clone(),
                )
                .expect("decode"),
            )
        })
    });
    g.bench_function("baseline", |b| b.iter(|| black_box(serde_json::from_slice::<BaseMemberList>(&body).expect("decode"))));
    // The same reply with one member's JoinTime sent as a string: the correcting path (parse into
    // JSON, correct, decode), which only drifted replies take.
    let drifted = {
        let text = String::from_utf8_lossy(&body).replacen("\"JoinTime\":1425976500,", "\"JoinTime\":\"1425976500\",", 1);
        bytes::Bytes::from(text)
    };
    let slow = tim_rest::envelope::decode::<GetGroupMemberInfoResponse>("g", 200, drifted.clone(), false).expect("corrected");
    assert_eq!(slow.corrections.len(), 1);
    g.bench_function("tim-rest, one drifted value", |b| {
        b.iter(|| black_box(tim_rest::envelope::decode::<GetGroupMemberInfoResponse>("g", 200, drifted.clone(), false).expect("decode")))
    });
    g.finish();

    let mut g = c.benchmark_group("UserSig");
    g.bench_function("cached (per call)", |b| {
        b.iter(|| black_box(client.prepare(&tim_rest::config_svc::GetIpListRequest::new()).expect("prepare")))
    });
    let key = SecretKey::new(KEY);
    g.bench_function("sign (at start and half-life)", |b| {
        b.iter(|| black_box(generate(&key, APPID, "administrator", 1_700_000_000, 86400, None)))
    });
    g.finish();
}

criterion_group!(overhead, benches);
criterion_main!(overhead);
