//! Any bytes as a spec file (a service, a shared types file, a callback file, the error table, the
//! gaps list): the loader must report problems, never panic. Seeds are the real spec files, read from
//! `../spec` (see README.md), so they never drift from the catalogue.
#![no_main]

use codegen::load::{load_sources, Source};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data).into_owned();
    for rel in ["services/svc.yaml", "types/t.yaml", "callbacks/c.yaml", "errors.yaml", "gaps.yaml"] {
        let sources = [Source { rel: rel.into(), shown: rel.into(), text: text.clone() }];
        let _ = load_sources(&sources);
    }
});
