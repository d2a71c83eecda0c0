//! A broken catalogue is reported, not a panic: every problem names the file, the line and what is
//! wrong.

use codegen::load::{Source, load_sources};

const ERRORS: &str = "codes:\n  60007:\n    name: rate_limited\n    family: common\n    class: retry\n    zh: x\n    en: y\n";

fn service(body: &str) -> Vec<Source> {
    vec![
        Source { rel: "errors.yaml".into(), shown: "spec/errors.yaml".into(), text: ERRORS.into() },
        Source { rel: "services/svc.yaml".into(), shown: "spec/services/svc.yaml".into(), text: body.into() },
    ]
}

const HEAD: &str = "service: svc\ntitle: { zh: 服务, en: Service }\ncommands:\n";

fn cmd(extra_request: &str, rest: &str) -> String {
    format!(
        "{HEAD}  getthing:\n    title: {{ zh: 拉取, en: Get }}\n    doc: https://cloud.tencent.com/document/product/269/1\n    retry: safe\n    request:\n      A: string\n{extra_request}    response: {{}}\n{rest}"
    )
}

/// Loads and returns the diagnostics as `file:line: message` lines.
fn problems(sources: &[Source]) -> Vec<String> {
    match load_sources(sources) {
        Ok(_) => Vec::new(),
        Err(d) => d.0.iter().map(ToString::to_string).collect(),
    }
}

fn assert_one(sources: &[Source], file_line: &str, needle: &str) {
    let p = problems(sources);
    assert!(p.iter().any(|x| x.starts_with(file_line) && x.contains(needle)), "expected `{file_line}` … `{needle}`, got {p:#?}");
}

#[test]
fn a_valid_minimal_catalogue_loads() {
    assert_eq!(problems(&service(&cmd("", ""))), Vec::<String>::new());
}

#[test]
fn unknown_key() {
    let text = cmd("", "    colour: red\n");
    assert_one(&service(&text), "spec/services/svc.yaml:11:", "unknown field `colour`");
}

#[test]
fn unknown_type() {
    assert_one(&service(&cmd("      B: Widget?\n", "")), "spec/services/svc.yaml:10:", "unknown type `Widget`");
}

#[test]
fn bad_type_expression() {
    assert_one(&service(&cmd("      B: uint64\n", "")), "spec/services/svc.yaml:10:", "`uint64` is not a type");
}

#[test]
fn duplicate_command() {
    let text = format!("{}  getthing:\n    title: {{ zh: a, en: b }}\n", cmd("", ""));
    assert_one(&service(&text), "spec/services/svc.yaml:", "duplicate key `getthing`");
}

#[test]
fn bad_identifier() {
    let text = cmd("", "").replace("    retry: safe\n", "    name: Get-Thing\n    retry: safe\n");
    assert_one(&service(&text), "spec/services/svc.yaml:7:", "function name `Get-Thing`");
}

#[test]
fn dangling_reference_in_a_shared_type() {
    let mut s = service(&cmd("", ""));
    s.push(Source {
        rel: "types/t.yaml".into(),
        shown: "spec/types/t.yaml".into(),
        text: "types:\n  Foo:\n    fields:\n      Bar: Baz\n".into(),
    });
    assert_one(&s, "spec/types/t.yaml:4:", "unknown type `Baz`");
}

#[test]
fn example_that_does_not_fit() {
    let rest = "    examples:\n      - request: |\n          {\"A\": 1, \"Z\": true}\n";
    let p = problems(&service(&cmd("", rest)));
    assert!(
        p.iter().any(|x| x.starts_with("spec/services/svc.yaml:12:") && x.contains("at $.A: expected string, found a number")),
        "{p:#?}"
    );
    assert!(p.iter().any(|x| x.contains("key `Z` is not a field")), "{p:#?}");
}

#[test]
fn example_that_is_not_json() {
    let rest = "    examples:\n      - request: |\n          {\"A\": \"x\",}\n";
    // The JSON text starts on line 13; its error is on its line 1.
    assert_one(&service(&cmd("", rest)), "spec/services/svc.yaml:13:", "not valid JSON");
}

#[test]
fn missing_required_field_in_a_request_example() {
    let rest = "    examples:\n      - request: |\n          {}\n";
    assert_one(&service(&cmd("", rest)), "spec/services/svc.yaml:12:", "required field `A`");
}

#[test]
fn envelope_keys_are_not_payload() {
    let text = cmd("", "").replace("    response: {}\n", "    response:\n      ErrorCode: i64\n");
    assert_one(&service(&text), "spec/services/svc.yaml:11:", "envelope key");
}

#[test]
fn inline_type_name_collision() {
    let extra =
        "      X: { type: object?, name: Same, fields: { A: string } }\n      Y: { type: object?, name: Same, fields: { B: string } }\n";
    assert_one(&service(&cmd(extra, "")), "spec/services/svc.yaml:11:", "type name `Same` is already defined");
}

#[test]
fn two_wire_keys_one_rust_name() {
    assert_one(&service(&cmd("      a: string?\n", "")), "spec/services/svc.yaml:10:", "both map to Rust name `a`");
}

#[test]
fn bad_retry_and_dedupe_field() {
    let text = cmd("", "").replace("retry: safe", "retry: dedupe(Nope)");
    assert_one(&service(&text), "spec/services/svc.yaml:", "dedupe field `Nope` is not a request field");
}

#[test]
fn service_in_the_wrong_file() {
    let text = cmd("", "").replace("service: svc", "service: other");
    assert_one(&service(&text), "spec/services/svc.yaml:1:", "must live in `services/other.yaml`");
}

#[test]
fn yaml_syntax_error_has_line_and_column() {
    let text = format!("{HEAD}  getthing: [unclosed\n");
    let p = problems(&service(&text));
    assert!(p.iter().any(|x| x.starts_with("spec/services/svc.yaml:4:")), "{p:#?}");
}

#[test]
fn bad_error_class() {
    let mut s = service(&cmd("", ""));
    s[0].text = ERRORS.replace("class: retry", "class: maybe");
    assert_one(&s, "spec/errors.yaml:2:", "class `maybe`");
}

#[test]
fn every_problem_is_reported_in_one_run() {
    let text = cmd("      B: Widget\n      C: uint8\n", "    colourless: 1\n");
    // The unknown key stops that file's YAML load; fix it and the two type problems show together.
    assert_eq!(problems(&service(&text)).len(), 1);
    let text = cmd("      B: Widget\n      C: uint8\n", "");
    assert_eq!(problems(&service(&text)).len(), 2);
}

#[test]
fn a_gap_that_is_catalogued_is_an_error() {
    let mut s = service(&cmd("", ""));
    s.push(Source {
        rel: "gaps.yaml".into(),
        shown: "spec/gaps.yaml".into(),
        text: "gaps:\n  - service: svc\n    command: other\n    reason: no page\n  - service: svc\n    command: getthing\n    reason: no page\n".into(),
    });
    assert_one(&s, "spec/gaps.yaml:5:", "`svc/getthing` is in the catalogue");
    let ok = problems(&s[..2]);
    assert!(ok.is_empty(), "{ok:?}");
}

#[test]
fn an_alias_that_clashes_with_another_key() {
    let text = cmd("      B: { type: string?, aliases: [A] }\n", "");
    assert_one(&service(&text), "spec/services/svc.yaml:10:", "alias `A` is the key of another field of this object");
    let text = cmd("      B: { type: string?, aliases: [B] }\n", "");
    assert_one(&service(&text), "spec/services/svc.yaml:10:", "alias `B` repeats the field's own key");
    let text = cmd("      B: { type: string?, aliases: [X] }\n      C: { type: string?, aliases: [X] }\n", "");
    assert_one(&service(&text), "spec/services/svc.yaml:11:", "alias `X` is also an alias of `B`");
}

#[test]
fn an_example_that_uses_an_alias_key() {
    let text = format!(
        "{HEAD}  getthing:\n    title: {{ zh: 拉取, en: Get }}\n    doc: https://cloud.tencent.com/document/product/269/1\n    retry: safe\n    request: {{}}\n    response:\n      Status: {{ type: string, aliases: [State] }}\n    examples:\n      - response: |\n          {{\"ActionStatus\": \"OK\", \"ErrorCode\": 0, \"State\": \"x\"}}\n"
    );
    let p = problems(&service(&text));
    assert!(p.iter().any(|x| x.contains("key `State` is an alias of `Status`; examples use the field's own key")), "{p:#?}");
}

#[test]
fn a_required_event_field_that_an_official_example_lacks_is_reported_now_but_not_in_older_revisions() {
    let cb = "group: cb\ntitle: { zh: 回调, en: Callbacks }\ncallbacks:\n  Cb.CallbackAfter:\n    title: { zh: 之后, en: After }\n    doc: https://cloud.tencent.com/document/product/269/10\n    when: after\n    event:\n      CallbackCommand: string\n      EventTime: u64\n    examples:\n      - event: |\n          {\"CallbackCommand\": \"Cb.CallbackAfter\"}\n        legacy: true\n        note: From an older page.\n";
    let mut sources = service(&cmd("", ""));
    sources.push(Source { rel: "callbacks/cb.yaml".into(), shown: "spec/callbacks/cb.yaml".into(), text: cb.into() });
    assert_one(&sources, "spec/callbacks/cb.yaml:", "`$.EventTime` is required in `CbAfterEvent` but this official example lacks it");
    // The spec diff reads older revisions, written before the rule, without it.
    assert!(codegen::load::load_sources_with(&sources, codegen::load::Rules::HISTORICAL).is_ok());
}

#[test]
fn a_misspelt_type_is_one_error_with_the_closest_names() {
    let types = "types:\n  MsgElement:\n    fields:\n      A: string\n  MsgElements:\n    fields:\n      A: string\n";
    let rest = "    examples:\n      - request: |\n          {\"A\": \"x\", \"B\": [{\"A\": \"y\"}]}\n";
    let mut s = service(&cmd("      B: \"[MsgElemnt]\"\n", rest));
    s.push(Source { rel: "types/t.yaml".into(), shown: "spec/types/t.yaml".into(), text: types.into() });
    let p = problems(&s);
    // Not a second error for the example that carries the field.
    assert_eq!(p, ["spec/services/svc.yaml:10: unknown type `MsgElemnt`; did you mean `MsgElement` or `MsgElements`?"]);
    // A scalar spelt with a capital, and a scalar spelt wrong.
    assert_one(&service(&cmd("      B: String?\n", "")), "spec/services/svc.yaml:10:", "unknown type `String`; did you mean `string`?");
    assert_one(&service(&cmd("      B: strng\n", "")), "spec/services/svc.yaml:10:", "`strng` is not a type (did you mean `string`?)");
    // Nothing close: no guess.
    assert_one(&service(&cmd("      B: Widget\n", "")), "spec/services/svc.yaml:10:", "unknown type `Widget`");
    assert!(!problems(&service(&cmd("      B: Widget\n", ""))).iter().any(|x| x.contains("did you mean")));
}

#[test]
fn an_unquoted_question_mark_in_a_flow_mapping_names_the_line_and_the_fix() {
    // serde_yaml reads it; PyYAML (and `.ci/check_yaml.py`) cannot. Quoted, or in block style, it is fine.
    let text = cmd("      B: { type: u32?, doc: Count. }\n", "");
    let p = problems(&service(&text));
    assert_eq!(
        p,
        ["spec/services/svc.yaml:10:18: `u32?` must be quoted inside `{ }` or `[ ]`: YAML 1.1 parsers such as PyYAML \
             end an unquoted scalar at `?` there and cannot read the file; write \"u32?\""]
    );
    assert!(problems(&service(&cmd("      B: { type: \"u32?\", doc: Count. }\n      C:\n        type: u32?\n", ""))).is_empty());
    // Older revisions, read by the spec diff, are not held to it.
    assert!(codegen::load::load_sources_with(&service(&text), codegen::load::Rules::HISTORICAL).is_ok());
}

#[test]
fn a_yaml_1_1_boolean_is_reported() {
    let text = cmd("", "").replace("title: { zh: 拉取, en: Get }", "title: { zh: 拉取, en: On }");
    assert_one(&service(&text), "spec/services/svc.yaml:5:", "`On` is read as text by serde_yaml (YAML 1.2) but as the boolean true");
}

/// Commands and callbacks are registered by one routine: the same file, module and name rules hold for
/// callback groups, with their own words.
#[test]
fn callback_groups_follow_the_registration_rules_of_services() {
    let group = |name: &str, command: &str| {
        format!(
            "group: {name}\ntitle: {{ zh: 回调, en: Callbacks }}\ncallbacks:\n  {command}:\n    title: {{ zh: 之后, en: After }}\n    doc: https://cloud.tencent.com/document/product/269/10\n    when: after\n    event:\n      CallbackCommand: string\n"
        )
    };
    let with = |files: &[(&str, String)]| {
        let mut sources = service(&cmd("", ""));
        for (rel, text) in files {
            sources.push(Source { rel: format!("callbacks/{rel}"), shown: format!("spec/callbacks/{rel}"), text: text.clone() });
        }
        sources
    };
    assert_one(
        &with(&[("cb.yaml", group("other", "Cb.CallbackAfter"))]),
        "spec/callbacks/cb.yaml:1:",
        "callback group `other` must live in `callbacks/other.yaml`",
    );
    assert_one(
        &with(&[("Cb.yaml", group("Cb", "Cb.CallbackAfter"))]),
        "spec/callbacks/Cb.yaml:1:",
        "module name `Cb` must be a snake_case identifier",
    );
    assert_one(
        &with(&[("cb.yaml", group("cb", "CallbackAfter"))]),
        "spec/callbacks/cb.yaml:4:",
        "callback command `CallbackAfter` must look like `Category.CallbackName`",
    );
    // A callback command is unique in the whole catalogue, not only in its file.
    let twice = with(&[("a.yaml", group("a", "Cb.CallbackAfter")), ("b.yaml", group("b", "Cb.CallbackAfter"))]);
    assert_one(&twice, "spec/callbacks/b.yaml:4:", "callback command `Cb.CallbackAfter` is defined twice");
    assert!(problems(&with(&[("cb.yaml", group("cb", "Cb.CallbackAfter"))])).is_empty());
}
