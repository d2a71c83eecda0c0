//! Wall time of the generated paging and batch calls against the local server (in the same process,
//! plain HTTP, pacing off): reading 10,000 group members page by page, and importing 1,000 accounts in
//! batches, each beside the hand-written loop a caller would otherwise write.
//!
//! `cargo bench -p tim-rest-tests --bench rules`

use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use tim_rest::group_open_http_svc::GetGroupMemberInfoRequest;
use tim_rest::im_open_login_svc::MultiAccountImportRequest;
use tim_rest::mock::MockServer;
use tim_rest::types::GroupMemberInfo;

const KEY: &str = "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e";

fn benches(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
    let srv = rt.block_on(MockServer::start(1400000000, "administrator", KEY)).expect("server");
    srv.set_recording(false);
    let members: Vec<GroupMemberInfo> =
        (0..10_000).map(|i| GroupMemberInfo::new(format!("member_{i:05}")).join_time(1_700_000_000 + i)).collect();
    srv.set_items::<GetGroupMemberInfoRequest>(members).expect("items");
    let client = srv.client_builder().build().expect("client");

    let mut g = c.benchmark_group("page through 10,000 group members, 100 per page");
    g.sample_size(10);
    g.bench_function("get_group_member_info_items", |b| {
        b.iter(|| {
            let all = rt
                .block_on(
                    client
                        .group_open_http_svc()
                        .get_group_member_info_items(GetGroupMemberInfoRequest::new("@TGS#1").limit(100))
                        .try_collect(),
                )
                .expect("members");
            assert_eq!(all.len(), 10_000);
            black_box(all)
        })
    });
    g.bench_function("hand-written cursor loop", |b| {
        b.iter(|| {
            rt.block_on(async {
                let mut all = Vec::new();
                let mut request = GetGroupMemberInfoRequest::new("@TGS#1").limit(100);
                loop {
                    let mut page = client.group_open_http_svc().get_group_member_info(&request).await.expect("page");
                    let done = page.next.as_deref() == Some("") || page.member_list.is_empty();
                    all.append(&mut page.member_list);
                    if done {
                        break;
                    }
                    request = request.next(page.next.clone().unwrap_or_default());
                }
                assert_eq!(all.len(), 10_000);
                black_box(all)
            })
        })
    });
    g.finish();

    let accounts: Vec<String> = (0..1000).map(|i| format!("user_{i:04}")).collect();
    let mut g = c.benchmark_group("import 1,000 accounts, 100 per request");
    g.sample_size(10);
    g.bench_function("multi_account_import_batched", |b| {
        b.iter(|| {
            let outcome = rt.block_on(
                client.im_open_login_svc().multi_account_import_batched(&MultiAccountImportRequest::new().accounts(accounts.clone())),
            );
            assert_eq!(outcome.items().len(), 1000);
            black_box(outcome)
        })
    });
    g.bench_function("hand-written chunks(100) loop", |b| {
        b.iter(|| {
            rt.block_on(async {
                let mut failed = Vec::new();
                for chunk in accounts.chunks(100) {
                    let r = client
                        .im_open_login_svc()
                        .multi_account_import(&MultiAccountImportRequest::new().accounts(chunk.to_vec()))
                        .await
                        .expect("import");
                    failed.extend(r.fail_accounts);
                }
                black_box(failed)
            })
        })
    });
    g.finish();
}

criterion_group!(rules, benches);
criterion_main!(rules);
