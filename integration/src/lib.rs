//! Hand-written tests of `tim-rest` (`tests/`), its benchmarks (`benches/`) and runnable examples
//! (`examples/`), all against the local server on 127.0.0.1. Nothing here is published.

/// The README's code blocks, compiled as doctests so the README stays true.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;
