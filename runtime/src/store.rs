//! What a store shared by the processes of a fleet (Redis) reports when it cannot answer. Both shared
//! stores use it: the pacing schedules ([`crate::pacing::RateStore`]) and the callbacks' replay guard.

use std::fmt;

/// A store could not answer (e.g. Redis unreachable).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreError(pub String);

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for StoreError {}
