//! The integration tests of `tim-rest`, in one test binary (each test binary links the whole SDK, so
//! one binary builds and links once). Run one module with `cargo test -p tim-rest-tests --test it
//! drift::`, one test with its full name.

mod support;

mod call_rules;
mod callbacks;
mod callbacks_hardening;
mod client;
mod drift;
mod escape_hatches;
mod examples;
mod face;
mod history;
mod mock_scripting;
mod region;
mod resilience;
mod transport;
mod usersig;
