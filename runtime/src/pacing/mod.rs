//! Client-side pacing: calls are spaced so that each command stays within its documented rate.
//!
//! The IM service limits each SDKAppID per command (`spec/` records the documented defaults in `rate:`;
//! most commands allow 200 calls per second, `get_appid_group_list` 1, `batchsendmsg` 12,000
//! receivers per minute). A call over the limit is refused with 60007/60011 (10006/10023 for groups)
//! and has to be retried. The client instead waits, before each attempt, until the command's quota has
//! room: a GCRA (generic cell rate algorithm) schedule per SDKAppID, command and rule, where a call
//! reserves one unit (or, for rules that count items, one unit per item of the counted list).
//!
//! - On by default, at the documented defaults ([`Pacing::default`]); [`Pacing::off`] turns it off,
//!   [`Pacing::rate`] and [`Pacing::item_rate`] override a command's rate (paid plans raise them),
//!   [`Pacing::unpaced`] exempts one command.
//! - A call that would have to wait longer than [`Pacing::max_wait`] (default 60 s) is not sent:
//!   [`crate::Error::RateLimited`].
//! - Waiting is reported as a `tracing` event (target `tim_rest::pacing`, DEBUG).
//! - The schedule lives in the process by default. Several processes sharing one SDKAppID share its
//!   quota: give them one [`RateStore`], e.g. the Redis store (`RedisStore`, cargo feature `redis`),
//!   with [`Pacing::store`].

use crate::clock::now_nanos;
use crate::error::Error;
pub use crate::store::StoreError;
use crate::transport::{BoxFuture, Transport};
use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[cfg(feature = "redis")]
mod redis;
#[cfg(feature = "redis")]
#[cfg_attr(docsrs, doc(cfg(feature = "redis")))]
pub use self::redis::{RedisStore, Unavailable};

/// One documented rate of a command (generated from `rate:` in `spec/`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct RateRule {
    /// Units allowed per period.
    pub limit: u64,
    /// The period, in seconds.
    pub per_secs: u64,
    /// The wire key of the request list whose items count one unit each; calls count when `None`.
    pub counts: Option<&'static str>,
    /// The wire key of the request field whose every value has its own quota (e.g. `GroupId`).
    pub scope: Option<&'static str>,
    /// The error code the server answers a call over the rate.
    pub code: i64,
    /// The official page the rate comes from.
    pub source: &'static str,
}

impl RateRule {
    /// A rule (used by generated code).
    pub const fn new(
        limit: u64,
        per_secs: u64,
        counts: Option<&'static str>,
        scope: Option<&'static str>,
        code: i64,
        source: &'static str,
    ) -> Self {
        RateRule { limit, per_secs, counts, scope, code, source }
    }

    /// The rate of this rule.
    pub fn rate(&self) -> Rate {
        Rate { limit: self.limit, per: Duration::from_secs(self.per_secs) }
    }
}

/// One documented rate rule of a catalogue, with its command: the crate's table of pacing schedules
/// lists them in catalogue order ([`crate::Api::rate_table`]; a command's rules start at its
/// [`crate::Endpoint::RATE_SLOT`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct SlotRule {
    /// `servicename/command`.
    pub path: &'static str,
    /// The rule's index among the command's rules.
    pub index: usize,
    /// The rule.
    pub rule: RateRule,
}

impl SlotRule {
    /// A table entry (used by generated code).
    pub const fn new(path: &'static str, index: usize, rule: RateRule) -> Self {
        SlotRule { path, index, rule }
    }
}

/// A rate: `limit` units per `per`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate {
    /// Units allowed per period.
    pub limit: u64,
    /// The period.
    pub per: Duration,
}

impl Rate {
    /// `limit` units per second.
    pub fn per_second(limit: u64) -> Rate {
        Rate { limit, per: Duration::from_secs(1) }
    }
    /// `limit` units per minute.
    pub fn per_minute(limit: u64) -> Rate {
        Rate { limit, per: Duration::from_secs(60) }
    }
    /// The time one unit takes, in nanoseconds (at least 1).
    pub fn interval_nanos(&self) -> u64 {
        let per = u64::try_from(self.per.as_nanos()).unwrap_or(u64::MAX);
        (per / self.limit.max(1)).max(1)
    }
}

impl fmt::Display for Rate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.per.as_secs() {
            1 => write!(f, "{} per second", self.limit),
            60 => write!(f, "{} per minute", self.limit),
            3600 => write!(f, "{} per hour", self.limit),
            86400 => write!(f, "{} per day", self.limit),
            _ => write!(f, "{} per {:?}", self.limit, self.per),
        }
    }
}

/// What the client asks a [`RateStore`] for: `units` of quota `key`, each unit taking `interval_nanos`,
/// with a burst `tolerance_nanos`; nothing is reserved when the wait would exceed `max_wait_nanos`.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct Reservation<'a> {
    /// The quota: `<sdkappid>:<servicename/command>:<rule>[:<scope value>]`.
    pub key: &'a str,
    /// Nanoseconds per unit (the period divided by the limit).
    pub interval_nanos: u64,
    /// Units this call takes.
    pub units: u64,
    /// How far ahead of the schedule a call may go (a burst), in nanoseconds.
    pub tolerance_nanos: u64,
    /// The longest acceptable wait, in nanoseconds.
    pub max_wait_nanos: u64,
}

/// A store's answer to a [`Reservation`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Reserved {
    /// Reserved: send after waiting this long.
    Wait(Duration),
    /// Not reserved: the call would have had to wait this long, more than the maximum.
    TooLong(Duration),
}

/// Where the schedules live: the process ([`LocalStore`]) or a store shared by a fleet (Redis with the
/// `redis` feature). An implementation must reserve atomically: two processes asking at once get two
/// different slots.
pub trait RateStore: Send + Sync + 'static {
    /// Reserves the units of one call (see [`Reservation`]).
    fn reserve<'a>(&'a self, r: Reservation<'a>) -> BoxFuture<'a, Result<Reserved, StoreError>>;
}

/// One GCRA step on a schedule: the theoretical arrival time `tat` of the next unit. Returns the wait
/// and the new `tat`, or the wait that was too long.
fn gcra(tat: u64, now: u64, r: &Reservation<'_>) -> Result<(u64, u64), u64> {
    let start = tat.max(now);
    let wait = start.saturating_sub(r.tolerance_nanos).saturating_sub(now);
    if wait > r.max_wait_nanos {
        return Err(wait);
    }
    Ok((wait, start.saturating_add(r.interval_nanos.saturating_mul(r.units))))
}

/// The in-process store: one schedule per key in a map. The client's own fast path keeps unscoped
/// documented rules in an array of atomics instead; this store serves scoped rules, overrides, the local
/// server's rate enforcement and the fallback of a shared store.
#[derive(Debug, Default)]
pub struct LocalStore {
    schedules: Mutex<HashMap<String, u64>>,
}

impl LocalStore {
    /// An empty store.
    pub fn new() -> Self {
        LocalStore::default()
    }

    /// Reserves synchronously (what [`RateStore::reserve`] does, without a future).
    pub fn reserve_now(&self, r: &Reservation<'_>) -> Reserved {
        self.reserve_at(r, now_nanos())
    }

    /// Reserves at time `now` (nanoseconds since the Unix epoch).
    pub fn reserve_at(&self, r: &Reservation<'_>, now: u64) -> Reserved {
        let mut map = self.schedules.lock().unwrap_or_else(|p| p.into_inner());
        // Forget schedules that are in the past: they no longer hold anything back.
        if map.len() > 4096 {
            map.retain(|_, tat| *tat > now);
        }
        let tat = map.get(r.key).copied().unwrap_or(0);
        match gcra(tat, now, r) {
            Ok((wait, next)) => {
                map.insert(r.key.to_owned(), next);
                Reserved::Wait(Duration::from_nanos(wait))
            }
            Err(wait) => Reserved::TooLong(Duration::from_nanos(wait)),
        }
    }
}

impl RateStore for LocalStore {
    fn reserve<'a>(&'a self, r: Reservation<'a>) -> BoxFuture<'a, Result<Reserved, StoreError>> {
        let out = self.reserve_now(&r);
        Box::pin(std::future::ready(Ok(out)))
    }
}

/// A change to a command's documented rates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Override {
    /// Not paced.
    Off,
    /// The rules that count calls use this rate (or, without a documented one, this rule applies).
    Calls(Rate),
    /// The rules that count items use this rate.
    Items(Rate),
}

/// How the client paces calls (see the [module docs](self)).
#[derive(Clone)]
pub struct Pacing {
    enabled: bool,
    burst: u64,
    max_wait: Duration,
    overrides: HashMap<String, Vec<Override>>,
    store: Option<Arc<dyn RateStore>>,
}

impl fmt::Debug for Pacing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pacing")
            .field("enabled", &self.enabled)
            .field("burst", &self.burst)
            .field("max_wait", &self.max_wait)
            .field("overrides", &self.overrides)
            .field("shared_store", &self.store.is_some())
            .finish()
    }
}

impl Default for Pacing {
    /// On, at the documented default rates, in process, no burst, waiting at most 60 s.
    fn default() -> Self {
        Pacing { enabled: true, burst: 1, max_wait: Duration::from_secs(60), overrides: HashMap::new(), store: None }
    }
}

impl Pacing {
    /// No pacing at all: every call is sent at once (the server's limits still apply).
    pub fn off() -> Self {
        Pacing { enabled: false, ..Pacing::default() }
    }

    /// Whether pacing is on.
    pub fn is_enabled(&self) -> bool {
        self.enabled
    }

    /// Paces `command` (`servicename/command`) at `rate` calls instead of its documented rate, e.g. when
    /// a paid plan raised it; a command without a documented rate gets this one.
    #[must_use]
    pub fn rate(mut self, command: &str, rate: Rate) -> Self {
        self.overrides.entry(command.to_owned()).or_default().push(Override::Calls(rate));
        self
    }

    /// Paces the items `command` counts (e.g. `openim/batchsendmsg` receivers) at `rate` instead of the
    /// documented rate.
    #[must_use]
    pub fn item_rate(mut self, command: &str, rate: Rate) -> Self {
        self.overrides.entry(command.to_owned()).or_default().push(Override::Items(rate));
        self
    }

    /// Does not pace `command` at all.
    #[must_use]
    pub fn unpaced(mut self, command: &str) -> Self {
        self.overrides.insert(command.to_owned(), vec![Override::Off]);
        self
    }

    /// How many units may go at once ahead of the schedule (default 1: calls are spaced evenly, which
    /// keeps every one-second window within the limit).
    #[must_use]
    pub fn burst(mut self, units: u64) -> Self {
        self.burst = units.max(1);
        self
    }

    /// The longest a call waits for its turn (default 60 s); a call that would wait longer is not sent
    /// ([`crate::Error::RateLimited`]).
    #[must_use]
    pub fn max_wait(mut self, wait: Duration) -> Self {
        self.max_wait = wait;
        self
    }

    /// Keeps the schedules in `store`, shared by every process that uses the same store and SDKAppID
    /// (e.g. `RedisStore`, feature `redis`). Without it they live in this process.
    #[must_use]
    pub fn store(mut self, store: impl RateStore) -> Self {
        self.store = Some(Arc::new(store));
        self
    }

    /// The rates `command` is paced at, given its documented rules: `(rule index, rate, counts items)`.
    fn effective(&self, command: &str, rules: &[RateRule]) -> Vec<(usize, Rate, bool)> {
        let over = self.overrides.get(command).map(Vec::as_slice).unwrap_or(&[]);
        if over.contains(&Override::Off) {
            return Vec::new();
        }
        let calls = over.iter().rev().find_map(|o| if let Override::Calls(r) = o { Some(*r) } else { None });
        let items = over.iter().rev().find_map(|o| if let Override::Items(r) = o { Some(*r) } else { None });
        let mut out: Vec<(usize, Rate, bool)> = rules
            .iter()
            .enumerate()
            .map(|(i, rule)| {
                let counts_items = rule.counts.is_some();
                let rate = match (counts_items, calls, items) {
                    (false, Some(r), _) | (true, _, Some(r)) => r,
                    _ => rule.rate(),
                };
                (i, rate, counts_items)
            })
            .collect();
        if let Some(r) = calls
            && !rules.iter().any(|rule| rule.counts.is_none())
        {
            out.push((rules.len(), r, false));
        }
        out
    }
}

/// What the client knows of a request when it paces it: the units and the scope value of each rule.
pub trait RateInput: Sync {
    /// Units the request takes under rule `rule` (1 for rules that count calls).
    fn units(&self, rule: usize) -> u64;
    /// The value of the rule's scope field, for rules with a scope.
    fn scope(&self, rule: usize) -> Option<String>;
}

/// The untyped call's body: units and scopes read from the JSON by wire key.
pub(crate) struct JsonInput<'a> {
    pub body: &'a serde_json::Value,
    pub rules: &'static [RateRule],
}

impl RateInput for JsonInput<'_> {
    fn units(&self, rule: usize) -> u64 {
        match self.rules.get(rule).and_then(|r| r.counts) {
            Some(key) => self.body.get(key).and_then(serde_json::Value::as_array).map_or(1, |a| a.len() as u64),
            None => 1,
        }
    }
    fn scope(&self, rule: usize) -> Option<String> {
        let key = self.rules.get(rule)?.scope?;
        match self.body.get(key)? {
            serde_json::Value::String(s) => Some(s.clone()),
            other => Some(other.to_string()),
        }
    }
}

/// One call to pace.
pub(crate) struct PaceCall<'a> {
    pub endpoint: &'static str,
    /// Index of the command's first rule in the catalogue's table of schedules (`None`: not known).
    pub slot: Option<usize>,
    pub rules: &'static [RateRule],
    pub input: &'a dyn RateInput,
}

/// One in-process schedule of a documented rule: the theoretical arrival time of its next unit (ns
/// since the epoch), and the rule's interval and burst tolerance with the overrides applied (interval 0:
/// not paced).
struct Slot {
    tat: AtomicU64,
    interval: u64,
    tolerance: u64,
}

/// The client's pacer: its configuration and the in-process schedules.
pub(crate) struct Pacer {
    config: Pacing,
    sdkappid: u64,
    /// One schedule per documented rule of the catalogue, in the crate's table order.
    slots: Box<[Slot]>,
    local: LocalStore,
    /// [`Pacing::max_wait`] in nanoseconds.
    max_wait_nanos: u64,
}

impl Pacer {
    pub(crate) fn new(config: Pacing, sdkappid: u64, table: &'static [SlotRule]) -> Self {
        let slots = if config.enabled {
            table
                .iter()
                .map(|s| {
                    let rules = std::slice::from_ref(&s.rule);
                    // The override for this command, applied to this rule alone.
                    let rate = config.effective(s.path, rules).into_iter().find(|(i, _, _)| *i == 0).map(|(_, r, _)| r);
                    let interval = rate.map_or(0, |r| r.interval_nanos());
                    Slot { tat: AtomicU64::new(0), interval, tolerance: interval.saturating_mul(config.burst.saturating_sub(1)) }
                })
                .collect()
        } else {
            Box::default()
        };
        let max_wait_nanos = u64::try_from(config.max_wait.as_nanos()).unwrap_or(u64::MAX);
        Pacer { config, sdkappid, slots, local: LocalStore::new(), max_wait_nanos }
    }

    pub(crate) fn config(&self) -> &Pacing {
        &self.config
    }

    /// Reserves the call's units under each of its rules at time `now` (ns since the epoch) and waits
    /// for the latest of them. Returns whether it waited (the caller's clock reading is then stale).
    pub(crate) async fn pace(&self, call: &PaceCall<'_>, now: u64, transport: &dyn Transport) -> Result<bool, Error> {
        let wait = match self.reserve_local(call, now)? {
            Some(w) => w,
            None => self.reserve_shared(call).await?,
        };
        self.wait(call, wait, transport).await
    }

    /// Waits `wait` nanoseconds (reported) after a reservation; whether it waited.
    pub(crate) async fn wait(&self, call: &PaceCall<'_>, wait: u64, transport: &dyn Transport) -> Result<bool, Error> {
        if wait == 0 {
            return Ok(false);
        }
        let wait = Duration::from_nanos(wait);
        tracing::debug!(target: "tim_rest::pacing", endpoint = call.endpoint, wait_ms = wait.as_secs_f64() * 1000.0, "waiting for the command's rate");
        transport.sleep(wait).await;
        Ok(true)
    }

    /// The in-process reservation: the wait in nanoseconds, or `None` when a shared store keeps the
    /// schedules. One atomic per unscoped documented rule, overrides already applied.
    #[inline]
    pub(crate) fn reserve_local(&self, call: &PaceCall<'_>, now: u64) -> Result<Option<u64>, Error> {
        if !self.config.enabled {
            return Ok(Some(0));
        }
        if self.config.store.is_some() {
            return Ok(None);
        }
        let mut wait = 0u64;
        for (i, rule) in call.rules.iter().enumerate() {
            let slot = match (rule.scope, call.slot.and_then(|s| self.slots.get(s + i))) {
                (None, Some(slot)) => slot,
                _ => {
                    wait = wait.max(self.reserve_keyed(call, i, now, self.max_wait_nanos)?);
                    continue;
                }
            };
            if slot.interval == 0 {
                continue;
            }
            let units = if rule.counts.is_some() { call.input.units(i) } else { 1 };
            let cost = slot.interval.saturating_mul(units);
            let mut tat = slot.tat.load(Ordering::Relaxed);
            loop {
                let start = tat.max(now);
                let w = start.saturating_sub(slot.tolerance).saturating_sub(now);
                if w > self.max_wait_nanos {
                    return Err(too_long(call.endpoint, w));
                }
                match slot.tat.compare_exchange_weak(tat, start.saturating_add(cost), Ordering::AcqRel, Ordering::Relaxed) {
                    Ok(_) => {
                        wait = wait.max(w);
                        break;
                    }
                    Err(current) => tat = current,
                }
            }
        }
        // A command without a documented rate that an override paces.
        if call.rules.is_empty() && !self.config.overrides.is_empty() {
            for (i, _, _) in self.config.effective(call.endpoint, call.rules) {
                wait = wait.max(self.reserve_keyed(call, i, now, self.max_wait_nanos)?);
            }
        }
        Ok(Some(wait))
    }

    /// The reservation in the shared store: the wait in nanoseconds.
    async fn reserve_shared(&self, call: &PaceCall<'_>) -> Result<u64, Error> {
        let mut wait = 0u64;
        let Some(store) = &self.config.store else { return Ok(0) };
        if call.rules.is_empty() && self.config.overrides.is_empty() {
            return Ok(0);
        }
        for (i, rate, _) in self.config.effective(call.endpoint, call.rules) {
            let key = self.key(call, i);
            let r = self.reservation(&key, rate, call.input.units(i), self.max_wait_nanos);
            let w = match store.reserve(r).await {
                Ok(Reserved::Wait(w)) => w,
                Ok(Reserved::TooLong(w)) => return Err(too_long(call.endpoint, u64::try_from(w.as_nanos()).unwrap_or(u64::MAX))),
                Err(e) => return Err(Error::PacingStore { endpoint: call.endpoint, message: e.0 }),
            };
            wait = wait.max(u64::try_from(w.as_nanos()).unwrap_or(u64::MAX));
        }
        Ok(wait)
    }

    fn reservation<'k>(&self, key: &'k str, rate: Rate, units: u64, max_wait_nanos: u64) -> Reservation<'k> {
        let interval = rate.interval_nanos();
        Reservation {
            key,
            interval_nanos: interval,
            units,
            tolerance_nanos: interval.saturating_mul(self.config.burst.saturating_sub(1)),
            max_wait_nanos,
        }
    }

    fn key(&self, call: &PaceCall<'_>, rule: usize) -> String {
        match call.input.scope(rule) {
            Some(scope) => format!("{}:{}:{}:{}", self.sdkappid, call.endpoint, rule, scope),
            None => format!("{}:{}:{}", self.sdkappid, call.endpoint, rule),
        }
    }

    /// A scoped rule, or an override without a table entry: the in-process keyed schedules.
    fn reserve_keyed(&self, call: &PaceCall<'_>, rule: usize, now: u64, max_wait_nanos: u64) -> Result<u64, Error> {
        let Some((_, rate, _)) = self.config.effective(call.endpoint, call.rules).into_iter().find(|(i, _, _)| *i == rule) else {
            return Ok(0);
        };
        let key = self.key(call, rule);
        let r = self.reservation(&key, rate, call.input.units(rule), max_wait_nanos);
        match self.local.reserve_at(&r, now) {
            Reserved::Wait(w) => Ok(u64::try_from(w.as_nanos()).unwrap_or(u64::MAX)),
            Reserved::TooLong(w) => Err(too_long(call.endpoint, u64::try_from(w.as_nanos()).unwrap_or(u64::MAX))),
        }
    }
}

fn too_long(endpoint: &'static str, wait_nanos: u64) -> Error {
    Error::RateLimited { endpoint, wait: Duration::from_nanos(wait_nanos) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn res(key: &str, per_second: u64, units: u64, max_wait: Duration) -> Reservation<'_> {
        Reservation {
            key,
            interval_nanos: Rate::per_second(per_second).interval_nanos(),
            units,
            tolerance_nanos: 0,
            max_wait_nanos: u64::try_from(max_wait.as_nanos()).unwrap_or(u64::MAX),
        }
    }

    #[test]
    fn calls_are_spaced_by_the_interval() {
        let store = LocalStore::new();
        let first = store.reserve_now(&res("k", 10, 1, Duration::from_secs(10)));
        assert_eq!(first, Reserved::Wait(Duration::ZERO));
        // Nine more calls at once: each waits one more tenth of a second.
        let mut last = Duration::ZERO;
        for _ in 0..9 {
            let Reserved::Wait(w) = store.reserve_now(&res("k", 10, 1, Duration::from_secs(10))) else { panic!("refused") };
            assert!(w > last, "{w:?} after {last:?}");
            last = w;
        }
        assert!(last > Duration::from_millis(850) && last <= Duration::from_millis(900), "{last:?}");
        // Another key has its own schedule.
        assert_eq!(store.reserve_now(&res("other", 10, 1, Duration::from_secs(10))), Reserved::Wait(Duration::ZERO));
    }

    #[test]
    fn items_count_and_a_wait_over_the_maximum_reserves_nothing() {
        let store = LocalStore::new();
        // 500 items at 200 per second take 2.5 s of schedule.
        assert_eq!(store.reserve_now(&res("b", 200, 500, Duration::from_secs(1))), Reserved::Wait(Duration::ZERO));
        let Reserved::TooLong(w) = store.reserve_now(&res("b", 200, 1, Duration::from_secs(1))) else { panic!("reserved") };
        assert!(w > Duration::from_secs(2), "{w:?}");
        // The refusal reserved nothing: with a longer maximum the next call still starts at 2.5 s.
        let Reserved::Wait(w2) = store.reserve_now(&res("b", 200, 1, Duration::from_secs(5))) else { panic!("refused") };
        assert!(w2 <= w, "{w2:?} vs {w:?}");
    }

    #[test]
    fn overrides_replace_the_documented_rates() {
        let rules = [RateRule::new(200, 1, None, None, 60007, ""), RateRule::new(12000, 60, Some("To_Account"), None, 60007, "")];
        let p =
            Pacing::default().rate("openim/batchsendmsg", Rate::per_second(500)).item_rate("openim/batchsendmsg", Rate::per_minute(30000));
        let e = p.effective("openim/batchsendmsg", &rules);
        assert_eq!(e, vec![(0, Rate::per_second(500), false), (1, Rate::per_minute(30000), true)]);
        assert_eq!(p.effective("openim/sendmsg", &rules[..1]), vec![(0, Rate::per_second(200), false)]);
        assert!(Pacing::default().unpaced("openim/sendmsg").effective("openim/sendmsg", &rules[..1]).is_empty());
        // A command without a documented rate gets the override.
        assert_eq!(Pacing::default().rate("a/b", Rate::per_second(3)).effective("a/b", &[]), vec![(0, Rate::per_second(3), false)]);
    }
}
