//! The emulator's clock: the system clock by default, or a time the test sets and moves.

use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// A settable clock (Unix seconds). Message times, join times, mute deadlines and the history
/// windows of the emulator all read it.
#[derive(Debug, Default)]
pub struct Clock {
    fixed: Mutex<Option<u64>>,
}

impl Clock {
    /// The current time in Unix seconds.
    pub fn now(&self) -> u64 {
        match *crate::lock(&self.fixed) {
            Some(t) => t,
            None => SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs()),
        }
    }

    /// Stops the clock at `unix_seconds`.
    pub fn set(&self, unix_seconds: u64) {
        *crate::lock(&self.fixed) = Some(unix_seconds);
    }

    /// Moves a stopped clock forward (a running clock is stopped at now + `by`).
    pub fn advance(&self, by: Duration) {
        let now = self.now();
        *crate::lock(&self.fixed) = Some(now.saturating_add(by.as_secs()));
    }

    /// Runs on the system clock again.
    pub fn system(&self) {
        *crate::lock(&self.fixed) = None;
    }
}
