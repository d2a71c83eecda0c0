//! An axum service that answers the IM server's callbacks: a one-to-one message containing a banned
//! word is rejected (the sender gets error 20006), every other text message is delivered with a tag
//! added; every other callback is acknowledged.
//!
//! ```sh
//! cargo run -p tim-rest-tests --example callbacks_axum            # serves, then plays the IM server twice
//! TIM_CALLBACK_ADDR=0.0.0.0:8080 TIM_SDKAPPID=1400000000 TIM_CALLBACK_TOKEN=... \
//!     cargo run -p tim-rest-tests --example callbacks_axum -- --serve   # serves until stopped
//! ```
//!
//! In the console, set the callback URL to `http(s)://<host>/im/callback`, turn on
//! "发单聊消息之前回调" (C2C.CallbackBeforeSendMsg) and, for authentication, the same token.

use std::time::Duration;
use tim_rest::callbacks::c2c::C2cBeforeSendMsgReply;
use tim_rest::callbacks::{Answer, Callbacks, Event, Incoming};
use tim_rest::mock::{CallbackSender, Signing};
use tim_rest::types::{MsgElement, TextElem};

const BANNED: &str = "spam";

/// The app's decision for each callback.
async fn on_callback(incoming: Incoming<Event>) -> Answer {
    match incoming.event {
        Event::C2cBeforeSendMsg(msg) => {
            let texts = || msg.msg_body.iter().filter_map(|e| if let MsgElement::Text(t) = e { Some(t.text.as_str()) } else { None });
            if texts().any(|t| t.contains(BANNED)) {
                return C2cBeforeSendMsgReply::reject().info("message refused").into();
            }
            let rewritten: Vec<MsgElement> = msg
                .msg_body
                .iter()
                .map(|e| match e {
                    MsgElement::Text(t) => MsgElement::Text(TextElem::new(format!("{} [checked]", t.text))),
                    other => other.clone(),
                })
                .collect();
            C2cBeforeSendMsgReply::allow().msg_body(rewritten).into()
        }
        _ => Answer::ok(),
    }
}

fn message(text: &str) -> serde_json::Value {
    serde_json::json!({
        "CallbackCommand": "C2C.CallbackBeforeSendMsg", "From_Account": "alice", "To_Account": "bob",
        "MsgSeq": 48374, "MsgRandom": 2837546, "MsgTime": 1557481126, "MsgKey": "48374_2837546_1557481126",
        "OnlineOnlyFlag": 0, "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": text}}]
    })
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let serve_only = std::env::args().any(|a| a == "--serve");
    let appid: u64 = std::env::var("TIM_SDKAPPID").ok().and_then(|v| v.parse().ok()).unwrap_or(1400000000);
    let token = std::env::var("TIM_CALLBACK_TOKEN").unwrap_or_else(|_| "example-token".into());
    let addr = std::env::var("TIM_CALLBACK_ADDR").unwrap_or_else(|_| "127.0.0.1:0".into());

    let callbacks = Callbacks::new(appid).token(token.clone()).deadline(Duration::from_millis(1500));
    let app = tim_rest::callbacks::axum::router("/im/callback", callbacks, on_callback);
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    let url = format!("http://{}/im/callback", listener.local_addr()?);
    println!("answering callbacks at {url}");
    if serve_only {
        axum::serve(listener, app).await?;
        return Ok(());
    }
    tokio::spawn(async move { axum::serve(listener, app).await });

    // Play the IM server: one message to refuse, one to rewrite.
    let server = CallbackSender::new(appid).token(token);
    for text in ["buy spam now", "hello"] {
        let answer = server.deliver(&url, "C2C.CallbackBeforeSendMsg", &message(text), Signing::Token).await?;
        println!("{text:?} -> HTTP {} {}", answer.status, String::from_utf8_lossy(&answer.body));
    }
    Ok(())
}
