//! Any bytes as a spec file (a service, a shared types file, the error table): the loader must report
//! problems, never panic.
#![no_main]

use codegen::validate::{load_sources, Source};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data).into_owned();
    for rel in ["services/svc.yaml", "types/t.yaml", "errors.yaml"] {
        let sources = [Source { rel: rel.into(), shown: rel.into(), text: text.clone() }];
        let _ = load_sources(&sources);
    }
});
