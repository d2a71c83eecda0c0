//! Load: 10,000 one-to-one messages from 64 concurrent tasks; none is lost, and every one is read back
//! from the history. No timing is asserted.

use std::collections::BTreeSet;
use std::sync::Arc;
use tim_emulator::Emulator;
use tim_rest::im_open_login_svc::MultiAccountImportRequest;
use tim_rest::openim::{AdminGetRoamMsgRequest, SendMsgRequest};
use tim_rest::types::{MsgElement, TextElem};

const TASKS: usize = 64;
const MESSAGES: usize = 10_000;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn ten_thousand_sends_from_64_tasks_are_all_stored_and_readable() {
    let emu = Emulator::start(1400000000, "administrator", "test-key").await.expect("bind");
    emu.set_recording(false);
    let client = Arc::new(emu.client_builder().pool_max_idle_per_host(TASKS).build().expect("client"));
    let mut ids: Vec<String> = (0..TASKS).map(|i| format!("sender{i}")).collect();
    ids.push("hub".into());
    client.im_open_login_svc().multi_account_import(&MultiAccountImportRequest::new().accounts(ids)).await.expect("import");

    let mut handles = Vec::new();
    for t in 0..TASKS {
        let client = client.clone();
        handles.push(tokio::spawn(async move {
            let mut sent = 0usize;
            for n in (t..MESSAGES).step_by(TASKS) {
                let body = vec![MsgElement::Text(TextElem::new(format!("message {n}")))];
                client.openim().send_msg(&SendMsgRequest::new("hub", body).from_account(format!("sender{t}"))).await.expect("send");
                sent += 1;
            }
            sent
        }));
    }
    let mut total = 0;
    for h in handles {
        total += h.await.expect("task");
    }
    assert_eq!(total, MESSAGES);
    assert_eq!(emu.world().c2c.len(), MESSAGES, "none lost");

    // Read every conversation back through the paged history.
    let mut read = BTreeSet::new();
    for t in 0..TASKS {
        let mut req = AdminGetRoamMsgRequest::new("hub", format!("sender{t}"), 100, 0, u64::from(u32::MAX));
        loop {
            let page = client.openim().admin_get_roam_msg(&req).await.expect("history page");
            for m in &page.msg_list {
                for e in &m.msg_body {
                    if let MsgElement::Text(text) = e {
                        assert!(read.insert(text.text.clone()), "read twice: {}", text.text);
                    }
                }
            }
            if page.complete == 1 {
                break;
            }
            req = req.last_msg_key(page.last_msg_key.clone());
            req.max_time = page.last_msg_time;
        }
    }
    assert_eq!(read.len(), MESSAGES);
    assert!((0..MESSAGES).all(|n| read.contains(&format!("message {n}"))));
}
