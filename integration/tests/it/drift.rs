//! The drift suite: every official success example in the catalogue, changed one thing at a time the
//! way the server and its pages drift, must still decode, and every field the change did not touch must
//! keep its value. Four classes of change:
//!
//! 1. each integer sent as its decimal string;
//! 2. each key removed, in turn;
//! 3. each value `null`, in turn (object values and array items);
//! 4. an unknown key added to every object.
//!
//! Strict decoding must turn each change the decoder corrects into an error naming the path.

use serde_json::{Map, Value};
use tim_rest::drift::Correction;
use tim_rest::registry::{self, CommandInfo};

/// The key added to every object by the fourth class.
const UNKNOWN: &str = "ZzDriftUnknownKey";

#[derive(Debug, Clone, PartialEq)]
enum Seg {
    Key(String),
    Index(usize),
}

/// A path as the decoder prints it: `MemberList[3].JoinTime`.
fn show(path: &[Seg]) -> String {
    let mut s = String::new();
    for seg in path {
        match seg {
            Seg::Key(k) => {
                if !s.is_empty() {
                    s.push('.');
                }
                s.push_str(k);
            }
            Seg::Index(i) => s.push_str(&format!("[{i}]")),
        }
    }
    s
}

/// Every position in a JSON value: (path, value), depth first.
fn positions(v: &Value, at: &mut Vec<Seg>, out: &mut Vec<(Vec<Seg>, Value)>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                at.push(Seg::Key(k.clone()));
                out.push((at.clone(), x.clone()));
                positions(x, at, out);
                at.pop();
            }
        }
        Value::Array(items) => {
            for (i, x) in items.iter().enumerate() {
                at.push(Seg::Index(i));
                out.push((at.clone(), x.clone()));
                positions(x, at, out);
                at.pop();
            }
        }
        _ => {}
    }
}

fn get_mut<'a>(v: &'a mut Value, path: &[Seg]) -> Option<&'a mut Value> {
    let mut cur = v;
    for seg in path {
        cur = match (seg, cur) {
            (Seg::Key(k), Value::Object(m)) => m.get_mut(k)?,
            (Seg::Index(i), Value::Array(a)) => a.get_mut(*i)?,
            _ => return None,
        };
    }
    Some(cur)
}

fn add_unknown_everywhere(v: &mut Value) {
    match v {
        Value::Object(m) => {
            for x in m.values_mut() {
                add_unknown_everywhere(x);
            }
            m.insert(UNKNOWN.to_owned(), Value::from(1));
        }
        Value::Array(items) => items.iter_mut().for_each(add_unknown_everywhere),
        _ => {}
    }
}

fn same_number(a: &serde_json::Number, b: &serde_json::Number) -> bool {
    match (a.as_i64(), b.as_i64(), a.as_u64(), b.as_u64()) {
        (Some(x), Some(y), _, _) => x == y,
        (_, _, Some(x), Some(y)) => x == y,
        _ => a.as_f64() == b.as_f64(),
    }
}

/// Whether `after` keeps everything of `before` outside the `touched` region. A dropped array item at
/// `touched` is allowed (the array is one shorter); keys named [`UNKNOWN`] in `after` are allowed
/// (free-form content keeps them).
fn keeps(before: &Value, after: &Value, at: &mut Vec<Seg>, touched: &[Seg], problems: &mut Vec<String>) {
    if at.as_slice() == touched {
        return;
    }
    match (before, after) {
        (Value::Object(b), Value::Object(a)) => {
            for (k, bv) in b {
                at.push(Seg::Key(k.clone()));
                match a.get(k) {
                    Some(av) => keeps(bv, av, at, touched, problems),
                    None if at.as_slice() == touched => {}
                    None => problems.push(format!("{} was lost", show(at))),
                }
                at.pop();
            }
            for k in a.keys() {
                at.push(Seg::Key(k.clone()));
                if !b.contains_key(k) && k != UNKNOWN && at.as_slice() != touched {
                    problems.push(format!("{} appeared", show(at)));
                }
                at.pop();
            }
        }
        (Value::Array(b), Value::Array(a)) => {
            let dropped = match touched.split_last() {
                Some((Seg::Index(i), parent)) if parent == at.as_slice() && a.len() + 1 == b.len() => Some(*i),
                _ => None,
            };
            let kept: Vec<(usize, &Value)> = b.iter().enumerate().filter(|(i, _)| Some(*i) != dropped).collect();
            if kept.len() != a.len() {
                problems.push(format!("{}: {} items became {}", show(at), b.len(), a.len()));
                return;
            }
            for ((i, bv), av) in kept.into_iter().zip(a) {
                at.push(Seg::Index(i));
                keeps(bv, av, at, touched, problems);
                at.pop();
            }
        }
        (Value::Number(b), Value::Number(a)) if same_number(b, a) => {}
        (b, a) if b == a => {}
        (b, a) => problems.push(format!("{}: {} became {}", show(at), short(b), short(a))),
    }
}

fn short(v: &Value) -> String {
    let s = v.to_string();
    if s.len() > 60 { format!("{}...", &s[..s.char_indices().nth(57).map_or(s.len(), |(i, _)| i)]) } else { s }
}

/// The reply as the client decodes it, encoded back to JSON with its envelope.
fn decode(info: &CommandInfo, body: &Value, strict: bool) -> Result<(Value, Vec<Correction>), tim_rest::Error> {
    let d = info.codec.decode_reply(bytes::Bytes::from(body.to_string()), strict)?;
    let mut v = d.value.to_json().expect("typed values encode");
    if let (Value::Object(m), Value::Object(e)) = (&mut v, serde_json::to_value(&d.envelope).expect("envelope encodes")) {
        m.extend(e);
    }
    Ok((v, d.corrections))
}

#[derive(Default)]
struct Class {
    tried: usize,
    decoded: usize,
    kept: usize,
    strict_ok: usize,
    problems: Vec<String>,
}

impl Class {
    fn line(&self, name: &str) -> String {
        format!(
            "{name}: {} of {} mutated replies decode, {} keep every untouched field, strict mode right for {}",
            self.decoded, self.tried, self.kept, self.strict_ok
        )
    }
}

/// One mutated reply: decode it tolerantly and strictly and check the outcome.
fn check(info: &CommandInfo, label: &str, baseline: &Value, mutated: &Value, touched: &[Seg], class: &mut Class) {
    class.tried += 1;
    let (after, corrections) = match decode(info, mutated, false) {
        Ok(x) => x,
        Err(e) => {
            class.problems.push(format!("{label} at {}: does not decode: {e}", show(touched)));
            return;
        }
    };
    class.decoded += 1;
    same_as_correcting_pass(info, label, mutated, touched, &after, &corrections, class);
    let mut problems = Vec::new();
    keeps(baseline, &after, &mut Vec::new(), touched, &mut problems);
    if problems.is_empty() {
        class.kept += 1;
    } else {
        class.problems.push(format!("{label} at {}: {}", show(touched), problems.join("; ")));
    }
    // Strict mode: an error naming the first correction's path exactly when something was corrected.
    match (decode(info, mutated, true), corrections.first()) {
        (Ok((strict_value, _)), None) if strict_value == after => class.strict_ok += 1,
        (Err(tim_rest::Error::Decode { source, .. }), Some(first)) if source.to_string().contains(&first.path) => class.strict_ok += 1,
        (other, first) => class.problems.push(format!(
            "{label} at {}: strict mode gave {:?} with corrections {:?}",
            show(touched),
            other.map(|(v, _)| short(&v)),
            first
        )),
    }
}

/// The single tolerant pass must give what the correcting pass gives (parse to a value, correct,
/// decode): the same value, and the same corrections in the same order (or, past the first
/// `FULL_PATHS`, the same number of corrected values).
fn same_as_correcting_pass(
    info: &CommandInfo,
    label: &str,
    mutated: &Value,
    touched: &[Seg],
    after: &Value,
    corrections: &[Correction],
    class: &mut Class,
) {
    let reference = info.codec.decode_reply_correcting(bytes::Bytes::from(mutated.to_string()), false).map(|d| {
        let mut v = d.value.to_json().expect("typed values encode");
        if let (Value::Object(m), Value::Object(e)) = (&mut v, serde_json::to_value(&d.envelope).expect("envelope encodes")) {
            m.extend(e);
        }
        (v, d.corrections)
    });
    let total = |c: &[Correction]| c.iter().map(|c| c.count).sum::<usize>();
    match reference {
        Ok((v, c)) if v == *after && (c == corrections || (c.len() > tim_rest::drift::FULL_PATHS && total(&c) == total(corrections))) => {}
        Ok((v, c)) => class.problems.push(format!(
            "{label} at {}: the single pass differs from the correcting pass: {} vs {}; corrections {:?} vs {:?}",
            show(touched),
            short(after),
            short(&v),
            corrections.iter().map(ToString::to_string).collect::<Vec<_>>(),
            c.iter().map(ToString::to_string).collect::<Vec<_>>()
        )),
        Err(e) => class.problems.push(format!("{label} at {}: the correcting pass fails: {e}", show(touched))),
    }
}

fn success_examples() -> Vec<(&'static CommandInfo, String, Value)> {
    let mut out = Vec::new();
    for info in registry::commands() {
        for (i, ex) in info.examples.iter().enumerate() {
            let (Some(text), false) = (ex.response, ex.legacy) else { continue };
            let v: Value = serde_json::from_str(text).expect("examples are JSON (the generator checks)");
            let failed = v.get("ErrorCode").and_then(Value::as_i64).unwrap_or(0) != 0
                || v.get("ActionStatus").and_then(Value::as_str) == Some("FAIL");
            if !failed {
                out.push((info, format!("{}/{} example {i}", info.service, info.command), v));
            }
        }
    }
    out
}

#[test]
fn every_drifted_official_reply_decodes_and_keeps_what_was_not_touched() {
    let mut ints = Class::default();
    let mut removed = Class::default();
    let mut nulls = Class::default();
    let mut unknown = Class::default();
    let examples = success_examples();
    assert!(examples.len() > 100, "only {} success examples: is the registry complete?", examples.len());
    for (info, label, original) in &examples {
        let (baseline, corrections) =
            decode(info, original, true).unwrap_or_else(|e| panic!("{label}: the official example decodes strictly: {e}"));
        assert!(corrections.is_empty(), "{label}: strict decoding corrected nothing");
        let mut all = Vec::new();
        positions(original, &mut Vec::new(), &mut all);
        for (path, value) in &all {
            // 1. An integer as its decimal string.
            if let Value::Number(n) = value
                && (n.is_i64() || n.is_u64())
            {
                let mut m = original.clone();
                if let Some(slot) = get_mut(&mut m, path) {
                    *slot = Value::String(n.to_string());
                }
                check(info, label, &baseline, &m, path, &mut ints);
            }
            // 2. The key removed (object members only).
            if let Some((Seg::Key(k), parent)) = path.split_last() {
                let mut m = original.clone();
                if let Some(Value::Object(obj)) = get_mut(&mut m, parent) {
                    obj.remove(k);
                }
                check(info, label, &baseline, &m, &touched_by(original, path), &mut removed);
            }
            // 3. The value null.
            if !value.is_null() {
                let mut m = original.clone();
                if let Some(slot) = get_mut(&mut m, path) {
                    *slot = Value::Null;
                }
                check(info, label, &baseline, &m, &touched_by(original, path), &mut nulls);
            }
        }
        // 4. An unknown key in every object.
        let mut m = original.clone();
        add_unknown_everywhere(&mut m);
        check(info, label, &baseline, &m, &[Seg::Key(UNKNOWN.to_owned())], &mut unknown);
    }
    let lines = [
        ints.line("integer as its string"),
        removed.line("key removed"),
        nulls.line("value null"),
        unknown.line("unknown key in every object"),
    ];
    eprintln!("drift suite over {} official success replies:\n  {}", examples.len(), lines.join("\n  "));
    let mut problems: Vec<String> = Vec::new();
    for c in [&ints, &removed, &nulls, &unknown] {
        problems.extend(c.problems.iter().take(20).cloned());
        assert!(c.tried > 0);
    }
    assert!(problems.is_empty(), "{}\n{} problem(s), first ones:\n{}", lines.join("\n"), problems.len(), problems.join("\n"));
    for c in [&ints, &removed, &nulls, &unknown] {
        assert_eq!((c.decoded, c.kept, c.strict_ok), (c.tried, c.tried, c.tried));
    }
}

/// What a mutation at `path` may change: the value itself, or, for the tag or content of a tagged
/// union element (`{"MsgType": .., "MsgContent": ..}`), the whole element.
fn touched_by(original: &Value, path: &[Seg]) -> Vec<Seg> {
    if let Some((Seg::Key(k), parent)) = path.split_last()
        && (k == "MsgType" || k == "MsgContent")
    {
        let mut v = original.clone();
        if let Some(Value::Object(m)) = get_mut(&mut v, parent)
            && m.contains_key("MsgType")
            && m.contains_key("MsgContent")
        {
            return parent.to_vec();
        }
    }
    path.to_vec()
}

#[test]
fn older_pages_examples_decode_with_correction() {
    let mut seen = 0;
    for info in registry::commands() {
        for (i, ex) in info.examples.iter().enumerate() {
            let (Some(text), true) = (ex.response, ex.legacy) else { continue };
            let v: Value = serde_json::from_str(text).expect("JSON");
            if v.get("ErrorCode").and_then(Value::as_i64).unwrap_or(0) != 0 {
                continue;
            }
            let decoded = decode(info, &v, false).unwrap_or_else(|e| panic!("{}/{} legacy example {i}: {e}", info.service, info.command));
            // Nothing is lost but what the newer pages renamed or retyped: no value was dropped.
            let lossy: Vec<&Correction> = decoded.1.iter().filter(|c| c.kind.is_lossy()).collect();
            assert!(lossy.is_empty(), "{}/{} legacy example {i}: {lossy:?}", info.service, info.command);
            seen += 1;
        }
    }
    assert!(seen > 0, "the catalogue has legacy examples");
}

#[test]
fn corrections_name_the_path_and_never_the_value() {
    let info = registry::find("group_open_http_svc", "get_group_member_info").expect("catalogued");
    let body = serde_json::json!({
        "ActionStatus": "OK", "ErrorCode": 0, "MemberNum": "2",
        "MemberList": [
            {"Member_Account": "a", "JoinTime": 1},
            {"Member_Account": "b", "JoinTime": "1700000000", "Secret": "personal data"}
        ]
    });
    let (v, corrections) = decode(info, &body, false).expect("corrected");
    let shown: Vec<String> = corrections.iter().map(ToString::to_string).collect();
    assert_eq!(
        shown,
        vec![
            "MemberNum: string read as integer",
            "MemberList[1].Secret: unknown key ignored",
            "MemberList[1].JoinTime: string read as integer",
        ]
    );
    assert!(!format!("{corrections:?}").contains("personal data"));
    assert_eq!(v["MemberList"][1]["JoinTime"], 1_700_000_000u64);
    let strict = decode(info, &body, true).expect_err("strict");
    let strict = strict.to_string();
    assert!(
        strict.contains("MemberList[1].Secret: unknown key;")
            && strict.contains("MemberList[1].JoinTime: string where the catalogue has integer"),
        "{strict}"
    );
}

#[test]
fn each_kind_of_drift_is_corrected_as_documented() {
    let info = registry::find("openim", "sendmsg").expect("catalogued");
    let cases: [(&str, Value, Option<u64>, &str); 7] = [
        ("decimal string", serde_json::json!("1700000000"), Some(1_700_000_000), "MsgTime: string read as integer"),
        ("empty string", serde_json::json!(""), Some(0), "MsgTime: empty string; filled with the zero value"),
        ("null", Value::Null, Some(0), "MsgTime: null; filled with the zero value"),
        ("out of range", serde_json::json!(-1), Some(0), "MsgTime: integer out of range; filled with the zero value"),
        ("integral float", serde_json::json!(12.0), Some(12), "MsgTime: fractional number read as integer"),
        ("boolean", serde_json::json!(true), Some(1), "MsgTime: boolean read as integer"),
        ("object", serde_json::json!({"x": 1}), Some(0), "MsgTime: object where integer was expected; filled with the zero value"),
    ];
    for (what, value, want, message) in cases {
        let mut body = Map::new();
        body.insert("ActionStatus".into(), "OK".into());
        body.insert("ErrorCode".into(), 0.into());
        body.insert("MsgKey".into(), "k".into());
        body.insert("MsgTime".into(), value);
        let (v, corrections) = decode(info, &Value::Object(body), false).unwrap_or_else(|e| panic!("{what}: {e}"));
        assert_eq!(v["MsgTime"].as_u64(), want, "{what}");
        assert_eq!(corrections.iter().map(ToString::to_string).collect::<Vec<_>>(), vec![message.to_owned()], "{what}");
    }
    // A missing required field is filled; a string field accepts a number and keeps its text.
    let (v, c) = decode(info, &serde_json::json!({"ErrorCode": 0, "MsgKey": 123}), false).expect("decodes");
    assert_eq!((v["MsgTime"].as_u64(), v["MsgKey"].as_str()), (Some(0), Some("123")));
    let shown: Vec<String> = c.iter().map(ToString::to_string).collect();
    assert_eq!(shown, vec!["MsgTime: required field missing; filled with the zero value", "MsgKey: number read as string"]);
}

#[test]
fn only_a_body_that_is_not_a_json_object_fails_a_successful_reply() {
    let info = registry::find("openim", "sendmsg").expect("catalogued");
    for body in ["not json", "[1, 2]", "\"text\"", "12", "null", "{\"MsgTime\": 1"] {
        let err = info.codec.decode_reply(bytes::Bytes::from(body), false).err();
        assert!(matches!(err, Some(tim_rest::Error::Decode { .. })), "{body}: {err:?}");
    }
    for body in ["{}", "{\"a\": [1, {\"b\": null}]}", "{\"MsgBody\": \"x\", \"MsgTime\": [[]]}"] {
        assert!(info.codec.decode_reply(bytes::Bytes::from(body), false).is_ok(), "{body}");
    }
}

#[test]
fn the_keeps_check_catches_losses_and_allows_only_the_touched_region() {
    let before = serde_json::json!({"a": 1, "b": [{"x": 1}, {"x": 2}], "c": "s"});
    let mut p = Vec::new();
    keeps(
        &before,
        &serde_json::json!({"a": 1, "b": [{"x": 1}], "c": "s"}),
        &mut Vec::new(),
        &[Seg::Key("b".into()), Seg::Index(1)],
        &mut p,
    );
    assert!(p.is_empty(), "a dropped item at the touched index is allowed: {p:?}");
    keeps(
        &before,
        &serde_json::json!({"a": 1, "b": [{"x": 2}], "c": "s"}),
        &mut Vec::new(),
        &[Seg::Key("b".into()), Seg::Index(1)],
        &mut p,
    );
    assert_eq!(p, vec!["b[0].x: 1 became 2".to_owned()]);
    p.clear();
    keeps(&before, &serde_json::json!({"a": 2, "b": [{"x": 1}, {"x": 2}]}), &mut Vec::new(), &[Seg::Key("a".into())], &mut p);
    assert_eq!(p, vec!["c was lost".to_owned()]);
    p.clear();
    keeps(
        &before,
        &serde_json::json!({"a": 1, "b": [{"x": 1}, {"x": 2}], "c": "s", "d": 0}),
        &mut Vec::new(),
        &[Seg::Key("zz".into())],
        &mut p,
    );
    assert_eq!(p, vec!["d appeared".to_owned()]);
}

/// Every position of a key named `key`, as the path of its object.
fn objects_with(v: &Value, key: &str, at: &mut Vec<Seg>, out: &mut Vec<Vec<Seg>>) {
    match v {
        Value::Object(m) => {
            if m.contains_key(key) {
                out.push(at.clone());
            }
            for (k, x) in m {
                at.push(Seg::Key(k.clone()));
                objects_with(x, key, at, out);
                at.pop();
            }
        }
        Value::Array(items) => {
            for (i, x) in items.iter().enumerate() {
                at.push(Seg::Index(i));
                objects_with(x, key, at, out);
                at.pop();
            }
        }
        _ => {}
    }
}

#[test]
fn message_elements_without_their_tag_are_kept_whole_in_replies_and_events() {
    let (mut tried, mut problems) = (0, Vec::new());
    // REST replies: each message element in turn loses its `MsgType`.
    for (info, label, v) in success_examples() {
        let mut elements = Vec::new();
        objects_with(&v, "MsgType", &mut Vec::new(), &mut elements);
        for path in elements {
            let mut mutated = v.clone();
            if let Some(Value::Object(m)) = get_mut(&mut mutated, &path) {
                m.remove("MsgType");
            }
            tried += 1;
            match decode(info, &mutated, false) {
                Ok((after, _)) => keeps(&mutated, &after, &mut Vec::new(), &[], &mut problems),
                Err(e) => problems.push(format!("{label} at {}: {e}", show(&path))),
            }
        }
    }
    // Callback events likewise.
    for info in tim_rest::callbacks::registry() {
        for ex in info.examples.iter().filter(|e| !e.legacy) {
            let Some(text) = ex.event else { continue };
            let v: Value = serde_json::from_str(text).expect("JSON");
            let mut elements = Vec::new();
            objects_with(&v, "MsgType", &mut Vec::new(), &mut elements);
            for path in elements {
                let mut mutated = v.clone();
                if let Some(Value::Object(m)) = get_mut(&mut mutated, &path) {
                    m.remove("MsgType");
                }
                tried += 1;
                let decoded =
                    <tim_rest::callbacks::Event as tim_rest::callbacks::EventSet>::decode(info.command, mutated.to_string().as_bytes());
                match decoded.map(|r| r.map(|(e, _)| e.to_json())) {
                    Some(Ok(Ok(after))) => keeps(&mutated, &after, &mut Vec::new(), &[], &mut problems),
                    other => problems.push(format!("{} at {}: {other:?}", info.command, show(&path))),
                }
            }
        }
    }
    assert!(tried >= 20, "message elements tried: {tried}");
    assert!(problems.is_empty(), "{} of {tried} elements lost something:\n{}", problems.len(), problems.join("\n"));
}

/// A 100-member reply in which every `JoinTime` is a string (a server that changed the type): every
/// value is read; the first `FULL_PATHS` corrections carry their own path, the rest one grouped entry
/// with its count; a clean reply after it has no corrections; strict mode still refuses the drifted one.
#[test]
fn systematic_drift_is_read_whole_and_reported_in_groups() {
    use tim_rest::drift::{FULL_PATHS, Kind};
    use tim_rest::group_open_http_svc::GetGroupMemberInfoResponse;
    let body = |as_string: bool| {
        let members: Vec<Value> = (0..100u64)
            .map(|i| {
                let t = 1_425_976_500 + i;
                let join = if as_string { Value::from(t.to_string()) } else { Value::from(t) };
                serde_json::json!({"Member_Account": format!("m{i}"), "Role": "Member", "JoinTime": join})
            })
            .collect();
        bytes::Bytes::from(serde_json::json!({"ActionStatus": "OK", "ErrorCode": 0, "MemberNum": 100, "MemberList": members}).to_string())
    };
    const EP: &str = "group_open_http_svc/get_group_member_info";
    let d = tim_rest::envelope::decode::<GetGroupMemberInfoResponse>(EP, 200, body(true), false).expect("drifted reply decodes");
    let times: Vec<Option<u64>> = d.value.member_list.iter().map(|m| m.join_time).collect();
    assert_eq!(times, (0..100u64).map(|i| Some(1_425_976_500 + i)).collect::<Vec<_>>());
    assert_eq!(d.corrections.len(), FULL_PATHS + 1);
    for (i, c) in d.corrections.iter().take(FULL_PATHS).enumerate() {
        assert_eq!((c.path.as_str(), c.count), (format!("MemberList[{i}].JoinTime").as_str(), 1));
        assert!(matches!(c.kind, Kind::Coerced { to: "integer", .. }), "{c}");
    }
    let last = d.corrections.last().expect("grouped entry");
    assert_eq!((last.path.as_str(), last.count), ("MemberList[*].JoinTime", 100 - FULL_PATHS));
    assert!(last.to_string().contains(&format!("({} times)", 100 - FULL_PATHS)), "{last}");

    let clean = tim_rest::envelope::decode::<GetGroupMemberInfoResponse>(EP, 200, body(false), false).expect("clean reply decodes");
    assert!(clean.corrections.is_empty(), "{:?}", clean.corrections);
    assert_eq!(clean.value.member_list.len(), 100);
    match tim_rest::envelope::decode::<GetGroupMemberInfoResponse>(EP, 200, body(true), true) {
        Err(tim_rest::Error::Decode { source, .. }) => assert!(source.to_string().contains("MemberList[0].JoinTime"), "{source}"),
        other => panic!("strict mode accepted a drifted reply: {:?}", other.map(|d| d.corrections)),
    }
}
