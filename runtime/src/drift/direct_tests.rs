//! The tolerant pass in an object with drifted fields (`Fields::direct`): the keys go to the derived
//! code, the drifted fields' values through the adapter, the other values to the strict code. Each
//! test has its own types: what drifted is remembered per type.

use super::super::{Correction, Document, Kind, decode_framed};
use super::PASSES;

/// Decodes `body` as the client does and as the correcting pass alone does: both give the same value
/// and the same corrections. Returns them with how many tolerant passes the client's decoding took.
pub(super) fn decode<T>(body: &str) -> (T, Vec<Correction>, u32)
where
    T: serde::de::DeserializeOwned + super::super::Schema + PartialEq + std::fmt::Debug,
{
    let before = PASSES.with(std::cell::Cell::get);
    let (value, (), corrections) = decode_framed::<T, Document>(body.as_bytes(), &Document, false, false).unwrap();
    let passes = PASSES.with(std::cell::Cell::get) - before;
    let (reference, (), expected) = decode_framed::<T, Document>(body.as_bytes(), &Document, false, true).unwrap();
    assert_eq!(value, reference, "{body}");
    assert_eq!(corrections, expected, "{body}");
    (value, corrections, passes)
}

pub(super) fn paths(c: &[Correction]) -> Vec<String> {
    c.iter().map(|c| format!("{} {}", c.path, c.kind)).collect()
}

/// A list of members: `Account` and `Seq` required, `Join`, `Mute` (alias `ShutUp`) and `Card`
/// optional, `Tags` a required list.
macro_rules! types {
    () => {
        #[derive(Debug, PartialEq, serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Member {
            #[serde(rename = "Account")]
            account: String,
            #[serde(rename = "Join", default)]
            join: Option<u64>,
            #[serde(rename = "Seq")]
            seq: u64,
            #[serde(rename = "Mute", alias = "ShutUp", default)]
            mute: Option<u64>,
            #[serde(rename = "Card", default)]
            card: Option<String>,
            #[serde(rename = "Tags", default)]
            tags: Vec<String>,
        }
        #[derive(Debug, PartialEq, serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        struct List {
            #[serde(rename = "Num")]
            num: u32,
            #[serde(rename = "Members", default)]
            members: Vec<Member>,
        }
        static MEMBER: ObjectShape = ObjectShape::new(
            "Member",
            &[
                FieldShape::new("Account", &[], Shape::Str, true),
                FieldShape::new("Join", &[], Shape::U64, false),
                FieldShape::new("Seq", &[], Shape::U64, true),
                FieldShape::new("Mute", &["ShutUp"], Shape::U64, false),
                FieldShape::new("Card", &[], Shape::Str, false),
                FieldShape::new("Tags", &[], Shape::Array(&Shape::Str), true),
            ],
        );
        static MEMBERS: Shape = Shape::Object(&MEMBER);
        static LIST: ObjectShape = ObjectShape::new(
            "List",
            &[FieldShape::new("Num", &[], Shape::U32, true), FieldShape::new("Members", &[], Shape::Array(&MEMBERS), true)],
        );
        impl Schema for List {
            fn shape() -> &'static ObjectShape {
                &LIST
            }
        }
    };
}

fn list(members: &[&str]) -> String {
    format!(r#"{{"Num":{},"Members":[{}]}}"#, members.len(), members.join(","))
}

#[test]
fn a_drifted_field_is_corrected_while_the_other_fields_of_its_objects_are_read_strictly() {
    use super::super::{FieldShape, ObjectShape, Schema, Shape};
    types!();
    // The first drift: read again by the tolerant pass, which remembers the field.
    let (_, c, _) =
        decode::<List>(&list(&[r#"{"Account":"a","Join":"100","Seq":1,"Tags":["x"]}"#, r#"{"Account":"b","Join":101,"Seq":2,"Tags":[]}"#]));
    assert_eq!(paths(&c), ["Members[0].Join string read as integer"]);
    assert!(!MEMBER.field_clean(1) && MEMBER.field_clean(2) && MEMBER.keys_clean());
    // From then on: one pass, keys handed on, in any order from one item to the next; clean values
    // (and a clean value sent under an alias) read strictly, the drifted ones corrected.
    let (v, c, passes) = decode::<List>(&list(&[
        r#"{"Account":"a","Join":"100","Seq":1,"Tags":["x"]}"#,
        r#"{"Seq":2,"Card":"c","Join":101,"Account":"b","Tags":[]}"#,
        r#"{"Join":"102","ShutUp":5,"Tags":["y","z"],"Seq":3,"Account":"c"}"#,
        r#"{"Account":"d","Seq":4}"#,
    ]));
    assert_eq!(passes, 1);
    assert_eq!(paths(&c), ["Members[0].Join string read as integer", "Members[2].Join string read as integer"]);
    assert_eq!(v.members.iter().map(|m| m.join).collect::<Vec<_>>(), [Some(100), Some(101), Some(102), None]);
    assert_eq!((v.members[1].card.as_deref(), v.members[2].mute, v.members[2].tags.len()), (Some("c"), Some(5), 2));
    // Drift in a field that never drifted: the strict read of it fails, the reply is read again and the
    // field joins the drifted ones.
    let (v, c, passes) = decode::<List>(&list(&[r#"{"Account":"a","Join":"100","Seq":"7","Tags":[]}"#]));
    assert_eq!(passes, 2);
    assert_eq!(paths(&c), ["Members[0].Join string read as integer", "Members[0].Seq string read as integer"]);
    assert_eq!(v.members[0].seq, 7);
    assert!(!MEMBER.field_clean(2));
    let (_, c, passes) = decode::<List>(&list(&[r#"{"Seq":"8","Account":"a","Join":null}"#]));
    assert_eq!(passes, 1);
    assert_eq!(paths(&c), ["Members[0].Seq string read as integer"]);
}

#[test]
fn an_unknown_key_next_to_a_drifted_field_is_found_and_remembered() {
    use super::super::{FieldShape, ObjectShape, Schema, Shape};
    types!();
    let drifted = r#"{"Account":"a","Join":"100","Seq":1}"#;
    let _ = decode::<List>(&list(&[drifted]));
    let (_, _, passes) = decode::<List>(&list(&[drifted]));
    assert_eq!(passes, 1);
    // An unknown key in an object read with its keys handed on: the derived code refuses it, the reply
    // is read again, the key is reported where it is.
    let body = list(&[drifted, r#"{"Account":"b","Join":"101","Extra":{"x":[1]},"Seq":2}"#]);
    let (v, c, passes) = decode::<List>(&body);
    assert_eq!(passes, 2);
    assert_eq!(
        paths(&c),
        ["Members[0].Join string read as integer", "Members[1].Extra unknown key ignored", "Members[1].Join string read as integer"]
    );
    assert_eq!((v.members[1].join, v.members[1].seq), (Some(101), 2));
    assert!(!MEMBER.keys_clean());
    // The type is remembered: its keys are looked up again, in one pass.
    let (_, c2, passes) = decode::<List>(&body);
    assert_eq!((passes, c2), (1, c));
}

#[test]
fn required_fields_left_out_get_their_zero_value_when_keys_are_handed_on() {
    use super::super::{FieldShape, ObjectShape, Schema, Shape};
    types!();
    let _ = decode::<List>(&list(&[r#"{"Account":"a","Join":"100","Seq":1}"#]));
    // A required field that never drifted, left out: read again, filled, remembered.
    let (v, c, passes) = decode::<List>(&list(&[r#"{"Join":"100","Seq":1}"#]));
    assert_eq!(passes, 2);
    assert_eq!(
        paths(&c),
        ["Members[0].Account required field missing; filled with the zero value", "Members[0].Join string read as integer"]
    );
    assert_eq!(v.members[0].account, "");
    // Now a drifted field: filled in the one pass, wherever it is missing, `null` or unusable.
    let (v, c, passes) = decode::<List>(&list(&[r#"{"Seq":1,"Join":"100"}"#, r#"{"Account":"b","Seq":2}"#, r#"{"Account":null,"Seq":3}"#]));
    assert_eq!(passes, 1);
    assert_eq!(
        paths(&c),
        [
            "Members[0].Account required field missing; filled with the zero value",
            "Members[0].Join string read as integer",
            "Members[2].Account null; filled with the zero value"
        ]
    );
    assert_eq!(v.members.iter().map(|m| m.account.as_str()).collect::<Vec<_>>(), ["", "b", ""]);
}

#[test]
fn a_field_sent_under_its_key_and_its_alias_takes_the_correcting_pass() {
    use super::super::{FieldShape, ObjectShape, Schema, Shape};
    types!();
    let _ = decode::<List>(&list(&[r#"{"Account":"a","Mute":"5","Seq":1}"#]));
    assert!(!MEMBER.field_clean(3));
    // The drifted field under both keys, in either order.
    for member in [r#"{"Account":"a","ShutUp":4,"Mute":"5","Seq":1}"#, r#"{"Account":"a","Mute":"5","ShutUp":"4","Seq":1}"#] {
        let (v, c, _) = decode::<List>(&list(&[member]));
        assert_eq!(v.members[0].mute, Some(5), "{member}");
        assert!(c.iter().any(|c| c.path == "Members[0].ShutUp" && c.kind == Kind::AliasIgnored), "{member}: {c:?}");
    }
    // A clean field sent twice: the derived code refuses it, and the reply takes the correcting pass,
    // which keeps the last value as it always did.
    let (v, _, passes) = decode::<List>(&list(&[r#"{"Account":"a","Account":"b","Seq":1}"#]));
    assert_eq!((v.members[0].account.as_str(), passes), ("b", 2));
}
