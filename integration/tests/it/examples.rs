//! Every official example in the catalogue decodes into its Rust type and re-encodes without losing
//! anything: requests through the strict request types, responses through the envelope plus the
//! lenient payload types.

use serde_json::Value;
use tim_rest::Envelope;
use tim_rest_tests::covers;

#[test]
fn every_example_decodes_and_reencodes_without_loss() {
    let mut checked = 0;
    let mut problems = Vec::new();
    for info in tim_rest::registry::commands() {
        for (i, ex) in info.examples.iter().enumerate() {
            if ex.legacy {
                // Older pages' examples are checked by the drift tests: they decode only with correction.
                continue;
            }
            let label = format!("{}/{} example {}", info.service, info.command, i);
            if let Some(text) = ex.request {
                let original: Value = serde_json::from_str(text).expect("examples are valid JSON (the generator checks)");
                match info.codec.decode_request(text.as_bytes()) {
                    Ok(msg) => {
                        let again = msg.to_json().expect("typed values encode");
                        covers(&original, &again, &format!("{label} request $"), &mut problems);
                    }
                    Err(e) => problems.push(format!("{label} request does not decode: {e}")),
                }
                checked += 1;
            }
            if let Some(text) = ex.response {
                let original: Value = serde_json::from_str(text).expect("examples are valid JSON (the generator checks)");
                let envelope = Envelope::from_slice(text.as_bytes());
                let payload = info.codec.decode_response(text.as_bytes());
                match (envelope, payload) {
                    (Ok(env), Ok(msg)) => {
                        let mut again = msg.to_json().expect("typed values encode");
                        if let (Value::Object(m), Value::Object(e)) = (&mut again, serde_json::to_value(&env).expect("envelope encodes")) {
                            m.extend(e);
                        }
                        covers(&original, &again, &format!("{label} response $"), &mut problems);
                    }
                    (Ok(env), Err(e)) if env.is_failure() => {
                        // A failure reply need not fit the payload type; the envelope must still keep it.
                        let _ = e;
                        assert!(env.error_code.is_some() || env.action_status.is_some(), "{label}: failure without code");
                    }
                    (Err(e), _) => problems.push(format!("{label} response envelope does not decode: {e}")),
                    (Ok(_), Err(e)) => problems.push(format!("{label} response does not decode: {e}")),
                }
                checked += 1;
            }
        }
    }
    assert!(problems.is_empty(), "{} problem(s):\n{}", problems.len(), problems.join("\n"));
    assert!(checked > 100, "only {checked} examples were checked: is the registry complete?");
}

#[test]
fn registry_lists_every_catalogued_command_once() {
    let mut seen = std::collections::BTreeSet::new();
    for info in tim_rest::registry::commands() {
        assert!(seen.insert((info.service, info.command)), "{}/{} listed twice", info.service, info.command);
        assert!(info.doc.starts_with("https://"), "{}/{} has no doc link", info.service, info.command);
        let found = tim_rest::registry::find(info.service, info.command).expect("find by wire names");
        assert_eq!(found.function, info.function);
    }
    // With all features on (the default), every catalogued command is compiled in.
    assert_eq!(seen.len(), tim_rest::CATALOGUE_COMMANDS);
}

#[test]
fn the_covers_check_catches_losses() {
    let mut p = Vec::new();
    covers(&serde_json::json!({"a": 1, "b": [1, 2]}), &serde_json::json!({"a": 1, "b": [1]}), "$", &mut p);
    assert_eq!(p.len(), 1);
    p.clear();
    covers(&serde_json::json!({"a": {"x": "y"}}), &serde_json::json!({"a": {}}), "$", &mut p);
    assert_eq!(p, vec!["$.a.x was dropped".to_owned()]);
    p.clear();
    covers(&serde_json::json!({"a": null}), &serde_json::json!({"b": []}), "$", &mut p);
    assert!(p.is_empty());
}
