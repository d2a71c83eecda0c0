//! Calls per second of the local server in its two modes: stateless (each command answers its
//! official example) and stateful (the emulator stores the message), for `sendmsg` through the
//! generated client over HTTP on 127.0.0.1, one call at a time and 64 at once.
//!
//! `cargo bench -p tim-emulator --bench stateful -- --quick`

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::sync::Arc;
use tim_emulator::Emulator;
use tim_rest::im_open_login_svc::MultiAccountImportRequest;
use tim_rest::mock::MockServer;
use tim_rest::openim::SendMsgRequest;
use tim_rest::types::{MsgElement, TextElem};

const APPID: u64 = 1400000000;
const KEY: &str = "bench-key";
const CONCURRENT: usize = 64;

fn request(n: usize) -> SendMsgRequest {
    SendMsgRequest::new("bob", vec![MsgElement::Text(TextElem::new(format!("message {n}")))]).from_account("alice")
}

async fn sends(client: &Arc<tim_rest::Client>, start: usize, count: usize) {
    let mut set = tokio::task::JoinSet::new();
    for n in start..start + count {
        let c = client.clone();
        set.spawn(async move { c.openim().send_msg(&request(n)).await.map(|_| ()) });
    }
    while let Some(r) = set.join_next().await {
        if let Ok(Err(e)) = r {
            panic!("send failed: {e}");
        }
    }
}

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
    let (stateless, emulator, plain, stateful) = rt.block_on(async {
        let stateless = MockServer::start(APPID, "administrator", KEY).await.expect("bind");
        stateless.set_recording(false);
        let emulator = Emulator::start(APPID, "administrator", KEY).await.expect("bind");
        emulator.set_recording(false);
        let plain = Arc::new(stateless.client_builder().pool_max_idle_per_host(CONCURRENT).build().expect("client"));
        let stateful = Arc::new(emulator.client_builder().pool_max_idle_per_host(CONCURRENT).build().expect("client"));
        let accounts = MultiAccountImportRequest::new().accounts(["alice", "bob"]);
        stateful.im_open_login_svc().multi_account_import(&accounts).await.expect("import");
        (stateless, emulator, plain, stateful)
    });
    let mut n = 0usize;
    let mut group = c.benchmark_group("sendmsg");
    group.throughput(Throughput::Elements(1));
    for (name, client) in [("stateless, 1 at a time", &plain), ("stateful, 1 at a time", &stateful)] {
        group.bench_function(name, |b| {
            b.iter(|| {
                n += 1;
                rt.block_on(client.openim().send_msg(&request(n))).expect("send")
            })
        });
    }
    group.throughput(Throughput::Elements(CONCURRENT as u64));
    for (name, client) in [("stateless, 64 at once", &plain), ("stateful, 64 at once", &stateful)] {
        group.bench_function(name, |b| {
            b.iter(|| {
                n += CONCURRENT;
                rt.block_on(sends(client, n, CONCURRENT))
            })
        });
    }
    group.finish();
    println!("messages stored by the emulator: {}", emulator.world().c2c.len());
    drop((stateless, emulator));
}

criterion_group!(benches, bench);
criterion_main!(benches);
