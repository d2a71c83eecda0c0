//! What the tests of this module share: a two-command event set, the official signature example, and
//! a runtime to run a handler on.

use super::{Answer, Callbacks, EventSet};
use crate::drift::Correction;
use bytes::Bytes;
use serde_json::Value;
use std::future::Future;

/// A two-command event set for the runtime's own tests (the generated one is tested in
/// `integration/tests/it/callbacks.rs`).
#[derive(Debug, PartialEq)]
pub(super) enum TestEvent {
    Ping(Value),
    Unknown(String),
    Raw(String),
}

impl EventSet for TestEvent {
    fn decode(command: &str, body: &[u8]) -> Option<Result<(Self, Vec<Correction>), serde_json::Error>> {
        (command == "Test.Ping").then(|| match serde_json::from_slice::<Value>(body) {
            Ok(v @ Value::Object(_)) => Ok((TestEvent::Ping(v), Vec::new())),
            Ok(_) => Err(serde::de::Error::custom("not an object")),
            Err(e) => Err(e),
        })
    }
    fn unknown(command: String, _: Value) -> Self {
        TestEvent::Unknown(command)
    }
    fn undecodable(command: String, _: Bytes, _: String) -> Self {
        TestEvent::Raw(command)
    }
    fn default_answer(_: &str) -> Answer {
        Answer::ok().info("default")
    }
}

pub(super) const TOKEN: &str = "xxxxyyyy";
pub(super) fn at_request_time() -> u64 {
    1669872112
}
pub(super) fn signed(cmd: &str, appid: u64, sign: &str) -> String {
    format!("SdkAppid={appid}&CallbackCommand={cmd}&contenttype=json&ClientIP=1.2.3.4&OptPlatform=IOS&Sign={sign}&RequestTime=1669872112")
}
pub(super) fn callbacks() -> Callbacks<TestEvent> {
    Callbacks::new(1400000000).token(TOKEN).clock(at_request_time)
}
pub(super) const GOOD: &str = "17773bc39a671d7b9aa835458704d2a6db81360a5940292b587d6d760d484061";

pub(super) const PING: &[u8] = br#"{"CallbackCommand":"Test.Ping"}"#;

pub(super) fn block_on<F: Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread().enable_time().build().expect("runtime").block_on(f)
}
