//! UserSig (TLSSigAPIv2): the published test vectors, and generate -> verify round trips.

use crate::support::{APPID, KEY};
use base64::Engine;
use std::io::Read;
use tim_rest::usersig::{SecretKey, VerifyError, generate, hmac_sig, verify};

/// Reverses the UserSig encoding and returns the signature document.
fn document(sig: &str) -> serde_json::Value {
    let b64: String = sig
        .chars()
        .map(|c| match c {
            '*' => '+',
            '-' => '/',
            '_' => '=',
            c => c,
        })
        .collect();
    let z = base64::engine::general_purpose::STANDARD.decode(b64).expect("base64");
    let mut json = String::new();
    flate2::read::ZlibDecoder::new(z.as_slice()).read_to_string(&mut json).expect("zlib");
    serde_json::from_str(&json).expect("json")
}

#[test]
fn hmac_matches_the_published_vectors() {
    let key = SecretKey::new(KEY);
    assert_eq!(hmac_sig(&key, "xiaojun", APPID, 1700000000, 15552000, None), "LvA7d/Iw7gSsnskvVzBDPOCCDbuNCw4GHwTC0bip+B4=");
    assert_eq!(hmac_sig(&key, "xiaojun", APPID, 1700000000, 15552000, Some(b"abc")), "QjT201xPkXk/aM1e+y0vakZb0K2iPrFue++0s5y6bFM=");
    assert_eq!(hmac_sig(&key, "administrator", APPID, 1600000000, 86400, None), "los0WU+OsAqKAMeEseEb6GMMPAPQp6knnzQ5XIlQj0U=");
}

#[test]
fn generated_document_has_the_documented_fields() {
    let key = SecretKey::new(KEY);
    let sig = generate(&key, APPID, "xiaojun", 1700000000, 15552000, Some(b"abc"));
    assert!(sig.expose().chars().all(|c| c.is_ascii_alphanumeric() || "*-_".contains(c)), "URL-safe alphabet only");
    let doc = document(sig.expose());
    assert_eq!(doc["TLS.ver"], "2.0");
    assert_eq!(doc["TLS.identifier"], "xiaojun");
    assert_eq!(doc["TLS.sdkappid"], APPID);
    assert_eq!(doc["TLS.time"], 1700000000u64);
    assert_eq!(doc["TLS.expire"], 15552000u64);
    assert_eq!(doc["TLS.userbuf"], "YWJj");
    assert_eq!(doc["TLS.sig"], "QjT201xPkXk/aM1e+y0vakZb0K2iPrFue++0s5y6bFM=");
}

#[test]
fn round_trip_valid_and_each_kind_of_invalid() {
    let key = SecretKey::new(KEY);
    let sig = generate(&key, APPID, "administrator", 1600000000, 86400, None);
    let s = sig.expose();

    let ok = verify(&key, APPID, "administrator", s, 1600000000 + 86400).expect("valid at the last second");
    assert_eq!((ok.time, ok.expire, ok.userbuf), (1600000000, 86400, None));

    assert_eq!(verify(&key, APPID, "administrator", s, 1600000000 + 86401), Err(VerifyError::Expired(1600086400)));
    assert_eq!(verify(&SecretKey::new("another key"), APPID, "administrator", s, 1600000001), Err(VerifyError::BadSignature));
    assert_eq!(verify(&key, APPID, "someone", s, 1600000001), Err(VerifyError::WrongIdentifier));
    assert_eq!(verify(&key, 1400000001, "administrator", s, 1600000001), Err(VerifyError::WrongAppId(APPID)));

    let with_buf = generate(&key, APPID, "u", 1600000000, 60, Some(&[0, 1, 2, 255]));
    assert_eq!(verify(&key, APPID, "u", with_buf.expose(), 1600000010).expect("valid").userbuf, Some(vec![0, 1, 2, 255]));
}

#[test]
fn tampered_documents_fail_the_signature_check() {
    let key = SecretKey::new(KEY);
    let sig = generate(&key, APPID, "administrator", 1600000000, 86400, None);
    // Re-encode the same document with a longer expiry: the HMAC no longer matches.
    let mut doc = document(sig.expose());
    doc["TLS.expire"] = serde_json::json!(999999999);
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    std::io::Write::write_all(&mut z, doc.to_string().as_bytes()).expect("zlib");
    let b64 = base64::engine::general_purpose::STANDARD.encode(z.finish().expect("zlib"));
    let forged: String = b64
        .chars()
        .map(|c| match c {
            '+' => '*',
            '/' => '-',
            '=' => '_',
            c => c,
        })
        .collect();
    assert_eq!(verify(&key, APPID, "administrator", &forged, 1600000001), Err(VerifyError::BadSignature));
}

#[test]
fn garbage_is_rejected_without_panicking() {
    let key = SecretKey::new(KEY);
    let zlib_of_text = {
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        std::io::Write::write_all(&mut z, b"not json").expect("zlib");
        base64::engine::general_purpose::STANDARD.encode(z.finish().expect("zlib")).replace('+', "*").replace('/', "-").replace('=', "_")
    };
    type Expect = fn(&VerifyError) -> bool;
    let cases: Vec<(String, Expect)> = vec![
        (String::new(), |e| matches!(e, VerifyError::Compression)),
        ("!!!!".into(), |e| matches!(e, VerifyError::Base64)),
        ("aGVsbG8_".into(), |e| matches!(e, VerifyError::Compression)),
        (zlib_of_text, |e| matches!(e, VerifyError::Document(_))),
    ];
    for (sig, expected) in cases {
        let err = verify(&key, APPID, "administrator", &sig, 0).expect_err("garbage must not verify");
        assert!(expected(&err), "{sig:?} gave {err:?}");
    }
    // A document missing a field.
    let partial = {
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        std::io::Write::write_all(&mut z, br#"{"TLS.ver":"2.0","TLS.identifier":"administrator"}"#).expect("zlib");
        base64::engine::general_purpose::STANDARD.encode(z.finish().expect("zlib")).replace('+', "*").replace('/', "-").replace('=', "_")
    };
    assert!(matches!(verify(&key, APPID, "administrator", &partial, 0), Err(VerifyError::Document(_))));
}

#[test]
fn secrets_do_not_print() {
    let key = SecretKey::new(KEY);
    let sig = generate(&key, APPID, "administrator", 1600000000, 86400, None);
    for shown in [format!("{key:?}"), format!("{sig:?}"), format!("{sig}")] {
        assert!(!shown.contains(KEY) && !shown.contains(sig.expose()), "{shown}");
    }
}
