//! The handler and its deadline: running the app's handler on a verified event, and answering in time
//! (see the [module docs](super)).

use super::{Answer, CallbackQuery, CallbackResponse, Callbacks, EventSet, Incoming, Rejection};
use crate::transport::BoxFuture;
use std::future::Future;
#[cfg(any(feature = "reqwest", feature = "axum"))]
use std::sync::atomic::Ordering;

impl<E: EventSet> Callbacks<E> {
    /// The framework-agnostic entry point: verifies, decodes, runs `handler` within the deadline (see
    /// the [module docs](crate::callbacks)) and returns the status and body to send. A refused request never reaches
    /// the handler; an overrun or an undecodable event gets the command's default answer.
    pub async fn handle<H, F>(&self, query: &str, body: &[u8], handler: H) -> CallbackResponse
    where
        H: FnOnce(Incoming<E>) -> F,
        F: Future<Output = Answer> + Send + 'static,
    {
        match self.check_query(query) {
            Ok(q) => self.handle_checked(q, body, handler).await,
            Err(r) => {
                let command = CallbackQuery::parse(query).map(|q| q.command).unwrap_or_default();
                refused(&command, &r)
            }
        }
    }

    /// [`Callbacks::handle`] for a query already verified with [`Callbacks::check_query`] (the axum route
    /// verifies the query before it reads the body).
    pub async fn handle_checked<H, F>(&self, query: CallbackQuery, body: &[u8], handler: H) -> CallbackResponse
    where
        H: FnOnce(Incoming<E>) -> F,
        F: Future<Output = Answer> + Send + 'static,
    {
        let command = query.command.clone();
        let incoming = match self.receive_checked(query, body).await {
            Ok(i) => i,
            Err(r) => return refused(&command, &r),
        };
        tracing::debug!(target: "tim_rest::callbacks", command = %command, "callback accepted");
        let default = E::default_answer(&command);
        let undecodable = incoming.undecodable;
        // An undecodable event's answer is never used: like an "after" callback, its handler may run on.
        let decides = E::decides(&command) && !undecodable;
        match self.run(handler(incoming), &command, decides).await {
            Some(a) if !undecodable => CallbackResponse::answer(&a),
            _ => CallbackResponse::answer(&default),
        }
    }

    /// Runs the handler's work within the deadline: `Some(answer)` in time, `None` after the deadline
    /// (or a panic on the handler's task).
    async fn run<F>(&self, work: F, command: &str, decides: bool) -> Option<Answer>
    where
        F: Future<Output = Answer> + Send + 'static,
    {
        let Some(timer) = &self.timer else { return Some(work.await) };
        #[cfg(any(feature = "reqwest", feature = "axum"))]
        if let Ok(rt) = tokio::runtime::Handle::try_current() {
            let mut task = rt.spawn(work);
            return match race(&mut task, timer(self.deadline)).await {
                Some(Ok(a)) => Some(a),
                Some(Err(e)) => {
                    tracing::error!(target: "tim_rest::callbacks", command = %command, error = %e, "callback handler failed; answered the default");
                    None
                }
                None if decides => {
                    task.abort();
                    tracing::warn!(target: "tim_rest::callbacks", command = %command, "handler overran the deadline: cancelled, the default answer was sent");
                    None
                }
                None => {
                    if self.late.fetch_add(1, Ordering::AcqRel) < self.late_limit {
                        let late = self.late.clone();
                        rt.spawn(async move {
                            let _ = task.await;
                            late.fetch_sub(1, Ordering::AcqRel);
                        });
                        tracing::warn!(target: "tim_rest::callbacks", command = %command, "handler overran the deadline: the default answer was sent, the handler runs on");
                    } else {
                        self.late.fetch_sub(1, Ordering::AcqRel);
                        task.abort();
                        tracing::warn!(target: "tim_rest::callbacks", command = %command, limit = self.late_limit, "handler overran the deadline with too many late handlers running: cancelled");
                    }
                    None
                }
            };
        }
        let _ = decides;
        let out = race(work, timer(self.deadline)).await;
        if out.is_none() {
            tracing::warn!(target: "tim_rest::callbacks", command = %command, "handler overran the deadline: cancelled, the default answer was sent");
        }
        out
    }
}

/// A refusal: logged with the command and the reason, answered with the status and a general body.
pub(super) fn refused(command: &str, r: &Rejection) -> CallbackResponse {
    tracing::warn!(target: "tim_rest::callbacks", command = %command, status = r.status(), reason = %r, "callback refused");
    CallbackResponse::rejected(r)
}

/// Polls `work` and `timeout` together: `Some` with the work's output, or `None` when the timeout ends
/// first.
async fn race<T>(work: impl Future<Output = T>, timeout: BoxFuture<'static, ()>) -> Option<T> {
    let mut work = std::pin::pin!(work);
    let mut timeout = timeout;
    std::future::poll_fn(move |cx| {
        if let std::task::Poll::Ready(v) = work.as_mut().poll(cx) {
            return std::task::Poll::Ready(Some(v));
        }
        if timeout.as_mut().poll(cx).is_ready() {
            return std::task::Poll::Ready(None);
        }
        std::task::Poll::Pending
    })
    .await
}

#[cfg(test)]
mod tests {
    use crate::callbacks::testing::{GOOD, PING, TestEvent, block_on, callbacks, signed};
    use crate::callbacks::{Answer, Incoming};
    use serde_json::Value;
    use std::time::Duration;

    #[test]
    fn refused_requests_never_reach_the_handler() {
        let c = callbacks();
        for q in
            [signed("Test.Ping", 1, GOOD), signed("Test.Ping", 1400000000, "00"), "SdkAppid=1400000000&CallbackCommand=Test.Ping".into()]
        {
            let r = block_on(c.handle(&q, PING, |_: Incoming<TestEvent>| async { panic!("handler ran") }));
            assert_eq!(r.status, 403);
            let body: Value = serde_json::from_slice(&r.body).expect("json");
            let info = body["ErrorInfo"].as_str().unwrap_or_default();
            assert!(!info.contains("1400000000") && !info.contains("1669872112"), "no app id or clock in the body: {info}");
        }
    }

    #[test]
    fn overruns_and_undecodable_events_get_the_default() {
        let c = callbacks().deadline(Duration::from_millis(20));
        let q = signed("Test.Ping", 1400000000, GOOD);
        let slow = block_on(c.handle(&q, PING, |_| async {
            tokio::time::sleep(Duration::from_millis(500)).await;
            Answer::code(1)
        }));
        assert_eq!(serde_json::from_slice::<Value>(&slow.body).expect("json")["ErrorInfo"], "default");
        let c = c.no_replay_guard();
        let fast = block_on(c.handle(&q, PING, |i| async move {
            assert_eq!(i.event, TestEvent::Ping(serde_json::json!({"CallbackCommand": "Test.Ping"})));
            Answer::code(1)
        }));
        assert_eq!(serde_json::from_slice::<Value>(&fast.body).expect("json")["ErrorCode"], 1);
        let seen = std::sync::Arc::new(std::sync::Mutex::new(None));
        let s = seen.clone();
        let raw = block_on(c.handle(&q, b"[1]", move |i| async move {
            *s.lock().unwrap_or_else(|p| p.into_inner()) = Some(i.is_undecodable());
            Answer::code(1)
        }));
        assert_eq!(*seen.lock().unwrap_or_else(|p| p.into_inner()), Some(true), "handed to the app raw");
        assert_eq!(serde_json::from_slice::<Value>(&raw.body).expect("json")["ErrorInfo"], "default");
        let q = signed("Test.Other", 1400000000, GOOD);
        let unknown = block_on(c.handle(&q, br#"{"CallbackCommand":"Test.Other"}"#, |i| async move {
            assert_eq!(i.event, TestEvent::Unknown("Test.Other".into()));
            Answer::ok()
        }));
        assert_eq!(unknown.status, 200);
    }
}
