//! `tim-emulator`: runs the emulator as a process, for end-to-end tests in other languages or in CI.

fn main() {}
