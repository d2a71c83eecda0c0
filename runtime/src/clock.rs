//! Time: the wall clock the client signs and paces with, and durations as errors show them.
//!
//! Every reading of the wall clock in the client, the pacing schedules and the callback window goes
//! through here, so a clock before 1970 means the same (0) everywhere.

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The current Unix time in seconds (0 if the clock is before 1970).
pub(crate) fn unix_now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

/// Nanoseconds since the Unix epoch (0 if the clock is before 1970; `u64::MAX` after the year 2554).
pub(crate) fn now_nanos() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX))
}

/// Shows a duration the way a person reads it in an error message: `150 ms`, `5 s`, `1.5 s`, `2 min`,
/// `90 s`. Whole units only where they are exact; never more than three decimals.
pub(crate) struct Shown(pub Duration);

impl fmt::Display for Shown {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = self.0;
        let millis = d.as_millis();
        if d < Duration::from_millis(1) {
            return write!(f, "{} µs", d.as_micros());
        }
        if millis < 1000 {
            return write!(f, "{millis} ms");
        }
        let secs = d.as_secs();
        if secs.is_multiple_of(60) && secs >= 120 && d.subsec_nanos() == 0 {
            return write!(f, "{} min", secs / 60);
        }
        let frac = d.subsec_millis();
        if frac == 0 {
            return write!(f, "{secs} s");
        }
        // Three decimals, trailing zeros dropped: 1.5 s, 1.25 s, 1.001 s.
        let text = format!("{secs}.{frac:03}");
        write!(f, "{} s", text.trim_end_matches('0'))
    }
}

#[cfg(test)]
mod tests {
    use super::Shown;
    use std::time::Duration;

    #[test]
    fn durations_read_like_a_person_would_write_them() {
        let shown = |d: Duration| Shown(d).to_string();
        assert_eq!(shown(Duration::from_micros(250)), "250 µs");
        assert_eq!(shown(Duration::from_millis(150)), "150 ms");
        assert_eq!(shown(Duration::from_secs(5)), "5 s");
        assert_eq!(shown(Duration::from_millis(1500)), "1.5 s");
        assert_eq!(shown(Duration::from_millis(1250)), "1.25 s");
        assert_eq!(shown(Duration::from_secs(90)), "90 s");
        assert_eq!(shown(Duration::from_secs(120)), "2 min");
    }

    #[test]
    fn the_clock_reads_seconds_and_nanoseconds_of_the_same_epoch() {
        let (s, n) = (super::unix_now(), super::now_nanos());
        // Read one after the other: at most a second apart, and both after 2020.
        assert!(n / 1_000_000_000 >= s && n / 1_000_000_000 - s <= 1, "{s} {n}");
        assert!(s > 1_577_836_800);
    }
}
