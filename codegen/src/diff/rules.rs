//! The rule table: every kind of change with its stable id, what it detects and its wire and Rust
//! verdicts and why. The module docs, `RULES.md` and CONTRIBUTING.md show it as [`rules_table`] renders it.

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
    /// A reply becomes, or stops being, only partly typed.
    ReplyPartialChanged = "reply-partial-changed",
        what: "A command's `reply: partial` is set or removed.",
        wire: "compatible: the JSON is the same; only what the SDK types changes",
        rust: "compatible when set (a new public `other` map on the response); **breaking** when removed (the `other` map disappears)";
    /// A command gains a paging rule.
    PagingAdded = "paging-added",
        what: "A command gains a `paging` rule.",
        wire: "compatible: the server's cursors are what they were; the SDK now follows them",
        rust: "compatible: new `_pages` (and `_items`) call functions and trait impls";
    /// A command loses its paging rule.
    PagingRemoved = "paging-removed",
        what: "A command's `paging` rule disappears.",
        wire: "compatible: only the SDK's loop goes",
        rust: "**breaking**: the `_pages` and `_items` call functions disappear";
    /// A paging rule changes.
    PagingChanged = "paging-changed",
        what: "A `paging` rule's items list, page size, cursors or end conditions change.",
        wire: "risky: old clients build the next request or recognise the last page differently (they may stop early or repeat pages)",
        rust: "compatible: same call functions; **breaking** when the items list, and so the item type, changes";
    /// A limit appears.
    LimitAdded = "limit-added",
        what: "A documented limit on a request field appears in `limits`.",
        wire: "compatible: the server enforced it already; old clients learn of it from its error code",
        rust: "compatible: requests over it now fail before sending (`Error::Build`)";
    /// A limit's bound changes.
    LimitChanged = "limit-changed",
        what: "The bound of a limit changes (`max_items`, `max_bytes`, `min`, `max`).",
        wire: "risky when tightened: old clients send requests the server now refuses; compatible when loosened",
        rust: "compatible: the check's bound changes, and a batched call splits into requests of the new size";
    /// A limit disappears.
    LimitRemoved = "limit-removed",
        what: "A limit disappears from `limits`.",
        wire: "compatible",
        rust: "compatible: requests are no longer checked against it";
    /// A request list becomes batched.
    BatchAdded = "batch-added",
        what: "A request list becomes batched (a top-level list with `max_items` and not `batch: false`).",
        wire: "compatible",
        rust: "compatible: a new `_batched` call function (or one more list it splits)";
    /// A request list stops being batched.
    BatchRemoved = "batch-removed",
        what: "A request list stops being batched.",
        wire: "compatible",
        rust: "**breaking** when the command's `_batched` call function disappears; compatible when other lists remain";
    /// A documented rate appears.
    RateAdded = "rate-added",
        what: "A documented rate appears in `rate`.",
        wire: "compatible",
        rust: "compatible: the client starts pacing the command to it";
    /// A documented rate changes.
    RateChanged = "rate-changed",
        what: "A documented rate changes (its limit, period, counted list, scope or throttling code).",
        wire: "risky when lowered: old clients pace faster than now allowed and get throttled; compatible when raised",
        rust: "compatible: the client paces to the new rate";
    /// A documented rate disappears.
    RateRemoved = "rate-removed",
        what: "A documented rate disappears from `rate`.",
        wire: "compatible",
        rust: "compatible: the client stops pacing the command";
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
    /// A callback command appears.
    CallbackAdded = "callback-added",
        what: "A callback command appears (`spec/callbacks/`).",
        wire: "compatible: old apps answer it as an unknown command",
        rust: "compatible: a new variant of the `#[non_exhaustive]` `Event`, new event and reply types";
    /// A callback command disappears.
    CallbackRemoved = "callback-removed",
        what: "A callback command disappears.",
        wire: "compatible: the server no longer sends it; old apps' handlers for it stay idle",
        rust: "**breaking**: the `Event` variant and the event and reply types disappear";
    /// A callback changes between `before` and `after`.
    CallbackWhenChanged = "callback-when-changed",
        what: "A callback changes between `before` (the reply decides) and `after` (the reply is ignored).",
        wire: "risky: old apps' answers start or stop deciding the outcome",
        rust: "**breaking**: the reply type appears or disappears";
    /// An outcome of a `before` callback appears.
    OutcomeAdded = "outcome-added",
        what: "A documented outcome (reply `ErrorCode`) of a `before` callback appears.",
        wire: "compatible: old apps never send it",
        rust: "compatible: a new constructor of the reply type";
    /// An outcome of a `before` callback disappears.
    OutcomeRemoved = "outcome-removed",
        what: "A documented outcome of a `before` callback disappears.",
        wire: "risky: old apps may still answer with its code, whose effect is no longer documented",
        rust: "**breaking**: the reply type's constructor disappears";
    /// The code of an outcome changes, or what the server does without an answer.
    OutcomeChanged = "outcome-changed",
        what: "The code (or code range) of an outcome, or the outcome the server applies without an answer (`on_failure`), changes.",
        wire: "**breaking** for a code: old apps send the old code, which now means something else; risky for `on_failure`: the default answer changes",
        rust: "compatible: same constructors, other codes";
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

/// The rule table in Markdown (rule, what, wire, Rust), as in the module docs and CONTRIBUTING.md.
pub fn rules_table() -> String {
    let mut s = String::from("| rule | what | wire | Rust |\n|---|---|---|---|\n");
    for r in Rule::ALL {
        s.push_str(&format!("| `{}` | {} | {} | {} |\n", r.id(), r.what(), r.wire_reason(), r.rust_reason()));
    }
    s
}
