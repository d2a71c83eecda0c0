//! The `tim` binary against the local server (started in the test, on 127.0.0.1) and a small axum
//! callback service: what an operator at a terminal relies on (output, exit codes, nothing sent when a
//! request fails its check).

use serde_json::{Value, json};
use std::process::{Command, Output, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use tim_rest::callbacks::{Answer, Callbacks, Event, Incoming};
use tim_rest::mock::{MockServer, Reply};

const APPID: u64 = 1400000000;
const ADMIN: &str = "administrator";
const KEY: &str = "test-secret-key";
const TOKEN: &str = "callback-token";

/// Runs `tim` with no `TIM_*` variable from the environment, plus `env`.
fn tim(args: &[&str], env: &[(&str, String)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_tim"));
    for (k, _) in std::env::vars() {
        if k.starts_with("TIM_") {
            cmd.env_remove(k);
        }
    }
    cmd.args(args).envs(env.iter().map(|(k, v)| (*k, v.as_str()))).stdin(Stdio::null());
    cmd.output().expect("tim runs")
}

/// `tim` from an async test (the local server keeps running on the runtime's workers).
async fn tim_async(args: &[&str], env: &[(&str, String)]) -> Output {
    let args: Vec<String> = args.iter().map(|s| (*s).to_owned()).collect();
    let env: Vec<(String, String)> = env.iter().map(|(k, v)| ((*k).to_owned(), v.clone())).collect();
    tokio::task::spawn_blocking(move || {
        let a: Vec<&str> = args.iter().map(String::as_str).collect();
        let e: Vec<(&str, String)> = env.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
        tim(&a, &e)
    })
    .await
    .expect("joined")
}

fn config(server: &MockServer) -> Vec<(&'static str, String)> {
    vec![
        ("TIM_SDKAPPID", APPID.to_string()),
        ("TIM_ADMIN", ADMIN.to_owned()),
        ("TIM_SECRET_KEY", KEY.to_owned()),
        ("TIM_BASE_URL", server.base_url()),
    ]
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

const HELLO: &str = r#"{"To_Account":"bob","MsgBody":[{"MsgType":"TIMTextElem","MsgContent":{"Text":"hi"}}]}"#;

#[tokio::test(flavor = "multi_thread")]
async fn a_call_sends_the_checked_request_and_prints_the_reply() {
    let server = MockServer::start(APPID, ADMIN, KEY).await.expect("server");
    let out = tim_async(&["call", "openim/send_msg", HELLO], &config(&server)).await;
    assert!(out.status.success(), "{}", stderr(&out));
    let reply: Value = serde_json::from_str(&stdout(&out)).expect("pretty JSON on stdout");
    assert_eq!(reply["MsgKey"], "89541_2574206_1572870301", "the example reply, decoded");
    let sent = server.requests();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].path, "/v4/openim/sendmsg", "the Rust name is sent as the wire name");
    let body: Value = serde_json::from_slice(&sent[0].body).expect("json");
    assert!(body["MsgRandom"].is_u64(), "the SDK-filled field is filled: {body}");
    assert!(sent[0].decoded.is_some(), "the server decoded it as the typed request");

    // --raw: the body as received, envelope included.
    let raw = tim_async(&["call", "openim/sendmsg", "--raw", HELLO], &config(&server)).await;
    assert!(raw.status.success(), "{}", stderr(&raw));
    let body: Value = serde_json::from_str(stdout(&raw).trim()).expect("json");
    assert_eq!(body["ActionStatus"], "OK");
}

#[tokio::test(flavor = "multi_thread")]
async fn drift_corrections_go_to_stderr_and_the_corrected_reply_to_stdout() {
    let server = MockServer::start(APPID, ADMIN, KEY).await.expect("server");
    let drifted = json!({"ActionStatus": "OK", "ErrorCode": 0, "ErrorInfo": "", "MsgTime": "1572870301", "MsgKey": "k", "NewKey": 1});
    server.set_reply("openim", "sendmsg", Reply::Json(drifted));
    let out = tim_async(&["call", "openim/sendmsg", HELLO], &config(&server)).await;
    assert!(out.status.success(), "{}", stderr(&out));
    let reply: Value = serde_json::from_str(&stdout(&out)).expect("json");
    assert_eq!(reply["MsgTime"], 1572870301, "read as the catalogue's integer");
    let err = stderr(&out);
    assert!(err.contains("drift") && err.contains("MsgTime") && err.contains("NewKey"), "{err}");
    let raw = tim_async(&["call", "openim/sendmsg", "--raw", HELLO], &config(&server)).await;
    assert!(stdout(&raw).contains(r#""MsgTime":"1572870301""#), "as received: {}", stdout(&raw));
}

#[tokio::test(flavor = "multi_thread")]
async fn an_error_reply_exits_non_zero_with_its_code_and_message() {
    let server = MockServer::start(APPID, ADMIN, KEY).await.expect("server");
    server.push_reply("im_open_login_svc", "kick", Reply::fail(70107, "account not found"));
    let out = tim_async(&["call", "im_open_login_svc/kick", r#"{"UserID":"nobody"}"#], &config(&server)).await;
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("70107") && err.contains("account not found"), "{err}");
    assert!(stdout(&out).is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_request_that_fails_the_check_is_reported_with_its_path_and_not_sent() {
    let server = MockServer::start(APPID, ADMIN, KEY).await.expect("server");
    let unknown = r#"{"To_Account":"bob","MsgBody":[{"MsgType":"TIMTextElem","MsgContent":{"Txt":"hi"}}]}"#;
    let out = tim_async(&["call", "openim/sendmsg", unknown], &config(&server)).await;
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("MsgBody[0].MsgContent.Txt") && err.contains("unknown field"), "{err}");
    let wrong = tim_async(&["call", "openim/sendmsg", r#"{"To_Account":"bob","MsgLifeTime":"soon","MsgBody":[]}"#], &config(&server)).await;
    assert_eq!(wrong.status.code(), Some(2));
    assert!(stderr(&wrong).contains("`MsgLifeTime`: invalid type"), "{}", stderr(&wrong));
    // A documented limit, with the path of the item.
    let many: Vec<String> = (0..501).map(|i| format!("u{i}")).collect();
    let over = json!({ "To_Account": many }).to_string();
    let limit = tim_async(&["call", "openim/query_online_status", &over], &config(&server)).await;
    assert_eq!(limit.status.code(), Some(2));
    assert!(stderr(&limit).contains("To_Account") && stderr(&limit).contains("500"), "{}", stderr(&limit));
    assert_eq!(server.calls(), 0, "nothing was sent");
}

#[test]
fn the_docs_request_example_is_printed_to_start_from() {
    let out = tim(&["call", "openim/sendmsg", "--example"], &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let first = tim_rest::registry::find("openim", "sendmsg").and_then(|c| c.examples.iter().find_map(|e| e.request)).expect("example");
    assert_eq!(stdout(&out).trim(), first.trim());
    let second = tim(&["call", "openim/sendmsg", "--example", "2"], &[]);
    let v: Value = serde_json::from_str(&stdout(&second)).expect("json");
    assert!(v["ForbidCallbackControl"].is_array(), "example 2 of the page: {v}");
    let none = tim(&["call", "openim/sendmsg", "--example", "99"], &[]);
    assert_eq!(none.status.code(), Some(2));
    assert!(stderr(&none).contains("request example(s)"), "{}", stderr(&none));
}

#[test]
fn unknown_commands_fail_with_the_closest_names_and_missing_settings_are_named() {
    let out = tim(&["call", "openim/sendmgs", "{}"], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("closest: openim/sendmsg"), "{}", stderr(&out));
    let out =
        tim(&["call", "im_open_login_svc/kick", r#"{"UserID":"x"}"#], &[("TIM_SDKAPPID", APPID.to_string()), ("TIM_ADMIN", ADMIN.into())]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("TIM_SECRET_KEY is not set (or pass --secret-key)"), "{}", stderr(&out));
}

#[tokio::test(flavor = "multi_thread")]
async fn all_follows_the_cursor_to_the_last_page() {
    let server = MockServer::start(APPID, ADMIN, KEY).await.expect("server");
    let members: Vec<Value> = (0..5).map(|i| json!({ "Member_Account": format!("user{i}") })).collect();
    server.set_items_json("group_open_http_svc", "get_group_member_info", members).expect("paged");
    let out =
        tim_async(&["call", "group_open_http_svc/get_group_member_info", "--all", r#"{"GroupId":"@TGS#1","Limit":2}"#], &config(&server))
            .await;
    assert!(out.status.success(), "{}", stderr(&out));
    let reply: Value = serde_json::from_str(&stdout(&out)).expect("json");
    let names: Vec<&str> = reply["MemberList"].as_array().expect("list").iter().filter_map(|m| m["Member_Account"].as_str()).collect();
    assert_eq!(names, ["user0", "user1", "user2", "user3", "user4"]);
    assert_eq!(server.requests().len(), 3, "three pages of two");
    assert!(!stderr(&out).contains('\u{1b}'), "no progress bar drawn when not on a terminal");
}

#[test]
fn usersig_round_trip_and_what_is_wrong_with_a_bad_one() {
    let env = [("TIM_SDKAPPID", APPID.to_string()), ("TIM_SECRET_KEY", KEY.to_owned())];
    let made = tim(&["usersig", "gen", "bob", "--expire", "3600"], &env);
    assert!(made.status.success(), "{}", stderr(&made));
    let sig = stdout(&made).trim().to_owned();
    let ok = tim(&["usersig", "verify", &sig], &env);
    assert!(ok.status.success(), "{}", stderr(&ok));
    assert!(stdout(&ok).contains("valid") && stdout(&ok).contains("user bob"), "{}", stdout(&ok));
    assert!(tim(&["usersig", "verify", &sig, "--user", "bob"], &env).status.success());

    let other_user = tim(&["usersig", "verify", &sig, "--user", "alice"], &env);
    assert_eq!(other_user.status.code(), Some(1));
    assert!(stderr(&other_user).contains("(user)"), "{}", stderr(&other_user));
    let other_app = tim(&["usersig", "verify", &sig], &[("TIM_SDKAPPID", "1400000001".into()), ("TIM_SECRET_KEY", KEY.into())]);
    assert!(stderr(&other_app).contains("(app id)"), "{}", stderr(&other_app));
    let other_key = tim(&["usersig", "verify", &sig], &[("TIM_SDKAPPID", APPID.to_string()), ("TIM_SECRET_KEY", "another".into())]);
    assert!(stderr(&other_key).contains("(signature)"), "{}", stderr(&other_key));
    let mut tampered = sig.clone();
    tampered.insert(10, '!');
    let bad = tim(&["usersig", "verify", &tampered], &env);
    assert_eq!(bad.status.code(), Some(1));
    assert!(stderr(&bad).contains("not a valid UserSig"), "{}", stderr(&bad));

    let key = tim_rest::usersig::SecretKey::new(KEY);
    let old = tim_rest::usersig::generate(&key, APPID, "bob", 1_600_000_000, 60, None);
    let expired = tim(&["usersig", "verify", old.expose()], &env);
    assert_eq!(expired.status.code(), Some(1));
    assert!(stderr(&expired).contains("(expired)"), "{}", stderr(&expired));
    assert!(!stderr(&expired).contains(KEY) && !stdout(&made).contains(KEY), "the key is never printed");
}

/// A callback service on the runtime's axum route: rejects messages containing "spam".
async fn callback_app() -> (String, Arc<AtomicUsize>) {
    let handled = Arc::new(AtomicUsize::new(0));
    let seen = handled.clone();
    let app = tim_rest::callbacks::axum::router("/cb", Callbacks::new(APPID).token(TOKEN), move |incoming: Incoming<Event>| {
        let seen = seen.clone();
        async move {
            seen.fetch_add(1, Ordering::SeqCst);
            match incoming.event {
                Event::C2cBeforeSendMsg(m) if format!("{:?}", m.msg_body).contains("spam") => Answer::code(1),
                _ => Answer::ok(),
            }
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}/cb", listener.local_addr().expect("addr"));
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, handled)
}

#[tokio::test(flavor = "multi_thread")]
async fn callbacks_are_delivered_signed_like_the_server_and_refused_otherwise() {
    let (url, handled) = callback_app().await;
    let env = [("TIM_SDKAPPID", APPID.to_string())];
    let signed =
        tim_async(&["callbacks", "trigger", "C2C.CallbackBeforeSendMsg", "--to", &url, "--token", TOKEN, "--example", "1"], &env).await;
    assert!(signed.status.success(), "{}{}", stdout(&signed), stderr(&signed));
    let text = stdout(&signed);
    assert!(text.contains("HTTP 200") && text.contains("ErrorCode 0: allow") && text.contains(" ms"), "{text}");
    assert_eq!(handled.load(Ordering::SeqCst), 1);

    let spam = json!({
        "CallbackCommand": "C2C.CallbackBeforeSendMsg", "From_Account": "alice", "To_Account": "bob", "MsgSeq": 1,
        "MsgRandom": 2, "MsgTime": 1557481126, "MsgKey": "1_2_1557481126", "OnlineOnlyFlag": 0,
        "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "spam!"}}]
    })
    .to_string();
    let rejected = tim_async(&["callbacks", "trigger", "C2C.CallbackBeforeSendMsg", "--to", &url, "--token", TOKEN, &spam], &env).await;
    assert!(rejected.status.success(), "{}", stderr(&rejected));
    assert!(stdout(&rejected).contains("ErrorCode 1: reject"), "{}", stdout(&rejected));

    for mode in [&["--unsigned"][..], &["--token", TOKEN, "--wrong-sign"], &["--token", TOKEN, "--stale"]] {
        let mut args = vec!["callbacks", "trigger", "C2C.CallbackBeforeSendMsg", "--to", &url];
        args.extend_from_slice(mode);
        let out = tim_async(&args, &env).await;
        assert_eq!(out.status.code(), Some(1), "{mode:?}: {}", stdout(&out));
        assert!(stdout(&out).contains("HTTP 403"), "{mode:?}: {}", stdout(&out));
        assert!(stderr(&out).contains("refused"), "{mode:?}: {}", stderr(&out));
    }
    assert_eq!(handled.load(Ordering::SeqCst), 2, "refused requests never reached the handler");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_callback_event_that_fails_the_check_is_reported_with_its_path_and_not_sent() {
    let (url, handled) = callback_app().await;
    let env = [("TIM_SDKAPPID", APPID.to_string())];
    let typo = json!({
        "CallbackCommand": "C2C.CallbackBeforeSendMsg", "From_Account": "alice", "To_Account": "bob", "MsgSeq": 1,
        "MsgRandom": 2, "MsgTime": "soon", "MsgKey": "1_2_1557481126",
        "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Txet": "hi"}}]
    })
    .to_string();
    let refused = tim_async(&["callbacks", "trigger", "C2C.CallbackBeforeSendMsg", "--to", &url, "--token", TOKEN, &typo], &env).await;
    assert_eq!(refused.status.code(), Some(2), "{}", stdout(&refused));
    let err = stderr(&refused);
    assert!(err.contains("event check failed, nothing sent"), "{err}");
    assert!(err.contains("MsgTime: ") && err.contains("MsgBody[0].MsgContent.Txet: unknown key"), "{err}");
    let other = json!({"CallbackCommand": "Group.CallbackBeforeSendMsg"}).to_string();
    let refused = tim_async(&["callbacks", "trigger", "C2C.CallbackBeforeSendMsg", "--to", &url, "--token", TOKEN, &other], &env).await;
    assert_eq!(refused.status.code(), Some(2), "{}", stdout(&refused));
    assert_eq!(handled.load(Ordering::SeqCst), 0, "nothing was sent");

    // `--no-check` sends it as given (the app's own decoding is what is being tried).
    let sent =
        tim_async(&["callbacks", "trigger", "C2C.CallbackBeforeSendMsg", "--to", &url, "--token", TOKEN, "--no-check", &typo], &env).await;
    assert!(stdout(&sent).contains("POST "), "{}{}", stdout(&sent), stderr(&sent));
    assert_eq!(handled.load(Ordering::SeqCst), 1);
}

/// Every subcommand that prints stops quietly when its reader has gone (`tim spec list | head`):
/// exit code 0, no panic message.
#[test]
fn output_to_a_closed_pipe_ends_the_command_quietly() {
    let runs: [&[&str]; 7] = [
        &["spec", "list"],
        &["spec", "search", "group"],
        &["spec", "show", "openim/sendmsg"],
        &["spec", "openapi"],
        &["callbacks", "list"],
        &["call", "openim/sendmsg", "--example"],
        &["completions", "bash"],
    ];
    for args in runs {
        // The reading end is closed before `tim` starts: its first write meets a closed pipe.
        let (reader, writer) = std::io::pipe().expect("pipe");
        drop(reader);
        let out = Command::new(env!("CARGO_BIN_EXE_tim"))
            .args(args)
            .stdin(Stdio::null())
            .stdout(writer)
            .stderr(Stdio::piped())
            .output()
            .expect("tim runs");
        assert!(out.status.success(), "{args:?}: {:?} {}", out.status, stderr(&out));
        assert_eq!(stderr(&out), "", "{args:?}");
    }
}

#[test]
fn callbacks_sign_and_list() {
    // The official example: token xxxxyyyy, RequestTime 1669872112.
    let out = tim(&["callbacks", "sign", "xxxxyyyy", "1669872112"], &[]);
    assert_eq!(stdout(&out).trim(), "17773bc39a671d7b9aa835458704d2a6db81360a5940292b587d6d760d484061");
    let list = tim(&["callbacks", "list"], &[]);
    assert!(stdout(&list).lines().any(|l| l.starts_with("C2C.CallbackBeforeSendMsg") && l.contains("before")), "{}", stdout(&list));
}

#[test]
fn spec_show_and_search() {
    let show = tim(&["spec", "show", "im_open_login_svc/account_import"], &[]);
    assert!(show.status.success(), "{}", stderr(&show));
    let text = stdout(&show);
    assert!(text.contains("导入单个帐号") || text.contains("导入单个账号"), "{text}");
    assert!(text.contains("https://cloud.tencent.com/document/product/269/"), "{text}");
    assert!(text.lines().any(|l| l.trim_start().starts_with("UserID") && l.contains("required") && l.contains("string")), "{text}");
    let search = tim(&["spec", "search", "群", "成员"], &[]);
    assert!(stdout(&search).contains("group_open_http_svc/get_group_member_info"), "{}", stdout(&search));
    let search = tim(&["spec", "search", "online", "status"], &[]);
    assert!(stdout(&search).contains("openim/query_online_status"), "{}", stdout(&search));
    let list = tim(&["spec", "list", "--service", "openim"], &[]);
    assert!(stdout(&list).contains("openim/sendmsg") && !stdout(&list).contains("group_open_http_svc/"), "{}", stdout(&list));
    let none = tim(&["spec", "search", "no-such-thing"], &[]);
    assert_eq!(none.status.code(), Some(1));
}

#[test]
fn spec_openapi_prints_the_document_with_every_command() {
    let out = tim(&["spec", "openapi"], &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let doc: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(doc["openapi"], "3.1.0");
    let paths = doc["paths"].as_object().expect("paths");
    assert_eq!(paths.len(), tim_rest::registry::commands().count());
    assert!(paths.contains_key("/v4/openim/sendmsg"));
    assert_eq!(doc["webhooks"].as_object().map(|w| w.len()), Some(tim_rest::callbacks::registry().count()));
}

/// Runs `tim mock serve` with `extra` arguments and calls `account_check` on it with `env`.
fn serve_and_call(extra: &[&str], env: &[(&str, String)]) -> (String, Output) {
    use std::io::BufRead;
    let appid = APPID.to_string();
    let mut args = vec!["mock", "serve", "--sdkappid", &appid, "--admin", ADMIN, "--key", KEY];
    args.extend_from_slice(extra);
    let mut child =
        Command::new(env!("CARGO_BIN_EXE_tim")).args(&args).stdout(Stdio::piped()).stderr(Stdio::null()).spawn().expect("starts");
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().expect("stdout")).read_line(&mut line).expect("start-up line");
    let url = line.split_whitespace().find(|w| w.starts_with("http://127.0.0.1:") || w.starts_with("https://127.0.0.1:"));
    let url = url.expect("URL in the start-up line").to_owned();
    let mut env: Vec<(&str, String)> = env.to_vec();
    env.extend([
        ("TIM_SDKAPPID", APPID.to_string()),
        ("TIM_ADMIN", ADMIN.to_owned()),
        ("TIM_SECRET_KEY", KEY.to_owned()),
        ("TIM_BASE_URL", url),
    ]);
    let out = tim(&["call", "im_open_login_svc/account_check", r#"{"CheckItem":[{"UserID":"bob"}]}"#], &env);
    let _ = child.kill();
    let _ = child.wait();
    (line, out)
}

#[test]
fn mock_serve_runs_the_local_server_as_a_process() {
    let (line, out) = serve_and_call(&[], &[]);
    assert!(line.starts_with("tim mock: serving http://127.0.0.1:"), "{line}");
    assert!(!line.contains(KEY), "the key is not printed: {line}");
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("ResultItem"), "{}", stdout(&out));
}

#[test]
fn mock_serve_over_tls_writes_its_ca_for_the_caller() {
    let ca = std::env::temp_dir().join(format!("tim-cli-test-ca-{}.pem", std::process::id()));
    let ca_text = ca.display().to_string();
    let (line, out) = serve_and_call(&["--tls", "--ca-out", &ca_text], &[("TIM_CA_FILE", ca_text.clone())]);
    let _ = std::fs::remove_file(&ca);
    assert!(line.contains("https://127.0.0.1:") && line.contains(&ca_text), "{line}");
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("ResultItem"), "{}", stdout(&out));
}

#[test]
fn completions_name_the_commands() {
    let out = tim(&["completions", "bash"], &[]);
    assert!(out.status.success());
    assert!(stdout(&out).contains("openim/sendmsg"), "service/command names are completed");
}

#[test]
fn mock_serve_stateful_keeps_what_calls_change() {
    use std::io::BufRead;
    let appid = APPID.to_string();
    let args = ["mock", "serve", "--stateful", "--sdkappid", &appid, "--admin", ADMIN, "--key", KEY];
    let mut child =
        Command::new(env!("CARGO_BIN_EXE_tim")).args(args).stdout(Stdio::piped()).stderr(Stdio::null()).spawn().expect("starts");
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().expect("stdout")).read_line(&mut line).expect("start-up line");
    assert!(line.contains("emulator"), "{line}");
    let url = line.split_whitespace().find(|w| w.starts_with("http://127.0.0.1:")).expect("URL").to_owned();
    let env =
        [("TIM_SDKAPPID", APPID.to_string()), ("TIM_ADMIN", ADMIN.to_owned()), ("TIM_SECRET_KEY", KEY.to_owned()), ("TIM_BASE_URL", url)];
    let check = r#"{"CheckItem":[{"UserID":"carol"}]}"#;
    let before = tim(&["call", "im_open_login_svc/account_check", check], &env);
    let import = tim(&["call", "im_open_login_svc/account_import", r#"{"UserID":"carol"}"#], &env);
    let after = tim(&["call", "im_open_login_svc/account_check", check], &env);
    let _ = child.kill();
    let _ = child.wait();
    assert!(import.status.success(), "{}", stderr(&import));
    let status = |o: &Output| {
        let v: Value = serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", stderr(o)));
        v["ResultItem"][0]["AccountStatus"].as_str().map(str::to_owned)
    };
    assert_eq!(status(&before).as_deref(), Some("NotImported"));
    assert_eq!(status(&after).as_deref(), Some("Imported"));
}
