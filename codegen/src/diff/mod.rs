//! Spec diff: what a catalogue change does on the wire and to Rust users.
//!
//! [`diff`] compares two validated catalogues ([`Catalogue`]) and returns every change as a
//! [`Finding`] with a stable [`Rule`] id, a location string and two verdicts:
//!
//! - **wire**: does a client built from the old spec still work against the server described by the
//!   new one? Direction matters: a new required request field breaks (old clients do not send it), a
//!   new response field does not (responses are decoded leniently).
//! - **Rust**: does user code written against the old generated crate still compile and mean the
//!   same? The answer comes from what the generator emits: requests and responses are
//!   `#[non_exhaustive]` structs with public fields, built with `new(required...)` plus setters; enums
//!   and unions are open and `#[non_exhaustive]`; every function, module and type has a name chosen
//!   from the spec.
//!
//! Each verdict is a [`Verdict`]: `compatible`, `risky` (works, but behaves differently: the runtime
//! retries differently, a value may read as absent) or `breaking`. [`Report`] renders findings as
//! text, Markdown or JSON; [`run`] is what `cargo xtask diff` calls: it loads two revisions or folders
//! ([`SpecSource`]), diffs them and applies the acknowledgments of `spec/diff-acks.yaml` ([`Ack`]).
//!
//! # Matching
//!
//! Services are matched by wire servicename, commands by wire command, error codes by code, named
//! types by name (service-local types within their service), fields by wire key within the object
//! they belong to: the request root, the response root, a named type, or an inline object (reached
//! through the field that holds it). Enum values are matched by wire value, union variants by tag,
//! `oneof` alternatives by name.
//!
//! A removed field and an added field of the same object are reported as one `field-renamed` finding
//! when both have the same wire shape and the same optionality, and either their keys are equal
//! ignoring ASCII case, `_` and `-` (`From_Account` -> `FromAccount`) or both have the same non-empty
//! `doc` (a typo fixed in the key). Each removed field pairs with at most one added field, in file
//! order.
//!
//! # Direction
//!
//! A type reachable from a request root is sent; one reachable from a response root is read; shared
//! types are often both (message elements). Field rules are named by direction
//! (`request-field-...`, `response-field-...`) and reported once per direction in which the object is
//! used (in either catalogue), so adding a required field to a type used both ways gives a
//! `request-field-added-required` and a `response-field-added` finding at the same location. Other
//! rules report one finding whose wire verdict is the worst over the directions in use. A type that
//! no command uses has no wire effect.
//!
//! # Locations
//!
//! `openim` (a service), `openim/sendmsg` (a command), `openim/sendmsg request.MsgBody` (a request
//! field; inline objects add `.Key` per level), `openim/sendmsg response.MsgTime`,
//! `group_open_http_svc types.Role.Owner` (a service-local type, its field, value or variant),
//! `types.MsgElement.TIMTextElem` (a shared type), `errors.70001` (an error code). A rename is located
//! at the old key. Acknowledgments match the rule id and the location exactly.
//!
//! # Rules
//!
//! The table below is generated from [`Rule::ALL`] (a test keeps it and the README's copy in sync).
//! "Breaking" in the Rust column follows from the generated code: a public item, field or variant
//! disappears or changes its type, or `new(...)` changes its parameters.
//!
#![doc = include_str!("RULES.md")]

mod acks;
mod render;
mod source;

pub use acks::{ACKS_FILE, Ack, apply_acks, parse_acks};
pub use render::Format;
pub use source::{LoadedSpec, SpecSource, load};

use crate::diag::Diagnostics;
use crate::model::{Catalogue, Field, Owner, Role, Scalar, Ty, TypeId, TypeKind};
use std::collections::HashSet;
use std::path::PathBuf;

/// How much a change matters, on one axis.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Verdict {
    /// Nothing that worked stops working.
    Compatible,
    /// Everything still works, but behaves differently (retries, a value that now reads as absent).
    Risky,
    /// Something that worked stops working (a request is refused, a reply fails to decode, code no
    /// longer compiles or changes meaning).
    Breaking,
}

impl Verdict {
    /// The spelling in every output format: `compatible`, `risky` or `breaking`.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Compatible => "compatible",
            Verdict::Risky => "risky",
            Verdict::Breaking => "breaking",
        }
    }
}

impl std::fmt::Display for Verdict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

macro_rules! rules {
    ($( $(#[$doc:meta])* $variant:ident = $id:literal, what: $what:literal, wire: $wire:literal, rust: $rust:literal; )*) => {
        /// A kind of change, with a stable kebab-case id ([`Rule::id`]).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Rule {
            $( $(#[$doc])* $variant, )*
        }

        impl Rule {
            /// Every rule, in table order.
            pub const ALL: &'static [Rule] = &[ $( Rule::$variant, )* ];

            /// The stable id, e.g. `request-field-added-required`.
            pub fn id(self) -> &'static str {
                match self { $( Rule::$variant => $id, )* }
            }

            /// The rule with this id.
            pub fn from_id(id: &str) -> Option<Rule> {
                match id { $( $id => Some(Rule::$variant), )* _ => None }
            }

            /// What the rule detects (one sentence, Markdown).
            pub fn what(self) -> &'static str {
                match self { $( Rule::$variant => $what, )* }
            }

            /// The wire verdict and why (Markdown).
            pub fn wire_reason(self) -> &'static str {
                match self { $( Rule::$variant => $wire, )* }
            }

            /// The Rust verdict and why (Markdown).
            pub fn rust_reason(self) -> &'static str {
                match self { $( Rule::$variant => $rust, )* }
            }
        }
    };
}

rules! {
    /// A servicename appears.
    ServiceAdded = "service-added",
        what: "A servicename appears.",
        wire: "compatible",
        rust: "compatible: a new module, feature and `Client` accessor";
    /// A servicename disappears.
    ServiceRemoved = "service-removed",
        what: "A servicename disappears.",
        wire: "**breaking**: old clients call commands the server no longer has",
        rust: "**breaking**: the module, its feature and `Client::<module>()` disappear";
    /// A command appears.
    CommandAdded = "command-added",
        what: "A command appears in an existing service.",
        wire: "compatible",
        rust: "compatible: a new call function and request/response types";
    /// A command disappears.
    CommandRemoved = "command-removed",
        what: "A command disappears.",
        wire: "**breaking**: old clients call a command the server no longer has",
        rust: "**breaking**: the call function and its types disappear";
    /// A new required field in something that is sent.
    RequestFieldAddedRequired = "request-field-added-required",
        what: "A required field is added to an object that is sent.",
        wire: "**breaking**: old clients do not send it",
        rust: "**breaking**: `new(...)` gains a parameter; compatible for `auto: random` fields, which `new` fills in";
    /// A new optional field in something that is sent.
    RequestFieldAddedOptional = "request-field-added-optional",
        what: "An optional field is added to an object that is sent.",
        wire: "compatible: the server does without it",
        rust: "compatible: a new public field and setter on a `#[non_exhaustive]` struct";
    /// A field of something that is sent disappears.
    RequestFieldRemoved = "request-field-removed",
        what: "A field is removed from an object that is sent.",
        wire: "risky: old clients that set it still send it; the server ignores or refuses it",
        rust: "**breaking**: the public field and its setter (or `new` parameter) disappear";
    /// A new field in something that is read.
    ResponseFieldAdded = "response-field-added",
        what: "A field is added to an object that is read.",
        wire: "compatible: old readers ignore unknown keys",
        rust: "compatible: a new public field on a `#[non_exhaustive]` struct; **breaking** when the field is required and not a list or map, since the struct's `new(...)` (used to build replies in tests) gains a parameter";
    /// A field of something that is read disappears.
    ResponseFieldRemoved = "response-field-removed",
        what: "A field is removed from an object that is read.",
        wire: "**breaking** when it was required and not a list or map (old readers fail to decode the reply); risky otherwise (it reads as absent or empty)",
        rust: "**breaking**: the public field disappears";
    /// A field is renamed on the wire.
    FieldRenamed = "field-renamed",
        what: "A field's wire key changes (one removed and one added field that match, see *Matching*).",
        wire: "**breaking**: old clients send, or look for, the old key",
        rust: "**breaking** when the Rust field name or type changes; compatible when `rust:` keeps them";
    /// A field, variant or alternative changes its type.
    FieldTypeChanged = "field-type-changed",
        what: "The type of a field, union variant or `oneof` alternative changes (other than integer width or a Rust-only rename).",
        wire: "**breaking**: the JSON has another shape",
        rust: "**breaking**: the Rust type changes";
    /// An integer gets a wider range.
    IntegerWidened = "integer-widened",
        what: "An integer's range grows (`u32` -> `u64`, `i32` -> `i64`, `u32` -> `i64`).",
        wire: "compatible when sent (old values still fit); **breaking** when read: old readers fail to decode values beyond the old range, which the new spec says can occur",
        rust: "**breaking**: the field's Rust type changes";
    /// An integer gets a narrower range.
    IntegerNarrowed = "integer-narrowed",
        what: "An integer's range shrinks (`u64` -> `u32`, `i64` -> `i32`, `i64` -> `u32`).",
        wire: "**breaking** when sent: old clients may send values the server no longer accepts; compatible when read",
        rust: "**breaking**: the field's Rust type changes";
    /// An optional field of something sent becomes required.
    RequestFieldBecameRequired = "request-field-became-required",
        what: "An optional field of an object that is sent becomes required.",
        wire: "**breaking**: old clients may leave it out",
        rust: "**breaking**: `Option<T>` becomes `T` and the field moves into `new(...)`";
    /// A required field of something sent becomes optional.
    RequestFieldBecameOptional = "request-field-became-optional",
        what: "A required field of an object that is sent becomes optional.",
        wire: "compatible: old clients always send it",
        rust: "**breaking**: `T` becomes `Option<T>` and the field leaves `new(...)`";
    /// A required field of something read becomes optional.
    ResponseFieldBecameOptional = "response-field-became-optional",
        what: "A required field of an object that is read becomes optional.",
        wire: "**breaking**: old readers fail to decode a reply without it; compatible for lists and maps, which already read as empty when absent",
        rust: "**breaking**: `T` becomes `Option<T>`";
    /// An optional field of something read becomes required.
    ResponseFieldBecameRequired = "response-field-became-required",
        what: "An optional field of an object that is read becomes required.",
        wire: "compatible: old readers handle both",
        rust: "**breaking**: `Option<T>` becomes `T`";
    /// An enum gains a value.
    EnumValueAdded = "enum-value-added",
        what: "An enum gains a value.",
        wire: "compatible: enums are open, old readers keep it as `Unknown(..)`, old clients never send it",
        rust: "compatible: a new variant of a `#[non_exhaustive]` enum";
    /// An enum loses a value.
    EnumValueRemoved = "enum-value-removed",
        what: "An enum loses a value.",
        wire: "**breaking** when sent: old clients may send it; compatible when only read",
        rust: "**breaking**: the variant disappears";
    /// A union or `oneof` gains a variant.
    UnionVariantAdded = "union-variant-added",
        what: "A tagged union gains a variant, or a `oneof` an alternative.",
        wire: "compatible: old readers keep it as `Unknown { .. }` / `Other(..)`, old clients never send it",
        rust: "compatible: a new variant of a `#[non_exhaustive]` enum";
    /// A union or `oneof` loses a variant.
    UnionVariantRemoved = "union-variant-removed",
        what: "A tagged union loses a variant, or a `oneof` an alternative.",
        wire: "**breaking** when sent: old clients may send it; compatible when only read",
        rust: "**breaking**: the variant disappears";
    /// The alternatives of a `oneof` are tried in another order.
    OneofOrderChanged = "oneof-order-changed",
        what: "The alternatives of a `oneof` are tried in another order.",
        wire: "risky: a value may decode to another alternative",
        rust: "compatible";
    /// A named type changes its kind.
    TypeKindChanged = "type-kind-changed",
        what: "A named type changes kind (object, enum, union, `oneof`), enum base, or union tag or content key.",
        wire: "**breaking**: the JSON has another shape",
        rust: "**breaking**: the Rust type is another kind of item";
    /// A named type appears.
    TypeAdded = "type-added",
        what: "A named type appears.",
        wire: "compatible",
        rust: "compatible: a new public type";
    /// A named type disappears.
    TypeRemoved = "type-removed",
        what: "A named type disappears.",
        wire: "compatible on its own: every use of it has its own finding",
        rust: "**breaking**: the public type disappears";
    /// A named type is sent or read where it was not, or no longer.
    TypeDirectionChanged = "type-direction-changed",
        what: "A named type starts or stops being sent or read (its commands changed), which changes the serde impls it gets.",
        wire: "compatible on its own: the uses that changed have their own findings",
        rust: "**breaking** when it loses a direction: a type no longer sent loses `Serialize`, one no longer read loses `Deserialize` (both kept behind the `codec` feature); compatible when it gains one";
    /// How a command or an error code is retried changes.
    RetryClassChanged = "retry-class-changed",
        what: "A command's `retry` class (or its `dedupe` fields) or an error code's `class` changes.",
        wire: "risky: the runtime retries differently (more retries may repeat a call that took effect)",
        rust: "compatible: same items, other values";
    /// Per-item result lists change.
    ResultsChanged = "results-changed",
        what: "A command's per-item `results` change.",
        wire: "risky: old clients look for per-item failures elsewhere",
        rust: "compatible: every response implements `ItemResults`; what it returns changes";
    /// `auto: random` is set or cleared.
    AutoChanged = "auto-changed",
        what: "A field's `auto` setting changes.",
        wire: "compatible: the field is on the wire either way",
        rust: "**breaking** when `new(...)` gains or loses the field as a parameter";
    /// `sensitive` is set or cleared.
    SensitiveChanged = "sensitive-changed",
        what: "A field's `sensitive` flag changes.",
        wire: "compatible",
        rust: "compatible: only what `Debug` prints changes";
    /// The other keys a field is read from change.
    AliasesChanged = "aliases-changed",
        what: "The other wire keys a field is also read from (`aliases`) change.",
        wire: "compatible when one is added (replies that use it now decode); risky when one is removed (replies that use it no longer fill the field)",
        rust: "compatible: same items";
    /// A Rust name changes while the wire stays the same.
    RustNameChanged = "rust-name-changed",
        what: "A Rust name changes while the wire stays the same: module, function, field (`rust:`), type (inline `name:`, or a field now uses a differently named type of the same shape), variant, error constant.",
        wire: "compatible",
        rust: "**breaking**: code naming the old item no longer compiles";
    /// Documentation changes.
    DocChanged = "doc-changed",
        what: "Titles, descriptions, `doc` texts and links, error meanings or families change.",
        wire: "compatible",
        rust: "compatible: only rustdoc and registry strings change";
    /// Official examples change.
    ExampleChanged = "example-changed",
        what: "A command's official examples change.",
        wire: "compatible",
        rust: "compatible: only the registry's example strings change";
    /// An error code appears.
    ErrorCodeAdded = "error-code-added",
        what: "An error code appears in `errors.yaml`.",
        wire: "compatible",
        rust: "compatible: a new constant";
    /// An error code disappears.
    ErrorCodeRemoved = "error-code-removed",
        what: "An error code disappears from `errors.yaml`.",
        wire: "compatible: the runtime no longer knows its class",
        rust: "**breaking**: the constant disappears";
}

impl std::fmt::Display for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id())
    }
}

/// The rule table in Markdown (rule, what, wire, Rust), as in the module docs and the README.
pub fn rules_table() -> String {
    let mut s = String::from("| rule | what | wire | Rust |\n|---|---|---|---|\n");
    for r in Rule::ALL {
        s.push_str(&format!("| `{}` | {} | {} | {} |\n", r.id(), r.what(), r.wire_reason(), r.rust_reason()));
    }
    s
}

/// One change between two catalogues.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// What kind of change.
    pub rule: Rule,
    /// Where: see the module docs, e.g. `openim/sendmsg request.MsgRandom`.
    pub location: String,
    /// The wire servicename, for findings inside a service.
    pub service: Option<String>,
    /// The wire command, for findings inside a command.
    pub command: Option<String>,
    /// Does an old client still work against the new server?
    pub wire: Verdict,
    /// Does code written against the old crate still compile and mean the same?
    pub rust: Verdict,
    /// What changed, in one line (Markdown code spans for names).
    pub detail: String,
    /// The reason given in the acknowledgments file, when acknowledged.
    pub acknowledged: Option<String>,
}

impl Finding {
    /// Breaking on either axis.
    pub fn is_breaking(&self) -> bool {
        self.wire == Verdict::Breaking || self.rust == Verdict::Breaking
    }

    /// Breaking and not acknowledged: what `--fail-on breaking` fails on.
    pub fn needs_ack(&self) -> bool {
        self.is_breaking() && self.acknowledged.is_none()
    }

    /// The worse of the two verdicts.
    pub fn worst(&self) -> Verdict {
        self.wire.max(self.rust)
    }

    /// The heading this finding is grouped under: `service/command`, `service`, `types` (shared
    /// types) or `errors`.
    pub fn group(&self) -> String {
        match (&self.service, &self.command) {
            (Some(s), Some(c)) => format!("{s}/{c}"),
            (Some(s), None) => s.clone(),
            (None, _) if self.location.starts_with("errors") => "errors".into(),
            (None, _) => "types".into(),
        }
    }

    fn sort_key(&self) -> (u8, Option<&str>, Option<&str>) {
        let section = match (&self.service, self.location.starts_with("errors")) {
            (Some(_), _) => 0,
            (None, false) => 1,
            (None, true) => 2,
        };
        (section, self.service.as_deref(), self.command.as_deref())
    }
}

/// Every change from `old` to `new`, grouped by service and command (services and commands in name
/// order, then shared types, then error codes) and in file order within a group. At most one
/// finding per rule and location: details of the same rule at the same place are joined.
pub fn diff(old: &Catalogue, new: &Catalogue) -> Vec<Finding> {
    let mut d = Differ { old, new, old_reach: Reach::of(old), new_reach: Reach::of(new), out: Vec::new() };
    d.services();
    d.named_types(&old.shared, &new.shared, &Loc::shared());
    d.errors();
    finish(d.out)
}

fn finish(found: Vec<Finding>) -> Vec<Finding> {
    let mut out: Vec<Finding> = Vec::new();
    for f in found {
        match out.iter_mut().find(|e| e.rule == f.rule && e.location == f.location) {
            Some(e) => {
                e.detail = format!("{}; {}", e.detail, f.detail);
                e.wire = e.wire.max(f.wire);
                e.rust = e.rust.max(f.rust);
            }
            None => out.push(f),
        }
    }
    out.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    out
}

/// Where a finding is: the location string plus the service and command it belongs to.
#[derive(Debug, Clone)]
struct Loc {
    service: Option<String>,
    command: Option<String>,
    path: String,
}

impl Loc {
    fn service(s: &str) -> Loc {
        Loc { service: Some(s.into()), command: None, path: s.into() }
    }
    fn command(s: &str, c: &str) -> Loc {
        Loc { service: Some(s.into()), command: Some(c.into()), path: format!("{s}/{c}") }
    }
    fn shared() -> Loc {
        Loc { service: None, command: None, path: "types".into() }
    }
    fn errors() -> Loc {
        Loc { service: None, command: None, path: "errors".into() }
    }
    /// `self` followed by `sep` and `part`.
    fn join(&self, sep: &str, part: &str) -> Loc {
        Loc { service: self.service.clone(), command: self.command.clone(), path: format!("{}{sep}{part}", self.path) }
    }
    fn dot(&self, part: &str) -> Loc {
        self.join(".", part)
    }
}

/// Which directions an object travels in.
#[derive(Debug, Clone, Copy)]
struct Usage {
    request: bool,
    response: bool,
}

impl Usage {
    /// The wire verdict for a change that is `sent` when sent and `read` when read; compatible for a
    /// type no command uses.
    fn worst(self, sent: Verdict, read: Verdict) -> Verdict {
        let mut v = Verdict::Compatible;
        if self.request {
            v = v.max(sent);
        }
        if self.response {
            v = v.max(read);
        }
        v
    }
    fn describe(self) -> &'static str {
        match (self.request, self.response) {
            (true, true) => " (sent and read)",
            (true, false) => "",
            (false, true) => "",
            (false, false) => " (the type is not used by any command)",
        }
    }
}

/// How a type expression changed.
enum TyChange {
    Same,
    /// Both inline objects: compare their fields.
    Inline(TypeId, TypeId),
    /// Same wire shape, another Rust type.
    RustOnly,
    Widened,
    Narrowed,
    Changed,
}

/// The value range of an integer kind.
fn int_range(s: Scalar) -> Option<(i128, i128)> {
    Some(match s {
        Scalar::I32 => (i32::MIN.into(), i32::MAX.into()),
        Scalar::U32 => (0, u32::MAX.into()),
        Scalar::I64 => (i64::MIN.into(), i64::MAX.into()),
        Scalar::U64 => (0, u64::MAX.into()),
        _ => return None,
    })
}

/// The longest text shown in a detail.
const MAX_TEXT: usize = 60;

/// Collapses whitespace and shortens `s` for a one-line detail.
fn short(s: &str) -> String {
    let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if s.chars().count() > MAX_TEXT { format!("{}…", s.chars().take(MAX_TEXT).collect::<String>()) } else { s }
}

/// Two versions of a text, quoted, each cut to an excerpt around the first difference when long.
fn delta(old: &str, new: &str) -> (String, String) {
    let collapse = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ").chars().collect::<Vec<char>>();
    let (a, b) = (collapse(old), collapse(new));
    if a.len() <= MAX_TEXT && b.len() <= MAX_TEXT {
        return (format!("\"{}\"", a.iter().collect::<String>()), format!("\"{}\"", b.iter().collect::<String>()));
    }
    let first_diff = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let start = first_diff.saturating_sub(20);
    let excerpt = |v: &[char]| {
        let start = start.min(v.len());
        let end = (start + MAX_TEXT).min(v.len());
        format!(
            "\"{}{}{}\"",
            if start > 0 { "…" } else { "" },
            v[start..end].iter().collect::<String>(),
            if end < v.len() { "…" } else { "" }
        )
    };
    (excerpt(&a), excerpt(&b))
}

fn short_opt(s: Option<&str>) -> String {
    match s {
        Some(s) => format!("\"{}\"", short(s)),
        None => "(none)".into(),
    }
}

/// Keys equal ignoring ASCII case, `_` and `-`.
fn loose_key(k: &str) -> String {
    k.chars().filter(|c| *c != '_' && *c != '-').map(|c| c.to_ascii_lowercase()).collect()
}

/// Which types the commands of a catalogue send and read (computed here rather than taken from
/// [`crate::model::TypeDef::in_request`], which also marks types no command uses, so that they are
/// emitted for both directions).
struct Reach {
    sent: Vec<bool>,
    read: Vec<bool>,
}

impl Reach {
    fn of(cat: &Catalogue) -> Reach {
        let mut r = Reach { sent: vec![false; cat.types.len()], read: vec![false; cat.types.len()] };
        for (_, c) in cat.commands() {
            Self::mark(cat, c.request, &mut r.sent);
            Self::mark(cat, c.response, &mut r.read);
        }
        r
    }

    fn mark(cat: &Catalogue, root: TypeId, seen: &mut [bool]) {
        let mut stack = vec![root];
        while let Some(id) = stack.pop() {
            match seen.get_mut(id) {
                Some(s) if !*s => *s = true,
                _ => continue,
            }
            let mut tys: Vec<&Ty> = Vec::new();
            match &cat.types[id].kind {
                TypeKind::Object(fields) => tys.extend(fields.iter().map(|f| &f.ty)),
                TypeKind::OneOf(alts) => tys.extend(alts.iter().map(|(_, t)| t)),
                TypeKind::Union { variants, .. } => stack.extend(variants.iter().map(|v| v.ty)),
                TypeKind::Enum { .. } => {}
            }
            for mut t in tys {
                while let Ty::Array(inner) | Ty::Map(inner) = t {
                    t = inner;
                }
                if let Ty::Ref(r) = t {
                    stack.push(*r);
                }
            }
        }
    }
}

struct Differ<'a> {
    old: &'a Catalogue,
    new: &'a Catalogue,
    old_reach: Reach,
    new_reach: Reach,
    out: Vec<Finding>,
}

impl Differ<'_> {
    fn push(&mut self, rule: Rule, loc: &Loc, wire: Verdict, rust: Verdict, detail: String) {
        self.out.push(Finding {
            rule,
            location: loc.path.clone(),
            service: loc.service.clone(),
            command: loc.command.clone(),
            wire,
            rust,
            detail,
            acknowledged: None,
        });
    }

    fn doc_change(&mut self, loc: &Loc, what: &str, old: Option<&str>, new: Option<&str>) {
        if old == new {
            return;
        }
        let (a, b) = match (old, new) {
            (Some(a), Some(b)) => delta(a, b),
            (a, b) => (short_opt(a), short_opt(b)),
        };
        self.push(Rule::DocChanged, loc, Verdict::Compatible, Verdict::Compatible, format!("{what}: {a} → {b}"));
    }

    fn services(&mut self) {
        let (old, new) = (self.old, self.new);
        let mut names: Vec<&str> = new.services.iter().map(|s| s.wire.as_str()).collect();
        names.extend(old.services.iter().map(|s| s.wire.as_str()).filter(|w| !new.services.iter().any(|s| s.wire == *w)));
        for name in names {
            let o = old.services.iter().position(|s| s.wire == name);
            let n = new.services.iter().position(|s| s.wire == name);
            let loc = Loc::service(name);
            match (o, n) {
                (None, Some(n)) => {
                    let s = &new.services[n];
                    let cmds: Vec<String> = s.commands.iter().map(|c| format!("`{}`", c.wire)).collect();
                    self.push(
                        Rule::ServiceAdded,
                        &loc,
                        Verdict::Compatible,
                        Verdict::Compatible,
                        format!("{} ({}), module `{}`: {} command(s): {}", s.title.en, s.title.zh, s.module, cmds.len(), cmds.join(", ")),
                    );
                }
                (Some(o), None) => {
                    let s = &old.services[o];
                    self.push(
                        Rule::ServiceRemoved,
                        &loc,
                        Verdict::Breaking,
                        Verdict::Breaking,
                        format!("module `{}` and its {} command(s) removed", s.module, s.commands.len()),
                    );
                }
                (Some(o), Some(n)) => self.service(o, n, &loc),
                (None, None) => {}
            }
        }
    }

    fn service(&mut self, oi: usize, ni: usize, loc: &Loc) {
        let (os, ns) = (&self.old.services[oi], &self.new.services[ni]);
        if os.module != ns.module {
            self.push(
                Rule::RustNameChanged,
                loc,
                Verdict::Compatible,
                Verdict::Breaking,
                format!("module and feature `{}` → `{}` (handle `{}` → `{}`)", os.module, ns.module, os.handle, ns.handle),
            );
        }
        self.doc_change(loc, "title.en", Some(&os.title.en), Some(&ns.title.en));
        self.doc_change(loc, "title.zh", Some(&os.title.zh), Some(&ns.title.zh));
        self.doc_change(loc, "description", os.description.as_deref(), ns.description.as_deref());
        let named = |cat: &Catalogue, ids: &[TypeId]| -> Vec<TypeId> {
            ids.iter().copied().filter(|id| cat.types[*id].role == Role::Named).collect()
        };
        let (ot, nt) = (named(self.old, &os.types), named(self.new, &ns.types));
        self.named_types(&ot, &nt, &loc.join(" ", "types"));
        for nc in &ns.commands {
            let cloc = Loc::command(&ns.wire, &nc.wire);
            match os.commands.iter().find(|c| c.wire == nc.wire) {
                Some(oc) => self.command(oc, nc, &cloc),
                None => self.push(
                    Rule::CommandAdded,
                    &cloc,
                    Verdict::Compatible,
                    Verdict::Compatible,
                    format!("{}: `client.{}().{}(&{})`", nc.title.en, ns.module, nc.fn_name, self.new.types[nc.request].name),
                ),
            }
        }
        for oc in &os.commands {
            if !ns.commands.iter().any(|c| c.wire == oc.wire) {
                let cloc = Loc::command(&os.wire, &oc.wire);
                self.push(
                    Rule::CommandRemoved,
                    &cloc,
                    Verdict::Breaking,
                    Verdict::Breaking,
                    format!("{}: `{}::{}` and its request and response types removed", oc.title.en, os.handle, oc.fn_name),
                );
            }
        }
    }

    fn command(&mut self, oc: &crate::model::Command, nc: &crate::model::Command, loc: &Loc) {
        if oc.fn_name != nc.fn_name {
            self.push(
                Rule::RustNameChanged,
                loc,
                Verdict::Compatible,
                Verdict::Breaking,
                format!(
                    "function `{}` → `{}` (types `{}`/`{}` → `{}`/`{}`)",
                    oc.fn_name,
                    nc.fn_name,
                    self.old.types[oc.request].name,
                    self.old.types[oc.response].name,
                    self.new.types[nc.request].name,
                    self.new.types[nc.response].name
                ),
            );
        }
        self.doc_change(loc, "title.en", Some(&oc.title.en), Some(&nc.title.en));
        self.doc_change(loc, "title.zh", Some(&oc.title.zh), Some(&nc.title.zh));
        self.doc_change(loc, "doc", Some(&oc.doc), Some(&nc.doc));
        self.doc_change(loc, "doc_en", oc.doc_en.as_deref(), nc.doc_en.as_deref());
        self.doc_change(loc, "description", oc.description.as_deref(), nc.description.as_deref());
        if oc.retry != nc.retry {
            self.push(
                Rule::RetryClassChanged,
                loc,
                Verdict::Risky,
                Verdict::Compatible,
                format!("retry `{}` → `{}`", oc.retry.spelling(), nc.retry.spelling()),
            );
        }
        let (or, nr) = (results_desc(self.old, oc), results_desc(self.new, nc));
        if or != nr {
            let show = |v: &[String]| if v.is_empty() { "(none)".to_owned() } else { v.join(", ") };
            self.push(Rule::ResultsChanged, loc, Verdict::Risky, Verdict::Compatible, format!("results {} → {}", show(&or), show(&nr)));
        }
        let oe: Vec<ExampleKey<'_>> = oc.examples.iter().map(example_key).collect();
        let ne: Vec<ExampleKey<'_>> = nc.examples.iter().map(example_key).collect();
        if oe != ne {
            let changed: Vec<String> = (0..oe.len().min(ne.len())).filter(|i| oe[*i] != ne[*i]).map(|i| format!("#{}", i + 1)).collect();
            let mut parts = Vec::new();
            if oe.len() != ne.len() {
                parts.push(format!("{} example(s) → {}", oe.len(), ne.len()));
            }
            if !changed.is_empty() {
                parts.push(format!("changed: {}", changed.join(", ")));
            }
            self.push(Rule::ExampleChanged, loc, Verdict::Compatible, Verdict::Compatible, parts.join("; "));
        }
        self.object(oc.request, nc.request, &loc.join(" ", "request"));
        self.object(oc.response, nc.response, &loc.join(" ", "response"));
    }

    /// The directions an object travels in, in either catalogue.
    fn usage(&self, o: TypeId, n: TypeId) -> Usage {
        let (a, b) = (&self.old_reach, &self.new_reach);
        Usage { request: a.sent[o] || b.sent[n], response: a.read[o] || b.read[n] }
    }

    /// Compares two object types field by field.
    fn object(&mut self, o: TypeId, n: TypeId, loc: &Loc) {
        let (old, new) = (self.old, self.new);
        let (of, nf) = (old.fields(o), new.fields(n));
        let usage = self.usage(o, n);
        let removed: Vec<&Field> = of.iter().filter(|f| !nf.iter().any(|g| g.wire == f.wire)).collect();
        let added: Vec<&Field> = nf.iter().filter(|g| !of.iter().any(|f| f.wire == g.wire)).collect();
        let mut paired = vec![false; added.len()];
        let mut renames = Vec::new();
        let mut gone = Vec::new();
        for r in removed {
            let hit = added.iter().enumerate().position(|(i, a)| !paired[i] && self.is_rename(r, a));
            match hit {
                Some(i) => {
                    paired[i] = true;
                    renames.push((r, added[i]));
                }
                None => gone.push(r),
            }
        }
        for g in nf {
            if let Some(f) = of.iter().find(|f| f.wire == g.wire) {
                self.field(f, g, o, n, &loc.dot(&g.wire), usage);
            } else if let Some(i) = added.iter().position(|a| a.wire == g.wire)
                && !paired[i]
            {
                self.field_added(g, n, &loc.dot(&g.wire), usage);
            }
        }
        for f in gone {
            self.field_removed(f, &loc.dot(&f.wire), usage);
        }
        for (f, g) in renames {
            self.field_renamed(f, g, &loc.dot(&f.wire), usage);
        }
    }

    fn is_rename(&self, f: &Field, g: &Field) -> bool {
        if f.optional != g.optional || !self.wire_eq(&f.ty, &g.ty, &mut HashSet::new()) {
            return false;
        }
        let same_key = loose_key(&f.wire) == loose_key(&g.wire);
        let same_doc = matches!((&f.doc, &g.doc), (Some(a), Some(b)) if !a.trim().is_empty() && a.trim() == b.trim());
        same_key || same_doc
    }

    fn field_added(&mut self, g: &Field, n: TypeId, loc: &Loc, usage: Usage) {
        let ctor = self.new.types[n].is_new_param(g);
        let rust = if ctor { Verdict::Breaking } else { Verdict::Compatible };
        let ty = self.describe(self.new, &g.ty, g.optional);
        let ctor_note = if ctor { format!("; `{}::new` gains a parameter", self.new.types[n].name) } else { String::new() };
        if usage.request {
            if g.optional {
                self.push(
                    Rule::RequestFieldAddedOptional,
                    loc,
                    Verdict::Compatible,
                    rust,
                    format!("`{}: {ty}` added (setter `{}`)", g.wire, g.rust),
                );
            } else {
                let auto = if g.auto.is_some() { " (`auto: random`: `new` fills it in)" } else { "" };
                self.push(
                    Rule::RequestFieldAddedRequired,
                    loc,
                    Verdict::Breaking,
                    rust,
                    format!("`{}: {ty}` added{auto}{ctor_note}", g.wire),
                );
            }
        }
        if usage.response || !usage.request {
            self.push(
                Rule::ResponseFieldAdded,
                loc,
                Verdict::Compatible,
                rust,
                format!("`{}: {ty}` added{ctor_note}{}", g.wire, if usage.response { "" } else { usage.describe() }),
            );
        }
    }

    fn field_removed(&mut self, f: &Field, loc: &Loc, usage: Usage) {
        let ty = self.describe(self.old, &f.ty, f.optional);
        if usage.request {
            self.push(
                Rule::RequestFieldRemoved,
                loc,
                Verdict::Risky,
                Verdict::Breaking,
                format!("`{}: {ty}` removed (Rust field `{}`)", f.wire, f.rust),
            );
        }
        if usage.response || !usage.request {
            let decode_fails = !f.optional && !f.ty.is_collection();
            let wire = match (usage.response, decode_fails) {
                (false, _) => Verdict::Compatible,
                (true, true) => Verdict::Breaking,
                (true, false) => Verdict::Risky,
            };
            let why = match (usage.response, decode_fails) {
                (false, _) => usage.describe(),
                (true, true) => "; old readers fail to decode replies without it",
                (true, false) => "; old readers see it as absent",
            };
            self.push(
                Rule::ResponseFieldRemoved,
                loc,
                wire,
                Verdict::Breaking,
                format!("`{}: {ty}` removed (Rust field `{}`){why}", f.wire, f.rust),
            );
        }
    }

    fn field_renamed(&mut self, f: &Field, g: &Field, loc: &Loc, usage: Usage) {
        let same_rust = f.rust == g.rust && self.rust_ty(self.old, &f.ty) == self.rust_ty(self.new, &g.ty);
        let why = if loose_key(&f.wire) == loose_key(&g.wire) { "same key ignoring case and `_`" } else { "same type and doc" };
        let rust_note =
            if f.rust == g.rust { format!("Rust field `{}` kept", g.rust) } else { format!("Rust field `{}` → `{}`", f.rust, g.rust) };
        self.push(
            Rule::FieldRenamed,
            loc,
            usage.worst(Verdict::Breaking, Verdict::Breaking),
            if same_rust { Verdict::Compatible } else { Verdict::Breaking },
            format!("`{}` → `{}` ({why}); {rust_note}{}", f.wire, g.wire, usage.describe()),
        );
    }

    /// A field present in both catalogues.
    fn field(&mut self, f: &Field, g: &Field, o: TypeId, n: TypeId, loc: &Loc, usage: Usage) {
        if f.optional != g.optional {
            let ty = self.rust_ty(self.new, &g.ty);
            if usage.request {
                if g.optional {
                    self.push(
                        Rule::RequestFieldBecameOptional,
                        loc,
                        Verdict::Compatible,
                        Verdict::Breaking,
                        format!("`{}` is now optional: `{ty}` → `Option<{ty}>`, no longer a `new` parameter", g.wire),
                    );
                } else {
                    self.push(
                        Rule::RequestFieldBecameRequired,
                        loc,
                        Verdict::Breaking,
                        Verdict::Breaking,
                        format!("`{}` is now required: `Option<{ty}>` → `{ty}`", g.wire),
                    );
                }
            }
            if usage.response || !usage.request {
                if g.optional {
                    let wire = if !usage.response || f.ty.is_collection() { Verdict::Compatible } else { Verdict::Breaking };
                    let why = if !usage.response {
                        usage.describe()
                    } else if f.ty.is_collection() {
                        "; absent already read as empty"
                    } else {
                        "; old readers fail to decode replies without it"
                    };
                    self.push(
                        Rule::ResponseFieldBecameOptional,
                        loc,
                        wire,
                        Verdict::Breaking,
                        format!("`{}` may now be absent: `{ty}` → `Option<{ty}>`{why}", g.wire),
                    );
                } else {
                    self.push(
                        Rule::ResponseFieldBecameRequired,
                        loc,
                        Verdict::Compatible,
                        Verdict::Breaking,
                        format!("`{}` is now always present: `Option<{ty}>` → `{ty}`", g.wire),
                    );
                }
            }
        }
        self.ty_change(&f.ty, &g.ty, loc, usage, &g.wire);
        if f.rust != g.rust {
            self.push(
                Rule::RustNameChanged,
                loc,
                Verdict::Compatible,
                Verdict::Breaking,
                format!("Rust field `{}` → `{}`", f.rust, g.rust),
            );
        }
        self.doc_change(loc, "doc", f.doc.as_deref(), g.doc.as_deref());
        if f.sensitive != g.sensitive {
            let now = if g.sensitive { "now redacted in `Debug`" } else { "no longer redacted in `Debug`" };
            self.push(Rule::SensitiveChanged, loc, Verdict::Compatible, Verdict::Compatible, format!("`{}` {now}", g.wire));
        }
        if f.aliases != g.aliases {
            let keys = |v: &[String]| {
                if v.is_empty() { "no other key".to_owned() } else { v.iter().map(|a| format!("`{a}`")).collect::<Vec<_>>().join(", ") }
            };
            let removed = f.aliases.iter().any(|a| !g.aliases.contains(a));
            self.push(
                Rule::AliasesChanged,
                loc,
                if removed { Verdict::Risky } else { Verdict::Compatible },
                Verdict::Compatible,
                format!("`{}` is read from {} (was {})", g.wire, keys(&g.aliases), keys(&f.aliases)),
            );
        }
        if f.auto != g.auto {
            let (was, now) = (self.old.types[o].is_new_param(f), self.new.types[n].is_new_param(g));
            let what = if g.auto.is_some() { "is now `auto: random`" } else { "is no longer `auto: random`" };
            let ctor = match (was, now) {
                (true, false) => "; it leaves `new(...)`",
                (false, true) => "; it joins `new(...)`",
                _ => "",
            };
            self.push(
                Rule::AutoChanged,
                loc,
                Verdict::Compatible,
                if was != now { Verdict::Breaking } else { Verdict::Compatible },
                format!("`{}` {what}{ctor}", g.wire),
            );
        }
    }

    /// Reports a renamed Rust variant of an enum or union (same wire value or tag).
    fn variant_renamed(&mut self, loc: &Loc, type_name: &str, old: &str, new: &str) {
        if old != new {
            self.push(
                Rule::RustNameChanged,
                loc,
                Verdict::Compatible,
                Verdict::Breaking,
                format!("variant `{type_name}::{old}` → `{type_name}::{new}`"),
            );
        }
    }

    /// Reports how a member's type changed (field, union variant or `oneof` alternative).
    fn ty_change(&mut self, ot: &Ty, nt: &Ty, loc: &Loc, usage: Usage, what: &str) {
        let (od, nd) = (self.describe(self.old, ot, false), self.describe(self.new, nt, false));
        match self.classify(ot, nt) {
            TyChange::Same => {}
            TyChange::Inline(oi, ni) => {
                let (on, nn) = (&self.old.types[oi].name, &self.new.types[ni].name);
                if on != nn {
                    self.push(
                        Rule::RustNameChanged,
                        loc,
                        Verdict::Compatible,
                        Verdict::Breaking,
                        format!("Rust type of `{what}` `{on}` → `{nn}`"),
                    );
                }
                self.object(oi, ni, loc);
            }
            TyChange::RustOnly => {
                let (or, nr) = (self.rust_ty(self.old, ot), self.rust_ty(self.new, nt));
                self.push(
                    Rule::RustNameChanged,
                    loc,
                    Verdict::Compatible,
                    Verdict::Breaking,
                    format!("Rust type of `{what}` `{or}` → `{nr}` (same wire shape)"),
                );
            }
            TyChange::Widened => self.push(
                Rule::IntegerWidened,
                loc,
                usage.worst(Verdict::Compatible, Verdict::Breaking),
                Verdict::Breaking,
                format!(
                    "`{what}` `{od}` → `{nd}`{}",
                    if usage.response { "; old readers fail on values beyond the old range" } else { usage.describe() }
                ),
            ),
            TyChange::Narrowed => self.push(
                Rule::IntegerNarrowed,
                loc,
                usage.worst(Verdict::Breaking, Verdict::Compatible),
                Verdict::Breaking,
                format!(
                    "`{what}` `{od}` → `{nd}`{}",
                    if usage.request { "; old clients may send values beyond the new range" } else { usage.describe() }
                ),
            ),
            TyChange::Changed => self.push(
                Rule::FieldTypeChanged,
                loc,
                usage.worst(Verdict::Breaking, Verdict::Breaking),
                Verdict::Breaking,
                format!("`{what}` `{od}` → `{nd}`{}", usage.describe()),
            ),
        }
    }

    fn classify(&self, ot: &Ty, nt: &Ty) -> TyChange {
        match (ot, nt) {
            (Ty::Array(a), Ty::Array(b)) | (Ty::Map(a), Ty::Map(b)) => self.classify(a, b),
            (Ty::Scalar(a), Ty::Scalar(b)) => {
                if a == b {
                    return TyChange::Same;
                }
                match (int_range(*a), int_range(*b)) {
                    (Some((amin, amax)), Some((bmin, bmax))) => {
                        if bmin <= amin && bmax >= amax {
                            TyChange::Widened
                        } else if bmin >= amin && bmax <= amax {
                            TyChange::Narrowed
                        } else {
                            TyChange::Changed
                        }
                    }
                    _ => TyChange::Changed,
                }
            }
            (Ty::Ref(a), Ty::Ref(b)) => {
                let (ta, tb) = (&self.old.types[*a], &self.new.types[*b]);
                if ta.role == Role::Inline && tb.role == Role::Inline {
                    if matches!((&ta.kind, &tb.kind), (TypeKind::Object(_), TypeKind::Object(_))) {
                        return TyChange::Inline(*a, *b);
                    }
                    return TyChange::Changed;
                }
                if ta.role == Role::Named && tb.role == Role::Named && named_key(self.old, *a) == named_key(self.new, *b) {
                    return TyChange::Same;
                }
                if self.wire_eq(ot, nt, &mut HashSet::new()) { TyChange::RustOnly } else { TyChange::Changed }
            }
            _ => TyChange::Changed,
        }
    }

    /// Whether an old and a new type expression have the same JSON shape (names do not matter).
    fn wire_eq(&self, ot: &Ty, nt: &Ty, seen: &mut HashSet<(TypeId, TypeId)>) -> bool {
        match (ot, nt) {
            (Ty::Scalar(a), Ty::Scalar(b)) => a == b,
            (Ty::Array(a), Ty::Array(b)) | (Ty::Map(a), Ty::Map(b)) => self.wire_eq(a, b, seen),
            (Ty::Ref(a), Ty::Ref(b)) => {
                if !seen.insert((*a, *b)) {
                    return true;
                }
                match (&self.old.types[*a].kind, &self.new.types[*b].kind) {
                    (TypeKind::Object(fa), TypeKind::Object(fb)) => {
                        fa.len() == fb.len()
                            && fa.iter().all(|f| {
                                fb.iter()
                                    .find(|g| g.wire == f.wire)
                                    .is_some_and(|g| g.optional == f.optional && self.wire_eq(&f.ty, &g.ty, seen))
                            })
                    }
                    // Enums are open: a new type that knows every old value (and maybe more) reads and
                    // writes everything the old one did.
                    (TypeKind::Enum { base: ba, values: va }, TypeKind::Enum { base: bb, values: vb }) => {
                        ba == bb && va.iter().all(|v| vb.iter().any(|w| w.wire == v.wire))
                    }
                    (TypeKind::Union { tag: ta, content: ca, variants: va }, TypeKind::Union { tag: tb, content: cb, variants: vb }) => {
                        ta == tb
                            && ca == cb
                            && va.len() == vb.len()
                            && va.iter().all(|v| {
                                vb.iter().find(|w| w.tag == v.tag).is_some_and(|w| self.wire_eq(&Ty::Ref(v.ty), &Ty::Ref(w.ty), seen))
                            })
                    }
                    (TypeKind::OneOf(aa), TypeKind::OneOf(ab)) => {
                        aa.len() == ab.len() && aa.iter().zip(ab).all(|((_, x), (_, y))| self.wire_eq(x, y, seen))
                    }
                    _ => false,
                }
            }
            _ => false,
        }
    }

    /// The spec spelling of a type, with `?` when optional.
    fn describe(&self, cat: &Catalogue, t: &Ty, optional: bool) -> String {
        let s = cat.spelling(t);
        if optional { format!("{s}?") } else { s }
    }

    /// The Rust spelling of a type, with module-qualified type names.
    fn rust_ty(&self, cat: &Catalogue, t: &Ty) -> String {
        match t {
            Ty::Scalar(s) => match s {
                Scalar::String => "String".into(),
                Scalar::Json => "serde_json::Value".into(),
                other => other.spelling().into(),
            },
            Ty::Ref(id) => {
                let td = &cat.types[*id];
                match td.owner {
                    Owner::Shared => format!("types::{}", td.name),
                    Owner::Service(s) => format!("{}::{}", cat.services[s].module, td.name),
                    Owner::Callbacks(g) => format!("callbacks::{}::{}", cat.callbacks[g].module, td.name),
                }
            }
            Ty::Array(t) => format!("Vec<{}>", self.rust_ty(cat, t)),
            Ty::Map(t) => format!("BTreeMap<String, {}>", self.rust_ty(cat, t)),
        }
    }

    /// Compares two lists of named types, matched by name.
    fn named_types(&mut self, old_ids: &[TypeId], new_ids: &[TypeId], prefix: &Loc) {
        let (old, new) = (self.old, self.new);
        for &n in new_ids {
            let name = &new.types[n].name;
            let loc = prefix.dot(name);
            match old_ids.iter().copied().find(|o| &old.types[*o].name == name) {
                Some(o) => self.named_type(o, n, &loc),
                None => self.push(
                    Rule::TypeAdded,
                    &loc,
                    Verdict::Compatible,
                    Verdict::Compatible,
                    format!("{} `{name}` added", kind_name(&new.types[n].kind)),
                ),
            }
        }
        for &o in old_ids {
            let name = &old.types[o].name;
            if !new_ids.iter().any(|n| &new.types[*n].name == name) {
                self.push(
                    Rule::TypeRemoved,
                    &prefix.dot(name),
                    Verdict::Compatible,
                    Verdict::Breaking,
                    format!("{} `{name}` removed", kind_name(&old.types[o].kind)),
                );
            }
        }
    }

    fn named_type(&mut self, o: TypeId, n: TypeId, loc: &Loc) {
        let (old, new) = (self.old, self.new);
        let (ot, nt) = (&old.types[o], &new.types[n]);
        let usage = self.usage(o, n);
        self.doc_change(loc, "doc", ot.doc.as_deref(), nt.doc.as_deref());
        self.direction(o, n, loc);
        match (&ot.kind, &nt.kind) {
            (TypeKind::Object(_), TypeKind::Object(_)) => self.object(o, n, loc),
            (TypeKind::Enum { base: ob, values: ov }, TypeKind::Enum { base: nb, values: nv }) => {
                if ob != nb {
                    self.push(
                        Rule::TypeKindChanged,
                        loc,
                        usage.worst(Verdict::Breaking, Verdict::Breaking),
                        Verdict::Breaking,
                        format!("enum base `{}` → `{}`{}", ob.spelling(), nb.spelling(), usage.describe()),
                    );
                }
                for v in nv {
                    let vloc = loc.dot(&v.wire);
                    match ov.iter().find(|x| x.wire == v.wire) {
                        None => self.push(
                            Rule::EnumValueAdded,
                            &vloc,
                            Verdict::Compatible,
                            Verdict::Compatible,
                            format!("value `{}` added (variant `{}`)", v.wire, v.rust),
                        ),
                        Some(x) => {
                            self.variant_renamed(&vloc, &nt.name, &x.rust, &v.rust);
                            self.doc_change(&vloc, "doc", x.doc.as_deref(), v.doc.as_deref());
                        }
                    }
                }
                for x in ov {
                    if !nv.iter().any(|v| v.wire == x.wire) {
                        self.push(
                            Rule::EnumValueRemoved,
                            &loc.dot(&x.wire),
                            usage.worst(Verdict::Breaking, Verdict::Compatible),
                            Verdict::Breaking,
                            format!("value `{}` removed (variant `{}`){}", x.wire, x.rust, sent_note(usage)),
                        );
                    }
                }
            }
            (
                TypeKind::Union { tag: otag, content: ocontent, variants: ov },
                TypeKind::Union { tag: ntag, content: ncontent, variants: nv },
            ) => {
                if otag != ntag || ocontent != ncontent {
                    self.push(
                        Rule::TypeKindChanged,
                        loc,
                        usage.worst(Verdict::Breaking, Verdict::Breaking),
                        Verdict::Breaking,
                        format!("union keys `{otag}`/`{ocontent}` → `{ntag}`/`{ncontent}`{}", usage.describe()),
                    );
                }
                for v in nv {
                    let vloc = loc.dot(&v.tag);
                    match ov.iter().find(|x| x.tag == v.tag) {
                        None => self.push(
                            Rule::UnionVariantAdded,
                            &vloc,
                            Verdict::Compatible,
                            Verdict::Compatible,
                            format!("variant `{}` added (`{}::{}({})`)", v.tag, nt.name, v.rust, new.types[v.ty].name),
                        ),
                        Some(x) => {
                            self.ty_change(&Ty::Ref(x.ty), &Ty::Ref(v.ty), &vloc, usage, &v.tag);
                            self.variant_renamed(&vloc, &nt.name, &x.rust, &v.rust);
                            self.doc_change(&vloc, "doc", x.doc.as_deref(), v.doc.as_deref());
                        }
                    }
                }
                for x in ov {
                    if !nv.iter().any(|v| v.tag == x.tag) {
                        self.push(
                            Rule::UnionVariantRemoved,
                            &loc.dot(&x.tag),
                            usage.worst(Verdict::Breaking, Verdict::Compatible),
                            Verdict::Breaking,
                            format!("variant `{}` removed (`{}::{}`){}", x.tag, ot.name, x.rust, sent_note(usage)),
                        );
                    }
                }
            }
            (TypeKind::OneOf(oa), TypeKind::OneOf(na)) => {
                for (name, t) in na {
                    let vloc = loc.dot(name);
                    match oa.iter().find(|(x, _)| x == name) {
                        None => self.push(
                            Rule::UnionVariantAdded,
                            &vloc,
                            Verdict::Compatible,
                            Verdict::Compatible,
                            format!("alternative `{name}: {}` added", self.describe(new, t, false)),
                        ),
                        Some((_, ot)) => self.ty_change(ot, t, &vloc, usage, name),
                    }
                }
                for (name, t) in oa {
                    if !na.iter().any(|(x, _)| x == name) {
                        self.push(
                            Rule::UnionVariantRemoved,
                            &loc.dot(name),
                            usage.worst(Verdict::Breaking, Verdict::Compatible),
                            Verdict::Breaking,
                            format!("alternative `{name}: {}` removed{}", self.describe(old, t, false), sent_note(usage)),
                        );
                    }
                }
                let common_old: Vec<&str> = oa.iter().map(|(x, _)| x.as_str()).filter(|x| na.iter().any(|(y, _)| y == x)).collect();
                let common_new: Vec<&str> = na.iter().map(|(x, _)| x.as_str()).filter(|x| oa.iter().any(|(y, _)| y == x)).collect();
                if common_old != common_new {
                    self.push(
                        Rule::OneofOrderChanged,
                        loc,
                        usage.worst(Verdict::Risky, Verdict::Risky),
                        Verdict::Compatible,
                        format!("alternatives tried in order {} → {}", common_old.join(", "), common_new.join(", ")),
                    );
                }
            }
            (a, b) => self.push(
                Rule::TypeKindChanged,
                loc,
                usage.worst(Verdict::Breaking, Verdict::Breaking),
                Verdict::Breaking,
                format!("{} → {}{}", kind_name(a), kind_name(b), usage.describe()),
            ),
        }
    }

    /// A named type whose serde directions change gains or loses serde impls. The directions are the
    /// model's ([`crate::model::TypeDef::serde_directions`]): from where the type is used, and both
    /// for a type no command uses, as the emitter derives them.
    fn direction(&mut self, o: TypeId, n: TypeId, loc: &Loc) {
        let (ot, nt) = (&self.old.types[o], &self.new.types[n]);
        let (od, nd) = (ot.serde_directions(), nt.serde_directions());
        if od == nd {
            return;
        }
        let spell = |sent: bool, read: bool| match (sent, read) {
            (true, true) => "sent and read",
            (true, false) => "only sent",
            (false, true) => "only read",
            (false, false) => "unused",
        };
        let mut lost = Vec::new();
        if od.ser_always && !nd.ser_always {
            lost.push("`Serialize`");
        }
        if od.de_always && !nd.de_always {
            lost.push("`Deserialize`");
        }
        let effect = if lost.is_empty() {
            "gains serde impls".to_owned()
        } else {
            format!("loses {} (kept behind the `codec` feature)", lost.join(" and "))
        };
        self.push(
            Rule::TypeDirectionChanged,
            loc,
            Verdict::Compatible,
            if lost.is_empty() { Verdict::Compatible } else { Verdict::Breaking },
            format!("{} → {}: {effect}", spell(ot.in_request, ot.in_response), spell(nt.in_request, nt.in_response)),
        );
    }

    fn errors(&mut self) {
        let (old, new) = (self.old, self.new);
        let base = Loc::errors();
        for e in &new.errors {
            let loc = base.dot(&e.code.to_string());
            match old.errors.iter().find(|x| x.code == e.code) {
                None => self.push(
                    Rule::ErrorCodeAdded,
                    &loc,
                    Verdict::Compatible,
                    Verdict::Compatible,
                    format!("`{}` ({}), class `{}`: {}", e.constant, e.family, e.class.variant().to_ascii_lowercase(), short(&e.en)),
                ),
                Some(x) => {
                    if x.class != e.class {
                        self.push(
                            Rule::RetryClassChanged,
                            &loc,
                            Verdict::Risky,
                            Verdict::Compatible,
                            format!("class `{}` → `{}`", x.class.variant().to_ascii_lowercase(), e.class.variant().to_ascii_lowercase()),
                        );
                    }
                    if x.constant != e.constant {
                        self.push(
                            Rule::RustNameChanged,
                            &loc,
                            Verdict::Compatible,
                            Verdict::Breaking,
                            format!("constant `error_codes::{}` → `error_codes::{}`", x.constant, e.constant),
                        );
                    }
                    self.doc_change(&loc, "family", Some(&x.family), Some(&e.family));
                    self.doc_change(&loc, "en", Some(&x.en), Some(&e.en));
                    self.doc_change(&loc, "zh", Some(&x.zh), Some(&e.zh));
                }
            }
        }
        for x in &old.errors {
            if !new.errors.iter().any(|e| e.code == x.code) {
                self.push(
                    Rule::ErrorCodeRemoved,
                    &base.dot(&x.code.to_string()),
                    Verdict::Compatible,
                    Verdict::Breaking,
                    format!("`{}` removed", x.constant),
                );
            }
        }
    }
}

/// A named type's identity across catalogues: its service (by wire servicename) and name.
fn named_key(cat: &Catalogue, id: TypeId) -> (Option<&str>, &str) {
    let td = &cat.types[id];
    let owner = match td.owner {
        Owner::Shared => None,
        Owner::Service(s) => cat.services.get(s).map(|s| s.wire.as_str()),
        Owner::Callbacks(g) => cat.callbacks.get(g).map(|g| g.file.as_str()),
    };
    (owner, td.name.as_str())
}

fn kind_name(k: &TypeKind) -> &'static str {
    match k {
        TypeKind::Object(_) => "object",
        TypeKind::Enum { .. } => "enum",
        TypeKind::Union { .. } => "union",
        TypeKind::OneOf(_) => "oneof",
    }
}

fn sent_note(u: Usage) -> &'static str {
    match (u.request, u.response) {
        (true, _) => "; old clients may send it",
        (false, true) => "; only read, the server no longer sends it",
        (false, false) => " (the type is not used by any command)",
    }
}

/// What identifies an example's text: title, note, request and response.
type ExampleKey<'a> = (Option<&'a str>, Option<&'a str>, Option<&'a str>, Option<&'a str>);

fn example_key(e: &crate::model::Example) -> ExampleKey<'_> {
    (e.title.as_deref(), e.note.as_deref(), e.request.as_ref().map(|(t, _)| t.as_str()), e.response.as_ref().map(|(t, _)| t.as_str()))
}

/// The per-item result lists of a command, spelled with wire keys.
fn results_desc(cat: &Catalogue, c: &crate::model::Command) -> Vec<String> {
    let resp = cat.fields(c.response);
    c.results
        .iter()
        .map(|r| {
            let list = resp.get(r.list).map(|f| f.wire.as_str()).unwrap_or("?");
            let item: &[Field] = r.item.map(|i| cat.fields(i)).unwrap_or(&[]);
            let key = |i: Option<usize>| i.and_then(|i| item.get(i)).map(|f| f.wire.as_str());
            let mut parts = vec![format!("list: {list}")];
            for (k, v) in [("id", key(r.id)), ("code", key(r.code)), ("info", key(r.info))] {
                if let Some(v) = v {
                    parts.push(format!("{k}: {v}"));
                }
            }
            if r.code.is_some() {
                parts.push(format!("ok: {:?}", r.ok));
            }
            format!("`{{ {} }}`", parts.join(", "))
        })
        .collect()
}

/// A diff with its two sides' labels and the acknowledgments that matched nothing.
#[derive(Debug, Clone)]
pub struct Report {
    /// What the old side is, e.g. `HEAD` or a folder.
    pub base: String,
    /// What the new side is, e.g. `working tree`.
    pub head: String,
    /// Every finding, acknowledged ones marked.
    pub findings: Vec<Finding>,
    /// Acknowledgments that match no finding (left over from an earlier change).
    pub unused_acks: Vec<Ack>,
    /// The acknowledgments file as shown in messages, when there is one.
    pub acks_file: Option<String>,
}

impl Report {
    /// Findings that are breaking on either axis and not acknowledged.
    pub fn unacknowledged_breaking(&self) -> usize {
        self.findings.iter().filter(|f| f.needs_ack()).count()
    }

    /// Renders the report in `format`.
    pub fn render(&self, format: Format) -> String {
        match format {
            Format::Text => render::text(self),
            Format::Markdown => render::markdown(self),
            Format::Json => render::json(self),
        }
    }
}

/// When `cargo xtask diff` exits non-zero.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailOn {
    /// On any breaking finding (wire or Rust) that is not acknowledged.
    Breaking,
    /// Never: report only.
    None,
}

impl std::str::FromStr for FailOn {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "breaking" => Ok(FailOn::Breaking),
            "none" => Ok(FailOn::None),
            other => Err(format!("--fail-on `{other}`: expected `breaking` or `none`")),
        }
    }
}

/// What went wrong before a diff could be made.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A git command failed (unknown revision, not a repository, git missing).
    #[error("{0}")]
    Git(String),
    /// Reading or writing a file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The failure.
        source: std::io::Error,
    },
    /// One side's catalogue does not validate.
    #[error("the catalogue of {label} has {n} problem(s):\n{diags}", n = .diags.0.len())]
    Spec {
        /// The side, e.g. `HEAD`.
        label: String,
        /// Its problems.
        diags: Diagnostics,
    },
    /// The acknowledgments file is malformed.
    #[error("{0}")]
    Acks(Diagnostics),
}

/// What `cargo xtask diff` was asked to do.
#[derive(Debug, Clone)]
pub struct Options {
    /// The git repository (for revisions and the working tree).
    pub repo: PathBuf,
    /// The old side.
    pub base: SpecSource,
    /// The new side; its `diff-acks.yaml` is used.
    pub head: SpecSource,
    /// Output format.
    pub format: Format,
    /// When to fail.
    pub fail_on: FailOn,
}

/// The result of [`run`].
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The findings.
    pub report: Report,
    /// The rendered report.
    pub output: String,
    /// Whether to exit non-zero (unacknowledged breaking findings with [`FailOn::Breaking`]).
    pub failed: bool,
}

/// Loads both sides, diffs them, applies the head's acknowledgments and renders the report.
pub fn run(opts: &Options) -> Result<Outcome, Error> {
    let base = load(&opts.repo, &opts.base)?;
    let head = load(&opts.repo, &opts.head)?;
    Ok(report(&base, &head, opts.format, opts.fail_on))
}

/// Diffs two loaded sides and renders the result (the part of [`run`] after loading).
pub fn report(base: &LoadedSpec, head: &LoadedSpec, format: Format, fail_on: FailOn) -> Outcome {
    let mut findings = diff(&base.catalogue, &head.catalogue);
    let unused_acks = apply_acks(&mut findings, &head.acks);
    let report = Report { base: base.label.clone(), head: head.label.clone(), findings, unused_acks, acks_file: head.acks_file.clone() };
    let output = report.render(format);
    let failed = fail_on == FailOn::Breaking && report.unacknowledged_breaking() > 0;
    Outcome { report, output, failed }
}
