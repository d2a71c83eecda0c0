//! The spec diff, rule by rule: each test diffs the small base catalogue of `tim-codegen-fixtures` against
//! one edit of it and checks the rule id, the location and both verdicts, and that nothing else is
//! reported.

use codegen::diff::{self, Finding, Rule, Verdict, Verdict::*};
use fixtures::{CB_YAML, Fixture, OTHER_YAML, SHARED_YAML, SVC_YAML, case};

fn findings(new: &Fixture) -> Vec<Finding> {
    diff::diff(&Fixture::base().load(), &new.load())
}

fn list(found: &[Finding]) -> String {
    found.iter().map(|f| format!("  {} {} ({}/{}): {}", f.rule, f.location, f.wire, f.rust, f.detail)).collect::<Vec<_>>().join("\n")
}

/// Asserts that the diff is exactly these (rule, location, wire, rust) findings, in this order.
fn expect(new: &Fixture, want: &[(&str, &str, Verdict, Verdict)]) -> Vec<Finding> {
    let found = findings(new);
    let got: Vec<(&str, &str, Verdict, Verdict)> = found.iter().map(|f| (f.rule.id(), f.location.as_str(), f.wire, f.rust)).collect();
    assert_eq!(got, want, "findings:\n{}", list(&found));
    found
}

fn rule_case(rule: &str) -> Fixture {
    assert!(Rule::from_id(rule).is_some(), "`{rule}` is not a rule id");
    case(rule)
}

#[test]
fn identical_catalogues_have_no_findings() {
    assert_eq!(findings(&Fixture::base()), Vec::new());
}

#[test]
fn the_real_catalogue_has_no_findings_against_itself() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec");
    let cat = codegen::load::load_dir(&dir).unwrap_or_else(|d| panic!("{d}"));
    assert_eq!(diff::diff(&cat, &cat), Vec::new());
}

#[test]
fn every_rule_has_a_case_that_reports_it() {
    for rule in Rule::ALL {
        let found = findings(&case(rule.id()));
        assert!(found.iter().any(|f| f.rule == *rule), "case `{rule}` does not report it:\n{}", list(&found));
        assert_eq!(Rule::from_id(rule.id()), Some(*rule));
        assert!(rule.id().chars().all(|c| c.is_ascii_lowercase() || c == '-'), "{rule} is not kebab-case");
    }
}

#[test]
fn service_added() {
    let f = expect(&rule_case("service-added"), &[("service-added", "extra", Compatible, Compatible)]);
    assert_eq!((f[0].service.as_deref(), f[0].command.as_deref()), (Some("extra"), None));
    assert!(f[0].detail.contains("3 command(s): `ping`, `pong`, `list`"), "{}", f[0].detail);
}

#[test]
fn service_removed() {
    expect(&rule_case("service-removed"), &[("service-removed", "other", Breaking, Breaking)]);
}

#[test]
fn command_added() {
    let f = expect(&rule_case("command-added"), &[("command-added", "other/peek", Compatible, Compatible)]);
    assert_eq!((f[0].service.as_deref(), f[0].command.as_deref()), (Some("other"), Some("peek")));
    assert!(f[0].detail.contains("`client.other().peek(&PeekRequest)`"), "{}", f[0].detail);
}

#[test]
fn command_removed() {
    expect(&rule_case("command-removed"), &[("command-removed", "other/pong", Breaking, Breaking)]);
}

#[test]
fn request_field_added_required() {
    expect(&rule_case("request-field-added-required"), &[("request-field-added-required", "svc/get request.Kind", Breaking, Breaking)]);
    // `auto: random`: old clients do not send it, but `new` fills it in, so Rust code is unaffected.
    let auto = Fixture::base().edit(
        SVC_YAML,
        "      Filter: { type: \"string?\", doc: \"A filter.\" }\n",
        "      Filter: { type: \"string?\", doc: \"A filter.\" }\n      Nonce: { type: u64, auto: random }\n",
    );
    expect(&auto, &[("request-field-added-required", "svc/get request.Nonce", Breaking, Compatible)]);
}

#[test]
fn a_required_field_in_a_type_sent_and_read_is_judged_both_ways() {
    let both = Fixture::base().edit(
        SHARED_YAML,
        "      Text: { type: string, doc: \"The text.\" }\n",
        "      Text: { type: string, doc: \"The text.\" }\n      Lang: { type: string, doc: \"Language.\" }\n",
    );
    expect(
        &both,
        &[
            ("request-field-added-required", "types.TextBody.Lang", Breaking, Breaking),
            ("response-field-added", "types.TextBody.Lang", Compatible, Breaking),
        ],
    );
}

#[test]
fn request_field_added_optional() {
    expect(
        &rule_case("request-field-added-optional"),
        &[("request-field-added-optional", "svc/get request.Limit", Compatible, Compatible)],
    );
}

#[test]
fn request_field_removed() {
    expect(&rule_case("request-field-removed"), &[("request-field-removed", "svc/send request.Note", Risky, Breaking)]);
    // Inside an inline object: located through the field that holds it.
    let nested = Fixture::base().edit(
        SVC_YAML,
        "          Flag: { type: \"i32?\", doc: \"A flag.\" }\n",
        "          Other: { type: \"bool?\", doc: \"Something else.\" }\n",
    );
    expect(
        &nested,
        &[
            ("request-field-added-optional", "svc/send request.Option.Other", Compatible, Compatible),
            ("request-field-removed", "svc/send request.Option.Flag", Risky, Breaking),
        ],
    );
}

#[test]
fn response_field_added() {
    expect(&rule_case("response-field-added"), &[("response-field-added", "svc/get response.Extra", Compatible, Compatible)]);
    let add = |line: &str| {
        Fixture::base().edit(
            SVC_YAML,
            "      Value: { type: \"Loose?\", doc: \"A value.\" }\n",
            &format!("      Value: {{ type: \"Loose?\", doc: \"A value.\" }}\n{line}"),
        )
    };
    // A required scalar joins the response's `new(...)` (used to build replies in tests).
    let f = expect(
        &add("      Total: { type: u32, doc: \"Total.\" }\n"),
        &[("response-field-added", "svc/get response.Total", Compatible, Breaking)],
    );
    assert!(f[0].detail.contains("`GetResponse::new` gains a parameter"), "{}", f[0].detail);
    // A required list of a response-only type starts empty: `new` is unchanged.
    expect(
        &add("      Tags: { type: \"[string]\", doc: \"Tags.\" }\n"),
        &[("response-field-added", "svc/get response.Tags", Compatible, Compatible)],
    );
    // A type no command uses: no wire effect.
    let unused = Fixture::base().edit(
        SHARED_YAML,
        "      A: { type: string, doc: \"A.\" }\n",
        "      A: { type: string, doc: \"A.\" }\n      B: { type: \"string?\", doc: \"B.\" }\n",
    );
    let f = expect(&unused, &[("response-field-added", "types.Legacy.B", Compatible, Compatible)]);
    assert!(f[0].detail.contains("not used by any command"), "{}", f[0].detail);
}

#[test]
fn response_field_removed() {
    // Required: old readers fail to decode a reply without it.
    expect(&rule_case("response-field-removed"), &[("response-field-removed", "svc/get response.Score", Breaking, Breaking)]);
    // Optional, or a list: it reads as absent or empty.
    let optional = Fixture::base().edit(SVC_YAML, "      Key: { type: \"string?\", doc: \"Message key.\" }\n", "");
    expect(&optional, &[("response-field-removed", "svc/send response.Key", Risky, Breaking)]);
    let list = Fixture::base().edit(SVC_YAML, "      Names: { type: \"[string]\", doc: \"Names.\" }\n", "");
    expect(&list, &[("response-field-removed", "svc/get response.Names", Risky, Breaking)]);
}

#[test]
fn field_renamed() {
    // Same type and doc, another key: one finding, at the old key.
    let f = expect(&rule_case("field-renamed"), &[("field-renamed", "svc/get response.Score", Breaking, Breaking)]);
    assert!(f[0].detail.contains("`Score` → `Points`") && f[0].detail.contains("`score` → `points`"), "{}", f[0].detail);
    // Same key ignoring case, and the Rust name stays `note`: only the wire breaks.
    let case_only = Fixture::base().edit(
        SVC_YAML,
        "      Note: { type: \"string?\", doc: \"A note.\" }\n",
        "      NOTE: { type: \"string?\", doc: \"Remark.\", rust: note }\n",
    );
    expect(&case_only, &[("field-renamed", "svc/send request.Note", Breaking, Compatible)]);
    // Another doc and another type: not a rename.
    let replaced = Fixture::base().edit(
        SVC_YAML,
        "      Score: { type: u32, doc: \"The score.\" }\n",
        "      Points: { type: u64, doc: \"Points.\" }\n",
    );
    expect(
        &replaced,
        &[
            ("response-field-added", "svc/get response.Points", Compatible, Breaking),
            ("response-field-removed", "svc/get response.Score", Breaking, Breaking),
        ],
    );
}

#[test]
fn field_type_changed() {
    let f = expect(&rule_case("field-type-changed"), &[("field-type-changed", "svc/get request.Id", Breaking, Breaking)]);
    assert!(f[0].detail.contains("`string` → `i64`"), "{}", f[0].detail);
    // i64 -> u64 is neither wider nor narrower.
    let sign = Fixture::base().edit(
        SHARED_YAML,
        "      Index: { type: i64, doc: \"Emoji index.\" }\n",
        "      Index: { type: u64, doc: \"Emoji index.\" }\n",
    );
    let f = expect(&sign, &[("field-type-changed", "types.FaceBody.Index", Breaking, Breaking)]);
    assert!(f[0].detail.contains("sent and read"), "{}", f[0].detail);
}

#[test]
fn integer_widened() {
    // Read: old readers fail on values beyond u32.
    expect(&rule_case("integer-widened"), &[("integer-widened", "svc/get response.Score", Breaking, Breaking)]);
    // Sent: every old value still fits.
    let sent = Fixture::base().edit(
        SVC_YAML,
        "      Since: { type: \"u32?\", doc: \"Since when.\" }\n",
        "      Since: { type: \"u64?\", doc: \"Since when.\" }\n",
    );
    expect(&sent, &[("integer-widened", "svc/get request.Since", Compatible, Breaking)]);
    // Inside a list.
    let list = Fixture::base().edit(
        SVC_YAML,
        "      Names: { type: \"[string]\", doc: \"Names.\" }\n",
        "      Names: { type: \"[string]\", doc: \"Names.\" }\n      Nums: { type: \"[u32]\", doc: \"Numbers.\" }\n",
    );
    let wider = list.clone().edit(SVC_YAML, "\"[u32]\"", "\"[i64]\"");
    assert_eq!(
        diff::diff(&list.load(), &wider.load()).iter().map(|f| (f.rule, f.wire, f.rust)).collect::<Vec<_>>(),
        vec![(Rule::IntegerWidened, Breaking, Breaking)]
    );
}

#[test]
fn integer_narrowed() {
    // Sent: old clients may send values beyond u32.
    expect(&rule_case("integer-narrowed"), &[("integer-narrowed", "svc/send request.Count", Breaking, Breaking)]);
    // Read: every new value fits the old type.
    let read = Fixture::base().edit(
        SVC_YAML,
        "      Time: { type: u64, doc: \"Send time.\" }\n",
        "      Time: { type: u32, doc: \"Send time.\" }\n",
    );
    expect(&read, &[("integer-narrowed", "svc/send response.Time", Compatible, Breaking)]);
}

#[test]
fn request_field_became_required() {
    expect(&rule_case("request-field-became-required"), &[("request-field-became-required", "svc/get request.Filter", Breaking, Breaking)]);
}

#[test]
fn request_field_became_optional() {
    expect(&rule_case("request-field-became-optional"), &[("request-field-became-optional", "svc/get request.Id", Compatible, Breaking)]);
}

#[test]
fn response_field_became_optional() {
    expect(
        &rule_case("response-field-became-optional"),
        &[("response-field-became-optional", "svc/get response.Score", Breaking, Breaking)],
    );
    // Lists already read as empty when absent.
    let list = Fixture::base().edit(
        SVC_YAML,
        "      Names: { type: \"[string]\", doc: \"Names.\" }\n",
        "      Names: { type: \"[string]?\", doc: \"Names.\" }\n",
    );
    expect(&list, &[("response-field-became-optional", "svc/get response.Names", Compatible, Breaking)]);
}

#[test]
fn response_field_became_required() {
    expect(
        &rule_case("response-field-became-required"),
        &[("response-field-became-required", "svc/get response.Role", Compatible, Breaking)],
    );
}

#[test]
fn enum_value_added() {
    expect(&rule_case("enum-value-added"), &[("enum-value-added", "svc types.Priority.Medium", Compatible, Compatible)]);
    let int = Fixture::base().edit(
        SVC_YAML,
        "      2: { name: Member, doc: \"A member.\" }\n",
        "      2: { name: Member, doc: \"A member.\" }\n      3: { name: Guest }\n",
    );
    let f = expect(&int, &[("enum-value-added", "svc types.Role.3", Compatible, Compatible)]);
    assert_eq!((f[0].service.as_deref(), f[0].command.as_deref(), f[0].group().as_str()), (Some("svc"), None, "svc"));
}

#[test]
fn enum_value_removed() {
    // `Priority` is sent: old clients may send `Low`.
    expect(&rule_case("enum-value-removed"), &[("enum-value-removed", "svc types.Priority.Low", Breaking, Breaking)]);
    // `Role` is only read: the server no longer sends it; the variant still disappears.
    let read = Fixture::base().edit(SVC_YAML, "      2: { name: Member, doc: \"A member.\" }\n", "");
    expect(&read, &[("enum-value-removed", "svc types.Role.2", Compatible, Breaking)]);
}

#[test]
fn union_variant_added() {
    expect(&rule_case("union-variant-added"), &[("union-variant-added", "types.Elem.Quote", Compatible, Compatible)]);
    let oneof = Fixture::base().edit(SHARED_YAML, "      Text: string\n", "      Text: string\n      List: \"[string]\"\n");
    expect(&oneof, &[("union-variant-added", "types.Loose.List", Compatible, Compatible)]);
}

#[test]
fn union_variant_removed() {
    // `Elem` is sent and read.
    expect(&rule_case("union-variant-removed"), &[("union-variant-removed", "types.Elem.Text", Breaking, Breaking)]);
    // `Value` is only read.
    let oneof = Fixture::base().edit(SHARED_YAML, "      Text: string\n", "");
    expect(&oneof, &[("union-variant-removed", "types.Loose.Text", Compatible, Breaking)]);
}

#[test]
fn union_variant_content_changed() {
    let other = Fixture::base().edit(
        SHARED_YAML,
        "      Text: { type: TextBody, doc: \"Text.\" }\n",
        "      Text: { type: FaceBody, doc: \"Text.\" }\n",
    );
    expect(&other, &[("field-type-changed", "types.Elem.Text", Breaking, Breaking)]);
    let wider = Fixture::base().edit(SHARED_YAML, "      Integer: i64\n", "      Integer: u64\n");
    expect(&wider, &[("field-type-changed", "types.Loose.Integer", Breaking, Breaking)]);
}

#[test]
fn oneof_order_changed() {
    expect(&rule_case("oneof-order-changed"), &[("oneof-order-changed", "types.Loose", Risky, Compatible)]);
}

#[test]
fn type_kind_changed() {
    let f = expect(&rule_case("type-kind-changed"), &[("type-kind-changed", "svc types.Role", Breaking, Breaking)]);
    assert!(f[0].detail.contains("`u32` → `i64`"), "{}", f[0].detail);
    let kind = Fixture::base().edit(
        SHARED_YAML,
        "    fields:\n      A: { type: string, doc: \"A.\" }\n",
        "    enum: string\n    values:\n      A: A.\n",
    );
    expect(&kind, &[("type-kind-changed", "types.Legacy", Compatible, Breaking)]);
}

#[test]
fn type_added() {
    expect(&rule_case("type-added"), &[("type-added", "types.Fresh", Compatible, Compatible)]);
}

#[test]
fn type_removed() {
    expect(&rule_case("type-removed"), &[("type-removed", "types.Legacy", Compatible, Breaking)]);
}

#[test]
fn type_direction_changed() {
    // `Legacy` was used by no command, so the generator emitted it for both directions; now only a
    // request uses it, so it loses `Deserialize` outside the `codec` feature.
    let f = expect(
        &rule_case("type-direction-changed"),
        &[
            ("request-field-added-optional", "svc/get request.Old", Compatible, Compatible),
            ("type-direction-changed", "types.Legacy", Compatible, Breaking),
        ],
    );
    assert_eq!(f[1].detail, "sent and read → only sent: loses `Deserialize` (kept behind the `codec` feature)");
    // `Elem` (and the content types it reaches) was sent and read; without `get`'s `Items` it is only sent.
    let only_sent = Fixture::base().edit(SVC_YAML, "      Items: { type: \"[Elem]\", doc: \"Elements.\" }\n", "");
    expect(
        &only_sent,
        &[
            ("response-field-removed", "svc/get response.Items", Risky, Breaking),
            ("type-direction-changed", "types.Elem", Compatible, Breaking),
            ("type-direction-changed", "types.TextBody", Compatible, Breaking),
            ("type-direction-changed", "types.FaceBody", Compatible, Breaking),
        ],
    );
    // Gaining a direction is compatible: `Loose` was only read and is now sent too.
    let gains = Fixture::base().edit(
        SVC_YAML,
        "      Filter: { type: \"string?\", doc: \"A filter.\" }\n",
        "      Filter: { type: \"string?\", doc: \"A filter.\" }\n      Hint: { type: \"Loose?\", doc: \"A hint.\" }\n",
    );
    expect(
        &gains,
        &[
            ("request-field-added-optional", "svc/get request.Hint", Compatible, Compatible),
            ("type-direction-changed", "types.Loose", Compatible, Compatible),
        ],
    );
}

#[test]
fn retry_class_changed() {
    let f = expect(&rule_case("retry-class-changed"), &[("retry-class-changed", "svc/get", Risky, Compatible)]);
    assert!(f[0].detail.contains("`safe` → `never`"), "{}", f[0].detail);
    let dedupe = Fixture::base().edit(SVC_YAML, "    retry: dedupe(Random)\n", "    retry: dedupe(Random, To)\n");
    expect(&dedupe, &[("retry-class-changed", "svc/send", Risky, Compatible)]);
    let code = Fixture::base().edit("errors.yaml", "    class: retry\n", "    class: transient\n");
    expect(&code, &[("retry-class-changed", "errors.60007", Risky, Compatible)]);
}

#[test]
fn results_changed() {
    let f = expect(&rule_case("results-changed"), &[("results-changed", "svc/send", Risky, Compatible)]);
    assert!(f[0].detail.contains("ok: [0, 1]"), "{}", f[0].detail);
}

#[test]
fn auto_changed() {
    let f = expect(&rule_case("auto-changed"), &[("auto-changed", "svc/send request.Random", Compatible, Breaking)]);
    assert!(f[0].detail.contains("joins `new(...)`"), "{}", f[0].detail);
}

#[test]
fn aliases_changed() {
    let added = rule_case("aliases-changed");
    let f = expect(&added, &[("aliases-changed", "svc/get response.Score", Compatible, Compatible)]);
    assert!(f[0].detail.contains("read from `Points` (was no other key)"), "{}", f[0].detail);
    // Dropping an alias: replies that use the old key no longer fill the field.
    let back = diff::diff(&added.load(), &Fixture::base().load());
    let got: Vec<(&str, Verdict, Verdict)> = back.iter().map(|f| (f.rule.id(), f.wire, f.rust)).collect();
    assert_eq!(got, [("aliases-changed", Risky, Compatible)], "{}", list(&back));
}

#[test]
fn sensitive_changed() {
    expect(&rule_case("sensitive-changed"), &[("sensitive-changed", "svc/get request.Filter", Compatible, Compatible)]);
}

#[test]
fn rust_name_changed() {
    let f = expect(&rule_case("rust-name-changed"), &[("rust-name-changed", "svc/send request.Note", Compatible, Breaking)]);
    assert!(f[0].detail.contains("`note` → `remark`"), "{}", f[0].detail);
    let function = Fixture::base().edit(SVC_YAML, "  get:\n", "  get:\n    name: fetch\n");
    expect(&function, &[("rust-name-changed", "svc/get", Compatible, Breaking)]);
    let module = Fixture::base().edit(OTHER_YAML, "service: other\n", "service: other\nmodule: other_svc\n");
    expect(&module, &[("rust-name-changed", "other", Compatible, Breaking)]);
    let inline = Fixture::base().edit(SVC_YAML, "        doc: Options.\n", "        doc: Options.\n        name: SendOpts\n");
    let f = expect(&inline, &[("rust-name-changed", "svc/send request.Option", Compatible, Breaking)]);
    assert!(f[0].detail.contains("`SendOption` → `SendOpts`"), "{}", f[0].detail);
    let variant = Fixture::base().edit(SVC_YAML, "      High: Urgent.\n", "      High: { name: Urgent, doc: Urgent. }\n");
    expect(&variant, &[("rust-name-changed", "svc types.Priority.High", Compatible, Breaking)]);
    let constant = Fixture::base().edit("errors.yaml", "    name: rate_limited\n", "    name: too_fast\n");
    expect(&constant, &[("rust-name-changed", "errors.60007", Compatible, Breaking)]);
    // A field that now uses another named type of the same wire shape.
    let base = Fixture::base().edit(
        SVC_YAML,
        "      Value: { type: \"Loose?\", doc: \"A value.\" }\n",
        "      Value: { type: \"Loose?\", doc: \"A value.\" }\n      Quote: { type: \"TextBody?\", doc: \"A quote.\" }\n",
    );
    let new = base
        .clone()
        .edit(
            SHARED_YAML,
            "  Legacy:\n",
            "  Words:\n    doc: A text.\n    fields:\n      Text: { type: string, doc: \"The text.\" }\n  Legacy:\n",
        )
        .edit(
            SVC_YAML,
            "      Quote: { type: \"TextBody?\", doc: \"A quote.\" }\n",
            "      Quote: { type: \"Words?\", doc: \"A quote.\" }\n",
        );
    let found = diff::diff(&base.load(), &new.load());
    let got: Vec<(&str, &str, Verdict, Verdict)> = found.iter().map(|f| (f.rule.id(), f.location.as_str(), f.wire, f.rust)).collect();
    assert_eq!(
        got,
        vec![("rust-name-changed", "svc/get response.Quote", Compatible, Breaking), ("type-added", "types.Words", Compatible, Compatible)],
        "{}",
        list(&found)
    );
}

#[test]
fn doc_changed() {
    let f = expect(&rule_case("doc-changed"), &[("doc-changed", "svc/get request.Since", Compatible, Compatible)]);
    assert_eq!(f[0].detail, "doc: \"Since when.\" → \"Unix time in seconds.\"");
    // Several doc changes at one place are one finding.
    let title = Fixture::base().edit(SVC_YAML, "    title: { zh: 拉取, en: Get }\n", "    title: { zh: 获取, en: Fetch }\n");
    let f = expect(&title, &[("doc-changed", "svc/get", Compatible, Compatible)]);
    assert_eq!(f[0].detail, "title.en: \"Get\" → \"Fetch\"; title.zh: \"拉取\" → \"获取\"");
}

#[test]
fn example_changed() {
    expect(&rule_case("example-changed"), &[("example-changed", "svc/send", Compatible, Compatible)]);
}

#[test]
fn error_code_added() {
    expect(&rule_case("error-code-added"), &[("error-code-added", "errors.60008", Compatible, Compatible)]);
}

#[test]
fn error_code_removed() {
    expect(&rule_case("error-code-removed"), &[("error-code-removed", "errors.70001", Compatible, Breaking)]);
}

#[test]
fn findings_are_grouped_in_a_fixed_order() {
    let mut new = Fixture::base()
        .edit("errors.yaml", "    class: retry\n", "    class: transient\n")
        .edit(SHARED_YAML, "  Legacy:\n", "  Fresh:\n    doc: New.\n    fields:\n      B: { type: string, doc: \"B.\" }\n  Legacy:\n")
        .edit(SVC_YAML, "      Low: Not urgent.\n", "")
        .edit(SVC_YAML, "    retry: safe\n", "    retry: never\n")
        .edit(SVC_YAML, "      Note: { type: \"string?\", doc: \"A note.\" }\n", "");
    new = new.remove(OTHER_YAML);
    let found = findings(&new);
    let groups: Vec<String> = found.iter().map(Finding::group).collect();
    assert_eq!(groups, ["other", "svc", "svc/get", "svc/send", "types", "errors"], "{}", list(&found));
    assert_eq!(found, findings(&new), "deterministic");
}

#[test]
fn acknowledgments_mark_findings_and_unused_ones_are_returned() {
    let mut found = findings(&rule_case("command-removed"));
    let acks = diff::parse_acks(
        "acknowledged:\n  - rule: command-removed\n    at: other/pong\n    reason: Gone upstream.\n  - rule: type-removed\n    at: types.Nope\n    reason: Stale.\n",
        "spec/diff-acks.yaml",
    )
    .unwrap_or_else(|d| panic!("{d}"));
    let unused = diff::apply_acks(&mut found, &acks);
    assert_eq!(found[0].acknowledged.as_deref(), Some("Gone upstream."));
    assert!(!found[0].needs_ack());
    assert_eq!(unused.iter().map(|a| (a.at.as_str(), a.line)).collect::<Vec<_>>(), vec![("types.Nope", 5)]);
}

fn report(new: &Fixture, acks: &[diff::Ack]) -> diff::Report {
    let mut findings = findings(new);
    let unused_acks = diff::apply_acks(&mut findings, acks);
    diff::Report { base: "old".into(), head: "new".into(), findings, unused_acks, acks_file: None }
}

fn sample_change() -> Fixture {
    Fixture::base()
        .edit(
            SVC_YAML,
            "      Filter: { type: \"string?\", doc: \"A filter.\" }\n",
            "      Filter: { type: \"string?\", doc: \"A filter.\" }\n      Kind: { type: string, doc: \"Kind.\" }\n",
        )
        .edit(SVC_YAML, "      Low: Not urgent.\n", "      Low: Not urgent.\n      Medium: Somewhat urgent.\n")
        .edit(SVC_YAML, "    retry: safe\n", "    retry: never\n")
}

#[test]
fn text_output_has_one_line_per_finding() {
    let text = report(&sample_change(), &[]).render(diff::Format::Text);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "spec diff old -> new");
    // The findings, the summary, then the entry to paste for the breaking one.
    assert_eq!(
        lines[5..7],
        ["", "To accept the breaking finding(s), add under `acknowledged:` in diff-acks.yaml, with the reason written:"],
        "{text}"
    );
    assert!(lines[1].starts_with("compatible   enum-value-added             svc types.Priority.Medium: "), "{text}");
    assert!(lines[2].starts_with("risky        retry-class-changed          svc/get: "), "{text}");
    assert!(lines[3].starts_with("BREAKING     request-field-added-required svc/get request.Kind: "), "{text}");
    assert!(lines[3].ends_with("(wire breaking, Rust breaking)"), "{text}");
    assert_eq!(lines[4], "3 finding(s): 1 breaking (none acknowledged), 1 risky, 1 compatible");
}

#[test]
fn markdown_output_groups_by_command_and_marks_breaking_rows() {
    let ack = diff::Ack {
        rule: "request-field-added-required".into(),
        at: "svc/get request.Kind".into(),
        reason: "Needed | now.".into(),
        line: 2,
    };
    let md = report(&sample_change(), &[ack]).render(diff::Format::Markdown);
    assert!(
        md.starts_with("### Spec diff: `old` → `new`\n\n**3 finding(s): 1 breaking (all acknowledged), 1 risky, 1 compatible.**\n"),
        "{md}"
    );
    assert!(md.contains("| breaking | 1 | 1 |\n| risky | 1 | 0 |\n| compatible | 1 | 2 |\n"), "{md}");
    let svc = md.find("\n#### `svc`\n").unwrap_or(usize::MAX);
    let get = md.find("\n#### `svc/get`\n").unwrap_or(usize::MAX);
    assert!(svc < get && get < md.len(), "{md}");
    assert!(
        md.contains("| ✅ | `request-field-added-required` | `svc/get request.Kind` | **breaking** | **breaking** | `Kind: string` added; `GetRequest::new` gains a parameter<br>**Acknowledged:** Needed \\| now. |"),
        "{md}"
    );
    assert!(md.contains("| ⚠️ | `retry-class-changed` | `svc/get` | risky | compatible |"), "{md}");
    assert!(!md.contains("need an entry"), "{md}");
    let unacked = report(&sample_change(), &[]).render(diff::Format::Markdown);
    assert!(unacked.contains("| ❌ | `request-field-added-required` |"), "{unacked}");
    assert!(unacked.contains("1 breaking finding(s) need an entry in `spec/diff-acks.yaml`"), "{unacked}");
}

#[test]
fn json_output_is_an_array_of_findings() {
    let json = report(&sample_change(), &[]).render(diff::Format::Json);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}: {json}"));
    let items = v.as_array().cloned().unwrap_or_default();
    assert_eq!(items.len(), 3);
    assert_eq!(
        items[2],
        serde_json::json!({
            "rule": "request-field-added-required",
            "location": "svc/get request.Kind",
            "service": "svc",
            "command": "get",
            "wire": "breaking",
            "rust": "breaking",
            "detail": "`Kind: string` added; `GetRequest::new` gains a parameter",
            "acknowledged": false,
            "reason": null
        })
    );
    assert_eq!(items[0]["command"], serde_json::Value::Null);
}

/// The rule table is generated from `Rule::ALL`; the module docs include `src/diff/RULES.md` and
/// CONTRIBUTING.md carries a copy. `UPDATE_SNAPSHOTS=1` rewrites both.
#[test]
fn rule_table_is_in_the_module_docs_and_contributing() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let table = diff::rules_table();
    let rules_md = root.join("src/diff/RULES.md");
    let doc_path = root.join("../CONTRIBUTING.md");
    let doc = std::fs::read_to_string(&doc_path).unwrap_or_default();
    let begin = "<!-- BEGIN rule table (codegen::diff::rules_table) -->\n";
    let end = "<!-- END rule table -->";
    let (Some(b), Some(e)) = (doc.find(begin), doc.find(end)) else { panic!("CONTRIBUTING.md lacks the rule table markers") };
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&rules_md, &table).unwrap_or_else(|e| panic!("{e}"));
        let updated = format!("{}{begin}{table}{}", &doc[..b], &doc[e..]);
        std::fs::write(&doc_path, updated).unwrap_or_else(|e| panic!("{e}"));
        return;
    }
    assert!(std::fs::read_to_string(&rules_md).unwrap_or_default() == table, "src/diff/RULES.md is stale; rerun with UPDATE_SNAPSHOTS=1");
    assert!(doc[b + begin.len()..e] == table, "the rule table of CONTRIBUTING.md is stale; rerun with UPDATE_SNAPSHOTS=1");
}

#[test]
fn callback_added_and_removed() {
    expect(&rule_case("callback-added"), &[("callback-added", "callbacks/Cb.CallbackNew", Compatible, Compatible)]);
    expect(&rule_case("callback-removed"), &[("callback-removed", "callbacks/Cb.CallbackAfter", Compatible, Breaking)]);
}

#[test]
fn callback_outcomes_and_when() {
    expect(&rule_case("outcome-added"), &[("outcome-added", "callbacks/Cb.CallbackBefore.drop", Compatible, Compatible)]);
    expect(&rule_case("outcome-removed"), &[("outcome-removed", "callbacks/Cb.CallbackBefore.reject", Risky, Breaking)]);
    expect(&rule_case("outcome-changed"), &[("outcome-changed", "callbacks/Cb.CallbackBefore.reject", Breaking, Compatible)]);
    expect(
        &rule_case("callback-when-changed"),
        &[
            ("callback-when-changed", "callbacks/Cb.CallbackAfter", Risky, Breaking),
            ("outcome-added", "callbacks/Cb.CallbackAfter.allow", Compatible, Compatible),
            ("outcome-changed", "callbacks/Cb.CallbackAfter.on_failure", Risky, Compatible),
        ],
    );
    let f = expect(
        &Fixture::base().edit(CB_YAML, "    on_failure: allow\n", "    on_failure: reject\n"),
        &[("outcome-changed", "callbacks/Cb.CallbackBefore.on_failure", Risky, Compatible)],
    );
    assert!(f[0].detail.contains("`allow` (0) → `reject` (1)"), "{}", f[0].detail);
}

#[test]
fn callback_events_are_judged_as_read_and_replies_as_sent() {
    // A new required event field: old apps' decoders correct its absence; compatible like a response field.
    expect(
        &Fixture::base().edit(CB_YAML, "      Seq: u64\n", "      Seq: u64\n      Extra: { type: string, doc: \"More.\" }\n"),
        &[("response-field-added", "callbacks/Cb.CallbackBefore event.Extra", Compatible, Breaking)],
    );
    // A required event field removed: old apps expect it.
    expect(
        &Fixture::base().edit(CB_YAML, "      Seq: u64\n", ""),
        &[("response-field-removed", "callbacks/Cb.CallbackBefore event.Seq", Breaking, Breaking)],
    );
    // A reply field added: sent by the app, optional.
    expect(
        &Fixture::base().edit(
            CB_YAML,
            "      Note: { type: \"string?\", doc: \"A note.\" }\n",
            "      Note: { type: \"string?\", doc: \"A note.\" }\n      More: { type: \"u32?\", doc: \"More.\" }\n",
        ),
        &[("request-field-added-optional", "callbacks/Cb.CallbackBefore reply.More", Compatible, Compatible)],
    );
}

#[test]
fn a_breaking_finding_prints_the_entry_to_paste_and_leftovers_stay_out_of_the_markdown() {
    let stale = diff::Ack { rule: "type-removed".into(), at: "types.Nope".into(), reason: "Stale.".into(), line: 7 };
    let r = report(&sample_change(), std::slice::from_ref(&stale));
    let text = r.render(diff::Format::Text);
    let entry = "  - rule: request-field-added-required\n    at: svc/get request.Kind\n    reason: >-\n      (why this break is acceptable: the official page and date, who is affected)\n";
    assert!(text.contains(&format!("add under `acknowledged:` in diff-acks.yaml, with the reason written:\n\n{entry}")), "{text}");
    // The text report counts the leftovers in one line; the Markdown and JSON leave them out.
    assert!(
        text.ends_with(
            "note: 1 acknowledgment(s) in diff-acks.yaml match no finding of this diff (`cargo xtask diff --leftovers` lists them)\n"
        ),
        "{text}"
    );
    assert!(!text.contains("types.Nope"), "{text}");
    let md = r.render(diff::Format::Markdown);
    assert!(md.contains(&format!("```yaml\n{entry}```\n")), "{md}");
    assert!(!md.contains("types.Nope") && !md.contains("match no finding"), "{md}");
    assert!(!r.render(diff::Format::Json).contains("types.Nope"));
    assert_eq!(
        r.leftovers(),
        "diff-acks.yaml:7: `type-removed` at `types.Nope` matches no finding of this diff (left over from an earlier change?)\n"
    );

    // Pasted as printed, the placeholder reason is refused; with a reason written, it acknowledges the finding.
    let pasted = format!("acknowledged:\n{entry}");
    let err = diff::parse_acks(&pasted, "spec/diff-acks.yaml").err().map(|d| d.to_string()).unwrap_or_default();
    assert_eq!(err, "spec/diff-acks.yaml:2: `reason` is empty: say why this breaking change is acceptable");
    let written = pasted.replace("(why this break is acceptable: the official page and date, who is affected)", "The server requires it.");
    let acks = diff::parse_acks(&written, "spec/diff-acks.yaml").unwrap_or_else(|d| panic!("{d}"));
    let r = report(&sample_change(), &acks);
    assert_eq!(r.unacknowledged_breaking(), 0);
    assert!(r.unused_acks.is_empty());
}
