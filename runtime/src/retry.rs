//! When to repeat a call, and how long to wait.
//!
//! The decision combines what the failure says about repeating the call ([`Error::class`], which also
//! answers [`Error::is_retryable`]; for service errors, the code's class from `spec/errors.yaml`) with the
//! command's retry class from the catalogue ([`RetryClass`]):
//!
//! | failure ([`Error::class`]) | `safe` | `dedupe(..)` | `never` |
//! |---|---|---|---|
//! | `Retry`: not sent (connect failed), HTTP 429, code of class `retry` (rate limit, busy) | retry | retry | retry |
//! | `Resign`: code of class `resign` (UserSig expired) | re-sign, retry once | same | same |
//! | `Transient`: timeout, no response, reply cut short, gateway 502/503/504, code of class `transient` | retry | retry | only with [`RetryPolicy::retry_unconfirmed_never`] |
//! | `Permanent`: anything else | no | no | no |
//!
//! The request body is serialized once per call, so every attempt sends the same bytes: a message
//! send keeps its `MsgRandom` (and `MsgSeq`), which lets the server de-duplicate it.

use crate::error::{Error, ErrorClass};
use std::time::Duration;

/// How a command may be repeated (from the catalogue's `retry:`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RetryClass {
    /// Repeating has no further effect.
    Safe,
    /// The server de-duplicates repeats carrying the same values of some request fields.
    Dedupe,
    /// Repeat only when the failure proves the call did not take effect.
    Never,
}

/// The client's retry policy: exponential backoff with full jitter, capped.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetryPolicy {
    /// Attempts in total, the first included (1 = never retry).
    pub max_attempts: u32,
    /// The first backoff.
    pub base_delay: Duration,
    /// The largest backoff.
    pub max_delay: Duration,
    /// Also repeat `never` commands after failures that leave the outcome unknown (timeouts, lost
    /// connections, transient codes). Off by default: such a repeat may, for example, post a group
    /// message twice.
    pub retry_unconfirmed_never: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 3,
            base_delay: Duration::from_millis(200),
            max_delay: Duration::from_secs(3),
            retry_unconfirmed_never: false,
        }
    }
}

impl RetryPolicy {
    /// A policy that never repeats a call.
    pub fn none() -> Self {
        RetryPolicy { max_attempts: 1, ..RetryPolicy::default() }
    }

    /// Sets the number of attempts in total.
    #[must_use]
    pub fn max_attempts(mut self, n: u32) -> Self {
        self.max_attempts = n.max(1);
        self
    }

    /// Sets the first and the largest backoff.
    #[must_use]
    pub fn backoff(mut self, base: Duration, max: Duration) -> Self {
        self.base_delay = base;
        self.max_delay = max.max(base);
        self
    }

    /// Sets [`RetryPolicy::retry_unconfirmed_never`].
    #[must_use]
    pub fn retry_unconfirmed_never(mut self, yes: bool) -> Self {
        self.retry_unconfirmed_never = yes;
        self
    }

    /// What to do after `err` on attempt `attempt` (1-based) of a command of class `class`.
    pub fn decide(&self, class: RetryClass, err: &Error, attempt: u32) -> Decision {
        if attempt >= self.max_attempts {
            return Decision::Stop;
        }
        let repeatable_when_unknown = class != RetryClass::Never || self.retry_unconfirmed_never;
        let retry = match err.class() {
            ErrorClass::Retry => true,
            ErrorClass::Transient => repeatable_when_unknown,
            ErrorClass::Resign => return Decision::Resign,
            ErrorClass::Permanent => false,
        };
        if retry { Decision::Retry(self.delay(attempt)) } else { Decision::Stop }
    }

    /// The backoff before attempt `attempt + 1`: a random duration in `[0, min(max, base * 2^(attempt-1))]`.
    pub fn delay(&self, attempt: u32) -> Duration {
        let exp = self.base_delay.saturating_mul(1u32.checked_shl(attempt.saturating_sub(1)).unwrap_or(u32::MAX));
        let cap = exp.min(self.max_delay);
        let nanos = u64::try_from(cap.as_nanos()).unwrap_or(u64::MAX);
        Duration::from_nanos(fastrand::u64(0..=nanos))
    }
}

/// The outcome of [`RetryPolicy::decide`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Decision {
    /// Give up and return the error.
    Stop,
    /// Wait this long, then repeat.
    Retry(Duration),
    /// Regenerate the UserSig, then repeat once.
    Resign,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::tests::every_failure;

    #[test]
    fn the_retry_policy_follows_the_class() {
        let policy = RetryPolicy::default().max_attempts(3);
        let opt_in = policy.clone().retry_unconfirmed_never(true);
        for (err, class) in every_failure() {
            let safe = policy.decide(RetryClass::Safe, &err, 1);
            let never = policy.decide(RetryClass::Never, &err, 1);
            let never_opted_in = opt_in.decide(RetryClass::Never, &err, 1);
            let last = policy.decide(RetryClass::Safe, &err, 3);
            assert_eq!(last, Decision::Stop, "{err}: no attempt past the limit");
            match class {
                ErrorClass::Retry => {
                    assert!(matches!((safe, never), (Decision::Retry(_), Decision::Retry(_))), "{err}");
                }
                ErrorClass::Transient => {
                    assert!(matches!((safe, never, never_opted_in), (Decision::Retry(_), Decision::Stop, Decision::Retry(_))), "{err}");
                }
                ErrorClass::Resign => assert_eq!((safe, never), (Decision::Resign, Decision::Resign), "{err}"),
                ErrorClass::Permanent => {
                    assert_eq!((safe, never, never_opted_in), (Decision::Stop, Decision::Stop, Decision::Stop), "{err}")
                }
            }
            // The policy repeats a call exactly when the error says it may succeed.
            assert_eq!(safe != Decision::Stop, err.is_retryable(), "{err}");
        }
    }
}
