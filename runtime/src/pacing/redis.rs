//! The Redis store (cargo feature `redis`): the pacing schedules of every process of a fleet in one
//! Redis, so that together they stay within the SDKAppID's quota.
//!
//! Each reservation is one round trip: a Lua script that reads Redis's own clock (`TIME`, so the
//! processes' clocks need not agree), applies the GCRA step to the key's schedule and stores it with an
//! expiry, atomically. Keys are `<prefix><sdkappid>:<servicename/command>:<rule>[:<scope value>]`.
//!
//! When Redis cannot be reached (or does not answer within the response timeout), the store does what
//! [`Unavailable`] says: fall back to an in-process schedule with a WARN (the default; the fleet may then
//! exceed the quota by the number of processes until Redis is back), or keep trying until a deadline and
//! then fail the call ([`crate::Error::PacingStore`], not sent). It never waits longer than that.

use super::{LocalStore, RateStore, Reservation, Reserved, StoreError};
use crate::transport::BoxFuture;
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use std::fmt;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The GCRA step. KEYS[1] the schedule; ARGV: interval, units, tolerance, max wait (microseconds).
/// Returns the wait in microseconds, negative when it would exceed the maximum (nothing stored).
const SCRIPT: &str = r"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local interval = tonumber(ARGV[1])
local units = tonumber(ARGV[2])
local tolerance = tonumber(ARGV[3])
local max_wait = tonumber(ARGV[4])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
local wait = tat - tolerance - now
if wait < 0 then wait = 0 end
if wait > max_wait then return -wait - 1 end
local next = tat + interval * units
redis.call('SET', KEYS[1], string.format('%d', next), 'PX', math.floor((next - now) / 1000) + 1000)
return wait
";

/// What the Redis store does when Redis cannot be reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Unavailable {
    /// Pace in this process alone until Redis answers again, with a WARN (default). Calls go on; the
    /// fleet's combined rate may exceed the quota while Redis is away.
    Fallback,
    /// Keep trying for at most this long, then fail the call ([`crate::Error::PacingStore`]; not sent).
    Wait(Duration),
}

/// Pacing schedules in Redis, shared by a fleet.
///
/// Each reservation is one round trip: a Lua script that reads Redis's own clock (`TIME`, so the
/// processes' clocks need not agree), applies the GCRA step to the key's schedule and stores it with an
/// expiry, atomically. Keys are `<prefix><sdkappid>:<servicename/command>:<rule>[:<scope value>]`. When
/// Redis cannot be reached, the store does what [`Unavailable`] says, and never waits longer than that.
/// With the `callbacks` feature it is also a callback replay guard ([`crate::callbacks::ReplayGuard`]).
pub struct RedisStore {
    client: redis::Client,
    config: ConnectionManagerConfig,
    conn: tokio::sync::Mutex<Option<ConnectionManager>>,
    script: redis::Script,
    prefix: String,
    unavailable: Unavailable,
    fallback: LocalStore,
    #[cfg(feature = "callbacks")]
    replay_fallback: crate::callbacks::LocalReplayGuard,
    last_warning: Mutex<Option<Instant>>,
}

impl fmt::Debug for RedisStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The URL may carry a password: only the host is shown.
        let info = self.client.get_connection_info();
        f.debug_struct("RedisStore")
            .field("addr", &info.addr().to_string())
            .field("prefix", &self.prefix)
            .field("unavailable", &self.unavailable)
            .finish_non_exhaustive()
    }
}

impl RedisStore {
    /// A store for the Redis at `url` (`redis://host:port/db`, `rediss://` for TLS if the redis crate
    /// was built with it). Nothing is connected until the first call; a bad URL is an error now.
    pub fn new(url: &str) -> Result<RedisStore, StoreError> {
        let client = redis::Client::open(url).map_err(|e| StoreError(format!("invalid Redis URL: {:?}", e.kind())))?;
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(Duration::from_secs(1)))
            .set_response_timeout(Some(Duration::from_millis(500)))
            .set_number_of_retries(1);
        Ok(RedisStore {
            client,
            config,
            conn: tokio::sync::Mutex::new(None),
            script: redis::Script::new(SCRIPT),
            prefix: "tim-rest:rate:".to_owned(),
            unavailable: Unavailable::Fallback,
            fallback: LocalStore::new(),
            #[cfg(feature = "callbacks")]
            replay_fallback: crate::callbacks::LocalReplayGuard::new(),
            last_warning: Mutex::new(None),
        })
    }

    /// What to do when Redis cannot be reached (default [`Unavailable::Fallback`]).
    #[must_use]
    pub fn on_unavailable(mut self, what: Unavailable) -> Self {
        self.unavailable = what;
        self
    }

    /// The prefix of every key (default `tim-rest:rate:`; the callback replay guard's keys add `replay:`).
    #[must_use]
    pub fn key_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = prefix.into();
        self
    }

    /// How long one connection attempt and one answer may take (defaults 1 s and 500 ms).
    #[must_use]
    pub fn timeouts(mut self, connect: Duration, response: Duration) -> Self {
        self.config = self.config.set_connection_timeout(Some(connect)).set_response_timeout(Some(response));
        self
    }

    async fn connection(&self) -> Result<ConnectionManager, StoreError> {
        let mut guard = self.conn.lock().await;
        if let Some(c) = guard.as_ref() {
            return Ok(c.clone());
        }
        let c = ConnectionManager::new_with_config(self.client.clone(), self.config.clone())
            .await
            .map_err(|e| StoreError(format!("cannot connect to Redis: {:?}", e.kind())))?;
        *guard = Some(c.clone());
        Ok(c)
    }

    async fn once(&self, r: &Reservation<'_>) -> Result<Reserved, StoreError> {
        let mut conn = self.connection().await?;
        let micros = |n: u64| n.div_ceil(1000);
        let key = format!("{}{}", self.prefix, r.key);
        let v: i64 = self
            .script
            .key(key)
            .arg(micros(r.interval_nanos).max(1))
            .arg(r.units)
            .arg(micros(r.tolerance_nanos))
            .arg(micros(r.max_wait_nanos))
            .invoke_async(&mut conn)
            .await
            .map_err(|e| StoreError(format!("Redis did not answer: {:?}", e.kind())))?;
        Ok(if v >= 0 {
            Reserved::Wait(Duration::from_micros(v.unsigned_abs()))
        } else {
            Reserved::TooLong(Duration::from_micros(v.unsigned_abs().saturating_sub(1)))
        })
    }

    fn warn(&self, e: &StoreError) {
        let mut last = self.last_warning.lock().unwrap_or_else(|p| p.into_inner());
        if last.is_none_or(|t| t.elapsed() > Duration::from_secs(10)) {
            *last = Some(Instant::now());
            tracing::warn!(target: "tim_rest::pacing", error = %e, "Redis unreachable: pacing schedules (and the callback replay guard) are kept in this process until it is back");
        }
    }
}

/// [`Unavailable::Wait`]: tries `attempt` again, pausing 50 ms and doubling up to 1 s, until it succeeds
/// or `deadline` has passed; then the last error, saying how long it waited.
async fn until_deadline<T, F, Fut>(deadline: Duration, attempt: F) -> Result<T, StoreError>
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = Result<T, StoreError>>,
{
    let until = Instant::now() + deadline;
    let mut pause = Duration::from_millis(50);
    loop {
        match attempt().await {
            Ok(v) => return Ok(v),
            Err(e) if Instant::now() + pause >= until => {
                return Err(StoreError(format!("{e} (gave up after {deadline:?})")));
            }
            Err(_) => {
                tokio::time::sleep(pause).await;
                pause = (pause * 2).min(Duration::from_secs(1));
            }
        }
    }
}

impl RateStore for RedisStore {
    fn reserve<'a>(&'a self, r: Reservation<'a>) -> BoxFuture<'a, Result<Reserved, StoreError>> {
        Box::pin(async move {
            match self.unavailable {
                Unavailable::Fallback => match self.once(&r).await {
                    Ok(v) => Ok(v),
                    Err(e) => {
                        self.warn(&e);
                        Ok(self.fallback.reserve_now(&r))
                    }
                },
                Unavailable::Wait(deadline) => until_deadline(deadline, || self.once(&r)).await,
            }
        })
    }
}

/// The callback replay guard in Redis (features `redis` and `callbacks`): one `SET key 1 NX PX ttl` per
/// request, so every process behind a load balancer refuses a request another one already accepted.
/// When Redis cannot be reached, [`Unavailable::Fallback`] remembers in this process (with a WARN) and
/// [`Unavailable::Wait`] retries until its deadline, then refuses the request (the guard fails closed).
#[cfg(feature = "callbacks")]
impl crate::callbacks::ReplayGuard for RedisStore {
    fn first_seen<'a>(&'a self, key: &'a str, ttl: Duration) -> BoxFuture<'a, Result<bool, StoreError>> {
        Box::pin(async move {
            let once = || async {
                let mut conn = self.connection().await?;
                let millis = u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX).max(1);
                let set: Option<String> = redis::cmd("SET")
                    .arg(format!("{}replay:{key}", self.prefix))
                    .arg(1)
                    .arg("NX")
                    .arg("PX")
                    .arg(millis)
                    .query_async(&mut conn)
                    .await
                    .map_err(|e| StoreError(format!("Redis did not answer: {:?}", e.kind())))?;
                Ok::<bool, StoreError>(set.is_some())
            };
            match self.unavailable {
                Unavailable::Fallback => match once().await {
                    Ok(v) => Ok(v),
                    Err(e) => {
                        self.warn(&e);
                        self.replay_fallback.first_seen_now(key, ttl)
                    }
                },
                Unavailable::Wait(deadline) => until_deadline(deadline, once).await,
            }
        })
    }
}
