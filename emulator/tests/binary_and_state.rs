//! The state controls (clock, seed, snapshot, reset) and the `tim-emulator` binary: one start-up line,
//! a seed read at start, the state written on Ctrl-C.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use tim_emulator::{Emulator, World};
use tim_rest::im_open_login_svc::{AccountCheckItem, AccountCheckRequest, AccountImportRequest, AccountStatus};
use tim_rest::mock::Reply;
use tim_rest::openim::SendMsgRequest;
use tim_rest::types::{MsgElement, TextElem};

const KEY: &str = "test-key";

fn scratch(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("tim-emulator-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir.join(name)
}

#[tokio::test]
async fn a_snapshot_is_a_seed_and_reset_empties_the_state() {
    let emu = Emulator::start(1400000000, "administrator", KEY).await.expect("bind");
    let client = emu.client_builder().build().expect("client");
    emu.clock().set(1_700_000_000);
    client.im_open_login_svc().account_import(&AccountImportRequest::new("ann")).await.expect("import");
    let sent = client.openim().send_msg(&SendMsgRequest::new("ann", vec![MsgElement::Text(TextElem::new("hi"))])).await.expect("send");
    assert_eq!(sent.msg_time, 1_700_000_000, "the clock set by the test");

    let yaml = scratch("state.yaml");
    emu.save_snapshot(&yaml).expect("write");
    let json = emu.world().to_json();
    emu.reset();
    assert!(!emu.world().has_account("ann"));
    assert!(emu.world().has_account("administrator"), "the admin account stays");
    assert!(emu.requests().is_empty(), "the request log is cleared too");

    emu.load_seed(&yaml).expect("seed from the snapshot");
    assert_eq!(emu.world().to_json(), json, "YAML and JSON are the same state");
    assert_eq!(emu.world().c2c[0].time, 1_700_000_000);
    assert!(World::from_text("{\"accounts\": 3}").is_err());
    assert!(World::from_text("nonsense: [").is_err());

    // Scripts still come first, and state-changing commands are skipped by a scripted fault.
    emu.on::<AccountImportRequest>().fail(70169, "internal timeout");
    let err = client.im_open_login_svc().account_import(&AccountImportRequest::new("bob")).await.expect_err("fault");
    assert_eq!(err.code(), Some(70169));
    assert!(!emu.world().has_account("bob"));
    emu.on::<AccountImportRequest>().reply(Reply::Example);
    client.im_open_login_svc().account_import(&AccountImportRequest::new("bob")).await.expect("example");
    assert!(!emu.world().has_account("bob"), "an example reply changes nothing");
    emu.assert_all_used();
}

#[tokio::test]
async fn the_binary_serves_a_seed_and_writes_its_state_on_ctrl_c() {
    let seed = scratch("seed.json");
    std::fs::write(&seed, r#"{"accounts": {"seeded": {"created": 1600000000}}}"#).expect("seed");
    let snapshot = scratch("out.json");
    let mut child = Command::new(env!("CARGO_BIN_EXE_tim-emulator"))
        .args(["--port", "0", "--sdkappid", "1400000000", "--admin", "administrator", "--key", KEY, "--seed"])
        .arg(&seed)
        .arg("--snapshot")
        .arg(&snapshot)
        .stdout(Stdio::piped())
        .spawn()
        .expect("run the binary");
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let first = lines.next().expect("a start-up line").expect("text");
    assert!(!first.contains(KEY), "the key is never printed");
    let url = first.split_whitespace().find(|w| w.starts_with("http://")).expect("the URL").to_owned();

    let client = tim_rest::Client::builder(1400000000, "administrator")
        .secret_key(KEY)
        .base_url(url)
        .allow_insecure_http(true)
        .build()
        .expect("client");
    let check = AccountCheckRequest::new(vec![AccountCheckItem::new("seeded")]);
    let r = client.im_open_login_svc().account_check(&check).await.expect("check");
    assert_eq!(r.result_item[0].account_status, Some(AccountStatus::Imported));
    client.im_open_login_svc().account_import(&AccountImportRequest::new("added")).await.expect("import");

    let stopped = Command::new("kill").args(["-INT", &child.id().to_string()]).status().expect("kill");
    assert!(stopped.success());
    let status = child.wait().expect("exit");
    assert!(status.success(), "a clean shutdown: {status:?}");
    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    assert!(rest.iter().any(|l| l.contains("stopped")), "{rest:?}");
    let state = World::from_text(&std::fs::read_to_string(&snapshot).expect("snapshot")).expect("state");
    assert!(state.has_account("seeded") && state.has_account("added"));
}
