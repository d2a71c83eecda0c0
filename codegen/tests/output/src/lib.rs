//! The generator's output for its awkward-case fixture (`codegen/tests/fixtures/awkward`), as the
//! snapshot test checks it in (`src/fixture_api/`), compiled against the runtime like the real crate and
//! exercised by `fixture_tests`. After an intended generator change:
//! `UPDATE_SNAPSHOTS=1 cargo test -p tim-codegen --test snapshots`.

#[rustfmt::skip]
#[allow(dead_code, missing_docs)]
pub mod fixture_api;

pub use fixture_api::{Client, ClientBuilder, callbacks, registry};
pub use tim_rest_runtime::*;

#[cfg(test)]
mod fixture_tests;
