//! Standard output, for every subcommand: `println!` panics when the reader has gone (`tim spec list |
//! head`), so everything goes through [`write()`], which ends the command quietly instead. The crate
//! denies `clippy::print_stdout` so that no subcommand prints another way.

use crate::{Failure, Outcome};
use std::io::Write as _;

/// Writes `bytes` to standard output. A reader that stopped early (a closed pipe) is the end of the
/// command, not an error: a [`Failure::closed`] that callers pass on with `?`, so nothing more is
/// printed and `tim` exits 0 without a message.
pub fn write(bytes: &[u8]) -> Outcome {
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Err(Failure::closed()),
        Err(e) => Err(Failure::failed(format!("cannot write to standard output: {e}"))),
    }
}

/// `println!` through [`write()`]; evaluates to an [`Outcome`].
macro_rules! outln {
    ($($arg:tt)*) => {
        $crate::output::write(format!("{}\n", format_args!($($arg)*)).as_bytes())
    };
}
