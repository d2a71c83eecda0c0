//! Objects read whole in the tolerant pass (`ObjectShape::whole`): the generated code's lenient integer
//! fields (`drift::lenient`) convert what drifted, at strict speed; anything else they meet is read
//! again with the adapter. Each test has its own types: what drifted is remembered per type.

use super::direct_tests::{decode, paths};

/// A list of members as the generator writes them: `Account` a required string, `Join` (type 1,
/// field 1) an optional lenient integer, `Seq` (field 2) a required one, `Role` an object of type 2
/// whose `Level` (field 0) is lenient too.
macro_rules! types {
    () => {
        #[derive(Debug, PartialEq, serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Role {
            #[serde(rename = "Level", default, deserialize_with = "crate::drift::lenient::opt::<128, u32, _>")]
            level: Option<u32>,
        }
        #[derive(Debug, PartialEq, serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Member {
            #[serde(rename = "Account")]
            account: String,
            #[serde(rename = "Join", alias = "JoinTime", default, deserialize_with = "crate::drift::lenient::opt::<65, u64, _>")]
            join: Option<u64>,
            #[serde(rename = "Seq", deserialize_with = "crate::drift::lenient::req::<66, i32, _>")]
            seq: i32,
            #[serde(rename = "Role", default)]
            role: Option<Role>,
        }
        #[derive(Debug, PartialEq, serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        struct List {
            #[serde(rename = "Members", default)]
            members: Vec<Member>,
        }
        static ROLE: ObjectShape = ObjectShape::new("Role", &[FieldShape::new("Level", &[], Shape::U32, false)]).lenient(2, 0b1);
        static MEMBER: ObjectShape = ObjectShape::new(
            "Member",
            &[
                FieldShape::new("Account", &[], Shape::Str, true),
                FieldShape::new("Join", &["JoinTime"], Shape::U64, false),
                FieldShape::new("Seq", &[], Shape::I32, true),
                FieldShape::new("Role", &[], Shape::Object(&ROLE), false),
            ],
        )
        .lenient(1, 0b110);
        static MEMBERS: Shape = Shape::Object(&MEMBER);
        static LIST: ObjectShape = ObjectShape::new("List", &[FieldShape::new("Members", &[], Shape::Array(&MEMBERS), true)]);
        impl Schema for List {
            fn shape() -> &'static ObjectShape {
                &LIST
            }
        }
    };
}

fn list(members: &[&str]) -> String {
    format!(r#"{{"Members":[{}]}}"#, members.join(","))
}

#[test]
fn a_type_that_drifted_only_by_conversions_of_lenient_fields_is_read_whole_in_one_pass() {
    use super::super::{FieldShape, ObjectShape, Schema, Shape};
    types!();
    let every: Vec<String> = (0..40).map(|i| format!(r#"{{"Account":"m{i}","Join":"{}","Seq":{i}}}"#, 100 + i)).collect();
    let every: Vec<&str> = every.iter().map(String::as_str).collect();
    // The first drift: the strict pass fails, the tolerant pass reads the reply and remembers the field.
    let (_, first, passes) = decode::<List>(&list(&every));
    assert_eq!(passes, 1);
    assert!(MEMBER.whole(), "only a lenient field drifted, by a conversion");
    // From then on each member is read whole by the derived code: the same value and the same
    // corrections (full paths, then one group) as the correcting pass, in one pass.
    let (v, c, passes) = decode::<List>(&list(&every));
    assert_eq!((passes, &c), (1, &first));
    assert_eq!(v.members.iter().map(|m| m.join).collect::<Vec<_>>(), (100..140).map(Some).collect::<Vec<_>>());
    assert_eq!(paths(&c[..2]), ["Members[0].Join string read as integer", "Members[1].Join string read as integer"]);
    assert_eq!((c.last().map(|c| (c.path.as_str(), c.count))), Some(("Members[*].Join", 40 - super::super::FULL_PATHS)));
    // Clean members, keys in any order, an alias, a bool and an integral float for an integer, a
    // negative number as its string for a signed field: all in the one pass.
    let (v, c, passes) = decode::<List>(&list(&[
        r#"{"Seq":1,"Account":"a","Join":5}"#,
        r#"{"Account":"b","JoinTime":"6","Seq":"-2"}"#,
        r#"{"Account":"c","Join":7.0,"Seq":true,"Role":{"Level":3}}"#,
        r#"{"Account":"d","Join":null,"Seq":4}"#,
    ]));
    assert_eq!(passes, 1);
    assert_eq!(
        paths(&c),
        [
            "Members[1].Join string read as integer",
            "Members[1].Seq string read as integer",
            "Members[2].Join fractional number read as integer",
            "Members[2].Seq boolean read as integer"
        ]
    );
    assert_eq!(v.members.iter().map(|m| (m.join, m.seq)).collect::<Vec<_>>(), [(Some(5), 1), (Some(6), -2), (Some(7), 1), (None, 4)]);
    assert_eq!(v.members[2].role, Some(Role { level: Some(3) }));
    // An unknown key in a member read whole: the derived code refuses it, the reply is read again with
    // the adapter, and the type is no longer read whole.
    let (_, c, passes) = decode::<List>(&list(&[r#"{"Account":"a","Join":"1","Seq":1,"Extra":[2]}"#]));
    assert_eq!(passes, 2);
    assert_eq!(paths(&c), ["Members[0].Extra unknown key ignored", "Members[0].Join string read as integer"]);
    assert!(!MEMBER.whole());
}

#[test]
fn what_a_lenient_field_cannot_absorb_is_read_again_and_remembered() {
    use super::super::{FieldShape, ObjectShape, Schema, Shape};
    types!();
    let _ = decode::<List>(&list(&[r#"{"Account":"a","Join":"1","Seq":1}"#]));
    assert!(MEMBER.whole());
    // A required lenient field `null`, and an optional one unusable: the object read whole fails, the
    // reply is read again with the adapter, and the type is no longer read whole.
    let body = list(&[r#"{"Account":"a","Join":"1","Seq":null}"#, r#"{"Account":"b","Join":"x","Seq":2}"#]);
    let (v, c, passes) = decode::<List>(&body);
    assert_eq!(passes, 2);
    assert_eq!(
        paths(&c),
        [
            "Members[0].Join string read as integer",
            "Members[0].Seq null; filled with the zero value",
            "Members[1].Join string where integer was expected; read as absent"
        ]
    );
    assert_eq!(v.members.iter().map(|m| (m.join, m.seq)).collect::<Vec<_>>(), [(Some(1), 0), (None, 2)]);
    assert!(!MEMBER.whole());
    let (_, c2, passes) = decode::<List>(&body);
    assert_eq!((passes, c2), (1, c));
    // An unknown key and a value out of range are read again the same way.
    let (_, c, passes) = decode::<List>(&list(&[r#"{"Account":"a","Seq":4294967296,"Extra":1}"#]));
    assert_eq!(passes, 2);
    assert_eq!(paths(&c), ["Members[0].Extra unknown key ignored", "Members[0].Seq integer out of range; filled with the zero value"]);
}

#[test]
fn a_lenient_field_of_an_object_nested_in_one_read_whole_stays_strict() {
    use super::super::{FieldShape, ObjectShape, Schema, Shape};
    types!();
    let _ = decode::<List>(&list(&[r#"{"Account":"a","Join":"1","Seq":1,"Role":{"Level":1}}"#]));
    assert!(MEMBER.whole() && ROLE.inner_clean());
    // `Level` belongs to `Role`, not to the member read whole: it does not convert under the member's
    // name; the reply is read again, and the correction lands at its own path.
    let (v, c, passes) = decode::<List>(&list(&[r#"{"Account":"a","Join":"1","Seq":1,"Role":{"Level":"9"}}"#]));
    assert_eq!(passes, 2);
    assert_eq!(paths(&c), ["Members[0].Join string read as integer", "Members[0].Role.Level string read as integer"]);
    assert_eq!(v.members[0].role, Some(Role { level: Some(9) }));
}

#[test]
fn lenient_fields_are_as_strict_as_serde_outside_the_tolerant_pass() {
    #[derive(Debug, PartialEq, serde::Deserialize)]
    struct Lenient {
        #[serde(rename = "A", deserialize_with = "crate::drift::lenient::req::<64, u32, _>")]
        a: u32,
        #[serde(rename = "B", default, deserialize_with = "crate::drift::lenient::opt::<65, i64, _>")]
        b: Option<i64>,
    }
    #[derive(Debug, PartialEq, serde::Deserialize)]
    struct Plain {
        #[serde(rename = "A")]
        a: u32,
        #[serde(rename = "B", default)]
        b: Option<i64>,
    }
    let mut errors = 0;
    for body in [
        r#"{"A":1,"B":-2}"#,
        r#"{"A":1,"B":null}"#,
        r#"{"A":1}"#,
        r#"{"A":"1"}"#,
        r#"{"A":1,"B":"2"}"#,
        r#"{"A":-1}"#,
        r#"{"A":4294967296}"#,
        r#"{"A":1.0}"#,
        r#"{"A":true}"#,
        r#"{"A":null}"#,
        r#"{"A":{"x":1}}"#,
        r#"{"A":[1]}"#,
        r#"{"A":1,"B":9223372036854775808}"#,
        r#"{"B":1}"#,
    ] {
        let lenient = serde_json::from_str::<Lenient>(body).map(|l| (l.a, l.b)).map_err(|e| e.to_string());
        let plain = serde_json::from_str::<Plain>(body).map(|p| (p.a, p.b)).map_err(|e| e.to_string());
        // The message is serde's own; where in the body it points may differ (a string is read whole
        // before it is refused).
        let message = |r: &Result<(u32, Option<i64>), String>| r.clone().map_err(|e| e.split(" at line").next().unwrap_or("").to_owned());
        assert_eq!(message(&lenient), message(&plain), "{body}");
        errors += usize::from(plain.is_err());
    }
    assert_eq!(errors, 11);
}
