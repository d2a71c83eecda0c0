//! A small catalogue for the spec-diff tests, and one edit of it per rule.
//!
//! Shared by `codegen/tests/diff.rs` (one test per rule) and `xtask/tests/semver_checks.rs` (which
//! generates the crate from the base and an edited catalogue and runs cargo-semver-checks on them).
//! Edits are plain text replacements of the YAML, so each case reads as the change a pull request
//! would make.

#![allow(dead_code)]

use codegen::model::Catalogue;
use codegen::validate::{Source, load_sources};

pub const ERRORS: &str = r#"codes:
  60007:
    name: rate_limited
    family: common
    class: retry
    zh: 限频
    en: Rate limited.
  70001:
    name: bad_user
    family: account
    class: permanent
    zh: 账号错误
    en: Bad account.
"#;

pub const SHARED: &str = r#"types:
  Elem:
    doc: One element of a body.
    union: { tag: Kind, content: Body }
    variants:
      Text: { type: TextBody, doc: "Text." }
      Face: { type: FaceBody, doc: "An emoji." }
  TextBody:
    doc: A text.
    fields:
      Text: { type: string, doc: "The text." }
  FaceBody:
    doc: An emoji.
    fields:
      Index: { type: i64, doc: "Emoji index." }
  Loose:
    doc: A loosely typed value.
    oneof:
      Integer: i64
      Text: string
  Legacy:
    doc: Not used by any command.
    fields:
      A: { type: string, doc: "A." }
"#;

pub const SVC: &str = r#"service: svc
title: { zh: 服务, en: Service }
description: A test service.
commands:
  send:
    title: { zh: 发送, en: Send }
    doc: https://cloud.tencent.com/document/product/269/1
    retry: dedupe(Random)
    request:
      To: { type: string, doc: "Receiver." }
      Random: { type: u32, auto: random }
      Body: { type: "[Elem]", doc: "Message body." }
      Priority: { type: Priority?, doc: "Priority." }
      Count: { type: u64?, doc: "How many." }
      Note: { type: string?, doc: "A note." }
      Option:
        type: object?
        doc: Options.
        fields:
          Flag: { type: i32?, doc: "A flag." }
    response:
      Time: { type: u64, doc: "Send time." }
      Key: { type: string?, doc: "Message key." }
      Items:
        type: "[object]"
        doc: Per-item results.
        fields:
          Id: string
          Code: i64
    results:
      - { list: Items, id: Id, code: Code }
    examples:
      - title: basic
        request: |
          {"To": "a", "Random": 1, "Body": [{"Kind": "Face", "Body": {"Index": 1}}]}
        response: |
          {"ActionStatus": "OK", "ErrorCode": 0, "Time": 1, "Items": []}
  get:
    title: { zh: 拉取, en: Get }
    doc: https://cloud.tencent.com/document/product/269/2
    retry: safe
    request:
      Id: { type: string, doc: "Which one." }
      Since: { type: u32?, doc: "Since when." }
      Filter: { type: string?, doc: "A filter." }
    response:
      Role: { type: Role?, doc: "The role." }
      Score: { type: u32, doc: "The score." }
      Names: { type: "[string]", doc: "Names." }
      Items: { type: "[Elem]", doc: "Elements." }
      Value: { type: Loose?, doc: "A value." }
types:
  Priority:
    enum: string
    doc: How urgent.
    values:
      High: Urgent.
      Low: Not urgent.
  Role:
    enum: u32
    doc: A role.
    values:
      1: { name: Owner, doc: "The owner." }
      2: { name: Member, doc: "A member." }
"#;

pub const OTHER: &str = r#"service: other
title: { zh: 其他, en: Other }
commands:
  ping:
    title: { zh: 探测, en: Ping }
    doc: https://cloud.tencent.com/document/product/269/3
    retry: safe
    request: {}
    response: {}
  pong:
    title: { zh: 回应, en: Pong }
    doc: https://cloud.tencent.com/document/product/269/4
    retry: safe
    request: {}
    response: {}
"#;

/// A catalogue as files (`rel` -> text).
#[derive(Debug, Clone)]
pub struct Fixture {
    pub files: Vec<(String, String)>,
}

impl Fixture {
    /// The base catalogue.
    pub fn base() -> Fixture {
        Fixture {
            files: vec![
                ("errors.yaml".into(), ERRORS.into()),
                ("types/shared.yaml".into(), SHARED.into()),
                ("services/other.yaml".into(), OTHER.into()),
                ("services/svc.yaml".into(), SVC.into()),
            ],
        }
    }

    /// Replaces `from` (which must occur exactly once) by `to` in file `rel`.
    pub fn edit(mut self, rel: &str, from: &str, to: &str) -> Fixture {
        let Some((_, text)) = self.files.iter_mut().find(|(r, _)| r == rel) else { panic!("no file {rel}") };
        assert_eq!(text.matches(from).count(), 1, "`{from}` must occur once in {rel}");
        *text = text.replacen(from, to, 1);
        self
    }

    /// Adds a file.
    pub fn add(mut self, rel: &str, text: &str) -> Fixture {
        self.files.push((rel.into(), text.into()));
        self
    }

    /// Removes a file.
    pub fn remove(mut self, rel: &str) -> Fixture {
        self.files.retain(|(r, _)| r != rel);
        self
    }

    /// The files as validator sources, in the order `load_dir` reads them.
    pub fn sources(&self) -> Vec<Source> {
        let mut files = self.files.clone();
        files.sort_by_key(|(rel, _)| {
            (
                if rel == "errors.yaml" {
                    0
                } else if rel.starts_with("types/") {
                    1
                } else {
                    2
                },
                rel.clone(),
            )
        });
        files.into_iter().map(|(rel, text)| Source { shown: format!("spec/{rel}"), rel, text }).collect()
    }

    /// The validated catalogue.
    pub fn load(&self) -> Catalogue {
        load_sources(&self.sources()).unwrap_or_else(|d| panic!("fixture does not validate:\n{d}"))
    }

    /// Writes the files as a spec folder.
    pub fn write_to(&self, dir: &std::path::Path) {
        for (rel, text) in &self.files {
            let path = dir.join(rel);
            std::fs::create_dir_all(path.parent().expect("a parent")).expect("create spec folder");
            std::fs::write(path, text).expect("write spec file");
        }
    }
}

pub const SVC_YAML: &str = "services/svc.yaml";
pub const SHARED_YAML: &str = "types/shared.yaml";
pub const OTHER_YAML: &str = "services/other.yaml";

/// The representative change for a rule, as an edited base catalogue.
pub fn case(rule: &str) -> Fixture {
    let b = Fixture::base();
    match rule {
        "service-added" => b.add("services/extra.yaml", &OTHER.replace("service: other", "service: extra")),
        "service-removed" => b.remove(OTHER_YAML),
        "command-added" => b.edit(
            OTHER_YAML,
            "  pong:\n",
            "  peek:\n    title: { zh: 查看, en: Peek }\n    doc: https://cloud.tencent.com/document/product/269/5\n    retry: safe\n    request: {}\n    response: {}\n  pong:\n",
        ),
        "command-removed" => b.edit(
            OTHER_YAML,
            "  pong:\n    title: { zh: 回应, en: Pong }\n    doc: https://cloud.tencent.com/document/product/269/4\n    retry: safe\n    request: {}\n    response: {}\n",
            "",
        ),
        "request-field-added-required" => {
            b.edit(SVC_YAML, "      Filter: { type: string?, doc: \"A filter.\" }\n", "      Filter: { type: string?, doc: \"A filter.\" }\n      Kind: { type: string, doc: \"Kind.\" }\n")
        }
        "request-field-added-optional" => {
            b.edit(SVC_YAML, "      Filter: { type: string?, doc: \"A filter.\" }\n", "      Filter: { type: string?, doc: \"A filter.\" }\n      Limit: { type: u32?, doc: \"At most.\" }\n")
        }
        "request-field-removed" => b.edit(SVC_YAML, "      Note: { type: string?, doc: \"A note.\" }\n", ""),
        "response-field-added" => {
            b.edit(SVC_YAML, "      Value: { type: Loose?, doc: \"A value.\" }\n", "      Value: { type: Loose?, doc: \"A value.\" }\n      Extra: { type: string?, doc: \"Extra.\" }\n")
        }
        "response-field-removed" => b.edit(SVC_YAML, "      Score: { type: u32, doc: \"The score.\" }\n", ""),
        "field-renamed" => b.edit(SVC_YAML, "      Score: { type: u32, doc: \"The score.\" }\n", "      Points: { type: u32, doc: \"The score.\" }\n"),
        "field-type-changed" => b.edit(SVC_YAML, "      Id: { type: string, doc: \"Which one.\" }\n", "      Id: { type: i64, doc: \"Which one.\" }\n"),
        "integer-widened" => b.edit(SVC_YAML, "      Score: { type: u32, doc: \"The score.\" }\n", "      Score: { type: u64, doc: \"The score.\" }\n"),
        "integer-narrowed" => b.edit(SVC_YAML, "      Count: { type: u64?, doc: \"How many.\" }\n", "      Count: { type: u32?, doc: \"How many.\" }\n"),
        "request-field-became-required" => {
            b.edit(SVC_YAML, "      Filter: { type: string?, doc: \"A filter.\" }\n", "      Filter: { type: string, doc: \"A filter.\" }\n")
        }
        "request-field-became-optional" => {
            b.edit(SVC_YAML, "      Id: { type: string, doc: \"Which one.\" }\n", "      Id: { type: string?, doc: \"Which one.\" }\n")
        }
        "response-field-became-optional" => {
            b.edit(SVC_YAML, "      Score: { type: u32, doc: \"The score.\" }\n", "      Score: { type: u32?, doc: \"The score.\" }\n")
        }
        "response-field-became-required" => {
            b.edit(SVC_YAML, "      Role: { type: Role?, doc: \"The role.\" }\n", "      Role: { type: Role, doc: \"The role.\" }\n")
        }
        "enum-value-added" => b.edit(SVC_YAML, "      Low: Not urgent.\n", "      Low: Not urgent.\n      Medium: Somewhat urgent.\n"),
        "enum-value-removed" => b.edit(SVC_YAML, "      Low: Not urgent.\n", ""),
        "union-variant-added" => b.edit(SHARED_YAML, "      Face: { type: FaceBody, doc: \"An emoji.\" }\n", "      Face: { type: FaceBody, doc: \"An emoji.\" }\n      Quote: { type: TextBody, doc: \"A quote.\" }\n"),
        "union-variant-removed" => b.edit(SHARED_YAML, "      Text: { type: TextBody, doc: \"Text.\" }\n", ""),
        "oneof-order-changed" => b.edit(SHARED_YAML, "      Integer: i64\n      Text: string\n", "      Text: string\n      Integer: i64\n"),
        "type-kind-changed" => b.edit(SVC_YAML, "    enum: u32\n", "    enum: i64\n"),
        "type-added" => b.edit(SHARED_YAML, "  Legacy:\n", "  Fresh:\n    doc: New.\n    fields:\n      B: { type: string, doc: \"B.\" }\n  Legacy:\n"),
        "type-removed" => b.edit(SHARED_YAML, "  Legacy:\n    doc: Not used by any command.\n    fields:\n      A: { type: string, doc: \"A.\" }\n", ""),
        "type-direction-changed" => {
            b.edit(SVC_YAML, "      Filter: { type: string?, doc: \"A filter.\" }\n", "      Filter: { type: string?, doc: \"A filter.\" }\n      Old: { type: Legacy?, doc: \"Old.\" }\n")
        }
        "retry-class-changed" => b.edit(SVC_YAML, "    retry: safe\n", "    retry: never\n"),
        "results-changed" => b.edit(SVC_YAML, "      - { list: Items, id: Id, code: Code }\n", "      - { list: Items, id: Id, code: Code, ok: [0, 1] }\n"),
        "auto-changed" => b.edit(SVC_YAML, "      Random: { type: u32, auto: random }\n", "      Random: { type: u32 }\n"),
        "sensitive-changed" => {
            b.edit(SVC_YAML, "      Filter: { type: string?, doc: \"A filter.\" }\n", "      Filter: { type: string?, doc: \"A filter.\", sensitive: true }\n")
        }
        "aliases-changed" => {
            b.edit(SVC_YAML, "      Score: { type: u32, doc: \"The score.\" }\n", "      Score: { type: u32, doc: \"The score.\", aliases: [Points] }\n")
        }
        "rust-name-changed" => b.edit(SVC_YAML, "      Note: { type: string?, doc: \"A note.\" }\n", "      Note: { type: string?, doc: \"A note.\", rust: remark }\n"),
        "doc-changed" => b.edit(SVC_YAML, "      Since: { type: u32?, doc: \"Since when.\" }\n", "      Since: { type: u32?, doc: \"Unix time in seconds.\" }\n"),
        "example-changed" => b.edit(SVC_YAML, "      - title: basic\n", "      - title: the basic form\n"),
        "error-code-added" => b.edit(
            "errors.yaml",
            "  70001:\n",
            "  60008:\n    name: timeout\n    family: common\n    class: transient\n    zh: 超时\n    en: Timed out.\n  70001:\n",
        ),
        "error-code-removed" => b.edit("errors.yaml", "  70001:\n    name: bad_user\n    family: account\n    class: permanent\n    zh: 账号错误\n    en: Bad account.\n", ""),
        other => panic!("no case for rule `{other}`"),
    }
}
