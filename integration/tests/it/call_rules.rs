//! The rules around the calls, from the catalogue: page and item streams over every cursor scheme,
//! batched calls with merged per-item outcomes, limit checks before sending, and pacing (in process, and
//! shared by several clients through a real Redis), all against the local server on 127.0.0.1.

use crate::support::{APPID, KEY, capture, server};
use serde_json::json;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};
use tim_rest::batch::{BatchOptions, ItemOutcome};
use tim_rest::group_open_http_svc::{
    AppGroupIdItem, GetAppidGroupListRequest, GetGroupMemberInfoRequest, GroupMsgGetSimpleRequest, ImportGroupMsgItem,
    ImportGroupMsgRequest,
};
use tim_rest::im_open_login_svc::{AccountDeleteItem, AccountDeleteRequest, ImportAccountItem, KickRequest, MultiAccountImportRequest};
use tim_rest::mock::{MockServer, Reply};
use tim_rest::openim::{AdminGetRoamMsgRequest, BatchSendMsgRequest, C2CRoamMsg, MsgFlagBits};
use tim_rest::pacing::{Pacing, Rate};
use tim_rest::sns::{FriendGetItem, FriendGetRequest};
use tim_rest::transport::{BoxFuture, HttpRequest, HttpResponse, Transport, TransportError};
use tim_rest::types::{GroupHistoryMsg, GroupMemberInfo, MsgElement, TextElem};
use tim_rest::{Error, ItemResults};

fn body(srv: &MockServer, i: usize) -> serde_json::Value {
    serde_json::from_slice(&srv.requests()[i].body).expect("JSON body")
}

// ---- paging ----

#[tokio::test]
async fn offset_paging_reads_every_member_in_order_and_stops_at_the_total() {
    let srv = server().await;
    let members: Vec<GroupMemberInfo> = (0..250).map(|i| GroupMemberInfo::new(format!("m{i:03}"))).collect();
    srv.set_items::<GetGroupMemberInfoRequest>(members).expect("items");
    let client = srv.client_builder().strict_decoding(true).build().expect("client");
    let first = GetGroupMemberInfoRequest::new("@TGS#1").limit(100);
    let all = client.group_open_http_svc().get_group_member_info_items(first).try_collect().await.expect("every page");
    let names: Vec<&str> = all.iter().map(|m| m.member_account.as_str()).collect();
    assert_eq!(names.len(), 250);
    assert!(names.windows(2).all(|w| w[0] < w[1]), "order kept");
    // The server's paging rule for this group type answers a `Next` cursor, which the client follows.
    assert_eq!(srv.calls(), 3);
    assert_eq!(body(&srv, 0).get("Next"), None, "the first request has no cursor");
    assert!(body(&srv, 1)["Next"].is_string(), "the next request carries the reply's cursor");
}

#[tokio::test]
async fn numeric_next_cursor_ends_at_zero() {
    let srv = server().await;
    srv.set_items::<GetAppidGroupListRequest>((0..25).map(|i| AppGroupIdItem::new(format!("@TGS#{i}")))).expect("items");
    let client = srv.client_builder().strict_decoding(true).build().expect("client");
    let mut pages = client.group_open_http_svc().get_appid_group_list_pages(GetAppidGroupListRequest::new().limit(10));
    let mut sizes = Vec::new();
    while let Some(page) = pages.next().await {
        let page = page.expect("page");
        sizes.push(page.group_id_list.len());
    }
    assert_eq!(sizes, [10, 10, 5]);
    assert_eq!(pages.pages_read(), 3);
    let cursor = body(&srv, 1)["Next"].as_u64().expect("a numeric cursor");
    assert!(cursor > 0);
}

#[tokio::test]
async fn start_index_and_complete_flag_page_friends() {
    let srv = server().await;
    srv.set_items::<FriendGetRequest>((0..7).map(|i| FriendGetItem::new(format!("f{i}")))).expect("items");
    srv.default_page_size(3);
    let client = srv.client_builder().strict_decoding(true).build().expect("client");
    let all = client.sns().friend_get_items(FriendGetRequest::new("alice", 0)).try_collect().await.expect("friends");
    assert_eq!(all.len(), 7);
    assert_eq!(srv.calls(), 3);
    assert_ne!(body(&srv, 1)["StartIndex"], json!(0), "StartIndex comes from NextStartIndex");
}

#[tokio::test]
async fn group_history_is_walked_back_to_the_first_message() {
    let srv = server().await;
    // Newest first, sequence numbers 25 down to 1.
    let msgs: Vec<GroupHistoryMsg> = (1..=25u64).rev().map(|seq| GroupHistoryMsg::new("bob", 0, 1, seq, 1_700_000_000 + seq)).collect();
    srv.set_items::<GroupMsgGetSimpleRequest>(msgs).expect("items");
    let client = srv.client_builder().strict_decoding(true).build().expect("client");
    let all = client
        .group_open_http_svc()
        .group_msg_get_simple_items(GroupMsgGetSimpleRequest::new("@TGS#1", 10))
        .try_collect()
        .await
        .expect("history");
    let seqs: Vec<u64> = all.iter().map(|m| m.msg_seq).collect();
    assert_eq!(seqs, (1..=25u64).rev().collect::<Vec<_>>());
    assert_eq!(srv.calls(), 3, "stops when the next ReqMsgSeq would be 0");
    assert_eq!(body(&srv, 1)["ReqMsgSeq"], json!(15), "the smallest MsgSeq of the page minus 1");
}

#[tokio::test]
async fn roaming_messages_follow_last_msg_time_and_key_until_complete() {
    let srv = server().await;
    let msgs: Vec<C2CRoamMsg> =
        (0..5u64).map(|i| C2CRoamMsg::new("a", "b", i, 1, 1_700_000_000 + i, MsgFlagBits::Normal, format!("k{i}"))).collect();
    srv.set_items::<AdminGetRoamMsgRequest>(msgs).expect("items");
    let client = srv.client_builder().strict_decoding(true).build().expect("client");
    let first = AdminGetRoamMsgRequest::new("a", "b", 2, 1_600_000_000, 1_800_000_000);
    let pages = client.openim().admin_get_roam_msg_pages(first).try_collect().await.expect("pages");
    assert_eq!(pages.iter().map(|p| p.msg_list.len()).collect::<Vec<_>>(), [2, 2, 1]);
    let second = body(&srv, 1);
    assert_eq!(second["LastMsgKey"], json!(pages[0].last_msg_key), "LastMsgKey from the reply");
    assert_eq!(second["MaxTime"], json!(pages[0].last_msg_time), "MaxTime from the reply's LastMsgTime");
}

#[tokio::test]
async fn item_streams_are_lazy() {
    let srv = server().await;
    srv.set_items::<GetAppidGroupListRequest>((0..50).map(|i| AppGroupIdItem::new(format!("@TGS#{i}")))).expect("items");
    let client = srv.client_builder().build().expect("client");
    let mut items = client.group_open_http_svc().get_appid_group_list_items(GetAppidGroupListRequest::new().limit(10));
    for _ in 0..10 {
        items.next().await.expect("an item").expect("ok");
    }
    assert_eq!(srv.calls(), 1, "ten items read: one page fetched");
    items.next().await.expect("an item").expect("ok");
    assert_eq!(srv.calls(), 2, "the eleventh item fetches the second page");
}

#[tokio::test]
async fn a_failed_page_ends_the_stream_after_the_items_already_read() {
    let srv = server().await;
    srv.set_items::<GetAppidGroupListRequest>((0..30).map(|i| AppGroupIdItem::new(format!("@TGS#{i}")))).expect("items");
    let client = srv.client_builder().build().expect("client");
    let mut items = client.group_open_http_svc().get_appid_group_list_items(GetAppidGroupListRequest::new().limit(10));
    let mut read = 0;
    for _ in 0..10 {
        items.next().await.expect("item").expect("ok");
        read += 1;
    }
    srv.push_fault(Reply::fail(10002, "system error"));
    let err = items.next().await.expect("the error").expect_err("the second page failed");
    assert_eq!(err.code(), Some(10002));
    assert!(items.next().await.is_none(), "the stream ends after the error");
    assert_eq!(read, 10);
}

#[tokio::test]
async fn a_cursor_that_does_not_move_ends_the_stream_with_an_error_instead_of_looping() {
    let srv = server().await;
    // A server that always answers the same cursor and never the end value.
    srv.set_reply(
        "group_open_http_svc",
        "get_appid_group_list",
        Reply::Json(json!({"ActionStatus": "OK", "ErrorCode": 0, "TotalCount": 9, "GroupIdList": [{"GroupId": "@TGS#1"}], "Next": 7})),
    );
    let client = srv.client_builder().build().expect("client");
    let mut pages = client.group_open_http_svc().get_appid_group_list_pages(GetAppidGroupListRequest::new().next(7));
    pages.next().await.expect("first page").expect("ok");
    let err = pages.next().await.expect("an error").expect_err("no progress");
    assert!(matches!(err, Error::Paging { .. }), "{err}");
    assert!(pages.next().await.is_none());
    assert_eq!(srv.calls(), 1);
}

// ---- batches ----

#[tokio::test]
async fn a_batch_of_250_accounts_goes_in_requests_of_100_and_reports_every_item() {
    let srv = server().await;
    srv.push_reply("im_open_login_svc", "multiaccount_import", Reply::ok(&json!({ "FailAccounts": ["u007"] })));
    srv.push_reply("im_open_login_svc", "multiaccount_import", Reply::ok(&json!({ "FailAccounts": [] })));
    srv.push_reply("im_open_login_svc", "multiaccount_import", Reply::ok(&json!({ "FailAccounts": ["u249", "u201"] })));
    let client = srv.client_builder().batch_options(BatchOptions::default().concurrency(1)).build().expect("client");
    let accounts: Vec<String> = (0..250).map(|i| format!("u{i:03}")).collect();
    let request = MultiAccountImportRequest::new().accounts(accounts.clone());
    let outcome = client.im_open_login_svc().multi_account_import_batched(&request).await;
    let sizes: Vec<usize> = (0..3).map(|i| body(&srv, i)["Accounts"].as_array().map_or(0, Vec::len)).collect();
    assert_eq!(sizes, [100, 100, 50]);
    let items = outcome.items();
    assert_eq!(items.len(), 250, "every item is reported");
    assert!(items.iter().enumerate().all(|(i, it)| it.index == i && it.id == Some(accounts[i].as_str())), "in order");
    let failed: Vec<&str> = outcome.failures().iter().filter_map(|f| f.id).collect();
    assert_eq!(failed, ["u007", "u201", "u249"]);
    assert!(!outcome.is_ok());
    assert_eq!(outcome.responses().count(), 3);
}

#[tokio::test]
async fn a_request_that_fails_as_a_whole_marks_its_items_and_holds_back_the_rest() {
    let srv = server().await;
    srv.push_reply("im_open_login_svc", "account_delete", Reply::Example);
    srv.push_reply("im_open_login_svc", "account_delete", Reply::fail(70402, "invalid parameter"));
    let client = srv.client_builder().batch_options(BatchOptions::default().concurrency(1)).build().expect("client");
    let items: Vec<AccountDeleteItem> = (0..250).map(|i| AccountDeleteItem::new(format!("u{i}"))).collect();
    let outcome = client.im_open_login_svc().account_delete_batched(&AccountDeleteRequest::new(items)).await;
    assert_eq!(srv.calls(), 2, "the third request was not sent");
    let all = outcome.items();
    assert_eq!(all.len(), 250);
    assert!(matches!(all[150].outcome, ItemOutcome::RequestFailed(e) if e.code() == Some(70402)));
    assert!(matches!(all[249].outcome, ItemOutcome::NotSent));
    assert_eq!(outcome.errors().count(), 1);
    assert!(outcome.into_responses().is_err());
}

#[tokio::test]
async fn per_item_codes_of_object_items_are_matched_by_their_id() {
    let srv = server().await;
    srv.set_reply(
        "im_open_login_svc",
        "account_delete",
        Reply::ok(&json!({ "ResultItem": [
            { "UserID": "u1", "ResultCode": 70107, "ResultInfo": "not found" },
            { "UserID": "u0", "ResultCode": 0, "ResultInfo": "" }
        ]})),
    );
    let client = srv.client_builder().build().expect("client");
    let items = vec![AccountDeleteItem::new("u0"), AccountDeleteItem::new("u1")];
    let outcome = client.im_open_login_svc().account_delete_batched(&AccountDeleteRequest::new(items)).await;
    let all = outcome.items();
    assert!(all[0].outcome.is_ok());
    assert!(matches!(all[1].outcome, ItemOutcome::Failed { code: Some(70107), info: Some("not found") }));
}

#[tokio::test]
async fn each_request_of_a_batched_send_draws_its_own_msg_random() {
    let srv = server().await;
    let client = srv.client_builder().build().expect("client");
    let to: Vec<String> = (0..1200).map(|i| format!("r{i}")).collect();
    let request = BatchSendMsgRequest::new(to, vec![MsgElement::Text(TextElem::new("hi"))]);
    let outcome = client.openim().batch_send_msg_batched(&request).await;
    assert_eq!(outcome.items().len(), 1200);
    let randoms: std::collections::BTreeSet<u64> = (0..3).filter_map(|i| body(&srv, i)["MsgRandom"].as_u64()).collect();
    assert_eq!(randoms.len(), 3, "three requests, three MsgRandom values");
    assert!(randoms.contains(&u64::from(request.msg_random)), "the first keeps the caller's");
}

/// A transport that answers every request with the command's first official example and counts the
/// requests in flight.
struct Counting {
    in_flight: AtomicUsize,
    max_in_flight: AtomicUsize,
    order: Mutex<Vec<usize>>,
}

/// The transport over a shared [`Counting`].
struct CountingT(Arc<Counting>);

impl Transport for CountingT {
    fn send(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, TransportError>> {
        let this = self.0.clone();
        Box::pin(async move {
            let this = &this;
            let now = this.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
            this.max_in_flight.fetch_max(now, Ordering::SeqCst);
            let v: serde_json::Value = serde_json::from_slice(&request.body).unwrap_or_default();
            if let Some(first) = v["MsgList"][0]["Random"].as_u64() {
                this.order.lock().unwrap_or_else(|p| p.into_inner()).push(usize::try_from(first).unwrap_or(0));
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
            this.in_flight.fetch_sub(1, Ordering::SeqCst);
            Ok(HttpResponse::new(200, r#"{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":""}"#))
        })
    }
    fn sleep(&self, delay: Duration) -> BoxFuture<'static, ()> {
        Box::pin(tokio::time::sleep(delay))
    }
}

fn counting() -> Arc<Counting> {
    Arc::new(Counting { in_flight: AtomicUsize::new(0), max_in_flight: AtomicUsize::new(0), order: Mutex::new(Vec::new()) })
}

#[tokio::test]
async fn batch_concurrency_is_bounded_and_ordered_lists_go_one_after_another() {
    let t = counting();
    let client = tim_rest::Client::builder(APPID, "administrator")
        .secret_key(KEY)
        .transport(CountingT(t.clone()))
        .pacing(Pacing::off())
        .batch_options(BatchOptions::default().concurrency(3))
        .build()
        .expect("client");
    let to: Vec<String> = (0..5000).map(|i| format!("r{i}")).collect();
    let outcome = client.openim().batch_send_msg_batched(&BatchSendMsgRequest::new(to, vec![])).await;
    assert_eq!(outcome.parts().len(), 10);
    assert_eq!(t.max_in_flight.load(Ordering::SeqCst), 3, "at most three requests at once");

    let t2 = counting();
    let client = tim_rest::Client::builder(APPID, "administrator")
        .secret_key(KEY)
        .transport(CountingT(t2.clone()))
        .pacing(Pacing::off())
        .batch_options(BatchOptions::default().concurrency(8))
        .build()
        .expect("client");
    let msgs: Vec<ImportGroupMsgItem> =
        (0..30).map(|i| ImportGroupMsgItem::new("bob", 1_700_000_000 + i, vec![]).random(i as u32)).collect();
    let outcome = client.group_open_http_svc().import_group_msg_batched(&ImportGroupMsgRequest::new("@TGS#1", msgs)).await;
    assert_eq!(outcome.parts().len(), 5, "7 messages per request");
    assert_eq!(t2.max_in_flight.load(Ordering::SeqCst), 1, "import_group_msg parts go one after another");
    assert_eq!(*t2.order.lock().unwrap_or_else(|p| p.into_inner()), [0, 7, 14, 21, 28], "in list order");
}

// ---- limits ----

#[tokio::test]
async fn a_request_over_a_documented_maximum_is_refused_before_sending() {
    let srv = server().await;
    let client = srv.client_builder().build().expect("client");
    let accounts: Vec<String> = (0..250).map(|i| format!("u{i}")).collect();
    let err = client
        .im_open_login_svc()
        .multi_account_import(&MultiAccountImportRequest::new().accounts(accounts.clone()))
        .await
        .expect_err("over 100");
    let text = err.to_string();
    assert!(matches!(err, Error::Build(_)), "{err:?}");
    assert!(text.contains("`Accounts` has 250 items") && text.contains("at most 100 items"), "{text}");
    assert!(text.contains("https://cloud.tencent.com/document/product/269/4919"), "names the page: {text}");
    assert_eq!(srv.calls(), 0, "nothing was sent");

    let long = "x".repeat(40);
    let req = MultiAccountImportRequest::new().account_list(vec![ImportAccountItem::new("ok"), ImportAccountItem::new(long)]);
    let err = client.im_open_login_svc().multi_account_import(&req).await.expect_err("UserID over 32 bytes");
    assert!(err.to_string().contains("`AccountList[1].UserID` has 40 bytes"), "{err}");
}

#[tokio::test]
async fn with_checks_off_the_server_answers_the_documented_code() {
    let srv = server().await;
    let client = srv.client_builder().check_limits(false).build().expect("client");
    let accounts: Vec<String> = (0..101).map(|i| format!("u{i}")).collect();
    let err = client
        .im_open_login_svc()
        .multi_account_import(&MultiAccountImportRequest::new().accounts(accounts))
        .await
        .expect_err("the server refuses");
    assert_eq!(err.code(), Some(70402), "the service's documented code for a bad parameter");
    assert_eq!(srv.calls(), 1);
}

// ---- pacing ----

/// A transport that answers at once and records, instead of sleeping, the instant each wait would end.
struct Recording {
    until: Mutex<Vec<SystemTime>>,
}

/// The transport over a shared [`Recording`].
struct RecordingT(Arc<Recording>);

impl Transport for RecordingT {
    fn send(&self, _request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, TransportError>> {
        Box::pin(async { Ok(HttpResponse::new(200, r#"{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":""}"#)) })
    }
    fn sleep(&self, delay: Duration) -> BoxFuture<'static, ()> {
        self.0.until.lock().unwrap_or_else(|p| p.into_inner()).push(SystemTime::now() + delay);
        Box::pin(std::future::ready(()))
    }
}

fn recording_client(pacing: Pacing) -> (tim_rest::Client, Arc<Recording>) {
    let t = Arc::new(Recording { until: Mutex::new(Vec::new()) });
    let client = tim_rest::Client::builder(APPID, "administrator")
        .secret_key(KEY)
        .transport(RecordingT(t.clone()))
        .pacing(pacing)
        .build()
        .expect("client");
    (client, t)
}

fn gaps(t: &Recording) -> Vec<Duration> {
    let until = t.until.lock().unwrap_or_else(|p| p.into_inner()).clone();
    until.windows(2).map(|w| w[1].duration_since(w[0]).unwrap_or_default()).collect()
}

#[tokio::test]
async fn calls_are_scheduled_at_the_documented_rate() {
    // kick: 200 calls per second documented, so one every 5 ms.
    let (client, t) = recording_client(Pacing::default());
    for _ in 0..10 {
        client.im_open_login_svc().kick(&KickRequest::new("bob")).await.expect("sent");
    }
    let g = gaps(&t);
    assert!(g.len() >= 7, "most calls waited for their turn: {g:?}");
    for gap in g {
        assert!(gap > Duration::from_micros(4_000) && gap < Duration::from_micros(6_000), "one call per 5 ms: {gap:?}");
    }
}

#[tokio::test]
async fn an_override_replaces_the_rate_and_items_count_where_the_docs_count_items() {
    let (client, t) = recording_client(Pacing::default().rate("im_open_login_svc/kick", Rate::per_second(10)));
    for _ in 0..4 {
        client.im_open_login_svc().kick(&KickRequest::new("bob")).await.expect("sent");
    }
    for gap in gaps(&t) {
        assert!(gap > Duration::from_millis(95) && gap < Duration::from_millis(105), "10 per second: {gap:?}");
    }
    // batchsendmsg: 12,000 receivers a minute, one per 5 ms: 500 receivers hold the schedule 2.5 s.
    let (client, t) = recording_client(Pacing::default());
    let to: Vec<String> = (0..500).map(|i| format!("r{i}")).collect();
    let req = BatchSendMsgRequest::new(to, vec![]);
    client.openim().batch_send_msg(&req).await.expect("first");
    client.openim().batch_send_msg(&req).await.expect("second");
    let until = t.until.lock().unwrap_or_else(|p| p.into_inner()).clone();
    let wait = until.last().expect("the second call waited").duration_since(SystemTime::now()).unwrap_or_default();
    assert!(wait > Duration::from_millis(2_000), "the second batch waits for the first one's receivers: {wait:?}");
}

#[tokio::test]
async fn a_wait_longer_than_the_maximum_is_not_sent() {
    let (client, _t) =
        recording_client(Pacing::default().rate("im_open_login_svc/kick", Rate::per_minute(1)).max_wait(Duration::from_secs(1)));
    client.im_open_login_svc().kick(&KickRequest::new("bob")).await.expect("first");
    let err = client.im_open_login_svc().kick(&KickRequest::new("bob")).await.expect_err("would wait a minute");
    assert!(matches!(err, Error::RateLimited { wait, .. } if wait > Duration::from_secs(50)), "{err:?}");
    assert!(err.not_applied());
}

#[tokio::test]
async fn the_local_server_enforces_rates_when_told_and_throttling_codes_are_retryable() {
    let srv = server().await;
    srv.enforce_rates(true);
    srv.set_rate("im_open_login_svc/kick", Rate::per_second(2));
    let client = srv.client_builder().build().expect("client");
    let mut codes = Vec::new();
    for _ in 0..3 {
        codes.push(client.im_open_login_svc().kick(&KickRequest::new("bob")).await.err().and_then(|e| e.code()));
    }
    assert_eq!(codes, [None, None, Some(60007)]);
    let err = client.im_open_login_svc().kick(&KickRequest::new("bob")).await.expect_err("still over");
    assert_eq!(err.as_service().map(|e| e.class()), Some(tim_rest::ErrorClass::Retry));
    assert!(err.not_applied());
}

// ---- pacing across a fleet, through a real Redis ----

/// A `redis-server` on a free port of 127.0.0.1, stopped when dropped.
struct Redis {
    child: std::process::Child,
    url: String,
}

impl Drop for Redis {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_redis() -> Redis {
    let port = std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("a free port").port();
    let child = std::process::Command::new("redis-server")
        .args(["--port", &port.to_string(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("redis-server must be installed (apt-get install redis-server; .ci/run installs it)");
    let redis = Redis { child, url: format!("redis://127.0.0.1:{port}/") };
    for _ in 0..100 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return redis;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("redis-server did not start on port {port}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn four_clients_sharing_one_redis_keep_their_combined_rate_within_ten_percent() {
    let redis = start_redis();
    let srv = server().await;
    srv.set_recording(true);
    const LIMIT: u64 = 40;
    let mut tasks = Vec::new();
    for _ in 0..4 {
        let store = tim_rest::pacing::RedisStore::new(&redis.url).expect("url").key_prefix("test-fleet:");
        let pacing = Pacing::default().rate("im_open_login_svc/kick", Rate::per_second(LIMIT)).store(store);
        let client = srv.client_builder().pacing(pacing).build().expect("client");
        tasks.push(tokio::spawn(async move {
            let stop = std::time::Instant::now() + Duration::from_secs(3);
            let mut n = 0;
            while std::time::Instant::now() < stop {
                client.im_open_login_svc().kick(&KickRequest::new("bob")).await.expect("sent");
                n += 1;
            }
            n
        }));
    }
    let mut per_client = Vec::new();
    for t in tasks {
        per_client.push(t.await.expect("task"));
    }
    let times: Vec<SystemTime> = srv.requests().iter().map(|r| r.received).collect();
    let first = *times.iter().min().expect("requests");
    let last = *times.iter().max().expect("requests");
    let span = last.duration_since(first).expect("ordered").as_secs_f64();
    let rate = (times.len() - 1) as f64 / span;
    assert!(per_client.iter().all(|n| *n > 5), "every client sent: {per_client:?}");
    assert!((rate - LIMIT as f64).abs() <= LIMIT as f64 * 0.1, "combined rate {rate:.1}/s for a limit of {LIMIT}/s ({per_client:?})");
}

#[tokio::test]
async fn waiting_for_a_rate_is_a_tracing_event() {
    let (logs, _guard) = capture(tracing::Level::DEBUG);
    let (client, _t) = recording_client(Pacing::default().rate("im_open_login_svc/kick", Rate::per_second(10)));
    client.im_open_login_svc().kick(&KickRequest::new("bob")).await.expect("first");
    client.im_open_login_svc().kick(&KickRequest::new("bob")).await.expect("second");
    let text = logs.text();
    assert!(text.contains("tim_rest::pacing") && text.contains("im_open_login_svc/kick") && text.contains("wait_ms"), "{text}");
}

#[tokio::test]
async fn an_unreachable_redis_falls_back_with_a_warning_or_fails_after_its_deadline() {
    use tim_rest::pacing::{RedisStore, Unavailable};
    let (logs, _guard) = capture(tracing::Level::WARN);
    let srv = server().await;
    // Nothing listens on port 1.
    let store = RedisStore::new("redis://127.0.0.1:1/").expect("url").timeouts(Duration::from_millis(200), Duration::from_millis(200));
    let client = srv.client_builder().pacing(Pacing::default().store(store)).build().expect("client");
    client.im_open_login_svc().kick(&KickRequest::new("bob")).await.expect("falls back to the in-process schedule");
    assert!(logs.text().contains("Redis unreachable"), "a WARN says so: {}", logs.text());

    let store = RedisStore::new("redis://127.0.0.1:1/")
        .expect("url")
        .timeouts(Duration::from_millis(100), Duration::from_millis(100))
        .on_unavailable(Unavailable::Wait(Duration::from_millis(300)));
    let client = srv.client_builder().pacing(Pacing::default().store(store)).build().expect("client");
    let err = client.im_open_login_svc().kick(&KickRequest::new("bob")).await.expect_err("no Redis, no fallback");
    assert!(matches!(err, Error::PacingStore { .. }), "{err:?}");
    assert!(err.not_applied());
    assert_eq!(srv.calls(), 1, "only the first call was sent");
}

#[test]
fn rules_in_the_registry_match_the_docs() {
    let info = tim_rest::registry::find("openim", "batchsendmsg").expect("catalogued");
    assert_eq!(info.rates.len(), 2);
    assert_eq!((info.rates[1].limit, info.rates[1].per_secs, info.rates[1].counts), (12000, 60, Some("To_Account")));
    assert_eq!(info.batch, ["To_Account"]);
    let paged = tim_rest::registry::commands().filter(|c| c.paging.is_some()).count();
    let batched = tim_rest::registry::commands().filter(|c| !c.batch.is_empty()).count();
    let paced = tim_rest::registry::commands().filter(|c| !c.rates.is_empty()).count();
    assert!(paged >= 10 && batched >= 30 && paced >= 140, "paged {paged}, batched {batched}, paced {paced}");
    // The ItemResults of a response still work with the batch outcome's per-item matching.
    let r = tim_rest::im_open_login_svc::MultiAccountImportResponse::new().fail_accounts(["x"]);
    assert_eq!(r.failures().len(), 1);
}

#[tokio::test]
async fn a_fleet_shares_the_callback_replay_guard_through_redis() {
    use tim_rest::callbacks::{Answer, Callbacks};
    let redis = start_redis();
    let token = "console-token";
    let guard = || tim_rest::pacing::RedisStore::new(&redis.url).expect("url");
    let first = Callbacks::new(APPID).token(token).replay_guard(guard());
    let second = Callbacks::new(APPID).token(token).replay_guard(guard());
    let time = SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let query =
        format!("SdkAppid={APPID}&CallbackCommand=State.StateChange&Sign={}&RequestTime={time}", tim_rest::callbacks::sign(token, time));
    let body =
        json!({"CallbackCommand": "State.StateChange", "Info": {"Action": "Login", "To_Account": "bob", "Reason": "Register"}}).to_string();
    let a = first.handle(&query, body.as_bytes(), |_| async { Answer::ok() }).await;
    let b = second.handle(&query, body.as_bytes(), |_| async { Answer::ok() }).await;
    assert_eq!((a.status, b.status), (200, 409), "the other process refuses the replay");
}
