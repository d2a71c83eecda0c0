//! Callbacks from the emulator to the app, as the IM server sends them (第三方回调, overview
//! <https://cloud.tencent.com/document/product/269/1522>): a POST to the app's callback URL with the
//! query parameters and, with a token, `Sign`/`RequestTime` (the runtime's `CallbackSender`).
//!
//! - "Before" callbacks are sent before the change and their answer decides (the outcomes of
//!   `spec/callbacks/*.yaml`, `outcomes:`): `ErrorCode` 0 allows (a message is stored with the reply's
//!   `MsgBody`/`CloudCustomData` when given), 1 rejects with the command's documented code, 2 drops (the
//!   caller is told it succeeded, nothing is stored), a code in the command's custom range rejects with
//!   that code and the reply's `ErrorInfo`. No answer within the server's 2 s, a non-200 status, a body
//!   that is not an answer, or an undocumented code: the documented default, `on_failure: allow`.
//! - "After" callbacks are sent after the change, without holding the REST reply back; their answer is
//!   ignored ([`crate::Emulator::settle`] waits for them).

use crate::{Inner, lock};
use serde_json::Value;
use std::collections::BTreeSet;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;
use tim_rest::mock::{CallbackSender, SERVER_CALLBACK_TIMEOUT, Signing};
use tim_rest::types::MsgElement;

/// Where and how the emulator calls the app.
#[derive(Clone)]
#[non_exhaustive]
pub struct CallbackConfig {
    /// The app's callback URL.
    pub url: String,
    token: Option<String>,
    /// The enabled `CallbackCommand`s (the console's checkboxes).
    pub enabled: BTreeSet<String>,
    /// How long the server waits for an answer (default 2 s).
    pub timeout: Duration,
}

impl std::fmt::Debug for CallbackConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CallbackConfig")
            .field("url", &self.url)
            .field("signed", &self.token.is_some())
            .field("enabled", &self.enabled)
            .field("timeout", &self.timeout)
            .finish()
    }
}

/// A callback command that is not in the catalogue.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a catalogued callback command (see spec/callbacks/)")]
pub struct UnknownCallback(pub String);

impl CallbackConfig {
    /// Calls `url`, unsigned (authentication off in the console), for the `enabled` commands; each name
    /// must be a catalogued `CallbackCommand` (`C2C.CallbackBeforeSendMsg`, ...).
    pub fn new<S: AsRef<str>>(url: impl Into<String>, enabled: impl IntoIterator<Item = S>) -> Result<CallbackConfig, UnknownCallback> {
        let known: BTreeSet<&str> = tim_rest::callbacks::CALLBACK_LISTS.iter().flat_map(|l| l.iter()).map(|c| c.command).collect();
        let mut set = BTreeSet::new();
        for name in enabled {
            let name = name.as_ref().trim();
            if !known.contains(name) {
                return Err(UnknownCallback(name.to_owned()));
            }
            set.insert(name.to_owned());
        }
        Ok(CallbackConfig { url: url.into(), token: None, enabled: set, timeout: SERVER_CALLBACK_TIMEOUT })
    }

    /// Signs every request with the console's callback authentication token.
    #[must_use]
    pub fn token(mut self, token: impl Into<String>) -> Self {
        let t = token.into();
        self.token = (!t.is_empty()).then_some(t);
        self
    }

    /// How long to wait for an answer (default [`SERVER_CALLBACK_TIMEOUT`], 2 s).
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }
}

/// One callback the emulator sent.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct SentCallback {
    /// The `CallbackCommand`.
    pub command: String,
    /// The event body.
    pub event: Value,
    /// The app's answer (`None`: no answer within the timeout, or not HTTP 200 with JSON).
    pub answer: Option<Value>,
    /// What the emulator did with it: `allow`, `reject`, `drop`, `default` (no usable answer) or
    /// `after` (an "after" callback).
    pub outcome: String,
}

/// What a "before" callback decided.
pub(crate) enum Before {
    /// Go on, with a replaced body and custom data when the app gave them.
    Allow { body: Option<Vec<MsgElement>>, cloud_custom_data: Option<String> },
    /// Refuse with this code and info.
    Reject { code: i64, info: String },
    /// Tell the caller it worked; change nothing.
    Drop,
}

/// The documented reject codes of a "before" callback: `reject` (ErrorCode 1) and the custom range.
pub(crate) struct Rejects {
    pub code: i64,
    pub info: &'static str,
    pub custom: std::ops::RangeInclusive<i64>,
}

/// C2C.CallbackBeforeSendMsg (269/1632): reject gives the sender 20006; codes 120001-130000 pass through.
pub(crate) const C2C_SEND: Rejects =
    Rejects { code: 20006, info: "the app's callback refused to deliver the message", custom: 120_001..=130_000 };
/// Group.CallbackBeforeSendMsg (269/1619): reject gives the caller 10016; codes 10100-10200 pass through.
pub(crate) const GROUP_SEND: Rejects = Rejects { code: 10016, info: "the app's callback refused the operation", custom: 10_100..=10_200 };

fn config(inner: &Inner, command: &str) -> Option<Arc<CallbackConfig>> {
    let c = lock(&inner.callbacks).clone()?;
    c.enabled.contains(command).then_some(c)
}

async fn deliver(inner: &Inner, c: &CallbackConfig, command: &str, event: &Value) -> Option<Value> {
    let mut sender = CallbackSender::new(inner.sdkappid).timeout(c.timeout);
    let signing = match &c.token {
        Some(t) => {
            sender = sender.token(t.clone());
            Signing::Token
        }
        None => Signing::Unsigned,
    };
    match sender.deliver(&c.url, command, event, signing).await {
        Ok(d) if d.status == 200 => d.json,
        Ok(d) => {
            tracing::warn!(command, status = d.status, "callback answered with a non-200 status; the default applies");
            None
        }
        Err(e) => {
            tracing::warn!(command, error = %e, "callback not answered; the default applies");
            None
        }
    }
}

fn record(inner: &Inner, command: &str, event: Value, answer: Option<Value>, outcome: &str) {
    lock(&inner.sent).push(SentCallback { command: command.to_owned(), event, answer, outcome: outcome.to_owned() });
}

/// Sends the "before" callback `command` when it is enabled and returns the decision.
pub(crate) async fn before<E: serde::Serialize>(inner: &Inner, command: &str, event: &E, rejects: &Rejects) -> Before {
    let allow = Before::Allow { body: None, cloud_custom_data: None };
    let Some(c) = config(inner, command) else { return allow };
    let event = serde_json::to_value(event).unwrap_or(Value::Null);
    let answer = deliver(inner, &c, command, &event).await;
    let code = answer.as_ref().and_then(|a| a.get("ErrorCode")).and_then(Value::as_i64);
    let info = answer.as_ref().and_then(|a| a.get("ErrorInfo")).and_then(Value::as_str).unwrap_or("").to_owned();
    let (decision, outcome) = match code {
        Some(0) => {
            let a = answer.as_ref();
            let body = a.and_then(|a| a.get("MsgBody")).and_then(|b| serde_json::from_value::<Vec<MsgElement>>(b.clone()).ok());
            let cloud = a.and_then(|a| a.get("CloudCustomData")).and_then(Value::as_str).map(str::to_owned);
            (Before::Allow { body, cloud_custom_data: cloud }, "allow")
        }
        Some(1) => (Before::Reject { code: rejects.code, info: rejects.info.to_owned() }, "reject"),
        Some(2) => (Before::Drop, "drop"),
        Some(c) if rejects.custom.contains(&c) => (Before::Reject { code: c, info }, "reject"),
        _ => (allow, "default"),
    };
    record(inner, command, event, answer, outcome);
    decision
}

/// Sends the "after" callback `command` when it is enabled, on its own task.
pub(crate) fn after<E: serde::Serialize>(inner: &Arc<Inner>, command: &str, event: &E) {
    let Some(c) = config(inner, command) else { return };
    let event = serde_json::to_value(event).unwrap_or(Value::Null);
    let inner = inner.clone();
    let command = command.to_owned();
    inner.in_flight.fetch_add(1, Ordering::SeqCst);
    tokio::spawn(async move {
        let answer = deliver(&inner, &c, &command, &event).await;
        record(&inner, &command, event, answer, "after");
        if inner.in_flight.fetch_sub(1, Ordering::SeqCst) == 1 {
            inner.settled.notify_waiters();
        }
    });
}

/// `State.StateChange` (269/2570): Login/Register when a user comes online, Logout/Unregister when
/// they log out.
pub(crate) fn state_change(inner: &Arc<Inner>, user: &str, online: bool) {
    use tim_rest::callbacks::state::{StateAction, StateChangeEvent, StateChangeInfo, StateReason};
    let info = if online {
        StateChangeInfo::new(StateAction::Login, user, StateReason::Register)
    } else {
        StateChangeInfo::new(StateAction::Logout, user, StateReason::Unregister)
    };
    let mut event = StateChangeEvent::new("State.StateChange", info);
    event.event_time = Some(inner.now().saturating_mul(1000));
    after(inner, "State.StateChange", &event);
}
