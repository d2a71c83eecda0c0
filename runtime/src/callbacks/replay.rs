//! The replay guard: a signed callback request is accepted once.
//!
//! What the signature covers: `Sign` is SHA-256 of the console's token and `RequestTime`, nothing else:
//! not the command, not the body. Whoever sees one `Sign` (a proxy's access log, a leaked query string)
//! can post *any* callback body with it until `RequestTime` leaves the window (60 s by default). The
//! window bounds how long a captured query stays usable; it does not tie the query to its request.
//!
//! The guard refuses a request whose `RequestTime`, command and body (by SHA-256) were already accepted
//! within the window, so a captured request cannot be replayed as is. It cannot stop a captured `Sign`
//! from being used with another body: serve the callback URL over HTTPS only, and keep its query strings
//! out of logs. The guard lives in the process by default ([`LocalReplayGuard`]); a fleet behind a load
//! balancer shares one through Redis (`pacing::RedisStore`, features `redis` and `callbacks`).

use crate::store::StoreError;
use crate::transport::BoxFuture;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Remembers which requests were accepted (see the [module docs](self)).
pub trait ReplayGuard: Send + Sync + 'static {
    /// Records `key` for `ttl`: `true` the first time, `false` when it was already recorded and has not
    /// expired. Atomic: of two simultaneous calls with one key, one gets `true`.
    fn first_seen<'a>(&'a self, key: &'a str, ttl: Duration) -> BoxFuture<'a, Result<bool, StoreError>>;
}

/// The in-process replay guard: keys with their expiry, pruned as they expire. It holds at most
/// [`LocalReplayGuard::CAPACITY`] live keys; past that it refuses new ones (fails closed) until some
/// expire.
#[derive(Debug, Default)]
pub struct LocalReplayGuard {
    seen: Mutex<HashMap<String, Instant>>,
}

impl LocalReplayGuard {
    /// The most keys held at once (about 8,000 requests a second for a 120 s lifetime).
    pub const CAPACITY: usize = 1_000_000;

    /// An empty guard.
    pub fn new() -> Self {
        LocalReplayGuard::default()
    }

    /// [`ReplayGuard::first_seen`] without a future.
    pub fn first_seen_now(&self, key: &str, ttl: Duration) -> Result<bool, StoreError> {
        let now = Instant::now();
        let mut seen = self.seen.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(until) = seen.get(key)
            && *until > now
        {
            return Ok(false);
        }
        if seen.len() >= 4096 {
            seen.retain(|_, until| *until > now);
        }
        if seen.len() >= Self::CAPACITY {
            return Err(StoreError(format!("the in-process replay guard holds {} live requests", Self::CAPACITY)));
        }
        seen.insert(key.to_owned(), now + ttl);
        Ok(true)
    }
}

impl ReplayGuard for LocalReplayGuard {
    fn first_seen<'a>(&'a self, key: &'a str, ttl: Duration) -> BoxFuture<'a, Result<bool, StoreError>> {
        Box::pin(std::future::ready(self.first_seen_now(key, ttl)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_is_new_once_until_it_expires() {
        let g = LocalReplayGuard::new();
        assert_eq!(g.first_seen_now("a", Duration::from_secs(60)), Ok(true));
        assert_eq!(g.first_seen_now("a", Duration::from_secs(60)), Ok(false));
        assert_eq!(g.first_seen_now("b", Duration::from_secs(60)), Ok(true));
        assert_eq!(g.first_seen_now("c", Duration::ZERO), Ok(true));
        assert_eq!(g.first_seen_now("c", Duration::ZERO), Ok(true), "expired at once");
    }
}
