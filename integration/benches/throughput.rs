//! Calls per second over keep-alive against the local server, with 1, 16 and 64 concurrent tasks:
//! the SDK (`client.im_open_login_svc().kick(..)`: encode, sign-cache, send, envelope and payload
//! decode) beside a bare reqwest loop posting the same bytes to the same URL. Runs alternate and repeat;
//! the median of each is reported.
//!
//! `cargo bench -p tim-rest --features mock --bench throughput`
//! Peak memory of the 64-task SDK run alone:
//! `THROUGHPUT_ONLY=64 /usr/bin/time -v cargo bench -p tim-rest --features mock --bench throughput`
//! (read "Maximum resident set size"; the `cargo` wrapper adds nothing to the bench process's RSS).

use std::sync::Arc;
use std::time::{Duration, Instant};
use tim_rest::im_open_login_svc::KickRequest;
use tim_rest::mock::MockServer;

const KEY: &str = "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e";

async fn run_sdk(client: &tim_rest::Client, tasks: usize, calls: usize) -> Duration {
    let start = Instant::now();
    let mut handles = Vec::with_capacity(tasks);
    for t in 0..tasks {
        let client = client.clone();
        handles.push(tokio::spawn(async move {
            let req = KickRequest::new("bench_user");
            for _ in (t..calls).step_by(tasks) {
                client.im_open_login_svc().kick(&req).await.expect("answered");
            }
        }));
    }
    for h in handles {
        h.await.expect("task");
    }
    start.elapsed()
}

async fn run_bare(http: &reqwest::Client, url: Arc<String>, body: bytes::Bytes, tasks: usize, calls: usize) -> Duration {
    let start = Instant::now();
    let mut handles = Vec::with_capacity(tasks);
    for t in 0..tasks {
        let http = http.clone();
        let url = url.clone();
        let body = body.clone();
        handles.push(tokio::spawn(async move {
            for _ in (t..calls).step_by(tasks) {
                let resp =
                    http.post(url.as_str()).header("content-type", "application/json").body(body.clone()).send().await.expect("sent");
                let bytes = resp.bytes().await.expect("body");
                assert!(!bytes.is_empty());
            }
        }));
    }
    for h in handles {
        h.await.expect("task");
    }
    start.elapsed()
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

fn main() {
    // `cargo bench` passes `--bench`; nothing else is accepted.
    let only: Option<usize> = std::env::var("THROUGHPUT_ONLY").ok().and_then(|v| v.parse().ok());
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    rt.block_on(async {
        let server = MockServer::start(1400000000, "administrator", KEY).await.expect("bind");
        // Measure the client, not the server's request log.
        server.set_recording(false);
        let client = server.client_builder().pool_max_idle_per_host(64).build().expect("client");
        let http = reqwest::Client::builder().pool_max_idle_per_host(64).tcp_nodelay(true).build().expect("reqwest");
        let prepared = client.prepare(&KickRequest::new("bench_user")).expect("prepare");
        let url = Arc::new(prepared.url.clone());
        let body = prepared.body.clone();

        if let Some(tasks) = only {
            let calls = 20_000;
            let d = run_sdk(&client, tasks, calls).await;
            println!("sdk, {tasks} tasks: {:.0} calls/s", calls as f64 / d.as_secs_f64());
            return;
        }

        // Warm up both paths and the pool.
        run_sdk(&client, 64, 2_000).await;
        run_bare(&http, url.clone(), body.clone(), 64, 2_000).await;

        println!("| concurrent tasks | tim-rest calls/s | bare reqwest calls/s | ratio |");
        println!("|---|---|---|---|");
        for tasks in [1usize, 16, 64] {
            let calls = if tasks == 1 { 4_000 } else { 20_000 };
            let (mut sdk, mut bare) = (Vec::new(), Vec::new());
            for _ in 0..5 {
                sdk.push(calls as f64 / run_sdk(&client, tasks, calls).await.as_secs_f64());
                bare.push(calls as f64 / run_bare(&http, url.clone(), body.clone(), tasks, calls).await.as_secs_f64());
            }
            let (s, b) = (median(sdk), median(bare));
            println!("| {tasks} | {s:.0} | {b:.0} | {:.2} |", s / b);
        }
        println!("connections opened by the server: {}", server.connections());
    });
}
