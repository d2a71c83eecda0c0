//! Run-time tests of the generator's awkward-case snapshots (`codegen/tests/snapshots/awkward`, compiled
//! into this crate as `crate::fixture_api` in test builds). They round-trip values through both serde
//! directions, so they need the `codec` feature (CI tests with `--all-features`).
#![cfg(feature = "codec")]

use crate::fixture_api::types::{Element, PosBody, Scalarish, TextBody};
use crate::fixture_api::weird_svc::*;
use crate::{Endpoint, ItemResults};
use serde_json::json;

#[test]
fn union_decodes_in_either_key_order_and_keeps_unknown_variants() {
    let tag_first: Element = serde_json::from_value(json!({"Kind": "Text", "Body": {"Text": "a"}})).expect("tag first");
    let content_first: Element = serde_json::from_value(json!({"Body": {"Text": "a"}, "Kind": "Text"})).expect("content first");
    assert_eq!(tag_first, content_first);
    assert!(matches!(&tag_first, Element::Text(t) if t.text == "a"));

    let future = json!({"Body": {"x": [1, 2]}, "Kind": "Future"});
    let unknown: Element = serde_json::from_value(future.clone()).expect("unknown tag decodes");
    assert_eq!(unknown.tag(), "Future");
    assert_eq!(serde_json::to_value(&unknown).expect("encode"), future);

    // Straight from bytes too (the direct path, no buffering), with NUL and control characters.
    let raw = br#"{"Kind":"Pos","Body":{"Lat":29.340656774469956,"Lng":-1.5}}"#;
    let pos: Element = serde_json::from_slice(raw).expect("bytes");
    assert!(matches!(pos, Element::Pos(PosBody { lat, .. }) if lat == 29.340656774469956));
    let text: Element = serde_json::from_slice(b"{\"Kind\":\"Text\",\"Body\":{\"Text\":\"a\\u0000\\u0001\\b\"}}").expect("control chars");
    assert!(matches!(&text, Element::Text(TextBody { text, .. }) if text == "a\u{0}\u{1}\u{8}"));
    assert_eq!(serde_json::from_slice::<Element>(&serde_json::to_vec(&text).expect("encode")).expect("again"), text);

    assert!(serde_json::from_value::<Element>(json!({"Kind": "Text"})).is_err(), "content missing");
    // Without a usable tag the element is kept whole, verbatim, and written back unchanged.
    for element in [json!({"Body": {"Text": "a"}}), json!({"Kind": null, "Body": {}}), json!({"Kind": 7, "Other": 1})] {
        let kept: Element = serde_json::from_value(element.clone()).expect("kept");
        assert_eq!(kept, Element::Untagged(element.clone()));
        assert_eq!(kept.tag(), "");
        assert_eq!(serde_json::to_value(&kept).expect("encode"), element);
    }
}

#[test]
fn open_enums_keep_unknown_values_verbatim() {
    let k: Kind = serde_json::from_value(json!("Member ")).expect("unknown string");
    assert_eq!(k, Kind::Unknown("Member ".into()));
    assert_eq!(serde_json::to_value(&k).expect("encode"), json!("Member "));
    assert_eq!(serde_json::from_value::<Kind>(json!("Add_Type_Both")).expect("known"), Kind::Both);
    assert_eq!(Kind::Both.as_str(), "Add_Type_Both");

    let f: Flag = serde_json::from_value(json!(7)).expect("unknown integer");
    assert_eq!(f, Flag::Unknown(7));
    assert_eq!(serde_json::to_value(f).expect("encode"), json!(7));
    assert_eq!(serde_json::from_value::<Flag>(json!(2)).expect("known"), Flag::Off);
}

#[test]
fn keyword_fields_and_big_integers_use_their_wire_names() {
    let body = json!({
        "Type": "Owner", "Self": "me", "Next": 4454685361u64, "Items": null, "Extra": {"会员等级": "gold"},
        "Value": [ "a", "b" ]
    });
    let resp: GetThingResponse = serde_json::from_value(body.clone()).expect("exact response");
    // An unknown key fails the strict decoder; the client's drift-correcting path drops it and says so.
    let mut drifted = body.as_object().cloned().unwrap_or_default();
    drifted.insert("Unexpected".into(), json!({"new": "field"}));
    assert!(serde_json::from_value::<GetThingResponse>(json!(drifted)).is_err(), "strict: unknown keys are errors");
    let decoded =
        crate::envelope::decode::<GetThingResponse>("WeirdSvc/getthing", 200, json!(drifted).to_string().into(), false).expect("corrected");
    assert_eq!(decoded.value, resp);
    assert_eq!(decoded.corrections.len(), 1);
    assert_eq!(decoded.corrections[0].to_string(), "Unexpected: unknown key ignored");
    assert_eq!(resp.r#type, Some(Kind::Owner));
    assert_eq!(resp.self_.as_deref(), Some("me"));
    assert_eq!(resp.next, 4_454_685_361);
    assert!(resp.items.is_empty(), "null collection reads as empty");
    assert_eq!(resp.extra.get("会员等级").map(String::as_str), Some("gold"));
    assert_eq!(resp.value, Some(Scalarish::List(vec!["a".into(), "b".into()])));
    let back = serde_json::to_value(&resp).expect("encode");
    assert_eq!(back["Type"], "Owner");
    assert_eq!(back["Self"], "me");

    let missing: GetThingResponse = serde_json::from_value(json!({"Next": 1})).expect("absent collections");
    assert!(missing.items.is_empty() && missing.extra.is_empty());
}

#[test]
fn oneof_tries_each_kind_and_keeps_others() {
    assert_eq!(serde_json::from_value::<Scalarish>(json!(7)).expect("int"), Scalarish::Integer(7));
    assert_eq!(serde_json::from_value::<Scalarish>(json!("x")).expect("str"), Scalarish::Text("x".into()));
    assert_eq!(serde_json::from_value::<Scalarish>(json!(1.5)).expect("other"), Scalarish::Other(json!(1.5)));
    assert_eq!(serde_json::to_value(Scalarish::Integer(7)).expect("encode"), json!(7));
}

#[test]
fn requests_are_strict_and_built_from_required_fields() {
    let empty = GetThingRequest::new();
    assert_eq!(serde_json::to_string(&empty).expect("encode"), "{}");
    assert_eq!(<GetThingRequest as Endpoint>::PATH, "WeirdSvc/getthing");

    let a = PutThingRequest::new("bob");
    let b = PutThingRequest::new("bob");
    let c = PutThingRequest::new("bob");
    assert!(a.msg_random != b.msg_random || b.msg_random != c.msg_random, "MsgRandom is random");
    let req = PutThingRequest::new("bob").msg_random(5).flag(Flag::On).r#match(vec![PutThingMatch::new("k").nested(DeepThing::new(-1))]);
    assert_eq!(
        serde_json::to_value(&req).expect("encode"),
        json!({"To_Account": "bob", "MsgRandom": 5, "Flag": 1, "Match": [{"Key": "k", "Nested": {"Depth": -1}}]})
    );
    let unknown_key = json!({"To_Account": "bob", "MsgRandom": 5, "Surprise": 1});
    assert!(serde_json::from_value::<PutThingRequest>(unknown_key).is_err(), "requests reject unknown keys");
}

#[test]
fn sensitive_fields_are_redacted_in_debug() {
    let req = PutThingRequest::new("bob").token("very-secret-token");
    let shown = format!("{req:?}");
    assert!(!shown.contains("very-secret-token"), "{shown}");
    assert!(shown.contains("<redacted>") && shown.contains("bob"));
}

#[test]
fn per_item_results_report_every_item() {
    let resp: PutThingResponse = serde_json::from_value(json!({
        "ResultItem": [{"UserID": "a", "ResultCode": 1}, {"UserID": "b", "ResultCode": 2}],
        "Fail_Account": ["c"]
    }))
    .expect("decode");
    let all = resp.item_results();
    assert_eq!(all.len(), 3);
    assert!(all[0].ok, "code 1 is success for this list");
    let failed: Vec<_> = resp.failures().iter().map(|r| (r.list, r.id, r.code)).collect();
    assert_eq!(failed, vec![("ResultItem", Some("b"), Some(2)), ("Fail_Account", Some("c"), None)]);
    assert!(!resp.all_ok());
}

#[test]
fn callback_replies_are_built_from_outcomes_and_events_decode_by_command() {
    use crate::callbacks::{Answer, EventSet};
    use crate::fixture_api::callbacks::Event;
    use crate::fixture_api::callbacks::demo::DemoBeforeSendReply;
    let body = |a: Answer| serde_json::from_slice::<serde_json::Value>(&a.to_body()).expect("json");
    assert_eq!(body(DemoBeforeSendReply::drop().into()), json!({"ActionStatus": "OK", "ErrorInfo": "", "ErrorCode": 2}));
    let custom = DemoBeforeSendReply::reject_with(10150).info("no").body(vec![Element::Text(TextBody::new("y"))]);
    assert_eq!(
        body(custom.into()),
        json!({"ActionStatus": "OK", "ErrorInfo": "no", "ErrorCode": 10150, "Body": [{"Kind": "Text", "Body": {"Text": "y"}}]})
    );
    // The documented default: allow, except where the page names another outcome.
    assert_eq!(Event::default_answer("Demo.CallbackBeforeSend").code, 0);
    assert_eq!(Event::default_answer("Demo.CallbackBeforeQuiet").code, 1);
    let raw = br#"{"CallbackCommand":"Demo.CallbackBeforeSend","From_Account":"a","Body":[],"Seq":"4454685361"}"#;
    let Some(Ok((Event::DemoBeforeSend(e), corrections))) = Event::decode("Demo.CallbackBeforeSend", raw) else { panic!("decodes") };
    assert_eq!((e.seq, corrections.len()), (4_454_685_361, 1));
    assert!(matches!(Event::decode_strict("Demo.CallbackBeforeSend", raw), Some(Err(_))), "strict decoding refuses the string");
    assert!(Event::decode("Demo.Other", b"{}").is_none());
    assert_eq!(crate::fixture_api::callbacks::find("Demo.CallbackAfterThing").map(|c| c.when), Some("after"));
}

#[test]
fn a_partial_reply_keeps_every_key_the_catalogue_does_not_model() {
    let body = br#"{"Known": 1, "Rows": ["r"], "NotYetModelled": {"x": [1]}, "Later": "y"}"#;
    let reply: HalfKnownResponse = serde_json::from_slice(body).expect("strict decode of a partial reply");
    assert_eq!(reply.known, Some(1));
    assert_eq!(reply.other.get("NotYetModelled"), Some(&json!({"x": [1]})));
    assert_eq!(reply.other.get("Later"), Some(&json!("y")));
    assert_eq!(serde_json::to_value(&reply).expect("encode")["Later"], json!("y"), "written back as received");
    // A drifted field takes the correcting pass, which keeps the unmodelled keys too.
    let drifted = bytes::Bytes::from_static(br#"{"ActionStatus":"OK","ErrorCode":0,"Known":"2","Later":"y"}"#);
    let d = crate::envelope::decode::<HalfKnownResponse>("weird/halfknown", 200, drifted, false).expect("corrected");
    assert_eq!(d.value.known, Some(2));
    assert_eq!(d.value.other.get("Later"), Some(&json!("y")));
    assert_eq!(d.corrections.len(), 1, "{:?}", d.corrections);
}

#[test]
fn limits_are_checked_through_lists_and_ranges() {
    let ok = HalfKnownRequest::new(["ab"]).limit(50);
    assert!(ok.check_limits().is_ok());
    let e = HalfKnownRequest::new(["a", "b", "c"]).check_limits().expect_err("three ids");
    assert_eq!(e.field, "Ids");
    let e = HalfKnownRequest::new(["ok", "toolong"]).check_limits().expect_err("too long");
    assert_eq!(e.field, "Ids[1]");
    let e = HalfKnownRequest::new(Vec::<String>::new()).limit(0).check_limits().expect_err("zero");
    assert_eq!(e.field, "Limit");
    assert_eq!(<HalfKnownRequest as Endpoint>::RATES.len(), 2);
    assert_eq!(HalfKnownRequest::new(["a", "b"]).rate_units(1), 2);
}

#[test]
fn the_next_page_follows_the_cursor_and_stops_at_the_end_value() {
    use crate::paging::Paged;
    let first = HalfKnownRequest::new(Vec::<String>::new());
    let more = HalfKnownResponse::new().rows(["r"]).cursor("c1");
    let next = first.next_page(&more).expect("a next page");
    assert_eq!(next.cursor.as_deref(), Some("c1"));
    let last = HalfKnownResponse::new().cursor("");
    assert!(next.next_page(&last).is_none());
}
