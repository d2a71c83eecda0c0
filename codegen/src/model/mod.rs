//! The validated catalogue: every reference resolved, every Rust name chosen.
//!
//! The emitters and the spec diff read only this model, never the raw YAML. The rules both of them
//! depend on (collections, `new(...)` parameters, serde directions, type spellings) live in
//! `model/rules.rs`, next to the data they read.

use serde_json::Value;

mod ids;
mod rules;
pub use ids::{CallbackId, CommandId, GroupId, ServiceId, TypeId};
pub use rules::{Directions, PagingWords};

/// The whole validated catalogue.
#[derive(Debug, Clone)]
pub struct Catalogue {
    /// Services in file-name order.
    pub services: Vec<Service>,
    /// Every type: shared, service-local, inline objects and request/response roots.
    pub types: Vec<TypeDef>,
    /// Shared types in declaration order (file name, then file order).
    pub shared: Vec<TypeId>,
    /// Error codes in ascending order.
    pub errors: Vec<ErrorCode>,
    /// Documented commands the catalogue does not model yet (`spec/gaps.yaml`), with the reason.
    pub gaps: Vec<Gap>,
    /// Callback groups (`spec/callbacks/*.yaml`) in file-name order.
    pub callbacks: Vec<CallbackGroup>,
    /// Documented callback commands not modelled yet (`callbacks:` of `spec/gaps.yaml`).
    pub callback_gaps: Vec<CallbackGap>,
}

/// A callback command known to exist but not modelled.
#[derive(Debug, Clone, PartialEq)]
pub struct CallbackGap {
    /// The `CallbackCommand`.
    pub command: String,
    /// Why.
    pub reason: String,
    /// The official page, when one exists.
    pub doc: Option<String>,
}

/// One file of callback commands.
#[derive(Debug, Clone)]
pub struct CallbackGroup {
    /// The group (file stem and Rust module), e.g. `group`.
    pub module: String,
    /// Title.
    pub title: Title,
    /// Description.
    pub description: Option<String>,
    /// Spec file, relative to the spec root (e.g. `callbacks/group.yaml`).
    pub file: String,
    /// Callbacks in documentation order.
    pub callbacks: Vec<Callback>,
    /// Types emitted in this group's module, in emission order.
    pub types: Vec<TypeId>,
}

/// Whether a callback's reply decides anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    /// Before the action: the reply's code decides the outcome.
    Before,
    /// After the action: the reply is ignored.
    After,
}

/// One callback command.
#[derive(Debug, Clone)]
pub struct Callback {
    /// The `CallbackCommand`, e.g. `C2C.CallbackBeforeSendMsg`.
    pub command: String,
    /// Names, docs, examples and sources (`fn_name` is the Rust name stem, e.g.
    /// `c2c_before_send_msg`; an example's `request` is the event, its `response` the app's reply).
    pub op: Operation,
    /// Before or after.
    pub when: When,
    /// The event body type.
    pub event: TypeId,
    /// The reply type (`before` callbacks).
    pub reply: Option<TypeId>,
    /// Documented outcomes (`before` callbacks).
    pub outcomes: Vec<Outcome>,
    /// Index into `outcomes` of what the server does when the app fails to answer.
    pub on_failure: Option<usize>,
}

/// One documented outcome of a `before` callback.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// snake_case name: the reply's constructor.
    pub name: String,
    /// The code, or an inclusive range the app chooses from.
    pub code: OutcomeCode,
    /// What the IM server does.
    pub doc: String,
}

/// The `ErrorCode` of an outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutcomeCode {
    /// One fixed code.
    Fixed(i64),
    /// Any code in this inclusive range.
    Range(i64, i64),
}

/// A command known to exist but not modelled, and why (usually: no readable official page).
#[derive(Debug, Clone, PartialEq)]
pub struct Gap {
    /// Wire servicename.
    pub service: String,
    /// Wire command.
    pub command: String,
    /// Why it is not in the catalogue.
    pub reason: String,
    /// The official page, when one exists.
    pub doc: Option<String>,
}

/// A title in both languages.
#[derive(Debug, Clone, PartialEq)]
pub struct Title {
    /// Chinese.
    pub zh: String,
    /// English.
    pub en: String,
}

impl Title {
    /// `English (中文)`, or only the English title when the Chinese one is not known.
    pub fn both(&self) -> String {
        if self.zh.trim().is_empty() { self.en.clone() } else { format!("{} ({})", self.en, self.zh) }
    }
}

/// One servicename.
#[derive(Debug, Clone)]
pub struct Service {
    /// Wire servicename, e.g. `openim`.
    pub wire: String,
    /// Rust module (and cargo feature) name, e.g. `openim`.
    pub module: String,
    /// The per-service handle type, e.g. `Openim`.
    pub handle: String,
    /// Title.
    pub title: Title,
    /// Description.
    pub description: Option<String>,
    /// One line saying what the service is for (`summary:`).
    pub summary: Option<String>,
    /// Spec file, relative to the spec root (e.g. `services/openim.yaml`).
    pub file: String,
    /// Commands in documentation order.
    pub commands: Vec<Command>,
    /// Types emitted in this service's module, in emission order.
    pub types: Vec<TypeId>,
    /// The code the service answers a request that breaks a documented limit, where a command's page
    /// names none.
    pub limit_code: Option<i64>,
}

/// How the client may repeat a command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Retry {
    /// Repeating has no further effect (reads, absolute sets).
    Safe,
    /// The server de-duplicates repeats carrying the same values of these request fields.
    Dedupe(Vec<String>),
    /// Repeat only when the failure proves the call did not take effect.
    Never,
}

impl Retry {
    /// The spec spelling.
    pub fn spelling(&self) -> String {
        match self {
            Retry::Safe => "safe".into(),
            Retry::Never => "never".into(),
            Retry::Dedupe(f) => format!("dedupe({})", f.join(", ")),
        }
    }
}

/// What commands and callbacks share (an operation: one body in, one reply out): names, titles, doc
/// links, the official examples and the currency record. [`Command`] and [`Callback`] embed it as
/// `op` and dereference to it, so `c.fn_name` or `c.examples` reads the same on both.
#[derive(Debug, Clone)]
pub struct Operation {
    /// Rust function name (or name stem), e.g. `send_msg`.
    pub fn_name: String,
    /// PascalCase stem, e.g. `SendMsg`.
    pub pascal: String,
    /// Title.
    pub title: Title,
    /// Chinese doc link.
    pub doc: String,
    /// English doc link.
    pub doc_en: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// Official examples.
    pub examples: Vec<Example>,
    /// The official pages the schema was checked against.
    pub sources: Vec<SourceRef>,
}

impl std::ops::Deref for Command {
    type Target = Operation;
    fn deref(&self) -> &Operation {
        &self.op
    }
}

impl std::ops::Deref for Callback {
    type Target = Operation;
    fn deref(&self) -> &Operation {
        &self.op
    }
}

/// One command.
#[derive(Debug, Clone)]
pub struct Command {
    /// Wire command, e.g. `sendmsg`.
    pub wire: String,
    /// Names, docs, examples and sources.
    pub op: Operation,
    /// Retry class.
    pub retry: Retry,
    /// The request root type.
    pub request: TypeId,
    /// The response root type.
    pub response: TypeId,
    /// Per-item result lists.
    pub results: Vec<Results>,
    /// The reply is only partly documented (`reply: partial`): its known fields are optional and every
    /// other key is kept.
    pub partial: bool,
    /// The paging rule, for a command that returns a list page by page.
    pub paging: Option<Paging>,
    /// Documented limits on request fields, checked before sending.
    pub limits: Vec<Limit>,
    /// The request lists the batched call splits (from the `max_items` limits).
    pub batch: Vec<Batch>,
    /// Documented call rates, for pacing.
    pub rates: Vec<Rate>,
}

/// How a command pages through a list.
#[derive(Debug, Clone, PartialEq)]
pub struct Paging {
    /// Index of the response field holding the items of a page.
    pub items: Option<usize>,
    /// Index of the request field setting the page size.
    pub size: Option<usize>,
    /// How each cursor field of the next request gets its value.
    pub next: Vec<Cursor>,
    /// The reply is the last page when any of these holds.
    pub end: Vec<End>,
    /// The official page the rule comes from.
    pub source: String,
    /// Maintainer note.
    pub note: Option<String>,
}

/// One cursor field of the next request.
#[derive(Debug, Clone, PartialEq)]
pub struct Cursor {
    /// Index of the request field.
    pub field: usize,
    /// Where its next value comes from.
    pub how: CursorHow,
}

/// Where a cursor's next value comes from.
#[derive(Debug, Clone, PartialEq)]
pub enum CursorHow {
    /// The current value plus the number of items in the reply; left alone when the reply carries
    /// response field `unless`.
    AddItems {
        /// Index of a response field.
        unless: Option<usize>,
    },
    /// The value of this response field (kept when the reply lacks it).
    From(usize),
    /// The smallest value of this item field in the reply, minus `minus`.
    MinOf {
        /// Index of the field in the item type.
        item_field: usize,
        /// Subtracted from the smallest value.
        minus: u64,
    },
}

/// An end condition.
#[derive(Debug, Clone, PartialEq)]
pub enum End {
    /// A reply without items is the last.
    NoItems,
    /// A response field has (or, `negated`, is present and has not) this value.
    Field {
        /// Index of the response field.
        field: usize,
        /// The value (a string or an integer).
        value: Value,
        /// `not:` rather than `is:`.
        negated: bool,
    },
    /// The next request's cursor field `field` (an index of a request field) would have this value.
    Next {
        /// Index of the request field (one of the cursors).
        field: usize,
        /// The value (a string or an integer).
        value: Value,
    },
    /// The next value of request field `by` reaches response field `total`.
    Reached {
        /// Index of the response field holding the total.
        total: usize,
        /// Index of the request field counting the items so far.
        by: usize,
    },
}

/// One step of a limit's field path: a field of an object type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Step {
    /// The object type.
    pub ty: TypeId,
    /// Index of the field in it.
    pub field: usize,
}

/// A documented limit on a request field.
#[derive(Debug, Clone, PartialEq)]
pub struct Limit {
    /// The field, from the request root (through lists and options).
    pub path: Vec<Step>,
    /// The path with wire keys, e.g. `AccountList.UserID`.
    pub wire: String,
    /// What is limited.
    pub rule: LimitRule,
    /// The code the server answers when the limit is broken (the page's, or the service's `limit_code`).
    pub code: Option<i64>,
    /// The official page the limit comes from.
    pub source: String,
    /// Maintainer note.
    pub note: Option<String>,
}

/// What a limit bounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LimitRule {
    /// Items of a list.
    MaxItems(u64),
    /// Bytes of a string (each string of a list of strings).
    MaxBytes(u64),
    /// An integer range (each integer of a list of integers).
    Range {
        /// At least.
        min: Option<i64>,
        /// At most.
        max: Option<i64>,
    },
}

/// A request list the batched call splits into requests of at most `max` items.
#[derive(Debug, Clone, PartialEq)]
pub struct Batch {
    /// Index of the request field (a top-level list).
    pub list: usize,
    /// Items per request.
    pub max: u64,
    /// How an item is named in the reply's per-item results.
    pub id: BatchId,
    /// The parts must be sent one after another, in list order.
    pub ordered: bool,
}

/// How a batched item is named in per-item results.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BatchId {
    /// The item is a string and is its own name.
    Itself,
    /// This field (index in the item type) of an object item.
    Field(usize),
    /// Items have no name; an item's outcome is its request's.
    None,
}

/// A documented call rate.
#[derive(Debug, Clone, PartialEq)]
pub struct Rate {
    /// Units allowed per period.
    pub limit: u64,
    /// The period.
    pub per: Per,
    /// Index of the request list whose items count one unit each; calls count when `None`.
    pub counts: Option<usize>,
    /// Index of the request field whose every value has its own quota.
    pub scope: Option<usize>,
    /// The code the server answers a call over the rate.
    pub code: i64,
    /// The official page the rate comes from.
    pub source: String,
    /// Maintainer note.
    pub note: Option<String>,
}

/// The period of a rate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Per {
    /// One second.
    Second,
    /// One minute.
    Minute,
    /// One hour.
    Hour,
    /// One day.
    Day,
}

impl Per {
    /// Parses the spec spelling.
    pub fn parse(s: &str) -> Option<Per> {
        Some(match s {
            "second" => Per::Second,
            "minute" => Per::Minute,
            "hour" => Per::Hour,
            "day" => Per::Day,
            _ => return None,
        })
    }
    /// The spec spelling.
    pub fn spelling(self) -> &'static str {
        match self {
            Per::Second => "second",
            Per::Minute => "minute",
            Per::Hour => "hour",
            Per::Day => "day",
        }
    }
    /// The period in seconds.
    pub fn seconds(self) -> u64 {
        match self {
            Per::Second => 1,
            Per::Minute => 60,
            Per::Hour => 3600,
            Per::Day => 86400,
        }
    }
}

/// One official page a command was compared with (the currency record).
#[derive(Debug, Clone, PartialEq)]
pub struct SourceRef {
    /// URL, or `intlcloud-documents:<path>` / `qcloud-documents:<path>`.
    pub page: String,
    /// Language code.
    pub lang: String,
    /// The date the page carries, or `unknown`.
    pub dated: String,
    /// Whether it was read whole.
    pub whole: bool,
    /// When it was compared.
    pub checked: String,
    /// Remarks.
    pub note: Option<String>,
}

/// A per-item result list in a response.
#[derive(Debug, Clone)]
pub struct Results {
    /// Index of the list field in the response root.
    pub list: usize,
    /// The item type: `None` when items are plain strings (each one a failure).
    pub item: Option<TypeId>,
    /// Index of the id field in the item.
    pub id: Option<usize>,
    /// Index of the code field in the item.
    pub code: Option<usize>,
    /// Index of the info field in the item.
    pub info: Option<usize>,
    /// Codes meaning success.
    pub ok: Vec<i64>,
}

/// One official example of a command or a callback.
#[derive(Debug, Clone)]
pub struct Example {
    /// Caption.
    pub title: Option<String>,
    /// What was fixed in the doc's text, or where a legacy example comes from.
    pub note: Option<String>,
    /// From an older page; decoded tolerantly, not round-tripped.
    pub legacy: bool,
    /// The body sent (a command's request, a callback's event): JSON text and its parsed value.
    pub request: Option<(String, Value)>,
    /// The body answered (a command's response, a callback's reply): JSON text and its parsed value.
    pub response: Option<(String, Value)>,
}

/// Where a type is emitted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Owner {
    /// `api/types.rs`.
    Shared,
    /// A service module.
    Service(ServiceId),
    /// A callback group's module.
    Callbacks(GroupId),
}

/// What a type is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// A named type from `types:`.
    Named,
    /// An inline object.
    Inline,
    /// The request body of a command.
    Request(CommandId),
    /// The response payload of a command.
    Response(CommandId),
    /// The event body of a callback.
    Event(CallbackId),
    /// The reply of a callback.
    Reply(CallbackId),
}

/// A type definition.
#[derive(Debug, Clone)]
pub struct TypeDef {
    /// Rust name.
    pub name: String,
    /// Module.
    pub owner: Owner,
    /// Role.
    pub role: Role,
    /// Description.
    pub doc: Option<String>,
    /// Shape.
    pub kind: TypeKind,
    /// Reachable from a request root.
    pub in_request: bool,
    /// Reachable from a response root.
    pub in_response: bool,
    /// Spec file and key path, for messages.
    pub origin: (String, String),
}

/// Shape of a type.
#[derive(Debug, Clone)]
pub enum TypeKind {
    /// A JSON object with known keys.
    Object(Vec<Field>),
    /// An open enum.
    Enum {
        /// Wire representation.
        base: Scalar,
        /// Known values.
        values: Vec<EnumValue>,
    },
    /// A tagged union `{tag: "...", content: {...}}`.
    Union {
        /// Tag key.
        tag: String,
        /// Content key.
        content: String,
        /// Known variants.
        variants: Vec<Variant>,
    },
    /// A value that is one of several JSON kinds.
    OneOf(Vec<(String, Ty)>),
}

/// An enum value.
#[derive(Debug, Clone)]
pub struct EnumValue {
    /// Wire value (text of the string, or the integer in decimal).
    pub wire: String,
    /// Rust variant.
    pub rust: String,
    /// Description.
    pub doc: Option<String>,
}

/// A union variant.
#[derive(Debug, Clone)]
pub struct Variant {
    /// Tag value.
    pub tag: String,
    /// Rust variant.
    pub rust: String,
    /// Content type.
    pub ty: TypeId,
    /// Description.
    pub doc: Option<String>,
}

/// An object field.
#[derive(Debug, Clone)]
pub struct Field {
    /// Wire key.
    pub wire: String,
    /// Rust field name (raw identifiers spelled `r#type`).
    pub rust: String,
    /// Type.
    pub ty: Ty,
    /// May be absent.
    pub optional: bool,
    /// Description.
    pub doc: Option<String>,
    /// Redacted in `Debug`.
    pub sensitive: bool,
    /// Filled in by the SDK.
    pub auto: Option<Auto>,
    /// Other wire keys the field is also read from (never written).
    pub aliases: Vec<String>,
}

/// Values the SDK fills in when a request is built.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Auto {
    /// A fresh random number of the field's width.
    Random,
}

/// JSON scalar kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scalar {
    /// UTF-8 text.
    String,
    /// `true`/`false`.
    Bool,
    /// A documented 0/1 flag (off/on): the integer 0 or 1 on the wire, `bool` in Rust.
    Flag,
    /// 32-bit signed.
    I32,
    /// 32-bit unsigned.
    U32,
    /// 64-bit signed.
    I64,
    /// 64-bit unsigned.
    U64,
    /// 64-bit float.
    F64,
    /// Free-form JSON.
    Json,
}

impl Scalar {
    /// Parses the spec spelling.
    pub fn parse(s: &str) -> Option<Scalar> {
        Some(match s {
            "string" => Scalar::String,
            "bool" => Scalar::Bool,
            "flag" => Scalar::Flag,
            "i32" => Scalar::I32,
            "u32" => Scalar::U32,
            "i64" => Scalar::I64,
            "u64" => Scalar::U64,
            "f64" => Scalar::F64,
            "json" => Scalar::Json,
            _ => return None,
        })
    }
    /// The spec spelling.
    pub fn spelling(self) -> &'static str {
        match self {
            Scalar::String => "string",
            Scalar::Bool => "bool",
            Scalar::Flag => "flag",
            Scalar::I32 => "i32",
            Scalar::U32 => "u32",
            Scalar::I64 => "i64",
            Scalar::U64 => "u64",
            Scalar::F64 => "f64",
            Scalar::Json => "json",
        }
    }
    /// Whether this is an integer kind.
    pub fn is_integer(self) -> bool {
        matches!(self, Scalar::I32 | Scalar::U32 | Scalar::I64 | Scalar::U64)
    }
    /// Whether `v` fits this integer kind.
    pub fn int_fits(self, v: &serde_json::Number) -> bool {
        match self {
            Scalar::I32 => v.as_i64().is_some_and(|x| i32::try_from(x).is_ok()),
            Scalar::U32 => v.as_u64().is_some_and(|x| u32::try_from(x).is_ok()),
            Scalar::I64 => v.as_i64().is_some(),
            Scalar::U64 => v.as_u64().is_some(),
            Scalar::Flag => matches!(v.as_u64(), Some(0 | 1)),
            _ => false,
        }
    }
}

/// A resolved type expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Ty {
    /// A scalar.
    Scalar(Scalar),
    /// A named or inline type.
    Ref(TypeId),
    /// A JSON array.
    Array(Box<Ty>),
    /// A JSON object with arbitrary string keys.
    Map(Box<Ty>),
}

/// Error class: what a code says about retrying.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorClass {
    /// Did not take effect; repeating later may succeed.
    Retry,
    /// Temporary, but may have taken effect.
    Transient,
    /// The UserSig must be regenerated.
    Resign,
    /// Repeating will not help.
    Permanent,
}

impl ErrorClass {
    /// Parses the spec spelling.
    pub fn parse(s: &str) -> Option<ErrorClass> {
        Some(match s {
            "retry" => ErrorClass::Retry,
            "transient" => ErrorClass::Transient,
            "resign" => ErrorClass::Resign,
            "permanent" => ErrorClass::Permanent,
            _ => return None,
        })
    }
    /// The Rust variant name in the runtime's `ErrorClass`.
    pub fn variant(self) -> &'static str {
        match self {
            ErrorClass::Retry => "Retry",
            ErrorClass::Transient => "Transient",
            ErrorClass::Resign => "Resign",
            ErrorClass::Permanent => "Permanent",
        }
    }
}

/// One error code.
#[derive(Debug, Clone)]
pub struct ErrorCode {
    /// The code.
    pub code: i64,
    /// SCREAMING_SNAKE_CASE constant name.
    pub constant: String,
    /// Family.
    pub family: String,
    /// Class.
    pub class: ErrorClass,
    /// Chinese meaning.
    pub zh: String,
    /// English meaning.
    pub en: String,
}

impl Catalogue {
    /// The fields of an object type (empty for other kinds).
    pub fn fields(&self, id: TypeId) -> &[Field] {
        match &self.types[id].kind {
            TypeKind::Object(f) => f,
            _ => &[],
        }
    }
    /// Every command with its service.
    pub fn commands(&self) -> impl Iterator<Item = (&Service, &Command)> {
        self.services.iter().flat_map(|s| s.commands.iter().map(move |c| (s, c)))
    }
}
