//! `tim callbacks`: the catalogued callback commands, delivering one to an app the way the IM server
//! does (the runtime's `CallbackSender`: the same query parameters and signature), and the signature
//! itself for scripts.

use crate::{Failure, Outcome, names};
use clap::{Args, Subcommand};
use serde_json::Value;
use std::io::Read as _;
use std::time::Instant;
use tim_rest::callbacks::{CallbackInfo, EventSet};
use tim_rest::mock::{CallbackSender, Signing};

/// `tim callbacks` subcommands.
#[derive(Debug, Subcommand)]
pub enum CallbacksCommand {
    /// List the callback commands with their titles (before: the app's answer decides; after: a receipt).
    List,
    /// Deliver a callback to an app's URL as the IM server does and show its answer.
    Trigger(TriggerArgs),
    /// Print the `Sign` of a callback request: lowercase hex SHA-256 of the token followed by the time.
    Sign {
        /// The console's callback authentication token.
        token: String,
        /// `RequestTime` (Unix seconds).
        time: u64,
    },
}

/// Arguments of `tim callbacks trigger`.
#[derive(Debug, Args)]
#[command(
    after_help = "Example:\n  tim callbacks trigger C2C.CallbackBeforeSendMsg --to http://127.0.0.1:8080/im/callback --token \"$TOKEN\" --example 1\n\n\
Signing: with a token (--token or TIM_CALLBACK_TOKEN) the request carries Sign and RequestTime like the IM server's; \
--unsigned leaves them out (authentication off in the console); --wrong-sign signs with another token; --stale \
signs a RequestTime ten minutes old. An app that verifies should accept the first and refuse the others.\n\
Checking: the event must decode strictly as the callback's event type (no unknown keys, exact types, the \
required fields), as `tim call` checks requests; --no-check sends it as given. A legacy example (from an \
older page) is sent as documented, unchecked.\n\
Exit codes: 0 the app answered HTTP 2xx, 1 it refused or could not be reached, 2 bad input."
)]
pub struct TriggerArgs {
    /// The `CallbackCommand`, e.g. `C2C.CallbackBeforeSendMsg` (`tim callbacks list`).
    #[arg(index = 1)]
    pub command: String,
    /// The app's callback URL.
    #[arg(long, value_name = "URL")]
    pub to: String,
    /// The console's callback authentication token.
    #[arg(long, env = "TIM_CALLBACK_TOKEN", hide_env_values = true)]
    pub token: Option<String>,
    /// Send without `Sign` and `RequestTime`.
    #[arg(long)]
    pub unsigned: bool,
    /// Sign with a wrong token.
    #[arg(long, conflicts_with_all = ["unsigned", "stale"])]
    pub wrong_sign: bool,
    /// Sign a `RequestTime` ten minutes old (a replayed request); needs the token.
    #[arg(long, conflicts_with = "unsigned")]
    pub stale: bool,
    /// Send the doc's event example N (the default when no event is given).
    #[arg(long, value_name = "N", num_args = 0..=1, default_missing_value = "1", conflicts_with = "event")]
    pub example: Option<usize>,
    /// The event: JSON text, `@file`, or `-` for standard input.
    #[arg(index = 2)]
    pub event: Option<String>,
    /// The SDKAppID the request names.
    #[arg(long, env = "TIM_SDKAPPID")]
    pub sdkappid: Option<u64>,
    /// Send the event without checking it against the catalogue (to see how an app takes a body the
    /// catalogue does not describe).
    #[arg(long)]
    pub no_check: bool,
}

/// Runs `tim callbacks`.
pub fn run(cmd: CallbacksCommand) -> Outcome {
    match cmd {
        CallbacksCommand::List => {
            let all: Vec<&CallbackInfo> = tim_rest::callbacks::registry().collect();
            let width = all.iter().map(|c| c.command.len()).max().unwrap_or(0);
            for c in all {
                outln!("{:width$}  {:6}  {} ({})", c.command, c.when, c.title_en, c.title_zh)?;
            }
            Ok(())
        }
        CallbacksCommand::Sign { token, time } => {
            outln!("{}", tim_rest::callbacks::sign(&token, time))
        }
        CallbacksCommand::Trigger(args) => crate::runtime()?.block_on(trigger(args)),
    }
}

/// Event example `n` (from 1) and whether it is `legacy` (from an older page).
fn event_example(info: &CallbackInfo, n: usize) -> Result<(&'static str, bool), Failure> {
    let events: Vec<(&'static str, bool)> = info.examples.iter().filter_map(|e| e.event.map(|t| (t, e.legacy))).collect();
    match n.checked_sub(1).and_then(|i| events.get(i)) {
        Some(t) => Ok(*t),
        None if events.is_empty() => Err(Failure::input(format!("{} has no event example; give the event JSON", info.command))),
        None => Err(Failure::input(format!("{} has {} event example(s); pick one of 1..={}", info.command, events.len(), events.len()))),
    }
}

fn read_event(arg: &str) -> Result<String, Failure> {
    if arg == "-" {
        let mut s = String::new();
        std::io::stdin().read_to_string(&mut s).map_err(|e| Failure::input(format!("cannot read the event from standard input: {e}")))?;
        return Ok(s);
    }
    match arg.strip_prefix('@') {
        Some(path) => std::fs::read_to_string(path).map_err(|e| Failure::input(format!("cannot read the event file {path}: {e}"))),
        None => Ok(arg.to_owned()),
    }
}

/// What the answer means for this callback: the documented outcome of its `ErrorCode`.
fn meaning(info: &CallbackInfo, body: &[u8]) -> String {
    if info.when != "before" {
        return match tim_rest_runtime::callbacks::decode_ack(body) {
            Ok(a) => format!("receipt, ErrorCode {} (an after callback: the IM server ignores the answer)", a.code),
            Err(e) => format!("not a valid receipt: {e}"),
        };
    }
    match (info.decode_reply)(body) {
        Ok(a) => {
            let outcome = info.outcomes.iter().find(|o| o.code <= a.code && a.code <= o.code_max);
            let extra = if a.fields.is_empty() {
                String::new()
            } else {
                format!("; the answer also sets {}", a.fields.keys().cloned().collect::<Vec<_>>().join(", "))
            };
            match outcome {
                Some(o) => format!("ErrorCode {}: {} — {}{extra}", a.code, o.name, o.doc.trim().trim_end_matches('.')),
                None => format!("ErrorCode {}: not a documented outcome of {}{extra}", a.code, info.command),
            }
        }
        Err(e) => format!("does not decode as a {} reply: {e}", info.reply_type.unwrap_or("reply")),
    }
}

/// Checks an event the way the catalogue's own tests read the official examples: the callback's event
/// type decodes it strictly (unknown keys, wrong types and missing required fields are errors, each
/// named by its JSON path), and its `CallbackCommand`, when present, is this callback's.
pub fn check_event(info: &CallbackInfo, event: &Value) -> Result<(), String> {
    if !event.is_object() {
        return Err(format!("{}: the event must be a JSON object", info.command));
    }
    let text = event.to_string();
    if let Some(Err(e)) = tim_rest::callbacks::Event::decode_strict(info.command, text.as_bytes()) {
        // The strict decoder lists each place as `Path: what is wrong`.
        let e = e.to_string();
        let places = e.split_once("does not match the catalogue: ").map_or(e.as_str(), |(_, p)| p);
        return Err(format!("{}: the event does not match {}: {places}", info.command, info.event_type));
    }
    match event.get("CallbackCommand") {
        Some(Value::String(c)) if c != info.command => {
            Err(format!("{}: `CallbackCommand` is `{c}`, another callback (use `tim callbacks trigger {c}`)", info.command))
        }
        _ => Ok(()),
    }
}

async fn trigger(args: TriggerArgs) -> Outcome {
    let info = names::callback(&args.command)?;
    let sdkappid = args.sdkappid.ok_or_else(|| Failure::input("TIM_SDKAPPID is not set (or pass --sdkappid)"))?;
    let token = args.token.clone().filter(|t| !t.is_empty());
    let signing = if args.unsigned {
        Signing::Unsigned
    } else if args.wrong_sign {
        Signing::WrongToken
    } else if args.stale {
        if token.is_none() {
            return Err(Failure::input("--stale signs with the token: TIM_CALLBACK_TOKEN is not set (or pass --token)"));
        }
        Signing::Stale
    } else if token.is_some() {
        Signing::Token
    } else {
        return Err(Failure::input("TIM_CALLBACK_TOKEN is not set (or pass --token, or --unsigned to send without a signature)"));
    };
    let (text, legacy) = match (&args.event, args.example) {
        (Some(e), _) => (read_event(e)?, false),
        (None, n) => event_example(info, n.unwrap_or(1)).map(|(t, legacy)| (t.to_owned(), legacy))?,
    };
    let event: Value = serde_json::from_str(&text).map_err(|e| Failure::input(format!("the event is not JSON: {e}")))?;
    if args.no_check || legacy {
        if let Some(Err(e)) = tim_rest::callbacks::Event::decode(info.command, text.as_bytes()) {
            eprintln!("tim: note: the event does not decode as {}: {e} (sent anyway)", info.event_type);
        }
    } else {
        check_event(info, &event).map_err(|e| Failure::input(format!("event check failed, nothing sent: {e}")))?;
    }
    let sender = CallbackSender::new(sdkappid).token(token.unwrap_or_default());
    let started = Instant::now();
    let delivered = sender.deliver(&args.to, info.command, &event, signing).await.map_err(|e| Failure::failed(e.to_string()))?;
    let elapsed = started.elapsed();
    let signed = match signing {
        Signing::Token => "signed",
        Signing::Unsigned => "unsigned",
        Signing::WrongToken => "signed with a wrong token",
        Signing::Stale => "signed, RequestTime 600 s old",
        _ => "signed",
    };
    outln!("POST {} ({}, {signed})", args.to, info.command)?;
    outln!("HTTP {} in {} ms", delivered.status, elapsed.as_millis())?;
    outln!("answer: {}", String::from_utf8_lossy(&delivered.body).trim())?;
    if (200..300).contains(&delivered.status) {
        outln!("meaning: {}", meaning(info, &delivered.body))
    } else {
        Err(Failure::failed(format!("the app refused the request with HTTP {}", delivered.status)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_current_event_example_passes_the_check_and_a_wrong_event_is_refused_with_its_path() {
        for info in tim_rest::callbacks::registry() {
            for e in info.examples.iter().filter(|e| !e.legacy) {
                let Some(text) = e.event else { continue };
                let v: Value = serde_json::from_str(text).expect("examples are JSON");
                assert_eq!(check_event(info, &v), Ok(()), "{}", info.command);
            }
        }
        let info = names::callback("C2C.CallbackBeforeSendMsg").expect("catalogued");
        let (text, _) = event_example(info, 1).expect("an example");
        let mut v: Value = serde_json::from_str(text).expect("JSON");
        v["MsgBody"][0]["MsgContent"]["Txet"] = Value::from("typo");
        let e = check_event(info, &v).expect_err("unknown key");
        assert!(e.contains("MsgBody[0].MsgContent.Txet: unknown key"), "{e}");
        let mut v: Value = serde_json::from_str(text).expect("JSON");
        v["MsgTime"] = Value::from("soon");
        v.as_object_mut().expect("an object").remove("From_Account");
        let e = check_event(info, &v).expect_err("wrong type, missing field");
        assert!(e.contains("MsgTime: string where integer was expected") && e.contains("From_Account: required field missing"), "{e}");
        v = serde_json::json!({"CallbackCommand": "Group.CallbackBeforeSendMsg"});
        assert!(check_event(info, &v).is_err());
    }

    #[test]
    fn answers_are_read_as_documented_outcomes() {
        let info = names::callback("C2C.CallbackBeforeSendMsg").expect("catalogued");
        let allow = meaning(info, br#"{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":""}"#);
        assert!(allow.starts_with("ErrorCode 0: allow"), "{allow}");
        let reject = meaning(info, br#"{"ActionStatus":"OK","ErrorCode":1,"ErrorInfo":""}"#);
        assert!(reject.starts_with("ErrorCode 1: reject"), "{reject}");
    }
}
